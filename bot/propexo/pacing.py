"""Pacing from Propexo's `x-ratelimit-*` headers, so a busy minute slows requests down instead
of failing them."""

from __future__ import annotations


class Pacer:
    """Spreads requests over what is left of the rate window once its budget runs low.

    Propexo only says how much is left (`x-ratelimit-remaining`), not when the window rolls, so
    the window is taken to start when an answer first shows a fresh budget; that is no earlier
    than the server's own start, so the estimate errs towards waiting.
    """

    def __init__(self, window: float, pace_below: float) -> None:
        self.window = window
        self.pace_below = pace_below
        self.limit: int | None = None
        self.remaining: int | None = None  # what the last answer said, less what was sent since
        self._window_start: float | None = None
        self._last_seen: int | None = None

    def observe(self, limit: int | None, remaining: int | None, now: float) -> None:
        if limit is not None:
            self.limit = limit
        if remaining is None:
            return
        stale = self._window_start is None or now - self._window_start >= self.window
        if stale or self._last_seen is None or remaining > self._last_seen:
            self._window_start = now
        self._last_seen = remaining
        self.remaining = remaining

    def exhausted(self, now: float) -> None:
        """A 429: nothing is left until the window rolls."""
        self.observe(None, 0, now)

    def delay(self, now: float) -> float:
        if self.remaining is None or self._window_start is None or not self.limit:
            return 0.0
        left = self._window_start + self.window - now
        if left <= 0:
            return 0.0  # by our estimate the window has rolled; the next answer will tell
        if self.remaining <= 0:
            return left + min(1.0, 0.02 * self.window)
        if self.remaining >= self.pace_below * self.limit:
            return 0.0
        return left / (self.remaining + 1)

    def spend(self) -> None:
        if self.remaining:
            self.remaining -= 1
