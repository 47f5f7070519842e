"""The redacting log filter and the log formats: no email, phone, notes or secret is ever written,
from a message, its args, an exception, an extra field, or a whole booking run at DEBUG."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote, unquote_plus, urlencode

import httpx
import pytest
import sqlalchemy

from bot.logs import (
    LIBRARY_FLOORS,
    JsonFormatter,
    RedactingFilter,
    Redactor,
    configure_logging,
    reason,
)
from bot.offline.propexo import SimulatorServer
from bot.offline.slack import DEFAULT_CHANNEL_ID, SlackStandIn
from bot.propexo.errors import PropexoRejected
from tests.harness import SIGNING_SECRET, running_bot
from tests.timing import quickest

KEY = "pxo_live_9f8e7d6c5b4a"
redact = Redactor([KEY]).text


@pytest.fixture(autouse=True)
def root_logging() -> Iterator[None]:
    """Each test gets the root logger back as it found it."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    filters = {h: list(h.filters) for h in handlers}
    quiet = {name: logging.getLogger(name).level for name in LIBRARY_FLOORS}
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    for handler, kept in filters.items():
        handler.filters[:] = kept
    root.setLevel(level)
    for name, value in quiet.items():
        logging.getLogger(name).setLevel(value)


def phone_pattern(digits: str) -> re.Pattern[str]:
    """The number in any format: its digits with up to three other characters between them."""
    return re.compile(r"\D{0,3}".join(digits))


PHONE_ANYHOW = phone_pattern("5552017788")

# -- what is removed -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "jane@example.com",
        "Jane.Doe+tours@Example.CO.uk",
        "o'brien@mail.example.org",
        "josé.garcía@ejemplo.es",
        "ñandú@exämple.com",
        "jane😀@example.com",
        "زهرة@example.com",
        "search?q=jane%40example.com&limit=5",
        '{"email_1": "jane@example.com"}',
        "mailto:jane@example.com",
        "Jane Doe <jane@example.com>",
    ],
)
def test_emails_are_removed(text: str) -> None:
    out = redact(text)
    assert "@" not in out and "%40" not in out, out
    assert "[email]" in out or "[redacted]" in out


@pytest.mark.parametrize(
    "text",
    [
        "+15552017788",
        "+1 555 201 7788",
        "+1 (555) 201-7788",
        "1-555-201-7788",
        "(555) 201-7788",
        "(555)201-7788",
        "555-201-7788",
        "555.201.7788",
        "555 201 7788",
        "5552017788",
        "call 555-201-7788x12 after 5",
        "%2B15552017788",
        "tel:+15552017788",
        "phone=555-201-7788;",
        "+15552017788 12345",
        "555-201-7788 555-201-7788",
        "5552017788 5552017788 5552017788",
        "(+1) 555 201 7788",
    ],
)
def test_us_phones_are_removed_in_any_format(text: str) -> None:
    out = redact(text)
    assert not PHONE_ANYHOW.search(out), out


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("+44 20 7946 0958", "442079460958"),
        ("+442079460958", "442079460958"),
        ("+33 1 23 45 67 89", "33123456789"),
        ("+49 (0)30 901820", "49030901820"),
        ("+81-3-1234-5678", "81312345678"),
        ("0044 20 7946 0958", "00442079460958"),
    ],
)
def test_international_phones_are_removed(text: str, digits: str) -> None:
    out = redact(f"reach her on {text} today")
    assert not phone_pattern(digits).search(out), out


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("token xoxb-1234-5678-abcDEF", "xoxb-1234"),
        ("user token xoxp-1-2-3-abc", "xoxp-1"),
        ("socket with xapp-1-A0-123-abc", "xapp-1"),
        ("refresh xoxe.xoxp-1-abc", "xoxp-1"),
        ("Authorization: Bearer abc.def.ghi", "abc.def"),
        ("{'Authorization': 'Basic dXNlcjpwYXNz'}", "dXNlcjpwYXNz"),
        ('"authorization": "Token t0ps3cret"', "t0ps3cret"),
        ("headers bearer eyJhbGciOi.payload.sig", "eyJhbGciOi"),
        (f"propexo said no to {KEY}", KEY),
        (f"GET /x?key={KEY}", KEY),
        ("posting to https://hooks.slack.com/commands/T1/123/AbCsecret", "AbCsecret"),
        ("db postgresql://tourbot:hunter22@db.internal:5432/tours", "hunter22"),
        ("{'notes': 'gate code 4417, call her cell'}", "gate code"),
        ('{"notes": "gate code 4417, \\"cell\\""}', "gate code"),
        ("notes='lives with a dog'", "lives with"),
        ("api_key=abc123def456", "abc123def456"),
        ("1 validation error\nnotes\n  Value error [input_value='a private note', input_type=str]",
         "a private note"),
    ],
)  # fmt: skip
def test_secrets_and_notes_are_removed(text: str, gone: str) -> None:
    assert gone not in redact(text)


