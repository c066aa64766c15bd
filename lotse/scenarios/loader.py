"""Read a route test suite (YAML or JSON), check it, and point at the line of every mistake.

Partners write suites by hand, so an error must say where: the YAML is
composed into nodes first, and every value keeps the line it came from.
JSON is parsed with :mod:`json` (PyYAML reads ``1e5`` as a string), so its
errors name the scenario and the JSON pointer instead of a line.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from lotse.scenarios.schema import EXPECTATIONS, SUITE

Path_ = tuple[Any, ...]

_MAX_NODES = 200_000
_MAX_DEPTH = 40


@dataclass
class Issue:
    """One mistake in a suite."""

    message: str
    line: int | None = None  # 1-based
    column: int | None = None
    scenario: str | None = None
    pointer: str = ""

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.scenario:
            where.append(f"scenario '{self.scenario}'")
        return (", ".join(where) + ": " if where else "") + self.message

    def to_dict(self) -> dict[str, Any]:
        return {"message": self.message, "line": self.line, "column": self.column,
                "scenario": self.scenario, "pointer": self.pointer}


class SuiteError(Exception):
    """A suite that cannot be run, with every issue found."""

    def __init__(self, issues: list[Issue], source: str = "suite", too_large: bool = False):
        self.issues = issues
        self.source = source
        self.too_large = too_large
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = [f"{self.source}: {len(self.issues)} problem(s)"]
        lines += [f"  {issue}" for issue in self.issues]
        return "\n".join(lines)


@dataclass
class Scenario:
    """One route to plan and what it must satisfy, defaults already applied."""

    name: str
    index: int
    request: dict[str, Any]
    expect: dict[str, Any] = field(default_factory=dict)
    expect_problem: str | None = None
    description: str | None = None
    line: int | None = None


@dataclass
class Suite:
    """A checked suite, ready to run."""

    name: str
    scenarios: list[Scenario]
    description: str | None = None
    source: str = "suite"


# --- YAML with line marks -------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 scalars: ``1e5`` is a number, ``no``/``off``/``yes`` stay words.

    A scenario named ``off`` or a word ``nein`` to mention must not turn into a
    boolean, as YAML 1.1 would make it.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


class _Converter:
    """Node tree -> plain data, remembering the mark of every value and key."""

    def __init__(self, loader: _Loader):
        self.loader = loader
        self.marks: dict[Path_, tuple[int, int]] = {}
        self.key_marks: dict[Path_, tuple[int, int]] = {}
        self.issues: list[Issue] = []
        self.count = 0

    def convert(self, node: yaml.Node, path: Path_ = ()) -> Any:
        self.count += 1
        if self.count > _MAX_NODES or len(path) > _MAX_DEPTH:
            raise _TooDeep()
        self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, yaml.ScalarNode):
            value = self.loader.construct_object(node, deep=True)
            if isinstance(value, float) and not math.isfinite(value):
                self.issues.append(Issue(f"'{node.value}' is not a finite number", node.start_mark.line + 1,
                                         node.start_mark.column + 1, pointer=_pointer(path)))
                return 0.0
            if isinstance(value, (dt.date, dt.datetime)):
                return value.isoformat()
            if isinstance(value, bytes):
                return node.value
            return value
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(child, path + (i,)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.issues.append(Issue("a key must be a plain word", key_node.start_mark.line + 1,
                                             key_node.start_mark.column + 1))
                    continue
                key = str(key_node.value)
                if key in out:
                    self.issues.append(Issue(f"key '{key}' appears twice", key_node.start_mark.line + 1,
                                             key_node.start_mark.column + 1, pointer=_pointer(path + (key,))))
                self.key_marks[path + (key,)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                out[key] = self.convert(value_node, path + (key,))
            return out
        raise _TooDeep()  # pragma: no cover - composer yields only the three kinds


class _TooDeep(Exception):
    pass


def _no_constant(name: str) -> Any:
    """JSON has no NaN or Infinity; Python's parser would accept them."""
    raise ValueError(f"{name} is not a number JSON allows")


