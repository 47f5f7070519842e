"""Whose an email or a phone is: the prospect's, another person's or a business's."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from bot.understand.emails import EMAIL, is_nobodys
from bot.understand.message import Label
from bot.understand.phones import (
    PHONE,
    Found,
    find_phones,
    find_spoken_phones,
    is_toll_free,
    typed_numbers,
)
from bot.understand.roles import Person, find_people, is_role_word
from bot.understand.sections import AGENT, OFFICE, PROSPECT, PROXY, Section, identity_line, split
from bot.understand.writers import SITES, speakers, writer_of

PROSPECTS, OTHERS, SERVICES = "prospect", "other", "service"


@dataclass(frozen=True)
class Whose:
    """Whose a contact is. The prospect's rank: 0 a work or spare line, 1 where it sits (a contact
    block, a caller ID), 2 said to be theirs ("my number is", "Phone:"), 3 their cell, said so."""

    owner: str
    rank: int = 1
    role: str = ""  # another person's role, for the notes ("Roommate"); "" is the team's own
    name: str = ""
    stale: bool = False  # "please don't call this number back"


SERVICE = Whose(SERVICES)
TEAM = Whose(OTHERS)  # one of the team's own: left where it is, not named in the notes
# Who wrote for the prospect, as a name the words of the message may use.
_PROXY_PERSON = Person(0, 0, "", "", "", beneficiary=False, with_writer=False)


_SERVICE_WORDS = re.compile(
    r"(?i)\b(?:support|help|client[ \t]+services?|customer[ \t]+(?:service|care|support)|"
    r"questions|inc|llc|ltd|corp|lead[ \t]+delivery|sent[ \t]+via|reply[ \t]+on|call[ \t]+us|"
    r"contact[ \t]+us|text[ \t]+us|leasing[ \t]+office|main[ \t]+(?:line|office)|"
    r"toll[ \t-]?free|fax)\b"
)
_STREET = re.compile(
    r"\b\d{1,6}[ \t]+(?:[A-Z][\w.]*[ \t]+){1,4}(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Boulevard|Dr|"
    r"Drive|Ln|Lane|Way|Pl|Place|Ct|Court|Pkwy|Parkway|Sq|Square|Hwy|Highway)\b"
)
_PROPERTY = re.compile(
    r"(?i)\b(?:apartments|lofts|towers|residences|commons|leasing|properties|property[ \t]+"
    r"management|realty)\b"
)
_WEBSITE = re.compile(r"(?i)\b(?:www\.)?[a-z0-9-]+\.(?:com|net|org|io|co|us|apartments)\b")
_TRANSCRIPT = re.compile(r"(?i)\b(?:voice[ \t-]?mail|transcri(?:pt|ption|bed)|phone[ \t]+call)\b")
_CLAUSE_END = re.compile(r"[.!]+\s|\s[-–—]+\s")
_BOUNDARY = re.compile(r"[\n|·•;]|[.!?]+[\"”’)]*(?=\s)")
_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|#")
_CELL = frozenset("cell cellphone mobile cel iphone personal preferred best".split())
_WORK = frozenset("work office business home landline alternate alt secondary backup desk".split())
_OLD = frozenset("old former previous outdated".split())
_FIRST = frozenset("my me mine myself".split())
_THIRD = {"her": "f", "hers": "f", "she": "f", "she's": "f", "his": "m", "him": "m", "he": "m",
          "he's": "m", "their": "", "theirs": "", "them": "", "they": ""}  # fmt: skip
_PROSPECT_WORDS = frozenset(
    "prospect client applicant renter tenant lead primary guest caller visitor walkin".split()
)
_SERVICE_TOKENS = frozenset("support help inc llc".split())
# Words of the tour itself: a contact after them belongs to whoever the booking is for.
_BARRIERS = frozenset(
    """
    mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat saturday sun
    sunday tmrw tomorrow today tonight am pm tour bed beds bedroom bedrooms br bd studio budget max
    lease move
    """.split()
)
_NEGATED = re.compile(
    r"(?i)(?:don'?t|do[ \t]+not|never)[ \t]+(?:call|text|use)[ \t]+(?:\w+[ \t]+)?$"
)
_ABBREVIATION = re.compile(r"(?<![^\W\d_])[^\W\d_]{1,3}$")
# A word after a number that says what line it is: "555-201-7788 (cell)", "… (work)".
_AFTER = re.compile(
    r"(?i)[ \t]*[(\[][ \t]*(cell|mobile|c|m|work|office|w|o|home|h|landline)[ \t]*[)\]]"
)
_CELL_LETTERS = _CELL | {"c", "m"}
# What any word or boundary of `_scan` needs: a window without one says nothing.
_WORDY = re.compile(r"[^\W\d_]|[#\n|·•;.!?]")
_LETTER_LABEL = re.compile(r"(?<![\w])([CcMmWwOoHh])[.:][ \t]*$")


@dataclass
class Reading:
    """What the message says of its people, read once per message."""

    text: str
    phones: list[Found]  # every number in the text, typed or said
    numbers: list[tuple[int, int]]  # where anything shaped like a phone number is
    sections: list[Section]
    people: Sequence[Person]
    writers: dict[int, tuple[str, str, str]]  # section start: (writer, role for notes, name)
    other_names: dict[str, Person]  # first names of the others, and of who wrote for the prospect
    transcript: bool  # a voicemail or a call: addresses may be said in words
    speakers: dict[int, bool]  # a chat's line start: True when the team's side speaks
    starts: list[int] = field(default_factory=list)
    person_starts: list[int] = field(default_factory=list)
    line_starts: list[int] = field(default_factory=list)
    label_spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # by kind, in order

    def __post_init__(self) -> None:
        self.starts = [s.start for s in self.sections]
        self.person_starts = [p.start for p in self.people]
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]

    def section_at(self, at: int) -> Section:
        return self.sections[max(0, bisect_right(self.starts, at) - 1)]

    def writer(self, section: Section) -> tuple[str, str, str]:
        return self.writers[section.start]

    def person_at(self, at: int) -> Person | None:
        i = bisect_right(self.person_starts, at) - 1
        return self.people[i] if i >= 0 and self.people[i].end > at else None

    def people_between(self, start: int, end: int) -> Sequence[Person]:
        return self.people[
            bisect_left(self.person_starts, start) : bisect_left(self.person_starts, end)
        ]

    def line_start(self, at: int) -> int:
        return self.line_starts[bisect_right(self.line_starts, at) - 1]

    def in_label(self, kind: str, at: int) -> bool:
        """Whether `at` is in the value of a label of `kind` ("Phone: …")."""
        spans = self.label_spans.get(kind, [])
        i = bisect_right(spans, (at, len(self.text) + 1)) - 1
        return i >= 0 and spans[i][0] <= at < spans[i][1]

    @cached_property
    def words(self) -> frozenset[str]:
        """The message's words, but the others' names: what an address may be named after."""
        found = set(re.findall(r"[a-z0-9]{3,}", _plain_text(EMAIL.sub(" ", self.text))))
        return frozenset(found - set(self.other_names))


@lru_cache(maxsize=8)
def read_people(text: str, sender: str | None, labels: tuple[Label, ...] = ()) -> Reading:
    typed = find_phones(text)
    spans = [(f.start, f.end) for f in typed]
    spoken = [s for s in find_spoken_phones(text) if not _overlaps(spans, s.start, s.end)]
    phones = sorted(typed + spoken, key=lambda f: f.start)
    sections = split(text, [(f.start, f.end) for f in phones])
    people = find_people(text)
    said = [label for label in labels if label.kind == "message"]
    writers = {s.start: writer_of(text, s, people, sender, said) for s in sections}
    # First names only: a co-signing father often shares the prospect's family name. Whom the
    # tour is for is no other person, though a subject line names them by role too.
    booked_for = {_plain(p.name.split()[0]) for p in people if p.beneficiary and p.name}
    other_names = {
        first: p
        for p in people
        if not p.beneficiary
        and len(p.name) >= 3
        and (first := _plain(p.name.split()[0])) not in booked_for
    }
    # Who writes for the prospect, or one of the team who signs: their contact is their own.
    for writer, _, name in writers.values():
        if writer in (PROXY, AGENT) and len(name) >= 3:
            first = _plain(name.split()[0])
            if first not in booked_for:
                other_names.setdefault(first, _PROXY_PERSON)
    transcript = any(s.kind == "call" for s in sections) or bool(_TRANSCRIPT.search(text))
    numbers = [m.span() for m in typed_numbers(text)]
    label_spans: dict[str, list[tuple[int, int]]] = {}
    for label in sorted(labels, key=lambda label: label.value_start):
        label_spans.setdefault(label.kind, []).append((label.value_start, label.end))
    return Reading(
        text, phones, numbers, sections, people, writers, other_names, transcript, speakers(text),
        label_spans=label_spans,
    )  # fmt: skip


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether (start, end) overlaps one of `spans`, sorted and apart."""
    i = bisect_right(spans, (start, end))
    return any(
        0 <= j < len(spans) and spans[j][0] < end and start < spans[j][1] for j in (i - 1, i)
    )


