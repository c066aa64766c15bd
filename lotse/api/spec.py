"""Describe endpoints where they are defined, so the OpenAPI document follows the code.

``@documented(...)`` attaches an OpenAPI operation to a view function; the
document at ``/api/v1/openapi.json`` is generated from the app's URL map and
these attachments, and a test fails when a route has none.
"""

from __future__ import annotations

import json
import math
from typing import Any, Callable

from flask import request
from jsonschema import Draft202012Validator

from lotse.problems import Problem


def documented(
    summary: str,
    *,
    request_schema: dict | None = None,
    responses: dict[int, tuple[str, dict | None]] | None = None,
    parameters: list[dict] | None = None,
    auth: str | None = None,
    description: str | None = None,
    tag: str = "routing",
    content_types: dict[int, str] | None = None,
) -> Callable:
    """Attach an OpenAPI operation to a view (``responses``: status -> (description, schema))."""

    def wrap(view: Callable) -> Callable:
        view.openapi = {
            "summary": summary, "description": description, "request_schema": request_schema,
            "responses": responses or {200: ("OK", None)}, "parameters": parameters or [],
            "auth": auth, "tag": tag, "content_types": content_types or {},
        }
        return view

    return wrap


_validators: dict[int, Draft202012Validator] = {}

#: Objects and arrays may nest this deep in a request body (GeoJSON polygons need 4-5 levels).
MAX_DEPTH = 32
#: At most this many characters of a sent value are quoted back in an error.
MAX_QUOTE = 80


def json_body() -> Any:
    """The request's JSON body, parsed and checked: finite numbers, Unicode text, at most ``MAX_DEPTH`` levels.

    Problems (never a 500) for an empty body, malformed JSON, NaN/Infinity or
    numbers too large for a double, lone UTF-16 surrogates ("\\ud800") in any
    string or key, and too deep nesting; each names the field. ``validated_json`` adds the schema.
    """
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise Problem("invalid-request", "The request needs a JSON body.")
    try:
        body = json.loads(raw, parse_constant=_reject_constant)
    except _NonFiniteNumber as exc:
        raise Problem("invalid-request", f"{exc} is not a number JSON allows; send finite numbers.") from None
    except RecursionError:
        raise Problem("invalid-request", f"The JSON body is nested far too deeply; requests nest at most "
                      f"{MAX_DEPTH} levels of objects and arrays.") from None
    except UnicodeDecodeError:
        raise Problem("malformed-json", "The request body is not valid JSON: it is not UTF-8 text.") from None
    except ValueError as exc:
        if "digits" in str(exc):  # int() refuses more than sys.get_int_max_str_digits() digits
            raise Problem("invalid-request", "A number in the body has thousands of digits; send numbers "
                          "in their ordinary range.") from None
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise Problem("malformed-json", f"The request body is not valid JSON{where}.") from None
    _check_values(body)
    return body


def validated_json(schema: dict) -> Any:
    """The request's JSON body (see :func:`json_body`), validated against ``schema``; problems for anything else."""
    return validate(json_body(), schema)


def validate(body: Any, schema: dict) -> Any:
    """``body`` if it is valid under ``schema``; else an ``invalid-request`` problem naming the fields."""
    validator = _validators.get(id(schema))
    if validator is None:
        validator = _validators[id(schema)] = Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(body), key=lambda e: (len(e.path), list(map(str, e.path))))
    if errors:
        leaves = [_leaf(e) for e in errors[:20]]
        raise Problem("invalid-request", "; ".join(_describe(e) for e in leaves[:5]),
                      errors=[{"pointer": _pointer(e), "message": _message(e)} for e in leaves])
    return body


class _NonFiniteNumber(ValueError):
    """NaN or Infinity in a request: Python's parser accepts them, JSON does not."""


def _reject_constant(name: str):
    raise _NonFiniteNumber(name)


