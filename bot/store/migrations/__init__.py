"""Alembic migrations of the store's schema; `bot.store.Store.create_schema` applies them."""
