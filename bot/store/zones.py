"""Users' time zones as Slack gave them, cached with when they were fetched."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from bot.store.database import Database
from bot.store.schema import UserZoneRow


class UserZones:
    """The cached time zone of each user, by Slack user id."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def user_zone(self, user_id: str, *, max_age: timedelta) -> str | None:
        """The user's cached time zone, or None if unknown or fetched more than `max_age` ago."""
        async with self._db.transaction() as connection:
            row = (
                await connection.execute(
                    select(UserZoneRow.zone, UserZoneRow.fetched_at).where(
                        UserZoneRow.user_id == user_id
                    )
                )
            ).one_or_none()
        if row is None:
            return None
        zone, fetched_at = row
        return None if self._db.clock() - fetched_at > max_age else zone

    async def save_user_zone(self, user_id: str, zone: str) -> None:
        """Remember the user's time zone as of now (insert or replace)."""
        values = {"user_id": user_id, "zone": zone, "fetched_at": self._db.clock()}
        changes = {"zone": zone, "fetched_at": values["fetched_at"]}
        # INSERT … ON CONFLICT DO UPDATE: the same words on both databases, from two dialects.
        statement = (
            postgresql.insert(UserZoneRow)
            .values(values)
            .on_conflict_do_update(index_elements=[UserZoneRow.user_id], set_=changes)
            if self._db.dialect == "postgresql"
            else sqlite.insert(UserZoneRow)
            .values(values)
            .on_conflict_do_update(index_elements=[UserZoneRow.user_id], set_=changes)
        )
        async with self._db.transaction() as connection:
            await connection.execute(statement)