def whose(
    found: Found, before: tuple[Found, Whose] | None, reading: Reading, labels: list[Label]
) -> Whose:
    """Whose `found` is; `before` is the contact just before it, and whose that one is."""
    section = reading.section_at(found.start)
    writer, proxy_role, proxy_name = reading.writer(section)
    if found.kind == "phone" and is_toll_free(found.key):
        return SERVICE
    if found.kind == "email" and is_nobodys(found.value):
        return SERVICE
    if writer == OFFICE:
        return SERVICE
    cue, person, cell, work, stale, inherit = _scan(found, before, reading)
    team_speaks = reading.speakers.get(reading.line_start(found.start))
    if team_speaks and cue in ("first", "") and inherit is None:
        return TEAM  # the office's side of a chat: "Me: call me at …"
    if team_speaks is False and writer == AGENT:
        writer = PROSPECT
    verdict: Whose | None = None
    if cue == "first":
        if writer == AGENT and _quoted(found, reading, labels):
            verdict = Whose(PROSPECTS, 2)  # the prospect's words, quoted in the team's note
        else:
            verdict = {
                PROSPECT: Whose(PROSPECTS, 2),
                PROXY: Whose(OTHERS, role=proxy_role, name=proxy_name),
            }.get(writer, TEAM)
    elif cue == "third":
        if person is not None:
            verdict = _person(person)
        else:
            verdict = Whose(OTHERS, role="") if writer == PROSPECT else Whose(PROSPECTS, 2)
    elif cue == "person" and person is not None:
        verdict = _person(person)
    elif cue == "prospect":
        verdict = Whose(PROSPECTS, 2)
    elif cue == "service":
        verdict = SERVICE
    elif inherit is not None:
        verdict = _whose(inherit.owner, min(inherit.rank, 2), inherit.role, inherit.name)
    if (
        found.kind == "email"
        and verdict is not None
        and (cue in ("person", "") or (cue == "third" and person is None))
        and reading.other_names
    ):
        verdict = _by_name(found, verdict, reading) or verdict
    if verdict is None:
        verdict = _where(found, section, writer, proxy_role, proxy_name, reading, labels)
        if found.kind == "email" and verdict.owner == PROSPECTS and reading.other_names:
            verdict = _by_name(found, verdict, reading) or verdict
    if verdict.owner != PROSPECTS:
        return verdict
    rank = verdict.rank
    if cell:
        rank = min(3, rank + 1)
    if work:
        rank = 0
    return _whose(PROSPECTS, rank, "", "", stale or verdict.stale)


