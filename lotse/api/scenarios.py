"""``POST /api/v1/scenario-runs``: a partner runs a route test suite against the served graph.

The suite comes as JSON or YAML (the same file ``lotse test-routes`` reads)
and runs in this process through the ``/routes`` view, so the results are
what a phone would get. The answer is the JSON report (or JUnit XML / HTML
with ``format``); a failing expectation is a successful run that reports a
failure (200), while a malformed suite is a problem (422, with every issue
and its line).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, jsonify, request

from lotse.api import schemas
from lotse.api.spec import documented
from lotse.auth import require_role
from lotse.problems import Problem
from lotse.scenarios import SuiteError, load_suite, run_suite
from lotse.scenarios.clients import app_beacon, app_graph_info, app_route
from lotse.scenarios.html import run_html
from lotse.scenarios.reports import junit_xml
from lotse.scenarios.schema import MAX_SCENARIOS, SUITE

bp = Blueprint("scenarios", __name__)

YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml"}
FORMATS = {"json": "application/json", "junit": "application/xml", "html": "text/html"}
#: Scenarios not started after this long are reported as not run (gunicorn kills a worker at 60 s).
TIME_BUDGET_S = 45.0

RUN_REPORT = {
    "type": "object",
    "required": ["suite", "passed", "totals", "scenarios"],
    "properties": {
        "suite": {"type": "string"},
        "passed": {"type": "boolean"},
        "totals": {"type": "object"},
        "graph": {"type": "object"},
        "scenarios": {"type": "array", "items": {
            "type": "object", "required": ["name", "status", "checks"],
            "properties": {"name": {"type": "string"}, "status": {"enum": ["passed", "failed", "error"]},
                           "checks": {"type": "array"}, "measured": {"type": "object"},
                           "message": {"type": ["string", "null"]}}}},
    },
}


def _suite_from_request():
    mimetype = request.mimetype
    if mimetype == "application/json":
        fmt = "json"
    elif mimetype in YAML_TYPES:
        fmt = "yaml"
    else:
        raise Problem("unsupported-media-type", f"send the suite as application/json or application/yaml "
                      f"(got '{mimetype or 'no content type'}')")
    raw = request.get_data(cache=True)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem("invalid-suite", "the suite is not UTF-8 text") from None
    try:
        return load_suite(text, fmt=fmt, source=request.args.get("name") or "suite",
                          max_scenarios=MAX_SCENARIOS)
    except SuiteError as exc:
        issues = [i.to_dict() for i in exc.issues[:50]]
        if exc.too_large:
            raise Problem("suite-too-large", str(exc.issues[0]), max_scenarios=MAX_SCENARIOS) from None
        detail = "; ".join(str(i) for i in exc.issues[:5])
        more = f" (and {len(exc.issues) - 5} more)" if len(exc.issues) > 5 else ""
        raise Problem("invalid-suite", detail + more, errors=issues) from None


@bp.post("/scenario-runs")
@documented(
    "Run a route test suite against the graph served", tag="partners", auth="partner",
    description="Body: a suite as JSON (application/json) or YAML (application/yaml, text/yaml), see "
                f"docs/route-suites.md; at most {MAX_SCENARIOS} scenarios. Answers the run report: 200 whether "
                "or not every expectation held (see `passed`). `format=junit` answers JUnit XML, "
                "`format=html` the accessible HTML report.",
    request_schema=SUITE,
    parameters=[{"name": "format", "in": "query", "required": False,
                 "schema": {"enum": list(FORMATS), "default": "json"}},
                {"name": "name", "in": "query", "required": False, "schema": {"type": "string"},
                 "description": "a name for the suite file in the report"}],
    responses={200: ("The run report", RUN_REPORT), 401: ("Missing or invalid API key", schemas.PROBLEM),
               403: ("The key may not run suites", schemas.PROBLEM),
               413: ("Too many scenarios or too large a body", schemas.PROBLEM),
               415: ("Not JSON or YAML", schemas.PROBLEM),
               422: ("The suite is malformed: every issue with its line", schemas.PROBLEM)},
)
@require_role("partner", "staff")
def run_scenarios():
    fmt = request.args.get("format", "json")
    if fmt not in FORMATS:
        raise Problem("invalid-request", f"format '{fmt}' is not supported: use json, junit or html")
    suite = _suite_from_request()
    app = current_app._get_current_object()
    run = run_suite(suite, app_route(app), beacon=app_beacon(app), graph=app_graph_info(app),
                    time_budget_s=TIME_BUDGET_S)
    if fmt == "junit":
        return Response(_utf8(junit_xml(run)), mimetype=FORMATS[fmt])
    if fmt == "html":
        return Response(_utf8(run_html(run)), mimetype=FORMATS[fmt])
    report = run.to_dict()
    try:
        return jsonify(report)
    except UnicodeEncodeError:  # a lone surrogate ("\\ud800") from the suite's names: sent as an escape
        return Response(json.dumps(report, ensure_ascii=True), mimetype=FORMATS[fmt])


def _utf8(text: str) -> bytes:
    """``text`` as UTF-8; a lone surrogate from the suite (YAML and JSON allow "\\ud800") becomes ``\\ud800``."""
    return text.encode("utf-8", "backslashreplace")