def test_a_url_quoted_key_is_removed_too() -> None:
    key = "pxo key/with+odd=chars"
    out = Redactor([key]).text("sent ?k=pxo%20key%2Fwith%2Bodd%3Dchars")
    assert "pxo%20key" not in out


@pytest.mark.parametrize(
    "text",
    [
        "command=%2Ftour&text=Jane+Doe+%2B1+555+201+7788+tomorrow",
        "text=Jane+%28555%29+201-7788+at+3",
        "text=%2B1%20%28555%29%20201-7788",
        "double %252B1%2520555%2520201%25207788",
        '{"text": "call her\\n555-201-7788 after 5"}',
        "q=jane%2540example.com",
    ],
)
def test_encoded_and_escaped_contact_details_are_removed(text: str) -> None:
    out = redact(text)
    for seen in (out, unquote(out), unquote(unquote(out))):
        assert not PHONE_ANYHOW.search(seen.replace("+", " ")), out
        assert "jane@" not in seen, out


# Runs of what each pattern looks for, a megabyte of each: a pattern that backtracks takes
# minutes to hours over these (the email pattern took 7 s over 30 KB of "a"); linear ones < 1 s.
HOSTILE = {
    "letters": "a",
    "dotted words": "a.",
    "at signs": "a@",
    "addresses without an end": "a@a.",
    "encoded at signs": "a%40",
    "percent signs": "%25",
    "digits": "1",
    "spaced digits": "1 ",
    "decimals": "1.",
    "plus signs": "+1",
    "escaped line breaks": "\\n1",
    "phone tails": "[phone] 1",
    "schemes": "a://b:",
    "tokens": "xoxb-",
    "bearers": "bearer ",
    "authorizations": "authorization ",
    "input values": "input_value=",
    "unclosed notes": " note:'",
    "escaped quotes": 'note:"\\',
    "address characters": "a.b-c_",
    "hooks": "https://hooks.slack.com/ ",
}
MEGABYTE = 1_000_000


@pytest.mark.parametrize("unit", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_megabyte_of_hostile_text_is_redacted_in_linear_time(unit: str) -> None:
    text = (unit * (MEGABYTE // len(unit) + 1))[:MEGABYTE]
    took = quickest(lambda: redact(text), under=3.0)
    assert took < 3.0, f"{took:.2f} s for a megabyte"


# -- what is kept --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "thread 1732505429.567100 in C0LEASING",
        "booking at 2026-11-25 15:00:00+00:00",
        "appointment_date 2026-11-25 appointment_time 21:00:00",
        "listening on 127.0.0.1:54321 and 192.168.100.200",
        "booking 3f9a1234567890abcdef4b2c7d8e9f01 is confirmed",
        "job job_000123 settled after 1.25 s",
        "rent $1,800–$2,200 (180000 cents)",
        "move-in 11/25/2026, lease 12 months",
        "user U0AGENT01 in C0LEASING, team T0TOURBOT",
        "took 0.30000000000000004 s",
        "ratio 1.5552017788 and 12345678901234567890",
        "retrying in 15 seconds (attempt 3 of 10)",
    ],
)
def test_ordinary_log_lines_are_kept(text: str) -> None:
    assert redact(text) == text


def test_a_short_configured_secret_is_not_used() -> None:
    # A key like "abc" would blank every word containing it.
    assert Redactor(["abc"]).text("abcdef") == "abcdef"


def test_structured_values_are_redacted_at_any_depth() -> None:
    value = Redactor([KEY]).value(
        {
            "prospect": {"email_1": "jane@example.com", "phone_1": "+15552017788", "id": "p1"},
            "notes": "gate code 4417",
            "items": ["555-201-7788", 3, None, KEY],
            "when": "2026-11-25",
        }
    )
    assert value == {
        "prospect": {"email_1": "[redacted]", "phone_1": "[redacted]", "id": "p1"},
        "notes": "[redacted]",
        "items": ["[phone]", 3, None, "[secret]"],
        "when": "2026-11-25",
    }


# -- the filter on records -----------------------------------------------------------------------


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose one handler redacts, then writes JSON lines to a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter([KEY]))
    logger = logging.getLogger("tests.logs.captured")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, buffer
    logger.removeHandler(handler)


