"""The server's edge, through the real server: a request is refused before anything reads its body
unless Slack signed it, in one log line that quotes none of it; a signed request the bot cannot
read gets a 400 and one line; a Slack that cannot be reached gets the agent a sentence. Never a
500, never a traceback, never a contact detail in the log, at DEBUG."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import json
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from urllib.parse import unquote, urlencode

import pytest
from httpx import Response

from bot.logs import configure_logging
from tests.harness import SIGNING_SECRET, RunningBot

NAME, NOTE = "Marguerite Okonkwo", "gate code 4417 she works nights"
PHONE, EMAIL = "+1 (555) 201-7788", "marguerite.private@example.com"
FORM = "application/x-www-form-urlencoded"
# What a body would put in the log if it were ever logged.
PRIVATE = ("Marguerite", "Okonkwo", "marguerite.private", "gate code", "works nights")


def command_body(bot: RunningBot) -> tuple[str, str]:
    """A /tour carrying every kind of contact detail, and its response_url."""
    payload = bot.agent.command_payload(f"{NAME} {EMAIL} {PHONE} tomorrow at 3pm notes: {NOTE}")
    return urlencode(payload), payload["response_url"]


@pytest.fixture
def log() -> Iterator[list[logging.LogRecord]]:
    """Every record any logger writes at DEBUG, after Tourbot's logging set-up."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record)

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    keep = Keep(logging.DEBUG)
    root.addHandler(keep)
    configure_logging("text", secrets=[SIGNING_SECRET], level="DEBUG", stream=io.StringIO())
    yield records
    root.handlers[:] = handlers
    root.setLevel(level)


def text_of(record: logging.LogRecord) -> str:
    return "\n".join([record.getMessage(), record.exc_text or "", repr(vars(record))])


def assert_nothing_private(records: list[logging.LogRecord], response_url: str = "") -> None:
    for record in records:
        text = text_of(record)
        for decoded in (text, unquote(text), unquote(unquote(text))):
            for private in PRIVATE:
                assert private not in decoded, text
            assert not any(d in decoded for d in ("201-7788", "201 7788", "2017788")), text
            assert not response_url or response_url not in decoded, text


def ours(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    """What Tourbot logged from INFO up, without the test server's access log."""
    return [r for r in records if r.name != "aiohttp.access" and r.levelno >= logging.INFO]


def signed(
    body: bytes, stamp: int | None = None, secret: str = SIGNING_SECRET
) -> dict[str, str | bytes]:
    when = str(int(time.time()) if stamp is None else stamp)
    digest = hmac.new(secret.encode(), b"v0:" + when.encode() + b":" + body, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": when, "X-Slack-Signature": "v0=" + digest.hexdigest()}


async def post(bot: RunningBot, content: bytes, headers: Mapping[str, str | bytes]) -> Response:
    """POST to /slack/events; header values as bytes, so one may hold what is not ASCII."""
    raw = [(k.encode(), v if isinstance(v, bytes) else v.encode()) for k, v in headers.items()]
    return await bot.http.post(bot.agent.events_url, content=content, headers=raw)


# -- requests Slack did not sign ------------------------------------------------------------------

UNSIGNED: dict[str, Callable[[bytes], dict[str, str | bytes]]] = {
    "a rotated secret": lambda body: signed(body, secret="the-previous-signing-secret"),
    "a clock 10 minutes behind": lambda body: signed(body, stamp=int(time.time()) - 600),
    "a clock 10 minutes ahead": lambda body: signed(body, stamp=int(time.time()) + 600),
    "no signature at all": lambda body: {},
    "a timestamp that is not a number": lambda body: {
        "X-Slack-Request-Timestamp": "yesterday",
        "X-Slack-Signature": signed(body)["X-Slack-Signature"],
    },
    "a timestamp of 400 digits": lambda body: {
        "X-Slack-Request-Timestamp": "9" * 400,
        "X-Slack-Signature": "v0=" + "0" * 64,
    },
    "a signature of other characters": lambda body: {
        "X-Slack-Request-Timestamp": str(int(time.time())),
        "X-Slack-Signature": "v0=ünïcödé".encode(),
    },
}


@pytest.mark.parametrize("how", list(UNSIGNED))
async def test_an_unsigned_command_is_refused_in_one_line_that_quotes_none_of_it(
    bot: RunningBot, log: list[logging.LogRecord], how: str
) -> None:
    body, response_url = command_body(bot)
    headers = {"Content-Type": FORM, **UNSIGNED[how](body.encode())}
    response = await post(bot, body.encode(), headers)
    assert response.status_code == 401
    [line] = ours(log)
    assert line.name == "bot.server" and line.levelno == logging.WARNING
    assert line.getMessage().startswith("refused a request to /slack/events: ")
    assert_nothing_private(log, response_url)
    assert bot.slack.calls_to("views.open") == []


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"type": "view_submission", "user": ', "application/json"),  # not JSON
        (b"payload=%7Bnot+json", FORM),
        (b"[1, 2, 3]", "application/json"),  # JSON, not an object
        (b"text=\xff\xfe\xfd+Marguerite", FORM),  # not UTF-8
        (b"command=%2Ftour&text=Marguerite+Okonkwo", f"{FORM}; charset=no-such-charset"),
    ],
)
async def test_an_unsigned_malformed_body_is_refused_like_any_other(
    bot: RunningBot, log: list[logging.LogRecord], content: bytes, content_type: str
) -> None:
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(int(time.time()))}
    headers["X-Slack-Signature"] = "v0=" + "1" * 64
    response = await post(bot, content, headers)
    assert response.status_code == 401
    [line] = ours(log)
    assert line.name == "bot.server" and not line.exc_info and not line.exc_text
    assert_nothing_private(log)