@lru_cache(maxsize=256)
def _whose(owner: str, rank: int, role: str, name: str, stale: bool = False) -> Whose:
    """A `Whose`, one object for equal ones: a long list of contacts builds each kind once."""
    return Whose(owner, rank, role, name, stale)


def _quoted(found: Found, reading: Reading, labels: list[Label]) -> bool:
    """`found` is in words quoted from someone: a lead form's "Message:", or between quotes."""
    if reading.in_label("message", found.start):
        return True
    line = reading.text[max(reading.line_start(found.start), found.start - 300) : found.start]
    return (line.count('"') + line.count("“") - line.count("”")) % 2 == 1


def _person(person: Person) -> Whose:
    if person.beneficiary:
        return Whose(PROSPECTS, 2)
    return Whose(OTHERS, role=person.role or "Contact", name=person.name)


def _scan(
    found: Found, before: tuple[Found, Whose] | None, reading: Reading
) -> tuple[str, Person | None, bool, bool, bool, Whose | None]:
    """The nearest word before `found`, in its sentence, that says whose it is: (what it says,
    the person it names, a cell, a work line, not to use, the verdict to share with the contact
    just before when nothing between them says otherwise)."""
    text = reading.text
    start = max(0, found.start - 160)
    inherit: Whose | None = None
    if before is not None and start <= before[0].end <= found.start:
        start, inherit = before[0].end, before[1]
        if after := _AFTER.match(text, start, found.start):
            start = after.end()  # "555-201-7788 (cell)": the word is that number's
    window = text[start : found.start]
    if not _WORDY.search(window):
        return "", None, *_after_says(text, found), False, inherit  # no word, no boundary
    last = None
    for boundary in _BOUNDARY.finditer(window):
        if boundary.group(0).startswith(".") and _ABBREVIATION.search(window, 0, boundary.start()):
            continue  # "c. 609-555-0153", "Tel. 703 555 0137"
        last = boundary
    if last is not None:
        start, inherit = start + last.end(), None
        window = text[start : found.start]
    stale = False
    cell, work = _after_says(text, found)
    if letter := _LETTER_LABEL.search(window):
        cell, work = (
            cell or letter.group(1).lower() in "cm",
            work or letter.group(1).lower() in "woh",
        )
    if _NEGATED.search(window):
        stale = True
    tokens = list(_TOKEN.finditer(window))[::-1][:8]
    for i, token in enumerate(tokens):
        word = token.group(0).lower().replace("’", "'")
        at = start + token.start()
        if word in _CELL:
            cell = True
            continue
        if word in _WORK and i <= 2:
            work = True
            continue
        if word in _OLD and i <= 2:
            stale = True
            continue
        person = reading.person_at(at)
        owner = word.endswith("'s")  # "theo's cell": Theo's, though he moves in with the writer
        if person is None and (
            named := reading.other_names.get(_plain(word[:-2] if owner else word))
        ):
            person = named if named is not _PROXY_PERSON else None
            if named is _PROXY_PERSON:
                return "first", None, cell, work, stale, None
        if person is not None and person.writer:
            return "first", None, cell, work, stale, None
        # "me and my roommate Ty (ty@…)": a contact right after someone is theirs, even one who
        # comes along with the writer
        attached = person is not None and not text[person.end : found.start].strip(" \t(,:-–")
        if person is not None and (owner or not person.with_writer or attached):
            return "person", person, cell, work, stale, None
        if word in _FIRST or (word in ("i'm", "im") and i > 0 and tokens[i - 1].group(0) == "at"):
            return "first", None, cell, work, stale, None
        if word in _THIRD:
            return "third", _resolve(_THIRD[word], at, reading), cell, work, stale, None
        walk_in = word == "in" and i + 1 < len(tokens) and tokens[i + 1].group(0).lower() == "walk"
        if word in _PROSPECT_WORDS or walk_in:  # "my walk-in Dan Osei dosei@…": the prospect's
            return "prospect", None, cell, work, stale, None
        if word in _SERVICE_TOKENS:
            return "service", None, cell, work, stale, None
        if word in _BARRIERS:
            return "", None, cell, work, stale, None
    return "", None, cell, work, stale, inherit


