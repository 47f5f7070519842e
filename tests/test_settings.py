"""Settings: every problem named at once, from the environment or a .env file."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings

NAMES = [
    "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL",
    "PROPEXO_API_KEY", "PROPEXO_BASE_URL", "PROPEXO_INTEGRATION_ID", "PROPEXO_COMMUNITY_ID",
    "DEFAULT_TIMEZONE", "DATABASE_URL", "PORT", "TOUR_TYPES", "TOUR_HOURS", "DATE_ORDER",
    "COMMUNITY_TIMEZONES", "LOG_LEVEL",
]  # fmt: skip


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no developer's .env


def test_defaults() -> None:
    settings = load_settings()
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.propexo_base_url == "https://api.propexo.com"
    assert settings.default_timezone == "America/New_York"
    assert settings.database_url == "sqlite:///tourbot.db"
    assert settings.port == 3000
    assert settings.tour_types == ("SELF_GUIDED", "IN_PERSON", "VIRTUAL")
    assert settings.tour_hours_range == (time(8), time(20))


def test_every_problem_is_named_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxp-user-token")
    monkeypatch.setenv("PROPEXO_BASE_URL", "api.propexo.com")
    with pytest.raises(SettingsError) as caught:
        load_settings("http", "propexo")
    assert caught.value.problems == [
        "SLACK_BOT_TOKEN must be a bot token starting with xoxb-",
        "PROPEXO_BASE_URL must be an http(s) URL, not 'api.propexo.com'",
        "DEFAULT_TIMEZONE must be a time zone name like America/New_York, not 'Mars/Olympus'",
        "PORT must be a valid integer, unable to parse string as an integer",
        "SLACK_SIGNING_SECRET is required",
        "PROPEXO_API_KEY is required",
        "PROPEXO_INTEGRATION_ID is required",
    ]
    message = str(caught.value)
    assert message.startswith("Tourbot cannot start; fix its settings:")
    assert "xoxp-user-token" not in message  # a secret's value is never echoed


def test_each_command_needs_its_own_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings("socket")
    assert caught.value.problems == ["SLACK_BOT_TOKEN is required", "SLACK_APP_TOKEN is required"]
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    assert load_settings("socket").slack_app_token is not None


def test_blank_values_count_as_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROPEXO_API_KEY", "  ")
    monkeypatch.setenv("PROPEXO_INTEGRATION_ID", "")
    with pytest.raises(SettingsError) as caught:
        load_settings("propexo")
    assert caught.value.problems == [
        "PROPEXO_API_KEY is required",
        "PROPEXO_INTEGRATION_ID is required",
    ]


def test_dot_env_is_read_and_the_environment_wins(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(
        "PROPEXO_API_KEY=from-file\nPROPEXO_INTEGRATION_ID=int_1\nPORT=8080\n"
        "TOUR_TYPES=self_guided, in_person\nSLACK_API_URL=http://127.0.0.1:9/api\n"
    )
    monkeypatch.setenv("PORT", "9090")
    settings = load_settings("propexo")
    assert settings.propexo_api_key is not None
    assert settings.propexo_api_key.get_secret_value() == "from-file"
    assert settings.port == 9090
    assert settings.tour_types == ("SELF_GUIDED", "IN_PERSON")
    assert settings.slack_api_url == "http://127.0.0.1:9/api/"


def test_secrets_do_not_show_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PROPEXO_API_KEY", "pk_live_secret")
    assert "pk_live_secret" not in repr(load_settings())


@pytest.mark.parametrize(
    ("name", "value", "problem"),
    [
        ("TOUR_HOURS", "8 to 8", "TOUR_HOURS must look like 08:00-20:00"),
        ("TOUR_HOURS", "20:00-08:00", "TOUR_HOURS must start before it ends, like 08:00-20:00"),
        ("TOUR_TYPES", " , ", "TOUR_TYPES must name at least one tour type"),
        ("DATE_ORDER", "YMD", "DATE_ORDER must be 'MDY' or 'DMY'"),
        ("PORT", "70000", "PORT must be less than or equal to 65535"),
    ],
)
def test_malformed_values(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, problem: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert caught.value.problems[0].startswith(problem)


def test_community_zones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMUNITY_TIMEZONES", "cmty_a=America/Chicago, cmty_b = Asia/Kolkata")
    assert load_settings().community_timezones == {
        "cmty_a": "America/Chicago",
        "cmty_b": "Asia/Kolkata",
    }
    monkeypatch.setenv("COMMUNITY_TIMEZONES", "cmty_a=Mars/Base,cmty_b")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert caught.value.problems == [
        "COMMUNITY_TIMEZONES must name time zones like America/Chicago; 'Mars/Base' (for cmty_a) "
        "is not one"
    ]


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("bogus", "DATABASE_URL is not a database URL. Write it like sqlite:///tourbot.db"),
        ("mysql://db/tourbot", "DATABASE_URL names the database 'mysql', but Tourbot stores"),
        ("sqlite://tourbot.db", "DATABASE_URL for SQLite takes a file path, not a host."),
    ],
)
def test_a_database_url_tourbot_cannot_use_is_named_with_the_rest(
    url: str, says: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert len(caught.value.problems) == 2
    assert caught.value.problems[0].startswith(says)
    assert caught.value.problems[1].startswith("PORT must be")


def test_log_level_is_info_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings().log_level == "INFO"
    monkeypatch.setenv("LOG_LEVEL", " debug ")
    assert load_settings().log_level == "DEBUG"
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert caught.value.problems == ["LOG_LEVEL must be 'DEBUG', 'INFO', 'WARNING' or 'ERROR'"]
