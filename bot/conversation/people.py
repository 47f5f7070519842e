"""Other people in a booking thread: a roommate, a co-signer, a partner who comes along. Their
details go in the notes, one line each ("Roommate: Tasha, tasha.b@example.com"), never in the
prospect's fields; "scratch the roommate" takes the line out again.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# How the reader names people in the notes, and the words agents use for them.
ROLES: dict[str, str] = {
    "roommate": "Roommate", "room-mate": "Roommate", "roomie": "Roommate",
    "flatmate": "Roommate", "housemate": "Roommate",
    "co-signer": "Co-signer", "cosigner": "Co-signer", "guarantor": "Guarantor",
    "co-applicant": "Co-applicant", "coapplicant": "Co-applicant",
    "dad": "Father", "father": "Father", "mom": "Mother", "mother": "Mother", "mum": "Mother",
    "parent": "Parent", "parents": "Parent", "husband": "Husband", "wife": "Wife",
    "spouse": "Partner", "partner": "Partner", "boyfriend": "Boyfriend",
    "girlfriend": "Girlfriend", "fiance": "Partner", "fiancé": "Partner", "fiancee": "Partner",
    "fiancée": "Partner", "brother": "Brother", "sister": "Sister", "son": "Son",
    "daughter": "Daughter", "friend": "Friend", "cousin": "Friend", "colleague": "Colleague",
    "coworker": "Colleague", "co-worker": "Colleague",
}  # fmt: skip
LABELS = frozenset(
    {*ROLES.values(), "Family", "Relative", "Employer", "Realtor", "Transferee", "Contact"}
    | {"Relocation consultant", "Relocation contact", "Emergency contact"}
)
# People on paper, not at the tour: "coming alone" does not take them out.
NOT_COMING = frozenset({"Co-signer", "Guarantor", "Employer", "Realtor", "Emergency contact"})
_ROLE_WORD = re.compile(
    r"(?i)\b(" + "|".join(re.escape(w) for w in sorted(ROLES, key=len, reverse=True)) + r")s?\b"
)
_NAME_WORD = re.compile(r"(?i)\bname\b|\bit'?s\b|\bspel(?:led|t)\b|\bgoes\s+by\b")
_LINE = re.compile(r"^(?P<label>[A-Z][A-Za-z-]*(?: [a-z]+)?): \S")
_DROP = re.compile(
    r"(?i)\b(?:scratch|drop|remove|forget|delete|take\s+out|lose|cross\s+off|no(?:\s+more)?"
    r"|without|cancel|never\s*mind)\s+(?:the\s+|her\s+|his\s+|their\s+)?(?P<role>[a-z-]+)"
    r"|\b(?:the\s+|her\s+|his\s+|their\s+)(?P<role2>[a-z-]+)\s+(?:isn'?t|is\s+not|won'?t\s+be"
    r"|will\s+not\s+be|can'?t|cannot|is\s+no\s+longer)\s+(?:coming|joining|there|make\s+it)"
)
_ALONE = re.compile(
    r"(?i)\b(?:coming|going|touring|be|come)\s+(?:by\s+(?:her|him|them)self|alone|solo)\b"
    r"|\bjust\s+(?:her|him|them)(?:self)?\s*$|\bno\s+one\s+else\b|\bnobody\s+else\b"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"\+?\d[\d\s().-]{8,}\d")


def person_lines(notes: str | None) -> list[str]:
    """The lines of the reader's notes that name another person ("Roommate: Tasha, …")."""
    if not notes:
        return []
    return [
        piece.strip()
        for piece in notes.split("; ")
        if (line := _LINE.match(piece.strip())) and line["label"] in LABELS
    ]


def named_after_someone_else(text: str) -> bool:
    """Whether the reply names someone else before it gives a name: "his roommate Jess is
    coming, last name Park" (Park is the roommate's), not "her last name is Dough, and her
    roommate Tasha is coming"."""
    role = _ROLE_WORD.search(text)
    name = _NAME_WORD.search(text)
    return bool(role and name and role.start() < name.start())


def mentions_someone_else(text: str) -> str | None:
    """The role of another person the reply speaks of ("her roommate Tasha"), if it does."""
    found = _ROLE_WORD.search(text)
    return ROLES[found.group(1).lower()] if found else None


def theirs(text: str, found: Mapping[str, str], role: str) -> dict[str, str]:
    """Of the contacts the reader gave the prospect, those the reply gives with another person
    ("her roommate Tasha, tasha@…"): the reply names the role and not the prospect's own
    ("her email is …" after the roommate is hers). Returns them by field."""
    taken: dict[str, str] = {}
    for key in ("email", "phone"):
        value = found.get(key)
        if not value:
            continue
        at = text.find(value)
        before = text[max(0, at - 40) : at].lower() if at >= 0 else ""
        own = re.search(r"\b(?:her|his|their|prospect'?s|client'?s)\s+(?:own\s+)?(?:email|e-mail"
                        r"|phone|cell|number|mobile)", before)  # fmt: skip
        if not own or _ROLE_WORD.search(before[own.end() :]):
            taken[key] = value
    return taken


def line_for(role: str, text: str, contacts: Mapping[str, str]) -> str:
    """ "Roommate: Tasha, tasha.b@example.com": the role, the name said after it, the contacts."""
    found = _ROLE_WORD.search(text)
    name = ""
    if found:
        after = re.match(
            r"[\s,:)]*(?:is\s+|named\s+|called\s+)?([A-Z][\w’'-]*[\w])", text[found.end() :]
        )
        # "Mark (her husband)": the name written just before the role.
        before = re.search(
            r"([A-Z][\w’'-]*[\w])[\s,(]*(?:her|his|their|the)?\s*$", text[: found.start()]
        )
        name = after.group(1) if after else before.group(1) if before else ""
    name = re.sub(r"['’]s$", "", name)
    return f"{role}: " + ", ".join(filter(None, [name, *contacts.values()]))


def dropped(text: str, notes: str | None) -> tuple[str | None, list[str]]:
    """The notes without the people the reply takes out ("scratch the roommate", "she's coming
    alone"), and the lines taken out."""
    if not notes:
        return notes, []
    roles: set[str] = set()
    for m in _DROP.finditer(text):
        word = (m["role"] or m["role2"] or "").lower().rstrip("s")
        if word in ROLES:
            roles.add(ROLES[word])
    alone = bool(_ALONE.search(text))
    kept_lines: list[str] = []
    gone: list[str] = []
    for line in notes.split("\n"):  # lines added in the thread, each perhaps "a; b; c"
        kept: list[str] = []
        for piece in line.split("; "):
            label = _LINE.match(piece)
            role = label["label"] if label else None
            if role in roles or (alone and role in LABELS and role not in NOT_COMING):
                gone.append(piece)
            else:
                kept.append(piece)
        if kept:
            kept_lines.append("; ".join(kept))
    return ("\n".join(kept_lines) or None), gone


def contacts_in(text: str) -> list[str]:
    """The emails and phone numbers written in `text`, as written."""
    return [m.group(0) for m in _EMAIL.finditer(text)] + [
        m.group(0).strip() for m in _PHONE.finditer(text)
    ]