def _after_says(text: str, found: Found) -> tuple[bool, bool]:
    """(a cell, a work line) as the word after `found` says: "555-201-7788 (cell)"."""
    if after := _AFTER.match(text, found.end):
        cell = after.group(1).lower() in _CELL_LETTERS
        return cell, not cell
    return False, False


def _resolve(gender: str, at: int, reading: Reading) -> Person | None:
    """The person a "her" or a "his" at `at` stands for, if the message named one before it: the
    nearest of that gender, or one whose role does not say, named in the same sentence."""
    near = max(0, at - 300)
    sentence = max(reading.text.rfind(mark, near, at) for mark in (". ", "\n", "! ", "? "))
    i = bisect_right(reading.person_starts, at) - 1
    while i >= 0:
        person = reading.people[i]
        fits = (gender and person.gender == gender) or (
            not person.gender and person.start > sentence
        )
        if fits and person.end <= at and not person.with_writer and not person.writer:
            return None if _someone_else_since(reading.text, person, at) else person
        i -= 1
    return None


# A clause about someone by name: "…Kelsey Ford, priya doesn't have email yet, her cell is…".
_SUBJECT = re.compile(
    r"(?i)(?:^|[,;]|\b(?:and|but|so)\b)[ \t]*([^\W\d_][\w'’-]*)[ \t]+(?:doesn'?t|does|don'?t|has"
    r"|hasn'?t|have|is|isn'?t|was|wasn'?t|will|won'?t|can'?t|can|wants|needs|prefers|only|just"
    r"|uses|checks|said|says)\b"
)
_PRONOUNS = frozenset("she he they it i we you her his their my our this that who".split())


def _someone_else_since(text: str, person: Person, at: int) -> bool:
    """Whether a clause between `person` and `at` is about someone else named ("priya doesn't
    have email yet"): a "her" after it is that one's, the prospect's, not `person`'s."""
    own = {w.lower() for w in person.name.split()}
    for m in _SUBJECT.finditer(text, person.end, at):
        word = m.group(1).lower()
        if word not in _PRONOUNS and word not in own and not is_role_word(word):
            return True
    return False


