"""Compare two runs of one suite (e.g. before and after an OpenStreetMap update).

A partner wants to know which routes a map or software change moved and
how: longer or shorter, more crossings, new steps, more turns, and which
spoken instructions appeared or disappeared.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, field
from typing import Any

from lotse.scenarios.runner import ScenarioResult, SuiteRun

#: Measures compared, with the smallest difference that counts as a change.
METRICS: dict[str, float] = {
    "distance_m": 0.5,
    "crossings": 0,
    "crossings_without_sound": 0,
    "unsignalised_major_crossings": 0,
    "step_flights": 0,
    "turns": 0,
    "detour_factor": 0.005,
}

LABELS = {
    "distance_m": "length (m)",
    "crossings": "crossings",
    "crossings_without_sound": "crossings without sound",
    "unsignalised_major_crossings": "unsignalised major crossings",
    "step_flights": "flights of steps",
    "turns": "turns",
    "detour_factor": "detour factor",
}


@dataclass
class ScenarioChange:
    """How one scenario's route differs between the two runs."""

    name: str
    before_status: str
    after_status: str
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)  # only those that changed
    added: list[str] = field(default_factory=list)  # instructions said only after
    removed: list[str] = field(default_factory=list)  # instructions said only before
    expectations_changed: list[str] = field(default_factory=list)  # "max_turns: passed -> failed"
    note: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.before_status != self.after_status or self.metrics or self.added or self.removed
                    or self.expectations_changed or self.note)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"changed": self.changed}


@dataclass
class Comparison:
    """Two runs of one suite and the changes between them."""

    before: SuiteRun
    after: SuiteRun
    changes: list[ScenarioChange]

    @property
    def changed(self) -> list[ScenarioChange]:
        return [c for c in self.changes if c.changed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.after.suite,
            "before": {"graph": self.before.graph, "totals": self.before.totals, "passed": self.before.passed},
            "after": {"graph": self.after.graph, "totals": self.after.totals, "passed": self.after.passed},
            "scenarios": len(self.changes),
            "changed": len(self.changed),
            "changes": [c.to_dict() for c in self.changes],
            "runs": {"before": self.before.to_dict(), "after": self.after.to_dict()},
        }


def compare_runs(before: SuiteRun, after: SuiteRun) -> Comparison:
    """Pair the scenarios of two runs by name and describe what changed."""
    by_name = {r.name: r for r in before.results}
    changes = []
    for result in after.results:
        old = by_name.get(result.name)
        if old is None:
            changes.append(ScenarioChange(result.name, "absent", result.status, note="only in the second run"))
        else:
            changes.append(compare_results(old, result))
    after_names = {r.name for r in after.results}
    for result in before.results:
        if result.name not in after_names:
            changes.append(ScenarioChange(result.name, result.status, "absent", note="only in the first run"))
    return Comparison(before, after, changes)


def compare_results(before: ScenarioResult, after: ScenarioResult) -> ScenarioChange:
    """The change of one scenario between two runs."""
    change = ScenarioChange(before.name, before.status, after.status)
    for key, tolerance in METRICS.items():
        a, b = before.measured.get(key), after.measured.get(key)
        if a is None and b is None:
            continue
        if a is None or b is None or abs(b - a) > tolerance:
            delta = round(b - a, 3) if a is not None and b is not None else None
            change.metrics[key] = {"before": a, "after": b, "delta": delta}
    change.added, change.removed = instruction_diff(before.instructions, after.instructions)
    old_checks = {(c.name, _check_key(c)): c.passed for c in before.checks}
    for c in after.checks:
        was = old_checks.get((c.name, _check_key(c)))
        if was is not None and was != c.passed:
            change.expectations_changed.append(
                f"{c.name}: {'passed' if was else 'failed'} -> {'passed' if c.passed else 'failed'}")
    if before.problem and after.problem and before.problem.get("type") != after.problem.get("type"):
        change.note = f"refused differently: {before.problem.get('type')} -> {after.problem.get('type')}"
    return change


def instruction_diff(before: list[str], after: list[str]) -> tuple[list[str], list[str]]:
    """(added, removed) main instruction texts, matched in order like ``diff``."""
    added: list[str] = []
    removed: list[str] = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("replace", "delete"):
            removed.extend(before[i1:i2])
        if op in ("replace", "insert"):
            added.extend(after[j1:j2])
    return added, removed


def _check_key(check) -> str:
    return repr(check.expected)
