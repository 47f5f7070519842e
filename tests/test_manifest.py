"""manifest.yml is a Slack app manifest that matches what the code listens for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text())
    return loaded


def urls(node: object) -> list[str]:
    if isinstance(node, dict):
        return [u for k, v in node.items() for u in ([v] if "url" in k else urls(v))]
    if isinstance(node, list):
        return [u for item in node for u in urls(item)]
    return []


def test_every_url_is_the_events_endpoint() -> None:
    found = urls(manifest())
    assert len(found) == 4
    assert all(url.startswith("https://") and url.endswith("/slack/events") for url in found)


def test_tour_command_with_a_usage_hint() -> None:
    [command] = manifest()["features"]["slash_commands"]
    assert command["command"] == "/tour"
    assert command["usage_hint"]
    assert len(command["description"]) <= 100


def test_interactivity_and_options_load_url() -> None:
    interactivity = manifest()["settings"]["interactivity"]
    assert interactivity["is_enabled"] is True
    assert interactivity["message_menu_options_url"].endswith("/slack/events")


def test_message_shortcut_and_events_for_conversations() -> None:
    m = manifest()
    [shortcut] = m["features"]["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", "book_from_message")
    assert set(m["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_mention", "message.channels", "message.groups", "message.im", "app_home_opened",
    }  # fmt: skip


def test_scopes_are_those_used() -> None:
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert scopes == {
        "commands", "chat:write", "users:read", "im:write", "app_mentions:read",
        "channels:history", "groups:history", "im:history",
        "usergroups:read",  # ALLOWED_USERGROUPS
    }  # fmt: skip


def test_display_limits() -> None:
    m = manifest()
    assert len(m["display_information"]["name"]) <= 35
    assert len(m["features"]["bot_user"]["display_name"]) <= 80
    assert m["settings"]["socket_mode_enabled"] is False


def test_procfile_runs_http_as_web_and_socket_mode_as_worker() -> None:
    lines = (ROOT / "Procfile").read_text().splitlines()
    assert lines == ["web: tourbot serve", "worker: tourbot socket"]
