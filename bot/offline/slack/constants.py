"""Who the stand-in's workspace is and the limits Slack enforces: the fixed values every part of
the stand-in (and the tests and the agent that talk to it) agree on."""

from __future__ import annotations

from typing import Any, Literal

Json = dict[str, Any]
ChannelKind = Literal["public", "private", "im", "mpim"]

TEAM_ID = "T0TOURBOT"
TEAM_NAME = "Tourbot Test"
WORKSPACE_URL = "https://tourbot-test.slack.com/"
BOT_USER_ID = "U0TOURBOT"
BOT_ID = "B0TOURBOT"
APP_ID = "A0TOURBOT"
DEFAULT_AGENT_ID = "U0AGENT01"
DEFAULT_CHANNEL_ID = "C0LEASING"
TRIGGER_TTL = 3.0  # seconds a trigger_id can be exchanged, as in Slack
RESPONSE_URL_TTL = 30 * 60.0
RESPONSE_URL_USES = 5
MAX_VIEW_STACK = 3
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT = 40_000
ACK_DEADLINE = 3.0  # seconds Slack waits for an ack before the agent sees an error
SOCKET_PATH = "/link/"  # as in Slack's wss://wss-primary.slack.com/link/?ticket=…&app_id=…
SOCKET_HOST = "applink-stand-in"  # the debug_info host Slack names in hello and disconnect
