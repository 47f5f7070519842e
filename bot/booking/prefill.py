"""Values read from free text, put in the shape a form's fields show them.

A select or a date picker can only show a value it knows: "self-guided" becomes SELF_GUIDED,
"Jan 15" becomes 2027-01-15. A value no field can show is kept in the notes, never dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date

from bot.booking.fields import (
    DateOrder,
    Unreadable,
    bedroom_codes,
    read_bedroom_choices,
    read_lease_term,
    read_move_in_date,
    read_tour_type,
)
from bot.booking.form import FIELD_LABELS


def prefill(
    values: Mapping[str, str],
    *,
    tour_types: Sequence[str],
    today: date,
    date_order: DateOrder = "MDY",
) -> dict[str, str]:
    readers: dict[str, Callable[[str], str]] = {
        "tour_type": lambda text: read_tour_type(text, tour_types),
        "move_in_date": lambda text: read_move_in_date(
            text, today=today, date_order=date_order
        ).isoformat(),
        "bedrooms": lambda text: bedroom_codes(read_bedroom_choices(text)),
        "lease_term": lambda text: str(read_lease_term(text)),
    }
    shaped = dict(values)
    unshown: list[str] = []
    for key, read in readers.items():
        if not shaped.get(key):
            continue
        try:
            shaped[key] = read(shaped[key])
        except Unreadable:
            unshown.append(f"{FIELD_LABELS[key]}: {shaped.pop(key)}")
    if unshown:
        shaped["notes"] = "\n".join(filter(None, [shaped.get("notes"), *unshown]))
    return shaped
