"""Bookings, cached user zones and the shared Propexo rate budget.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.schema import JSONValue, UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STATES = ("accepted", "sending", "submitted", "confirmed", "failed", "unknown")


def upgrade() -> None:
    op.create_table(
        "bookings",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("request_key", sa.String(255), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=True),
        sa.Column("thread_channel_id", sa.String(32), nullable=True),
        sa.Column("thread_ts", sa.String(32), nullable=True),
        sa.Column("response_url", sa.Text(), nullable=True),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("starts_at", UTCDateTime(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("form_values", JSONValue, nullable=False),
        sa.Column("body", JSONValue, nullable=False),
        sa.Column("prospect_key", sa.String(255), nullable=True),
        sa.Column("job_id", sa.String(255), nullable=True),
        sa.Column("appointment_id", sa.String(255), nullable=True),
        sa.Column("write_errors", JSONValue, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("outcome_by", sa.String(32), nullable=True),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("last_told", sa.String(32), nullable=True),
        sa.Column("request_sent_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "state IN ({})".format(", ".join(f"'{state}'" for state in STATES)),
            name=op.f("ck_bookings_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint("request_key", name=op.f("uq_bookings_request_key")),
    )
    op.create_index(
        op.f("ix_bookings_state_next_attempt_at"), "bookings", ["state", "next_attempt_at"]
    )
    op.create_index(op.f("ix_bookings_user_id_created_at"), "bookings", ["user_id", "created_at"])
    op.create_index(
        op.f("ix_bookings_prospect_key_starts_at"), "bookings", ["prospect_key", "starts_at"]
    )
    op.create_table(
        "user_zones",
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("zone", sa.String(64), nullable=False),
        sa.Column("fetched_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_user_zones")),
    )
    op.create_table(
        "rate_windows",
        sa.Column("window_start", UTCDateTime(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("window_start", name=op.f("pk_rate_windows")),
    )


def downgrade() -> None:
    op.drop_table("rate_windows")
    op.drop_table("user_zones")
    op.drop_index(op.f("ix_bookings_prospect_key_starts_at"), table_name="bookings")
    op.drop_index(op.f("ix_bookings_user_id_created_at"), table_name="bookings")
    op.drop_index(op.f("ix_bookings_state_next_attempt_at"), table_name="bookings")
    op.drop_table("bookings")
