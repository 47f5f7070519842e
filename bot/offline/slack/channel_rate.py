"""Slack's posting limit per channel, as the stand-in plays it (off unless asked for): about
`rate` messages a second in one channel, with a burst of `burst`; beyond it, HTTP 429
`ratelimited` with a Retry-After header, as Slack answers. Counted when a call arrives."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass

# What counts as posting in a channel. Slack's per-channel limit is chat.postMessage's; edits
# count here too, which is stricter than Slack, so a bot pacing both is checked on both.
LIMITED_METHODS = frozenset({"chat.postMessage", "chat.update"})
DEFAULT_BURST = 4


@dataclass
class _Bucket:
    tokens: float
    at: float


class ChannelRate:
    """Per-channel token buckets; `rate` None: no limit (the default)."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self.rate: float | None = None
        self.burst = DEFAULT_BURST
        self._buckets: dict[str, _Bucket] = {}

    def limit(self, rate: float | None, burst: int = DEFAULT_BURST) -> None:
        if rate is not None and (rate <= 0 or burst < 1):
            raise ValueError("a channel limit needs a positive rate and a burst of at least 1")
        with self._lock:
            self.rate, self.burst = rate, burst
            self._buckets.clear()

    def refusal(self, method: str, channel: object, now: float) -> int | None:
        """Seconds to put in Retry-After when this call is over the limit; None: it may go."""
        with self._lock:
            if self.rate is None or method not in LIMITED_METHODS or not isinstance(channel, str):
                return None
            bucket = self._buckets.setdefault(channel, _Bucket(float(self.burst), now))
            bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate)
            bucket.at = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return None
            # Slack's Retry-After is whole seconds, at least 1.
            return max(1, math.ceil((1 - bucket.tokens) / self.rate))
