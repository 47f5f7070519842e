"""The tests' and benches' name for `bot.offline.agent`, which plays Slack's side of the HTTP (and
Socket Mode) conversation with the bot (the offline console uses it too)."""

from __future__ import annotations

from bot.offline.agent import APP_ID, SlackAgent, SlackAgentError, SocketModeAgent

__all__ = ["APP_ID", "SlackAgent", "SlackAgentError", "SocketModeAgent"]
