"""Options for the modal's external selects: communities and existing prospects.

Slack wants them within 3 seconds: both come from the store's copy (a prospect's exact email or
phone it lacks is asked of Propexo, giving up at 2 seconds).
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.models.blocks import OptionGroup

from bot.tourbot import SearchUnavailable, Tourbot
from handlers.blocks import option

MAX_OPTIONS = 100  # Slack's limit per select


def register(app: AsyncApp, tourbot: Tourbot) -> None:
    async def community_options(ack: AsyncAck, payload: dict[str, Any]) -> None:
        query = (payload.get("value") or "").strip().lower()
        found = [c for c in await tourbot.communities() if query in (c.name or c.id).lower()]
        await ack(options=[option(c.name or c.id, c.id) for c in found[:MAX_OPTIONS]])

    async def prospect_options(ack: AsyncAck, payload: dict[str, Any]) -> None:
        query = (payload.get("value") or "").strip()
        if len(query) < 2:
            await ack(options=[])
            return
        try:
            found = await tourbot.search_prospects(query)
            progress = await tourbot.prospects.progress()
        except SearchUnavailable:
            # A value with a space is never an id: picked, the form asks for a real one.
            note = "Search unavailable just now: fill in a new prospect below, or try again"
            await ack(options=[option(note, "search unavailable")])
            return
        options = [option(prospect_label(p.name, p.email, p.phone), p.id) for p in found]
        if progress.complete:
            await ack(options=options[:MAX_OPTIONS])
            return
        # Said, not hidden: during the first read an empty list would mean "no such prospect".
        loading = f"Still loading prospects ({progress.records_read:,} read so far)"
        if options:
            await ack(option_groups=[OptionGroup(label=loading, options=options[:MAX_OPTIONS])])
        else:  # a value with a space is never an id: picked, the form asks for a real one
            await ack(options=[option(f"{loading}: try again soon", "still loading")])

    app.options("community")(community_options)
    app.options("prospect")(prospect_options)


def prospect_label(name: str, email: str | None, phone: str | None) -> str:
    """Like "Jane Doe · jane@… · +1 555 …": enough to tell prospects apart, not their contact."""
    parts = [name or "(no name)"]
    if email:
        parts.append(email.split("@")[0] + "@…")
    if phone:
        parts.append(f"+1 {phone[2:5]} …" if phone.startswith("+1") else phone[:5] + " …")
    return " · ".join(parts)
