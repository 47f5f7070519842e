"""The company's prospects and communities as Propexo last listed them: kept in the store so every
instance shares one copy that survives restarts, read in order of change, searched by an index."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    func,
    literal_column,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.database import Database
from bot.store.schema import CommunityRow, PortfolioSyncRow, ProspectRow

PROSPECTS = "prospects"
COMMUNITIES = "communities"
SHORTEST_PIECE = 3  # the trigram indexes find runs of three characters or more
FULL_PHONE_FROM = 7  # digits from which typed words may be a whole phone number
CANDIDATES = 2_000  # the most rows one search reads (see Portfolio._holding)
_PHONE_TYPED = re.compile(r"[\d\s()+.\-]+")


@dataclass(frozen=True)
class KnownProspect:
    """A prospect as the store knows it (Propexo's id and contact details)."""

    id: str
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    community_id: str | None = None
    updated_at: datetime | None = None  # Propexo's; None for one Tourbot created just now

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass(frozen=True)
class KnownCommunity:
    id: str
    name: str | None
    timezone: str | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True)
class ListProgress:
    """How far the copy of one of Propexo's lists has been read (see PortfolioSyncRow)."""

    cursor: datetime | None = None
    at_cursor: int = 0
    records_read: int = 0
    first_read_at: datetime | None = None  # None while the first read is under way
    last_read_at: datetime | None = None

    @property
    def complete(self) -> bool:
        return self.first_read_at is not None


def search_key(words: str) -> str:
    """`words` as searches compare them: lower case, accents dropped, spaces single."""
    decomposed = unicodedata.normalize("NFKD", words)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def digits_of(words: str | None) -> str:
    return "".join(c for c in words or "" if c.isdigit())


