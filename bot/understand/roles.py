"""The people a message names by role ("her roommate Tasha"), and whom the tour is for."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from bot.understand.name_words import is_name
from bot.understand.scan import Anchored, fold, may_hold


@dataclass(frozen=True)
class Person:
    """Someone the message names by role: "her roommate Tasha", "my son, Ethan Foster"."""

    start: int
    end: int
    role: str  # as the notes name it
    gender: str  # "f", "m" or "" when the word does not say
    name: str
    beneficiary: bool  # the tour is for them ("calling for my son"): they are the prospect
    with_writer: bool  # "my roommate and I"
    writer: bool = False  # who writes: "this is Kim's mom", "I'm her roommate"
    kin: bool = True  # the role is the writer's own ("my son"), not another's ("my tenant's son")


# Role words: how the notes name the role, the gender the word gives, and how much it says
# (a co-signer who is also a dad is noted as the co-signer).
_ROLES: dict[str, tuple[str, str, int]] = {}
for _words, _name, _gender, _weight in (
    ("roommate room-mate roomie roomy flatmate housemate", "Roommate", "", 2),
    ("co-signer cosigner co-signor cosignor", "Co-signer", "", 3),
    ("guarantor", "Guarantor", "", 3),
    ("co-applicant coapplicant co-tenant cotenant", "Co-applicant", "", 3),
    ("dad father stepdad stepfather", "Father", "m", 1),
    ("mom mother mum stepmom stepmother", "Mother", "f", 1),
    ("parent parents", "Parent", "", 1),
    ("husband hubby hubs", "Husband", "m", 1),
    ("wife wifey", "Wife", "f", 1),
    ("spouse partner", "Partner", "", 1),
    ("boyfriend bf fiance fiancé", "Boyfriend", "m", 1),
    ("girlfriend gf fiancee fiancée", "Girlfriend", "f", 1),
    ("brother bro", "Brother", "m", 1),
    ("sister sis", "Sister", "f", 1),
    ("son stepson grandson nephew", "Son", "m", 1),
    ("daughter stepdaughter granddaughter niece", "Daughter", "f", 1),
    ("friend cousin bestie bff mate buddy pal", "Friend", "", 1),
    ("uncle grandfather grandpa", "Relative", "m", 1),
    ("aunt grandmother grandma", "Relative", "f", 1),
    ("employer boss", "Employer", "", 1),
    ("landlord landlady", "Landlord", "", 1),
    ("caseworker", "Caseworker", "", 1),
    ("colleague coworker co-worker", "Colleague", "", 1),
    ("realtor", "Realtor", "", 1),
    ("transferee employee", "Transferee", "", 1),
):
    for _word in _words.split():
        _ROLES[_word] = (_name, _gender, _weight)
_ROLE = (
    r"(?:relocation[ \t]+(?:agent|consultant|coordinator|specialist)|emergency[ \t]+contact|"
    r"new[ \t]+hire|co[ \t]+(?:signer|applicant)|"
    + "|".join(re.escape(w) for w in sorted(_ROLES, key=len, reverse=True))
    + r")(?:s|es)?"
)
_MULTIWORD = {
    "relocation": ("Relocation consultant", "", 1),
    "emergency": ("Emergency contact", "", 1),
    "new": ("Transferee", "", 1),
}
_MENTION = re.compile(
    rf"(?i)(?<![\w-])(?:(?P<pos>my|our|his|her|their|the)[ \t]+)?(?P<role>{_ROLE})(?![\w-])"
    r"(?![ \t]+(?:property|properties|company|companies|building|community|site|location|office|"
    r"team|brand|account|portal|program|agency|firm|listing))"
)
_AGENT_MENTION = re.compile(r"(?i)\b(?:my|his|her|their)[ \t]+(?:real[ \t]?estate[ \t]+)?agent\b")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_ROLE_WORDS = frozenset(_ROLES) | {"relocation", "emergency", "new", "co", "agent"}
_POSSESSORS = frozenset("my our his her their the".split())


def is_role_word(word: str) -> bool:
    """ "roommate", "moms": a word that names someone by role."""
    lower = word.lower()
    return lower in _ROLE_WORDS or lower.rstrip("s") in _ROLE_WORDS


_CONNECT = re.compile(
    rf"(?i)(?:['’]s)?[ \t]*(?:\([ \t]*(?P<paren>{_ROLE})[ \t]*\))?[ \t]*"
    r"(?:(?:[,:\-–]|name[ \t]*[:=])[ \t]*|(?:is|will[ \t]+be|as|being|named|called)[ \t]+)?"
    r"(?:(?:my|his|her|their|our|the)[ \t]+)?"
    rf"(?:(?P<again>{_ROLE})(?![\w-])[ \t]*\)?[ \t]*(?:(?:[,:]|name[ \t]*[:=])[ \t]*)?)?"
)
_NAME = re.compile(
    r"(?:[A-ZÀ-Þ][a-zà-ÿ]*(?:[\-'’][A-ZÀ-Þa-zà-ÿ]+)*)"
    r"(?:[ \t]+(?:(?:de|del|la|van|von|der|da|dos|di|le|st\.?)[ \t]+){0,3}"
    r"[A-ZÀ-Þ][a-zà-ÿ]*(?:[\-'’][A-ZÀ-Þa-zà-ÿ]+)*){0,2}"
)
NOT_NAMES = frozenset(
    """
    i email e-mail phone name cell mobile number tel the please thanks he she his her they and or
    but at on in for to if is will monday tuesday wednesday thursday friday saturday sunday mon tue
    tues wed thu thur thurs fri sat sun january february march april may june july august september
    october november december jan feb mar apr jun jul aug sep sept oct nov dec hi hey
    """.split()
)
_FOR = re.compile(r"(?i)\b(?:for|of)[ \t]+$")
# "for my resident's brother", "for Kim's sister": whom the tour is for, through someone else.
# (This and the two below are read in the few characters before a role word, and bounded too.)
_CHAIN = re.compile(
    r"(?i)(?:\b(?:my|our|his|her|their|a|the)[ \t]{1,8})?\b[\w-]{1,30}['’]s[ \t]{1,8}$"
)
_FOR_CHAIN = re.compile(
    r"(?i)\b(?:for|behalf[ \t]{1,8}of)[ \t]{1,8}(?:(?:my|our|his|her|their|a|the)[ \t]{1,8})?"
    r"[\w-]{1,30}['’]s[ \t]{1,8}$"
)
# "asking for a friend", "on behalf of a colleague": the one the tour is for.
_FOR_ONE = re.compile(
    r"(?i)\b(?:(?:ask|call|writ|inquir|enquir|book|text|e-?mail|messag|schedul)\w{0,8}"
    r"(?:[ \t]{1,8}(?:a|the)[ \t]{1,8}(?:tour|showing|viewing|visit))?[ \t]{1,8}for"
    r"|on[ \t]{1,8}behalf[ \t]{1,8}of)[ \t]{1,8}an?[ \t]{1,8}$"
)
# Whom a resident or a colleague sends to the office: "referred her friend Maya Singh".
_REFERRED = re.compile(r"(?i)\b(?:referr(?:ed|ing)|recommend(?:ed|ing)|sen[dt](?:ing)?)[ \t]{1,8}$")
# Who wants the tour, said of someone a writer books for: "my son is looking for a 1br".
_WANTS = re.compile(  # also after a few words of news: "my son Ethan just got a job and needs…"
    r"(?:[ \t]*+,)?[ \t]*+(?:(?i:just|recently|finally)[^.;!?\n]{0,50}?\b(?i:and)[ \t]+)?"
    r"(?i:wants|would[ \t]+like|['’]d[ \t]+like|needs|hopes|plans|"
    r"(?:is[ \t]+)?(?:looking|interested|hoping))\b(?![ \t]+(?i:me|us)\b)"
    r"[^.;!?\n]{0,40}?\b(?i:tour|see|view|visit|look|check|studio|apartment|apt|unit|place|move|rent|"
    r"lease|\d?[ \t-]*(?:br|bd|bed|beds|bedroom|bedrooms))\b"
    r"(?![^.;!?\n]{0,80}?\b(?i:too|also|as[ \t]+well|with[ \t]+(?:me|us))\b)"
)
_FOR_WHOM_ROLES = frozenset(
    "Son Daughter Father Mother Parent Brother Sister Relative Friend Colleague Transferee".split()
)
# Role words that name someone only with an owner: "my mate", not "cheers mate", "a roomy 2br".
_OWNED_ONLY = frozenset("mate buddy pal bro sis hubs roomy".split())
_NAME_WORDS = r"[A-ZÀ-Þ][a-zà-ÿ]*(?:[\-'’][A-ZÀ-Þa-zà-ÿ]+)*"
# Whom someone books for, named by no role: "booking for Sam Ng", "calling on behalf of Ann Lee",
# "book a tour for my resident, Sam Ng".
_BOOKED_FOR = re.compile(
    r"(?i:\b(?:book(?:s|ed|ing)?|schedul(?:e|es|ed|ing)|set(?:ting)?[ \t]+up|arrang(?:e|es|ed|ing)"
    r"|call(?:s|ed|ing)?|writ(?:e|es|ing)|text(?:s|ed|ing)?|e-?mail(?:s|ed|ing)?|reach(?:ing)?"
    r"[ \t]+out|inquir(?:e|es|ed|ing)|enquir(?:e|es|ed|ing)|ask(?:s|ed|ing)?|messag(?:e|es|ed|ing))"
    r"(?:[ \t]+(?:a|an|the)[ \t]+(?:tour|showing|viewing|visit|appointment))?"
    r"[ \t]+(?:for|on[ \t]+behalf[ \t]+of)[ \t]+"
    r"(?:(?:my|our|a|an|the|his|her|their)[ \t]+(?:[a-z][\w'’-]*[ \t]+){0,3}?[a-z][\w'’-]*"
    r"(?:[ \t]*+[,:\-–][ \t]*+|[ \t]++(?:named|called)[ \t]++|[ \t]++))?)"
    rf"(?P<name>{_NAME_WORDS})"
)
# Who comes along, by name: "Ava might come", "Leo is joining too", "Mia will tag along".
_COMES_ALONG = re.compile(
    rf"(?P<name>(?<![\w'’-]){_NAME_WORDS}(?:[ \t]+{_NAME_WORDS})?)[ \t]+"
    r"(?i:(?:might|may)[ \t]+(?:also[ \t]+)?(?:come|join|tag[ \t]+along)"
    r"|(?:will|would|could|can|is|['’]s)[ \t]+(?:also[ \t]+)?(?:be[ \t]+)?"
    r"(?:(?:com(?:e|ing)|join(?:ing)?)[ \t]+(?:too|along|as[ \t]+well|with[ \t]+(?:him|her|them))"
    r"|tag(?:ging)?[ \t]+along)"
    r"|(?:will|is|['’]s)[ \t]+also[ \t]+(?:be[ \t]+)?(?:coming|joining|come|join)"
    r"|(?:also[ \t]+)?(?:joins|comes[ \t]+along|tags[ \t]+along))\b"
)
# A word one of which is in every match of `_COMES_ALONG`; the words every `_BOOKED_FOR` starts
# with: a message without them is not searched.
_COMES_ALONG_CUES = ("come", "coming", "join", "tag")
_BOOKED_FOR_ANCHORED = Anchored(
    _BOOKED_FOR,
    ("book", "schedul", "set", "arrang", "call", "writ", "text", "e-mail", "email", "reach",
     "inquir", "enquir", "ask", "messag"),
)  # fmt: skip
# "my roommate and I", "for my wife, the kids and me": the writer is one of them.
_WITH_WRITER_AFTER = re.compile(r"(?i)[^.;!?\n]{0,30}?\b(?:and|&|plus)[ \t]+(?:i|me|myself)\b")
_WITH_WRITER_BEFORE = re.compile(r"(?i)\b(?:i|me)[ \t]+(?:and|&)[ \t]+$")
_SELF_BEFORE = re.compile(
    r"(?i)(?:\bthis[ \t]+is|\bit['’]?s|\bi['’]?m|\bi[ \t]+am)[ \t]+(?:[\w\-]+['’]s[ \t]+)?"
    r"(?:(?:my|his|her|their|the)[ \t]+)?$"
)
POSSESSIVE = re.compile(r"['’]s$")
_UNDER_NAME = re.compile(r"(?i)\b(?:under|in)[ \t]+(her|his|their)[ \t]+name\b")


@lru_cache(maxsize=4)  # read for whose each contact is, and for whom the message is written
def find_people(text: str) -> tuple[Person, ...]:
    """Everyone `text` names by role, or as someone the tour is booked for or who comes along,
    in order."""
    return tuple(_find_people(text))


def _find_people(text: str) -> list[Person]:
    people: list[Person] = []
    for m in _mentions(text):
        if people and m.start() < people[-1].end:
            continue  # the second role of "her dad (co-signer)"
        if m.re is _AGENT_MENTION:
            people.append(Person(m.start(), m.end(), "Agent", "", "", False, False))
            continue
        if _owned_only(m.group("role")) and (m.group("pos") or "").lower() in ("", "the"):
            continue  # "cheers mate", "a roomy 2br": no one
        roles = [_role(m.group("role"))]
        follow = _CONNECT.match(text, m.end())
        end = m.end()
        kin = True
        if follow and follow.end() > m.end():
            found_roles = [_role(r) for r in (follow.group("paren"), follow.group("again")) if r]
            if (
                follow.group("again")
                and not follow.group("paren")
                and POSSESSIVE.match(follow.group(0)[:2])
            ):
                roles, kin = found_roles, False  # "my son's friend" is the friend
            else:
                roles += found_roles
            end = follow.end()
        name = ""
        if (found := _NAME.match(text, end)) and found.group(0).split()[0].lower() not in NOT_NAMES:
            name = " ".join(w for w in found.group(0).split() if w.lower() not in NOT_NAMES)
            name = POSSESSIVE.sub("", name)  # "his wife Amy's cell"
            end = found.end()
        elif end > m.end():
            end = m.end() + len(text[m.end() : end].rstrip(" \t,:-–"))
        role, gender, _ = max(roles, key=lambda r: r[2])
        gender = next((g for _, g, _ in roles if g), gender)
        before = text[max(0, m.start() - 40) : m.start()]
        with_writer = bool(_WITH_WRITER_AFTER.match(text, end)) or bool(
            _WITH_WRITER_BEFORE.search(before)
        )
        # "my resident's brother": the brother, whom the writer is no kin to
        owned = not m.group("pos") and bool(_CHAIN.search(before))
        kin = kin and not owned
        beneficiary = (
            (bool(m.group("pos")) and bool(_FOR.search(before)))
            or (owned and bool(_FOR_CHAIN.search(before)))
            or (not m.group("pos") and bool(_FOR_ONE.search(before)))
            or bool(_REFERRED.search(before))
        ) and not with_writer
        if not beneficiary and not with_writer and (role in _FOR_WHOM_ROLES or not kin):
            # "my daughter Ava wants a studio": the tour is hers, unless she comes along ("too")
            beneficiary = (bool(m.group("pos")) or owned) and bool(_WANTS.match(text, end))
        writer = bool(_SELF_BEFORE.search(before))
        people.append(
            Person(m.start(), end, role, gender, name, beneficiary, with_writer, writer, kin)
        )
    _mark_under_name(text, people)
    return _with_named(text, people)


def _owned_only(word: str) -> bool:
    lower = word.lower()
    return lower in _OWNED_ONLY or lower.rstrip("s") in _OWNED_ONLY


def _with_named(text: str, people: list[Person]) -> list[Person]:
    """`people`, and those the message names by no role: the one a tour is booked for ("booking
    for Sam Ng"), one who comes along ("Ava might come too")."""
    named: list[Person] = []
    for m in _BOOKED_FOR_ANCHORED.finditer(text):
        if found := _name_at(text, m.start("name"), len(text), whole=False):
            named.append(Person(found[0], found[1], "", "", found[2], True, False))
    for m in (
        _COMES_ALONG.finditer(text) if may_hold(text, _COMES_ALONG_CUES, ignore_case=True) else ()
    ):
        if found := _name_at(text, m.start("name"), m.end("name"), whole=True):
            named.append(Person(found[0], found[1], "Guest", "", found[2], False, False))
    if not named:
        return people
    everyone = list(people)
    for person in named:
        if not any(p.start < person.end and person.start < p.end for p in everyone):
            everyone.append(person)
    return sorted(everyone, key=lambda p: p.start)


def _name_at(text: str, start: int, end: int, *, whole: bool) -> tuple[int, int, str] | None:
    """Where a person's name is, and the name, from `start`: two words or more that end where
    the name stops being one ("booking for Sam Ng Sat 2pm"), or, `whole`, the words up to `end`
    less those before that are no name ("Maybe Ava might come")."""
    found = _NAME.match(text, start, end)
    if found is None or (whole and found.end() != end):
        return None
    kept: list[tuple[int, int, str]] = []
    for w in re.finditer(r"\S+", found.group(0)):
        word = w.group(0)
        if word.lower() not in NOT_NAMES and is_name(word):
            kept.append((found.start() + w.start(), found.start() + w.end(), word))
        elif whole and kept:
            return None
        elif not whole:
            break  # else "Maybe Ava": the name starts later
    if not kept or (not whole and len(kept) < 2):
        return None
    return kept[0][0], kept[-1][1], " ".join(word for _, _, word in kept)


def _mentions(text: str) -> Iterator[re.Match[str]]:
    """Each role named, found word by word (one pattern of every role, tried at each character
    of a long message, is slow): "my roommate", "her dad (co-signer)", "my agent"."""
    previous: re.Match[str] | None = None
    for word in _WORD.finditer(text):
        lower = word.group(0).lower()
        if lower in _ROLE_WORDS or lower.rstrip("s") in _ROLE_WORDS or lower[:-2] in _ROLE_WORDS:
            start = word.start()
            if (
                previous is not None
                and previous.group(0).lower() in _POSSESSORS
                and not text[previous.end() : start].strip(" \t")
            ):
                start = previous.start()
            if lower == "agent":
                found = _AGENT_MENTION.search(text, max(0, word.start() - 30), word.end())
            else:
                found = _MENTION.match(text, start) or _MENTION.match(text, word.start())
            if found:
                yield found
        previous = word


def _role(word: str) -> tuple[str, str, int]:
    # Folded, as the case-insensitive pattern that found it reads it: "MOMſ" is "moms".
    lower = " ".join(fold(word).split())
    if found := _ROLES.get(lower) or _ROLES.get(lower.rstrip("s")) or _ROLES.get(lower[:-2]):
        return found
    if lower.startswith("co "):
        return _ROLES["co-" + lower[3:].rstrip("s")]
    return _MULTIWORD[lower.split()[0]]


def _mark_under_name(text: str, people: list[Person]) -> None:
    """ "put it under her name": the nearest woman named before is the one the tour is for."""
    for m in _UNDER_NAME.finditer(text):
        gender = {"her": "f", "his": "m"}.get(m.group(1).lower(), "")
        for i in range(len(people) - 1, -1, -1):
            person = people[i]
            if person.start < m.start() and (not gender or person.gender in (gender, "")):
                people[i] = Person(
                    person.start,
                    person.end,
                    person.role,
                    person.gender,
                    person.name,
                    beneficiary=True,
                    with_writer=False,
                    kin=person.kin,
                )
                break


def proxy_role(role: str) -> str:
    """How the notes name who wrote for the prospect, from whom they wrote for."""
    return {
        "Son": "Parent",
        "Daughter": "Parent",
        "Father": "Family",
        "Mother": "Family",
        "Parent": "Family",
        "Brother": "Family",
        "Sister": "Family",
        "Relative": "Family",
        "Husband": "Partner",
        "Wife": "Partner",
        "Boyfriend": "Partner",
        "Girlfriend": "Partner",
        "Partner": "Partner",
        "Friend": "Friend",
        "Roommate": "Roommate",
        "Transferee": "Relocation contact",
        "Colleague": "Colleague",
    }.get(role, "Contact")
