"""Every view and message Tourbot shows in Slack, built in one place from `slack_sdk.models`.

The same summary looks the same in the modal, the thread and the console. Block ids of the
booking modal's inputs are the form's field keys, so a problem keyed by field goes straight
under its input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import DispatchActionConfig
from slack_sdk.models.views import View

from bot.booking import BEDROOM_CHOICES, FIELD_LABELS, picked_bedrooms, tour_type_label
from bot.booking.appointment import NOTES_MAX
from bot.delivery.steps import WHEN, Update
from bot.store import Booking, BookingState
from bot.time.zones import TourZone
from bot.tourbot import resend_value

BOOKING_MODAL = "book_tour"
CONFIRM_MODAL = "confirm_tour_time"
TIME_PREVIEW = "tour_time_preview"
ZONE_NOTE = "tour_zone_note"
EDIT_AND_RETRY = "edit_and_retry"
SEND_ANYWAY = "send_anyway"
TOURED = "outcome_toured"
NO_SHOW = "outcome_no_show"

BUTTONS = "booking_buttons"
_OUTCOMES = {"COMPLETE": "toured", "NO_SHOW": "no-show"}

# The modal's labels: the form's field names, saying more where a bare name leaves a doubt.
MODAL_LABELS = {
    **FIELD_LABELS,
    "prospect": "Existing prospect",
    "rent_min": "Minimum rent ($/month)",
    "rent_max": "Maximum rent ($/month)",
    "lease_term": f"{FIELD_LABELS['lease_term']} (months)",
}

# Slack's limits: option text 75 characters, section text 3,000.
OPTION_TEXT_MAX = 75
SECTION_MAX = 3000

_STATE_LINES = {
    BookingState.ACCEPTED: ":hourglass_flowing_sand: Accepted, sending to EliseAI…",
    BookingState.SENDING: ":hourglass_flowing_sand: Sending to EliseAI…",
    BookingState.SUBMITTED: ":hourglass_flowing_sand: Submitted, waiting for EliseAI…",
    BookingState.CONFIRMED: ":white_check_mark: Confirmed in EliseAI",
    BookingState.FAILED: ":x: Not booked",
    BookingState.UNKNOWN: ":warning: Outcome unknown: check EliseAI",
}
_UPDATE_ICONS = {
    "submitted": ":outbox_tray:",
    "confirmed": ":white_check_mark:",
    "rejected": ":no_entry:",
    "failed": ":x:",
    "unknown": ":warning:",
    "waiting": ":hourglass:",
    "queued": ":hourglass:",
    "pending": ":hourglass:",
    "resent": ":repeat:",
}


def option(text: str, value: str) -> Option:
    return Option(text=_clip(text, OPTION_TEXT_MAX), value=value)


def booking_modal(
    values: Mapping[str, str],
    *,
    metadata: str,
    tour_types: Sequence[str],
    zone: TourZone,
    preview: str,
) -> View:
    """The booking form, filled with `values` (keyed like the form's fields)."""

    def text_input(
        key: str,
        placeholder: str,
        *,
        hint: str | None = None,
        multiline: bool = False,
        max_length: int | None = None,
        dispatch: bool = False,
    ) -> InputBlock:
        element = PlainTextInputElement(
            action_id=key,
            placeholder=placeholder,
            initial_value=values.get(key) or None,
            multiline=multiline or None,
            max_length=max_length,
            dispatch_action_config=(
                DispatchActionConfig(trigger_actions_on=["on_character_entered"])
                if dispatch
                else None
            ),
        )
        return InputBlock(
            block_id=key,
            label=MODAL_LABELS[key],
            element=element,
            hint=hint,
            optional=key != "tour_time",
            dispatch_action=dispatch or None,
        )

    def select(key: str, choices: Sequence[tuple[str, str]], placeholder: str) -> InputBlock:
        options = [option(label, value) for value, label in choices]
        chosen = next((o for o in options if o.value == values.get(key)), None)
        return InputBlock(
            block_id=key,
            label=MODAL_LABELS[key],
            element=StaticSelectElement(
                action_id=key, placeholder=placeholder, options=options, initial_option=chosen
            ),
            optional=True,
        )

    def multi_select(key: str, choices: Sequence[tuple[str, str]], placeholder: str) -> InputBlock:
        options = [option(label, value) for value, label in choices]
        by_value = {o.value: o for o in options}
        chosen = [by_value[code] for code in _picked(values.get(key)) if code in by_value]
        return InputBlock(
            block_id=key,
            label=MODAL_LABELS[key],
            element=StaticMultiSelectElement(
                action_id=key,
                placeholder=placeholder,
                options=options,
                initial_options=chosen or None,
            ),
            optional=True,
        )

    def external(key: str, placeholder: str, min_query: int, *, dispatch: bool) -> InputBlock:
        chosen = values.get(key)
        initial = option(values.get(f"{key}_label") or chosen, chosen) if chosen else None
        return InputBlock(
            block_id=key,
            label=MODAL_LABELS[key],
            element=ExternalDataSelectElement(
                action_id=key,
                placeholder=placeholder,
                min_query_length=min_query,
                initial_option=initial,
            ),
            optional=True,
            dispatch_action=dispatch or None,
        )

    move_in = values.get("move_in_date")
    blocks: list[Block] = [
        external("community", "Pick a community", 0, dispatch=True),
        external("prospect", "Search by name, email or phone", 2, dispatch=False),
        ContextBlock(elements=[MarkdownTextObject(text="Or, for a new prospect, fill in these:")]),
        text_input("first_name", "Jane"),
        text_input("last_name", "Doe"),
        text_input("email", "jane@example.com"),
        text_input("phone", "+1 555 201 7788"),
        text_input(
            "tour_time",
            "tomorrow at 3pm",
            hint="In words: “fri 2:30pm”, “next tues at 10”, “12/5 at 4”.",
            dispatch=True,
        ),
        ContextBlock(block_id=TIME_PREVIEW, elements=[MarkdownTextObject(text=preview)]),
        ContextBlock(block_id=ZONE_NOTE, elements=[MarkdownTextObject(text=zone.note)]),
        select(
            "tour_type",
            [(value, tour_type_label(value)) for value in tour_types],
            "Pick a tour type",
        ),
        InputBlock(
            block_id="move_in_date",
            label=MODAL_LABELS["move_in_date"],
            element=DatePickerElement(
                action_id="move_in_date",
                initial_date=move_in if move_in and _is_iso_date(move_in) else None,
            ),
            optional=True,
        ),
        multi_select("bedrooms", list(BEDROOM_CHOICES.values()), "Any"),
        text_input("rent_min", "$1,800"),
        text_input("rent_max", "$2,200"),
        InputBlock(
            block_id="lease_term",
            label=MODAL_LABELS["lease_term"],
            element=NumberInputElement(
                action_id="lease_term",
                is_decimal_allowed=False,
                min_value=1,
                max_value=60,
                initial_value=values.get("lease_term") or None,
            ),
            optional=True,
        ),
        text_input("notes", "Anything EliseAI should know", multiline=True, max_length=NOTES_MAX),
    ]
    return View(
        type="modal",
        callback_id=BOOKING_MODAL,
        title="Book a tour",
        submit="Book tour",
        close="Cancel",
        blocks=blocks,
        private_metadata=metadata,
    )


def booking_modal_dict(
    values: Mapping[str, str],
    *,
    metadata: str,
    tour_types: Sequence[str],
    zone: TourZone,
    preview: str,
) -> dict[str, Any]:
    """`booking_modal(...).to_dict()`, filled into a copy of the blank modal that slack_sdk
    checked once per set of tour types: checking the whole view again took most of a /tour's
    CPU. What is filled in is checked as slack_sdk would (options and dates through it)."""
    if len(metadata) > View.private_metadata_max_length:
        raise SlackObjectFormationError(
            f"private_metadata cannot exceed {View.private_metadata_max_length} characters"
        )
    view: dict[str, Any] = json.loads(_blank_booking_modal(tuple(tour_types)))
    view["private_metadata"] = metadata
    for block in view["blocks"]:
        key = block.get("block_id")
        if key == TIME_PREVIEW:
            block["elements"][0]["text"] = preview
        elif key == ZONE_NOTE:
            block["elements"][0]["text"] = zone.note
        elif block["type"] == "input":
            _fill(block["element"], key, values)
    return view


@lru_cache(maxsize=8)
def _blank_booking_modal(tour_types: tuple[str, ...]) -> str:
    blank = TourZone(ZoneInfo("UTC"), "default")
    modal = booking_modal({}, metadata="", tour_types=tour_types, zone=blank, preview="…")
    return json.dumps(modal.to_dict())


def _fill(element: dict[str, Any], key: str, values: Mapping[str, str]) -> None:
    """Set an input's initial value from `values`, as `booking_modal` does."""
    value = values.get(key)
    if not value:
        return
    kind = element["type"]
    if kind in ("plain_text_input", "number_input"):
        element["initial_value"] = value
    elif kind == "static_select":
        chosen = next((o for o in element["options"] if o["value"] == value), None)
        if chosen is not None:
            element["initial_option"] = chosen
    elif kind == "multi_static_select":
        by_value = {o["value"]: o for o in element["options"]}
        if chosen := [by_value[code] for code in _picked(value) if code in by_value]:
            element["initial_options"] = chosen
    elif kind == "external_select":
        element["initial_option"] = option(values.get(f"{key}_label") or value, value).to_dict()
    elif kind == "datepicker" and _is_iso_date(value):
        DatePickerElement(action_id=key, initial_date=value).validate_json()
        element["initial_date"] = value


def _picked(value: str | None) -> list[str]:
    """The option values the bedrooms' multi-select shows picked for a form value ("2, 3", or
    "2-3" as an agent wrote it), in the order given."""
    return picked_bedrooms(value) if value else []


def with_preview(view: Mapping[str, Any], preview: str, zone_note: str | None = None) -> View:
    """The same modal (from a payload's `view`) with a new time preview, for `views.update`."""
    blocks = []
    for block in view.get("blocks", []):
        if block.get("block_id") == TIME_PREVIEW:
            block = ContextBlock(block_id=TIME_PREVIEW, elements=[MarkdownTextObject(text=preview)])
        elif block.get("block_id") == ZONE_NOTE and zone_note:
            block = ContextBlock(block_id=ZONE_NOTE, elements=[MarkdownTextObject(text=zone_note)])
        blocks.append(block)
    return View(
        type="modal",
        callback_id=view.get("callback_id"),
        title=view.get("title"),
        submit=view.get("submit"),
        close=view.get("close"),
        blocks=blocks,
        private_metadata=view.get("private_metadata"),
    )


def confirm_modal(summary: str, reason: str, *, metadata: str) -> View:
    """Asks the agent to confirm a time the resolver would not take on its own."""
    return View(
        type="modal",
        callback_id=CONFIRM_MODAL,
        title="Confirm the time",
        submit="Book at this time",
        close="Back",
        blocks=[
            SectionBlock(text=MarkdownTextObject(text=_clip(f"*{escape(summary)}*", SECTION_MAX))),
            SectionBlock(text=MarkdownTextObject(text=_clip(f":warning: {reason}", SECTION_MAX))),
            ContextBlock(
                elements=[
                    MarkdownTextObject(text="Go *Back* to change the time, or book it as shown.")
                ]
            ),
        ],
        private_metadata=metadata,
    )


def preview_text(description: str, status: str, reason: str | None) -> str:
    """What the modal shows under the tour time as the agent types."""
    if status == "ok":
        return f":calendar: {description}"
    if status == "empty":
        return description
    if status == "confirm":
        return f":warning: {description}\n{reason}"
    return f":grey_question: {reason}"


def parent_message(booking: Booking, *, with_state: bool = True) -> tuple[str, list[Block]]:
    """The channel message a booking's thread hangs from; updated as the booking moves.
    Without its state, it only marks where a booking starts in a thread shown elsewhere."""
    state = f"{_STATE_LINES[booking.state]} · " if with_state else ""
    text = escape(booking.summary)
    if with_state:
        text += f" · {_plain_state(booking.state)}"
    # Until it is confirmed, nobody has booked anything: the agent asked for it.
    booked = with_state and booking.state is BookingState.CONFIRMED
    who = f"{'booked' if booked else 'requested'} by <@{booking.user_id}>"
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=_clip(f"*{escape(booking.summary)}*", 3000))),
        ContextBlock(elements=[MarkdownTextObject(text=f"{state}{who}")]),
    ]
    return text, blocks


