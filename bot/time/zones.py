"""Which time zone a tour's time is read in: the community's, else the agent's, else the default."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ZoneSource = Literal["community", "agent", "default"]


class ZoneSettings(Protocol):
    """What of the settings decides a zone (Tourbot's `Settings` is one)."""

    @property
    def community_timezones(self) -> Mapping[str, str]: ...

    @property
    def timezone(self) -> ZoneInfo: ...


@dataclass(frozen=True)
class TourZone:
    zone: ZoneInfo
    source: ZoneSource

    @property
    def place(self) -> str:
        """How a time in this zone is described to the agent."""
        if self.source == "community":
            return "at the property"
        if self.source == "agent":
            return "in your time zone"
        return "(default zone)"

    @property
    def note(self) -> str:
        """One line saying which zone the tour time is read in, and why."""
        why = {
            "community": "the community's time zone",
            "agent": "your Slack time zone",
            "default": "the default time zone (set a community for its own)",
        }[self.source]
        return f"Times are read in {self.zone.key}, {why}."


def tour_zone(
    settings: ZoneSettings, *, community_id: str | None, agent_zone: str | None
) -> TourZone:
    """The community's configured zone wins; then the agent's Slack zone; then DEFAULT_TIMEZONE."""
    if community_id and community_id in settings.community_timezones:
        return TourZone(ZoneInfo(settings.community_timezones[community_id]), "community")
    if agent_zone:
        try:
            return TourZone(ZoneInfo(agent_zone), "agent")
        except (ZoneInfoNotFoundError, ValueError):
            pass  # Slack sent a zone this machine does not know: fall back, never guess
    return TourZone(settings.timezone, "default")
