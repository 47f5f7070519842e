"""Slack's posting rate for one channel, kept on our side: a token bucket.

Slack documents about one message a second per channel, with short bursts allowed. A post takes
its token when Slack's answer arrives, not when it leaves: Slack counted it on arrival, earlier,
so our count never runs ahead of Slack's, whatever the network's jitter.
"""

from __future__ import annotations

CHANNEL_RATE = 1.0  # messages a second in one channel: Slack's documented posting rate
# Messages a quiet channel takes at once: a booking's whole thread (its message, submitted,
# confirmed, the message's one edit) goes unpaced; Slack allows short bursts.
CHANNEL_BURST = 4


class Pace:
    """How soon the next message may go to one channel; `rate` None: no pace, only Slack's
    Retry-After."""

    def __init__(self, rate: float | None = CHANNEL_RATE, burst: int = CHANNEL_BURST) -> None:
        if (rate is not None and rate <= 0) or burst < 1:
            raise ValueError("a channel's pace needs a positive rate and a burst of at least 1")
        self.rate = rate
        self.burst = burst
        self._tokens = float(burst)
        self._at: float | None = None  # when `_tokens` was counted
        self._resting_until = 0.0  # Slack said "ratelimited": nothing goes before then

    def wait(self, now: float) -> float:
        """Seconds until a message may go (0: now)."""
        tokens = self._tokens_at(now)
        wait = 0.0 if tokens >= 1 or self.rate is None else (1 - tokens) / self.rate
        return max(wait, self._resting_until - now)

    def spent(self, now: float) -> None:
        """A message was answered just now."""
        self._tokens = self._tokens_at(now) - 1
        self._at = now

    def rest(self, now: float, seconds: float) -> None:
        """Slack refused with `Retry-After: seconds`: the channel waits that long, and its
        burst is gone (Slack's count is ahead of ours, e.g. another process posted)."""
        self._resting_until = max(self._resting_until, now + seconds)
        self._tokens = min(self._tokens_at(now), 0.0)
        self._at = now

    def _tokens_at(self, now: float) -> float:
        if self.rate is None:
            return float(self.burst)
        if self._at is None:
            return self._tokens
        return min(float(self.burst), self._tokens + (now - self._at) * self.rate)
