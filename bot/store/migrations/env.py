"""Alembic's entry point: migrations run on the connection the store hands over."""

from __future__ import annotations

from alembic import context

from bot.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through bot.store.Store.create_schema(), not alembic.")

# Batch mode lets SQLite (which cannot ALTER most things) take the same migrations.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
