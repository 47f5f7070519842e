"""Reading Propexo's JSON defensively: its answers are loosely documented, so a missing or
oddly typed field reads as absent instead of raising."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime


def as_mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def mapping_at(value: object, key: str) -> Mapping[str, object]:
    return as_mapping(as_mapping(value).get(key))


def text_at(record: Mapping[str, object], *keys: str) -> str | None:
    """The first of `keys` holding a non-empty string (or a number, as ids sometimes are)."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


def time_at(record: Mapping[str, object], key: str) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime (a zone-less one is taken as UTC); None when
    missing or not a timestamp."""
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
