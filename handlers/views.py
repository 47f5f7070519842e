"""Submissions of the booking modal and of the time confirmation.

Every problem goes back in one round trip under its input. A valid booking is stored, then
acknowledged (the modal closes), then its thread is opened and it is delivered in the background.
A store that cannot answer in time gets the agent a true answer before Slack's 3 s run out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.booking import BookingDraft, FormProblems
from bot.conversation.service import (
    ALREADY_BOOKED,
    booked_in_form,
    booking_key,
    conversation_booked,
    retried_in_form,
)
from bot.store import Added, Booking, NotSavedInTime
from bot.time.resolve import short_when
from bot.time.zones import TourZone
from bot.tourbot import Origin, Tourbot
from handlers.acks import let_ack_leave
from handlers.actions import mark_retried
from handlers.blocks import BOOKING_MODAL, CONFIRM_MODAL, confirm_modal, escape
from handlers.conversation import BOOKED_IN_FORM, retire_summary
from handlers.form_data import ModalContext, form_values
from handlers.thread import SlackThread

logger = logging.getLogger(__name__)

CANNOT_SAVE_TEXT = (
    "Tourbot could not save this booking, so nothing was sent. Try again in a minute; if it "
    "keeps failing, tell whoever runs Tourbot."
)
CANNOT_SAVE = {"tour_time": CANNOT_SAVE_TEXT}
# Seconds a submission waits for the store before the agent is told; with the commit grace of
# bot/store/intake.py, the ack leaves within a second, well inside Slack's 3.
STORE_WAIT = 0.7
NOT_SAVED = (
    "The database did not answer in time, so this booking was NOT made and nothing was sent. "
    "Press {button} again."
)
MAYBE_SAVED = (
    "The database was slow, so Tourbot cannot tell yet whether this booking was saved. Press "
    "{button} again: it finds the booking if it was saved, and never books it twice."
)
TellAgent = Callable[[str], Awaitable[None]]  # acks, keeping the view open with this sentence


def not_saved_text(exc: NotSavedInTime, button: str) -> str:
    """What the agent reads when the store did not answer in time: only what is known."""
    return (NOT_SAVED if exc.certain else MAYBE_SAVED).format(button=button)


def register(app: AsyncApp, tourbot: Tourbot) -> None:
    async def submit_booking(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        context = ModalContext.read(view)
        values = form_values(view)
        zone = tourbot.zone(community_id=values.get("community"), agent_zone=context.agent_zone)
        try:
            draft = tourbot.check(values, zone)
        except FormProblems as exc:
            await ack(response_action="errors", errors=exc.problems)
            return

        async def tell(text: str) -> None:
            await ack(response_action="errors", errors={"tour_time": text})

        if not draft.needs_confirmation:
            # Stored at once unless it doubles another booking: one round trip for both.
            await _accept(
                ack, body, client, tourbot, context, draft, zone, values, tell, unless_doubled=True
            )
            return
        try:
            others = await tourbot.duplicates(
                draft, request_key=f"modal:{context.request_id}", within=STORE_WAIT
            )
        except NotSavedInTime as exc:
            logger.warning("the store did not answer in time: looking for double bookings")
            await tell(not_saved_text(exc, "Submit"))
            return
        except Exception:
            logger.exception("could not look for double bookings")
            await ack(response_action="errors", errors=CANNOT_SAVE)
            return
        await _ask_to_confirm(
            ack, tourbot, context, draft, values, [draft.time.reason or ""], others
        )

    async def confirm_time(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        context = ModalContext.read(view)
        values = context.values or {}
        zone = tourbot.zone(community_id=values.get("community"), agent_zone=context.agent_zone)
        try:
            draft = tourbot.check(values, zone)
        except FormProblems as exc:  # e.g. the time passed while the agent was deciding
            reason = "; ".join(exc.problems.values())
            changed = confirm_modal(
                "This booking needs a change", reason, metadata=view["private_metadata"]
            )
            await ack(response_action="update", view=changed)
            return

        async def tell(text: str) -> None:  # the confirmation view has no input to write under
            summary = f"Tour for {tourbot.who(draft, values) or 'the prospect'}"
            again = confirm_modal(summary, text, metadata=view["private_metadata"])
            await ack(response_action="update", view=again)

        await _accept(
            ack, body, client, tourbot, context, draft, zone, values, tell, close_all=True
        )

    app.view(BOOKING_MODAL)(submit_booking)
    app.view(CONFIRM_MODAL)(confirm_time)


async def _accept(
    ack: AsyncAck,
    body: dict[str, Any],
    client: AsyncWebClient,
    tourbot: Tourbot,
    context: ModalContext,
    draft: BookingDraft,
    zone: TourZone,
    values: dict[str, str],
    tell: TellAgent,
    *,
    close_all: bool = False,
    unless_doubled: bool = False,
) -> None:
    """With `unless_doubled`, a booking that doubles another is not stored: the agent is asked.
    `tell` keeps the view open with a sentence when the booking could not be stored."""
    if context.dialogue_id and await _booked_in_thread(tourbot, context.dialogue_id):
        await tell(ALREADY_BOOKED)  # Book in the thread came first: the form stays, and says so
        return
    # Stored before the agent hears it was accepted; the same form submitted twice is one booking.
    try:
        added = await _store(
            body, tourbot, context, draft, zone, values, unless_doubled=unless_doubled
        )
    except NotSavedInTime as exc:
        logger.warning(
            "the store did not answer within %.1f s: the booking was %s",
            STORE_WAIT,
            "not stored" if exc.certain else "perhaps stored",
        )
        await tell(not_saved_text(exc, "Book at this time" if close_all else "Submit"))
        return
    except Exception:
        logger.exception("could not store a booking")
        await tell(CANNOT_SAVE_TEXT)
        return
    if added.booking is None:
        await _ask_to_confirm(ack, tourbot, context, draft, values, [], added.doubles)
        return
    booking, created = added.booking, added.created
    if close_all:
        await ack(response_action="clear")
    else:
        await ack()
    if not created:
        logger.info("booking %s submitted again; kept the first", booking.id)
        return
    await let_ack_leave()
    if context.dialogue_id:  # the form finished a conversation's booking: its buttons go
        ended = await booked_in_form(tourbot.store.dialogues, context.dialogue_id, booking.id)
        if ended is not None and ended.summary_ts:
            await retire_summary(client, ended.channel_id, ended.summary_ts, BOOKED_IN_FORM)
    if context.retry_of:  # a conversation that booked the failed one follows the retry
        await retried_in_form(tourbot.store.dialogues, context.retry_of, booking.id)
    try:
        await SlackThread(client, tourbot.store).open(booking)
    except SlackApiError as exc:  # Slack is busy: the booking's first update opens its thread
        logger.warning("could not open the thread of %s: %s", booking.id, exc.response.get("error"))
    await tourbot.release(booking)
    if context.retry_of:
        await mark_retried(client, tourbot.store, context)


async def _ask_to_confirm(
    ack: AsyncAck,
    tourbot: Tourbot,
    context: ModalContext,
    draft: BookingDraft,
    values: dict[str, str],
    reasons: list[str],
    others: list[Booking],
) -> None:
    """Push the confirmation view: the time needs a yes, or the booking doubles `others`."""
    named = tourbot.who(draft, values)
    reasons = reasons + [
        f"{escape(named or 'This prospect')} already has a tour then, booked by "
        f"<@{other.user_id}> ({other.state.value}). Book anyway?"
        for other in others
    ]
    who = named or "the prospect"
    try:
        metadata = context.model_copy(update={"values": values}).dump()
    except ValueError:
        await ack(
            response_action="errors",
            errors={"notes": "Notes are too long to carry to the time confirmation: "
                    "shorten them, or change the time so it needs no confirmation"},
        )  # fmt: skip
        return
    summary = f"Tour for {who} · {short_when(draft.time)}"
    await ack(
        response_action="push",
        view=confirm_modal(summary, "\n".join(filter(None, reasons)), metadata=metadata),
    )


async def _booked_in_thread(tourbot: Tourbot, dialogue_id: str) -> bool:
    """Whether the conversation booked already; a store too slow to say lets the form go on
    (the conversation's one request key still makes both one booking)."""
    try:
        return await asyncio.wait_for(
            conversation_booked(tourbot.store.dialogues, dialogue_id), STORE_WAIT
        )
    except TimeoutError:
        return False


async def _store(
    body: dict[str, Any],
    tourbot: Tourbot,
    context: ModalContext,
    draft: BookingDraft,
    zone: TourZone,
    values: dict[str, str],
    *,
    unless_doubled: bool,
) -> Added:
    # A conversation's form books under the conversation's key: Book in the thread and Submit
    # here make one booking between them.
    request_key = (
        booking_key(context.dialogue_id) if context.dialogue_id else f"modal:{context.request_id}"
    )
    origin = Origin(
        team_id=str((body.get("team") or {}).get("id", "")),
        user_id=context.user_id,
        channel_id=context.channel_id,
        response_url=context.response_url,
        thread_channel=context.thread_channel,
        thread_ts=context.thread_ts,
    )
    if unless_doubled:
        return await tourbot.accept_unless_doubled(
            draft,
            request_key=request_key,
            origin=origin,
            zone=zone,
            values=values,
            within=STORE_WAIT,
        )
    booking, created = await tourbot.accept(
        draft, request_key=request_key, origin=origin, zone=zone, values=values, within=STORE_WAIT
    )
    return Added(booking, created, [])
