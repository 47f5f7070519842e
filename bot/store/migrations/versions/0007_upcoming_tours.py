"""An agent's upcoming tours are read by when they start (the App Home), not found among the
newest bookings.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(op.f("ix_bookings_user_id_starts_at"), "bookings", ["user_id", "starts_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_bookings_user_id_starts_at"), table_name="bookings")
