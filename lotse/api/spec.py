"""Describe endpoints where they are defined, so the OpenAPI document follows the code.

``@documented(...)`` attaches an OpenAPI operation to a view function; the
document at ``/api/v1/openapi.json`` is generated from the app's URL map and
these attachments, and a test fails when a route has none.
"""

from __future__ import annotations

import json
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


def validated_json(schema: dict) -> Any:
    """The request's JSON body, validated against ``schema``; problems for anything else."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise Problem("invalid-request", "The request needs a JSON body.")
    try:
        body = json.loads(raw, parse_constant=_reject_constant)
    except _NonFiniteNumber as exc:
        raise Problem("invalid-request", f"{exc} is not a number JSON allows; send finite numbers.") from None
    except (ValueError, UnicodeDecodeError):
        raise Problem("malformed-json", "The request body is not valid JSON.") from None
    validator = _validators.get(id(schema))
    if validator is None:
        validator = _validators[id(schema)] = Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(body), key=lambda e: (len(e.path), list(map(str, e.path))))
    if errors:
        raise Problem("invalid-request", "; ".join(_describe(e) for e in errors[:5]),
                      errors=[{"pointer": _pointer(e), "message": e.message} for e in errors[:20]])
    return body


class _NonFiniteNumber(ValueError):
    """NaN or Infinity in a request: Python's parser accepts them, JSON does not."""


def _reject_constant(name: str):
    raise _NonFiniteNumber(name)


def _pointer(error) -> str:
    return "/" + "/".join(str(p) for p in error.absolute_path)


def _describe(error) -> str:
    where = ".".join(str(p) for p in error.absolute_path) or "body"
    if error.validator == "oneOf" and error.context:
        best = min(error.context, key=lambda e: len(e.schema_path))
        return f"{where}: {best.message}"
    return f"{where}: {error.message}"