def _check_values(body: Any) -> None:
    """Depth, finite numbers and Unicode text of a parsed body, without recursion."""
    stack: list[tuple[Any, tuple, int]] = [(body, (), 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth > MAX_DEPTH:
                raise Problem("invalid-request", f"{_where(path)}: objects and arrays nest more than {MAX_DEPTH} "
                              "levels deep here; no request needs that.", pointer=_json_pointer(path))
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_text(key, path, key=True)
                    stack.append((item, path + (key,), depth + 1))
            else:
                stack.extend((item, path + (i,), depth + 1) for i, item in enumerate(value))
        elif isinstance(value, str):
            _check_text(value, path)
        elif isinstance(value, float) and not math.isfinite(value):
            raise Problem("invalid-request", f"{_where(path)}: the number is too large (beyond the range of a "
                          "double); send finite numbers.", pointer=_json_pointer(path))


def _check_text(text: str, path: tuple, key: bool = False) -> None:
    if text.isascii():
        return
    bad = next((c for c in text if "\ud800" <= c <= "\udfff"), None)
    if bad is not None:
        what = f"the key {quote(text)}" if key else "the text"
        raise Problem("invalid-request", f"{_where(path)}: {what} contains an unpaired UTF-16 surrogate "
                      f"(\\u{ord(bad):04x}), which is not Unicode text; send characters outside the basic plane "
                      "as a surrogate pair or as UTF-8.", pointer=_json_pointer(path))


def quote(value: Any, limit: int = MAX_QUOTE) -> str:
    """``repr`` of a sent value, shortened to about ``limit`` characters and safe to encode as UTF-8."""
    if isinstance(value, list) and len(value) > 3:
        text = f"[an array of {len(value)} items]"
    elif isinstance(value, dict) and len(value) > 3:
        text = f"{{an object with {len(value)} keys}}"
    else:
        text = repr(value)
    if len(text) > limit:
        text = text[:limit - 1] + "…"
        if isinstance(value, str):
            text += f" ({len(value)} characters)"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _where(path) -> str:
    return ".".join(_safe(str(p)) for p in path) or "body"


def _safe(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _json_pointer(path) -> str:
    return "/" + "/".join(_safe(str(p)).replace("~", "~0").replace("/", "~1") for p in path)


def _pointer(error) -> str:
    return _json_pointer(error.absolute_path)


def _leaf(error):
    """The error to report: for ``oneOf``/``anyOf``, the error within the alternative the input meant."""
    while error.validator in ("oneOf", "anyOf") and error.context:
        chosen = _meant(error)
        if chosen is None:
            return error
        error = chosen
    return error


def _meant(error):
    """The first error of the alternative whose properties the input uses most (None: it uses none)."""
    alternatives = error.validator_value
    by_branch: dict[int, list] = {}
    for sub in error.context:
        by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
    instance = error.instance

    def fit(i: int) -> int:
        if not isinstance(instance, dict):
            return 0
        return len(set((alternatives[i] or {}).get("properties", {})) & set(instance))

    branch = max(by_branch, key=lambda i: (fit(i), -len(by_branch[i]), -i))
    if isinstance(instance, dict) and fit(branch) == 0:
        return None
    subs = sorted(by_branch[branch], key=lambda e: (e.validator == "required", -len(e.absolute_path)))
    return subs[0]


def _forms(error) -> str:
    forms = []
    for alt in error.validator_value:
        req = (alt or {}).get("required")
        forms.append("{" + ", ".join(req) + "}" if req else (alt or {}).get("description", "another form"))
    return " or ".join(forms)


def _message(error) -> str:
    """The validator's message, without echoing large inputs."""
    inst, value, kind = error.instance, error.validator_value, error.validator
    if kind in ("oneOf", "anyOf"):
        if isinstance(inst, dict):
            keys = ", ".join(quote(k, 40) for k in list(inst)[:5]) or "none"
            return f"expected an object with {_forms(error)} (keys sent: {keys})"
        return f"{quote(inst)} is not valid: expected {_forms(error)}"
    if kind == "maxItems" and isinstance(inst, list):
        return f"has {len(inst)} items; at most {value} are allowed"
    if kind == "minItems" and isinstance(inst, list):
        return f"has {len(inst)} items; at least {value} are needed"
    if kind == "maxLength" and isinstance(inst, str):
        return f"is {len(inst)} characters long; at most {value} are allowed"
    if kind == "minLength" and isinstance(inst, str):
        return "must not be empty" if not inst else f"is {len(inst)} characters long; at least {value} are needed"
    if kind == "maxProperties" and isinstance(inst, dict):
        return f"has {len(inst)} keys; at most {value} are allowed"
    message = error.message
    full = repr(inst)
    if (inst is None or isinstance(inst, bool)) and message.startswith(full):  # JSON's words, not Python's
        return _safe(json.dumps(inst) + message[len(full):])
    if len(full) > MAX_QUOTE and message.startswith(full):
        message = quote(inst) + message[len(full):]
    if len(message) > 300:
        message = message[:299] + "…"
    return _safe(message)


def _describe(error) -> str:
    return f"{_where(error.absolute_path)}: {_message(error)}"
