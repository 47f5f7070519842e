"""From typed words to the exact UTC moment of a tour: reading the words, resolving them by
the rules, the zone they are read in, the clock "tomorrow" counts from.

Imports nothing else of `bot`, so the resolver can be used and tested on its own.
"""

from bot.time.clock import Clock, clock_from, system_clock
from bot.time.resolve import ResolvedTime, describe, resolve_time, short_when, warm_up
from bot.time.words import Reading, read_phrase
from bot.time.zones import TourZone, ZoneSettings, tour_zone

__all__ = [
    "Clock",
    "Reading",
    "ResolvedTime",
    "TourZone",
    "ZoneSettings",
    "clock_from",
    "describe",
    "read_phrase",
    "resolve_time",
    "short_when",
    "system_clock",
    "tour_zone",
    "warm_up",
]
