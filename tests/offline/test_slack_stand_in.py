"""The Slack stand-in, driven by slack-sdk's real clients over real sockets."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.offline.slack import (
    APP_ID,
    BOT_ID,
    BOT_USER_ID,
    DEFAULT_AGENT_ID,
    TEAM_ID,
    CallsNotArrived,
    InvalidViewResponse,
    SlackStandIn,
    SocketNotConnected,
    check_blocks,
    check_view,
)

Json = dict[str, Any]


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn() as stand_in:
        yield stand_in


@pytest.fixture
def client(slack: SlackStandIn) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=slack.api_url)


def modal(*blocks: Json, title: str = "Book a tour", **extra: Any) -> Json:
    view: Json = {"type": "modal", "title": {"type": "plain_text", "text": title}}
    view["blocks"] = list(blocks) or [section("Pick a time")]
    return {**view, **extra}


def section(text: str) -> Json:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


async def refusal(call: Any) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        await call
    return caught.value


# -- identity and directory -------------------------------------------------------------------


async def test_auth_test_names_the_bot_and_team(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    answer = await client.auth_test()
    assert answer["user_id"] == BOT_USER_ID
    assert answer["bot_id"] == BOT_ID
    assert answer["team_id"] == TEAM_ID
    assert answer["url"].startswith("https://")
    assert "chat:write" in answer.headers["x-oauth-scopes"]
    [call] = slack.calls_to("auth.test")
    assert call.token == "xoxb-test"


async def test_tokens_are_checked() -> None:
    async with SlackStandIn(token="xoxb-right") as slack:
        wrong = AsyncWebClient(token="xoxb-wrong", base_url=slack.api_url)
        assert (await refusal(wrong.auth_test())).response["error"] == "invalid_auth"
        anonymous = AsyncWebClient(base_url=slack.api_url)
        assert (await refusal(anonymous.auth_test())).response["error"] == "not_authed"
        right = AsyncWebClient(token="xoxb-right", base_url=slack.api_url)
        assert (await right.auth_test())["ok"]


async def test_users_info_answers_from_the_directory(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    slack.add_user("U0TOKYO01", name="kenji", real_name="Kenji Sato", tz="Asia/Tokyo")
    user = (await client.users_info(user="U0TOKYO01"))["user"]
    assert (user["id"], user["name"], user["real_name"]) == ("U0TOKYO01", "kenji", "Kenji Sato")
    assert (user["tz"], user["tz_offset"]) == ("Asia/Tokyo", 9 * 3600)
    error = await refusal(client.users_info(user="U0NOBODY"))
    assert error.response["error"] == "user_not_found"
    assert error.response.status_code == 200  # Slack answers ok=false with HTTP 200


async def test_missing_scopes_are_refused() -> None:
    async with SlackStandIn(scopes=["chat:write", "commands"]) as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
        error = await refusal(client.users_info(user=DEFAULT_AGENT_ID))
        assert error.response["error"] == "missing_scope"
        assert error.response["needed"] == "users:read"


async def test_unknown_methods_and_stubs(slack: SlackStandIn, client: AsyncWebClient) -> None:
    error = await refusal(client.api_call("reactions.add", json={"name": "eyes"}))
    assert error.response["error"] == "unknown_method"
    slack.stub("reactions.add", {})
    assert (await client.reactions_add(channel="C0LEASING", timestamp="1.2", name="eyes"))["ok"]
    assert slack.calls_to("reactions.add")[-1].args["name"] == "eyes"


# -- conversations and messages ---------------------------------------------------------------


async def test_dm_channels_are_stable_and_always_postable(client: AsyncWebClient) -> None:
    async with SlackStandIn(strict=True) as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
        first = await client.conversations_open(users=DEFAULT_AGENT_ID)
        again = await client.conversations_open(users=[DEFAULT_AGENT_ID])
        dm = first["channel"]["id"]
        assert dm.startswith("D") and dm == again["channel"]["id"] == slack.dm_channel(
            DEFAULT_AGENT_ID
        )
        assert again["already_open"] is True
        posted = await client.chat_postMessage(channel=dm, text="Your tour is booked")
        assert posted["channel"] == dm
        info = (await client.conversations_info(channel=dm))["channel"]
        assert info["is_im"] and info["user"] == DEFAULT_AGENT_ID
        # A user id as the channel posts in the DM, as in Slack.
        by_user = await client.chat_postMessage(channel=DEFAULT_AGENT_ID, text="Reminder")
        assert by_user["channel"] == dm
        assert [m.text for m in slack.messages(dm)] == ["Your tour is booked", "Reminder"]


async def test_threads_keep_their_replies(slack: SlackStandIn, client: AsyncWebClient) -> None:
    channel = slack.default_channel
    parent = await client.chat_postMessage(channel=channel, text="Tour request: 12B")
    first = await client.chat_postMessage(channel=channel, text="Booked", thread_ts=parent["ts"])
    # Replying to a reply lands in the parent's thread.
    await client.chat_postMessage(channel=channel, text="Confirmed", thread_ts=first["ts"])
    await client.chat_postMessage(channel=channel, text="Unrelated")
    assert first["message"]["thread_ts"] == parent["ts"]
    thread = slack.thread(channel, parent["ts"])
    assert [m.text for m in thread] == ["Booked", "Confirmed"]
    assert all(m.thread_ts == parent["ts"] for m in thread)
    assert [m.text for m in slack.messages(channel)] == ["Tour request: 12B", "Unrelated"]
    replies = await client.conversations_replies(channel=channel, ts=parent["ts"])
    assert [m["text"] for m in replies["messages"]] == ["Tour request: 12B", "Booked", "Confirmed"]


async def test_ts_are_unique_and_increasing(slack: SlackStandIn, client: AsyncWebClient) -> None:
    answers = await asyncio.gather(
        *(client.chat_postMessage(channel=slack.default_channel, text=f"#{i}") for i in range(20))
    )
    stamps = [a["ts"] for a in answers]
    assert len(set(stamps)) == 20
    assert all(len(ts.split(".")[1]) == 6 for ts in stamps)
    in_order = [m.ts for m in slack.messages(slack.default_channel)]
    assert in_order == sorted(in_order, key=float) == sorted(in_order)
    assert abs(float(stamps[0]) - time.time()) < 60


async def test_channel_membership_is_enforced(slack: SlackStandIn, client: AsyncWebClient) -> None:
    slack.add_channel("C0OUTSIDE", name="outside", bot_is_member=False)
    slack.add_channel("G0SECRET", name="secret", bot_is_member=False, kind="private")
    error = await refusal(client.chat_postMessage(channel="C0OUTSIDE", text="hi"))
    assert error.response["error"] == "not_in_channel"
    info = (await client.conversations_info(channel="C0OUTSIDE"))["channel"]
    assert info["is_member"] is False and info["is_channel"] is True
    # A private channel the bot is not in is invisible to it.
    error = await refusal(client.chat_postMessage(channel="G0SECRET", text="hi"))
    assert error.response["error"] == "channel_not_found"
    await client.conversations_join(channel="C0OUTSIDE")
    assert (await client.chat_postMessage(channel="C0OUTSIDE", text="hi"))["ok"]
    # Not strict: an unknown channel id is created on first use.
    assert (await client.chat_postMessage(channel="C0NEW", text="hi"))["channel"] == "C0NEW"


async def test_strict_mode_refuses_unknown_channels() -> None:
    async with SlackStandIn(strict=True) as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
        error = await refusal(client.chat_postMessage(channel="C0NOWHERE", text="hi"))
        assert error.response["error"] == "channel_not_found"


async def test_update_ephemeral_and_permalink(slack: SlackStandIn, client: AsyncWebClient) -> None:
    channel = slack.default_channel
    blocks = [section("Tour *Friday 3 pm*")]
    posted = await client.chat_postMessage(channel=channel, text="Tour Friday 3 pm", blocks=blocks)
    updated = await client.chat_update(channel=channel, ts=posted["ts"], text="Tour moved")
    assert updated["ts"] == posted["ts"]
    message = slack.message(channel, posted["ts"])
    assert message is not None
    assert message.text == "Tour moved" and message.blocks == blocks  # omitted blocks are kept
    assert message.edits[0]["text"] == "Tour Friday 3 pm"
    error = await refusal(client.chat_update(channel=channel, ts="1.000001", text="x"))
    assert error.response["error"] == "message_not_found"

    answer = await client.chat_postEphemeral(
        channel=channel, user=DEFAULT_AGENT_ID, text="Only you"
    )
    [ephemeral] = slack.ephemerals(user=DEFAULT_AGENT_ID)
    assert ephemeral.ts == answer["message_ts"] and ephemeral.text == "Only you"

    reply = await client.chat_postMessage(channel=channel, text="r", thread_ts=posted["ts"])
    link = await client.chat_getPermalink(channel=channel, message_ts=reply["ts"])
    assert link["permalink"].endswith(
        f"/archives/{channel}/p{reply['ts'].replace('.', '')}"
        f"?thread_ts={posted['ts']}&cid={channel}"
    )


async def test_form_bodies_are_decoded(slack: SlackStandIn, client: AsyncWebClient) -> None:
    blocks = [section("From a form body")]
    await client.api_call(
        "chat.postMessage",
        data={"channel": slack.default_channel, "text": "t", "blocks": json.dumps(blocks)},
    )
    [call] = slack.calls_to("chat.postMessage")
    assert call.args["blocks"] == blocks
    assert slack.messages(slack.default_channel)[0].blocks == blocks


async def test_broken_message_blocks_are_refused(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    too_long = {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}
    error = await refusal(
        client.chat_postMessage(channel=slack.default_channel, text="t", blocks=[too_long])
    )
    assert error.response["error"] == "invalid_blocks"
    assert error.response["response_metadata"]["messages"] == [
        "[ERROR] must be less than 151 characters [json-pointer:/blocks/0/text/text]"
    ]
    error = await refusal(
        client.chat_postMessage(channel=slack.default_channel, text="t", blocks=[section("x")] * 51)
    )
    assert "no more than 50 items allowed" in error.response["response_metadata"]["messages"][0]
    with pytest.warns(UserWarning, match="`text` argument is missing"):  # slack-sdk warns too
        error = await refusal(client.chat_postMessage(channel=slack.default_channel, text=""))
    assert error.response["error"] == "no_text"
    assert slack.messages(slack.default_channel) == []


# -- views ------------------------------------------------------------------------------------


async def test_views_open_needs_a_fresh_unused_trigger(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    trigger = slack.new_trigger_id()
    opened = await client.views_open(trigger_id=trigger, view=modal(callback_id="book"))
    view = opened["view"]
    assert view["id"].startswith("V") and view["hash"] and view["callback_id"] == "book"
    assert slack.views[view["id"]].title == "Book a tour"

    used = await refusal(client.views_open(trigger_id=trigger, view=modal()))
    assert used.response["error"] == "exchanged_trigger_id"
    stale = await refusal(client.views_open(trigger_id=slack.new_trigger_id(age=3.5), view=modal()))
    assert stale.response["error"] == "expired_trigger_id"
    made_up = await refusal(client.views_open(trigger_id="123.456.abc", view=modal()))
    assert made_up.response["error"] == "invalid_trigger_id"
    assert len(slack.views) == 1


async def test_views_update_honours_the_hash(slack: SlackStandIn, client: AsyncWebClient) -> None:
    opened = (await client.views_open(trigger_id=slack.new_trigger_id(), view=modal()))["view"]
    first = await client.views_update(
        view_id=opened["id"], hash=opened["hash"], view=modal(section("Booking…"))
    )
    assert first["view"]["hash"] != opened["hash"]
    stale = await refusal(
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())
    )
    assert stale.response["error"] == "hash_conflict"
    assert slack.views[opened["id"]].blocks == [section("Booking…")]
    # Without a hash the last writer wins.
    await client.views_update(view_id=opened["id"], view=modal(section("Booked")))
    assert slack.views[opened["id"]].blocks == [section("Booked")]
    # The agent closed it: updates now fail as in Slack.
    slack.close_view(opened["id"])
    gone = await refusal(client.views_update(view_id=opened["id"], view=modal()))
    assert gone.response["error"] == "not_found"


async def test_views_update_by_external_id(slack: SlackStandIn, client: AsyncWebClient) -> None:
    await client.views_open(trigger_id=slack.new_trigger_id(), view=modal(external_id="req-1"))
    updated = await client.views_update(external_id="req-1", view=modal(section("Done")))
    assert updated["view"]["external_id"] == "req-1"
    duplicate = await refusal(
        client.views_open(trigger_id=slack.new_trigger_id(), view=modal(external_id="req-1"))
    )
    assert duplicate.response["error"] == "duplicate_external_id"


async def test_views_push_stops_at_three(slack: SlackStandIn, client: AsyncWebClient) -> None:
    root = (await client.views_open(trigger_id=slack.new_trigger_id(), view=modal()))["view"]
    for _ in range(2):
        pushed = await client.views_push(
            trigger_id=slack.new_trigger_id(view_id=root["id"]), view=modal()
        )
        assert pushed["view"]["root_view_id"] == root["id"]
    error = await refusal(
        client.views_push(trigger_id=slack.new_trigger_id(view_id=root["id"]), view=modal())
    )
    assert error.response["error"] == "push_limit_reached"
    assert len(slack.view_stack(root["id"])) == 3


async def test_views_publish_keeps_one_home_per_user(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    home: Json = {"type": "home", "blocks": [section("Your tours")]}
    first = await client.views_publish(user_id=DEFAULT_AGENT_ID, view=home)
    second = await client.views_publish(
        user_id=DEFAULT_AGENT_ID, view=home, hash=first["view"]["hash"]
    )
    assert second["view"]["id"] == first["view"]["id"]
    stale = await refusal(
        client.views_publish(user_id=DEFAULT_AGENT_ID, view=home, hash=first["view"]["hash"])
    )
    assert stale.response["error"] == "hash_conflict"
    assert slack.homes[DEFAULT_AGENT_ID].blocks == [section("Your tours")]


BROKEN_VIEWS: dict[str, tuple[Json, str]] = {
    "title too long": (modal(title="Schedule a tour for a prospect"), "/view/title/text"),
    "unknown block": (modal({"type": "sektion", "text": "x"}), "/view/blocks/0/type"),
    "text as a string": (modal({"type": "section", "text": "hi"}), "/view/blocks/0/text"),
    "input without submit": (
        modal(
            {
                "type": "input",
                "block_id": "when",
                "label": {"type": "plain_text", "text": "When"},
                "element": {"type": "plain_text_input", "action_id": "when"},
            }
        ),
        "/view/submit",
    ),
    "button in an input": (
        modal(
            {
                "type": "input",
                "label": {"type": "plain_text", "text": "When"},
                "element": {
                    "type": "button",
                    "action_id": "go",
                    "text": {"type": "plain_text", "text": "Go"},
                },
            },
            submit={"type": "plain_text", "text": "Book"},
        ),
        "/view/blocks/0/element/type",
    ),
    "initial option not among the options": (
        modal(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "Unit"},
                "accessory": {
                    "type": "static_select",
                    "action_id": "unit",
                    "options": [{"text": {"type": "plain_text", "text": "12B"}, "value": "12b"}],
                    "initial_option": {
                        "text": {"type": "plain_text", "text": "7A"},
                        "value": "7a",
                    },
                },
            }
        ),
        "/view/blocks/0/accessory/initial_option",
    ),
    "duplicate block ids": (
        modal({**section("a"), "block_id": "b"}, {**section("b"), "block_id": "b"}),
        "/view/blocks/1/block_id",
    ),
    "section over 3000 characters": (modal(section("x" * 3001)), "/view/blocks/0/text/text"),
}


@pytest.mark.parametrize("case", BROKEN_VIEWS, ids=list(BROKEN_VIEWS))
async def test_broken_views_are_refused(
    slack: SlackStandIn, client: AsyncWebClient, case: str
) -> None:
    view, pointer = BROKEN_VIEWS[case]
    trigger = slack.new_trigger_id()
    error = await refusal(client.views_open(trigger_id=trigger, view=view))
    assert error.response["error"] == "invalid_arguments"
    messages = error.response["response_metadata"]["messages"]
    assert any(f"[json-pointer:{pointer}]" in m for m in messages), messages
    # A refused view does not spend the trigger.
    assert (await client.views_open(trigger_id=trigger, view=modal()))["ok"]


def test_views_built_with_slack_sdk_models_pass() -> None:
    unit = Option(text="12B", value="12b")
    view = View(
        type="modal",
        callback_id="book",
        title="Book a tour",
        submit="Book",
        close="Cancel",
        private_metadata=json.dumps({"channel_id": "C0LEASING"}),
        blocks=[
            SectionBlock(
                text="*Unit*",
                accessory=StaticSelectElement(
                    action_id="unit",
                    options=[unit, Option(text="7A", value="7a")],
                    initial_option=unit,
                ),
            ),
            InputBlock(
                block_id="when",
                label="When",
                element=PlainTextInputElement(action_id="when", max_length=200),
            ),
        ],
    )
    assert check_view(view.to_dict()) == []
    assert check_blocks([section("ok")]) == []


def test_a_view_checked_before_is_judged_the_same_whatever_its_metadata() -> None:
    view = modal()
    bad = dict(view, title={"type": "plain_text", "text": "A title far too long for Slack"})
    for metadata in ("{}", "x" * 3000, "x" * 3001, '{"request_id": "r2"}'):
        too_long = len(metadata) > 3000
        assert bool(check_view(dict(view, private_metadata=metadata))) is too_long
        assert check_view(dict(bad, private_metadata=metadata))[-1].endswith("/view/title/text]")
    assert check_view(dict(view, private_metadata=7)) == [
        "[ERROR] must be a string of at most 3000 characters [json-pointer:/view/private_metadata]"
    ]


async def test_submissions_are_answered_like_slack(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    form = modal(
        {
            "type": "input",
            "block_id": "when",
            "label": {"type": "plain_text", "text": "When"},
            "element": {"type": "plain_text_input", "action_id": "when"},
        },
        submit={"type": "plain_text", "text": "Book"},
    )
    view_id = (await client.views_open(trigger_id=slack.new_trigger_id(), view=form))["view"]["id"]
    with pytest.raises(InvalidViewResponse, match="not: time"):
        slack.apply_view_response(
            view_id, {"response_action": "errors", "errors": {"time": "When?"}}
        )
    shown = slack.apply_view_response(
        view_id, {"response_action": "errors", "errors": {"when": "When?"}}
    )
    assert shown is not None and shown.errors == {"when": "When?"}
    progress = slack.apply_view_response(
        view_id, {"response_action": "update", "view": modal(section("Booking…"))}
    )
    assert progress is not None and progress.blocks == [section("Booking…")]
    assert slack.apply_view_response(view_id, None) is None
    error = await refusal(client.views_update(view_id=view_id, view=modal()))
    assert error.response["error"] == "not_found"


# -- response URLs ----------------------------------------------------------------------------


async def test_response_urls_record_posts_and_allow_five(
    slack: SlackStandIn, client: AsyncWebClient
) -> None:
    parent = await client.chat_postMessage(channel=slack.default_channel, text="Request")
    url = slack.new_response_url(message_ts=parent["ts"])
    hook = AsyncWebhookClient(url)
    assert (await hook.send(text="Only you see this")).status_code == 200
    await hook.send(text="Everyone sees this", response_type="in_channel")
    await hook.send_dict({"text": "Request (booked)", "replace_original": True})
    [ephemeral] = slack.ephemerals(user=DEFAULT_AGENT_ID)
    assert ephemeral.via == "response_url"
    texts = [m.text for m in slack.messages(slack.default_channel)]
    assert texts == ["Request (booked)", "Everyone sees this"]
    bad = await hook.send(blocks=[{"type": "header", "text": {"type": "mrkdwn", "text": "x"}}])
    assert bad.status_code == 400 and json.loads(bad.body)["error"] == "invalid_blocks"
    await hook.send(text="fifth")
    used = await hook.send(text="sixth")
    assert used.status_code == 404 and json.loads(used.body)["error"] == "used_url"
    assert [p.get("text") for p in slack.response_posts(url)][:3] == [
        "Only you see this",
        "Everyone sees this",
        "Request (booked)",
    ]
    await slack.wait_for("response_url", count=6)


# -- faults -----------------------------------------------------------------------------------


async def test_a_fault_once_then_ok(slack: SlackStandIn, client: AsyncWebClient) -> None:
    slack.fail("chat.postMessage", "fatal_error")
    error = await refusal(client.chat_postMessage(channel=slack.default_channel, text="a"))
    assert error.response["error"] == "fatal_error" and error.response.status_code == 200
    assert (await client.chat_postMessage(channel=slack.default_channel, text="a"))["ok"]
    slack.fail("*", "team_access_not_granted", times=None)
    for _ in range(3):
        assert (await refusal(client.auth_test())).response["error"] == "team_access_not_granted"
    slack.clear_faults()
    assert (await client.auth_test())["ok"]


async def test_rate_limited_answers(slack: SlackStandIn, client: AsyncWebClient) -> None:
    slack.rate_limit("chat.postMessage", retry_after=30)
    error = await refusal(client.chat_postMessage(channel=slack.default_channel, text="a"))
    # slack-sdk's default handlers only retry connection errors: the 429 reaches the caller.
    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "30"
    assert error.response["error"] == "ratelimited"
    assert slack.messages(slack.default_channel) == []

    slack.rate_limit("chat.postMessage", retry_after=0)
    patient = AsyncWebClient(
        token="xoxb-test",
        base_url=slack.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    assert (await patient.chat_postMessage(channel=slack.default_channel, text="a"))["ok"]
    assert [c.status for c in slack.calls_to("chat.postMessage")] == [429, 429, 200]


async def test_server_errors_and_delays(slack: SlackStandIn, client: AsyncWebClient) -> None:
    slack.server_error("users.info", status=503)
    error = await refusal(client.users_info(user=DEFAULT_AGENT_ID))
    assert error.response.status_code == 503
    slack.delay("auth.test", 0.3)
    started = time.monotonic()
    assert (await client.auth_test())["ok"]
    assert time.monotonic() - started >= 0.3
    # A held answer trips the caller's timeout; stopping the stand-in does not wait for it.
    slack.delay("auth.test", 30)
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(client.auth_test(), 0.2)


# -- waiting and threads ----------------------------------------------------------------------


async def test_wait_for_background_posts(slack: SlackStandIn, client: AsyncWebClient) -> None:
    async def post_later() -> None:
        for text in ("Booking…", "Booked"):
            await asyncio.sleep(0.05)
            await client.chat_postMessage(channel=slack.default_channel, text=text)

    task = asyncio.create_task(post_later())
    calls = await slack.wait_for("chat.postMessage", count=2, timeout=2)
    assert [c.args["text"] for c in calls] == ["Booking…", "Booked"]
    await task
    booked = await slack.wait_for("chat.postMessage", where=lambda c: c.args["text"] == "Booked")
    assert len(booked) == 1
    with pytest.raises(CallsNotArrived, match="2 arrived"):
        await slack.wait_for("chat.postMessage", count=3, timeout=0.05)


def test_runs_on_its_own_thread_for_synchronous_callers() -> None:
    with SlackStandIn() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.api_url)
        assert client.auth_test()["user_id"] == BOT_USER_ID
        client.chat_postMessage(channel=slack.default_channel, text="from a console")
        [call] = slack.wait_for_blocking("chat.postMessage", timeout=1)
        assert call.args["text"] == "from a console"
    with pytest.raises(RuntimeError):
        _ = slack.url


# -- Socket Mode --------------------------------------------------------------------------------


async def test_apps_connections_open_wants_the_app_level_token() -> None:
    async with SlackStandIn(token="xoxb-right", app_token="xapp-right") as slack:
        client = AsyncWebClient(token="xoxb-right", base_url=slack.api_url)
        bot_token = await refusal(client.apps_connections_open(app_token="xoxb-right"))
        assert bot_token.response["error"] == "not_allowed_token_type"
        wrong = await refusal(client.apps_connections_open(app_token="xapp-wrong"))
        assert wrong.response["error"] == "invalid_auth"
        url = (await client.apps_connections_open(app_token="xapp-right"))["url"]
        assert url.startswith(f"ws://127.0.0.1:{slack.url.rsplit(':', 1)[1]}/link/?ticket=")
        app_only = AsyncWebClient(token="xapp-right", base_url=slack.api_url)
        posted = await refusal(app_only.chat_postMessage(channel=slack.default_channel, text="x"))
        assert posted.response["error"] == "not_allowed_token_type"
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.WSServerHandshakeError) as forged:
                await http.ws_connect(url.split("?")[0] + "?ticket=forged")
        assert forged.value.status == 401


async def test_socket_mode_client_is_greeted_acks_and_reconnects(slack: SlackStandIn) -> None:
    with pytest.raises(SocketNotConnected):
        await slack.send_envelope("events_api", {"type": "event_callback"})
    app = SocketModeClient("xapp-test", web_client=AsyncWebClient(base_url=slack.api_url))
    messages: list[Json] = []
    requests: list[SocketModeRequest] = []

    async def on_message(client: Any, message: Json, raw: str | None) -> None:
        messages.append(message)

    async def on_request(client: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        requests.append(request)
        answer = {"text": "On it"} if request.type == "slash_commands" else None
        await client.send_socket_mode_response(SocketModeResponse(request.envelope_id, answer))

    app.message_listeners.append(on_message)
    app.socket_mode_request_listeners.append(on_request)
    try:
        await app.connect()  # type: ignore[no-untyped-call]
        first = await slack.wait_for_connection()
        command = await slack.send_envelope(
            "slash_commands", {"command": "/tour", "text": ""}, accepts_response_payload=True
        )
        ack = await slack.wait_for_ack(command)
        assert (ack.envelope_id, ack.payload, ack.late) == (command, {"text": "On it"}, False)
        hello = messages[0]
        assert hello["type"] == "hello" and hello["connection_info"] == {"app_id": APP_ID}
        assert first.pings >= 1  # slack-sdk pings as it connects; the stand-in pongs

        await slack.disconnect_socket()
        second = await slack.wait_for_connection(2)
        event = await slack.send_envelope(
            "events_api", {"type": "event_callback"}, retry_attempt=0, retry_reason=""
        )
        assert (await slack.wait_for_ack(event)).payload is None
        assert [e.connection_id for e in slack.envelopes] == [first.id, second.id]
        # slack-sdk acts on `disconnect` itself, before any listener sees it.
        kinds = ["hello", "slash_commands", "hello", "events_api"]
        assert [m["type"] for m in messages] == kinds
        assert first.disconnect_reason == "refresh_requested"
        assert first.closed_at is not None and second.is_open
        assert [(r.type, r.accepts_response_payload, r.retry_attempt) for r in requests] == [
            ("slash_commands", True, None),
            ("events_api", False, 0),
        ]
    finally:
        await app.close()  # type: ignore[no-untyped-call]
