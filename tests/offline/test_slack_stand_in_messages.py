"""The Slack stand-in's identity, directory, conversations and messages, driven by
slack-sdk's real client over a real socket."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.offline.slack import (
    BOT_ID,
    BOT_USER_ID,
    DEFAULT_AGENT_ID,
    DEFAULT_CHANNEL_ID,
    TEAM_ID,
    SlackStandIn,
)
from tests.offline.slack_stand_in_kit import client, refusal, section, slack

__all__ = ["client", "slack"]  # the fixtures, from slack_stand_in_kit


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


async def test_a_channel_limit_refuses_posts_past_it_with_a_retry_after() -> None:
    """Off by default; on, a channel takes `burst` posts at once, then about `rate` a second,
    and answers the rest 429 `ratelimited` with Retry-After, as Slack does. Other channels
    count apart."""
    async with SlackStandIn(channel_rate=1.0, channel_burst=2) as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
        for n in range(2):
            await client.chat_postMessage(channel=DEFAULT_CHANNEL_ID, text=f"news {n}")
        refused = await refusal(client.chat_postMessage(channel=DEFAULT_CHANNEL_ID, text="more"))
        await client.chat_postMessage(channel="C0ELSEWHERE", text="another channel")
        slack.limit_channels(None)
        await client.chat_postMessage(channel=DEFAULT_CHANNEL_ID, text="limit off")
    assert refused.response.status_code == 429
    assert refused.response["error"] == "ratelimited"
    headers = {name.lower(): value for name, value in refused.response.headers.items()}
    assert headers["retry-after"] in ("1", ["1"])
    assert [call.status for call in slack.calls] == [200, 200, 429, 200, 200]
    assert [m.text for m in slack.messages(DEFAULT_CHANNEL_ID)] == ["news 0", "news 1", "limit off"]
