"""API keys on requests: ``Authorization: Bearer <key>`` and roles.

Residents' endpoints need no key. :func:`require_role` guards the others and
puts the caller on ``flask.g.caller``. ``admin`` may do everything a
``staff`` or ``partner`` key may. The key itself is never logged or echoed:
problems say only that it is missing, malformed or unknown.
"""

from __future__ import annotations

import functools
from typing import Callable

from flask import g, request

from lotse.db import get_db
from lotse.problems import Problem
from lotse.storage import keys
from lotse.storage.audit import Actor

Caller = Actor  # (id, name, role) of the key that made the request


def _bearer() -> str | None:
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem("unauthorized", "The Authorization header must be 'Bearer <api key>'.")
    return token.strip()


def current_caller() -> Caller | None:
    """The caller of this request (None without a key); raises 401 for an unknown or revoked key."""
    if "caller" in g:
        return g.caller
    token = _bearer()
    caller = None
    if token is not None:
        with get_db().read() as session:
            row = keys.find(session, token)
            if row is None:
                raise Problem("unauthorized", "The API key is not known or has been revoked.")
            caller = Caller(id=row.id, name=row.name, role=row.role)
    g.caller = caller
    return caller


def require_role(*roles: str) -> Callable:
    """Allow the view only to keys with one of ``roles`` (and to admin keys): 401 without a key, 403 otherwise."""
    allowed = set(roles) | {"admin"}

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            caller = current_caller()
            if caller is None:
                raise Problem("unauthorized", f"This needs an API key with role {' or '.join(sorted(allowed))}: "
                              "send 'Authorization: Bearer <api key>'.")
            if caller.role not in allowed:
                raise Problem("forbidden", f"The key '{caller.name}' has role {caller.role}; this needs "
                              f"{' or '.join(sorted(allowed))}.")
            return view(*args, **kwargs)

        guarded.required_roles = tuple(sorted(allowed))
        return guarded

    return wrap
