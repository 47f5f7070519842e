"""Email addresses in a message, typed or said in words, and those that are nobody's."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bot.booking.fields import Unreadable, read_email
from bot.understand.phones import Found

EMAIL = re.compile(
    r"(?<![\w.%+'-])[A-Za-z0-9_%+-][A-Za-z0-9._%+'-]*"
    r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# The office's and the lead sources' own addresses are never the prospect's.
_ROLE_EMAIL = re.compile(
    r"(?i)^(?:no-?reply|do-?not-?reply|notifications?|alerts?|leads?|info|leasing|rentals?|"
    r"mailer|support|admin|office|tours?)@"
)
# A listing site's relay ("3a9d77e1c0f24@reply.craigslist.org") forwards to someone unnamed.
_RELAY = re.compile(
    r"(?i)@(?:[\w-]+\.)*(?:craigslist|(?:reply|replies|relay|privaterelay|proxy|anon|masked)"
    r"[\w-]*)\."
)
# Said aloud: "at example dot com"; the part before "at" is read word by word, backwards.
_SPOKEN_DOMAIN = re.compile(
    r"(?i)\bat[ \t]+((?:[a-z0-9]{1,63}(?:-[a-z0-9]{1,63}){0,3}[ \t]+dot[ \t]+){1,4}"
    r"(?:com|net|org|edu|gov|io|co|us|me|info|biz|ca|uk|app|dev|ai))\b"
)
_SPOKEN_TOKEN = re.compile(r"[^\W_]+(?:-[^\W_]+)*|[,;:.!?\"“”()]")
_JOINERS = {"dot": ".", "period": ".", "underscore": "_", "dash": "-", "hyphen": "-"}
_NOT_LOCAL = frozenset("at is me my email e-mail mail address to reach via or and".split())


def find_emails(text: str) -> list[Found]:
    return [
        Found("email", m.group(0), m.group(0).lower(), m.start(), m.end())
        for m in EMAIL.finditer(text)
    ]


@lru_cache(maxsize=1024)
def is_nobodys(address: str) -> bool:
    """A relay or an office's own address: no person's email to store."""
    return bool(_ROLE_EMAIL.match(address) or _RELAY.search(address))


def find_spoken_emails(text: str) -> list[Found]:
    """Addresses said in words: "jane dot doe at example dot com", spelled letters allowed
    ("L-dot-F-E-R-N-A-N-D-E-Z", or a word then its spelling, which says it once)."""
    found = []
    for m in _SPOKEN_DOMAIN.finditer(text):
        domain = ".".join(part for part in m.group(1).lower().split() if part != "dot")
        local, start = _local_part(text, m.start())
        if not local:
            continue
        address = f"{local}@{domain}"
        try:
            read_email(address)
        except Unreadable:
            continue
        found.append(Found("email", address, address, start, m.end(), spoken=True))
    return found


def _local_part(text: str, end: int) -> tuple[str, int]:
    """The address's name, read backwards from `end` (where "at" is), and where it starts."""
    window_start = max(0, end - 160)
    tokens = list(_SPOKEN_TOKEN.finditer(text, window_start, end))
    parts: list[str] = []  # from the right: words, letters and joiners
    start = end
    need_joiner = False  # two words side by side end the name, unless one spells the other
    for token in reversed(tokens):
        word = token.group(0)
        if word in ",;:":
            continue
        if word in '.!?"“”()':
            break
        pieces = _spelled(word)
        lower = word.lower()
        if lower in _JOINERS:
            if not parts or parts[0] in _JOINERS.values():
                break
            parts.insert(0, _JOINERS[lower])
            need_joiner = False
        elif pieces is not None and not need_joiner:
            parts.insert(0, pieces)
            need_joiner = True
        elif need_joiner and parts and _plain(word) == parts[0] and pieces is None:
            parts[0] = _plain(word)  # "fernandez, F-E-R-N-A-N-D-E-Z": the spelling confirms
        elif need_joiner or lower in _NOT_LOCAL or not _plain(word):
            break
        else:
            parts.insert(0, _plain(word))
            need_joiner = True
        start = token.start()
    while parts and parts[0] in _JOINERS.values():
        parts.pop(0)
    return "".join(parts), start


def _spelled(word: str) -> str | None:
    """ "F-E-R-N" or "L-dot-F-E-R-N" as the letters (and dots) it spells; None for a word."""
    pieces = word.split("-")
    if len(pieces) < 2 or not all(len(p) == 1 or p.lower() in _JOINERS for p in pieces):
        return None
    return "".join(_JOINERS.get(p.lower(), p.lower()) for p in pieces)


def _plain(word: str) -> str:
    """The word in lower case, its accents dropped ("Fernández" is spelled F-E-R-N-A-N-D-E-Z)."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in "-_"))
