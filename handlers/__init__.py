"""The Slack edge: one module per kind of Slack input, each with a `register(app, tourbot)`."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.tourbot import Tourbot
from handlers import actions, commands, conversation, events, options, shortcuts, views
from handlers.outbox import drain_outboxes, pace_channels

__all__ = ["register"]


def register(app: AsyncApp, tourbot: Tourbot) -> None:
    """Wire every listener, explicitly and in one place."""
    pace_channels(tourbot.settings.slack_channel_rate or None)
    for module in (commands, views, actions, options, events, shortcuts, conversation):
        module.register(app, tourbot)
    tourbot.finish_before_closing(drain_outboxes)  # messages still queued for a channel go first
