"""The prospect's name, where the message shows it is one: a "Name:" field, the sender of a
forwarded email, "for Jane Doe", "Jane Doe wants…", the start of a note, or a sign-off.

A single word is never taken as a name unless a field says so: "book Jane tomorrow" leaves the
name to the agent. Names keep the case and accents they were written with.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.booking.form import NAME_MAX
from bot.understand.message import Message

_STOP = frozenset(
    """
    i'd i'm i'll i've i’d i’m i’ll i’ve reminder request
    a about above after again all also am an and any anyone apartment apartments apt apts are as
    asap at available back be because been before being best book booked booking both but by call
    called calling can cancel cell check checking client come coming community contact could
    cheers daily dear did do does dog dogs cat cats done each email emailed english evening
    every everyone fine follow following for from fyi get go going good great had has have having
    he hello her hers hey hi him his home house how i if in inquiry interested into is it its just
    know last lead leads lease leasing let like looking lunch mail make may maybe me message
    mobile more morning most move moving much must my name need needs new next nice night no noon
    not note notes now of off office ok okay on one only or other our out over own phone please
    pls plz property prospect quick re regards renter rent request sent she should showing so
    some spanish speaker still studio such sure team tel text than thank thanks thx that the their
    them then there these they this those through time to today tomorrow tonight too tour touring
    tours two under unit units until up urgent us very via viewing virtual visit walk walk-in
    want wants was we week weekend well were what when where which while who why will with
    would yes yet you your self guided person video apartment fwd fw subject date sincerely
    afternoon tmrw tmr tmw tomorow tommorow asap
    monday tuesday wednesday thursday friday saturday sunday mon tue tues wed weds thu thur thurs
    fri sat sun
    january february march july september october november december jan feb mar apr jun jul
    aug sep sept oct nov dec
    court lofts residences townhomes square place village commons tower towers heights
    gardens terrace station landing pointe point crossing ridge view plaza manor estates flats
    street st ave avenue road rd blvd boulevard drive way suite
    zillow trulia hotpads craigslist facebook instagram google yelp realtor redfin zumper
    rentcafe padmapper website rentals rental listing
    mr mrs ms miss mx dr sir madam
    hold wait ask asking idk tbd tba dunno unsure unknown later hmm hm um umm uh
    """.split()
)
# Someone who comes along is not the prospect: "roommate Kate Smith will join".
_COMPANIONS = (
    "roommate roommates room-mate partner partners mom mother dad father parent parents friend "
    "friends husband wife spouse boyfriend girlfriend fiance fiancé fiancee fiancée sister "
    "brother son daughter kid kids child children cosigner co-signer guarantor grandma grandpa "
    "grandmother grandfather aunt uncle cousin coworker co-worker colleague"
)
_COMPANION_BEFORE = re.compile(
    rf"(?i)\b(?:{'|'.join(re.escape(w) for w in _COMPANIONS.split())})(?:['’]s)?"
    r"[ \t,:\-–]*(?:(?:is|named|called)[ \t]+)?$"
)
_STOP = _STOP | frozenset(_COMPANIONS.split())
_Mode = Literal["title", "lower", "label"]  # how a name word must be written
_PARTICLES = frozenset(
    "de del della der den di da das do dos du la le van von ter y bin al".split()
)
_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())
# The second word of a compound given name: "Ana María López" is Ana María, of the López family.
_SECOND_GIVEN = frozenset(
    """
    maría maria josé jose luis carlos ángel manuel antonio miguel pablo fernanda sofía sofia
    isabel elena teresa lucía lucia luisa eugenia jesús francisco alejandra guadalupe
    alberto eduardo enrique fernando javier andrés andres alejandro ignacio rafael esteban
    ann anne beth kate lynn marie jo sue grace rose mae louise paul claude pierre luc
    """.split()
)
_TITLE = r"(?:(?:mr|mrs|ms|miss|mx|dr)\.?[ \t]+)?"
_TITLE_BEFORE = re.compile(r"(?i)\b(?:mr|mrs|ms|miss|mx|dr)\.?[ \t]+$")
_W = r"[^\W\d_]+(?:['’\-][^\W\d_]+)*\.?"  # a word of a name: O'Brien, Mary-Kate, Núñez, Q.
_RUN = re.compile(rf"{_TITLE}({_W}(?:[ \t]+{_W}){{0,5}})", re.I)
_TIGHT_RUN = re.compile(rf"{_TITLE}({_W}(?: {_W}){{0,5}})", re.I)  # stops at a gap left by a cut
# Words after which a name comes: "for Jane Doe", "prospect: Jane Doe", "call Jane Doe at".
_BEFORE = re.compile(
    r"(?i)\b(?:for|book(?:ed|ing)?|schedul(?:e|ed|ing)|(?:(?:prospect|client|lead|customer"
    r"|applicant|renter)(?:['’]s\s+name)?(?:\s+(?:is|named))?)|named|name\s+is|this\s+is|i\s+am"
    r"|i'm|i’m|call|text|contact|reach|(?:email|e-mail|message|inquiry|voicemail|vm|note"
    r"|referral)\s+from|(?:tour|showing|appointment|meeting)\s+with)[ \t]*[:\-–]?[ \t]+"
)
# After these, a name may be written in lower case ("book jane doe tmrw 3pm").
_STRONG = re.compile(r"(?i)^(?:for|book\w*|prospect|client|lead|named|name\s+is)")
# A name is often followed by what the prospect did or wants: "Jane Doe wants…".
_VERB = re.compile(
    r"(?<=\S)[ \t]*,?[ \t]+(?:wants|would|is|was|will|called|emailed|texted|messaged|reached"
    r"|needs|asked|requested|inquired|interested|looking|prefers|said|has|just|can|came|stopped"
    r"|walked|plans|hopes|saw|liked|loved|works|lives|currently)\b|['’][ds]\b"
)
_ONE_WORD = re.compile(_W)
_OPENING = re.compile(
    r"(?i)^[\s\W]*(?:(?:hi|hello|hey|yo|good\s+(?:morning|afternoon|evening)|team|all|folks"
    r"|fyi|new\s+lead|walk-?in|lead|update|urgent|fwd?|re|reminder|tour\s+request|request"
    r"|booking|appointment)\b[\s,:!.\-–—]*)*"
)
# A clause that is nothing but a name: "Spanish speaker, Rosa Delgado, 555-201-4321".
_CLAUSE = re.compile(
    rf"(?m)(?:^|(?<=[,;:|•])|(?<=\s[-–—])|(?<=[.!?] ))[ \t]*({_W}(?:[ \t]+{_W}){{1,5}})"
    r"(?=[ \t]*(?:[,;|•]|\s[-–—]\s|$))"
)
_SIGN_OFF = re.compile(
    r"(?im)(?:^[ \t]*(?:thanks|thank\s+you|thx|best|best\s+regards|regards|kind\s+regards"
    r"|warm\s+regards|cheers|sincerely|respectfully|take\s+care)[ \t]*[,!.]*[ \t]*\n[ \t]*"
    r"|^[ \t]*[-—–~][ \t]*)(?=\S)"
)


def take_name(message: Message, sender: str | None, not_names: frozenset[str]) -> None:
    found = (
        _labelled(message)
        or _from_sender(sender, not_names)
        or _in_text(message, not_names)
        or _as_in_email(message, not_names)
    )
    if not found or max(len(found[0]), len(found[1])) > NAME_MAX:
        return
    first, last = found
    message.set("first_name", first)
    if last:
        message.set("last_name", last)
    # The first name alone goes too ("Hi Maria,"); a family name alone may be "the Okafor family".
    for words in (f"{first} {last}".strip(), first):
        message.take_words(words, prefix=_TITLE_BEFORE)


def _labelled(message: Message) -> tuple[str, str] | None:
    first = last = ""
    used = []
    for label in message.labelled("name", "first_name", "last_name"):
        value = " ".join(message.search[label.value_start : label.end].split())
        if label.kind == "name" and not (first or last):
            if split := _comma_name(value):
                first, last = split
                used.append(label)
            elif m := _RUN.match(value):
                words = _name_words(m.group(1).split(), mode="label", not_names=frozenset())
                if words:
                    first, last = split_name(words)
            continue
        elif label.kind == "first_name" and _RUN.fullmatch(value) and not first:
            first = value
        elif label.kind == "last_name" and _RUN.fullmatch(value) and not last:
            last = value
        else:
            continue
        used.append(label)
    if not first:
        return None
    for label in used:  # "Last Name: Hernández Ruiz" goes whole
        message.take(label.start, label.end)
    return first, last


def _comma_name(value: str) -> tuple[str, str] | None:
    """ "Doe, Jane" (as Outlook shows a sender): the family name first."""
    m = re.fullmatch(rf"({_W})[ \t]*,[ \t]*({_W})", value)
    return (m.group(2), m.group(1)) if m else None


def _from_sender(sender: str | None, not_names: frozenset[str]) -> tuple[str, str] | None:
    if not sender:
        return None
    if split := _comma_name(sender):
        return split
    words = _name_words(sender.split(), mode="title", not_names=not_names)
    return split_name(words) if words and len(words) == len(sender.split()) else None


def _in_text(message: Message, not_names: frozenset[str]) -> tuple[str, str] | None:
    text = message.search
    for cue in _BEFORE.finditer(text):
        if (m := _RUN.match(text, cue.end())) and not _companion(text, m.start(1)):
            words = m.group(1).split()
            lower = bool(_STRONG.match(cue.group(0))) and words[0][0].islower()
            mode: _Mode = "lower" if lower else "title"
            found = _name_words(words, mode=mode, not_names=not_names)
            if found:
                return split_name(found)
    for verb in _VERB.finditer(text):
        line_start = text.rfind("\n", max(0, verb.start() - 80), verb.start()) + 1
        words = []
        for word in reversed(text[max(line_start, verb.start() - 80) : verb.start()].split(" ")):
            if len(words) == 6 or not _ONE_WORD.fullmatch(word):
                break
            words.insert(0, word)
        for start in range(len(words)):
            found = _name_words(words[start:], mode="title", not_names=not_names)
            if found and len(found) == len(words) - start:
                if _companion(text, verb.start() - len(" ".join(words[start:]))):
                    break
                return split_name(found)
    for start in [_opening_end(text), *(m.end() for m in _SIGN_OFF.finditer(text))]:
        if m := _TIGHT_RUN.match(text, start):
            words = m.group(1).split()
            found = _name_words(words, mode="title", not_names=not_names)
            # "San Diego native, …" is no name: a name is followed by filler, or by a gap where
            # its email or phone was taken.
            after = words[len(found)] if len(found) < len(words) else ""
            ends = not after or re.split(r"[-'’]", after.lower())[0] in _STOP
            if found and ends and not _companion(text, m.start(1)):
                return split_name(found)
    for m in _CLAUSE.finditer(text):
        words = m.group(1).split()
        found = _name_words(words, mode="title", not_names=not_names)
        if found and len(found) == len(words) and not _companion(text, m.start(1)):
            return split_name(found)
    return None


def _companion(text: str, start: int) -> bool:
    """The name at `start` is someone coming along: "her mom, Ann Lee", "roommate Kate Smith"."""
    return bool(_COMPANION_BEFORE.search(text, max(0, start - 30), start))


def _as_in_email(message: Message, not_names: frozenset[str]) -> tuple[str, str] | None:
    """Lower-case words at the start, spelt out by the email: "jake miller jake.miller@…"."""
    email = message.values.get("email", "")
    local = re.sub(r"[^a-z]+", " ", email.partition("@")[0].lower()).split()
    m = _RUN.match(message.search, _opening_end(message.search))
    if not (m and local):
        return None
    found = _name_words(m.group(1).split(), mode="lower", not_names=not_names)
    if found and all(word.lower() in local for word in found):
        return split_name(found)
    return None


def _opening_end(text: str) -> int:
    """Where the message starts, after greetings and banners ("Hi team, new lead: …")."""
    m = _OPENING.match(text)
    return m.end() if m else 0


def _name_words(words: list[str], *, mode: _Mode, not_names: frozenset[str]) -> list[str]:
    """The name at the start of `words`: 2 to 4 words (1 in a labelled field), or nothing."""
    kept: list[str] = []
    for word in words:
        bare = word.rstrip(".") if len(word.rstrip(".")) > 1 else word
        low = bare.lower()
        if mode != "label" and (low in _STOP or low in not_names):
            break
        if low in _SUFFIXES and kept:
            kept.append(bare)
            continue
        if mode == "lower":
            fits = bare.islower() and len(bare) >= 2 and low not in _PARTICLES
        elif mode == "label":
            fits = True
        else:
            fits = (bare[0].isupper() and (not bare.isupper() or len(bare.rstrip(".")) == 1)) or (
                low in _PARTICLES and bool(kept)
            )
        if not fits:
            break
        kept.append(bare)
        if word.endswith(".") and len(word.rstrip(".")) > 1 and low not in _SUFFIXES:
            break  # the end of a sentence: "this is Laura Palmer. I'd like…"
    while kept and kept[-1].lower() in _PARTICLES:
        kept.pop()
    counted = [w for w in kept if w.lower() not in _PARTICLES and len(w.rstrip(".")) > 1]
    least = 1 if mode == "label" else 2
    return kept if least <= len(counted) <= 4 else []


def is_name(text: str) -> bool:
    """Whether `text`, alone, reads as a person's name (one to four words, none of them a word of
    the trade or of chatter): "Jane Doe" does, "hold on" and "I'll ask her" do not."""
    words = text.split()
    return 1 <= len(words) <= 4 and all(
        _ONE_WORD.fullmatch(word) and word.rstrip(".").lower() not in _STOP for word in words
    )


def split_name(words: list[str]) -> tuple[str, str]:
    """First and last name: a family name starts at its particle ("de la Cruz"); a compound given
    name ("María José", "Mary Ann") or a middle initial stays with the first name."""
    if len(words) == 1:
        return words[0], ""
    compound = words[1].lower() in _SECOND_GIVEN or len(words[1].rstrip(".")) == 1
    cut = 2 if len(words) >= 3 and compound else 1
    particle = next((i for i in range(1, len(words)) if words[i].lower() in _PARTICLES), cut)
    cut = min(cut, particle)
    return " ".join(words[:cut]), " ".join(words[cut:])
