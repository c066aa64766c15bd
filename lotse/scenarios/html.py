"""Self-contained HTML reports a screen reader reads well.

No scripts, no map, no external files: a page partners can mail around and
open anywhere. What makes it accessible: ``<html lang>`` and ``lang`` on the
German guidance, one ``h1`` and headings in order, tables with a caption and
``th scope``, links with text, and status written as a word (the colour and
the symbol only repeat it).
"""

from __future__ import annotations

from html import escape
from typing import Any, Iterable

from lotse.scenarios.compare import LABELS, Comparison, ScenarioChange
from lotse.scenarios.runner import ERROR, FAILED, PASSED, ScenarioResult, SuiteRun

_STATUS = {PASSED: ("Passed", "✓"), FAILED: ("Failed", "✗"), ERROR: ("Error", "!"), "absent": ("Absent", "–")}

_STYLE = """
body{font-family:system-ui,sans-serif;line-height:1.5;max-width:72rem;margin:0 auto;padding:1rem;color:#111;background:#fff}
table{border-collapse:collapse;margin:0.5rem 0 1.5rem;width:100%}
caption{text-align:left;font-weight:bold;padding:0.25rem 0}
th,td{border:1px solid #666;padding:0.3rem 0.5rem;text-align:left;vertical-align:top}
thead th{background:#eee}
.status-passed{color:#0a5d1a}.status-failed{color:#a00000}.status-error{color:#7a3e00}.status-absent{color:#333}
.status{font-weight:bold}
a{color:#0645ad}
:focus{outline:3px solid #1a4fa0;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:0.5rem}
@media (prefers-color-scheme: dark){body{background:#111;color:#eee}thead th{background:#333}
a{color:#9cf}.status-passed{color:#7ee08a}.status-failed{color:#ff9a9a}.status-error{color:#ffc27a}
.status-absent{color:#ccc}th,td{border-color:#999}}
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _status(status: str) -> str:
    word, symbol = _STATUS.get(status, (status, ""))
    return (f'<span class="status status-{_e(status)}"><span aria-hidden="true">{symbol} </span>'
            f"{_e(word)}</span>")


def _page(title: str, body: Iterable[str], lang: str = "en") -> str:
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{_e(lang)}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
        '<a class="skip" href="#main">Skip to the results</a>', '<main id="main">', *body, "</main>",
        "</body>", "</html>", ""])


def _graph_dl(graph: dict[str, Any], label: str = "Graph") -> str:
    if not graph:
        return f"<dt>{_e(label)}</dt><dd>unknown</dd>"
    bits = [str(graph.get("source") or "?")]
    if graph.get("built_at"):
        bits.append(f"built {graph['built_at']}")
    if graph.get("nodes"):
        bits.append(f"{graph['nodes']:,} nodes, {graph.get('edges', 0):,} edges")
    return f"<dt>{_e(label)}</dt><dd>{_e(', '.join(bits))}</dd>"


def _attribution(*graphs: dict[str, Any]) -> str:
    if all(g.get("demo") for g in graphs if g) and any(graphs):
        return "<p>Map: the Lotse demo map, invented data of the Lotse project.</p>"
    return "<p>Map data © OpenStreetMap contributors, available under the Open Database License (ODbL).</p>"


def _num(value: Any, unit: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        text = f"{value:.0f}" if unit == "m" else f"{value:.2f}"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def _delta(value: Any) -> str:
    return "—" if value is None else f"{value:+g}"


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _num(value)


def _check_value(name: str, value: Any) -> str:
    """Lengths and distances in whole metres, other numbers as they are."""
    if name in ("max_length_m", "must_pass", "must_avoid") and isinstance(value, (int, float)) \
            and not isinstance(value, bool):
        return f"{value:.0f} m"
    return _value(value)


# --- a run ----------------------------------------------------------------------------------

def run_html(run: SuiteRun) -> str:
    """The report of one run."""
    t = run.totals
    verdict = "passed" if run.passed else "failed"
    title = f"Route tests {verdict}: {run.suite} ({t[PASSED]} of {t['scenarios']} passed)"
    body = [f"<h1>Route test report: {_e(run.suite)}</h1>"]
    if run.description:
        body.append(f"<p>{_e(run.description)}</p>")
    body.append(f"<p>Result: {_status(PASSED if run.passed else FAILED)}. {t[PASSED]} passed, "
                f"{t[FAILED]} failed, {t[ERROR]} {'error' if t[ERROR] == 1 else 'errors'} of {t['scenarios']} scenarios.</p>")
    body.append("<dl>" + _graph_dl(run.graph) + f"<dt>Suite file</dt><dd>{_e(run.source)}</dd>"
                f"<dt>Run at</dt><dd>{_e(run.started_at)}</dd>"
                f"<dt>Duration</dt><dd>{run.duration_s:.1f} seconds</dd></dl>")
    body.append('<h2 id="overview">Overview</h2>')
    body.append(_overview_table(run))
    body.append('<h2 id="scenarios">Scenarios</h2>')
    for i, r in enumerate(run.results, 1):
        body.extend(_scenario_section(i, r))
    body.append('<h2 id="about">About this report</h2>')
    body.append(_attribution(run.graph))
    return _page(title, body)


def _overview_table(run: SuiteRun) -> str:
    rows = []
    for i, r in enumerate(run.results, 1):
        m = r.measured
        failed = ", ".join(c.name for c in r.failures) or ("—" if r.status != ERROR else "no route")
        rows.append(
            f'<tr><th scope="row"><a href="#s{i}">{_e(r.name)}</a></th><td>{_status(r.status)}</td>'
            f"<td>{_num(m.get('distance_m'), 'm')}</td><td>{_num(m.get('crossings'))}</td>"
            f"<td>{_num(m.get('crossings_without_sound'))}</td><td>{_num(m.get('step_flights'))}</td>"
            f"<td>{_num(m.get('turns'))}</td><td>{_e(failed)}</td></tr>")
    return ("<table><caption>Every scenario with its result and figures</caption><thead><tr>"
            '<th scope="col">Scenario</th><th scope="col">Result</th><th scope="col">Length</th>'
            '<th scope="col">Crossings</th><th scope="col">Crossings without sound</th>'
            '<th scope="col">Flights of steps</th><th scope="col">Turns</th>'
            '<th scope="col">Failed expectations</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>")


def _scenario_section(i: int, r: ScenarioResult) -> list[str]:
    word = _STATUS[r.status][0]
    out = [f'<section aria-labelledby="s{i}">', f'<h3 id="s{i}">{i}. {_e(r.name)}: {_e(word)}</h3>']
    if r.description:
        out.append(f"<p>{_e(r.description)}</p>")
    out.append(f"<p>Result: {_status(r.status)}." + (f" {_e(r.message)}" if r.message else "") + "</p>")
    if r.checks:
        rows = "".join(
            f'<tr><th scope="row">{_e(c.name)}</th><td>{_status(PASSED if c.passed else FAILED)}</td>'
            f"<td>{_e(_check_value(c.name, c.expected))}</td><td>{_e(_check_value(c.name, c.measured))}</td>"
            f"<td>{_e(c.message)}</td></tr>"
            for c in r.checks)
        out.append(f"<table><caption>Expectations of {_e(r.name)}</caption><thead><tr>"
                   '<th scope="col">Expectation</th><th scope="col">Result</th><th scope="col">Expected</th>'
                   '<th scope="col">Measured</th><th scope="col">Detail</th></tr></thead>'
                   f"<tbody>{rows}</tbody></table>")
    if r.summary or r.instructions:
        lang = _e(r.request.get("lang", "de"))
        out.append(f"<h4>Spoken guidance of {_e(r.name)}</h4>")
        if r.summary:
            out.append(f'<p lang="{lang}">{_e(r.summary)}</p>')
        out.append(f'<ol lang="{lang}">' + "".join(f"<li>{_e(t)}</li>" for t in r.instructions) + "</ol>")
    out.append("</section>")
    return out


# --- a comparison ---------------------------------------------------------------------------

def comparison_html(cmp: Comparison) -> str:
    """The report of a comparison between two runs."""
    changed = cmp.changed
    title = f"Route comparison: {cmp.after.suite} ({len(changed)} of {len(cmp.changes)} routes changed)"
    body = [f"<h1>Route comparison: {_e(cmp.after.suite)}</h1>",
            f"<p>{len(changed)} of {len(cmp.changes)} routes changed.</p>",
            "<dl>" + _graph_dl(cmp.before.graph, "Before") + _graph_dl(cmp.after.graph, "After") + "</dl>",
            '<h2 id="overview">Overview</h2>', _comparison_table(cmp), '<h2 id="changes">Changed routes</h2>']
    if not changed:
        body.append("<p>No route changed.</p>")
    langs = {r.name: r.request.get("lang", "de") for r in cmp.before.results + cmp.after.results}
    for i, c in enumerate(cmp.changes, 1):
        if c.changed:
            body.extend(_change_section(i, c, langs.get(c.name, "de")))
    body += ['<h2 id="about">About this report</h2>', _attribution(cmp.before.graph, cmp.after.graph)]
    return _page(title, body)


def _comparison_table(cmp: Comparison) -> str:
    before = {r.name: r for r in cmp.before.results}
    after = {r.name: r for r in cmp.after.results}
    rows = []
    for i, c in enumerate(cmp.changes, 1):
        b, a = before.get(c.name), after.get(c.name)
        name = f'<a href="#c{i}">{_e(c.name)}</a>' if c.changed else _e(c.name)
        rows.append(
            f'<tr><th scope="row">{name}</th><td>{"Changed" if c.changed else "Same"}</td>'
            f"<td>{_status(c.before_status)}</td><td>{_status(c.after_status)}</td>"
            f"<td>{_num(b.measured.get('distance_m') if b else None, 'm')}</td>"
            f"<td>{_num(a.measured.get('distance_m') if a else None, 'm')}</td></tr>")
    return ("<table><caption>Every scenario before and after</caption><thead><tr>"
            '<th scope="col">Scenario</th><th scope="col">Route</th><th scope="col">Result before</th>'
            '<th scope="col">Result after</th><th scope="col">Length before</th>'
            '<th scope="col">Length after</th></tr></thead><tbody>' + "".join(rows) + "</tbody></table>")


def _change_section(i: int, c: ScenarioChange, lang: str) -> list[str]:
    out = [f'<section aria-labelledby="c{i}">', f'<h3 id="c{i}">{_e(c.name)}</h3>',
           f"<p>Result before: {_status(c.before_status)}; after: {_status(c.after_status)}.</p>"]
    if c.note:
        out.append(f"<p>{_e(c.note)}</p>")
    if c.metrics:
        rows = "".join(f'<tr><th scope="row">{_e(LABELS.get(k, k))}</th><td>{_num(v["before"])}</td>'
                       f'<td>{_num(v["after"])}</td><td>{_delta(v["delta"])}</td></tr>' for k, v in c.metrics.items())
        out.append(f"<table><caption>Figures of {_e(c.name)} that changed</caption><thead><tr>"
                   '<th scope="col">Figure</th><th scope="col">Before</th><th scope="col">After</th>'
                   f'<th scope="col">Change</th></tr></thead><tbody>{rows}</tbody></table>')
    if c.expectations_changed:
        out.append("<p>Expectations that changed:</p><ul>"
                   + "".join(f"<li>{_e(x)}</li>" for x in c.expectations_changed) + "</ul>")
    if c.removed:
        out.append(f"<h4>Instructions no longer said ({len(c.removed)})</h4>")
        out.append(f'<ul lang="{_e(lang)}">' + "".join(f"<li>{_e(t)}</li>" for t in c.removed) + "</ul>")
    if c.added:
        out.append(f"<h4>New instructions ({len(c.added)})</h4>")
        out.append(f'<ul lang="{_e(lang)}">' + "".join(f"<li>{_e(t)}</li>" for t in c.added) + "</ul>")
    out.append("</section>")
    return out