def update_message(booking: Booking, update: Update) -> tuple[str, list[Block]]:
    """One reply in a booking's thread."""
    icon = _UPDATE_ICONS[update.kind]
    who = f" <@{update.by}>" if update.by else ""  # markup the bot writes itself
    words = _update_words(update)
    lines = [f"{icon} {words}{who}"]
    lines += [f"• {escape(detail)}" for detail in update.details]
    text = " ".join([words, *(escape(detail) for detail in update.details)])
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=_clip("\n".join(lines), SECTION_MAX)))
    ]
    buttons = []
    if update.can_resend:
        buttons.append(
            ButtonElement(
                text="Send anyway",
                action_id=SEND_ANYWAY,
                value=resend_value(booking),
                style="danger",
                confirm=ConfirmObject(
                    title="Send it again?",
                    text="Only if this tour is not in EliseAI: otherwise it will be booked twice.",
                    confirm="Send anyway",
                    deny="Cancel",
                ),
            )
        )
    if update.can_edit:
        buttons.append(
            ButtonElement(
                text="Edit and retry", action_id=EDIT_AND_RETRY, value=booking.id, style="primary"
            )
        )
    if update.can_record_outcome:
        buttons += [
            ButtonElement(text="Toured", action_id=TOURED, value=booking.id, style="primary"),
            ButtonElement(text="No-show", action_id=NO_SHOW, value=booking.id),
        ]
    if buttons:
        blocks.append(ActionsBlock(block_id=BUTTONS, elements=buttons))
    return text, blocks


