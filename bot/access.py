"""Who may use Tourbot, and where: optional allow-lists of channels and of user groups.

Group members come from a lookup the front end supplies, cached for a few minutes; a lookup too
slow for Slack's 3-second deadline falls back to the last members known, or to a refusal that says
why ("unavailable"), never to a wait.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Collection, Iterable
from dataclasses import dataclass
from typing import Literal

from bot.settings import Settings

logger = logging.getLogger(__name__)

MemberLookup = Callable[[str], Awaitable[Collection[str]]]
"""The user ids in a user group (by its id, like S0123), fetched from wherever groups live."""

Refusal = Literal["channel", "usergroup", "unavailable"]

MEMBERS_TTL = 300.0  # seconds a group's members are trusted: how late a removal takes effect
STALE_FOR = 3600.0  # how old a member list may be and still stand in for a failed lookup
LOOKUP_DEADLINE = 1.0  # seconds a request waits for a lookup; Slack wants its ack within 3
RETRY_AFTER_FAILURE = 10.0  # seconds before a failed lookup is tried again

_CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")
_USERGROUP_ID = re.compile(r"S[A-Z0-9]{2,}")


@dataclass(frozen=True)
class Decision:
    """Whether a request may go on; `refusal` says why not."""

    refusal: Refusal | None = None

    @property
    def allowed(self) -> bool:
        return self.refusal is None


ALLOWED = Decision()


@dataclass
class _Members:
    fetched_at: float
    user_ids: frozenset[str]


class AccessPolicy:
    """The allow-lists; empty lists let everyone in. `check` is the one question it answers."""

    def __init__(
        self,
        *,
        channels: Iterable[str] = (),
        usergroups: Iterable[str] = (),
        lookup: MemberLookup | None = None,
        ttl: float = MEMBERS_TTL,
        stale_for: float = STALE_FOR,
        deadline: float = LOOKUP_DEADLINE,
        retry_after_failure: float = RETRY_AFTER_FAILURE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.channels = tuple(dict.fromkeys(channels))
        self.usergroups = tuple(dict.fromkeys(usergroups))
        self._lookup = lookup
        self._ttl, self._stale_for, self._deadline = ttl, stale_for, deadline
        self._retry_after_failure = retry_after_failure
        self._clock = clock
        self._members: dict[str, _Members] = {}
        self._failed_at: dict[str, float] = {}
        self._fetching: dict[str, asyncio.Task[frozenset[str] | None]] = {}
        for channel in self.channels:
            if not _CHANNEL_ID.fullmatch(channel):
                logger.warning("ALLOWED_CHANNELS has %r, not a channel id like C0123", channel)
        for group in self.usergroups:
            if not _USERGROUP_ID.fullmatch(group):
                logger.warning("ALLOWED_USERGROUPS has %r, not a group id like S0123", group)

    @classmethod
    def from_settings(cls, settings: Settings, lookup: MemberLookup | None) -> AccessPolicy:
        return cls(
            channels=settings.allowed_channels,
            usergroups=settings.allowed_usergroups,
            lookup=lookup,
        )

    @property
    def restricted(self) -> bool:
        return bool(self.channels or self.usergroups)

    def channel_allowed(self, channel_id: str | None) -> bool:
        return not self.channels or channel_id in self.channels

    async def check(self, user_id: str | None, channel_id: str | None) -> Decision:
        """May `user_id` use Tourbot in `channel_id`? Pass `channel_id=None` when no channel is
        concerned (an answer in a conversation already allowed). Waits at most the deadline."""
        if channel_id is not None and not self.channel_allowed(channel_id):
            return Decision("channel")
        if not self.usergroups:
            return ALLOWED
        if user_id is None:
            return Decision("usergroup")
        lookups = [asyncio.ensure_future(self._group(group)) for group in self.usergroups]
        unknown = False
        try:
            for found in asyncio.as_completed(lookups):  # the first group that has them will do
                members = await found
                if members is not None and user_id in members:
                    return ALLOWED
                unknown = unknown or members is None
        finally:
            for lookup in lookups:
                lookup.cancel()  # only the waiting: the lookups themselves are shielded
        return Decision("unavailable" if unknown else "usergroup")

    async def _group(self, group: str) -> frozenset[str] | None:
        """The group's members: cached, fetched within the deadline, or stale; None if unknown."""
        now = self._clock()
        known = self._members.get(group)
        if known is not None and now - known.fetched_at < self._ttl:
            return known.user_ids
        failed = self._failed_at.get(group)
        if failed is None or now - failed >= self._retry_after_failure:
            task = self._fetching.get(group)
            if task is None:
                task = asyncio.create_task(self._fetch(group), name=f"usergroup-{group}")
                self._fetching[group] = task
            try:
                # Shielded: a lookup that outlives the deadline still fills the cache.
                fetched = await asyncio.wait_for(asyncio.shield(task), self._deadline)
            except TimeoutError:
                logger.warning("members of %s not known within %.1f s", group, self._deadline)
            else:
                if fetched is not None:
                    return fetched
        if known is not None and now - known.fetched_at < self._stale_for:
            return known.user_ids
        return None

    async def _fetch(self, group: str) -> frozenset[str] | None:
        try:
            if self._lookup is None:
                raise LookupError("no way to look user groups up was given")
            members = frozenset(await self._lookup(group))
        except Exception as exc:  # any failure is "unknown": the caller decides what that means
            logger.warning("could not look up the members of %s: %s", group, exc)
            self._failed_at[group] = self._clock()
            return None
        finally:
            self._fetching.pop(group, None)
        self._members[group] = _Members(self._clock(), members)
        self._failed_at.pop(group, None)
        return members
