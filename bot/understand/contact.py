"""The prospect's email and phone: taken when the message makes one clearly theirs; another
person's go to the notes under their role ("Co-signer: 770-555-0109"); a business's stay put.

Whose each one is comes from where it sits (see `people`): what is said to be theirs ("my cell is",
"Phone:") beats where it sits (a contact block, a caller ID, a sign-off), a cell beats a work line,
and two different values that are equally theirs mean none. An address or number that was meant as
one but cannot be read ("jane@example", "phone 555 12") goes nowhere: in the notes it would outlive
the right one given later.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from bot.booking.fields import Unreadable, read_email, read_phone
from bot.time.words import read_phrase
from bot.understand.emails import EMAIL, find_emails, find_spoken_emails
from bot.understand.message import Message
from bot.understand.people import OTHERS, PROSPECTS, Reading, Whose, read_people, whose
from bot.understand.phones import Found
from bot.understand.scan import folded, lowered
from bot.understand.sections import display_name

# Meant as an email: "jane@example", "jane@gmail.", "jane at gmail dot com".
_EMAIL_TRIED = re.compile(
    r"(?<![\w.%+'-])[\w.%+'-]{1,64}@[\w.-]{0,253}[\w-]"
    r"|(?<![\w.+-])[\w.+-]{1,64}\s+[(\[]?at[)\]]?\s+[\w-]+(?:\s+[(\[]?dot[)\]]?\s+[\w-]+)+\b",
    re.I,
)  # each starts where a word does, and is bounded: a long run is scanned once
# Where a match of `_EMAIL_TRIED` may start: where the run of address characters before an "@"
# starts, or the run before a spaced "at".
_RUN_TO_AT_SIGN = re.compile(r"(?<![\w.%+'-])[\w.%+'-]{1,64}\Z")
_SPOKEN_AT = re.compile(r"\s[(\[]?at[)\]]?(?=\s)")  # in the text in lower case
_RUN_TO_SPACE = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}\Z")
# Meant as a phone: a number after "phone", "cell", "mobile", "tel" or "ph".
_PHONE_TRIED = re.compile(
    r"(?i)\b(?:phone|cell|mobile|tel|ph)(?:\s*(?:number|num|no\.?|#))?(?:\s*(?:is\b|[:#\-]))?"
    r"[ \t]*(?P<number>\+?\(?\d(?:[\d().\-]|[ \t](?=[\d(]))*)"
)
_PHONE_CUES = ("ph", "cell", "mobile", "tel")  # one is in every `_PHONE_TRIED`
_NUMBER = re.compile(r"\+?\(?\d(?:[\d().\-]|[ \t](?=[\d(]))*")
_FROM = re.compile(r"(?im)^[ \t>*]{0,12}from[ \t]*:[^\n]*")
_CC = re.compile(r"(?im)^[ \t>*]{0,12}cc[ \t]*:([^\n]*)")


def take_contacts(message: Message, sender: str | None) -> None:
    """Take the prospect's email and phone, name other people's in the notes, and hide every
    other address and number from later readers (a spare number is no time or budget)."""
    reading = read_people(message.text, sender, tuple(message.labels))
    verdicts: list[tuple[Found, Whose]] = []
    before: tuple[Found, Whose] | None = None
    for found in _candidates(message, sender, reading):
        verdict = whose(found, before, reading, message.labels)
        verdicts.append((found, verdict))
        before = (found, verdict)
    verdicts += _copied(message, reading)
    for kind in ("email", "phone"):
        _choose(message, kind, verdicts)
    _note_others(message, verdicts, reading)
    # What is left is no name, time or budget: a spare number, an office's address.
    message.hide_all([(found.start, found.end) for found, _ in verdicts] + reading.numbers)


def _candidates(message: Message, sender: str | None, reading: Reading) -> list[Found]:
    """Every email and phone in what is left of the message, typed or said, with the caller IDs
    and the sender that the email's headers held."""
    callers = {s.caller for s in reading.sections if s.caller is not None}
    found = [  # the numbers still there, and the caller IDs of the headers taken
        f
        for f in reading.phones
        if message.search[f.start : f.end] == message.text[f.start : f.end]
        or (f.start, f.end) in callers
    ]
    found += find_emails(message.search)
    if reading.transcript:
        spoken = find_spoken_emails(message.search)
        found += [s for s in spoken if not any(f.start < s.end and s.start < f.end for f in found)]
    if sender:
        for header in _FROM.finditer(message.text):
            at = header.group(0).find(sender)
            if at >= 0:
                start = header.start() + at
                found.append(
                    Found("email", sender, sender.lower(), start, start + len(sender), sender=True)
                )
    return sorted(found, key=lambda f: f.start)


