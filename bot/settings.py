"""Tourbot's configuration, read from the environment (and a `.env` file).

Every problem is collected and reported at once, so a person fixing a deployment sees the whole list
instead of one error per restart.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, create_model, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_TOUR_TYPES = ("SELF_GUIDED", "IN_PERSON", "VIRTUAL")

# Each requirement names the settings a command cannot run without.
Need = Literal["slack", "http", "socket", "propexo"]
_NEEDS: dict[Need, tuple[str, ...]] = {
    "slack": ("slack_bot_token",),
    "http": ("slack_bot_token", "slack_signing_secret"),
    "socket": ("slack_bot_token", "slack_app_token"),
    "propexo": ("propexo_api_key", "propexo_integration_id"),
}


class SettingsError(Exception):
    """The configuration cannot be used; `problems` holds one sentence per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "Tourbot cannot start; fix its settings:\n" + "\n".join(f"  - {p}" for p in problems)
        )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    propexo_api_key: SecretStr | None = None
    propexo_base_url: str = "https://api.propexo.com"
    propexo_integration_id: str | None = None
    propexo_community_id: str | None = None
    default_timezone: str = "America/New_York"
    database_url: str = "sqlite:///tourbot.db"
    port: int = Field(default=3000, ge=1, le=65535)
    # Not in Propexo's public docs, so kept here (README: Propexo, as Tourbot uses it).
    tour_types: Annotated[tuple[str, ...], NoDecode] = DEFAULT_TOUR_TYPES
    tour_hours: str = "08:00-20:00"
    date_order: Literal["MDY", "DMY"] = "MDY"
    # Propexo advises keeping property zones yourself: "cmty_1=America/Chicago,cmty_2=…".
    community_timezones: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    # A channel's own community, preselected by /tour there: "C0123=cmty_1,C0456=cmty_2".
    channel_communities: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    # Who may use the bot: empty means everyone. Channel ids, and user group ids (S…).
    allowed_channels: Annotated[tuple[str, ...], NoDecode] = ()
    allowed_usergroups: Annotated[tuple[str, ...], NoDecode] = ()
    # Messages a second Tourbot posts or edits in one channel (Slack's documented pace); 0: as
    # fast as Slack answers, waiting only when it says "ratelimited".
    slack_channel_rate: float = Field(default=1.0, ge=0)
    # Propexo's per-minute budget, shared by every instance through the database.
    propexo_rate_limit: int = Field(default=150, ge=1)
    # The copy of Propexo's prospects and communities: the most of the budget its reads may use,
    # and how often Propexo is asked for what changed (seconds).
    sync_budget_share: float = Field(default=0.2, gt=0, le=1)
    sync_interval: float = Field(default=120.0, gt=0)
    log_format: Literal["text", "json"] = "text"
    # DEBUG shows Tourbot's own detail; libraries stay at their floor (bot/logs.py) regardless.
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # Deliver bookings inside `tourbot serve`/`socket`; false when `tourbot worker` runs apart.
    run_worker: bool = True
    # A booking conversation in a thread ends, with a message, after this long without a word.
    conversation_idle_minutes: float = Field(default=30.0, gt=0, le=7 * 24 * 60)

    @field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "propexo_api_key",
        "propexo_integration_id",
        "propexo_community_id",
        mode="before",
    )
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_name(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("slack_api_url", "propexo_base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
            raise ValueError(f"must be an http(s) URL, not {value!r}")
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        # slack-sdk joins method names straight onto the base URL.
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _usable_database(cls, value: str) -> str:
        from bot.store.store import database_url  # SQLAlchemy only for commands that read it

        try:
            database_url(value)
        except ValueError as exc:
            raise ValueError(str(exc).removeprefix("DATABASE_URL ")) from None
        return value

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"must be a time zone name like America/New_York, not {value!r}"
            ) from None
        return value

    @field_validator("tour_types", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",")]
        if isinstance(value, list | tuple):
            items = tuple(str(v).strip().upper() for v in value if str(v).strip())
            if not items:
                raise ValueError("must name at least one tour type, e.g. SELF_GUIDED,IN_PERSON")
            return items
        return value

    @field_validator("community_timezones", mode="before")
    @classmethod
    def _zone_map(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        zones: dict[str, str] = {}
        for pair in filter(None, (part.strip() for part in value.split(","))):
            community, sep, zone = (text.strip() for text in pair.partition("="))
            if not (sep and community and zone):
                raise ValueError(f"must be pairs like cmty_1=America/Chicago, not {pair!r}")
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(
                    f"must name time zones like America/Chicago; {zone!r} "
                    f"(for {community}) is not one"
                ) from None
            zones[community] = zone
        return zones

    @field_validator("channel_communities", mode="before")
    @classmethod
    def _channel_map(cls, value: object) -> object:
        if not isinstance(value, str):
            return value
        pairs: dict[str, str] = {}
        for pair in filter(None, (part.strip() for part in value.split(","))):
            channel, sep, community = (text.strip() for text in pair.partition("="))
            if not (sep and channel and community):
                raise ValueError(f"must be pairs like C0123=cmty_1, not {pair!r}")
            pairs[channel] = community
        return pairs

    @field_validator("allowed_channels", "allowed_usergroups", mode="before")
    @classmethod
    def _id_list(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("tour_hours")
    @classmethod
    def _hours_range(cls, value: str) -> str:
        parse_tour_hours(value)
        return value

    @property
    def tour_hours_range(self) -> tuple[time, time]:
        return parse_tour_hours(self.tour_hours)

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.default_timezone)


def parse_tour_hours(value: str) -> tuple[time, time]:
    match = re.fullmatch(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*", value)
    if not match:
        raise ValueError("must look like 08:00-20:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if not (h1 < 24 and h2 <= 24 and m1 < 60 and m2 < 60):
        raise ValueError("must look like 08:00-20:00")
    start, end = time(h1, m1), time(min(h2, 23), m2 if h2 < 24 else 59)
    if start >= end:
        raise ValueError("must start before it ends, like 08:00-20:00")
    return start, end


def load_settings(*needs: Need) -> Settings:
    """Read the settings, check what `needs` requires, and report every problem in one error."""
    problems: list[str] = []
    settings: Settings | None = None
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in err['loc']).upper()} {_plain(err['msg'])}"
            for err in exc.errors()
        ]
    # Read the raw values too, so a missing setting is named beside a malformed one.
    raw = _RawSettings()
    for need in needs:
        for name in _NEEDS[need]:
            line = f"{name.upper()} is required"
            if not (getattr(raw, name) or "").strip() and line not in problems:
                problems.append(line)
    if problems or settings is None:
        raise SettingsError(problems)
    return settings


_RawSettings = create_model(  # the same sources as Settings, nothing validated
    "_RawSettings",
    __base__=BaseSettings,
    **{name: (str | None, None) for name in Settings.model_fields},  # type: ignore[call-overload]
)
_RawSettings.model_config = Settings.model_config


def _plain(message: str) -> str:
    message = message.removeprefix("Value error, ")
    if message.startswith("Input should be"):
        return message.replace("Input should be", "must be", 1)
    if message.startswith(("must", "is ", "names ", "for ")):  # already reads after the name
        return message
    return f"is invalid: {message}"
