"""The beacon registry, its change counter, and longer audit entity ids (beacon ids reach 160 characters).

Revision ID: 0004_beacons
Revises: 0003_sessions
Create Date: 2025-02-15
"""

from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

from lotse.models import UTCDateTime

revision = "0004_beacons"
down_revision = "0003_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "beacons",
        sa.Column("id", sa.String(160), primary_key=True),
        sa.Column("lat", sa.Float, nullable=False),
        sa.Column("lon", sa.Float, nullable=False),
        sa.Column("level", sa.Float, nullable=True),
        sa.Column("tx_power", sa.Float, nullable=False),
        sa.Column("path_loss_exponent", sa.Float, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("label_en", sa.String(200), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("installed_at", sa.String(40), nullable=True),
        sa.Column("battery", sa.Float, nullable=True),
        sa.Column("last_seen", UTCDateTime, nullable=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_beacons_position", "beacons", ["lat", "lon"])
    versions = sa.table("state_versions", sa.column("name", sa.String), sa.column("version", sa.BigInteger),
                        sa.column("changed_at", UTCDateTime))
    op.bulk_insert(versions, [{"name": "beacons", "version": 0, "changed_at": datetime.now(timezone.utc)}])
    if op.get_bind().dialect.name != "sqlite":  # SQLite does not enforce VARCHAR lengths
        op.alter_column("audit_log", "entity_id", type_=sa.String(160), existing_type=sa.String(64),
                        existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("audit_log", "entity_id", type_=sa.String(64), existing_type=sa.String(160),
                        existing_nullable=False)
    op.execute("DELETE FROM state_versions WHERE name = 'beacons'")
    op.drop_index("ix_beacons_position", table_name="beacons")
    op.drop_table("beacons")
