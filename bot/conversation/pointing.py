"""The message a mention points at: "@Tourbot book it for her" right under a pasted lead means
that lead, and a mention in the thread of a forwarded email means that email.

In a thread, the nearest message before the mention that names a prospect (else the thread's
first). In a channel, only a mention that names no prospect looks up, and only a few messages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence

from bot.conversation.answers import Earlier, Heard
from bot.conversation.reading import prospect_given
from bot.understand import read_request

POINTED_AT = 3  # a mention without a prospect looks this many messages back for one
EarlierLookup = Callable[[], Awaitable[list[Earlier]]]  # newest first


async def pointed_at(
    heard: Heard,
    said: Mapping[str, str],
    earlier: EarlierLookup | None,
    communities: Sequence[tuple[str, str]],
) -> Earlier | None:
    """The earlier message the conversation starts from, if the mention points at one."""
    if earlier is None or (heard.thread_ts is None and prospect_given(said)):
        return None
    # Another request to the bot is its own conversation, never the one pointed at.
    found = [e for e in await earlier() if not e.mentions_bot and e.text.strip()]
    look = found if heard.thread_ts else found[:POINTED_AT]
    for message in look:
        if prospect_given(read_request(message.text, communities=communities)):
            return message
    return found[-1] if heard.thread_ts and found else None
