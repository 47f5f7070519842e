"""Propexo's ids (a write's job id, an appointment's id) stored whatever their length: Propexo
documents none, and a 300-character job id overflowed VARCHAR(255) on PostgreSQL.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

IDS = ("job_id", "appointment_id")


def upgrade() -> None:
    with op.batch_alter_table("bookings") as bookings:
        for column in IDS:
            bookings.alter_column(column, type_=sa.Text(), existing_type=sa.String(255))


def downgrade() -> None:
    with op.batch_alter_table("bookings") as bookings:
        for column in IDS:
            bookings.alter_column(column, type_=sa.String(255), existing_type=sa.Text())
