"""Who wrote each part of a message, and which side speaks each line of a chat."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence

from bot.understand.message import Label
from bot.understand.roles import NOT_NAMES, POSSESSIVE, Person, proxy_role
from bot.understand.scan import may_hold
from bot.understand.sections import AGENT, OFFICE, PROSPECT, PROXY, Section

_SELF_NAME = re.compile(
    r"\b(?i:this[ \t]+is|it'?s|my[ \t]+name(?:'s|[ \t]+is)|i'?m|i[ \t]+am)[ \t]+"
    r"((?:[A-ZÀ-Þ][\w'’\-]*)(?:[ \t]+[A-ZÀ-Þ][\w'’\-]*)?)"
)
# What tells the writer is one of the team: a note about a prospect to colleagues.
_STAFF_CUE = re.compile(
    r"(?i)\b(?:(?:my|our)[ \t]+(?:prospect|client|lead)s?\b|(?:can|could|would)[ \t]+"
    r"(?:some[ \t]?one|you|u|anyone|somebody)[ \t]+(?:please[ \t]+)?"
    r"(?:book|schedule|set[ \t]+up|get|reach)"
    r"(?![ \t]+(?:me|us)\b)|(?:please|pls|plz|kindly)[ \t]+(?:book|schedule|set[ \t]+up)"
    r"(?![ \t]+(?:me|us)\b)|(?:spoke|talked|chatted)[ \t]+(?:with|w/|to)|walk[ \t-]?in\b|"
    r"front[ \t]+desk|referral|from[ \t]+me[ \t]*\(|(?:^|[.!?][ \t]+)book[ \t]+(?!me\b|us\b))"
)
_HERE_NAME = re.compile(r"(?<![\w'’-])([A-ZÀ-Þ][\w'’-]*)(?:[ \t]+[A-ZÀ-Þ][\w'’-]*)?[ \t]+here\b")
# A sign-off inside a line, before the writer's own contact: "Thanks, Pat 614-555-0177".
_SIGNED = re.compile(
    r"(?i:\b(?:thanks|thank[ \t]+you|thx|cheers|best|regards|sincerely)\b)(?:[ \t]*[,!.]+)?[ \t]*"
    r"(?:[-–—~][ \t]*)?(?P<name>[A-ZÀ-Þ][\w'’-]*)(?![\w'’-])"
    r"(?=(?:[ \t]*[,|(:\-–—])?[ \t]*(?:\+?\(?\d|[\w.+-]+@|$))",
    re.M,
)
_SIGNED_CUES = ("thank", "thx", "cheers", "best", "regards", "sincerely")  # one in every match
# One of the team says who they are: "this is Pat from the Maple Court office", "Pat here from
# the front desk", "I'm Lee with Harbor View leasing", "it's the leasing office".
_PLACE = (
    r"(?:(?i:the)[ \t]+)?(?:[A-ZÀ-Þ][\w'’&.-]*[ \t]+){0,4}?(?i:leasing|office|front[ \t]+desk|"
    r"management|concierge|apartments|lofts|towers|residences|commons|property)\b"
)
# A job at a property, said after a name: "this is Nora, property manager at …".
_JOB = (
    r"(?i:leasing[ \t]+(?:consultant|agent|manager|specialist|associate|professional|director|"
    r"coordinator)|(?:assistant[ \t]+)?(?:community|property)[ \t]+manager|concierge|"
    r"front[ \t]+desk)\b"
)
_WHO = (
    r"[A-ZÀ-Þ][\w'’-]*+(?:[ \t]++[A-ZÀ-Þ][\w'’-]*+)?(?:[ \t]*+,)?[ \t]*+(?<=[ \t,])"  # "Pat Lee,"
)
_STAFF_INTRO = re.compile(
    rf"(?:(?:\b(?i:this[ \t]+is|it'?s|i'?m|i[ \t]+am)[ \t]+{_WHO}|"
    rf"(?<![\w'’-]){_WHO}here(?:[ \t]*+,[ \t]*+|[ \t]++)|"
    rf"(?:^|(?<=[.!?,]))[ \t]*(?:(?i:hi|hello|hey)[ \t,]*)?{_WHO}(?=from|with))"
    rf"(?i:from|with|at|of)[ \t]+{_PLACE}"
    rf"|\b(?i:this[ \t]+is|it'?s|i[ \t]+work[ \t]+(?:at|in|for))[ \t]+{_PLACE}"
    rf"|\b(?i:this[ \t]+is|it'?s|i'?m|i[ \t]+am)[ \t]+{_WHO}(?:(?i:the|a|your)[ \t]+)?{_JOB})"
    r"(?![^.!?\n]{0,60}?\b(?i:i'?m[ \t]+a[ \t]+(?:current[ \t]+)?(?:resident|tenant)|i[ \t]+live|"
    r"unit|apt)\b)",
    re.M,
)
_STAFF_INTRO_WORDS = (
    "leasing", "office", "desk", "management", "concierge", "apartments", "lofts", "towers",
    "residences", "commons", "property", "manager",
)  # fmt: skip
# The writer books for someone else: "booking for my tenant", "calling on behalf of", "asking
# for a friend" (not "for my wife and me").
_FOR_SOMEONE = re.compile(
    r"(?i)\b(?:(?:book(?:ing)?|schedul(?:e|ing)|set(?:ting)?[ \t]+up|arrang(?:e|ing)|call(?:ing)?"
    r"|writ(?:e|ing)|text(?:ing)?|e-?mail(?:ing)?|reach(?:ing)?[ \t]+out|inquir(?:e|ing)"
    r"|enquir(?:e|ing)|ask(?:ing)?|messag(?:e|ing))(?:[ \t]+(?:a|an|the)[ \t]+(?:tour|showing|"
    r"viewing|visit|appointment))?[ \t]+for[ \t]+(?:(?:my|our|a)[ \t]+(?:[a-z]+['’]s[ \t]+)?"
    r"(?:[a-z]+[ \t]+)?(?:client|prospect|tenant|resident|student|employee|customer|patient|"
    r"neighbou?r|relative|hire|transferee|relocatee|assignee|son|daughter|kid|child|mom|mother|"
    r"mum|dad|father|parents?|brother|sister|friend|cousin|aunt|uncle|niece|nephew|grand\w+|"
    r"colleague|co-?worker|boss|employer|roommate|wife|husband|partner|girlfriend|boyfriend|"
    r"fianc\w+)s?\b|some[ \t]?(?:one|body)\b)|on[ \t]+behalf[ \t]+of[ \t]+"
    r"(?!(?:me|myself|us|ourselves|my[ \t]+self)\b))"
    r"(?![^.;!?\n]{0,30}?\b(?:and|&|plus)[ \t]+(?:i|me|myself)\b)"
)
_READ_FOR_WRITER = 4000
_STAFF_WORDS = (
    "prospect", "client", "lead", "book", "schedule", "set up", "reach", "spoke", "talked",
    "chatted", "walk", "front desk", "referral", "from me",
)  # fmt: skip


def _any_in(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


# What tells the writer is the prospect: what they want, who they are (a phrase that gives their
# contact, "my cell is", does not tell: the team writes it of their own).
_FIRST_PERSON = re.compile(
    r"(?i)\b(?:i'?d[ \t]+(?:like|love)|i[ \t]+would[ \t]+(?:like|love)|i'?m[ \t]+(?:interested|"
    r"looking|hoping|moving|relocating|writing|calling|free|available|still|asking|a[ \t]+student|"
    r"the[ \t]+one)|i[ \t]+am[ \t]+(?:interested|looking|writing|calling|hoping)|"
    r"(?:can|could|may)[ \t]+i\b|i[ \t]+(?:want|wanna|need|saw|came|make|work|have|can|will|pay|"
    r"get)\b|my[ \t]+(?:name|budget|lease|move|family|current)|(?:this[ \t]+is|it'?s)[ \t]+"
    r"(?-i:[A-ZÀ-Þ])|we'?d[ \t]+(?:like|love)|we[ \t]+(?:are|want|need)|we'?re[ \t]+looking|"
    r"(?:can|could)[ \t]+we\b|me[ \t]+and[ \t]+my\b|(?:book|schedule|show)[ \t]+(?:me|us)\b|"
    r"for[ \t]+me\b)"
)
# A question to the office, as the prospect asks it.
_ASKS_THE_OFFICE = re.compile(
    r"(?i)\b(?:(?:is|are)[ \t]+(?:this|it|that|the[ \t]+\w+|they)[ \t]+still[ \t]+(?:available|"
    r"open|for[ \t]+rent)|(?:do|does)[ \t]+(?:you|u|the[ \t]+\w+)[ \t]+(?:have|allow|take|offer|"
    r"accept|do)|still[ \t]+available\b|your[ \t]+(?:listing|ad|website|apartment|building|unit))"
)
_THIRD_PERSON = re.compile(
    r"(?i)\b(?:she|he)(?:'s|[ \t]+(?:wants|would|'d|is|isn't|doesn't|does|has|needs|prefers|can|"
    r"will|says|said|asked|called|works|left|just))\b"
)
# Lead sources: their names in a footer or a sender say a business, not a person.
SITES = re.compile(
    r"(?i)\b(?:zillow|trulia|hotpads|zumper|apartments\.com|apartment[ \t]*list|rent\.com|"
    r"rentcafe|realtor\.com|redfin|padmapper|craigslist|forrent|apartment[ \t]*guide|facebook|"
    r"marketplace|streeteasy|rent\.(?=[ \t]))"
)
_SERVICE_FROM = re.compile(
    r"(?i)(?:^|@|\.)(?:leasing|office|tours?|team|rentals?|info|admin|frontdesk)\b|\bleasing\b|"
    r"\boffice\b|\bteam\b"
)
_SPEAKER = re.compile(
    r"(?m)^[ \t>]{0,12}(?:\[[^\]\n]{1,40}\][ \t]*)?(?P<who>[^\s:\[\]()][^:\n()]{0,38}?)"
    r"(?:[ \t]*\((?P<note>[^)\n]{0,40})\))?[ \t]*:[ \t]"
)
_HANDLE = re.compile(r"[A-ZÀ-Þ][\w'’.\-]*(?:[ \t]+[A-ZÀ-Þ][\w'’.\-]*)?|[a-z0-9._]{3,30}")
_FORM_WORDS = frozenset(
    """
    phone email e mail name cell mobile number message comments comment date time tour move in
    budget bedrooms beds bed baths type property community from to subject sent cc note notes lead
    source address price rent lease applicant guarantor renter contact status unit floor pets
    occupants income credit listing when where who form prospect walk fyi re fwd transcript
    transcription caller tel ph
    """.split()
)
_TEAM_SPEAKER = re.compile(
    r"(?i)\b(?:me|leasing|office|agent|team|staff|concierge|assistant|bot|management|front[ \t]+"
    r"desk|apartments|lofts|towers|residences|court|square|place|commons|village|homes|living|park|"
    r"page|property)\b"
)


def writer_of(
    text: str, section: Section, people: Sequence[Person], sender: str | None, said: list[Label]
) -> tuple[str, str, str]:
    """Who wrote the section, how the notes name them if they are neither the prospect nor the
    team ("Parent"), and their name when it is given."""
    if section.kind == "auto":
        return OFFICE, "", ""
    email, name = section.writer_email, section.writer_name
    if (email and not SITES.search(email) and _SERVICE_FROM.search(email.split("@")[0])) or (
        name and _SERVICE_FROM.search(name) and not SITES.search(name)
    ):
        return AGENT, "", ""
    if section.kind == "quote" and email and sender and email.lower() != sender.lower():
        return AGENT, "", ""
    # Who writes shows in the first lines: a long part is not read to its end for it.
    body = text[section.body : min(section.end, section.body + _READ_FOR_WRITER)]
    lower = body.lower()
    first = bisect_left(people, section.body, key=lambda p: p.start)
    last = bisect_left(people, section.end, key=lambda p: p.start)
    inside = people[first:last]
    introduced = [
        m.group(1) for m in _SELF_NAME.finditer(body) if not POSSESSIVE.search(m.group(1))
    ]
    if "here" in body:
        introduced += [m.group(1) for m in _HERE_NAME.finditer(body)]
    signed = [
        m.group("name")
        for m in (_SIGNED.finditer(body) if may_hold(body, _SIGNED_CUES, ignore_case=True) else ())
    ]
    own_name = _first_name([name, *introduced, *signed, section.signoff_name])
    # The team's own name where they sign, or introduce themselves as staff: their contact
    # beside it is theirs. ("this is Ann Lee" in a note may quote the prospect.)
    signed_name = _first_name([*signed, section.signoff_name if section.signoff_marked else ""])
    staff_name = _first_name([*introduced, signed_name])
    if writer := next((p for p in inside if p.writer), None):
        return PROXY, writer.role, own_name
    if (_any_in(lower, _STAFF_INTRO_WORDS) and _STAFF_INTRO.search(body)) or (
        section.signoff_staff and section.signoff_marked
    ):
        return AGENT, "", staff_name  # one of the team, whoever they write for
    if beneficiary := next((p for p in inside if p.beneficiary and p.role), None):
        title = _title(text[section.signoff : section.end]) if section.signoff_marked else ""
        role = proxy_role(beneficiary.role) if beneficiary.kin else "Contact"
        return PROXY, title or role, own_name
    if _any_in(lower, _STAFF_WORDS) and _STAFF_CUE.search(body):
        return AGENT, "", signed_name
    # Who writes for someone else is not the prospect: their own contact is not the prospect's.
    for_someone = any(p.beneficiary for p in inside) or (
        ("for" in lower or "behalf" in lower) and bool(_FOR_SOMEONE.search(body))
    )
    prospect = (PROXY, "Contact", own_name) if for_someone else (PROSPECT, "", own_name)
    if _FIRST_PERSON.search(body) or any(section.body <= m.start < section.end for m in said):
        return prospect  # a lead form's "Message:" holds the prospect's words
    if _THIRD_PERSON.search(body):
        return AGENT, "", signed_name
    if _ASKS_THE_OFFICE.search(body):
        return prospect  # "is this still available?": the prospect asks
    return prospect if section.kind in ("email", "quote", "call") else (AGENT, "", signed_name)


def _first_name(names: list[str]) -> str:
    """The first of `names` that is one ("Pat", not "Thanks")."""
    return next((n for n in names if n and n.split()[0].lower() not in NOT_NAMES), "")


def _title(signoff: str) -> str:
    """A job in a sign-off ("Global Mobility Consultant"), to name the writer in the notes."""
    for part in re.split(r"[|\n,]", signoff):
        words = part.strip(" \t>").split()
        if 1 <= len(words) <= 4 and re.search(r"(?i)consultant|coordinator|specialist", part):
            return " ".join(words)
    return ""


def speakers(text: str) -> dict[int, bool]:
    """A chat's lines ("[3:02 PM] Me: …", "Visitor: …"), each with whether the team speaks it;
    none unless two lines at least have a speaker."""
    speakers: dict[int, bool] = {}
    for m in _SPEAKER.finditer(text):
        who = m.group("who")
        words = re.findall(r"[^\W\d_]+", who.lower())
        if not 1 <= len(words) <= 4 or any(w in _FORM_WORDS or len(w) < 2 for w in words):
            continue
        speakers[m.start()] = bool(_TEAM_SPEAKER.search(f"{who} {m.group('note') or ''}"))
    if len(speakers) == 1:  # one line: only a person's name or handle ("Leo: hi, my number is…")
        ((line_start, team),) = speakers.items()
        who = _SPEAKER.match(text, line_start)
        if team or who is None or not _HANDLE.fullmatch(who.group("who")):
            return {}
    return speakers