async def test_a_huge_unsigned_body_is_refused_at_once(
    bot: RunningBot, log: list[logging.LogRecord]
) -> None:
    # 900 KB of one letter: the old email pattern took minutes over it, holding every ack.
    headers = {"Content-Type": FORM, **signed(b"something else")}
    started = time.monotonic()
    response = await post(bot, b"a" * 900_000, headers)
    took = time.monotonic() - started
    assert response.status_code == 401
    assert took < 1.0, f"{took:.2f} s"
    assert len(ours(log)) == 1
    assert all(len(r.getMessage()) < 300 for r in log)


# -- signed, but not what Slack sends -------------------------------------------------------------


def interaction(payload: object) -> bytes:
    return urlencode({"payload": json.dumps(payload)}).encode()


USER = {"id": "U0AGENT01", "name": "Marguerite Okonkwo"}
SIGNED_BUT_ODD = {
    "not JSON": (b'{"type": "block_actions", ', "application/json"),
    "a form whose payload is not JSON": (b"payload=%7Bnot+json", FORM),
    "a JSON array": (b'["Marguerite Okonkwo"]', "application/json"),
    "a payload that is an array": (interaction(["Marguerite"]), FORM),
    "a payload that is a number": (interaction(3), FORM),
    "not UTF-8": (b"text=\xff\xfe+Marguerite+Okonkwo", FORM),
    "a view that is a string": (
        interaction({"type": "view_submission", "user": USER, "view": "Marguerite"}),
        FORM,
    ),
    "a view without its type": (
        interaction({"type": "view_submission", "user": USER, "view": {"callback_id": "x"}}),
        FORM,
    ),
    "actions that are a string": (
        interaction({"type": "block_actions", "user": USER, "actions": "Marguerite"}),
        FORM,
    ),
    "an event that is a string": (
        json.dumps({"type": "event_callback", "team_id": "T1", "event": "Marguerite"}).encode(),
        "application/json",
    ),
    "authorizations that are a string": (
        json.dumps({"type": "event_callback", "authorizations": "Marguerite"}).encode(),
        "application/json",
    ),
}


@pytest.mark.parametrize("shape", list(SIGNED_BUT_ODD))
async def test_a_signed_request_the_bot_cannot_read_gets_a_400_and_one_line(
    bot: RunningBot, log: list[logging.LogRecord], shape: str
) -> None:
    content, content_type = SIGNED_BUT_ODD[shape]
    headers = {"Content-Type": content_type, **signed(content)}
    response = await post(bot, content, headers)
    assert response.status_code == 400
    [line] = ours(log)
    assert line.levelno == logging.WARNING and not line.exc_info and not line.exc_text
    assert (
        "not shaped as Slack's" in line.getMessage()
        or "JSON" in line.getMessage()
        or ("UTF-8" in line.getMessage())
    )
    assert_nothing_private(log)


# -- Slack out of reach ---------------------------------------------------------------------------


async def test_a_command_while_slack_cannot_be_reached_gets_a_sentence(
    bot: RunningBot, log: list[logging.LogRecord]
) -> None:
    body, response_url = command_body(bot)
    await bot.slack.stop()  # nothing listens at SLACK_API_URL any more
    response = await bot.agent.post(body)
    assert response.status_code == 200
    assert response.json() == {
        "response_type": "ephemeral",
        "text": "Tourbot could not reach Slack just now, so nothing opened. "
        "Type /tour again in a minute.",
    }
    [line] = ours(log)
    assert line.name == "bot.app" and line.levelno == logging.WARNING
    assert line.getMessage().startswith("Slack could not be reached while answering the /tour")
    assert not line.exc_info and not line.exc_text
    assert_nothing_private(log, response_url)


async def test_slack_going_away_after_the_first_command_is_one_line(
    bot: RunningBot, log: list[logging.LogRecord]
) -> None:
    await bot.agent.command("Ana Lima tomorrow at 3pm")  # Bolt knows the bot from now on
    await bot.slack.wait_for("views.open")
    body, response_url = command_body(bot)
    await bot.slack.stop()
    log.clear()
    response = await bot.agent.post(body)
    assert (response.status_code, response.text) == (200, "")
    deadline = time.monotonic() + 5
    while not any("views.open" in r.getMessage() for r in log) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    lines = ours(log)
    assert any(r.getMessage().startswith("views.open for U") for r in lines), lines
    assert not any(r.exc_info or r.exc_text or r.levelno >= logging.ERROR for r in lines)
    assert_nothing_private(log, response_url)


# -- a store that fails a write -------------------------------------------------------------------


async def test_a_failed_store_write_is_logged_without_what_was_written(
    bot: RunningBot, log: list[logging.LogRecord]
) -> None:
    body, response_url = command_body(bot)
    await bot.agent.post(body)
    [opened] = await bot.slack.wait_for("views.open")
    database = bot.tourbot.settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as broken:  # every booking write now fails
        broken.execute("ALTER TABLE bookings RENAME TO bookings_elsewhere")
    answer = await bot.agent.submit(opened.response["view"]["id"], {"notes": NOTE})
    assert answer["response_action"] == "errors", answer
    [failed] = [r for r in log if r.getMessage() == "could not store a booking"]
    assert "bookings" in (failed.exc_text or "") and "parameters hidden" in (failed.exc_text or "")
    assert_nothing_private(log, response_url)
