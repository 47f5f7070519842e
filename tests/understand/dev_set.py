"""The shared development set for the reader (`../shared/understand-dev/messages.yaml`): each
message read as `/tour` would read it, every field turned into the set's own terms, and scored
as right, missed, wrong or invented."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.booking.fields import (
    Unreadable,
    read_bedroom_choices,
    read_dollars,
    read_email,
    read_lease_term,
    read_move_in_date,
    read_phone,
    read_tour_type,
)
from bot.time.resolve import resolve_time
from bot.understand import read_request

SHARED = Path(__file__).resolve().parents[3] / "shared" / "understand-dev"
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("America/New_York"))
TODAY = NOW.date()
COMMUNITIES = [
    ("cmty_maple_court", "Maple Court Apartments"),
    ("cmty_riverside_lofts", "Riverside Lofts"),
    ("cmty_willows_oak_park", "The Willows at Oak Park"),
    ("cmty_linden_square", "Linden Square"),
    ("cmty_harbor_view", "Harbor View Towers"),
]
TOUR_TYPES = ("SELF_GUIDED", "IN_PERSON", "VIRTUAL")
FIELDS = (
    "first_name", "last_name", "email", "phone", "tour_time", "tour_type", "bedrooms",
    "rent_min_dollars", "rent_max_dollars", "move_in", "lease_months", "community",
)  # fmt: skip


def load(name: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = yaml.safe_load((SHARED / name).read_text(encoding="utf-8"))
    return items


def as_dev_fields(values: Mapping[str, str], today: date = TODAY) -> dict[str, object]:
    """The form's values in the development set's terms; a tour time that is only a proposal
    (confirm) or a question counts as asked, not filled."""
    out: dict[str, object] = {}

    def put(key: str, read: Any) -> None:
        try:
            out[key] = read()
        except Unreadable:
            out[key] = f"unreadable: {values}"

    if first := values.get("first_name"):
        out["first_name"] = first
    if last := values.get("last_name"):
        out["last_name"] = last
    if email := values.get("email"):
        put("email", lambda: read_email(email).lower())
    if phone := values.get("phone"):
        put("phone", lambda: read_phone(phone))
    if when := values.get("tour_time"):
        resolved = resolve_time(when, zone="America/New_York", now=NOW)
        if resolved.status == "ok" and resolved.local is not None:
            out["tour_time"] = resolved.local.strftime("%Y-%m-%d %H:%M")
        elif resolved.status == "confirm":
            out["tour_time?"] = resolved.local.strftime("%Y-%m-%d %H:%M") if resolved.local else ""
    if kind := values.get("tour_type"):
        put("tour_type", lambda: read_tour_type(kind, TOUR_TYPES).lower())
    if beds := values.get("bedrooms"):
        put("bedrooms", lambda: read_bedroom_choices(beds)[0])  # several sizes: the first
    if low := values.get("rent_min"):
        put("rent_min_dollars", lambda: read_dollars(low) // 100)
    if high := values.get("rent_max"):
        put("rent_max_dollars", lambda: read_dollars(high) // 100)
    if move_in := values.get("move_in_date"):
        put("move_in", lambda: read_move_in_date(move_in, today=today).isoformat())
    if lease := values.get("lease_term"):
        put("lease_months", lambda: read_lease_term(lease))
    if community := values.get("community"):
        out["community"] = dict(COMMUNITIES).get(community, community)
    return out


@dataclass
class Score:
    right: int = 0
    expected: int = 0
    missed: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.right / self.expected if self.expected else 1.0


def same(key: str, got: object, want: object) -> bool:
    if key in ("first_name", "last_name", "email"):
        return str(got).casefold() == str(want).casefold()
    return got == want


def score_message(item: Mapping[str, Any], got: Mapping[str, object], score: Score) -> None:
    expect: Mapping[str, object] = item.get("expect") or {}
    ambiguous = set(item.get("ambiguous") or ())
    for key in FIELDS:
        want, have = expect.get(key), got.get(key)
        if want is not None:
            score.expected += 1
            if have is not None and same(key, have, want):
                score.right += 1
            elif key == "tour_time" and got.get("tour_time?") == want:
                score.right += 1  # proposed with a question: the agent confirms the right time
            elif have is None:
                score.missed.append(f"{item['id']}: {key} expected {want!r}")
            else:
                score.wrong.append(f"{item['id']}: {key} {have!r}, expected {want!r}")
        elif have is not None and key not in ambiguous:
            score.invented.append(f"{item['id']}: {key} {have!r} was not in the message")
        elif have is not None and key in ambiguous and key == "tour_time":
            score.invented.append(f"{item['id']}: tour_time {have!r} guessed; it is ambiguous")


def read_as_tour(text: str) -> dict[str, str]:
    return read_request(text, communities=COMMUNITIES)


def score_all(items: list[dict[str, Any]]) -> Score:
    score = Score()
    for item in items:
        score_message(item, as_dev_fields(read_as_tour(item["text"])), score)
    return score
