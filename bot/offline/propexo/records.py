"""The simulator's CRM records: a table of tuples with the indexes a list read needs.

Hundreds of thousands of records stay compact as tuples (timestamps as epoch milliseconds); a
JSON dict is made only for the records a page serves. An index sorted by `updated_at` answers
`updated_at_gte`/`updated_at_lte` and `order-by=updated_at:...` by bisection, lookups answer
the contact-field filters, and any other order is sorted once and kept until a record changes.
The table is not locked: its owner (`SimulatorState`) holds a lock around every call.
"""

from __future__ import annotations

import time
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

Row = tuple[object, ...]
Direction = Literal["asc", "desc"]
Order = tuple[tuple[str, Direction], ...]
TIMESTAMP_FIELDS = frozenset({"created_at", "updated_at", "last_seen"})
_CACHED_ORDERS = 4  # full sorts kept; each is one int per record


def timestamp(ms: int) -> str:
    """Epoch milliseconds as Propexo writes a timestamp: `2025-06-02T09:30:00.000Z`."""
    t = time.gmtime(ms // 1000)
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{ms % 1000:03d}Z"
    )


def fold_email(value: str) -> str:
    """An email as the filter compares it; the same object when it is already folded, so an
    index of mostly lower-case emails costs no second copy of each."""
    folded = value.strip().casefold()
    return value if folded == value else folded


def phone_digits(value: str) -> str:
    return "".join(ch for ch in value if ch.isdigit())


def row_json(fields: Sequence[str], row: Row) -> dict[str, object]:
    """A row as Propexo's JSON record: timestamps written out, tuples as lists."""
    record: dict[str, object] = {}
    for name, value in zip(fields, row, strict=True):
        if name in TIMESTAMP_FIELDS and isinstance(value, int):
            value = timestamp(value)
        elif isinstance(value, tuple):
            value = list(value)
        record[name] = value
    return record


@dataclass(frozen=True)
class ListQuery:
    """One list read, validated: paging, order, the updated_at window (epoch ms, inclusive)
    and the field filters to honour as (field, value)."""

    offset: int = 0
    limit: int = 100
    order: Order = ()
    updated_gte: int | None = None
    updated_lte: int | None = None
    filters: tuple[tuple[str, str], ...] = ()


class Lookup:
    """Record positions by a normalized key. Almost every key names one record, so one int is
    kept per key and a list only for the few keys that several records share."""

    def __init__(self, normalize: Callable[[str], str]) -> None:
        self.normalize = normalize
        self._one: dict[str, int] = {}
        self._many: dict[str, list[int]] = {}

    def add(self, value: object, position: int) -> None:
        if not isinstance(value, str) or not (key := self.normalize(value)):
            return
        if key in self._many:
            self._many[key].append(position)
        elif key in self._one:
            self._many[key] = [self._one.pop(key), position]
        else:
            self._one[key] = position

    def remove(self, value: object, position: int) -> None:
        if not isinstance(value, str) or not (key := self.normalize(value)):
            return
        if self._one.get(key) == position:
            del self._one[key]
        elif key in self._many:
            shared = [p for p in self._many.pop(key) if p != position]
            if len(shared) > 1:
                self._many[key] = shared
            elif shared:
                self._one[key] = shared[0]

    def find(self, value: str) -> list[int]:
        key = self.normalize(value)
        if key in self._one:
            return [self._one[key]]
        return list(self._many.get(key, ()))


@dataclass
class _Undo:
    """What `restore` needs to bring the table back to its seed."""

    seeded: int
    by_updated: array[int]
    originals: dict[int, Row] = field(default_factory=dict)


