"""Reports of a suite run and of a comparison: console text, JSON and JUnit XML.

JUnit XML lets partners run their suites in their own CI (Jenkins, GitLab,
GitHub Actions all read it). The accessible HTML report is in
:mod:`lotse.scenarios.html`.
"""

from __future__ import annotations

import json
import re
import socket
import xml.etree.ElementTree as ET
from typing import Any

from lotse.scenarios.compare import LABELS, Comparison
from lotse.scenarios.runner import ERROR, FAILED, PASSED, ScenarioResult, SuiteRun

STATUS_WORD = {PASSED: "PASS", FAILED: "FAIL", ERROR: "ERROR"}


def _graph_line(graph: dict[str, Any]) -> str:
    if not graph:
        return "graph: unknown"
    parts = [str(graph.get("source") or "?")]
    if graph.get("built_at"):
        parts.append(f"built {graph['built_at']}")
    if graph.get("nodes"):
        parts.append(f"{graph['nodes']:,} nodes")
    return "graph: " + ", ".join(parts)


def _figures(r: ScenarioResult) -> str:
    m = r.measured
    if not m:
        return ""
    bits = []
    if m.get("distance_m") is not None:
        bits.append(f"{m['distance_m']:.0f} m")
    if m.get("crossings") is not None:
        bits.append(_count(m["crossings"], "crossing"))
    if m.get("crossings_without_sound") is not None:
        bits.append(f"{m['crossings_without_sound']} without sound")
    if m.get("step_flights"):
        bits.append(_count(m["step_flights"], "flight of steps", "flights of steps"))
    if m.get("turns") is not None:
        bits.append(_count(m["turns"], "turn"))
    if m.get("detour_factor") is not None:
        bits.append(f"detour {m['detour_factor']:.2f}")
    return ", ".join(bits)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def text_summary(run: SuiteRun, *, verbose: bool = False) -> str:
    """A readable summary: one line per scenario, then each failing expectation with its figures."""
    lines = [f"Suite: {run.suite} ({run.source})", _graph_line(run.graph), ""]
    width = max((len(r.name) for r in run.results), default=10)
    for r in run.results:
        lines.append(f"{STATUS_WORD[r.status]:5s}  {r.name:{width}s}  {_figures(r)}")
        if r.status == ERROR:
            lines.append(f"       {r.message}")
        for c in r.checks:
            if not c.passed or verbose:
                lines.append(f"       {'ok' if c.passed else 'FAILED'} {c.name}: {c.message}")
    t = run.totals
    verdict = "PASSED" if run.passed else "FAILED"
    lines += ["", f"{verdict}: {t['passed']} passed, {t[FAILED]} failed, {_count(t[ERROR], 'error')} "
                  f"of {t['scenarios']} scenarios in {run.duration_s:.1f} s"]
    return "\n".join(lines)


def json_report(run: SuiteRun) -> str:
    """The run as JSON (the same document ``POST /api/v1/scenario-runs`` returns)."""
    return json.dumps(run.to_dict(), ensure_ascii=False, indent=2)


# --- JUnit XML ------------------------------------------------------------------------------

_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: Any) -> str:
    """Text XML 1.0 can carry (control characters would make the file unreadable)."""
    return _XML_BAD.sub("?", str(text))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower() or "suite"


def junit_xml(run: SuiteRun) -> str:
    """The run as JUnit XML: one ``testsuite``, one ``testcase`` per scenario."""
    t = run.totals
    timestamp = run.started_at[:19] if run.started_at else ""
    root = ET.Element("testsuites", name=_clean(run.suite), tests=str(t["scenarios"]),
                      failures=str(t[FAILED]), errors=str(t[ERROR]), time=f"{run.duration_s:.3f}")
    attrs = {"name": _clean(run.suite), "tests": str(t["scenarios"]), "failures": str(t[FAILED]),
             "errors": str(t[ERROR]), "skipped": "0", "time": f"{run.duration_s:.3f}",
             "hostname": _clean(socket.gethostname() or "localhost"), "id": "0", "package": "lotse.routes"}
    if timestamp:
        attrs["timestamp"] = timestamp
    suite = ET.SubElement(root, "testsuite", attrs)
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="source", value=_clean(run.source))
    for key, value in sorted(run.graph.items()):
        if isinstance(value, (str, int, float, bool)):
            text = str(value).lower() if isinstance(value, bool) else value
            ET.SubElement(props, "property", name=f"graph.{key}", value=_clean(text))
    classname = f"lotse.{_slug(run.suite)}"
    for r in run.results:
        case = ET.SubElement(suite, "testcase", name=_clean(r.name), classname=classname, time=f"{r.time_s:.3f}")
        if r.status == ERROR:
            err = ET.SubElement(case, "error", message=_clean(r.message or "error"),
                                type=_clean((r.problem or {}).get("type") or "error"))
            err.text = _clean(json.dumps(r.problem or {}, ensure_ascii=False))
        elif r.status == FAILED:
            failures = r.failures
            fail = ET.SubElement(case, "failure", message=_clean(r.message or "expectation failed"),
                                 type=",".join(c.name for c in failures) or "expectation")
            fail.text = _clean("\n".join(f"{c.name}: {c.message} (expected {c.expected!r}, measured {c.measured!r})"
                                         for c in failures))
        out = [f"{'ok' if c.passed else 'FAILED'} {c.name}: {c.message}" for c in r.checks]
        if r.summary:
            out += ["", r.summary]
        out += [f"{i}. {text}" for i, text in enumerate(r.instructions, 1)]
        if out:
            ET.SubElement(case, "system-out").text = _clean("\n".join(out))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# --- comparisons ----------------------------------------------------------------------------

def comparison_text(cmp: Comparison) -> str:
    """Which routes changed between the two runs, and how."""
    lines = [f"Suite: {cmp.after.suite}", "before " + _graph_line(cmp.before.graph),
             "after  " + _graph_line(cmp.after.graph), ""]
    for c in cmp.changes:
        if not c.changed:
            lines.append(f"same     {c.name}")
            continue
        status = f" ({c.before_status} -> {c.after_status})" if c.before_status != c.after_status else ""
        lines.append(f"CHANGED  {c.name}{status}")
        for key, v in c.metrics.items():
            delta = f" ({v['delta']:+g})" if v["delta"] is not None else ""
            lines.append(f"         {LABELS.get(key, key)}: {_num(v['before'])} -> {_num(v['after'])}{delta}")
        for text in c.removed:
            lines.append(f"         - {text}")
        for text in c.added:
            lines.append(f"         + {text}")
        for text in c.expectations_changed:
            lines.append(f"         expectation {text}")
        if c.note:
            lines.append(f"         {c.note}")
    lines += ["", f"{len(cmp.changed)} of {len(cmp.changes)} routes changed; "
                  f"before: {cmp.before.totals['passed']} passed, after: {cmp.after.totals['passed']} passed "
                  f"of {cmp.after.totals['scenarios']}"]
    return "\n".join(lines)


def comparison_json(cmp: Comparison) -> str:
    return json.dumps(cmp.to_dict(), ensure_ascii=False, indent=2)


def _num(value: Any) -> str:
    if value is None:
        return "none"
    return f"{value:g}" if isinstance(value, float) else str(value)
