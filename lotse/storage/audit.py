"""The audit trail: every write, recorded in the same transaction as the write itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lotse.models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who makes a change: an API key's (id, name, role), or a shell user for the CLI (id None)."""

    id: int | None
    name: str
    role: str


def record(session: Session, actor: Actor, action: str, entity: str, entity_id: Any,
           before: dict | None, after: dict | None) -> AuditEntry:
    """Add an audit entry to ``session``; it commits (or rolls back) with the change it describes."""
    entry = AuditEntry(actor_id=actor.id, actor_name=actor.name, actor_role=actor.role, action=action,
                       entity=entity, entity_id=str(entity_id), before=before, after=after)
    session.add(entry)
    return entry


def search(session: Session, *, entity: str | None = None, entity_id: str | None = None, actor: str | None = None,
           since: datetime | None = None, until: datetime | None = None, before_id: int | None = None,
           limit: int = 50) -> list[AuditEntry]:
    """Entries newest first, filtered; ``before_id`` is the cursor (entries with a smaller id)."""
    q = select(AuditEntry)
    if entity:
        q = q.where(AuditEntry.entity == entity)
    if entity_id:
        q = q.where(AuditEntry.entity_id == entity_id)
    if actor:
        q = q.where(AuditEntry.actor_name == actor)
    if since:
        q = q.where(AuditEntry.at >= since)
    if until:
        q = q.where(AuditEntry.at < until)
    if before_id is not None:
        q = q.where(AuditEntry.id < before_id)
    return list(session.scalars(q.order_by(AuditEntry.id.desc()).limit(limit)))
