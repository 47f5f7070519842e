"""The prospect's name, where the message shows it is one: a "Name:" field, the sender of a
forwarded email, "for Jane Doe", "Jane Doe wants…", the start of a note, or a sign-off.

A single word is never taken as a name unless a field says so: "book Jane tomorrow" leaves the
name to the agent. Names keep the case and accents they were written with.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import islice

from bot.booking.form import NAME_MAX
from bot.understand.message import Message
from bot.understand.name_words import (
    COMPANIONS,
    ONE_WORD,
    PARTICLES,
    RUN,
    STOP,
    TIGHT_RUN,
    TITLE,
    TITLE_BEFORE,
    Mode,
    W,
    capital,
    is_name,
    name_words,
    split_name,
)
from bot.understand.roles import Person, find_people
from bot.understand.scan import Anchored, may_hold

_COMPANION_BEFORE = re.compile(
    rf"(?i)\b(?:{'|'.join(re.escape(w) for w in COMPANIONS.split())})(?:['’]s)?"
    r"[ \t,:\-–]*(?:(?:is|named|called)[ \t]+)?$"
)
# Words after which a name comes: "for Jane Doe", "prospect: Jane Doe", "call Jane Doe at".
_BEFORE = re.compile(
    r"(?i)\b(?:for|book(?:ed|ing)?|schedul(?:e|ed|ing)|(?:(?:prospect|client|lead|customer"
    r"|applicant|renter)(?:['’]s\s+name)?(?:\s+(?:is|named))?)|named|name\s+is|name['’]?s|this\s+is"
    r"|i\s+am|i'm|i’m|it['’]?s|call|text|contact|reach|(?:email|e-mail|message|inquiry|voicemail|vm"
    r"|note|referral)\s+from|(?:tour|showing|appointment|meeting)\s+with"
    r"|(?:fit|squeeze|pencil|slot|get)\s+in|put\s+down|sign\s+up|add"
    r"|soy|me\s+llamo|mi\s+nombre\s+es)"  # Spanish: "soy María López"
    r"(?:[ \t]*+[:\-–][ \t]*+|[ \t]++)"
)
# Where a match of `_BEFORE` may begin: the pattern is tried only there.
_BEFORE_STARTS = Anchored(
    _BEFORE,
    (
        "for book schedul prospect client lead customer applicant renter name this i call text "
        "contact reach email e-mail message inquiry voicemail vm note referral tour showing "
        "appointment meeting fit squeeze pencil slot get put sign add soy me mi"
    ).split(),
)
_BEFORE_CUES = (
    "for book schedul prospect client lead customer applicant renter name this am i'm i’m it call "
    "text contact reach from with in put sign add soy llamo nombre"
).split()  # one is in every match of `_BEFORE`
# After these, a name may be written in lower case ("book jane doe tmrw 3pm").
_STRONG = re.compile(
    r"(?i)^(?:for|book\w*|prospect|client|lead|named|name\s+is|name['’]?s|this\s+is|it['’]?s|i'?m)"
)
# A name is often followed by what the prospect did or wants: "Jane Doe wants…".
_VERB_WORDS = (
    r"(?:wants|would|is|was|will|called|emailed|texted|messaged|reached"
    r"|needs|asked|requested|inquired|interested|looking|prefers|said|has|just|can|came|stopped"
    r"|sent|writes|wrote|says|messaged"
    r"|walked|plans|hopes|saw|liked|loved|works|lives|currently|come|comes|coming|could|might"
    r"|should|wanted|needed|prefers|booked|confirmed|tours|toured|visited)\b"
)
# After a word, a comma or blanks, then the verb: `(?<=\S)(?:[ \t]*+,[ \t]*+|[ \t]++)` written so
# each branch opens with the character it needs, which the engine skips ahead to.
_VERB = re.compile(
    rf",(?<=\S,)[ \t]*+{_VERB_WORDS}"
    rf"|[ \t](?<=\S[ \t])(?:[ \t]*+,[ \t]*+|[ \t]*+){_VERB_WORDS}"
    r"|['’][ds]\b"
)
_RUN_CLOSED = re.compile(r"[ \t]*(?:$|\n|[,;|•(]|[ \t]{2,}|[ \t]*[-–—/][ \t])", re.M)
_OPENING = re.compile(
    r"(?i)^[\s\W]*(?:(?:hi|hello|hey|yo|good\s+(?:morning|afternoon|evening)|team|all|folks"
    r"|fyi|new\s+lead|walk-?in|lead|update|urgent|fwd?|re|reminder|tour\s+request|request"
    r"|booking|appointment)\b[\s,:!.\-–—]*)*"
)
# A clause that is nothing but a name: "Spanish speaker, Rosa Delgado, 555-201-4321".
_CLAUSE = re.compile(
    rf"(?m)(?:^|(?<=[,;:|•])|(?<=\s[-–—])|(?<=[.!?] ))[ \t]*({W}(?:[ \t]+{W}){{1,5}})"
    r"(?=[ \t]*(?:[,;|•]|\s[-–—+&]\s|$))"
)
_SIGN_OFF = re.compile(
    r"(?im)(?:^[ \t]*(?:thanks|thank\s+you|thx|best|best\s+regards|regards|kind\s+regards"
    r"|warm\s+regards|cheers|sincerely|respectfully|take\s+care)[ \t]*[,!.]*[ \t]*\n[ \t]*"
    r"|^[ \t]*[-—–~][ \t]*)(?=\S)"
)


def take_name(message: Message, sender: str | None, not_names: frozenset[str]) -> None:
    booked_for = [p for p in find_people(message.text) if p.beneficiary]
    # Written for someone ("my son Ethan needs a 1br … - Grace Park"): who sends or signs is not
    # the prospect.
    writer = None if booked_for else sender
    found = (
        _labelled(message)
        or _named_parts(message, not_names)
        or _written_for(message, not_names)
        or _beneficiary(message, booked_for, not_names)
        or _spelled(message, not_names)
        or _from_sender(writer, not_names)
        or _in_text(message, not_names)
        or _as_in_email(message, not_names)
        or _field_list(message, not_names)
        or _introduced(message, not_names)
        or _speaker(message, not_names)
        or _quoted_sender(message, not_names)
        or _sender_first_name(writer)
        or (None if booked_for else _signed(message, not_names))
    )
    if not found or max(len(found[0]), len(found[1])) > NAME_MAX:
        return
    first, last = found
    if first:
        message.set("first_name", first)
    if last:
        message.set("last_name", last)
    # The first name alone goes too ("Hi Maria,"); a family name alone may be "the Okafor family".
    if last:  # as written, with the middle initial the name leaves out: "John Q. Public"
        pattern = rf"{TITLE}{re.escape(first)}[ \t]+(?:[^\W\d_]\.?[ \t]+)?{re.escape(last)}"
        for m in list(re.finditer(pattern, message.rest, re.I)):
            message.take(*m.span())
    for words in (f"{first} {last}".strip(), first):
        if words:
            message.take_words(words, prefix=TITLE_BEFORE)


def _labelled(message: Message) -> tuple[str, str] | None:
    first = last = ""
    used = []
    for label in message.labelled("name", "first_name", "last_name"):
        value = " ".join(message.search[label.value_start : label.end].split())
        said = message.text[label.start : label.value_start].lower()
        if label.kind == "name" and not (first or last) and "last," in said and "," in value:
            family, _, given = value.partition(
                ","
            )  # "Name (Last, First): Van der Berg, Mary Ellen"
            first, last = " ".join(given.split()), " ".join(family.split())
            used.append(label)
            continue
        if label.kind == "name" and not (first or last):
            if split := _comma_name(value):
                first, last = split
                used.append(label)
            elif m := RUN.match(value):
                words = name_words(m.group(1).split(), mode="label", not_names=frozenset())
                if words:
                    first, last = split_name(words)
            continue
        elif label.kind == "first_name" and RUN.fullmatch(value) and not first:
            first = value
        elif label.kind == "last_name" and RUN.fullmatch(value) and not last:
            last = value
        else:
            continue
        used.append(label)
    if not first:
        return None
    for label in used:  # "Last Name: Hernández Ruiz" goes whole
        message.take(label.start, label.end)
    return first, last


# The parts named apart, mid-sentence: "first name Siobhan, … last name Ní Bhriain",
# "Li Wei (last name Li, first name Wei)", "for Abby (last name Nguyen)".
_FIRST_NAMED = re.compile(
    rf"(?i)\b(?:first|given)[ \t]+name(?:[ \t]+is|['’]s)?[ \t]*[:\-–]?[ \t]*({W})"
)
_LAST_NAMED = re.compile(
    rf"(?i)\b(?:last|family|sur)[ \t]*name(?:[ \t]+is|['’]s)?[ \t]*[:\-–]?[ \t]*"
    rf"({W}(?:[ \t]+{W}){{0,3}})"
)


def _named_parts(message: Message, not_names: frozenset[str]) -> tuple[str, str] | None:
    text = message.search
    if "name" not in text.lower():
        return None
    last = next((m for m in _LAST_NAMED.finditer(text) if not _companion(text, m.start())), None)
    family = _family_words(last.group(1).split(), not_names) if last else ""
    if not last or not family:
        return None
    first = next((m for m in _FIRST_NAMED.finditer(text) if not _companion(text, m.start())), None)
    given = first.group(1).rstrip(".") if first else _given_before(text, last.start(), not_names)
    if not given or not _name_word(given, not_names):
        return None
    if first:
        message.take(first.start(), first.end())
    # the label and the family name, not what the run of words went on to
    message.take(
        last.start(),
        last.start(1) + last.group(1).index(family.split()[-1]) + len(family.split()[-1]),
    )
    return given, family


def _family_words(words: list[str], not_names: frozenset[str]) -> str:
    """ "Ní Bhriain", "de la Cruz": written as a name, up to the first word that is not one."""
    kept: list[str] = []
    for word in words[:4]:
        bare = word.rstrip(".,")
        if (
            (kept and bare.lower() in PARTICLES)
            or _name_word(bare, not_names)
            or (not kept and bare.lower() in PARTICLES)
        ):
            kept.append(bare)
        else:
            break
        if word.endswith((".", ",")):
            break
    while kept and kept[-1].lower() in PARTICLES:
        kept.pop()
    return " ".join(kept)


def _name_word(word: str, not_names: frozenset[str]) -> bool:
    low = word.lower()
    return (
        bool(ONE_WORD.fullmatch(word))
        and word[:1].isupper()
        and not (word.isupper() and len(word) > 1)
        and low not in STOP
        and low not in not_names
    )


def _given_before(text: str, end: int, not_names: frozenset[str]) -> str:
    """The one word said as the first name just before the family name: "for Abby (last name…",
    "it's Kaitlyn with a K and a Y, last name O'Donoghue"."""
    given = ""
    for cue in _BEFORE.finditer(text, max(0, end - 80), end):
        if (m := RUN.match(text, cue.end())) and not _companion(text, m.start(1)):
            word = m.group(1).split()[0].rstrip(".,")
            if _name_word(word, not_names):
                given = word
    return given


def _beneficiary(
    message: Message, people: Sequence[Person], not_names: frozenset[str]
) -> tuple[str, str] | None:
    """The name of whom the message is written for, by role: "my son Ethan", "my daughter Ava
    Ruiz"; a first name alone is taken, the role saying it is one, with the family name the
    message gives it elsewhere ("my girlfriend Kayla … under her name - Kayla Jefferson")."""
    for person in people:
        words = person.name.split()
        if not words or not all(_name_word(w, not_names) or w.lower() in PARTICLES for w in words):
            continue
        if len(words) == 1:
            for m in re.finditer(rf"\b{re.escape(words[0])}[ \t]+({W})", message.text):
                if _name_word(family := m.group(1).rstrip("."), not_names):
                    return words[0], family
        return split_name(words)
    return None


def _comma_name(value: str) -> tuple[str, str] | None:
    """ "Doe, Jane" (as Outlook shows a sender): the family name first."""
    m = re.fullmatch(rf"({W})[ \t]*,[ \t]*({W})", value)
    return (m.group(2), m.group(1)) if m else None


def _from_sender(sender: str | None, not_names: frozenset[str]) -> tuple[str, str] | None:
    if not sender:
        return None
    if split := _comma_name(sender):
        return split
    words = name_words(sender.split(), mode="title", not_names=not_names)
    if words and len(words) == len(sender.split()):
        return split_name(words)
    return None


def _sender_first_name(sender: str | None) -> tuple[str, str] | None:
    """ "From: Leilani": a first name is all this sender gives (when the text names no one)."""
    if sender and len(sender.split()) == 1 and is_name(sender) and sender[0].isupper():
        return sender, ""
    return None


# The person a message is written for, when someone else writes it: "on behalf of my daughter,
# Caitríona O'Donnell", "calling for my son, Ethan Foster", "book for my prospect: Oscar Lindahl".
_FOR_WHOM = re.compile(
    r"(?i)\b(?:on\s+behalf\s+of|for|coordinating\s+housing\s+for|book(?:ing)?\s+(?:a\s+tour\s+)?for"
    r"|referr(?:al|ing|ed)|recommended|sent)\s+(?:my|our|a|the|his|her|their)\s+(?:new\s+)?"
    r"(?:daughter|son|kid|child|prospect|client"
    r"|transferee|employee|hire|new\s+hire|tenant|customer|lead|candidate|relocatee|assignee"
    r"|grand(?:son|daughter)|niece|nephew|friend|sister|brother|mom|mother|dad|father|wife"
    r"|husband|partner|fianc[eé]e?|cousin|aunt|uncle|coworker|colleague)\b"
    r"[ \t]*[,:\-–]?\s*(?:named\s+|is\s+)?"
)


# A colleague's prospect: "can you book my walk-in Daniel Osei", "schedule our applicant Ana Ruiz".
_THEIR_PROSPECT = re.compile(
    r"(?i)\b(?:book|schedule|set\s+up|fit\s+in|squeeze\s+in|add|show)\s+(?:in\s+)?(?:my|our)\s+"
    r"(?:new\s+)?(?:walk-?in|guest|caller|prospect|client|lead|applicant|visitor|renter|customer)"
    r"(?:\s+(?:prospect|client|lead))?\b[ \t]*[,:\-–]?\s*(?:named\s+|is\s+)?"
)
_FOR_WHOM_CUES = ("behalf", "for", "referr", "recommended", "sent")
_THEIR_CUES = ("my ", "our ")


def _written_for(message: Message, not_names: frozenset[str]) -> tuple[str, str] | None:
    text = message.search
    cues: list[re.Match[str]] = []
    if may_hold(text, _FOR_WHOM_CUES, ignore_case=True):
        cues.extend(_FOR_WHOM.finditer(text))
    if may_hold(text, _THEIR_CUES, ignore_case=True):
        cues.extend(_THEIR_PROSPECT.finditer(text))
    for cue in sorted(cues, key=lambda c: c.start()):
        if m := RUN.match(text, cue.end()):
            found = name_words(m.group(1).split(), mode="title", not_names=not_names)
            if found:
                return split_name(found)
    return None


# A name spelled out letter by letter, as callers do: "my name's Colm, C-O-L-M, Byrne".
_SPELLING = re.compile(r"\b[A-Za-z](?:[-.][A-Za-z]){2,}\b(?![-.]?[A-Za-z]\b)")
_SPELLED_CUE = re.compile(
    r"(?i)\b(?:name\s+is|name['’]?s|this\s+is|it['’]?s|i'?m|last\s+name\s+is|first\s+name\s+is)\s+"
)


_SPELLED_CUES = ("name", "this", "it", "im", "i'm")  # one is in every match of `_SPELLED_CUE`


def _letters(spelling: str) -> int:
    """How many letters "C-O-L-M" or "A.B.C" spells."""
    return len(spelling) - spelling.count("-") - spelling.count(".")


def _spelled(message: Message, not_names: frozenset[str]) -> tuple[str, str] | None:
    """The words a caller spells out are the name, in the order spelled; a spelling that matches
    no word said ("oh con co, sorry, Okonkwo, O-K-O-N-K-W-O") is the name as spelled."""
    text = message.search
    # Only the first two are read: a page of spellings is not gone through.
    spellings = list(islice((m for m in _SPELLING.finditer(text) if _letters(m[0]) >= 3), 2))
    if not spellings or not may_hold(text, _SPELLED_CUES, ignore_case=True):
        return None
    if not _SPELLED_CUE.search(text, max(0, spellings[0].start() - 80)):
        return None
    words: list[str] = []
    cue = _SPELLED_CUE.search(text, max(0, spellings[0].start() - 80))
    said_first = RUN.match(text, cue.end()) if cue else None
    for m in spellings[:2]:
        letters = re.sub(r"[-.]", "", m.group(0))
        said = re.findall(
            rf"(?i)\b{re.escape(letters)}\b", text[max(0, m.start() - 60) : m.start()]
        )
        words.append(said[-1] if said else letters.capitalize())
    if len(words) == 1:
        # "this is Aoife, that's A-O-I-F-E, Donnelly": the family name follows the spelling.
        after = re.match(
            rf"[\s,]*(?:and\s+)?(?:the\s+)?(?:last\s+name\s+is\s+)?({W})",
            text[spellings[0].end() :],
        )
        if after and after.group(1)[0].isupper() and after.group(1).lower() not in STOP:
            words.append(after.group(1).rstrip("."))
    if any(w.lower() in STOP or w.lower() in not_names for w in words):
        return None
    first_word = said_first.group(1).split()[0].rstrip(".,") if said_first else ""
    if first_word and first_word.lower() != words[0].lower() and is_name(first_word):
        # "this is Shauna oh con co, sorry, Okonkwo, O-K-O-N-K-W-O": only the family name spelled
        return first_word, words[0]
    return (words[0], words[1] if len(words) > 1 else "")


# A chat or text export: "Kateryna: Hi…", "[11/24/26, 9:14 PM] Lorenzo De Luca: …".
_SPEAKER = re.compile(
    rf"(?m)^[ \t]*(?:\[[^\]\n]*\][ \t]*)?({W}(?:[ \t]+{W}){{0,3}})[ \t]*:[ \t]+\S"
)


# Shorthand fields between separators: "nisha patel / nisha.p@example.com / sat 11a / maple".
# (Two spaces or more are where a taken email or phone stood: a separator too.)
_SEPARATED = re.compile(r"[ \t]*(?:/|\|| - |;|·|•|,|\+|&|[?!.](?=\s))[ \t]*|[ \t]{2,}")
_FIELD_PREFIX = re.compile(r"(?i)^[ \t]*(?:[a-z][a-z \-]{0,30}:[ \t]*)?")


def _field_list(message: Message, not_names: frozenset[str]) -> tuple[str, str] | None:
    """In a line of fields an agent typed between separators, the one that is only a name."""
    lines = message.search.splitlines()
    many_lines = len(message.search.strip().splitlines()) >= 3  # once, not once a line
    nameless: set[str] = set()  # pieces read already: a page of the same fields is read once
    for line in lines:
        pieces = [p for p in _SEPARATED.split(line) if p.strip()]
        alone = len(pieces) == 1 and many_lines
        if len(pieces) < 2 and not alone:
            continue
        for piece in pieces:
            if piece in nameless:
                continue
            nameless.add(piece)
            piece = piece[_FIELD_PREFIX.match(piece).end() :].strip(" ,.")  # type: ignore[union-attr]
            words = piece.split()
            if not 2 <= len(words) <= 4 or not all(ONE_WORD.fullmatch(w) for w in words):
                continue
            mode: Mode = "lower" if piece.islower() else "title"
            found = name_words(words, mode=mode, not_names=not_names)
            if found and len(found) == len(words):
                return split_name([w if w[:1].isupper() else capital(w) for w in found])
    return None


# "Rahul Mehta here", "Mrs. Johnson": a name as people introduce themselves in texts.
_HERE = re.compile(rf"(?<![\w'’\-])({W}(?:[ \t]+{W}){{1,3}})[ \t]+here\b")
_TITLED = re.compile(
    rf"(?i)(?<!\band )\b(?:mr|mrs|ms|miss|mx|dr)\.?[ \t]+({W})\b(?![ \t]+[A-Z]|[ \t]+and\b)"
)


_TITLES = ("mr", "ms", "miss", "mx", "dr")  # one is in every match of `_TITLED`


def _introduced(message: Message, not_names: frozenset[str]) -> tuple[str, str] | None:
    here = _HERE.finditer(message.search) if "here" in message.search else ()
    for m in here:
        words = m.group(1).split()
        for start in range(len(words) - 1):
            found = name_words(words[start:], mode="title", not_names=not_names)
            if found and len(found) == len(words) - start:
                return split_name(found)
    if not may_hold(message.search, _TITLES, ignore_case=True):
        return None
    for m in _TITLED.finditer(message.search):
        family = m.group(1).rstrip(".")
        if family[0].isupper() and is_name(family) and family.lower() not in not_names:
            return "", family  # "this is Mrs. Johnson": the family name, and no first name
    return None


# The writer of a quoted email: "On Tue, Nov 24, 2026 at 8:12 PM Ji-ho Shin <…> wrote:".
_WROTE = re.compile(
    r"(?im)^[ \t>]*on\s[^\n]{0,60}?\d[ \t]*(?:[ap]m)?[ \t,]+"
    rf"({W}(?:[ \t]+{W}){{1,3}})[ \t]*<[^>\n]*>[ \t]*wrote:"
)


def _quoted_sender(message: Message, not_names: frozenset[str]) -> tuple[str, str] | None:
    for m in _WROTE.finditer(message.text):
        found = name_words(m.group(1).split(), mode="title", not_names=not_names)
        if found and len(found) == len(m.group(1).split()) and not _office(m.group(0)):
            return split_name(found)
    return None


def _office(header: str) -> bool:
    return bool(re.search(r"(?i)leasing|rentals?|office|team|noreply|no-reply|management", header))


def _speaker(message: Message, not_names: frozenset[str]) -> tuple[str, str] | None:
    found: list[list[str]] = []
    for m in _SPEAKER.finditer(message.search):
        words = name_words(m.group(1).split(), mode="title", not_names=not_names)
        if words and len(words) == len(m.group(1).split()):
            found.append(words)
        elif len(m.group(1).split()) == 1 and is_name(m.group(1)) and m.group(1)[0].isupper():
            found.append([m.group(1)])
    if not found:
        return None
    return split_name(max(found, key=len))  # "Minh Pham: hello" over a later "Minh: yes"


# A first name signed alone: "Thanks,\nSiobhan", "can i come see it tmrw at 10?? - Sam".
_SIGNATURE = re.compile(
    r"(?im)(?:^[ \t]*(?:thanks|thank\s+you|thx|best|regards|cheers|sincerely|xo)[ \t]*[,!.]*"
    rf"[ \t]*\n|(?:[ \t]|^)[-—–~][ \t]*)[ \t]*({W}(?:[ \t]+{W}){{0,2}})[ \t]*[.!,]?[ \t]*$"
)


# One is in every match of `_SIGNATURE` (and of `_SIGN_OFF`, with "respectfully" and "take").
_SIGN_OFF_CUES = "thank thx best regards cheers sincerely xo - — – ~".split()


def _signed(message: Message, not_names: frozenset[str]) -> tuple[str, str] | None:
    if not may_hold(message.search, _SIGN_OFF_CUES, ignore_case=True):
        return None
    for m in _SIGNATURE.finditer(message.search):
        words = m.group(1).split()
        if len(words) > 1:
            mode: Mode = "lower" if m.group(1).islower() else "title"
            found = name_words(words, mode=mode, not_names=not_names)
            if found and len(found) == len(words):
                return split_name([capital(w) for w in found])
            continue
        word = words[0].rstrip(".")
        if word[0].isupper() and is_name(word) and word.lower() not in not_names:
            return word, ""
    return None


def _in_text(message: Message, not_names: frozenset[str]) -> tuple[str, str] | None:
    text = message.search
    cues = _before(text) if may_hold(text, _BEFORE_CUES, ignore_case=True) else ()
    for cue in cues:
        if (m := RUN.match(text, cue.end())) and not _companion(text, m.start(1)):
            words = m.group(1).split()
            lower = bool(_STRONG.match(cue.group(0))) and words[0][0].islower()
            mode: Mode = "lower" if lower else "title"
            found = name_words(words, mode=mode, not_names=not_names)
            if found:
                return split_name(found)
    if named := _before_a_verb(text, not_names):
        return named
    signed = may_hold(text, (*_SIGN_OFF_CUES, "respectfully", "take"), ignore_case=True)
    sign_offs = _SIGN_OFF.finditer(text) if signed else ()
    for start in [_opening_end(text), *(m.end() for m in sign_offs)]:
        if m := TIGHT_RUN.match(text, start):
            words = m.group(1).split()
            closed = bool(_RUN_CLOSED.match(text, m.end(1)))
            found = name_words(words, mode="title", not_names=not_names, closed=closed)
            # "San Diego native, …" is no name: a name is followed by filler, or by a gap where
            # its email or phone was taken.
            after = words[len(found)] if len(found) < len(words) else ""
            ends = not after or re.split(r"[-'’]", after.lower())[0] in STOP
            if found and ends and not _companion(text, m.start(1)):
                return split_name(found)
    for m in _CLAUSE.finditer(text):
        words = m.group(1).split()
        found = name_words(words, mode="title", not_names=not_names, closed=True)
        if found and len(found) == len(words) and not _companion(text, m.start(1)):
            return split_name(found)
    return None


def _before_a_verb(text: str, not_names: frozenset[str]) -> tuple[str, str] | None:
    """The name just before a verb: "Jane Doe wants…"."""
    nameless: set[str] = set()  # the words before a verb that hold no name, wherever they are
    for verb in _VERB.finditer(text):
        line_start = text.rfind("\n", max(0, verb.start() - 80), verb.start()) + 1
        before = text[max(line_start, verb.start() - 80) : verb.start()]
        if before in nameless:
            continue
        words: list[str] = []
        for word in reversed(before.split(" ")):
            if len(words) == 6 or not ONE_WORD.fullmatch(word):
                break
            words.insert(0, word)
        for start in range(len(words)):
            found = name_words(words[start:], mode="title", not_names=not_names)
            if found and len(found) == len(words) - start:
                if _companion(text, verb.start() - len(" ".join(words[start:]))):
                    break
                return split_name(found)
        else:
            nameless.add(before)
    return None


def _before(text: str) -> Iterator[re.Match[str]]:
    """`_BEFORE.finditer(text)`, tried only where one of its words starts."""
    return _BEFORE_STARTS.finditer(text)


def _companion(text: str, start: int) -> bool:
    """The name at `start` is someone coming along: "her mom, Ann Lee", "roommate Kate Smith"."""
    return bool(_COMPANION_BEFORE.search(text, max(0, start - 30), start))


def _as_in_email(message: Message, not_names: frozenset[str]) -> tuple[str, str] | None:
    """Lower-case words at the start, spelt out by the email: "jake miller jake.miller@…"."""
    email = message.values.get("email", "")
    local = re.sub(r"[^a-z]+", " ", email.partition("@")[0].lower()).split()
    m = RUN.match(message.search, _opening_end(message.search))
    if not (m and local):
        return None
    found = name_words(m.group(1).split(), mode="lower", not_names=not_names)
    if found and all(word.lower() in local for word in found):
        return split_name(found)
    return None


def _opening_end(text: str) -> int:
    """Where the message starts, after greetings and banners ("Hi team, new lead: …")."""
    m = _OPENING.match(text)
    return m.end() if m else 0
