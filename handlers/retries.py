"""Slack retries an event it thinks went unanswered (up to three times, even while the first
delivery is still being handled): each `event_id` is handled once, whichever instance sees it.

The record that decides it is a write, and Slack's 3 s do not wait for a slow store: when the
record takes longer than RECORD_WAIT, the event is acked at once and handled when the record
comes back (dispatched again, past this check), or not at all if another delivery has it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.store import Dialogues

logger = logging.getLogger(__name__)

RECORD_WAIT = 0.1  # seconds the ack waits for the event's record before it goes anyway
RECORDED = "tourbot_event_recorded"  # context key of an event dispatched again once recorded


def register(app: AsyncApp, seen: Dialogues) -> None:
    later: set[asyncio.Task[None]] = set()  # kept, so no task is collected mid-way

    async def once_per_event(
        body: dict[str, Any],
        req: AsyncBoltRequest,
        context: AsyncBoltContext,
        next: Callable[[], Awaitable[None]],
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if not isinstance(event_id, str) or context.get(RECORDED) == event_id:
            await next()
            return None
        record = seen.sight(f"event:{event_id}")
        if record is None:
            logger.info("event %s delivered again while this server handles it", event_id)
            return BoltResponse(status=200, body="")
        try:
            first = await asyncio.wait_for(asyncio.shield(record), RECORD_WAIT)
        except TimeoutError:
            logger.warning("the store is slow: event %s acked before it was recorded", event_id)
            task = asyncio.create_task(when_recorded(record, req, event_id))
            later.add(task)
            task.add_done_callback(later.discard)
            return BoltResponse(status=200, body="")
        if not first:
            logger.info("event %s delivered again; handled already", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None

    async def when_recorded(record: Awaitable[bool], req: AsyncBoltRequest, event_id: str) -> None:
        """Handle the event once its record says it is the first delivery (at most once)."""
        try:
            first = await record
        except Exception as exc:
            logger.error("event %s could not be recorded, so it was not handled: %s", event_id, exc)
            return
        if not first:
            logger.info("event %s delivered again; handled already", event_id)
            return
        raw = req.raw_body if req.mode == "http" else req.body
        again = AsyncBoltRequest(
            body=raw,
            query=req.query,
            headers=req.headers,
            context={RECORDED: event_id},
            mode=req.mode,
        )
        await app.async_dispatch(again)

    app.middleware(once_per_event)
