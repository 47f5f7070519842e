"""How a conversation's details read back to the agent: the summary with its next question, and
each change a reply made in the agent's words ("the last name", "Smyth" → "Smythe")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.booking import FIELD_LABELS, FormProblems
from bot.conversation.answers import Change, Heading, Summary
from bot.conversation.steps import ONE_NAME, details, next_step, shown_value
from bot.conversation.when import TimeContext
from bot.store import Dialogue
from bot.time.resolve import short_when
from bot.time.zones import TourZone
from bot.tourbot import Tourbot

# Labels for the fields whose form label reads oddly in a sentence.
_LABELS = {"rent_min": "minimum rent", "rent_max": "maximum rent", "move_in_date": "move-in date"}


class Summaries:
    """Builds summaries and change lists from a conversation's values."""

    def __init__(self, tourbot: Tourbot) -> None:
        self.tourbot = tourbot

    def zone(self, values: Mapping[str, str], agent_zone: str | None) -> TourZone:
        return self.tourbot.zone(community_id=values.get("community"), agent_zone=agent_zone)

    def context(self, values: Mapping[str, str], agent_zone: str | None) -> TimeContext:
        """Where and when this conversation's time words are read."""
        settings = self.tourbot.settings
        return TimeContext(
            zone=self.zone(values, agent_zone).zone,
            now=self.tourbot.clock(),
            tour_hours=settings.tour_hours_range,
            date_order=settings.date_order,
        )

    def summary(
        self,
        dialogue: Dialogue,
        values: dict[str, str],
        heading: Heading,
        agent_zone: str | None,
    ) -> Summary:
        zone = self.zone(values, agent_zone)
        problems: dict[str, str] = {}
        check: str | None = None
        try:
            draft = self.tourbot.check(values, zone)
            if draft.needs_confirmation:
                check = draft.time.reason
        except FormProblems as exc:
            problems = exc.problems
        preview = self.tourbot.preview(values.get("tour_time", ""), zone)
        time_text = preview.text if preview.status in ("ok", "confirm") and preview.text else None
        community = values.get("community")
        step = next_step(values, problems)
        prospect = values.get("prospect")
        shown = details(
            values,
            time_text=time_text,
            community_name=self.tourbot.community_name(community) if community else None,
            tour_types=self.tourbot.settings.tour_types,
            prospect_name=self.tourbot.prospect_name(prospect) if prospect else None,
        )
        return Summary(dialogue, heading, shown, step, check)

    def changes(
        self,
        before: Mapping[str, str],
        after: Mapping[str, str],
        keys: Sequence[str],
        agent_zone: str | None,
        *,
        noted: Sequence[str] = (),
        dropped: Sequence[str] = (),
    ) -> tuple[Change, ...]:
        """Each change in words, the name as one when both its parts changed."""
        found: list[Change] = []
        keys = [k for k in keys if k != "notes" or not (noted or dropped)]
        name_keys = {"first_name", "last_name"} & set(keys)
        if len(name_keys) == 2 or (name_keys and not (before.get("first_name") or before.get(
                "last_name"))):  # fmt: skip
            found.append(Change("name", "name", _name(before), _name(after)))
            keys = [k for k in keys if k not in name_keys]
        for key in keys:
            if key == ONE_NAME:
                found.append(Change(key, "one name", None, _name(after)))
                continue
            found.append(
                Change(
                    key,
                    _LABELS.get(key) or FIELD_LABELS.get(key, key.replace("_", " ")).lower(),
                    self._shown(key, before, agent_zone),
                    self._shown(key, after, agent_zone),
                )
            )
        found += [Change("notes", "notes", None, line) for line in noted]
        found += [Change("notes", "notes", line, None) for line in dropped]
        return tuple(found)

    def _shown(self, key: str, values: Mapping[str, str], agent_zone: str | None) -> str | None:
        value = values.get(key)
        if not value:
            return None
        if key == "tour_time":
            zone = self.zone(values, agent_zone)
            resolved = self.tourbot.resolve(value, zone)
            return short_when(resolved) if resolved.local else value
        if key == "community":
            return self.tourbot.community_name(value)
        if key == "prospect":
            return self.tourbot.prospect_name(value) or value
        return shown_value(key, value, self.tourbot.settings.tour_types)


def _name(values: Mapping[str, str]) -> str | None:
    return " ".join(filter(None, [values.get("first_name"), values.get("last_name")])) or None
