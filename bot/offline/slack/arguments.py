"""How the stand-in reads a Web API call's arguments as Slack does: query, form and JSON body
merged, JSON-string fields decoded, and single fields read leniently by type."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from bot.offline.slack.constants import Json

_JSON_FIELDS = ("blocks", "view", "attachments", "metadata")  # JSON strings in form bodies


def arg_text(args: Mapping[str, Any], key: str) -> str | None:
    """A field as a non-empty string (a number as its text), or None."""
    value = args.get(key)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return str(value)
    return value if isinstance(value, str) and value else None


def arg_flag(args: Mapping[str, Any], key: str) -> bool:
    """Whether a field is set to true, in any of the spellings a form or JSON body may use."""
    return args.get(key) in (True, 1, "1", "true", "True")


def json_list(value: object) -> list[Json] | None:
    """The objects in a list (anything else in it dropped), or None when it is not a list."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else None


async def read_args(request: web.Request) -> tuple[Json, str | None]:
    """Query string, form and JSON body merged (body wins); JSON-string fields decoded.

    Returns the arguments and the name of a field that held broken JSON, if any."""
    args: Json = dict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            raw = await request.text()
            if raw.strip():
                try:
                    body = json.loads(raw)
                except json.JSONDecodeError:
                    return args, "<body>"
                if not isinstance(body, dict):
                    return args, "<body>"
                args.update(body)
        else:
            form = await request.post()
            args.update({key: value for key, value in form.items() if isinstance(value, str)})
    broken: str | None = None
    for key in _JSON_FIELDS:
        value = args.get(key)
        if isinstance(value, str):
            try:
                args[key] = json.loads(value)
            except json.JSONDecodeError:
                broken = broken or key
    return args, broken
