"""Beacons in the database, and the change counter workers poll.

Like obstacles: every write changes the row, increments the ``beacons``
counter in ``state_versions`` and adds an audit entry in one transaction, so
a worker that sees the new counter sees the whole write. A bulk import is one
transaction with one counter increment and one audit entry per beacon.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from beacons.model import Beacon

from lotse.beacon_models import BeaconRow
from lotse.models import _iso, utcnow
from lotse.storage import counters
from lotse.storage.audit import Actor, record

VERSION_NAME = "beacons"
#: The counter as plain SQL, for :meth:`lotse.db.Database.probe`.
VERSION_SQL = counters.probe_sql(VERSION_NAME)
#: Fields of a beacon record that a write sets (everything but the bookkeeping).
FIELDS = ("lat", "lon", "level", "tx_power", "path_loss_exponent", "kind", "label", "label_en", "active",
          "installed_at", "battery", "last_seen")


class NotFound(LookupError):
    """No beacon with that id in the registry."""


class Exists(ValueError):
    """A beacon with that id is already registered."""


def version(session: Session) -> int:
    """The beacons change counter (one indexed row)."""
    return counters.read(session, VERSION_NAME)


def _bump(session: Session) -> None:
    counters.bump(session, VERSION_NAME)


def _columns(beacon: Beacon) -> dict:
    """A validated beacon as column values (installed_at as ISO text, last_seen as an aware UTC time)."""
    values = {name: getattr(beacon, name) for name in FIELDS}
    installed = values["installed_at"]
    values["installed_at"] = installed.isoformat() if isinstance(installed, (date, datetime)) else installed
    seen = values["last_seen"]
    if isinstance(seen, datetime) and seen.tzinfo is None:
        seen = seen.replace(tzinfo=timezone.utc)  # a time without zone from a file: taken as UTC
    values["last_seen"] = seen
    for name in ("lat", "lon", "tx_power", "path_loss_exponent"):
        values[name] = float(values[name])
    for name in ("level", "battery"):
        values[name] = None if values[name] is None else float(values[name])
    return values


def to_beacon(row: BeaconRow) -> Beacon:
    """The library's record of a row."""
    installed = row.installed_at
    if installed:
        installed = date.fromisoformat(installed) if len(installed) == 10 else datetime.fromisoformat(installed)
    return Beacon(id=row.id, lat=row.lat, lon=row.lon, level=row.level, tx_power=row.tx_power,
                  path_loss_exponent=row.path_loss_exponent, kind=row.kind, label=row.label, label_en=row.label_en,
                  active=bool(row.active), installed_at=installed or None, battery=row.battery,
                  last_seen=row.last_seen)


def get(session: Session, beacon_id: str, *, for_update: bool = False) -> BeaconRow:
    q = select(BeaconRow).where(BeaconRow.id == beacon_id)
    if for_update:
        q = q.with_for_update()
    row = session.scalar(q)
    if row is None:
        raise NotFound(f"no beacon with id {beacon_id} is registered")
    return row


def find(session: Session, beacon_id: str) -> BeaconRow | None:
    return session.get(BeaconRow, beacon_id)


def create(session: Session, beacon: Beacon, actor: Actor, *, bump: bool = True, bulk: bool = False) -> BeaconRow:
    """Register a validated beacon; raises :class:`Exists` for a registered id.

    ``bulk``: the caller knows the id is new and flushes once for many rows (an import).
    """
    if not bulk and session.get(BeaconRow, beacon.id) is not None:
        raise Exists(f"a beacon with id {beacon.id} is already registered")
    now = utcnow()
    row = BeaconRow(id=beacon.id, revision=1, created_at=now, created_by=actor.name, updated_at=now,
                    updated_by=actor.name, **_columns(beacon))
    session.add(row)
    if not bulk:
        session.flush()
    if bump:
        _bump(session)
    record(session, actor, "create", "beacon", row.id, None, row.record())
    return row


def same(row: BeaconRow, beacon: Beacon) -> bool:
    """Does ``row`` already hold exactly ``beacon``'s fields (an import that changes nothing)?"""
    return all(getattr(row, k) == v for k, v in _columns(beacon).items())


def replace(session: Session, row: BeaconRow, beacon: Beacon, actor: Actor, *, bump: bool = True) -> BeaconRow:
    """Replace every field of ``row`` with ``beacon``'s (PUT semantics)."""
    before = row.record()
    for name, value in _columns(beacon).items():
        setattr(row, name, value)
    row.revision = before["revision"] + 1
    row.updated_at = utcnow()
    row.updated_by = actor.name
    session.flush()
    if bump:
        _bump(session)
    record(session, actor, "update", "beacon", row.id, before, row.record())
    return row


def delete(session: Session, row: BeaconRow, actor: Actor, *, bump: bool = True) -> None:
    before = row.record()
    session.delete(row)
    session.flush()
    if bump:
        _bump(session)
    record(session, actor, "delete", "beacon", before["id"], before, None)


def all_rows(session: Session) -> list[BeaconRow]:
    return list(session.scalars(select(BeaconRow).order_by(BeaconRow.id)))


BOOKKEEPING = ("revision", "created_at", "created_by", "updated_at", "updated_by")


def all_beacons(session: Session) -> list[tuple[Beacon, dict]]:
    """Every registered beacon with its bookkeeping, read as plain rows (no ORM objects: 3x faster)."""
    table = BeaconRow.__table__
    out = []
    for r in session.execute(select(table).order_by(table.c.id)).mappings():
        installed = r["installed_at"]
        if installed:
            installed = date.fromisoformat(installed) if len(installed) == 10 else datetime.fromisoformat(installed)
        beacon = Beacon(id=r["id"], lat=r["lat"], lon=r["lon"], level=r["level"], tx_power=r["tx_power"],
                        path_loss_exponent=r["path_loss_exponent"], kind=r["kind"], label=r["label"],
                        label_en=r["label_en"], active=bool(r["active"]), installed_at=installed or None,
                        battery=r["battery"], last_seen=r["last_seen"])
        out.append((beacon, {k: _iso(r[k]) if k.endswith("_at") else r[k] for k in BOOKKEEPING}))
    return out


@dataclass
class ImportSummary:
    """What an import did: ids created, updated, unchanged and deleted (``--replace``)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"created": len(self.created), "updated": len(self.updated), "unchanged": len(self.unchanged),
                "deleted": len(self.deleted)}


def import_beacons(session: Session, beacons: Iterable[Beacon], actor: Actor, *,
                   replace_all: bool = False) -> ImportSummary:
    """Create or update each beacon; with ``replace_all`` delete registered beacons not given.

    One transaction (the caller's) and one counter increment for the lot;
    beacons that are already stored as given are left alone (no revision,
    no audit entry), so importing an export again changes nothing.
    """
    summary = ImportSummary()
    existing = {row.id: row for row in all_rows(session)}
    given = set()
    for beacon in beacons:
        if beacon.id in given:
            raise ValueError(f"beacon {beacon.id} is given twice")  # beacons.io rejects duplicates per row
        given.add(beacon.id)
        row = existing.get(beacon.id)
        if row is None:
            create(session, beacon, actor, bump=False, bulk=True)
            summary.created.append(beacon.id)
        elif same(row, beacon):
            summary.unchanged.append(beacon.id)
        else:
            replace(session, row, beacon, actor, bump=False)
            summary.updated.append(beacon.id)
    if replace_all:
        for bid, row in existing.items():
            if bid not in given:
                delete(session, row, actor, bump=False)
                summary.deleted.append(bid)
    if summary.created or summary.updated or summary.deleted:
        _bump(session)
    return summary