def _update_words(update: Update) -> str:
    """The update's text as mrkdwn, with its moment in each reader's own time zone."""
    before, marked, after = update.text.partition(WHEN)
    if update.when is None or not marked:
        return escape(update.text)
    return f"{escape(before)}{_reader_time(update.when)}{escape(after)}"


def _reader_time(moment: datetime) -> str:
    """A time of day as each reader's Slack shows it in their zone; "14:05 UTC" where it can't."""
    return f"<!date^{int(moment.timestamp())}^{{time}}|{moment.astimezone(UTC):%H:%M} UTC>"


def buttons_replaced(message_blocks: list[dict[str, Any]], note: str) -> list[dict[str, Any]]:
    """A thread message with its buttons replaced by a note: who recorded what outcome, and
    when, or who edited and sent a failed booking again."""
    kept = [block for block in message_blocks if block.get("block_id") != BUTTONS]
    note_block = ContextBlock(elements=[MarkdownTextObject(text=note)]).to_dict()
    return [*kept, note_block]


def home_view(upcoming: Sequence[Booking], recent: Sequence[Booking]) -> View:
    """The agent's App Home: their upcoming tours, then the latest ones, with where each stands."""

    def lines(bookings: Sequence[Booking]) -> str:
        if not bookings:
            return "_None._"
        return "\n".join(
            f"{_STATE_LINES[b.state].split(' ', 1)[0]} {escape(b.summary)} · "
            f"{_plain_state(b.state)}" + (f" · {_OUTCOMES.get(b.outcome, '')}" if b.outcome else "")
            for b in bookings
        )

    return View(
        type="home",
        blocks=[
            SectionBlock(text=MarkdownTextObject(text="*Your upcoming tours*")),
            SectionBlock(text=MarkdownTextObject(text=_clip(lines(upcoming), SECTION_MAX))),
            SectionBlock(text=MarkdownTextObject(text="*Your recent bookings*")),
            SectionBlock(text=MarkdownTextObject(text=_clip(lines(recent), SECTION_MAX))),
            ContextBlock(
                elements=[MarkdownTextObject(text="Book a tour with `/tour` in any channel.")]
            ),
        ],
    )


def invite_note(channel_id: str | None, where: str) -> str:
    """Told to the agent when the bot could not post in the channel the command came from."""
    place = f"<#{channel_id}>" if channel_id else "that conversation"
    return (
        f"I can't post in {place}, so this booking's updates are in {where}. To get them in the "
        "channel next time, invite me there with `/invite @Tourbot`."
    )


def _plain_state(state: BookingState) -> str:
    return _STATE_LINES[state].split(" ", 1)[1]


def escape(text: str) -> str:
    """Text from agents and Propexo is shown as typed, never as Slack markup or mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _is_iso_date(text: str) -> bool:
    return len(text) == 10 and text[4] == "-" and text[7] == "-"
