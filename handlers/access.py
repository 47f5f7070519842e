"""A global middleware that holds every Slack request to the allow-lists before any listener runs.

A refusal is answered the way its kind of request can be answered (an ephemeral line for /tour,
a small view for a submission, no options for a select), never with silence or a traceback.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.access import LOOKUP_DEADLINE, AccessPolicy, Decision, MemberLookup
from handlers.modals import ReplyTo, tell_agent

logger = logging.getLogger(__name__)

REFUSED_VIEW = "tourbot_not_allowed"
SHOWN_AT_MOST = 5  # channels or groups a refusal names; past that, "or N more"

Kind = Literal["command", "shortcut", "event", "action", "submission", "closed", "options", "other"]


KnownThread = Callable[[str, str], Awaitable[bool]]
"""Whether Tourbot keeps a booking or a conversation in the thread (channel id, thread ts)."""


@dataclass(frozen=True)
class SlackRequest:
    """Who sent a request, and which channel the allow-list judges it by (None: no channel).
    `dm_thread` is the DM thread a message was posted in: judged by nothing when the thread is
    one Tourbot keeps, by its DM otherwise."""

    kind: Kind
    user_id: str | None
    channel_id: str | None
    body: Mapping[str, Any]
    dm_thread: tuple[str, str] | None = None


def register(app: AsyncApp, policy: AccessPolicy, known_thread: KnownThread | None = None) -> None:
    """Check every request against `policy` (a no-op when it restricts nothing)."""
    if not policy.restricted:
        return
    background: set[asyncio.Task[None]] = set()  # kept, so no task is collected mid-way

    def later(work: Awaitable[object]) -> None:
        async def run() -> None:
            try:
                await work
            except Exception as exc:  # telling the agent is best effort; the ack already went
                logger.warning("could not tell an agent they were refused: %s", exc)

        task = asyncio.create_task(run())
        background.add(task)
        task.add_done_callback(background.discard)

    async def check_access(
        body: dict[str, Any],
        ack: AsyncAck,
        client: AsyncWebClient,
        context: AsyncBoltContext,
        next: Callable[[], Awaitable[None]],
    ) -> BoltResponse | None:
        try:
            request = slack_request(body, user_id=context.user_id)
            decision = None
            if request.dm_thread and known_thread:
                # Bounded like the group lookup: a stalled store must not hold Slack's ack.
                try:
                    kept = await asyncio.wait_for(known_thread(*request.dm_thread), LOOKUP_DEADLINE)
                except TimeoutError:
                    logger.warning("the store did not say within %.1f s whose DM thread this is",
                                   LOOKUP_DEADLINE)  # fmt: skip
                    decision = Decision("unavailable")
                else:
                    if kept:
                        request = replace(request, channel_id=None)  # carries on, as allowed
            if decision is None:
                decision = await policy.check(request.user_id, request.channel_id)
        except Exception:  # a bug or an odd payload must not open the door, nor leave Slack waiting
            logger.exception("access check failed; refusing")
            request = SlackRequest("other", context.user_id, None, body)
            decision = Decision("unavailable")
        if decision.allowed:
            await next()
            return None
        logger.info(
            "refused a %s from %s in %s: %s",
            request.kind,
            request.user_id,
            request.channel_id,
            decision.refusal,
        )
        return await refuse(request, decision, policy, ack, client, later)

    app.middleware(check_access)


def member_lookup(client: AsyncWebClient) -> MemberLookup:
    """User group members from Slack's usergroups.users.list (scope usergroups:read)."""

    async def members(usergroup: str) -> Collection[str]:
        answer = await client.usergroups_users_list(usergroup=usergroup)
        users = answer.get("users")
        return [str(user) for user in users] if isinstance(users, list) else []

    return members


def slack_request(body: Mapping[str, Any], *, user_id: str | None = None) -> SlackRequest:
    """What kind of request `body` is, and the channel it is judged by.

    Requests that start something (/tour, a shortcut, a mention, a DM) are judged by where they
    were made. Those that carry on (a submission, a button, a select's options) are judged by
    where their modal was opened, as its private_metadata records; a button in the bot's own DM
    thread (where a booking goes when the bot cannot post in the channel) by nothing.
    """
    kind = body.get("type")
    user = _id(body.get("user")) or user_id
    if "command" in body:
        return SlackRequest(
            "command", body.get("user_id") or user, body.get("channel_id") or "", body
        )
    if kind in ("shortcut", "message_action"):
        return SlackRequest("shortcut", user, _id(body.get("channel")) or "", body)
    if kind == "event_callback":
        return _event_request(body)
    view = body.get("view") if isinstance(body.get("view"), Mapping) else None
    if kind == "block_actions":
        container = body.get("container") or {}
        if container.get("type") == "view" or view is not None:
            return SlackRequest("action", user, _modal_channel(view), body)
        channel = _id(body.get("channel"))
        return SlackRequest("action", user, None if _is_dm(channel) else channel or "", body)
    kinds: dict[str, Kind] = {
        "view_submission": "submission",
        "view_closed": "closed",
        "block_suggestion": "options",
    }
    return SlackRequest(kinds.get(str(kind), "other"), user, _modal_channel(view), body)


