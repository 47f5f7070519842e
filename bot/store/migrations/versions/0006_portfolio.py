"""Prospects and communities kept in the store, shared by every instance and surviving restarts,
with an index for searching any part of a name, an email or a phone number.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

from bot.store.schema import NameKey, UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

logger = logging.getLogger(__name__)

# SQLite: FTS5's trigram tokenizer finds any run of three or more characters, kept in step with
# the table by triggers (an "external content" index: the text is stored once).
SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE prospect_search USING fts5("
    "search, content='prospects', content_rowid='pk', tokenize='trigram')",
    "CREATE TRIGGER prospects_search_added AFTER INSERT ON prospects BEGIN "
    "INSERT INTO prospect_search(rowid, search) VALUES (new.pk, new.search); END",
    "CREATE TRIGGER prospects_search_removed AFTER DELETE ON prospects BEGIN "
    "INSERT INTO prospect_search(prospect_search, rowid, search) "
    "VALUES ('delete', old.pk, old.search); END",
    "CREATE TRIGGER prospects_search_changed AFTER UPDATE OF search ON prospects BEGIN "
    "INSERT INTO prospect_search(prospect_search, rowid, search) "
    "VALUES ('delete', old.pk, old.search); "
    "INSERT INTO prospect_search(rowid, search) VALUES (new.pk, new.search); END",
)


def upgrade() -> None:
    op.create_table(
        "prospects",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("integration_id", sa.String(128), nullable=False),
        sa.Column("propexo_id", sa.Text(), nullable=False),
        sa.Column("first_name", sa.Text(), nullable=True),
        sa.Column("last_name", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("community_id", sa.Text(), nullable=True),
        sa.Column("name_key", NameKey, nullable=False),
        sa.Column("email_key", sa.Text(), nullable=True),
        sa.Column("phone_digits", sa.String(32), nullable=True),
        sa.Column("search", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_prospects")),
        sa.UniqueConstraint(
            "integration_id", "propexo_id", name=op.f("uq_prospects_integration_id_propexo_id")
        ),
    )
    for columns in (["integration_id", "name_key"], ["integration_id", "email_key"]):
        op.create_index(op.f(f"ix_prospects_{'_'.join(columns)}"), "prospects", columns)
    op.create_index(
        op.f("ix_prospects_integration_id_phone_digits"),
        "prospects",
        ["integration_id", "phone_digits"],
    )
    op.create_table(
        "communities",
        sa.Column("pk", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("integration_id", sa.String(128), nullable=False),
        sa.Column("propexo_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("timezone", sa.String(64), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("pk", name=op.f("pk_communities")),
        sa.UniqueConstraint(
            "integration_id", "propexo_id", name=op.f("uq_communities_integration_id_propexo_id")
        ),
    )
    op.create_table(
        "portfolio_sync",
        sa.Column("list_name", sa.String(32), nullable=False),
        sa.Column("integration_id", sa.String(128), nullable=False),
        sa.Column("cursor", UTCDateTime(), nullable=True),
        sa.Column("at_cursor", sa.Integer(), nullable=False),
        sa.Column("records_read", sa.Integer(), nullable=False),
        sa.Column("first_read_at", UTCDateTime(), nullable=True),
        sa.Column("last_read_at", UTCDateTime(), nullable=True),
        sa.Column("reader", sa.String(64), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("list_name", "integration_id", name=op.f("pk_portfolio_sync")),
    )
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    else:
        _trigram_index()


def _trigram_index() -> None:
    """PostgreSQL's trigram index, when the server lets pg_trgm be installed (a trusted extension
    since PostgreSQL 13); without it searches still work, by reading the table."""
    bind = op.get_bind()
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as exc:
        savepoint.rollback()
        logger.warning("prospect search unindexed: pg_trgm cannot be installed (%s)", exc.orig)
        return
    savepoint.commit()
    # Named with its schema: the extension may live outside this database user's search path.
    where = bind.execute(
        sa.text(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'pg_trgm'"
        )
    ).scalar_one()
    op.execute(
        "CREATE INDEX ix_prospects_search_trigram ON prospects"
        f' USING gin (search "{where}".gin_trgm_ops)'
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE prospect_search")  # its triggers go with the prospects table
    op.drop_table("portfolio_sync")
    op.drop_table("communities")
    op.drop_table("prospects")
