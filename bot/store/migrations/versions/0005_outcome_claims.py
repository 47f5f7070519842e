"""A tour's outcome is a claim while its request to Propexo is under way, and recorded once
Propexo has it: a second click is told which, truly.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.schema import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bookings") as bookings:
        bookings.add_column(sa.Column("outcome_recorded_at", UTCDateTime(), nullable=True))
    # Outcomes stored before were each recorded, or released when Propexo refused them.
    op.execute("UPDATE bookings SET outcome_recorded_at = updated_at WHERE outcome IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("bookings") as bookings:
        bookings.drop_column("outcome_recorded_at")
