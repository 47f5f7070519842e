"""Every message Tourbot posts or edits in a channel leaves through its workspace's outbox.

One queue per channel, at Slack's pace (handlers.pace), first in first out, so a thread's
updates keep their order and one busy channel never holds up another. Two lanes: `now` for
what a person is looking at this moment (a booking's thread opening, a conversation's answer),
then `later` for a booking's progress. Nothing is said twice or for nothing:
- an edit equal to what the message already shows is not sent;
- an edit waiting behind another of the same message is replaced by the newer one;
- a post marked `open_to` a key takes in a later post that `joins` with that key, while it is
  still waiting (one reply that says both, where it is the last one waiting in its thread);
- posts with the same `key` are one post (a thread opened twice at once opens once).
A `ratelimited` answer rests the channel for its Retry-After, then the same message goes again.
All of this runs after the ack, in a task of its own per channel.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import weakref
from collections import OrderedDict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

from handlers.pace import CHANNEL_BURST, CHANNEL_RATE, Pace

logger = logging.getLogger(__name__)

Lane = Literal["now", "later"]
MAX_BLOCKS = 50  # Slack's limit for one message: a join past it stays two posts
REMEMBERED = 10_000  # messages whose last text is kept, to skip an edit that changes nothing


@dataclass(frozen=True)
class Message:
    text: str
    blocks: list[dict[str, Any]] | None = None


def message(text: str, blocks: Sequence[Block | dict[str, Any]] | None = None) -> Message:
    if blocks is None:
        return Message(text)
    return Message(text, [b.to_dict() if isinstance(b, Block) else dict(b) for b in blocks])


def joined(first: Message, then: Message) -> Message | None:
    """One message saying `first`, then `then`; None when it would be too long for Slack."""
    blocks = (first.blocks or []) + (then.blocks or [])
    if len(blocks) > MAX_BLOCKS:
        return None
    return Message(f"{first.text}\n{then.text}", blocks or None)


@dataclass(eq=False)
class _Item:
    client: AsyncWebClient
    message: Message
    lane: Lane
    done: asyncio.Future[str | None]
    thread_ts: str | None = None  # a post: the thread it goes in (None: the channel itself)
    ts: str | None = None  # an edit: the message it changes
    key: str | None = None
    open_to: str | None = None
    leaving: bool = False  # taken from the queue: sent, or being sent

    def takes(self, joins: str, lane: Lane) -> bool:
        """Whether a post that `joins` may be said in this one, still waiting."""
        return not self.leaving and self.open_to == joins and self.lane == lane


@dataclass(eq=False)
class _Channel:
    pace: Pace
    lanes: dict[Lane, deque[_Item]] = field(
        default_factory=lambda: {"now": deque(), "later": deque()}
    )
    keyed: dict[str, _Item] = field(default_factory=dict)
    last_post: dict[str | None, _Item] = field(default_factory=dict)  # by thread
    held: dict[str, tuple[_Item, asyncio.TimerHandle]] = field(default_factory=dict)  # by ts
    runner: asyncio.Task[None] | None = None

    def first(self) -> _Item | None:
        return next((lane[0] for lane in self.lanes.values() if lane), None)


class Outbox:
    """A workspace's channels' queues (see the module's docstring)."""

    def __init__(self, *, rate: float | None = CHANNEL_RATE, burst: int = CHANNEL_BURST) -> None:
        """`rate` None: unpaced (Retry-After still rests a channel; edits still coalesce)."""
        self.rate = rate
        self.burst = burst
        self._channels: dict[str, _Channel] = {}
        self._shown: OrderedDict[tuple[str, str], bytes] = OrderedDict()  # what each shows

    def post(
        self,
        client: AsyncWebClient,
        channel: str,
        said: Message,
        *,
        thread_ts: str | None = None,
        lane: Lane = "later",
        key: str | None = None,
        joins: str | None = None,
        open_to: str | None = None,
    ) -> asyncio.Future[str | None]:
        """The post's ts once Slack has it (a SlackApiError if Slack refused it)."""
        queue = self._channel(channel)
        if key is not None and (same := queue.keyed.get(key)) is not None:
            return same.done
        last = queue.last_post.get(thread_ts)
        if joins is not None and last is not None and last.takes(joins, lane):
            both = joined(last.message, said)
            if both is not None:
                last.message, last.open_to = both, open_to
                return last.done
        item = _Item(client, said, lane, _future(), thread_ts=thread_ts, key=key, open_to=open_to)
        if key is not None:
            queue.keyed[key] = item
        queue.last_post[thread_ts] = item
        self._queue(channel, item)
        return item.done

    def edit(
        self,
        client: AsyncWebClient,
        channel: str,
        ts: str,
        said: Message,
        *,
        lane: Lane = "later",
        settle: float = 0.0,
    ) -> asyncio.Future[str | None]:
        """Show `said` in the message `ts`. With `settle`, it waits that long first, so a newer
        edit meanwhile replaces it. Done (None) at once when it is what the message shows."""
        queue = self._channel(channel)
        self._drop_edit(channel, queue, ts)
        done = _future()
        if self._shown.get((channel, ts)) == _digest(said):
            done.set_result(None)
            return done
        item = _Item(client, said, lane, done, ts=ts)
        if settle > 0:
            timer = asyncio.get_running_loop().call_later(settle, self._release, channel, ts)
            queue.held[ts] = (item, timer)
        else:
            self._queue(channel, item)
        return done

    @property
    def paced(self) -> bool:
        return self.rate is not None

    @property
    def waiting(self) -> int:
        """Messages not yet sent, in every channel (held edits included)."""
        return sum(
            sum(len(lane) for lane in queue.lanes.values()) + len(queue.held)
            for queue in self._channels.values()
        )

    async def drained(self) -> None:
        """Return once every message is sent; held edits go at once."""
        for channel, queue in self._channels.items():
            for ts in list(queue.held):
                self._release(channel, ts)
        while runners := [q.runner for q in self._channels.values() if q.runner is not None]:
            await asyncio.wait(runners)

    def _channel(self, channel: str) -> _Channel:
        if channel not in self._channels:
            self._channels[channel] = _Channel(Pace(self.rate, self.burst))
        return self._channels[channel]

    def _queue(self, channel: str, item: _Item) -> None:
        queue = self._channel(channel)
        queue.lanes[item.lane].append(item)
        if queue.runner is None:
            queue.runner = asyncio.create_task(self._run(channel, queue), name=f"outbox-{channel}")

    def _release(self, channel: str, ts: str) -> None:
        queue = self._channel(channel)
        if (held := queue.held.pop(ts, None)) is not None:
            held[1].cancel()
            self._queue(channel, held[0])

    def _drop_edit(self, channel: str, queue: _Channel, ts: str) -> None:
        """An edit of `ts` not yet sent is out of date: done, as if shown."""
        if (held := queue.held.pop(ts, None)) is not None:
            held[1].cancel()
            held[0].done.set_result(None)
        for lane in queue.lanes.values():
            for item in [i for i in lane if i.ts == ts]:
                lane.remove(item)
                item.done.set_result(None)

    async def _run(self, channel: str, queue: _Channel) -> None:
        loop = asyncio.get_running_loop()
        try:
            while (item := queue.first()) is not None:
                wait = queue.pace.wait(loop.time())
                if wait > 0:
                    await asyncio.sleep(wait)
                    continue  # the first in line may have changed meanwhile
                queue.lanes[item.lane].popleft()
                item.leaving = True
                if queue.last_post.get(item.thread_ts) is item:
                    del queue.last_post[item.thread_ts]
                await self._send(channel, queue, item)
        finally:
            queue.runner = None

    async def _send(self, channel: str, queue: _Channel, item: _Item) -> None:
        loop = asyncio.get_running_loop()
        said = item.message
        if item.ts is not None:  # what the message shows from now on, unless Slack refuses
            self._remember(channel, item.ts, said)
        try:
            ts = await _call(channel, item)
        except SlackApiError as exc:
            if (seconds := retry_after(exc)) is not None:
                logger.info("Slack asked %s to wait %.0f s; its queue waits", channel, seconds)
                queue.pace.rest(loop.time(), seconds)
                queue.lanes[item.lane].appendleft(item)  # the same message goes again first
                return
            queue.pace.spent(loop.time())
            self._failed(channel, queue, item, exc)
            return
        except Exception as exc:  # no answer (a timeout, a dropped connection)
            queue.pace.spent(loop.time())
            self._failed(channel, queue, item, exc)
            return
        queue.pace.spent(loop.time())
        if item.ts is None and ts is not None:
            self._remember(channel, ts, said)
        if item.key is not None and queue.keyed.get(item.key) is item:
            del queue.keyed[item.key]
        item.done.set_result(ts)

    def _failed(self, channel: str, queue: _Channel, item: _Item, exc: Exception) -> None:
        if item.ts is not None:
            self._shown.pop((channel, item.ts), None)  # shown is unknown again
        if item.key is not None and queue.keyed.get(item.key) is item:
            del queue.keyed[item.key]
        item.done.set_exception(exc)

    def _remember(self, channel: str, ts: str, said: Message) -> None:
        self._shown[(channel, ts)] = _digest(said)
        self._shown.move_to_end((channel, ts))
        while len(self._shown) > REMEMBERED:
            self._shown.popitem(last=False)


def _digest(said: Message) -> bytes:
    """What a message shows, in 16 bytes: ten thousand of them are kept, not the messages (a
    booking's blocks are kilobytes)."""
    shown = json.dumps([said.text, said.blocks], sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(shown.encode(), digest_size=16).digest()


async def _call(channel: str, item: _Item) -> str | None:
    said = item.message
    if item.ts is not None:
        await item.client.chat_update(
            channel=channel, ts=item.ts, text=said.text, blocks=said.blocks
        )
        return item.ts
    answer = await item.client.chat_postMessage(
        channel=channel, text=said.text, blocks=said.blocks, thread_ts=item.thread_ts
    )
    ts = answer.get("ts")
    return str(ts) if ts else None


def retry_after(exc: SlackApiError) -> float | None:
    """Seconds Slack asked to wait (its Retry-After), or None when it is not a rate limit."""
    response = exc.response
    if response.get("error") != "ratelimited" and response.status_code != 429:
        return None
    for name, value in (response.headers or {}).items():
        if name.lower() == "retry-after":
            first = value[0] if isinstance(value, list) and value else value
            try:
                return max(float(first), 0.0)
            except (TypeError, ValueError):
                break
    return 1.0


def left_to_outbox(done: asyncio.Future[str | None], what: str) -> None:
    """Nobody waits for `done` any more: a refusal is logged rather than lost silently."""

    def said(finished: asyncio.Future[str | None]) -> None:
        if not finished.cancelled() and (exc := finished.exception()) is not None:
            logger.warning("Slack refused %s: %s", what, _reason(exc))

    done.add_done_callback(said)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error", "unknown_error"))
    return type(exc).__name__


def _future() -> asyncio.Future[str | None]:
    return asyncio.get_running_loop().create_future()


_OUTBOXES: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, str], Outbox]]
_OUTBOXES = weakref.WeakKeyDictionary()


_channel_rate: float | None = CHANNEL_RATE  # what outboxes made from now on keep to


def pace_channels(rate: float | None) -> None:
    """Messages a second each channel's queue keeps to (SLACK_CHANNEL_RATE), for the outboxes
    made from now on; None: unpaced (only Slack's Retry-After rests a channel)."""
    global _channel_rate
    _channel_rate = rate


def outbox_for(client: AsyncWebClient) -> Outbox:
    """The outbox of `client`'s workspace (its token) in this event loop: Bolt makes a client per
    request, and every one of them must queue in the same place."""
    boxes = _OUTBOXES.setdefault(asyncio.get_running_loop(), {})
    key = (client.base_url, client.token or "")
    if key not in boxes:
        boxes[key] = Outbox(rate=_channel_rate)
    return boxes[key]


async def drain_outboxes() -> None:
    """Every outbox of this event loop, emptied (before the process lets go of Slack)."""
    for outbox in list(_OUTBOXES.get(asyncio.get_running_loop(), {}).values()):
        await outbox.drained()
