"""The console user's time zone: `--tz`, else the system's (TZ, /etc/localtime, /etc/timezone),
else America/New_York. It is also the agent's zone in the Slack stand-in, so the form reads times
in it, as Slack's `users.info` would make it."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.offline.console.errors import ConsoleError

FALLBACK_ZONE = "America/New_York"


def person_zone(name: str | None) -> str:
    """The zone named `name` (checked), or the system's when `name` is None."""
    if name is None:
        return system_zone()
    if not _known(name):
        raise ConsoleError(
            f"“{name}” is not a time zone this machine knows; use a name like America/Chicago."
        )
    return name


def system_zone() -> str:
    for name in _candidates():
        if _known(name):
            return name
    return FALLBACK_ZONE


def _candidates() -> list[str]:
    found: list[str] = []
    tz = os.environ.get("TZ", "").strip().lstrip(":")
    if tz:
        found.append(_after_zoneinfo(tz))
    # /etc/localtime is usually a link into the zone database; some systems copy the file
    # instead and name the zone in /etc/timezone.
    with contextlib.suppress(OSError):
        found.append(_after_zoneinfo(os.readlink("/etc/localtime")))
    with contextlib.suppress(OSError):
        found.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    return [name for name in found if name]


def _after_zoneinfo(path: str) -> str:
    marker = "zoneinfo/"
    return path.split(marker, 1)[1] if marker in path else path


def _known(name: str) -> bool:
    if not name or name.startswith("/") or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True
