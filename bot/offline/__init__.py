"""The whole bot on 127.0.0.1, for people with no Slack app and no Propexo key: a stand-in for
Slack's Web API, a simulator of Propexo's, an agent playing Slack's side, the runner, the console.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.offline.agent import SlackAgent, SocketModeAgent
    from bot.offline.loop_thread import LoopThread
    from bot.offline.runner import RunningBot, offline_settings, running_bot
    from bot.offline.slack import SlackStandIn

# Loaded when first used: the Propexo simulator needs only the loop thread, not Slack's app.
_EXPORTS = {
    "LoopThread": "bot.offline.loop_thread",
    "RunningBot": "bot.offline.runner",
    "SlackAgent": "bot.offline.agent",
    "SlackStandIn": "bot.offline.slack",
    "SocketModeAgent": "bot.offline.agent",
    "offline_settings": "bot.offline.runner",
    "running_bot": "bot.offline.runner",
}

__all__ = [
    "LoopThread",
    "RunningBot",
    "SlackAgent",
    "SlackStandIn",
    "SocketModeAgent",
    "offline_settings",
    "running_bot",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