class RecordTable:
    """Records of one kind, in the order they were added, each a tuple laid out as `fields`."""

    def __init__(
        self,
        fields: Sequence[str],
        rows: Iterable[Row],
        *,
        lookups: Mapping[str, Callable[[str], str]] | None = None,
    ) -> None:
        self.fields = tuple(fields)
        self._column = {name: i for i, name in enumerate(self.fields)}
        self._id = self._column["id"]
        self._updated = self._column["updated_at"]
        self._rows: list[Row] = list(rows)
        self._positions = {str(row[self._id]): p for p, row in enumerate(self._rows)}
        # A stable sort of positions: ties on updated_at keep the order records were added.
        self._by_updated = array("q", sorted(range(len(self._rows)), key=self._updated_key))
        self._lookups = {name: Lookup(normalize) for name, normalize in (lookups or {}).items()}
        for name, lookup in self._lookups.items():
            column = self._column[name]
            for position, row in enumerate(self._rows):
                lookup.add(row[column], position)
        self._orders: dict[tuple[Order, int | None, int | None], list[int]] = {}
        self._undo = _Undo(seeded=len(self._rows), by_updated=array("q", self._by_updated))

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, record_id: object) -> bool:
        return record_id in self._positions

    def ids(self) -> list[str]:
        return list(self._positions)

    @property
    def filterable(self) -> tuple[str, ...]:
        """The fields a list read can filter on (`?email_1=...`)."""
        return tuple(self._lookups)

    def get(self, record_id: str) -> dict[str, object] | None:
        position = self._positions.get(record_id)
        return None if position is None else self.to_json(self._rows[position])

    def row(self, record_id: str) -> Row | None:
        position = self._positions.get(record_id)
        return None if position is None else self._rows[position]

    def to_json(self, row: Row) -> dict[str, object]:
        return row_json(self.fields, row)

    # -- reads -----------------------------------------------------------------------------------

    def page(self, query: ListQuery) -> tuple[list[dict[str, object]], bool]:
        """The records of one page and whether more follow it."""
        positions, count = self._select(query)
        return [self.to_json(self._rows[p]) for p in positions], query.offset + query.limit < count

    def _select(self, query: ListQuery) -> tuple[Sequence[int], int]:
        """The positions of the page and how many records match in all."""
        start, stop = query.offset, query.offset + query.limit
        if query.filters:
            matching = self._filtered(query)
            return matching[start:stop], len(matching)
        lo, hi = self._updated_bounds(query.updated_gte, query.updated_lte)
        if query.order in ((("updated_at", "asc"),), (("updated_at", "desc"),)):
            return self._by_updated_slice(lo, hi, start, stop, query.order[0][1]), hi - lo
        if lo == 0 and hi == len(self._rows) and not query.order:
            return range(start, min(stop, len(self._rows))), len(self._rows)
        matching = self._ordered(query.order, query.updated_gte, query.updated_lte, lo, hi)
        return matching[start:stop], len(matching)

    def _filtered(self, query: ListQuery) -> list[int]:
        """Records matching every field filter (a lookup, so few), in the window, in order."""
        found: set[int] | None = None
        for name, value in query.filters:
            hits = set(self._lookups[name].find(value)) if name in self._lookups else set()
            found = hits if found is None else found & hits
        low = query.updated_gte if query.updated_gte is not None else -(2**63)
        high = query.updated_lte if query.updated_lte is not None else 2**63
        inside = [p for p in found or () if low <= self._updated_key(p) <= high]
        return self._sorted(sorted(inside), query.order)

    def _updated_bounds(self, gte: int | None, lte: int | None) -> tuple[int, int]:
        """The slice of the updated_at index inside the window."""
        key = self._updated_key
        lo = 0 if gte is None else bisect_left(self._by_updated, gte, key=key)
        hi = len(self._by_updated) if lte is None else bisect_right(self._by_updated, lte, key=key)
        return lo, max(lo, hi)

    def _updated_key(self, position: int) -> int:
        value = self._rows[position][self._updated]
        assert isinstance(value, int)
        return value

    def _by_updated_slice(
        self, lo: int, hi: int, start: int, stop: int, direction: Direction
    ) -> Sequence[int]:
        if direction == "asc":
            return self._by_updated[min(hi, lo + start) : min(hi, lo + stop)]
        first, last = max(lo, hi - stop), max(lo, hi - start)
        return self._by_updated[first:last][::-1]

    def _ordered(
        self, order: Order, gte: int | None, lte: int | None, lo: int, hi: int
    ) -> list[int]:
        """Every record in the window in this order: sorted once, then kept (a page-through asks
        for the same order again and again) until a record changes."""
        key = (order, gte, lte)
        if key not in self._orders:
            if len(self._orders) >= _CACHED_ORDERS:
                self._orders.pop(next(iter(self._orders)))
            whole = (lo, hi) == (0, len(self))
            inside = list(range(len(self))) if whole else sorted(self._by_updated[lo:hi])
            self._orders[key] = self._sorted(inside, order)
        return self._orders[key]

    def _sorted(self, positions: list[int], order: Order) -> list[int]:
        """Positions (in the order records were added) sorted by `order`, nulls last."""
        rows = self._rows
        for name, direction in reversed(order):
            column = self._column.get(name)
            if column is None:
                continue  # a field records do not have: every value is null, nothing moves
            present = [p for p in positions if rows[p][column] is not None]
            missing = [p for p in positions if rows[p][column] is None]
            present.sort(key=lambda p: _sort_key(rows[p][column]), reverse=direction == "desc")
            positions = present + missing
        return positions

    # -- writes ----------------------------------------------------------------------------------

    def merged(
        self, record_id: str, values: Mapping[str, object], now_ms: int, new: Mapping[str, object]
    ) -> Row:
        """The record with this id, as it stands or (when there is none) made of `new`, with
        `values` set and updated now."""
        base = self.row(record_id)
        record: dict[str, object] = (
            dict(zip(self.fields, base, strict=True))
            if base is not None
            else {**dict.fromkeys(self.fields), **new, "id": record_id, "created_at": now_ms}
        )
        record.update(values)
        record["updated_at"] = record["last_seen"] = now_ms
        return tuple(_stored(record[name]) for name in self.fields)

    def put(self, row: Row) -> dict[str, object]:
        """Add the record, or replace the one with its id; return it as JSON."""
        record_id = str(row[self._id])
        position = self._positions.get(record_id)
        if position is None:
            position = len(self._rows)
            self._rows.append(row)
            self._positions[record_id] = position
        else:
            old = self._rows[position]
            self._unindex(position, old)
            if position < self._undo.seeded:
                self._undo.originals.setdefault(position, old)
            self._rows[position] = row
        self._index(position, row)
        self._orders.clear()
        return self.to_json(row)

    def restore(self) -> None:
        """Undo every `put` since the table was built."""
        undo = self._undo
        if len(self._rows) == undo.seeded and not undo.originals:
            return
        for position in range(len(self._rows) - 1, undo.seeded - 1, -1):
            row = self._rows.pop()
            del self._positions[str(row[self._id])]
            self._unlook(position, row)
        for position, row in undo.originals.items():
            self._unlook(position, self._rows[position])
            self._rows[position] = row
            self._look(position, row)
        undo.originals.clear()
        self._by_updated = array("q", undo.by_updated)
        self._orders.clear()

    def _index(self, position: int, row: Row) -> None:
        key = (row[self._updated], position)
        at = bisect_left(self._by_updated, key, key=self._updated_and_position)
        self._by_updated.insert(at, position)
        self._look(position, row)

    def _unindex(self, position: int, row: Row) -> None:
        # Called while the table still holds `row` at `position`.
        at = bisect_left(
            self._by_updated, (row[self._updated], position), key=self._updated_and_position
        )
        del self._by_updated[at]
        self._unlook(position, row)

    def _updated_and_position(self, position: int) -> tuple[int, int]:
        return self._updated_key(position), position

    def _look(self, position: int, row: Row) -> None:
        for name, lookup in self._lookups.items():
            lookup.add(row[self._column[name]], position)

    def _unlook(self, position: int, row: Row) -> None:
        for name, lookup in self._lookups.items():
            lookup.remove(row[self._column[name]], position)


def _stored(value: object) -> object:
    """A JSON value as a row keeps it: lists become tuples, so rows stay immutable."""
    return tuple(value) if isinstance(value, list) else value


def _sort_key(value: object) -> tuple[int, float, str]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, float(value), "")
    return (1, 0.0, str(value))
