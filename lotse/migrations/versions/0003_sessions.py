"""Live guidance sessions: tracker state per session and the route it follows.

Revision ID: 0003_sessions
Revises: 0002_feedback
Create Date: 2025-02-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lotse.models import UTCDateTime

revision = "0003_sessions"
down_revision = "0002_feedback"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guidance_sessions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("route_version", sa.Integer, nullable=False),
        sa.Column("request", sa.JSON, nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("last_spoken", sa.JSON, nullable=False),
    )
    op.create_index("ix_guidance_sessions_expires", "guidance_sessions", ["expires_at"])
    op.create_table(
        "guidance_routes",
        sa.Column("session_id", sa.String(32), sa.ForeignKey("guidance_sessions.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("plan", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("guidance_routes")
    op.drop_index("ix_guidance_sessions_expires", table_name="guidance_sessions")
    op.drop_table("guidance_sessions")
