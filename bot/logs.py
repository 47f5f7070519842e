"""Tourbot's logging: JSON lines in production or readable text, both through a filter that takes
contact details, notes and secrets out of every record before any handler writes it."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal, TextIO
from urllib.parse import quote, unquote

LogFormat = Literal["text", "json"]
LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR"]

# Fields whose whole value is private, wherever they appear (extra fields, dicts, key=value).
PRIVATE_KEYS = frozenset(
    {
        "email", "email_1", "phone", "phone_1", "notes", "note", "authorization", "token",
        "api_key", "password", "secret", "signing_secret", "bot_token", "app_token",
    }
)  # fmt: skip
# The least a library logger may log, whatever LOG_LEVEL says: below it they write statements
# with their parameters (aiosqlite, SQLAlchemy) or whole request and response bodies (slack_sdk,
# Bolt, whose app logger is tourbot.slack), or a line per call (httpx).
LIBRARY_FLOORS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiosqlite": logging.WARNING,
    "sqlalchemy": logging.WARNING,
    "slack_sdk": logging.WARNING,
    "slack_bolt": logging.WARNING,
    "tourbot.slack": logging.INFO,
}
# Library messages that go on to quote a request or response body, cut where the body begins.
_BODY_QUOTES = (
    "Invalid request signature detected",
    "Responding with",
    "A global middleware",
    "Unhandled request",
    "request body:",
    "Sending a request",
    "Received the following response",
    "Failed to run a middleware function",
    "Failed to run listener function",
)
WITHHELD = "(the rest is withheld: it may quote what an agent typed)"
SHORTEST_SECRET = 6  # a configured "secret" shorter than this would blank out ordinary words

_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

# Every pattern here runs on text a stranger may have sent, so each is linear in it: a match can
# only start where a run of its characters starts, and quantifiers are possessive or bounded.
_NOT_IN_EMAIL = r"\s@<>()\[\]{},;:\"'=&?/|\\"  # what ends an address in logged text
_IN_EMAIL, _IN_DOMAIN = f"[^{_NOT_IN_EMAIL}]", f"[^{_NOT_IN_EMAIL}.]"
_EMAIL = re.compile(rf"(?<!{_IN_EMAIL}){_IN_EMAIL}++@{_IN_DOMAIN}++(?:\.{_IN_DOMAIN}++)++")
# At most 15 digits (E.164's limit); never part of a word or of a decimal number like a Slack ts.
# A JSON-escaped line break (\\n) before the number counts as a space.
_PHONE = re.compile(
    r"(?:(?<=\\[nrt])|(?<!\w))(?<!\d\.)\+?\d(?:[ \t.\-/()+]{0,3}\d){6,14}(?!\d|\.\d)"
)
_PHONE_TAIL = re.compile(r"\[phone\](?:[ \t.\-/()+]{0,3}\d){3,}")  # the rest of a run of numbers
_NOT_PHONES = (
    re.compile(r"\d+\.\d+"),  # a decimal number: a Slack ts, a duration, a float
    re.compile(r"\d{4}-\d{2}-\d{2}\b.*"),  # a date, perhaps with a time after it
    re.compile(r"\d{1,3}(?:\.\d{1,3}){3}"),  # an IPv4 address
)
# A quoted value runs to its closing quote, or to the end when there is none.
_QUOTED = r"(?:\"(?:[^\"\\]|\\.)*+\"?|'(?:[^'\\]|\\.)*+'?)"
_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"\b(?:xox[a-z]|xapp)-[\w-]+"), "[token]"),
    (re.compile(r"(?i)(\bauthorization\b[\"']?\s*+[:=]\s*+[\"']?)[^\"'\r\n,}]*+"), r"\1[secret]"),
    (re.compile(r"(?i)\bbearer\s++[\w.~+/=-]+"), "Bearer [secret]"),
    (re.compile(r"(https://hooks\.slack\.com/)\S+"), r"\1[secret]"),
    (re.compile(r"((?<![a-z0-9+.-])[a-z][a-z0-9+.-]*+://[^/\s:@]++:)[^@\s/]++@"), r"\1[secret]@"),
    # pydantic's errors repeat the rejected value (cut to 50 characters): whatever the agent typed.
    (re.compile(r"(input_value=)[^\n]{0,400}?(?=, input_type=)"), r"\1[redacted]"),
    # A private key's value, quoted or not: 'notes': '…', "phone_1": "…", notes=…
    (re.compile(r"(?i)([\"']?\b(?:" + "|".join(sorted(PRIVATE_KEYS)) + r")\b[\"']?\s*+[:=]\s*+)"
                rf"(?:{_QUOTED}|[^\s,;(){{}}\[\]]++)"), r"\1[redacted]"),
)  # fmt: skip
_DECODE_ROUNDS = 3  # %2540 is %40 is @: a few rounds undo double encoding


def _decoded(text: str) -> str:
    """`text` with percent-encoding undone, so an encoded address or number looks like one."""
    for _ in range(_DECODE_ROUNDS):
        if "%" not in text:
            break
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return text


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = sum(char.isdigit() for char in text)
    plus = text.startswith("+")
    if any(shape.fullmatch(text) for shape in _NOT_PHONES):
        return text
    return "[phone]" if digits >= (8 if plus else 10) else text


def reason(exc: BaseException) -> str:
    """What went wrong, in words: the exception's own message, or what an exception without one
    (a timeout, a dropped connection) means."""
    text = str(exc).strip()
    if isinstance(exc, TimeoutError):
        return f"no answer in time ({text})" if text else "no answer in time"
    if text:
        return text
    if isinstance(exc, ConnectionError | OSError):
        return "the connection failed"
    return f"an unexpected {type(exc).__name__} with no message"


class Redactor:
    """Removes emails, phone numbers, tokens and `secrets` from text and structured values."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        literal = {s for s in secrets if s and len(s) >= SHORTEST_SECRET}
        literal |= {quote(s, safe="") for s in literal}
        self._secrets = sorted(literal, key=len, reverse=True)  # the longest first

    def text(self, text: str) -> str:
        text = _decoded(self._without_secrets(text))
        text = self._without_secrets(text)
        for pattern, replacement in _RULES:
            text = pattern.sub(replacement, text)
        text = _PHONE.sub(_phone, _EMAIL.sub("[email]", text))
        return _PHONE_TAIL.sub("[phone]", text)

    def _without_secrets(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[secret]")
        return text

    def value(self, value: object, key: str | None = None) -> object:
        """`value` with private fields blanked and every string redacted, at any depth."""
        if key is not None and key.lower() in PRIVATE_KEYS and value not in (None, ""):
            return "[redacted]"
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, Mapping):
            return {k: self.value(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple | set | frozenset):
            return [self.value(v) for v in value]
        if value is None or isinstance(value, bool | int | float):
            return value
        return self.text(repr(value))


class RedactingFilter(logging.Filter):
    """Rewrites each record in place (message, args, exception and stack text, extra fields) so
    that no handler after it, whatever its format, can write what was removed.

    It drops only library records below their floor (LIBRARY_FLOORS), which would carry SQL
    parameters or request bodies; library messages that quote a body lose everything after
    the quote's announcement; database errors are written without their parameters.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.redactor = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_redacted", False):
            return True
        floor = library_floor(record.name)
        if floor is not None and record.levelno < floor:
            return False
        try:
            self._redact(record, library=floor is not None)
        except Exception:  # a filter that raises would break the caller's logging call
            record.msg, record.args = "[log record withheld: it could not be redacted]", None
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        record._redacted = True
        return True

    def _redact(self, record: logging.LogRecord, *, library: bool) -> None:
        redact = self.redactor.text
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        for arg in args:
            if isinstance(arg, BaseException):
                hide_parameters(arg)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep both parts, redacted
            message = f"{record.msg} {record.args!r}"
        if library:
            message = _without_bodies(message)
        record.msg, record.args = redact(message), None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            hide_parameters(record.exc_info[1])
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key in extra_fields(record):
            setattr(record, key, self.redactor.value(getattr(record, key), key))


def library_floor(name: str) -> int | None:
    """The floor of the library logger `name` belongs to, or None for Tourbot's own."""
    while name:
        if name in LIBRARY_FLOORS:
            return LIBRARY_FLOORS[name]
        name = name.rpartition(".")[0]
    return None


def _without_bodies(message: str) -> str:
    for start in _BODY_QUOTES:
        if message.startswith(start):
            return f"{start} {WITHHELD}"
    return message


def hide_parameters(exc: BaseException) -> None:
    """Make database errors in `exc`'s chain leave out their parameters (an agent's words) when
    written: SQLAlchemy's errors read `hide_parameters` each time they are turned into text."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if hasattr(current, "hide_parameters") and hasattr(current, "params"):
            current.hide_parameters = True
        current = current.__cause__ or current.__context__


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, extra fields, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({key: getattr(record, key) for key in extra_fields(record)})
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """`time LEVEL logger: message key=value …`, for a person reading a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:
        line = super().formatMessage(record)
        extras = " ".join(f"{key}={getattr(record, key)!r}" for key in extra_fields(record))
        return f"{line} {extras}" if extras else line


def extra_fields(record: logging.LogRecord) -> list[str]:
    """The names of the fields a caller added with `extra=`."""
    return [k for k in vars(record) if k not in _STANDARD_ATTRS and not k.startswith("_")]


def configure_logging(
    format: LogFormat = "text",
    *,
    secrets: Iterable[str] = (),
    level: int | LogLevel = logging.INFO,
    stream: TextIO | None = None,
) -> RedactingFilter:
    """Log to `stream` (stderr) in `format` from `level` up (libraries never below their floor),
    and redact on every root handler, this one included.

    Calling it again replaces the handler it added before; handlers others added are kept.
    """
    level = logging.getLevelNamesMapping()[level] if isinstance(level, str) else level
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_tourbot", False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if format == "json" else TextFormatter())
    handler._tourbot = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name, floor in LIBRARY_FLOORS.items():
        logging.getLogger(name).setLevel(max(level, floor))
    redacting = RedactingFilter(secrets)
    install(redacting, root.handlers)
    return redacting


def install(redacting: RedactingFilter, handlers: Iterable[logging.Handler]) -> None:
    """Put `redacting` first on each handler, in place of any redacting filter it had."""
    for handler in handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.filters.insert(0, redacting)
