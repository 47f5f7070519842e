"""The simulator's list reads and record uploads: the query of a list request read as Propexo
reads it (offset, limit, order-by, updated_at bounds), a page answered, records to add checked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from aiohttp import web

from bot.offline.propexo import schema
from bot.offline.propexo.records import TIMESTAMP_FIELDS, Direction, ListQuery
from bot.offline.propexo.responses import refused

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def query_int(value: str, name: str, maximum: int | None) -> int | schema.Issue:
    try:
        number = int(value)
    except ValueError:
        return {
            "code": "invalid_type",
            "expected": "number",
            "received": "nan",
            "path": [name],
            "message": "Expected number, received nan",
        }
    if number < 0:
        return {
            "code": "too_small",
            "minimum": 0,
            "type": "number",
            "inclusive": True,
            "exact": False,
            "message": "Number must be greater than or equal to 0",
            "path": [name],
        }
    if maximum is not None and number > maximum:
        return {
            "code": "too_big",
            "maximum": maximum,
            "type": "number",
            "inclusive": True,
            "exact": False,
            "message": f"Number must be less than or equal to {maximum}",
            "path": [name],
        }
    return number


def query_time(text: str, name: str, *, up: bool) -> int | schema.Issue | None:
    """An ISO 8601 bound as epoch milliseconds (records keep milliseconds: a `gte` bound is
    rounded up and an `lte` bound down, so both stay exact); None when absent or empty."""
    if not text.strip():
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return {
            "code": "invalid_string",
            "validation": "datetime",
            "message": "Invalid datetime",
            "path": [name],
        }
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    micros = (moment - _EPOCH) // timedelta(microseconds=1)
    return -(-micros // 1000) if up else micros // 1000


def query_order(text: str) -> tuple[tuple[str, Direction], ...] | schema.Issue:
    order: list[tuple[str, Direction]] = []
    for part in filter(None, text.split(",")):
        name, _, direction = part.strip().partition(":")
        direction = direction.lower()
        if not name or direction not in ("asc", "desc"):
            return {
                "validation": "regex",
                "code": "invalid_string",
                "message": "Invalid: use field:asc or field:desc",
                "path": ["order-by"],
            }
        order.append((name, "asc" if direction == "asc" else "desc"))
    return tuple(order)


def page_answer(query: ListQuery, results: list[dict[str, object]], has_more: bool) -> web.Response:
    """One page of a list read. Its `meta` holds what Propexo's documents: no total count."""
    return web.json_response(
        {
            "meta": {
                "offset": query.offset,
                "limit": query.limit,
                "orderBy": [{name: direction} for name, direction in query.order],
                "hasMore": has_more,
            },
            "results": results,
        }
    )


async def records_to_put(
    request: web.Request, fields: Sequence[str]
) -> list[dict[str, object]] | web.Response:
    """The records a `/_sim/` put sends (an object or a list of them), or a 400 saying why not.
    Timestamps are the simulator's to set."""
    try:
        data = await request.json()
    except ValueError:
        return refused("Send a record as a JSON object (or a list of them).")
    items = data if isinstance(data, list) else [data]
    settable = set(fields) - TIMESTAMP_FIELDS
    for item in items:
        if not isinstance(item, dict):
            return refused("Each record must be a JSON object.")
        unknown = sorted(set(item) - settable)
        if unknown:
            return refused(
                f"Unknown or read-only field(s): {', '.join(unknown)}. "
                f"Settable: {', '.join(sorted(settable))}."
            )
        if "id" in item and not (isinstance(item["id"], str) and item["id"]):
            return refused("A record's id must be a non-empty string.")
    return items
