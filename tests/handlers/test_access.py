"""Who may use Tourbot: the allow-list decisions (no Slack), then the refusals an agent sees
through the real server, for every kind of request, and what a slow or failing lookup does."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Collection
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.access import AccessPolicy, Decision
from bot.offline.agent import SlackAgent
from bot.offline.propexo import SimulatorServer
from bot.offline.slack import DEFAULT_AGENT_ID, DEFAULT_CHANNEL_ID, SlackStandIn
from bot.store.dialogues import NewDialogue
from handlers.access import slack_request
from tests.harness import SIGNING_SECRET, RunningBot, manifest_scopes, running_bot

GROUP, OTHER_GROUP = "S0LEASING", "S0MANAGERS"
OUTSIDER = "U0OUTSIDER"


class FakeGroups:
    """A user group lookup that counts its calls, and can be slow or broken."""

    def __init__(self, groups: dict[str, set[str]], *, delay: float = 0.0) -> None:
        self.groups = groups
        self.delay = delay
        self.fail: Exception | None = None
        self.calls: list[str] = []

    async def __call__(self, group: str) -> Collection[str]:
        self.calls.append(group)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail is not None:
            raise self.fail
        return self.groups.get(group, set())


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# -- the decision --------------------------------------------------------------------------------


async def test_empty_lists_let_everyone_in_without_a_lookup() -> None:
    groups = FakeGroups({})
    policy = AccessPolicy(lookup=groups)
    assert not policy.restricted
    assert await policy.check("U1", "C1") == Decision()
    assert await policy.check(None, None) == Decision()
    assert groups.calls == []


async def test_channels() -> None:
    policy = AccessPolicy(channels=["C0LEASING", "C0TOURS"])
    assert (await policy.check("U1", "C0TOURS")).allowed
    assert await policy.check("U1", "C0RANDOM") == Decision("channel")
    assert await policy.check("U1", "") == Decision("channel")  # a start with no channel
    assert (await policy.check("U1", None)).allowed  # nothing to judge by: groups decide


async def test_usergroups_any_one_is_enough() -> None:
    groups = FakeGroups({GROUP: {"U1"}, OTHER_GROUP: {"U2"}})
    policy = AccessPolicy(usergroups=[GROUP, OTHER_GROUP], lookup=groups)
    assert (await policy.check("U1", "C1")).allowed
    assert (await policy.check("U2", "C1")).allowed
    assert await policy.check("U3", "C1") == Decision("usergroup")
    assert await policy.check(None, "C1") == Decision("usergroup")
    assert sorted(groups.calls) == [GROUP, OTHER_GROUP]  # each looked up once, then cached


async def test_the_channel_is_judged_before_any_lookup() -> None:
    groups = FakeGroups({GROUP: {"U1"}})
    policy = AccessPolicy(channels=["C1"], usergroups=[GROUP], lookup=groups)
    assert await policy.check("U1", "C2") == Decision("channel")
    assert groups.calls == []
    assert (await policy.check("U1", "C1")).allowed


async def test_members_are_cached_for_the_ttl_then_looked_up_again() -> None:
    clock = Clock()
    groups = FakeGroups({GROUP: {"U1"}})
    policy = AccessPolicy(usergroups=[GROUP], lookup=groups, ttl=300, clock=clock)
    assert (await policy.check("U1", None)).allowed
    clock.now += 299
    groups.groups[GROUP] = set()  # U1 removed from the group in Slack
    assert (await policy.check("U1", None)).allowed
    clock.now += 2
    assert await policy.check("U1", None) == Decision("usergroup")
    assert groups.calls == [GROUP, GROUP]


async def test_a_slow_lookup_answers_unavailable_within_the_deadline_and_warms_the_cache() -> None:
    groups = FakeGroups({GROUP: {"U1"}}, delay=0.3)
    policy = AccessPolicy(usergroups=[GROUP], lookup=groups, deadline=0.05)
    started = time.monotonic()
    assert await policy.check("U1", None) == Decision("unavailable")
    assert time.monotonic() - started < 0.2
    await asyncio.sleep(0.4)  # the lookup carried on after the deadline
    assert (await policy.check("U1", None)).allowed
    assert groups.calls == [GROUP]


async def test_a_member_of_a_quick_group_does_not_wait_for_a_slow_one() -> None:
    quick = FakeGroups({GROUP: {"U1"}})
    slow = FakeGroups({OTHER_GROUP: {"U2"}}, delay=0.5)

    async def lookup(group: str) -> Collection[str]:
        return await (quick if group == GROUP else slow)(group)

    policy = AccessPolicy(usergroups=[OTHER_GROUP, GROUP], lookup=lookup, deadline=2.0)
    started = time.monotonic()
    assert (await policy.check("U1", None)).allowed
    assert time.monotonic() - started < 0.3
    assert (await policy.check("U2", None)).allowed  # the slow lookup went on and finished


async def test_checks_at_the_same_time_share_one_lookup() -> None:
    groups = FakeGroups({GROUP: {"U1"}}, delay=0.05)
    policy = AccessPolicy(usergroups=[GROUP], lookup=groups)
    decisions = await asyncio.gather(*(policy.check("U1", None) for _ in range(20)))
    assert all(d.allowed for d in decisions)
    assert groups.calls == [GROUP]


async def test_a_failed_lookup_falls_back_to_the_last_members_known(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = Clock()
    groups = FakeGroups({GROUP: {"U1"}})
    policy = AccessPolicy(
        usergroups=[GROUP],
        lookup=groups,
        ttl=300,
        stale_for=3600,
        retry_after_failure=10,
        clock=clock,
    )
    assert (await policy.check("U1", None)).allowed
    groups.fail = RuntimeError("ratelimited")
    clock.now += 600
    assert (await policy.check("U1", None)).allowed  # stale, but known
    assert await policy.check("U2", None) == Decision("usergroup")
    assert groups.calls == [GROUP, GROUP]  # no retry within 10 s of a failure
    assert "could not look up the members of S0LEASING: ratelimited" in caplog.text
    clock.now += 3600
    assert await policy.check("U1", None) == Decision("unavailable")  # too old to trust


async def test_a_lookup_that_always_fails_is_unavailable_not_a_crash() -> None:
    groups = FakeGroups({})
    groups.fail = ConnectionError("no route")
    policy = AccessPolicy(usergroups=[GROUP], lookup=groups)
    assert await policy.check("U1", "C1") == Decision("unavailable")
    assert await AccessPolicy(usergroups=[GROUP]).check("U1", "C1") == Decision("unavailable")


def test_ids_that_look_wrong_are_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    AccessPolicy(channels=["#leasing", "C0LEASING"], usergroups=["@agents"])
    assert "'#leasing', not a channel id" in caplog.text
    assert "'@agents', not a group id" in caplog.text
    assert "C0LEASING" not in caplog.text


# -- which channel a request is judged by ---------------------------------------------------------

MODAL = {"id": "V1", "private_metadata": json.dumps({"channel_id": "C0LEASING", "user_id": "U1"})}
KINDS: list[tuple[str, dict[str, Any], str, str | None]] = [
    ("command", {"command": "/tour", "user_id": "U1", "channel_id": "C9"}, "command", "C9"),
    ("command in no channel", {"command": "/tour", "user_id": "U1"}, "command", ""),
    ("message shortcut", {"type": "message_action", "user": {"id": "U1"},
                          "channel": {"id": "C9"}}, "shortcut", "C9"),
    ("mention", {"type": "event_callback", "event": {"type": "app_mention", "user": "U1",
                                                     "channel": "C9"}}, "event", "C9"),
    ("new DM", {"type": "event_callback", "event": {"type": "message", "user": "U1",
                                                    "channel": "D9", "channel_type": "im"}},
     "event", "D9"),
    # Judged by its DM unless the thread is one Tourbot keeps (asked by the middleware).
    ("reply in a DM thread", {"type": "event_callback", "event": {
        "type": "message", "user": "U1", "channel": "D9", "thread_ts": "1.0"}}, "event", "D9"),
    ("App Home", {"type": "event_callback", "event": {"type": "app_home_opened", "user": "U1",
                                                      "channel": "D9"}}, "event", None),
    ("button in a channel", {"type": "block_actions", "user": {"id": "U1"},
                             "container": {"type": "message"}, "channel": {"id": "C9"}},
     "action", "C9"),
    ("button in the bot's DM", {"type": "block_actions", "user": {"id": "U1"},
                                "container": {"type": "message"}, "channel": {"id": "D9"}},
     "action", None),
    ("typing in a modal", {"type": "block_actions", "user": {"id": "U1"},
                           "container": {"type": "view"}, "view": MODAL}, "action", "C0LEASING"),
    ("submission", {"type": "view_submission", "user": {"id": "U1"}, "view": MODAL},
     "submission", "C0LEASING"),
    ("submission of a modal with no context", {"type": "view_submission", "user": {"id": "U1"},
                                               "view": {"private_metadata": "not json"}},
     "submission", None),
    ("options", {"type": "block_suggestion", "user": {"id": "U1"}, "view": MODAL}, "options",
     "C0LEASING"),
    ("closed", {"type": "view_closed", "user": {"id": "U1"}, "view": MODAL}, "closed", "C0LEASING"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("body", "kind", "channel"), [k[1:] for k in KINDS], ids=[k[0] for k in KINDS]
)
def test_each_request_is_judged_by_where_its_work_started(
    body: dict[str, Any], kind: str, channel: str | None
) -> None:
    request = slack_request(body)
    assert (request.kind, request.user_id, request.channel_id) == (kind, "U1", channel)


# -- through the real server ---------------------------------------------------------------------


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn(scopes=manifest_scopes()) as stand_in:
        stand_in.add_user(OUTSIDER, name="olga", real_name="Olga Outsider")
        stand_in.add_channel("C0RANDOM", name="random")
        stand_in.stub("usergroups.users.list", members_of)
        yield stand_in


def members_of(args: dict[str, Any]) -> dict[str, Any]:
    groups = {GROUP: [DEFAULT_AGENT_ID], OTHER_GROUP: ["U0BOSS"]}
    if args.get("usergroup") not in groups:
        return {"ok": False, "error": "no_such_subteam"}
    return {"users": groups[args["usergroup"]]}


@pytest.fixture
async def bot(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> AsyncIterator[RunningBot]:
    async with running_bot(
        slack,
        propexo_sim,
        tmp_path / "tourbot.db",
        allowed_channels="C0LEASING,C0TOURS",
        allowed_usergroups=f"{GROUP},{OTHER_GROUP}",
    ) as running:
        yield running


def outsider(bot: RunningBot) -> SlackAgent:
    return SlackAgent(
        bot.http,
        events_url=bot.agent.events_url,
        signing_secret=SIGNING_SECRET,
        slack=bot.slack,
        user_id=OUTSIDER,
        user_name="olga",
    )


async def open_form(bot: RunningBot) -> str:
    response = await bot.agent.command("Jane Doe jane@example.com tomorrow at 3pm")
    assert response.status_code == 200 and response.text == ""
    [opened] = await bot.slack.wait_for("views.open")
    assert opened.ok, opened.response
    view_id: str = opened.response["view"]["id"]
    return view_id


async def test_tour_in_an_allowed_channel_by_a_member_opens_the_form(bot: RunningBot) -> None:
    await open_form(bot)
    assert [c.args["usergroup"] for c in bot.slack.calls_to("usergroups.users.list")] in (
        [GROUP, OTHER_GROUP],
        [OTHER_GROUP, GROUP],
    )


async def test_tour_elsewhere_gets_a_polite_ephemeral_answer_saying_where(bot: RunningBot) -> None:
    response = await bot.agent.command("Jane tomorrow 3pm", channel_id="C0RANDOM")
    assert response.status_code == 200
    assert response.json() == {
        "text": "Tourbot isn't set up for this channel. Ask your admin, or use it in "
        "<#C0LEASING> or <#C0TOURS>.",
        "response_type": "ephemeral",
    }
    assert bot.slack.calls_to("views.open") == []


async def test_tour_by_someone_outside_the_groups_says_who_may(bot: RunningBot) -> None:
    response = await outsider(bot).command("Jane tomorrow 3pm")
    assert response.json()["text"] == (
        "Tourbot is only for members of <!subteam^S0LEASING> or <!subteam^S0MANAGERS>. "
        "Ask your admin to add you."
    )
    assert bot.slack.calls_to("views.open") == []


async def test_a_slow_lookup_does_not_hold_the_ack(bot: RunningBot) -> None:
    bot.slack.delay("usergroups.users.list", 5, times=None)
    started = time.monotonic()
    response = await bot.agent.command("Jane tomorrow 3pm")
    elapsed = time.monotonic() - started
    assert elapsed < 2.0, elapsed  # Slack's deadline is 3 s
    assert response.json()["text"] == (
        "Tourbot can't check who may use it right now. Try again in a minute."
    )


async def test_a_failing_lookup_is_refused_with_try_again(bot: RunningBot) -> None:
    bot.slack.fail("usergroups.users.list", "ratelimited", times=None)
    response = await bot.agent.command("Jane tomorrow 3pm")
    assert "Try again in a minute" in response.json()["text"]


async def test_a_refused_submission_shows_a_small_view(bot: RunningBot) -> None:
    view_id = await open_form(bot)
    answer = await outsider(bot).submit(view_id)
    assert answer["response_action"] == "update"
    View(**answer["view"]).validate_json()
    shown = json.dumps(answer["view"])
    assert "only for members of" in shown
    assert bot.propexo.state.requests_to("POST", "/crm/v1/appointments/eliseai") == []


async def test_a_submission_from_a_channel_taken_off_the_list_is_refused(bot: RunningBot) -> None:
    view_id = await open_form(bot)
    view = bot.agent.view_json(view_id, {})
    metadata = json.loads(view["private_metadata"])
    assert metadata["channel_id"] == DEFAULT_CHANNEL_ID
    view["private_metadata"] = json.dumps({**metadata, "channel_id": "C0RANDOM"})
    response = await bot.agent.interact(
        {"type": "view_submission", "team": {"id": "T0TOURBOT"}, "user": {"id": DEFAULT_AGENT_ID},
         "view": view}
    )  # fmt: skip
    assert response.status_code == 200
    assert "isn't set up for this channel" in json.dumps(response.json()["view"])


async def test_an_unavailable_check_keeps_the_form_with_an_error_under_an_input(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    # The form was opened before the restart that turned the allow-list on; Slack then fails.
    async with running_bot(slack, propexo_sim, tmp_path / "t.db") as before:
        view_id = await open_form(before)
    slack.fail("usergroups.users.list", "fatal_error", times=None)
    async with running_bot(slack, propexo_sim, tmp_path / "t.db", allowed_usergroups=GROUP) as bot:
        answer = await bot.agent.submit(view_id)
    assert answer["response_action"] == "errors"
    [(block_id, message)] = answer["errors"].items()
    view = slack.view(view_id)
    assert view is not None
    assert block_id == next(b["block_id"] for b in view.blocks if b["type"] == "input")
    assert "Try again in a minute" in message
    assert propexo_sim.state.requests_to("POST", "/crm/v1/appointments/eliseai") == []


async def test_refused_options_are_an_empty_list(bot: RunningBot) -> None:
    view_id = await open_form(bot)
    response = await outsider(bot).suggest(view_id, "prospect", "jane")
    assert response.status_code == 200
    assert response.json() == {"options": []}
    member = await bot.agent.suggest(view_id, "prospect", "jane")
    assert member.json()["options"]


async def test_a_refused_button_is_acked_and_explained_ephemerally(bot: RunningBot) -> None:
    response = await outsider(bot).click(DEFAULT_CHANNEL_ID, "1.000001", "edit_and_retry", "b1")
    assert response.status_code == 200
    [note] = await bot.slack.wait_for("response_url")
    assert note.args["response_type"] == "ephemeral"
    assert "only for members of" in note.args["text"]
    assert note.args["replace_original"] is False


async def test_a_refused_typing_in_the_modal_replaces_it_with_the_reason(bot: RunningBot) -> None:
    view_id = await open_form(bot)
    await bot.slack.wait_for("views.update")  # the agent's zone, after opening
    response = await outsider(bot).type_into(view_id, "tour_time", "fri 2pm")
    assert response.status_code == 200
    updates = await bot.slack.wait_for(
        "views.update", where=lambda call: "only for members" in json.dumps(call.args)
    )
    assert updates[0].ok, updates[0].response


async def test_a_mention_in_another_channel_gets_an_ephemeral_note(bot: RunningBot) -> None:
    response = await bot.agent.event(
        {"type": "app_mention", "channel": "C0RANDOM", "user": DEFAULT_AGENT_ID,
         "text": "<@U0TOURBOT> book Jane", "ts": "1.000002", "event_ts": "1.000002"}
    )  # fmt: skip
    assert response.status_code == 200
    [note] = await bot.slack.wait_for("chat.postEphemeral")
    assert note.args["channel"] == "C0RANDOM" and note.args["user"] == DEFAULT_AGENT_ID
    assert "isn't set up for this channel" in note.args["text"]


async def test_a_dm_thread_the_agent_started_opens_no_door(bot: RunningBot) -> None:
    """The agent's own DM to the bot is refused; replying in its thread (mentioning the bot or
    not) must be refused too, not read as the bot's own thread: no conversation, no booking."""
    dm = bot.slack.dm_channel(DEFAULT_AGENT_ID)
    text = "<@U0TOURBOT> book Jane Doe jane@example.com tomorrow at 3pm"
    for ts, thread_ts in (("1.000010", None), ("1.000011", "1.000010"), ("1.000012", "1.000010")):
        for response in await bot.agent.say(dm, text, ts, thread_ts=thread_ts):
            assert response.status_code == 200
    notes = await bot.slack.wait_for("chat.postEphemeral", count=3)
    assert all("isn't set up for this channel" in n.args["text"] for n in notes)
    await asyncio.sleep(0.2)
    assert bot.slack.calls_to("chat.postMessage") == []
    assert await bot.tourbot.store.dialogues.in_thread(dm, "1.000010") is None