def _event_request(body: Mapping[str, Any]) -> SlackRequest:
    event = body.get("event") or {}
    user = event.get("user") if isinstance(event.get("user"), str) else None
    channel = event.get("channel") if isinstance(event.get("channel"), str) else None
    if event.get("type") == "app_home_opened":
        channel = None  # the App Home is no channel
    elif channel and _is_dm(channel) and isinstance(event.get("thread_ts"), str):
        # A reply in a DM thread: free only in a thread Tourbot keeps (the middleware asks).
        return SlackRequest("event", user, channel, body, dm_thread=(channel, event["thread_ts"]))
    return SlackRequest("event", user, channel, body)


async def refuse(
    request: SlackRequest,
    decision: Decision,
    policy: AccessPolicy,
    ack: AsyncAck,
    client: AsyncWebClient,
    later: Callable[[Awaitable[object]], None],
) -> BoltResponse:
    """Acknowledge a refused request with the answer its kind allows, and say why."""
    text = refusal_text(decision, policy)
    body = request.body
    if request.kind == "command":
        return await ack(text=text, response_type="ephemeral")
    if request.kind == "options":
        return await ack(options=[])
    if request.kind == "submission":
        first_input = _first_input(body.get("view") or {})
        if decision.refusal == "unavailable" and first_input:
            # Worth another try in a moment: keep what the agent typed.
            return await ack(response_action="errors", errors={first_input: text})
        return await ack(response_action="update", view=refused_view(text))
    response = await ack()
    if request.kind == "shortcut" and body.get("trigger_id"):
        later(_show_refusal(client, body, text))
    elif request.kind == "action":
        later(_tell_about_action(client, request, decision, text))
    elif request.kind == "event" and _speaks_to_bot(body.get("event") or {}):
        event = body["event"]
        later(client.chat_postEphemeral(channel=event["channel"], user=event["user"], text=text))
    return response


async def _show_refusal(client: AsyncWebClient, body: Mapping[str, Any], text: str) -> None:
    """A refused shortcut's reason in a small view; if Slack won't open one, as a note."""
    try:
        await client.views_open(trigger_id=body["trigger_id"], view=refused_view(text))
    except SlackApiError as exc:
        logger.info("views.open for a refusal failed: %s", exc.response.get("error"))
        await tell_agent(client, ReplyTo.of_click(body), text)


async def _tell_about_action(
    client: AsyncWebClient, request: SlackRequest, decision: Decision, text: str
) -> None:
    body = request.body
    view = body.get("view")
    if isinstance(view, Mapping) and view.get("id"):
        if decision.refusal != "unavailable":  # else the submission says it, form intact
            await client.views_update(view_id=view["id"], view=refused_view(text))
        return
    if body.get("response_url"):
        await AsyncWebhookClient(body["response_url"]).send(
            text=text, response_type="ephemeral", replace_original=False
        )
    elif request.channel_id and request.user_id:
        await client.chat_postEphemeral(channel=request.channel_id, user=request.user_id, text=text)


def refusal_text(decision: Decision, policy: AccessPolicy) -> str:
    """Why, in one or two sentences, with where the bot can be used or who can use it."""
    if decision.refusal == "channel":
        return (
            "Tourbot isn't set up for this channel. Ask your admin, or use it in "
            f"{_one_of([f'<#{c}>' for c in policy.channels], SHOWN_AT_MOST)}."
        )
    if decision.refusal == "usergroup":
        groups = _one_of([f"<!subteam^{g}>" for g in policy.usergroups], SHOWN_AT_MOST)
        return f"Tourbot is only for members of {groups}. Ask your admin to add you."
    return "Tourbot can't check who may use it right now. Try again in a minute."


def refused_view(text: str) -> View:
    """The small modal a refused submission or shortcut shows instead of the form."""
    return View(
        type="modal",
        callback_id=REFUSED_VIEW,
        title="Tourbot",
        close="Close",
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )


def _one_of(items: Sequence[str], shown: int) -> str:
    if len(items) > shown:
        return ", ".join(items[:shown]) + f" or {len(items) - shown} more"
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _speaks_to_bot(event: Mapping[str, Any]) -> bool:
    """A mention, or a DM to the bot (in a thread too): worth an answer. Other channel chatter
    is not."""
    if not (isinstance(event.get("channel"), str) and isinstance(event.get("user"), str)):
        return False
    if event.get("type") == "app_mention":
        return True
    return (
        event.get("type") == "message"
        and event.get("channel_type") == "im"
        and not event.get("subtype")
    )


def _modal_channel(view: Mapping[str, Any] | None) -> str | None:
    """The channel a modal was opened from, as its private_metadata records it."""
    if view is None:
        return None
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    channel = metadata.get("channel_id") if isinstance(metadata, dict) else None
    return channel if isinstance(channel, str) and channel else None


def _first_input(view: Mapping[str, Any]) -> str | None:
    for block in view.get("blocks") or []:
        if isinstance(block, Mapping) and block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


def _id(node: object) -> str | None:
    if isinstance(node, Mapping) and isinstance(node.get("id"), str):
        return str(node["id"])
    return None


def _is_dm(channel_id: str | None) -> bool:
    return bool(channel_id and channel_id.startswith("D"))
