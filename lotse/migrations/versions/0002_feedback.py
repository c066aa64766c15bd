"""Feedback from residents and partners on routes, steps and places.

Revision ID: 0002_feedback
Revises: 0001
Create Date: 2025-01-15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lotse.models import UTCDateTime

revision = "0002_feedback"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("lang", sa.String(5), nullable=True),
        sa.Column("lat", sa.Float, nullable=True),
        sa.Column("lon", sa.Float, nullable=True),
        sa.Column("route_request", sa.JSON, nullable=True),
        sa.Column("step_index", sa.Integer, nullable=True),
        sa.Column("step", sa.JSON, nullable=True),
        sa.Column("reporter_role", sa.String(20), nullable=False),
        sa.Column("reporter_name", sa.String(100), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=True),
        sa.Column("closed_at", UTCDateTime, nullable=True),
        sa.Column("closed_by", sa.String(100), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_feedback_status", "feedback", ["status", "id"])
    op.create_index("ix_feedback_category", "feedback", ["category"])


def downgrade() -> None:
    op.drop_index("ix_feedback_category", table_name="feedback")
    op.drop_index("ix_feedback_status", table_name="feedback")
    op.drop_table("feedback")
