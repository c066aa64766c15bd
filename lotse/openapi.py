"""Generate the OpenAPI 3.1 document from the app's routes and their ``@documented`` data."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from lotse.problems import PROBLEM_BASE, PROBLEM_TYPES

_CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-zA-Z_]+)>")


def openapi_path(rule: str) -> str:
    """Flask rule ``/obstacles/<int:id>`` -> OpenAPI path ``/obstacles/{id}``."""
    return _CONVERTER.sub(r"{\1}", rule)


def build_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI document of every ``/api/`` route of ``app``."""
    from lotse import __version__

    paths: dict[str, dict[str, Any]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/"):
            continue
        view = app.view_functions[rule.endpoint]
        spec = getattr(view, "openapi", None)
        if spec is None:
            continue
        path = openapi_path(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            op: dict[str, Any] = {
                "operationId": f"{rule.endpoint}.{method.lower()}",
                "summary": spec["summary"],
                "tags": [spec["tag"]],
                "responses": {},
            }
            if spec["description"]:
                op["description"] = spec["description"]
            params = list(spec["parameters"])
            for name in rule.arguments:
                params.append({"name": name, "in": "path", "required": True, "schema": {"type": "string"}})
            if params:
                op["parameters"] = params
            if spec["request_schema"] is not None and method in {"POST", "PUT", "PATCH"}:
                op["requestBody"] = {"required": True,
                                     "content": {"application/json": {"schema": spec["request_schema"]}}}
            for status, (description, schema) in spec["responses"].items():
                media = spec["content_types"].get(status) or (
                    "application/problem+json" if status >= 400 else "application/json")
                response: dict[str, Any] = {"description": description}
                if schema is not None or media != "application/json":
                    response["content"] = {media: {"schema": schema or {}}}
                op["responses"][str(status)] = response
            if spec["auth"]:
                op["security"] = [{"apiKey": []}]
                op["x-required-role"] = spec["auth"]
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Lotse API",
            "version": __version__,
            "description": "Accessible pedestrian routing and spoken guidance for blind and low-vision people. "
                           "Map data © OpenStreetMap contributors, ODbL.",
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "Lotse API key"}},
            "x-problem-types": {PROBLEM_BASE + slug: {"status": s, "title": t} for slug, (s, t) in PROBLEM_TYPES.items()},
        },
    }
