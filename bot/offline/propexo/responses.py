"""The simulator's error answers, shaped as Propexo's: `{"error": {"code", "message",
"details"}}`, and the Zod-style 400 that lists every issue."""

from __future__ import annotations

from aiohttp import web

from bot.offline.propexo import schema


def error_response(
    status: int, code: str, message: str, details: dict[str, object] | None = None
) -> web.Response:
    error: dict[str, object] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    return web.json_response({"error": error}, status=status)


def zod_error(issues: list[schema.Issue]) -> web.Response:
    return error_response(
        400, "invalid_request", "invalid request", {"issues": issues, "name": "ZodError"}
    )


def refused(message: str) -> web.Response:
    return error_response(400, "invalid_request", message)