def _pointer(path: Path_) -> str:
    return "/" + "/".join(str(p) for p in path)


# --- entry points ---------------------------------------------------------------------------

def load_suite_file(path: str | Path, *, max_scenarios: int | None = None) -> Suite:
    """Read and check the suite in ``path`` (``.json`` as JSON, anything else as YAML)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SuiteError([Issue(f"cannot read the file: {exc}")], source=str(path)) from None
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    return load_suite(text, fmt=fmt, source=str(path), max_scenarios=max_scenarios)


def load_suite(text: str, *, fmt: str = "yaml", source: str = "suite",
               max_scenarios: int | None = None) -> Suite:
    """Parse, validate and expand a suite; raise :class:`SuiteError` listing every issue."""
    marks: dict[Path_, tuple[int, int]] = {}
    key_marks: dict[Path_, tuple[int, int]] = {}
    if fmt == "json":
        try:
            data = json.loads(text, parse_constant=_no_constant)
        except json.JSONDecodeError as exc:
            raise SuiteError([Issue(f"not valid JSON: {exc.msg}", exc.lineno, exc.colno)], source) from None
        except ValueError as exc:
            raise SuiteError([Issue(f"not valid JSON: {exc}")], source) from None
        except RecursionError:
            raise SuiteError([Issue("the suite is nested too deeply")], source) from None
    else:
        data, marks, key_marks, issues = _compose(text)
        if issues:
            raise SuiteError(issues, source)
    if max_scenarios is not None and isinstance(data, dict) and isinstance(data.get("scenarios"), list):
        if len(data["scenarios"]) > max_scenarios:
            raise SuiteError([Issue(f"the suite has {len(data['scenarios'])} scenarios; at most "
                                    f"{max_scenarios} may be run at once: split it into several suites",
                                    *marks.get(("scenarios",), (None, None)), pointer="/scenarios")],
                             source, too_large=True)
    issues = _schema_issues(data, marks, key_marks)
    if issues:
        raise SuiteError(issues, source)
    return _expand(data, marks, source)


def _compose(text: str) -> tuple[Any, dict, dict, list[Issue]]:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}, {}, [Issue("the suite is empty")]
        conv = _Converter(loader)
        data = conv.convert(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        msg = "; ".join(x for x in (exc.context, exc.problem) if x)
        return None, {}, {}, [Issue(f"not valid YAML: {msg}", mark.line + 1 if mark else None,
                                    mark.column + 1 if mark else None)]
    except yaml.YAMLError as exc:
        return None, {}, {}, [Issue(f"not valid YAML: {exc}")]
    except (_TooDeep, RecursionError):
        return None, {}, {}, [Issue("the suite is nested too deeply or too large (recursive anchors?)")]
    finally:
        loader.dispose()
    return data, conv.marks, conv.key_marks, conv.issues


_validator = Draft202012Validator(SUITE)


def _schema_issues(data: Any, marks: dict, key_marks: dict) -> list[Issue]:
    if not isinstance(data, dict):
        return [Issue("a suite is a mapping with a 'scenarios' list (see docs/route-suites.md)", 1, 1)]
    issues: list[Issue] = []
    for error in sorted(_validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path]):
        path = tuple(error.absolute_path)
        message, at = _explain(error, path)
        line, col = key_marks.get(at) or marks.get(at) or _nearest(marks, at)
        issues.append(Issue(message, line, col, _scenario_name(data, path), _pointer(path)))
    names: dict[str, int] = {}
    scenarios = data.get("scenarios")
    for i, scenario in enumerate(scenarios if isinstance(scenarios, list) else []):
        name = scenario.get("name") if isinstance(scenario, dict) else None
        if isinstance(name, str):
            if name in names:
                line, col = marks.get(("scenarios", i, "name"), (None, None))
                issues.append(Issue(f"scenario name '{name}' is used twice (names identify results)",
                                    line, col, name, _pointer(("scenarios", i, "name"))))
            names[name] = i
    issues.sort(key=lambda x: (x.line or 0, x.column or 0))
    return issues


def _nearest(marks: dict, path: Path_) -> tuple[int | None, int | None]:
    while path:
        path = path[:-1]
        if path in marks:
            return marks[path]
    return None, None


def _explain(error, path: Path_) -> tuple[str, Path_]:
    """A sentence for one schema error, and the path whose line to report."""
    where = _label(path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = list(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in known]
        close = difflib.get_close_matches(extra[0], known, n=1) if extra else []
        if close:
            hint = f"; did you mean '{close[0]}'?"
        elif path and path[-1] == "expect":
            hint = f"; expectations are: {', '.join(EXPECTATIONS)}"
        elif extra and extra[0] in EXPECTATIONS and "expect" in known:
            hint = "; expectations go under 'expect:'"
        else:
            hint = f"; allowed: {', '.join(known)}"
        return f"{where}: unknown key '{extra[0] if extra else '?'}'{hint}", path + (extra[0],) if extra else path
    if error.validator == "oneOf":
        desc = error.schema.get("description", "one of several forms")
        got = json.dumps(error.instance, ensure_ascii=False, default=str)
        detail = _closest_branch_error(error)
        return f"{where}: expected {desc}, got {got}" + (f" ({detail})" if detail else ""), path
    if error.validator == "required":
        return f"{where}: {error.message}", path
    if error.validator == "minItems" and error.validator_value == 1:
        return f"{where}: must not be empty", path
    return f"{where}: {error.message}", path


def _closest_branch_error(error) -> str | None:
    """The first error of the ``oneOf`` branch whose keys the instance shares most."""
    if not isinstance(error.instance, dict) or not error.context:
        return None
    keys = set(error.instance)

    def overlap(sub) -> int:
        branch = error.schema["oneOf"][sub.relative_schema_path[0]]
        return len(keys & set(branch.get("properties", {})))

    best = max(error.context, key=overlap)
    return best.message if overlap(best) else None


def _label(path: Path_) -> str:
    parts: list[str] = []
    for p in path:
        parts.append(f"[{p + 1}]" if isinstance(p, int) else ("." + p if parts else p))
    return "".join(parts) or "suite"


def _scenario_name(data: dict, path: Path_) -> str | None:
    if len(path) >= 2 and path[0] == "scenarios" and isinstance(path[1], int):
        scenarios = data.get("scenarios")
        if isinstance(scenarios, list) and path[1] < len(scenarios) and isinstance(scenarios[path[1]], dict):
            name = scenarios[path[1]].get("name")
            return name if isinstance(name, str) else f"#{path[1] + 1}"
    return None


def _expand(data: dict, marks: dict, source: str) -> Suite:
    """Apply the defaults block to every scenario and build the route requests."""
    defaults = data.get("defaults") or {}
    scenarios = []
    for i, raw in enumerate(data["scenarios"]):
        request: dict[str, Any] = {"from": raw["from"], "to": raw["to"]}
        for key in ("profile", "lang", "units", "directions"):
            if key in raw or key in defaults:
                request[key] = raw.get(key, defaults.get(key))
        options = {**copy.deepcopy(defaults.get("options") or {}), **copy.deepcopy(raw.get("options") or {})}
        if options:
            request["options"] = options
        expect = {**copy.deepcopy(defaults.get("expect") or {}), **copy.deepcopy(raw.get("expect") or {})}
        problem = raw.get("expect_problem")
        if problem:
            expect = {}
        scenarios.append(Scenario(
            name=raw["name"], index=i, request=request, expect=expect, expect_problem=problem,
            description=raw.get("description"), line=marks.get(("scenarios", i), (None,))[0],
        ))
    name = data.get("name") or Path(source).stem or "suite"
    return Suite(name=name, scenarios=scenarios, description=data.get("description"), source=source)
