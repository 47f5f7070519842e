"""Tests of `bot.store` on SQLite and PostgreSQL: bookings, claims, the queue."""
