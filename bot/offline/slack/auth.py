"""Who may call what: the tokens the stand-in accepts, the OAuth scope each method and event
needs, and the auth.test and apps.connections.open methods that answer with the bot's identity."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from bot.offline.slack.arguments import arg_text
from bot.offline.slack.constants import TEAM_NAME, ChannelKind, Json
from bot.offline.slack.socket_mode import SocketMode
from bot.offline.slack.workspace import Refusal, Workspace

# The scope a method needs: one, one per kind of conversation (that of the channel the call
# names), or None. A method missing here (a stub) is not checked.
ScopeNeed = str | Mapping[ChannelKind, str] | None
_READ: Mapping[ChannelKind, str] = {
    "public": "channels:read",
    "private": "groups:read",
    "im": "im:read",
    "mpim": "mpim:read",
}
_HISTORY: Mapping[ChannelKind, str] = {
    "public": "channels:history",
    "private": "groups:history",
    "im": "im:history",
    "mpim": "mpim:history",
}
METHOD_SCOPES: Mapping[str, ScopeNeed] = {
    "api.test": None,
    "auth.test": None,
    "apps.connections.open": None,  # an app-level token's (connections:write): see token_refusal
    "users.info": "users:read",
    "usergroups.users.list": "usergroups:read",
    "conversations.open": "im:write",  # a DM with one person; a group DM would need mpim:write
    "conversations.info": _READ,
    "conversations.join": "channels:join",
    "conversations.history": _HISTORY,
    "conversations.replies": _HISTORY,
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.delete": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.getPermalink": None,
    "views.open": None,
    "views.update": None,
    "views.push": None,
    "views.publish": None,
}
# The scope each event subscription needs (app_home_opened needs none).
EVENT_SCOPES: Mapping[str, str | None] = {
    "app_mention": "app_mentions:read",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "message.mpim": "mpim:history",
    "app_home_opened": None,
}
COMMAND_SCOPE = "commands"  # slash commands and shortcuts


def scopes_of(need: ScopeNeed) -> set[str]:
    """Every scope `need` may ask for."""
    if need is None:
        return set()
    return {need} if isinstance(need, str) else set(need.values())


# Unless told otherwise, every scope the stand-in checks is granted.
DEFAULT_SCOPES = tuple(
    sorted(
        {COMMAND_SCOPE}
        | {scope for need in METHOD_SCOPES.values() for scope in scopes_of(need)}
        | {scope for scope in EVENT_SCOPES.values() if scope}
    )
)


def request_token(request: web.Request, args: Json) -> str | None:
    """The token a call carries: its Authorization header's, else its `token` argument (which is
    taken out of the arguments either way)."""
    token = args.pop("token", None)
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header.removeprefix("Bearer ").strip() or None
    return token if isinstance(token, str) and token else None


class Auth:
    """Token and scope checks for every call, and the methods about the app itself."""

    def __init__(self, workspace: Workspace, sockets: SocketMode) -> None:
        self._workspace = workspace
        self._sockets = sockets

    def token_refusal(self, method: str, token: str) -> str | None:
        """The error Slack answers a call of `method` with `token`, or None if it is accepted."""
        app_level = token.startswith("xapp-")
        expected = self._workspace.app_token if app_level else self._workspace.token
        if expected is not None and token != expected:
            return "invalid_auth"
        if expected is None and not token.startswith(("xapp-", "xoxb-", "xoxp-")):
            return "invalid_auth"
        # An app-level token opens Socket Mode connections and does nothing else, and only it can.
        if app_level != (method == "apps.connections.open"):
            return "not_allowed_token_type"
        return None

    def check_scope(self, method: str, args: Json) -> None:
        """Refuse with `missing_scope` when the app lacks the scope the call needs."""
        need = METHOD_SCOPES.get(method)
        if need is None:
            return
        if isinstance(need, str):
            needed = need
        else:
            channel = self._workspace.channels.get(arg_text(args, "channel") or "")
            needed = need[channel.kind if channel else "public"]
        scopes = self._workspace.scopes
        if needed not in scopes:
            raise Refusal("missing_scope", needed=needed, provided=",".join(scopes))

    def auth_test(self, args: Json) -> Json:
        workspace = self._workspace
        return {
            "url": workspace.workspace_url,
            "team": TEAM_NAME,
            "user": workspace.users[workspace.bot_user_id].name,
            "team_id": workspace.team_id,
            "user_id": workspace.bot_user_id,
            "bot_id": workspace.bot_id,
            "is_enterprise_install": False,
        }

    def apps_connections_open(self, args: Json) -> Json:
        return {"url": self._sockets.connection_url()}
