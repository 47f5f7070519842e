"""The shared Propexo budget as a sliding log of units instead of a count per clock minute, which
let a burst straddling a minute spend twice the limit inside 60 seconds.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from bot.store.schema import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

MINUTE = timedelta(minutes=1)

rate_windows = sa.table(
    "rate_windows", sa.column("window_start", UTCDateTime()), sa.column("used", sa.Integer())
)


def upgrade() -> None:
    op.create_table(
        "rate_budget",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("asked_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_rate_budget")),
    )
    units = op.create_table(
        "rate_units",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("granted_at", UTCDateTime(), nullable=False),
        sa.Column("leaves_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_units")),
    )
    op.create_index(op.f("ix_rate_units_leaves_at"), "rate_units", ["leaves_at"])
    spent = _recently_spent()
    if spent:
        op.bulk_insert(units, spent)
    op.drop_table("rate_windows")


def _recently_spent() -> list[dict[str, datetime]]:
    """The units of the last two clock minutes, each kept until a minute after its minute ended
    (its request arrived at some moment inside it), so an upgrade mid-burst overspends nothing."""
    now = datetime.now(UTC)
    rows = op.get_bind().execute(
        sa.select(rate_windows.c.window_start, rate_windows.c.used).where(
            rate_windows.c.window_start > now - 2 * MINUTE
        )
    )
    return [
        {"granted_at": start, "leaves_at": start + 2 * MINUTE}
        for start, used in rows
        for _ in range(used)
    ]


def downgrade() -> None:
    op.create_table(
        "rate_windows",
        sa.Column("window_start", UTCDateTime(), nullable=False),
        sa.Column("used", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("window_start", name=op.f("pk_rate_windows")),
    )
    op.drop_index(op.f("ix_rate_units_leaves_at"), table_name="rate_units")
    op.drop_table("rate_units")
    op.drop_table("rate_budget")