def _copied(message: Message, reading: Reading) -> list[tuple[Found, Whose]]:
    """The people in Cc whom the message names by role ("Cc: Tasha Brown <…>", "my roommate
    Tasha"): theirs for the notes, never the prospect's."""
    copied = []
    for header in _CC.finditer(message.text):
        listed, after = header.group(1), 0
        for entry in EMAIL.finditer(listed):
            address, between = entry.group(0), listed[after : entry.start()]
            name = display_name(between[max(between.rfind(","), between.rfind(";")) + 1 :])
            after = entry.end()
            first = name.split()[0].lower() if name else ""
            person = next(
                (
                    p
                    for p in reading.people
                    if not p.beneficiary and p.name and p.name.split()[0].lower() == first
                ),
                None,
            )
            if person is not None:
                start = header.start(1) + entry.start()
                found = Found("email", address, address.lower(), start, start + len(address), True)
                full = name if len(name) > len(person.name) else person.name
                copied.append((found, Whose(OTHERS, role=person.role, name=full)))
    return copied


def _choose(message: Message, kind: str, verdicts: list[tuple[Found, Whose]]) -> None:
    """The prospect's one value of `kind`, if the surest of theirs agree on one."""
    others = {f.key for f, w in verdicts if f.kind == kind and w.owner == OTHERS}
    theirs = [
        (f, w)
        for f, w in verdicts
        if f.kind == kind and w.owner == PROSPECTS and not w.stale and f.key not in others
    ]
    for f, w in verdicts:
        if f.kind == kind and (why := _why_not(f, w)):
            message.leave_out(f.value, why)
    if not theirs:
        return
    best = max(w.rank for _, w in theirs)
    surest = [f for f, w in theirs if w.rank == best]
    if len({f.key for f in surest}) != 1:
        shown = " / ".join(dict.fromkeys(f.value for f in surest))
        message.leave_out(shown, f"{kind}s that are each the prospect's as much: ask which")
        return
    key = surest[0].key
    same = [f for f, _ in theirs if f.key == key]
    chosen = ([f for f in same if not f.spoken] or same)[0]
    message.set(kind, chosen.value, source=message.text[chosen.start : chosen.end])
    message.take_all((f.start, f.end) for f, _ in verdicts if f.kind == kind and f.key == key)


def _why_not(found: Found, verdict: Whose) -> str:
    """Why a contact is not the prospect's, for whoever asks what the reader did."""
    if verdict.owner == OTHERS:
        return f"the {verdict.role.lower()}'s: in the notes" if verdict.role else "the team's own"
    if verdict.owner == PROSPECTS:
        return "the writer said not to use it" if verdict.stale else ""
    if found.kind == "email":
        return "a listing site's relay or an office's address"
    return "a business's number (a footer, a help line, toll-free)"


