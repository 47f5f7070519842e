"""Booking conversations in Slack threads, the Slack deliveries already handled, and which
message shows a booking's state (a booking may report in a thread that is not its own).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.schema import JSONValue, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

STATES = ("open", "booked", "cancelled", "expired")


def upgrade() -> None:
    with op.batch_alter_table("bookings") as bookings:  # SQLite alters tables by copying them
        bookings.add_column(sa.Column("status_ts", sa.String(32), nullable=True))
    # Until now a booking's state was shown in its thread's first message.
    op.execute("UPDATE bookings SET status_ts = thread_ts WHERE thread_ts IS NOT NULL")
    op.create_index(
        op.f("ix_bookings_thread_channel_id_status_ts"),
        "bookings",
        ["thread_channel_id", "status_ts"],
    )
    op.create_table(
        "dialogues",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("team_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), nullable=False),
        sa.Column("channel_id", sa.String(32), nullable=False),
        sa.Column("thread_ts", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("form_values", JSONValue, nullable=False),
        sa.Column("asked", sa.String(32), nullable=True),
        sa.Column("summary_ts", sa.String(32), nullable=True),
        sa.Column("booking_id", sa.String(64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "state IN ({})".format(", ".join(f"'{state}'" for state in STATES)),
            name=op.f("ck_dialogues_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogues")),
        sa.UniqueConstraint(
            "channel_id", "thread_ts", name=op.f("uq_dialogues_channel_id_thread_ts")
        ),
    )
    op.create_index(op.f("ix_dialogues_state_expires_at"), "dialogues", ["state", "expires_at"])
    op.create_table(
        "seen_events",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_seen_events")),
    )
    op.create_index(op.f("ix_seen_events_seen_at"), "seen_events", ["seen_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_bookings_thread_channel_id_status_ts"), table_name="bookings")
    with op.batch_alter_table("bookings") as bookings:
        bookings.drop_column("status_ts")
    op.drop_index(op.f("ix_seen_events_seen_at"), table_name="seen_events")
    op.drop_table("seen_events")
    op.drop_index(op.f("ix_dialogues_state_expires_at"), table_name="dialogues")
    op.drop_table("dialogues")
