"""manifest.yml is a Slack app manifest that matches what the code listens for."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.offline.slack import (
    COMMAND_SCOPE,
    EVENT_SCOPES,
    METHOD_SCOPES,
    ChannelKind,
    SlackStandIn,
)
from tests.harness import manifest_scopes

ROOT = Path(__file__).resolve().parents[2]
CALL = re.compile(r"\bclient\.([a-z]+(?:_[a-zA-Z]+)+)\(")
HEARD_IN: dict[str, ChannelKind] = {
    "message.channels": "public",
    "message.groups": "private",
    "message.im": "im",
    "message.mpim": "mpim",
}


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


def test_the_socket_mode_note_counts_the_url_lines() -> None:
    said = re.search(r"delete the\s+(?:#\s*)?(\w+) ", (ROOT / "manifest.yml").read_text())
    assert said is not None
    assert said[1] == ["none", "one", "two", "three", "four", "five"][len(urls(manifest()))]


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


def methods_the_bot_calls() -> set[str]:
    """Every Slack Web API method the code calls, as `client.chat_postMessage(` names it."""
    found: set[str] = set()
    for folder in ("bot", "handlers"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name != "slack_stand_in.py":  # Slack's side, not the bot's
                found |= {name.replace("_", ".") for name in CALL.findall(path.read_text())}
    return found


def test_the_method_search_finds_calls() -> None:
    assert {"views.open", "chat.postMessage", "users.info"} <= methods_the_bot_calls()


def test_scopes_are_those_used() -> None:
    """The manifest asks for what the code's Web API calls, its events and /tour need."""
    m = manifest()
    events = m["settings"]["event_subscriptions"]["bot_events"]
    methods = methods_the_bot_calls()
    unknown = methods - METHOD_SCOPES.keys()
    assert not unknown, f"add these to METHOD_SCOPES in bot/offline/slack/__init__.py: {unknown}"
    kinds = [HEARD_IN[event] for event in events if event in HEARD_IN]  # threads are read there
    needed = {scope for event in events if (scope := EVENT_SCOPES[event])}
    for method in methods:
        need = METHOD_SCOPES[method]
        if isinstance(need, str):
            needed.add(need)
        elif need is not None:
            needed |= {need[kind] for kind in kinds}
    if m["features"].get("slash_commands") or m["features"].get("shortcuts"):
        needed.add(COMMAND_SCOPE)
    assert sorted(manifest_scopes()) == sorted(needed)


def test_tests_run_with_the_scopes_an_installed_tourbot_has(slack: SlackStandIn) -> None:
    assert sorted(slack.scopes) == sorted(manifest_scopes())


def test_display_limits() -> None:
    m = manifest()
    assert len(m["display_information"]["name"]) <= 35
    assert len(m["features"]["bot_user"]["display_name"]) <= 80
    assert m["settings"]["socket_mode_enabled"] is False


def test_procfile_names_each_process_for_what_it_runs() -> None:
    lines = (ROOT / "Procfile").read_text().splitlines()
    assert lines == ["web: tourbot serve", "socket: tourbot socket", "worker: tourbot worker"]