def _note_others(message: Message, verdicts: list[tuple[Found, Whose]], reading: Reading) -> None:
    """One line in the notes for each other person whose contact the message gives:
    "Roommate: Tasha, tasha.b@example.com"."""
    people: list[tuple[str, str, list[Found]]] = []
    for found, verdict in verdicts:
        if verdict.owner != OTHERS or not verdict.role:
            continue
        same = [
            p
            for p in people
            if p[0] == verdict.role
            and (not p[1] or not verdict.name or _same_name(p[1], verdict.name))
        ]
        if same:
            role, name, contacts = same[0]
            people[people.index(same[0])] = (role, max(name, verdict.name, key=len), contacts)
            contacts.append(found)
        else:
            people.append((verdict.role, verdict.name, [found]))
    for role, name, contacts in people:
        if not name:  # "Guarantor Name: Susan Park" on one line, her phone on another
            names = {
                p.name for p in reading.people if p.role == role and p.name and not p.beneficiary
            }
            name = names.pop() if len(names) == 1 else ""
        values: list[str] = []
        keys: set[str] = set()
        for found in sorted(contacts, key=lambda f: (f.kind != "email", f.spoken)):
            if found.key not in keys:
                keys.add(found.key)
                values.append(found.value)
        message.note(f"{role}: " + ", ".join(([name] if name else []) + values))
        message.take_all((found.start, found.end) for found in contacts)


def _same_name(one: str, other: str) -> bool:
    return one.split()[0].lower() == other.split()[0].lower()


def take_unreadable(message: Message) -> None:
    """What was meant as an email or a phone but is neither goes: not a name, time or note."""
    for _, _, start, end in unreadable(message):
        message.take(start, end)


def unreadable(message: Message) -> list[tuple[str, str, int, int]]:
    """("email" or "phone", as written, start, end) of each piece of the message that was meant
    as an email or a phone but that the form's readers refuse. Read after `take_contacts`, which
    hides every address and number it could read."""
    found: list[tuple[str, str, int, int]] = []
    lower = lowered(message.search)
    # Each pattern only where its words are: a quick look spares a slow one.
    emails = _emails_tried(message.search, lower) if "@" in lower or "dot" in lower else ()
    for m in emails:
        written = m.group(0)
        timely = ("@" in written or any(c.isdigit() for c in written)) and read_phrase(
            written
        ).words
        if not timely and not _reads(read_email, written):
            found.append(("email", written, m.start(), m.end()))  # "fri@noon" is a time
    numbers = []
    if any(cue in lower for cue in _PHONE_CUES):
        numbers = [m.span("number") for m in _PHONE_TRIED.finditer(message.search)]
    for label in message.labelled("phone"):
        if number := _NUMBER.search(message.search, label.value_start, label.end):
            numbers.append(number.span())
    for start, end in sorted(set(numbers)):
        written = message.search[start:end].rstrip("(.- \t")
        if sum(c.isdigit() for c in written) >= 3 and not _reads(read_phone, written):
            found.append(("phone", written, start, start + len(written)))
    return found


def _emails_tried(text: str, lower: str) -> Iterator[re.Match[str]]:
    """`_EMAIL_TRIED.finditer(text)`, the pattern tried only where a match may start; `lower` is
    `text.lower()`."""
    at = 0
    for start in _tried_starts(text, folded(text) if len(lower) != len(text) else lower):
        if start >= at and (m := _EMAIL_TRIED.match(text, start)):
            yield m
            at = m.end()


def _tried_starts(text: str, lower: str) -> list[int]:
    """In order, every place a match of `_EMAIL_TRIED` may start (and more): each holds an "@"
    after its first run of address characters, or a spaced "at" (only where "dot" is in the
    text). `lower` is `text` in lower case, one character for one."""
    starts = set()
    after_sign = 0  # no run holds an "@": each is looked for after the last one
    for sign in re.finditer("@", text):
        if run := _RUN_TO_AT_SIGN.search(text, max(after_sign, sign.start() - 64), sign.start()):
            starts.add(run.start())
        after_sign = sign.end()
    if "dot" in lower:
        for spoken in _SPOKEN_AT.finditer(lower):
            blank = spoken.start()  # the first of the blanks before "at"
            while blank > 0 and text[blank - 1].isspace():
                blank -= 1
            if run := _RUN_TO_SPACE.search(text, max(0, blank - 64), blank):
                starts.add(run.start())
    return sorted(starts)


def _reads(reader: Callable[[str], object], text: str) -> bool:
    try:
        reader(text)
    except Unreadable:
        return False
    return True