async def test_a_dm_thread_tourbot_keeps_carries_on(bot: RunningBot) -> None:
    """A conversation Tourbot keeps in a DM thread (where it moves when it cannot post in the
    channel) goes on there, whatever the channel list says."""
    dm = bot.slack.dm_channel(DEFAULT_AGENT_ID)
    await bot.tourbot.store.dialogues.start(
        NewDialogue(
            team_id="T0TOURBOT",
            user_id=DEFAULT_AGENT_ID,
            channel_id=dm,
            thread_ts="1.000020",
            form_values={"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com"},
            expires_at=datetime.now(UTC) + timedelta(minutes=30),
        )
    )
    [response] = await bot.agent.say(dm, "tomorrow at 3pm", "1.000021", thread_ts="1.000020")
    assert response.status_code == 200
    [answer] = await bot.slack.wait_for("chat.postMessage")
    assert answer.args["channel"] == dm and answer.args["thread_ts"] == "1.000020"
    assert bot.slack.calls_to("chat.postEphemeral") == []


async def test_other_chatter_in_another_channel_is_ignored_quietly(bot: RunningBot) -> None:
    response = await bot.agent.event(
        {"type": "message", "channel": "C0RANDOM", "channel_type": "channel",
         "user": DEFAULT_AGENT_ID, "text": "lunch?", "ts": "1.000003"}
    )  # fmt: skip
    assert response.status_code == 200
    await asyncio.sleep(0.2)
    assert bot.slack.calls_to("chat.postEphemeral") == []
    assert bot.slack.calls_to("chat.postMessage") == []


