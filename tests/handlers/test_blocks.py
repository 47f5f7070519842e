"""Every view and message the bot builds is one Slack accepts, even with hostile input."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.delivery.steps import Update
from bot.offline.slack import check_blocks, check_view
from bot.settings import DEFAULT_TOUR_TYPES
from bot.store import Booking, BookingState
from bot.time.zones import TourZone
from handlers.blocks import (
    booking_modal,
    booking_modal_dict,
    confirm_modal,
    parent_message,
    preview_text,
    update_message,
    with_preview,
)
from handlers.form_data import form_values

NOW = datetime(2026, 11, 25, 15, tzinfo=UTC)
HOSTILE = "<!channel> *bold* <@U123> & <https://evil.example|click> " + "🏠" * 30 + " مرحبا"
BOOKING = Booking(
    id="b1", request_key="k", state=BookingState.ACCEPTED, created_at=NOW, updated_at=NOW,
    team_id="T1", user_id="U1", channel_id="C1", thread_channel_id=None, thread_ts=None,
    response_url=None, zone="America/New_York", starts_at=NOW,
    summary=f"Tour for {HOSTILE} · Thu, Nov 26, 3:00 PM EST", form_values={}, body={},
    prospect_key=None, job_id=None, appointment_id=None, write_errors=(), last_error=None,
    attempts=0, next_attempt_at=None, outcome=None, outcome_by=None,
)  # fmt: skip
ZONE = TourZone(ZoneInfo("America/Chicago"), "agent")


def valid_view(view: View) -> dict[str, object]:
    shown = view.to_dict()
    assert check_view(shown) == []
    View(**shown).validate_json()
    return shown


def valid_blocks(blocks: list[Block]) -> str:
    shown = [block.to_dict() for block in blocks]
    assert check_blocks(shown) == []
    return json.dumps(shown)


@pytest.mark.parametrize("values", [{}, {"first_name": HOSTILE, "notes": "x" * 1000,
    "community": "cmty_1", "community_label": "C" * 300, "tour_type": "SELF_GUIDED",
    "bedrooms": "4+", "move_in_date": "2027-01-15", "lease_term": "12"}])  # fmt: skip
def test_the_booking_modal(values: dict[str, str]) -> None:
    view = valid_view(
        booking_modal(values, metadata="{}", tour_types=DEFAULT_TOUR_TYPES, zone=ZONE, preview="…")
    )
    blocks = view["blocks"]
    assert isinstance(blocks, list) and len(blocks) <= 100
    assert view["title"] == {"type": "plain_text", "text": "Book a tour", "emoji": True}


@pytest.mark.parametrize("tour_types", [DEFAULT_TOUR_TYPES, ("VIRTUAL",)])
@pytest.mark.parametrize("values", [{}, {"first_name": HOSTILE, "notes": "x" * 1000,
    "community": "cmty_1", "community_label": "C" * 300, "tour_type": "SELF_GUIDED",
    "bedrooms": "4+", "move_in_date": "2027-01-15", "lease_term": "12"}, {"prospect": "p_1",
    "tour_type": "NOT_A_TYPE", "bedrooms": "", "move_in_date": "Jan 15", "tour_time": "at 3",
    "last_name": "Doe", "email": "a@b.c", "phone": "555", "rent_min": "1", "rent_max": "2"},
    {"community": "cmty_2", "bedrooms": "studio", "lease_term": "0"}])  # fmt: skip
def test_the_booking_modal_as_json_is_the_one_slack_sdk_builds(
    values: dict[str, str], tour_types: tuple[str, ...]
) -> None:
    built = booking_modal(
        values, metadata='{"a":1}', tour_types=tour_types, zone=ZONE, preview=HOSTILE
    ).to_dict()
    filled = booking_modal_dict(
        values, metadata='{"a":1}', tour_types=tour_types, zone=ZONE, preview=HOSTILE
    )
    assert filled == built
    assert check_view(filled) == []


@pytest.mark.parametrize(
    ("values", "metadata"),
    [({"move_in_date": "2027-13-45"}, "{}"), ({"community": "c" * 151}, "{}"), ({}, "x" * 3001)],
)
def test_the_booking_modal_as_json_refuses_what_slack_sdk_refuses(
    values: dict[str, str], metadata: str
) -> None:
    with pytest.raises(SlackObjectFormationError):
        booking_modal(
            values, metadata=metadata, tour_types=DEFAULT_TOUR_TYPES, zone=ZONE, preview="…"
        ).to_dict()
    with pytest.raises(SlackObjectFormationError):
        booking_modal_dict(
            values, metadata=metadata, tour_types=DEFAULT_TOUR_TYPES, zone=ZONE, preview="…"
        )


def test_the_preview_update_keeps_the_modal_valid() -> None:
    modal = booking_modal({}, metadata="{}", tour_types=DEFAULT_TOUR_TYPES, zone=ZONE, preview="…")
    text = preview_text("Thu, Nov 26, 3:00 PM CST in your time zone · 21:00 UTC", "ok", None)
    updated = valid_view(with_preview(modal.to_dict(), text, ZONE.note))
    assert text in json.dumps(updated, ensure_ascii=False)


def test_the_confirmation() -> None:
    valid_view(confirm_modal(HOSTILE * 20, "x" * 4000, metadata="{}"))


@pytest.mark.parametrize("state", list(BookingState))
def test_the_parent_message_in_every_state(state: BookingState) -> None:
    text, blocks = parent_message(replace(BOOKING, state=state))
    shown = valid_blocks(blocks)
    assert text
    assert "<!channel>" not in shown and "<@U123>" not in shown  # escaped, never a mention
    assert "&lt;!channel&gt;" in shown


@pytest.mark.parametrize(
    "update",
    [
        Update("submitted", "Submitted to EliseAI."),
        Update("rejected", HOSTILE, details=(HOSTILE,) * 40, can_edit=True),
        Update("failed", "x" * 5000, can_edit=True),
        Update("unknown", "Check EliseAI."),
        Update("waiting", "Propexo is down."),
        Update("pending", "Still pending."),
        Update("confirmed", "Confirmed."),
    ],
)
def test_every_thread_update(update: Update) -> None:
    text, blocks = update_message(BOOKING, update)
    shown = valid_blocks(blocks)
    assert text
    assert ("Edit and retry" in shown) is update.can_edit


@pytest.mark.parametrize(
    ("typed", "picked"),
    [("2", ["2"]), ("studio, 1", ["studio", "1"]), ("2-3", ["2", "3"]), ("4+", ["4+"]), ("", [])],
)
def test_the_bedrooms_are_a_multi_select_with_each_size_picked(
    typed: str, picked: list[str]
) -> None:
    values = {"bedrooms": typed}
    built = booking_modal(
        values, metadata="{}", tour_types=DEFAULT_TOUR_TYPES, zone=ZONE, preview="…"
    )
    filled = booking_modal_dict(
        values, metadata="{}", tour_types=DEFAULT_TOUR_TYPES, zone=ZONE, preview="…"
    )
    assert filled == valid_view(built)
    [element] = [b["element"] for b in filled["blocks"] if b.get("block_id") == "bedrooms"]
    assert element["type"] == "multi_static_select"
    assert [o["value"] for o in element.get("initial_options", [])] == picked


def test_several_picked_sizes_are_one_form_value_in_the_order_picked() -> None:
    def option(value: str, text: str) -> dict[str, object]:
        return {"value": value, "text": {"type": "plain_text", "text": text}}

    state = {"type": "multi_static_select", "selected_options": [option("3", "3 bedrooms"),
        option("studio", "Studio")]}  # fmt: skip
    values = form_values({"state": {"values": {"bedrooms": {"bedrooms": state}}}})
    assert values == {"bedrooms": "3, studio", "bedrooms_label": "3 bedrooms, Studio"}
    empty = {"type": "multi_static_select", "selected_options": []}
    assert form_values({"state": {"values": {"bedrooms": {"bedrooms": empty}}}}) == {}
