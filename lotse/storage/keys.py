"""API keys: created once, shown once, stored as a SHA-256 hash, revoked but never deleted.

A key is 32 random bytes (``secrets.token_urlsafe``), so a plain SHA-256 is
enough: there is nothing to brute-force that a slow hash would protect.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.models import ApiKey, utcnow
from lotse.storage.audit import Actor, record

ROLES = ("staff", "partner", "admin")
KEY_PREFIX = "lotse_"


class KeyOperationError(ValueError):
    """A key operation that cannot be done (unknown role, name taken, no such key)."""


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create(session: Session, name: str, role: str, actor: Actor) -> tuple[ApiKey, str]:
    """A new key; returns the row and the secret, which is not stored anywhere."""
    name = name.strip()
    if role not in ROLES:
        raise KeyOperationError(f"unknown role '{role}'; roles: {', '.join(ROLES)}")
    if not name or len(name) > 100:
        raise KeyOperationError("a key needs a name of 1 to 100 characters")
    if session.scalar(select(ApiKey.id).where(ApiKey.name == name, ApiKey.revoked_at.is_(None))) is not None:
        raise KeyOperationError(f"an active key named '{name}' exists; revoke it first or choose another name")
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(name=name, role=role, key_hash=hash_key(secret), prefix=secret[: len(KEY_PREFIX) + 4],
                 created_by=actor.name, created_at=utcnow())
    session.add(row)
    session.flush()
    record(session, actor, "create", "api_key", row.id, None, row.public())
    return row, secret


def find(session: Session, secret: str) -> ApiKey | None:
    """The active key with this secret, or None (the hash is compared in constant time)."""
    digest = hash_key(secret)
    row = session.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
    if row is None or not hmac.compare_digest(row.key_hash, digest) or row.revoked_at is not None:
        return None
    return row


def all_keys(session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.id)))


def revoke(session: Session, ident: str, actor: Actor) -> ApiKey:
    """Revoke the key with this id, or the active key with this name."""
    row = None
    if ident.isdigit():
        row = session.get(ApiKey, int(ident))
    if row is None:
        row = session.scalar(select(ApiKey).where(ApiKey.name == ident, ApiKey.revoked_at.is_(None)))
    if row is None:
        raise KeyOperationError(f"no key with id or active name '{ident}'")
    if row.revoked_at is not None:
        raise KeyOperationError(f"key {row.id} ('{row.name}') is already revoked")
    before = row.public()
    row.revoked_at = utcnow()
    session.flush()
    record(session, actor, "revoke", "api_key", row.id, before, row.public())
    return row
