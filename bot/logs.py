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
from urllib.parse import quote

LogFormat = Literal["text", "json"]

# Fields whose whole value is private, wherever they appear (extra fields, dicts, key=value).
PRIVATE_KEYS = frozenset(
    {
        "email", "email_1", "phone", "phone_1", "notes", "note", "authorization", "token",
        "api_key", "password", "secret", "signing_secret", "bot_token", "app_token",
    }
)  # fmt: skip
QUIET_LOGGERS = {"httpx": logging.WARNING, "httpcore": logging.WARNING}  # a line per call is noise
SHORTEST_SECRET = 6  # a configured "secret" shorter than this would blank out ordinary words

_STANDARD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

_NOT_IN_EMAIL = r"\s@<>()\[\]{},;:\"'=&?/|\\"  # what ends an address in logged text
_EMAIL = re.compile(rf"[^{_NOT_IN_EMAIL}]+(?:@|%40)[^{_NOT_IN_EMAIL}.]+(?:\.[^{_NOT_IN_EMAIL}.]+)+")
# At most 15 digits (E.164's limit); never part of a word or of a decimal number like a Slack ts.
_PHONE = re.compile(
    r"(?<!\w)(?<!\d\.)(?:\+|%2[bB])?\d(?:(?:[ \t.\-/()]|%20){0,3}\d){6,14}(?!\d|\.\d)"
)
_PHONE_TAIL = re.compile(r"\[phone\](?:[ \t.\-/()]{0,3}\d){3,}")  # the rest of a run of numbers
_NOT_PHONES = (
    re.compile(r"\d+\.\d+"),  # a decimal number: a Slack ts, a duration, a float
    re.compile(r"\d{4}-\d{2}-\d{2}\b.*"),  # a date, perhaps with a time after it
    re.compile(r"\d{1,3}(?:\.\d{1,3}){3}"),  # an IPv4 address
)
_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"\b(?:xox[a-z]|xapp)-[\w-]+"), "[token]"),
    (re.compile(r"(?i)(\bauthorization\b[\"']?\s*[:=]\s*[\"']?)[^\"'\r\n,}]*"), r"\1[secret]"),
    (re.compile(r"(?i)\bbearer\s+[\w.~+/=-]+"), "Bearer [secret]"),
    (re.compile(r"(https://hooks\.slack\.com/)\S+"), r"\1[secret]"),
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@]+:)[^@\s/]+@"), r"\1[secret]@"),
    # pydantic's errors repeat the rejected value: it is whatever the agent typed.
    (re.compile(r"(input_value=)(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|.*?)(?=, input_type=)"),
     r"\1[redacted]"),
    # A private key's value, quoted or not: 'notes': '…', "phone_1": "…", notes=…
    (re.compile(r"(?i)([\"']?\b(?:" + "|".join(sorted(PRIVATE_KEYS)) + r")\b[\"']?\s*[:=]\s*)"
                r"(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|[^\s,;(){}\[\]]+)"), r"\1[redacted]"),
)  # fmt: skip


def _phone(match: re.Match[str]) -> str:
    text = match.group(0)
    digits = sum(char.isdigit() for char in text)
    plus = text.startswith(("+", "%2"))
    if any(shape.fullmatch(text) for shape in _NOT_PHONES):
        return text
    return "[phone]" if digits >= (8 if plus else 10) else text


class Redactor:
    """Removes emails, phone numbers, tokens and `secrets` from text and structured values."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        literal = {s for s in secrets if s and len(s) >= SHORTEST_SECRET}
        literal |= {quote(s, safe="") for s in literal}
        self._secrets = sorted(literal, key=len, reverse=True)  # the longest first

    def text(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "[secret]")
        for pattern, replacement in _RULES:
            text = pattern.sub(replacement, text)
        text = _PHONE.sub(_phone, _EMAIL.sub("[email]", text))
        return _PHONE_TAIL.sub("[phone]", text)

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
    that no handler after it, whatever its format, can write what was removed. Never drops one."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.redactor = Redactor(secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_redacted", False):
            return True
        try:
            self._redact(record)
        except Exception:  # a filter that raises would break the caller's logging call
            record.msg, record.args = "[log record withheld: it could not be redacted]", None
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        record._redacted = True
        return True

    def _redact(self, record: logging.LogRecord) -> None:
        redact = self.redactor.text
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep both parts, redacted
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key in extra_fields(record):
            setattr(record, key, self.redactor.value(getattr(record, key), key))


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
    level: int = logging.INFO,
    stream: TextIO | None = None,
) -> RedactingFilter:
    """Log to `stream` (stderr) in `format`, and redact on every root handler, this one included.

    Calling it again replaces the handler it added before; handlers others added are kept.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_tourbot", False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if format == "json" else TextFormatter())
    handler._tourbot = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name, quiet in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(max(level, quiet))
    redacting = RedactingFilter(secrets)
    install(redacting, root.handlers)
    return redacting


def install(redacting: RedactingFilter, handlers: Iterable[logging.Handler]) -> None:
    """Put `redacting` first on each handler, in place of any redacting filter it had."""
    for handler in handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.filters.insert(0, redacting)