def shortcut_in_random(bot: RunningBot) -> dict[str, Any]:
    return {
        "type": "message_action",
        "callback_id": "book_from_message",
        "team": {"id": "T0TOURBOT"},
        "user": {"id": DEFAULT_AGENT_ID},
        "channel": {"id": "C0RANDOM", "name": "random"},
        "message": {"type": "message", "ts": "1.000004", "text": "Jane, tomorrow 3pm"},
        "trigger_id": bot.slack.new_trigger_id(),
        "response_url": bot.slack.new_response_url(),
    }


async def test_a_refused_shortcut_opens_a_small_view(bot: RunningBot) -> None:
    response = await bot.agent.interact(shortcut_in_random(bot))
    assert response.status_code == 200
    [opened] = await bot.slack.wait_for("views.open")
    assert opened.ok, opened.response
    assert "isn't set up for this channel" in json.dumps(opened.args["view"])


async def test_a_refused_shortcut_without_its_view_says_why_in_the_channel(
    bot: RunningBot,
) -> None:
    bot.slack.fail("views.open", "expired_trigger_id")
    response = await bot.agent.interact(shortcut_in_random(bot))
    assert response.status_code == 200
    [note] = await bot.slack.wait_for("chat.postEphemeral")
    assert (note.args["channel"], note.args["user"]) == ("C0RANDOM", DEFAULT_AGENT_ID)
    assert note.args["text"].startswith("Tourbot isn't set up for this channel.")


async def test_no_allow_lists_means_no_lookups(
    slack: SlackStandIn, propexo_sim: SimulatorServer, tmp_path: Path
) -> None:
    async with running_bot(slack, propexo_sim, tmp_path / "t.db") as bot:
        await outsider(bot).command("Jane tomorrow 3pm", channel_id="C0RANDOM")
        await bot.slack.wait_for("views.open")
        assert bot.slack.calls_to("usergroups.users.list") == []


async def test_refusals_are_logged_without_a_traceback(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    await outsider(bot).command("Jane tomorrow 3pm", channel_id="C0RANDOM")
    assert "refused a command from U0OUTSIDER in C0RANDOM: channel" in caplog.text
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
