"""The Slack stand-in's views: triggers, hashes, the view stack, Slack's checks of a
view's blocks, and answers to submissions, driven by slack-sdk's real client."""

from __future__ import annotations

import json

import pytest
from slack_sdk.models.blocks import (
    InputBlock,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.offline.slack import (
    DEFAULT_AGENT_ID,
    InvalidViewResponse,
    SlackStandIn,
    check_blocks,
    check_view,
)
from tests.offline.slack_stand_in_kit import Json, client, modal, refusal, section, slack

__all__ = ["client", "slack"]  # the fixtures, from slack_stand_in_kit


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