def _where(
    found: Found,
    section: Section,
    writer: str,
    proxy_role: str,
    proxy_name: str,
    reading: Reading,
    labels: list[Label],
) -> Whose:
    """Whose a contact is that no word beside it claims: by the part and the block it sits in."""
    text = reading.text
    proxy = Whose(OTHERS, role=proxy_role, name=proxy_name)
    own = Whose(PROSPECTS, 1, stale=section.stale and found.kind == "phone")
    if found.kind == "phone" and section.work:
        own = Whose(PROSPECTS, 0, stale=own.stale)
    if reading.in_label(found.kind, found.start):
        return proxy if writer == PROXY else Whose(PROSPECTS, 2, stale=own.stale)
    if _service_segment(text, found, reading.line_start(found.start)):
        return SERVICE
    if section.kind == "quote" and writer == AGENT:
        return TEAM
    caller = section.caller is not None and section.caller[0] <= found.start < section.caller[1]
    if caller or found.sender or section.intro[0] <= found.start < section.intro[1]:
        if writer == PROXY:
            return proxy
        if writer == AGENT and not caller:
            return TEAM
        if caller and section.confirmed and not section.stale:
            return Whose(PROSPECTS, 2)
        return own
    if found.start >= section.signature and section.signature_staff:
        return TEAM
    if found.start >= section.signoff:
        if writer == AGENT and (section.signoff_marked or section.signoff_staff):
            return TEAM
        if writer == PROXY and not _names_beneficiary(section.signoff_name, reading):
            return proxy
        return own
    line_start = reading.line_start(found.start)
    line_end = text.find("\n", found.start, found.start + 300)
    line = text[max(line_start, found.start - 300) : found.end + 300 if line_end < 0 else line_end]
    if writer == PROXY:
        if not identity_line(line) and any(
            p.beneficiary for p in reading.people_between(section.start, found.start)
        ):
            return Whose(PROSPECTS, 1)
        return proxy
    return own


def _names_beneficiary(name: str, reading: Reading) -> bool:
    first = name.split()[0].lower() if name else ""
    return bool(first) and any(
        p.beneficiary and p.name and p.name.split()[0].lower() == first for p in reading.people
    )


def _service_segment(text: str, found: Found, line_start: int) -> bool:
    """A number in a business's footer: "Zillow Rentals · Support: (206) 555-0100"."""
    line_start = max(line_start, found.start - 200)
    parts = re.split(r"[·|•]", text[line_start : found.start])
    part = parts[-1]
    # The words just before it, in its clause: "Questions? Call Zumper Support at …", not "this
    # is June from the leasing office - Greg Holt wants a tour, …".
    clause = part[max((m.end() for m in _CLAUSE_END.finditer(part)), default=0) :]
    near = " ".join(clause.split()[-8:])
    if _SERVICE_WORDS.search(near) or (SITES.search(part) and len(part.split()) <= 3):
        return True
    if len(parts) > 1 and not re.search(r"[^\W\d_]{3,}", part):
        previous = parts[-2]
        if bool(SITES.search(previous) or _SERVICE_WORDS.search(previous)) and not (
            EMAIL.search(previous) or PHONE.search(previous)
        ):
            return True
    # A business's letterhead: "Maple Court Apartments | 100 Main St | (212) 555-0100".
    return len(parts) > 1 and any(
        _STREET.search(p) or _WEBSITE.search(EMAIL.sub(" ", p)) or _PROPERTY.search(p)
        for p in parts[:-1]
    )


def _by_name(found: Found, verdict: Whose, reading: Reading) -> Whose | None:
    """An address named after someone: "tasha.b@…" is Tasha's, whoever's sentence it is in."""
    local = [_plain(w) for w in re.findall(r"[^\W\d_]{3,}", found.value.split("@")[0])]
    theirs = [reading.other_names[w] for w in local if w in reading.other_names]
    ours = sum(w in reading.words for w in local)
    # "ava.quinn@…" beside "his gf Ava": hers, though she may share his family name.
    if len(theirs) > ours or (theirs and local[0] in reading.other_names):
        person = theirs[0]
        if person is _PROXY_PERSON:
            return None
        return Whose(OTHERS, role=person.role or "Contact", name=person.name)
    if ours > len(theirs) and verdict.owner == OTHERS:
        return Whose(PROSPECTS, 1)
    return None


def _plain(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _plain_text(word))


def _plain_text(text: str) -> str:
    """`text` in lower case without accents ("Fernández" is spelled F-E-R-N-A-N-D-E-Z)."""
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
