"""Run a suite: plan every scenario's route through a callable and check it.

The runner knows nothing of Flask or HTTP. It is given
``route(request) -> (status, body)``; :mod:`lotse.scenarios.clients` makes
one from an app (in process, the same code path as HTTP) or from a server's
URL, so a partner's suite runs the same way on a laptop and in their CI.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from lotse.scenarios.expectations import Check, Context, beacons_wanted, check, measures, needs_shortest_walk
from lotse.scenarios.loader import Scenario, Suite

RouteFn = Callable[[dict[str, Any]], tuple[int, dict[str, Any]]]
BeaconFn = Callable[[str], "tuple[float, float] | None"]

PASSED, FAILED, ERROR = "passed", "failed", "error"


@dataclass
class ScenarioResult:
    """What happened to one scenario."""

    name: str
    status: str  # passed | failed | error
    request: dict[str, Any]
    checks: list[Check] = field(default_factory=list)
    measured: dict[str, Any] = field(default_factory=dict)
    summary: str | None = None
    instructions: list[str] = field(default_factory=list)
    problem: dict[str, Any] | None = None  # the API's problem document when the route was refused
    message: str | None = None  # why it failed or errored, one line
    description: str | None = None
    line: int | None = None
    time_s: float = 0.0
    response: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    def to_dict(self, *, with_response: bool = False) -> dict[str, Any]:
        d = asdict(self)
        d["checks"] = [c.to_dict() for c in self.checks]
        if not with_response:
            d.pop("response")
        return d


@dataclass
class SuiteRun:
    """The results of one suite against one graph."""

    suite: str
    source: str
    results: list[ScenarioResult]
    graph: dict[str, Any] = field(default_factory=dict)
    started_at: str = ""
    duration_s: float = 0.0
    description: str | None = None

    @property
    def totals(self) -> dict[str, int]:
        counts = {PASSED: 0, FAILED: 0, ERROR: 0}
        for r in self.results:
            counts[r.status] += 1
        return {"scenarios": len(self.results), **counts}

    @property
    def passed(self) -> bool:
        return all(r.status == PASSED for r in self.results)

    def to_dict(self, *, with_responses: bool = False) -> dict[str, Any]:
        return {
            "suite": self.suite, "description": self.description, "source": self.source,
            "graph": self.graph, "started_at": self.started_at, "duration_s": round(self.duration_s, 3),
            "passed": self.passed, "totals": self.totals,
            "scenarios": [r.to_dict(with_response=with_responses) for r in self.results],
        }


def run_suite(suite: Suite, route: RouteFn, *, beacon: BeaconFn | None = None,
              graph: dict[str, Any] | None = None, keep_responses: bool = False,
              time_budget_s: float | None = None) -> SuiteRun:
    """Run every scenario of ``suite`` in order; never raises for a refused or failing route.

    With ``time_budget_s`` (the HTTP API sets one, so a request ends before its
    worker is killed), scenarios after the first not started within the budget are errors.
    """
    started = time.perf_counter()
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    results = []
    for s in suite.scenarios:
        if time_budget_s is not None and results and time.perf_counter() - started > time_budget_s:
            results.append(ScenarioResult(
                name=s.name, status=ERROR, request=s.request, description=s.description, line=s.line,
                message=f"not run: the suite took longer than {time_budget_s:.0f} s; split it into smaller "
                        "suites or run it with 'lotse test-routes'"))
            continue
        results.append(run_scenario(s, route, beacon=beacon, keep_response=keep_responses))
    return SuiteRun(suite=suite.name, source=suite.source, results=results, graph=graph or {},
                    started_at=stamp, duration_s=time.perf_counter() - started, description=suite.description)


def run_scenario(scenario: Scenario, route: RouteFn, *, beacon: BeaconFn | None = None,
                 keep_response: bool = False) -> ScenarioResult:
    """Plan one scenario's route and check its expectations."""
    started = time.perf_counter()
    result = ScenarioResult(name=scenario.name, status=ERROR, request=scenario.request,
                            description=scenario.description, line=scenario.line)
    try:
        status, body = route(scenario.request)
    except Exception as exc:  # a server that cannot be reached must not end the whole run
        result.message = f"the route request failed: {exc}"
        result.time_s = time.perf_counter() - started
        return result
    if status != 200:
        _refused(result, scenario, status, body)
    else:
        _checked(result, scenario, body, route, beacon)
    if keep_response and status == 200:
        result.response = body
    result.time_s = time.perf_counter() - started
    return result


def _refused(result: ScenarioResult, scenario: Scenario, status: int, body: dict[str, Any]) -> None:
    problem = body if isinstance(body, dict) else {}
    result.problem = {k: problem.get(k) for k in ("type", "title", "status", "detail")} | {"status": status}
    slug = str(problem.get("type", "")).rsplit(":", 1)[-1]
    detail = problem.get("detail") or problem.get("title") or f"HTTP {status}"
    if scenario.expect_problem:
        ok = slug == scenario.expect_problem
        result.checks = [Check("expect_problem", ok, scenario.expect_problem, slug or status,
                               f"refused with {slug or status}: {detail}")]
        result.status = PASSED if ok else FAILED
        result.message = None if ok else f"expected problem {scenario.expect_problem}, got {slug}: {detail}"
    else:
        result.message = f"no route ({slug or status}): {detail}"


def _checked(result: ScenarioResult, scenario: Scenario, body: dict[str, Any], route: RouteFn,
             beacon: BeaconFn | None) -> None:
    try:
        result.measured = measures(body)
        result.summary = body["route"]["properties"].get("summary")
        result.instructions = [(s.get("text") or {}).get("main", "") for s in body.get("steps", [])]
    except (KeyError, TypeError) as exc:
        result.message = f"the response is not a route: missing {exc}"
        return
    if scenario.expect_problem:
        result.checks = [Check("expect_problem", False, scenario.expect_problem, "route",
                               f"expected the route to be refused with {scenario.expect_problem}, "
                               "but a route was planned")]
        result.status, result.message = FAILED, result.checks[0].message
        return
    ctx = Context()
    if needs_shortest_walk(scenario.expect, body):
        ctx.shortest_walk_m = _shortest_walk(scenario, route)
        if ctx.shortest_walk_m:
            result.measured["detour_factor"] = round(result.measured["distance_m"] / ctx.shortest_walk_m, 3)
    wanted = beacons_wanted(scenario.expect)
    if wanted:
        ctx.beacons = {b: _safe_beacon(beacon, b) for b in sorted(wanted)}
    result.checks = check(scenario.expect, body, ctx)
    failures = result.failures
    result.status = FAILED if failures else PASSED
    if failures:
        result.message = "; ".join(c.message for c in failures)


def _shortest_walk(scenario: Scenario, route: RouteFn) -> float | None:
    """Length of the sighted baseline (profile ``walk``, no options) between the same points."""
    request = {k: v for k, v in scenario.request.items() if k not in ("profile", "options")}
    request["profile"] = "walk"
    try:
        status, body = route(request)
        return float(body["route"]["properties"]["distance_m"]) if status == 200 else None
    except Exception:
        return None


def _safe_beacon(beacon: BeaconFn | None, beacon_id: str) -> tuple[float, float] | None:
    if beacon is None:
        return None
    try:
        return beacon(beacon_id)
    except Exception:
        return None
