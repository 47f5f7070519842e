"""Letting an ack leave before the work that follows it.

In HTTP mode Bolt sends the ack when its runner next looks (every 10 ms); a listener that goes
straight on to build a view keeps the event loop, and under a burst every other request's ack
waits behind that work. Yielding a moment first sends the acks, then does the work.
"""

from __future__ import annotations

import asyncio

ACK_FLUSH = 0.02  # two of Bolt's 10 ms looks; the trigger_id lives about 3 s


async def let_ack_leave() -> None:
    await asyncio.sleep(ACK_FLUSH)
