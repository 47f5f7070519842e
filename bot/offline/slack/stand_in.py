"""`SlackStandIn`, the one object tests, benchmarks and the console use: it assembles the workspace,
the Web API method families, Socket Mode and the server, and routes each method to its family.

    async with SlackStandIn() as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
        await client.chat_postMessage(channel=slack.default_channel, text="hi")
        await slack.wait_for("chat.postMessage")

`with SlackStandIn() as slack:` runs the same server on its own thread, for synchronous callers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, cast

from bot.offline.loop_thread import LoopThread
from bot.offline.slack.auth import DEFAULT_SCOPES, Auth
from bot.offline.slack.calls import CallLog
from bot.offline.slack.channel_rate import DEFAULT_BURST, ChannelRate
from bot.offline.slack.chat import Chat
from bot.offline.slack.constants import (
    ACK_DEADLINE,
    BOT_ID,
    BOT_USER_ID,
    DEFAULT_AGENT_ID,
    DEFAULT_CHANNEL_ID,
    RESPONSE_URL_TTL,
    RESPONSE_URL_USES,
    TEAM_ID,
    TRIGGER_TTL,
    ChannelKind,
    Json,
)
from bot.offline.slack.conversations import Conversations
from bot.offline.slack.faults import Fault, Faults
from bot.offline.slack.records import (
    Call,
    EphemeralMessage,
    PostedMessage,
    SlackChannel,
    SlackUser,
    StandInView,
)
from bot.offline.slack.server import ApiServer
from bot.offline.slack.socket_mode import (
    EnvelopeType,
    SocketAck,
    SocketConnection,
    SocketEnvelope,
    SocketMode,
)
from bot.offline.slack.views import Views
from bot.offline.slack.workspace import Handler, Workspace, dm_channel_id

T = TypeVar("T")


def _routes(
    conversations: Conversations, chat: Chat, views: Views, auth: Auth
) -> Mapping[str, Handler]:
    """Which family answers each Web API method the stand-in knows."""
    return {
        "api.test": lambda args: {"args": dict(args)},
        "apps.connections.open": auth.apps_connections_open,
        "auth.test": auth.auth_test,
        "users.info": conversations.users_info,
        "conversations.open": conversations.open,
        "conversations.info": conversations.info,
        "conversations.join": conversations.join,
        "conversations.history": conversations.history,
        "conversations.replies": conversations.replies,
        "chat.postMessage": chat.post_message,
        "chat.update": chat.update,
        "chat.delete": chat.delete,
        "chat.postEphemeral": chat.post_ephemeral,
        "chat.getPermalink": chat.get_permalink,
        "views.open": views.open,
        "views.update": views.update,
        "views.push": views.push,
        "views.publish": views.publish,
    }


class _OnWorkspace(Generic[T]):
    """An attribute of SlackStandIn kept on its workspace, where the method families read it."""

    def __set_name__(self, owner: type[SlackStandIn], name: str) -> None:
        self._name = name

    def __get__(self, stand_in: SlackStandIn, owner: type[SlackStandIn] | None = None) -> T:
        return cast(T, getattr(stand_in._workspace, self._name))

    def __set__(self, stand_in: SlackStandIn, value: T) -> None:
        setattr(stand_in._workspace, self._name, value)


class SlackStandIn:
    """Slack's Web API on 127.0.0.1, recording every call and answering like Slack.

    `async with SlackStandIn() as slack:` serves from the current event loop (for async tests that
    also run the bot's server); `with SlackStandIn() as slack:` serves from its own thread.

    It starts with a bot user, one agent (`DEFAULT_AGENT_ID`, America/Chicago) and one public
    channel the bot is in (`DEFAULT_CHANNEL_ID`); `seed=False` starts with the bot alone.
    With `strict=False`, an unknown channel id is created on first use as a public channel the
    bot is in; with `strict=True` it is `channel_not_found`. `token` and `app_token` are the bot
    and app-level tokens it accepts (None: any `xoxb-`/`xoxp-`, any `xapp-`). `channel_rate`
    turns on Slack's posting limit per channel (see `limit_channels`); off by default.
    """

    token = _OnWorkspace[str | None]()  # None: any xoxb-/xoxp- token is accepted
    app_token = _OnWorkspace[str | None]()  # None: any xapp- token is accepted
    strict = _OnWorkspace[bool]()
    scopes = _OnWorkspace[list[str]]()
    trigger_ttl = _OnWorkspace[float]()
    team_id = _OnWorkspace[str]()
    bot_user_id = _OnWorkspace[str]()
    bot_id = _OnWorkspace[str]()
    workspace_url = _OnWorkspace[str]()

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str | None = None,
        app_token: str | None = None,
        strict: bool = False,
        seed: bool = True,
        scopes: Sequence[str] = DEFAULT_SCOPES,
        trigger_ttl: float = TRIGGER_TTL,
        team_id: str = TEAM_ID,
        bot_user_id: str = BOT_USER_ID,
        bot_id: str = BOT_ID,
        channel_rate: float | None = None,
        channel_burst: int = DEFAULT_BURST,
    ) -> None:
        self.host, self.port = host, port
        self._workspace = workspace = Workspace(
            token=token,
            app_token=app_token,
            strict=strict,
            scopes=scopes,
            trigger_ttl=trigger_ttl,
            team_id=team_id,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
        )
        self._log = CallLog(workspace.lock)
        self._faults = Faults(workspace.lock)
        self._channel_rate = ChannelRate(workspace.lock)
        self._channel_rate.limit(channel_rate, channel_burst)
        self._conversations = Conversations(workspace)
        self._chat = Chat(workspace)
        self._views = Views(workspace)
        self._sockets = SocketMode(workspace, self._log)
        self._auth = Auth(workspace, self._sockets)
        self._server = ApiServer(
            workspace,
            log=self._log,
            faults=self._faults,
            auth=self._auth,
            chat=self._chat,
            sockets=self._sockets,
            handlers=_routes(self._conversations, self._chat, self._views, self._auth),
            channel_rate=self._channel_rate,
        )
        self._thread: LoopThread[SlackStandIn] | None = None

        self.add_user(bot_user_id, name="tourbot", real_name="Tourbot", is_bot=True)
        if seed:
            self.add_user(DEFAULT_AGENT_ID, name="maria", real_name="Maria Lopez")
            self.add_channel(DEFAULT_CHANNEL_ID, name="leasing-team")

    # -- running -------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The base URL, e.g. `http://127.0.0.1:54321`."""
        return self._workspace.url

    @property
    def api_url(self) -> str:
        """What to pass as `AsyncWebClient(base_url=...)`: `<url>/api/`."""
        return self.url + "/api/"

    @property
    def default_channel(self) -> str:
        return DEFAULT_CHANNEL_ID

    async def start(self) -> Self:
        """Serve from the running event loop."""
        await self._server.start(self.host, self.port)
        return self

    async def stop(self) -> None:
        await self._server.stop()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    def start_in_thread(self) -> Self:
        """Serve from a new thread with its own event loop, for synchronous callers."""
        self._thread = LoopThread("slack-stand-in", self.start, self.stop)
        self._thread.start()
        return self

    def stop_thread(self) -> None:
        if self._thread is not None:
            self._thread.stop()
        self._thread = None

    def __enter__(self) -> Self:
        return self.start_in_thread()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop_thread()

    # -- setting up ----------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str = "",
        tz: str = "America/Chicago",
        tz_offset: int | None = None,
        email: str | None = None,
        is_bot: bool = False,
        deleted: bool = False,
    ) -> SlackUser:
        """Add (or replace) a member of the workspace directory that users.info answers from."""
        user = SlackUser(
            id=user_id,
            name=name or user_id.lower(),
            real_name=real_name,
            tz=tz,
            tz_offset=tz_offset,
            email=email,
            is_bot=is_bot,
            deleted=deleted,
        )
        return self._conversations.add_user(user)

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str | None = None,
        bot_is_member: bool = True,
        kind: ChannelKind = "public",
        user: str | None = None,
    ) -> SlackChannel:
        """Add (or replace) a conversation. A private channel the bot is not in is invisible to it
        (`channel_not_found`, as in Slack); a public one answers `not_in_channel` to posts."""
        channel = SlackChannel(
            id=channel_id,
            name=name or channel_id.lower(),
            kind=kind,
            bot_is_member=bot_is_member,
            user=user,
        )
        return self._conversations.add_channel(channel)

    def add_message(
        self,
        channel: str,
        text: str,
        *,
        user: str = DEFAULT_AGENT_ID,
        thread_ts: str | None = None,
        blocks: list[Json] | None = None,
    ) -> PostedMessage:
        """A message a person wrote (not the bot), e.g. a thread reply the console typed."""
        return self._chat.add_message(channel, text, user=user, thread_ts=thread_ts, blocks=blocks)

    def new_trigger_id(
        self, user: str = DEFAULT_AGENT_ID, *, view_id: str | None = None, age: float = 0.0
    ) -> str:
        """A trigger id as Slack sends with a command or an interaction: single use, valid for
        `trigger_ttl` seconds. `view_id` is the modal the interaction came from (views.push uses
        that stack); `age` makes one that was issued that many seconds ago."""
        return self._views.new_trigger_id(user, view_id=view_id, age=age)

    def new_response_url(
        self,
        *,
        channel: str | None = DEFAULT_CHANNEL_ID,
        user: str | None = DEFAULT_AGENT_ID,
        message_ts: str | None = None,
        thread_ts: str | None = None,
        ttl: float = RESPONSE_URL_TTL,
        uses: int = RESPONSE_URL_USES,
    ) -> str:
        """A response URL as Slack sends with a command or an interaction. `message_ts` is the
        message an interaction came from (what replace_original / delete_original act on)."""
        return self._chat.new_response_url(
            channel=channel,
            user=user,
            message_ts=message_ts,
            thread_ts=thread_ts,
            ttl=ttl,
            uses=uses,
        )

    def stub(self, method: str, answer: Json | Callable[[Json], Json]) -> None:
        """Answer `method` (e.g. one the stand-in does not know) with `answer`, or with what
        `answer(args)` returns; `ok: true` is added when the answer has no `ok`."""
        self._server.stub(method, answer)

    # -- faults --------------------------------------------------------------------------------

    def fail(self, method: str, error: str = "internal_error", *, times: int | None = 1) -> Fault:
        """Answer the next `times` calls of `method` ("*": any) with `{"ok": false, "error": error}`
        (HTTP 200, as Slack does); `times=None`: every call until `clear_faults()`."""
        return self._faults.fail(method, error, times=times)

    def rate_limit(self, method: str, *, retry_after: int = 1, times: int | None = 1) -> Fault:
        """Answer HTTP 429 `{"ok": false, "error": "ratelimited"}` with `Retry-After`."""
        return self._faults.rate_limit(method, retry_after=retry_after, times=times)

    def limit_channels(self, rate: float | None, *, burst: int = DEFAULT_BURST) -> None:
        """Slack's posting limit per channel: about `rate` chat.postMessage/chat.update calls
        a second in one channel, `burst` at once; beyond it HTTP 429 `ratelimited` with a
        Retry-After (whole seconds), as Slack answers. None (the default): no limit."""
        self._channel_rate.limit(rate, burst)

    def server_error(self, method: str, *, status: int = 503, times: int | None = 1) -> Fault:
        """Answer `status` with Slack's HTML error page instead of JSON."""
        return self._faults.server_error(method, status=status, times=times)

    def delay(self, method: str, seconds: float, *, times: int | None = 1) -> Fault:
        """Hold the answer to `method` for `seconds`, then answer normally."""
        return self._faults.delay(method, seconds, times=times)

    def clear_faults(self) -> None:
        self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        return self._faults.snapshot()

    # -- reading state -------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every answered call, in the order answered."""
        return self._log.calls

    def calls_to(self, method: str) -> list[Call]:
        return self._log.calls_to(method)

    def user(self, user_id: str) -> SlackUser | None:
        return self._conversations.user(user_id)

    def channel(self, channel_id: str) -> SlackChannel | None:
        return self._conversations.channel(channel_id)

    def dm_channel(self, user: str) -> str:
        """The id of the bot's DM with `user`, as conversations.open answers it."""
        return dm_channel_id(user)

    def messages(self, channel: str, *, include_replies: bool = False) -> list[PostedMessage]:
        """The channel's messages, oldest first: top-level ones (and broadcast replies), or all."""
        return self._workspace.channel_messages(channel, include_replies=include_replies)

    def message(self, channel: str, ts: str) -> PostedMessage | None:
        return self._chat.message(channel, ts)

    def thread(self, channel: str, ts: str) -> list[PostedMessage]:
        """The replies in the thread whose parent has `ts`, oldest first (the parent excluded)."""
        return self._workspace.thread(channel, ts)

    def ephemerals(
        self, *, channel: str | None = None, user: str | None = None
    ) -> list[EphemeralMessage]:
        return self._chat.ephemerals(channel=channel, user=user)

    @property
    def views(self) -> dict[str, StandInView]:
        """The open modals by view id (App Home tabs are in `homes`)."""
        return self._views.open_views()

    def view(self, view_id: str) -> StandInView | None:
        """A modal or Home tab by id, open or closed."""
        return self._views.view(view_id)

    def view_stack(self, view_id: str) -> list[StandInView]:
        """The open stack `view_id` belongs to, bottom (root) first."""
        return self._views.view_stack(view_id)

    @property
    def homes(self) -> dict[str, StandInView]:
        """Published App Home tabs by user id."""
        return self._views.homes()

    def response_posts(self, url: str | None = None) -> list[Json]:
        """The bodies POSTed to response URLs (or to one of them), in order."""
        return self._log.response_posts(url)

    # -- acting as the person in front of Slack ------------------------------------------------

    def close_view(self, view_id: str) -> None:
        """The agent closes a modal: it and the views pushed on top of it close; closing the
        root closes the whole stack. Later views.update calls on them answer `not_found`."""
        self._views.close_view(view_id)

    def apply_view_response(
        self, view_id: str, answer: Mapping[str, Any] | None
    ) -> StandInView | None:
        """What Slack does with the ack to a submission of `view_id`: none or {} closes it;
        `response_action` "update" replaces it, "push" stacks a view, "clear" closes the stack,
        "errors" keeps it open with the messages. Returns the view now on top, or None.
        Raises InvalidViewResponse where Slack would show the agent a generic failure."""
        return self._views.apply_view_response(view_id, answer)

    # -- waiting -------------------------------------------------------------------------------

    async def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        *,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Wait until at least `count` calls of `method` (matching `where`) have been answered;
        returns all such calls so far. Raises CallsNotArrived after `timeout` seconds."""
        return await self._log.wait_for(method, count, timeout, where)

    def wait_for_blocking(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        *,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """`wait_for` for synchronous callers; the stand-in must run on its own thread."""
        if self._thread is None:
            raise RuntimeError("wait_for_blocking needs the stand-in on its own thread (`with`).")
        return self._log.wait_for_blocking(method, count, timeout, where)

    # -- Socket Mode ---------------------------------------------------------------------------

    @property
    def socket_connections(self) -> list[SocketConnection]:
        """Every websocket the app opened, oldest first."""
        return self._sockets.connections

    @property
    def envelopes(self) -> list[SocketEnvelope]:
        """Every envelope pushed to the app, oldest first, with its ack if one came back."""
        return self._sockets.envelopes

    async def send_envelope(
        self,
        kind: EnvelopeType,
        payload: Json,
        *,
        accepts_response_payload: bool = False,
        retry_attempt: int | None = None,
        retry_reason: str | None = None,
    ) -> str:
        """Push an envelope to the app over its newest connection, as Slack delivers a command,
        an interaction or an event in Socket Mode; returns its envelope_id (see `wait_for_ack`).
        `payload` is shaped exactly as the HTTP body would be. Raises SocketNotConnected."""
        return await self._sockets.send_envelope(
            kind,
            payload,
            accepts_response_payload=accepts_response_payload,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )

    async def disconnect_socket(self, reason: str = "refresh_requested") -> SocketConnection:
        """Ask the app to reconnect, as Slack does every few hours: a `disconnect` message on the
        newest connection, which gets no envelope after it. The app is expected to open a new
        connection and close this one. Raises SocketNotConnected."""
        return await self._sockets.disconnect(reason)

    async def wait_for_connection(self, count: int = 1, timeout: float = 5.0) -> SocketConnection:
        """Wait until the app has opened `count` connections (each greeted with hello); returns
        the last of them. Raises SocketModeTimeout."""
        return await self._sockets.wait_for_connection(count, timeout)

    async def wait_for_ack(self, envelope_id: str, timeout: float = ACK_DEADLINE) -> SocketAck:
        """Wait for the app's ack of an envelope; by default no longer than Slack would.
        Raises SocketModeTimeout."""
        return await self._sockets.wait_for_ack(envelope_id, timeout)
