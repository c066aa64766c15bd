"""API keys, obstacles, audit trail and change counters.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lotse.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("revoked_at", UTCDateTime, nullable=True),
        sqlite_autoincrement=True,  # ids are never reused, so an id in the audit trail names one thing
    )
    op.create_table(
        "obstacles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("geometry", sa.JSON, nullable=False),
        sa.Column("radius_m", sa.Float, nullable=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("description_en", sa.Text, nullable=True),
        sa.Column("valid_from", UTCDateTime, nullable=False),
        sa.Column("valid_until", UTCDateTime, nullable=True),
        sa.Column("min_lon", sa.Float, nullable=False),
        sa.Column("min_lat", sa.Float, nullable=False),
        sa.Column("max_lon", sa.Float, nullable=False),
        sa.Column("max_lat", sa.Float, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_obstacles_validity", "obstacles", ["valid_from", "valid_until"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("actor_id", sa.Integer, nullable=True),
        sa.Column("actor_name", sa.String(100), nullable=False),
        sa.Column("actor_role", sa.String(20), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("entity", sa.String(40), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_entity", "audit_log", ["entity", "entity_id"])
    op.create_index("ix_audit_actor", "audit_log", ["actor_name"])
    op.create_index("ix_audit_at", "audit_log", ["at"])
    versions = op.create_table(
        "state_versions",
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("changed_at", UTCDateTime, nullable=False),
    )
    from datetime import datetime, timezone

    op.bulk_insert(versions, [{"name": "obstacles", "version": 0, "changed_at": datetime.now(timezone.utc)}])


def downgrade() -> None:
    op.drop_table("state_versions")
    op.drop_index("ix_audit_at", "audit_log")
    op.drop_index("ix_audit_actor", "audit_log")
    op.drop_index("ix_audit_entity", "audit_log")
    op.drop_table("audit_log")
    op.drop_index("ix_obstacles_validity", "obstacles")
    op.drop_table("obstacles")
    op.drop_table("api_keys")
