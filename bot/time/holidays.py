"""Days people name by their holiday ("thanksgiving day 1pm", "christmas eve"): the holidays
a leasing office hears (the US ones, and a few of Canada's, Britain's and Australia's), each as
the date it falls on in a given year."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta


def _nth_weekday(month: int, weekday: int, n: int) -> Callable[[int], date]:
    """The n-th given weekday of the month (n = -1: the last)."""

    def on(year: int) -> date:
        if n > 0:
            first = date(year, month, 1)
            return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
        last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
        return last - timedelta(days=(last.weekday() - weekday) % 7)

    return on


def _day_before(holiday: Callable[[int], date]) -> Callable[[int], date]:
    return lambda year: holiday(year) - timedelta(days=1)


def _fixed(month: int, day: int) -> Callable[[int], date]:
    return lambda year: date(year, month, day)


HOLIDAYS: dict[str, Callable[[int], date]] = {
    # As `normalise` writes them: "new year's eve" loses its "'s".
    "new year eve": _fixed(12, 31),
    "new years eve": _fixed(12, 31),
    "new year day": _fixed(1, 1),
    "new years day": _fixed(1, 1),
    "nye": _fixed(12, 31),
    "boxing day": _fixed(12, 26),
    "juneteenth": _fixed(6, 19),
    "canada day": _fixed(7, 1),
    "australia day": _fixed(1, 26),
    "anzac day": _fixed(4, 25),
    "christmas eve": _fixed(12, 24),
    "christmas day": _fixed(12, 25),
    "christmas": _fixed(12, 25),
    "xmas": _fixed(12, 25),
    "thanksgiving day": _nth_weekday(11, 3, 4),
    "thanksgiving": _nth_weekday(11, 3, 4),
    "black friday": lambda year: _nth_weekday(11, 3, 4)(year) + timedelta(days=1),
    "independence day": _fixed(7, 4),
    "fourth of july": _fixed(7, 4),
    "memorial day": _nth_weekday(5, 0, -1),
    "labor day": _nth_weekday(9, 0, 1),
    "veterans day": _fixed(11, 11),
    "valentine day": _fixed(2, 14),
    "valentines day": _fixed(2, 14),
    "halloween": _fixed(10, 31),
    "mlk day": _nth_weekday(1, 0, 3),
    "presidents day": _nth_weekday(2, 0, 3),
}
# A holiday's eve is the day before it, whatever it is called ("xmas eve", "thanksgiving eve").
HOLIDAY = re.compile(
    r"\b((?:"
    + "|".join(re.escape(h) for h in sorted(HOLIDAYS, key=len, reverse=True))
    + r")(?:\s+eve)?)\b"
)


def holiday_on_or_after(name: str, today: date) -> date:
    """The next time the holiday falls, today included."""
    name = " ".join(name.split())
    if name not in HOLIDAYS and name.endswith(" eve"):
        on = _day_before(HOLIDAYS[name.removesuffix(" eve")])
    else:
        on = HOLIDAYS[name]
    this_year = on(today.year)
    return this_year if this_year >= today else on(today.year + 1)