class Portfolio:
    """The prospects and communities tables and how far each list has been read."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # Prospects

    async def save_prospects(self, integration_id: str, prospects: Sequence[KnownProspect]) -> None:
        """Add or replace these prospects (by Propexo id)."""
        async with self._db.transaction() as connection:
            await self._save_prospects(connection, integration_id, prospects)

    async def search_prospects(
        self, integration_id: str, words: str, *, limit: int = 25
    ) -> list[KnownProspect]:
        """Prospects whose name, email or phone holds `words`: an exact email or phone first,
        then names that start with them, then the rest, each by name. Every word must be found;
        typed phone numbers compare digits only ("555 201" finds +15552017788)."""
        needle = search_key(words)
        digits = digits_of(words)
        exact: ColumnElement[bool]
        if len(digits) >= SHORTEST_PIECE and _PHONE_TYPED.fullmatch(words.strip()):
            pieces, exact = [digits], ProspectRow.phone_digits.in_([digits, "1" + digits])
        else:
            pieces, exact = needle.split(), ProspectRow.email_key == needle
        if not pieces:
            return []
        queries = []
        if "@" in needle or len(digits) >= FULL_PHONE_FROM:  # else no email or phone equals it
            queries.append(_prospects(integration_id).where(exact).limit(limit))  # few: no order
        if not digits or needle != digits:
            queries.append(
                _prospects(integration_id)
                .where(*_starts(ProspectRow.name_key, needle))
                .order_by(ProspectRow.name_key)
                .limit(limit)
            )
        if any(len(piece) >= SHORTEST_PIECE for piece in pieces):
            queries.append(self._holding(integration_id, pieces, limit))
        found: dict[int, KnownProspect] = {}
        async with self._db.reading() as connection:
            for query in queries:
                for row in await connection.execute(query):
                    found.setdefault(row.pk, _prospect(row))
                if len(found) >= limit:
                    break
        return list(found.values())[:limit]

    async def prospect(self, integration_id: str, prospect_id: str) -> KnownProspect | None:
        async with self._db.reading() as connection:
            row = (
                await connection.execute(
                    _prospects(integration_id).where(ProspectRow.propexo_id == prospect_id)
                )
            ).first()
        return None if row is None else _prospect(row)

    async def prospect_count(self, integration_id: str) -> int:
        async with self._db.transaction() as connection:
            counted = await connection.execute(
                select(func.count()).where(ProspectRow.integration_id == integration_id)
            )
        return int(counted.scalar_one())

    def _holding(self, integration_id: str, pieces: Sequence[str], limit: int) -> Select[Any]:
        """Prospects whose search text holds every piece, by name: the database's index finds
        at most CANDIDATES (a piece most of the list holds, like "example", is no reason to
        read it all), the LIKEs confirm each and the database orders those."""
        candidates: Select[Any]
        confirmed: list[ColumnElement[bool]] = []  # the LIKEs, where the index has not run them
        if self._db.dialect == "sqlite":
            long = [p for p in pieces if len(p) >= SHORTEST_PIECE]
            match = " AND ".join('"' + p.replace('"', '""') + '"' for p in long)
            candidates = (
                select(literal_column("rowid").label("pk"))
                .select_from(text("prospect_search"))
                .where(text("prospect_search MATCH :match").bindparams(match=match))
            )
            confirmed.append(_holds(pieces))
        else:  # the trigram index answers the LIKEs themselves
            # Planned for all its rows, as every CTE is, yet read only as far as the limit below:
            # a LIMIT beside the LIKEs makes a table scan that stops early look cheapest whenever
            # the planner guesses a piece common (or cannot see it, in a prepared statement's
            # generic plan), and a piece rarer than guessed then has it read the whole table.
            held = (
                select(ProspectRow.pk)
                .where(ProspectRow.integration_id == integration_id, _holds(pieces))
                .cte("held")
                .prefix_with("MATERIALIZED")
            )
            # Not run again on the rows found: the planner, guessing how many hold a piece, may
            # read every one of them again to join them.
            candidates = select(held.c.pk)
        found = candidates.limit(CANDIDATES).cte("candidates").prefix_with("MATERIALIZED")
        # The candidates are read first: ordering by name through the name index instead would
        # read the whole list when a piece is rare.
        return (
            select(ProspectRow)
            .select_from(found)
            .join(ProspectRow, ProspectRow.pk == found.c.pk)
            .where(ProspectRow.integration_id == integration_id, *confirmed)
            .order_by(ProspectRow.name_key)
            .limit(limit)
        )

    @staticmethod
    async def _save_prospects(
        connection: AsyncConnection, integration_id: str, prospects: Sequence[KnownProspect]
    ) -> None:
        if not prospects:
            return
        values = list({p.id: _prospect_values(integration_id, p) for p in prospects}.values())
        await _upsert(
            connection, ProspectRow, values, ("integration_id", "propexo_id"), _PROSPECT_CHANGES
        )

    # Communities

    async def save_communities(
        self, integration_id: str, communities: Sequence[KnownCommunity]
    ) -> None:
        async with self._db.transaction() as connection:
            await self._save_communities(connection, integration_id, communities)

    async def communities(self, integration_id: str) -> list[KnownCommunity]:
        """Every community of the integration, by name."""
        async with self._db.reading() as connection:
            rows = await connection.execute(
                select(CommunityRow)
                .where(CommunityRow.integration_id == integration_id)
                .order_by(CommunityRow.name, CommunityRow.propexo_id)
            )
            return [
                KnownCommunity(row.propexo_id, row.name, row.timezone, row.updated_at)
                for row in rows
            ]

    @staticmethod
    async def _save_communities(
        connection: AsyncConnection, integration_id: str, communities: Sequence[KnownCommunity]
    ) -> None:
        if not communities:
            return
        values = list({c.id: _community_values(integration_id, c) for c in communities}.values())
        await _upsert(
            connection,
            CommunityRow,
            values,
            ("integration_id", "propexo_id"),
            ("name", "timezone", "updated_at"),
        )

    async def refresh_statistics(self) -> None:
        """PostgreSQL: let its planner learn the copy's new size (after a first read; otherwise
        it may take the name index for a rare piece and read every row to find it)."""
        if self._db.dialect == "postgresql":
            async with self._db.transaction() as connection:
                await connection.execute(text("ANALYZE prospects, communities"))

    # How far each list has been read, and by whom

    async def progress(self, list_name: str, integration_id: str) -> ListProgress:
        async with self._db.reading() as connection:
            row = (
                await connection.execute(
                    select(PortfolioSyncRow).where(
                        PortfolioSyncRow.list_name == list_name,
                        PortfolioSyncRow.integration_id == integration_id,
                    )
                )
            ).first()
        if row is None:
            return ListProgress()
        return ListProgress(
            row.cursor, row.at_cursor, row.records_read, row.first_read_at, row.last_read_at
        )

    async def take_lease(
        self, list_name: str, integration_id: str, reader: str, hold: timedelta
    ) -> bool:
        """Become (or stay) the one instance reading this list for `hold` from now; False when
        another holds a lease that has not run out."""
        now = self._db.clock()
        until = now + hold
        async with self._db.transaction() as connection:
            await _upsert(
                connection,
                PortfolioSyncRow,
                [
                    {
                        "list_name": list_name,
                        "integration_id": integration_id,
                        "at_cursor": 0,
                        "records_read": 0,
                    }
                ],
                ("list_name", "integration_id"),
                (),
            )
            taken = await connection.execute(
                update(PortfolioSyncRow)
                .where(
                    _list_row(list_name, integration_id),
                    or_(
                        PortfolioSyncRow.reader.is_(None),
                        PortfolioSyncRow.reader == reader,
                        PortfolioSyncRow.lease_until <= now,
                    ),
                )
                .values(reader=reader, lease_until=until)
                .returning(PortfolioSyncRow.list_name)
            )
            return taken.first() is not None

    async def release_lease(self, list_name: str, integration_id: str, reader: str) -> None:
        async with self._db.transaction() as connection:
            await connection.execute(
                update(PortfolioSyncRow)
                .where(_list_row(list_name, integration_id), PortfolioSyncRow.reader == reader)
                .values(reader=None, lease_until=None)
            )

    async def advance(
        self,
        list_name: str,
        integration_id: str,
        reader: str,
        records: Sequence[KnownProspect] | Sequence[KnownCommunity],
        *,
        cursor: datetime | None,
        at_cursor: int,
        complete: bool,
    ) -> bool:
        """Save a page of the list and how far the reading now is, in one transaction, as long
        as `reader` still holds the lease (False, nothing saved, when it has lost it)."""
        now = self._db.clock()
        async with self._db.transaction() as connection:
            changes: dict[str, object] = {
                "cursor": cursor,
                "at_cursor": at_cursor,
                "records_read": PortfolioSyncRow.records_read + len(records),
            }
            if complete:
                changes["last_read_at"] = now
                changes["first_read_at"] = func.coalesce(PortfolioSyncRow.first_read_at, now)
            moved = await connection.execute(
                update(PortfolioSyncRow)
                .where(_list_row(list_name, integration_id), PortfolioSyncRow.reader == reader)
                .values(changes)
                .returning(PortfolioSyncRow.list_name)
            )
            if moved.first() is None:
                await connection.rollback()
                return False
            prospects = [r for r in records if isinstance(r, KnownProspect)]
            communities = [r for r in records if isinstance(r, KnownCommunity)]
            await self._save_prospects(connection, integration_id, prospects)
            await self._save_communities(connection, integration_id, communities)
        return True


_PROSPECT_CHANGES = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "community_id",
    "name_key",
    "email_key",
    "phone_digits",
    "search",
    "updated_at",
)


def _prospect_values(integration_id: str, p: KnownProspect) -> dict[str, object]:
    name_key = search_key(p.name)
    email_key = search_key(p.email) if p.email else None
    digits = digits_of(p.phone)[:32] or None
    return {
        "integration_id": integration_id,
        "propexo_id": p.id,
        "first_name": p.first_name,
        "last_name": p.last_name,
        "email": p.email,
        "phone": p.phone,
        "community_id": p.community_id,
        "name_key": name_key,
        "email_key": email_key,
        "phone_digits": digits,
        "search": " ".join(part for part in (name_key, email_key, digits) if part),
        "updated_at": p.updated_at,
    }


def _community_values(integration_id: str, c: KnownCommunity) -> dict[str, object]:
    return {
        "integration_id": integration_id,
        "propexo_id": c.id,
        "name": c.name,
        "timezone": c.timezone,
        "updated_at": c.updated_at,
    }


def _prospect(row: Any) -> KnownProspect:
    return KnownProspect(
        row.propexo_id,
        row.first_name,
        row.last_name,
        row.email,
        row.phone,
        row.community_id,
        row.updated_at,
    )


def _prospects(integration_id: str) -> Select[Any]:
    return select(ProspectRow).where(ProspectRow.integration_id == integration_id)


def _starts(column: Any, prefix: str) -> tuple[Any, ...]:
    """`column` starts with `prefix`, as a range its index can answer (LIKE may not use one)."""
    return (column >= prefix, column < prefix + "\U0010ffff")


def _holds(pieces: Sequence[str]) -> ColumnElement[bool]:
    return and_(*(ProspectRow.search.like(f"%{_escaped(p)}%", escape="\\") for p in pieces))


def _escaped(piece: str) -> str:
    return piece.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _list_row(list_name: str, integration_id: str) -> Any:
    return and_(
        PortfolioSyncRow.list_name == list_name,
        PortfolioSyncRow.integration_id == integration_id,
    )


async def _upsert(
    connection: AsyncConnection,
    table: Any,
    values: list[dict[str, object]],
    keys: tuple[str, ...],
    changes: tuple[str, ...],
) -> None:
    """INSERT … ON CONFLICT: update `changes` (or nothing) where a row with `keys` exists."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).values(values)
    if changes:
        statement = statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={name: getattr(statement.excluded, name) for name in changes},
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    await connection.execute(statement)