def lines(buffer: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_args_are_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, buffer = captured
    logger.info("booking for %s (%s) with %r", "jane@example.com", "555-201-7788", {"k": KEY})
    logger.warning("%(who)s called", {"who": "+15552017788"})
    first, second = lines(buffer)
    assert first["message"] == "booking for [email] ([phone]) with {'k': '[secret]'}"
    assert second["message"] == "[phone] called"


def test_exception_text_is_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, buffer = captured
    try:
        raise ValueError(f"Propexo refused jane@example.com / 555 201 7788 with key {KEY}")
    except ValueError:
        logger.exception("delivery failed")
    [entry] = lines(buffer)
    trace = str(entry["exception"])
    assert "Traceback" in trace and "ValueError" in trace
    assert "jane@" not in trace and not PHONE_ANYHOW.search(trace) and KEY not in trace


def test_stack_and_extra_fields_are_redacted(captured: tuple[logging.Logger, io.StringIO]) -> None:
    logger, buffer = captured
    logger.info(
        "accepted",
        extra={
            "booking_id": "b1",
            "notes": "gate code 4417",
            "prospect": {"email": "jane@example.com", "name": "Jane"},
            "raw": "reach me at jane@example.com",
        },
        stack_info=True,
    )
    [entry] = lines(buffer)
    assert entry["booking_id"] == "b1"
    assert entry["notes"] == "[redacted]"
    assert entry["prospect"] == {"email": "[redacted]", "name": "Jane"}
    assert entry["raw"] == "reach me at [email]"
    assert "Stack (most recent call last)" in str(entry["stack"])


def test_a_broken_format_string_is_logged_not_raised(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = captured
    logger.info("two %s %s but one arg", "jane@example.com")
    [entry] = lines(buffer)
    assert "two %s %s" in str(entry["message"]) and "jane@" not in str(entry["message"])


def test_a_record_is_redacted_before_every_handler() -> None:
    # The filter rewrites the record itself: a second handler without it still sees it clean.
    first, second = io.StringIO(), io.StringIO()
    redacting = logging.StreamHandler(first)
    redacting.addFilter(RedactingFilter())
    plain = logging.StreamHandler(second)
    logger = logging.getLogger("tests.logs.two_handlers")
    logger.handlers[:] = [redacting, plain]
    logger.propagate = False
    logger.error("for %s", "jane@example.com")
    assert first.getvalue() == second.getvalue() == "for [email]\n"


def test_database_errors_are_written_without_their_parameters(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = captured
    engine = sqlalchemy.create_engine("sqlite://")  # parameters shown, SQLAlchemy's default
    try:
        with engine.connect() as connection:
            connection.execute(
                sqlalchemy.text("INSERT INTO nowhere VALUES (:name, :url)"),
                {"name": "Jane Doe", "url": "https://hooks.slack.com/commands/T1/2/x"},
            )
    except sqlalchemy.exc.OperationalError as exc:
        logger.warning("store write failed: %s", exc)
        logger.exception("could not store a booking")
    first, second = lines(buffer)
    for text in (str(first["message"]), str(second["exception"])):
        assert "INSERT INTO nowhere" in text and "parameters hidden" in text
        assert "Jane Doe" not in text and "commands/T1" not in text


def test_library_records_are_held_at_their_floor_and_never_quote_a_body(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = captured
    for name in ("aiosqlite", "sqlalchemy.engine.Engine", "slack_sdk.web", "tourbot.slack"):
        library = logging.getLogger(name)
        library.handlers[:], library.propagate = logger.handlers, False
        library.setLevel(logging.DEBUG)
        library.debug("executing INSERT ... ('Jane Doe', 'a note')")
    bolt = logging.getLogger("slack_bolt.RequestVerification")
    bolt.handlers[:], bolt.propagate = logger.handlers, False
    bolt.warning("Invalid request signature detected (body: text=Jane+Doe+%2B1+555+201+7788)")
    [entry] = lines(buffer)
    assert entry["message"] == (
        "Invalid request signature detected (the rest is withheld: it may quote what an agent "
        "typed)"
    )
    for name in ("aiosqlite", "sqlalchemy.engine.Engine", "slack_sdk.web", "tourbot.slack"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    bolt.handlers[:], bolt.propagate = [], True


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (TimeoutError(), "no answer in time"),
        (ConnectionResetError(), "the connection failed"),
        (PropexoRejected("Community is closed"), "Propexo rejected the request: Community is"),
    ],
)
def test_a_reason_is_in_words(error: Exception, said: str) -> None:
    assert reason(error).startswith(said)
    assert type(error).__name__ not in reason(error)


# -- formats and installation --------------------------------------------------------------------


def test_json_lines_have_time_level_logger_message_and_extras() -> None:
    stream = io.StringIO()
    configure_logging("json", stream=stream)
    logging.getLogger("bot.example").info("booking %s sent", "b1", extra={"attempt": 2})
    [entry] = lines(stream)
    assert set(entry) == {"time", "level", "logger", "message", "attempt"}
    assert (entry["level"], entry["logger"], entry["message"], entry["attempt"]) == (
        "INFO",
        "bot.example",
        "booking b1 sent",
        2,
    )
    assert str(entry["time"]).endswith("+00:00")


def test_text_lines_are_readable() -> None:
    stream = io.StringIO()
    configure_logging("text", stream=stream)
    logging.getLogger("bot.example").warning("slow: %s", "jane@example.com", extra={"ms": 900})
    line = stream.getvalue().strip()
    assert line.endswith("WARNING bot.example: slow: [email] ms=900")
    assert "{" not in line


def test_log_level_is_taken_by_name_and_libraries_keep_their_floor() -> None:
    stream = io.StringIO()
    configure_logging("text", level="DEBUG", stream=stream)
    assert logging.getLogger().level == logging.DEBUG
    assert logging.getLogger("aiosqlite").level == logging.WARNING
    assert logging.getLogger("tourbot.slack").level == logging.INFO
    configure_logging("text", level="WARNING", stream=stream)
    assert logging.getLogger("tourbot.slack").level == logging.WARNING


def test_configure_logging_redacts_on_every_root_handler(caplog: pytest.LogCaptureFixture) -> None:
    stream = io.StringIO()
    configure_logging("json", secrets=[KEY], stream=stream)
    configure_logging("json", secrets=[KEY], stream=stream)  # again: still one handler of ours
    logging.getLogger("bot.example").info("key %s for %s", KEY, "jane@example.com")
    assert len(lines(stream)) == 1
    [record] = caplog.records  # pytest's own handler got the filter too
    assert record.getMessage() == "key [secret] for [email]"
    assert logging.getLogger("httpx").level == logging.WARNING


# -- a whole booking, every library at DEBUG ----------------------------------------------------

EMAIL = "jane.private@example.com"
TYPED_PHONE = "(555) 201-7788"
URL_PHONE = "+1 555 201 7788"  # in a form body: %2B1+555+201+7788
NOTES = "Gate code 4417; she works nights"


def everything_logged(record: logging.LogRecord) -> str:
    extras = {k: v for k, v in vars(record).items() if k not in ("msg", "args", "exc_info")}
    return "\n".join([record.getMessage(), record.exc_text or "", repr(extras)])


async def test_a_booking_at_debug_logs_no_contact_detail_or_secret(
    caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    json_lines = io.StringIO()
    with SimulatorServer(settle=0.2, slowdown=0.05, api_key=KEY) as propexo:
        async with SlackStandIn() as slack:
            bot_token = "xoxb-offline-token"
            configure_logging(
                "json",
                secrets=[KEY, SIGNING_SECRET, bot_token],
                level=logging.DEBUG,
                stream=json_lines,
            )
            # What the filter saw before it ran, to prove there was something to remove; every
            # library at DEBUG, so the filter, not a logger's level, is what keeps them out.
            raw = _Recorder()
            logging.getLogger().handlers.insert(0, raw)
            for name in LIBRARY_FLOORS:
                logging.getLogger(name).setLevel(logging.DEBUG)
            async with running_bot(slack, propexo, tmp_path / "t.db") as bot:
                # A request signed with a rotated secret: Bolt used to log its whole body.
                forged = bot.agent.command_payload(f"Jane Doe {URL_PHONE} {NOTES}")
                body = urlencode(forged)
                headers = bot.agent.signed(body)
                headers["X-Slack-Signature"] = "v0=" + "0" * 64
                assert (await bot.agent.post(body, headers)).status_code == 401
                payload = bot.agent.command_payload(
                    f"Jane Doe {EMAIL} {TYPED_PHONE} tomorrow at 3pm"
                )
                response_urls = [forged["response_url"], payload["response_url"]]
                await bot.agent.post(urlencode(payload))
                [opened] = await slack.wait_for("views.open")
                view_id = opened.response["view"]["id"]
                await bot.agent.suggest(view_id, "prospect", "jane")
                await bot.agent.submit(view_id, {"notes": NOTES})
                await slack.wait_for(
                    "chat.postMessage",
                    3,
                    timeout=10,
                    where=lambda call: call.args.get("channel") == DEFAULT_CHANNEL_ID,
                )
            logging.getLogger().removeHandler(raw)
    [booked] = propexo.state.appointments
    assert booked.body["email_1"] == EMAIL and booked.body["notes"] == NOTES
    # Nor does the key reach Slack, in a message, a view or an error.
    assert KEY not in json.dumps([(c.args, c.response) for c in slack.calls], default=str)

    unfiltered = "\n".join(raw.texts)
    # The test has teeth: unfiltered, the run logs all of them (SQL parameters, API bodies).
    assert EMAIL in unfiltered and PHONE_ANYHOW.search(unfiltered) and NOTES in unfiltered
    assert "Jane Doe" in unfiltered and response_urls[1] in unfiltered

    texts = [everything_logged(r) for r in caplog.records] + json_lines.getvalue().splitlines()
    assert len(texts) > 30  # the run was logged, at DEBUG
    for text in texts:
        assert "jane.private" not in text, text
        assert not PHONE_ANYHOW.search(text), text
        assert bot_token not in text and "xoxb-" not in text, text
        assert KEY not in text, text
        assert SIGNING_SECRET not in text, text
        assert "Gate code" not in text and "Gate+code" not in text, text
        assert "Jane Doe" not in text and "Jane+Doe" not in text and "Doe" not in text, text
        assert not PHONE_ANYHOW.search(unquote_plus(text)), text
        for url in response_urls:
            assert url not in text and quote(url, safe="") not in text, text


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.texts.append(record.getMessage())
        except Exception:
            self.texts.append(str(record.msg))


# -- the real process ----------------------------------------------------------------------------


async def test_serve_writes_json_lines_when_told_to(tmp_path: Path) -> None:
    async with SlackStandIn() as slack:  # serve asks Slack about its token before it listens
        await _serve_json_lines(tmp_path, slack.api_url)


async def _serve_json_lines(tmp_path: Path, slack_api_url: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "PROPEXO_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-process-test",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack_api_url,
        PROPEXO_API_KEY=KEY,
        PROPEXO_BASE_URL="http://127.0.0.1:9",
        PROPEXO_INTEGRATION_ID="int_1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'serve.db'}",
        PORT=str(port),
        LOG_FORMAT="json",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        started = time.monotonic()
        async with httpx.AsyncClient() as http:
            while True:
                assert process.poll() is None and time.monotonic() - started < 15
                try:
                    if (await http.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    entries = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert any(str(e["message"]).startswith("Tourbot listening") for e in entries), output
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    assert KEY not in output
    # Bolt's "As you gave `client` as well, `token` will be unused" on every start.
    assert not [e for e in entries if e["level"] == "WARNING"], output
