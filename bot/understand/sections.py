"""The parts of a message (a note, a forward, a quoted reply, a voicemail) and their sign-offs."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import pairwise

from bot.understand.emails import EMAIL
from bot.understand.phones import PHONE
from bot.understand.scan import Anchored

# Who wrote a part: the prospect; one of the team (a note, a forward, a reply to the prospect);
# someone writing for the prospect (a parent, a friend, a relocation consultant); a business.
PROSPECT, AGENT, PROXY, OFFICE = "prospect", "agent", "proxy", "office"

_QUOTE = re.compile(r"[ \t]*(?:>[ \t]?)*")
_FORWARD = re.compile(
    r"(?i)^[ \t>]{0,12}(?:-{2,}[ \t]*(?:forwarded message|original message|(?P<auto>auto-?reply|"
    r"automatic reply))[ \t]*-*|begin forwarded message:?)[ \t]*$"
)
_HEADER = re.compile(
    r"(?im)^[ \t>*]{0,12}(from|to|cc|bcc|sent|date|subject|reply-to)[ \t]*:[ \t]*(.*)$"
)
_WROTE = re.compile(r"(?i)^[ \t>]{0,12}on\b[^\n]{0,200}?\bwrote:[ \t]*$")
_NAME_WORD = re.compile(r"[A-ZÀ-Þ][\w'’.\-]*")
# A voicemail's or a text's header: "Voicemail from (917) 555-0163 · 0:48", "SMS (857) 555-0133:".
_CALL = re.compile(
    r"(?i)^[ \t>*]{0,12}(?:[(\[]?\d{1,2}:\d{2}[)\]]?[ \t]*)?"
    r"(?:(?:new|incoming|missed|forwarded)[ \t]+)?"
    r"(?:voice[ \t-]?mail|vm|sms|texts?|text[ \t]+(?:message|thread)s?|imessage|whatsapp"
    r"|(?:missed|incoming)[ \t]+call|call[ \t]+from)\b"
)
_CALL_HEADS = tuple(
    "( [ 0 1 2 3 4 5 6 7 8 9 voice vm sms text imessage whatsapp new incoming missed "
    "forwarded call".split()
)
_NOT_A_HEADER = re.compile(r"(?i)\b(?:her|him|his|me|my|she|he|them|their|at|back|us|i|you|pls)\b")
_CLOSING = re.compile(
    r"(?im)^[ \t>]{0,12}(?:thanks|thank[ \t]+you|thx|many[ \t]+thanks|best|best[ \t]+regards|"
    r"regards|kind[ \t]+regards|warm[ \t]+regards|warmly|cheers|sincerely|"
    r"yours[ \t]+(?:sincerely|truly)|respectfully|merci|gracias|talk[ \t]+soon|take[ \t]+care)"
    r"\b[ \t,!.]*(?:[^\W\d_]+[ \t]*)?$"
)
_DASH_NAME = re.compile(r"(?m)^[ \t>]{0,12}[-–—~]+[ \t]*[A-ZÀ-Þ]")
# A job at a property: who signs with it is one of the team (or a broker), never the prospect.
STAFF = re.compile(
    r"(?i)\b(?:leasing(?:[ \t]+(?:consultant|agent|manager|specialist|associate|professional|"
    r"director|coordinator|office|team))?|(?:assistant[ \t]+)?(?:community|property)[ \t]+manager|"
    r"front[ \t]+desk|concierge|realtor|broker)\b"
)
_SIG_DASHES = re.compile(r"(?m)^[ \t>]{0,12}--[ \t]*$")
_STRIP_CONTACT = re.compile(
    r"(?i)\b(?:c|m|w|o|h|t|p|e|tel|phone|cell|mobile|office|work|email|e-mail|fax)\b[.:]?"
    r"|\b(?:x|ext\.?)[ \t]*\d+|[|·•,/\-–—:()~]"
)
_STALE = re.compile(
    r"(?i)(?:don'?t|do[ \t]+not|never|can'?t|cannot|won'?t)[ \t]+(?:call|text|use|check|answer)"
    r"[ \t]+(?:me[ \t]+)?(?:back[ \t]+)?(?:(?:at|on)[ \t]+)?(?:this|that)[ \t]+(?:\w+[ \t]+)?"
    r"(?:number|line|phone|one)|(?:old|former|previous|outdated)[ \t]+(?:\w+[ \t]+)?"
    r"(?:number|line|phone)|don'?t[ \t]+(?:check|use|have)[ \t]+(?:it|that|this)[ \t]+any[ \t]?more"
    r"|not[ \t]+my[ \t]+(?:number|phone|cell)|no[ \t]+longer[ \t]+(?:use|have|check)"
    r"|(?:calling|texting|writing)[ \t]+(?:you[ \t]+)?(?:from|on)[ \t]+(?:my[ \t]+|a[ \t]+)?"
    r"(?:\w+['’]s|someone[ \t]+else['’]s|borrowed)[ \t]+(?:phone|cell|line|number)"
    r"|(?:this|it)(?:['’]s|[ \t]+is)[ \t]+(?:my|a)[ \t]+\w+['’]s[ \t]+(?:phone|cell|number)"
)
_STALE_ANCHORED = Anchored(
    _STALE,
    ("don", "do", "never", "can", "won", "old", "former", "previous", "outdated", "not", "no",
     "calling", "texting", "writing", "this", "it"),
)  # fmt: skip
_STALE_WORDS = ("number", "line", "phone", "cell", "anymore", "any more", "longer")
_WORK_LINE = re.compile(
    r"(?i)(?:calling|texting|writing)[ \t]+(?:you[ \t]+)?from[ \t]+(?:work|the[ \t]+office|"
    r"my[ \t]+(?:work|office|job))|(?:that|this)(?:'s|[ \t]+is)[ \t]+(?:my|a)[ \t]+"
    r"(?:work|office)[ \t]+(?:line|number|phone)"
)
_CONFIRMED = re.compile(
    r"(?i)(?:the[ \t]+(?:one|number)[ \t]+i'?m[ \t]+calling[ \t]+(?:you[ \t]+)?from|"
    r"(?:at|on)[ \t]+this[ \t]+number|the[ \t]+number[ \t]+i[ \t]+(?:called|texted)[ \t]+from)"
)


@dataclass
class Section:
    """One part of the message and what is known of its writer."""

    start: int
    kind: str = "note"  # note, email (after From:), quote (after "wrote:"), call, auto (auto-reply)
    depth: int = 0  # how deep in ">" quotes
    end: int = 0
    body: int = 0  # where the text after its headers starts
    fresh: bool = True  # nothing but headers yet
    writer: str = PROSPECT
    writer_email: str = ""
    writer_name: str = ""
    intro: tuple[int, int] = (0, 0)  # the "From:" or "On … wrote:" line naming the writer
    caller: tuple[int, int] | None = None  # the caller ID's span
    signoff: int = 0  # where the writer signs off ("Thanks,", "-Derek", a name and a phone)
    signoff_marked: bool = False  # by a closing or a dash, not only by a trailing name block
    signoff_staff: bool = False  # the sign-off gives a job at a property ("Leasing Consultant")
    signoff_name: str = ""
    signature: int = 0  # where a "--" signature starts (end when none)
    signature_staff: bool = False  # … and it gives a job at a property
    stale: bool = False  # "please don't call this number back": its own number is not to use
    work: bool = False  # "I'm calling from work"
    confirmed: bool = False  # "my number's the one I'm calling from"
    lines: list[tuple[int, int]] = field(default_factory=list)


def split(text: str, phones: list[tuple[int, int]]) -> list[Section]:
    """The message's sections in order; `phones` are the (start, end) of every number in it."""
    sections = [Section(0)]
    header_run = _header_runs(text)
    pos = 0
    while True:
        newline = text.find("\n", pos)
        end = len(text) if newline < 0 else newline
        _line(text, pos, end, sections, header_run, phones)
        if newline < 0:
            break
        pos = newline + 1
    for section, after in pairwise(sections):
        section.end = after.start
    sections[-1].end = len(text)
    for section in sections:
        section.body = max(section.body, section.start)
        _sign_off(text, section)
        body = text[section.body : section.end]
        lower = body.lower()  # a word each phrase needs: long messages are read faster
        section.stale = _any_in(lower, _STALE_WORDS) and bool(_STALE_ANCHORED.search(body, lower))
        section.work = _any_in(lower, ("work", "office")) and bool(_WORK_LINE.search(body))
        section.confirmed = "this number" in lower or "calling" in lower or "from" in lower
        section.confirmed = section.confirmed and bool(_CONFIRMED.search(body))
    return sections


def _any_in(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def _line(
    text: str,
    start: int,
    end: int,
    sections: list[Section],
    header_run: set[int],
    phones: list[tuple[int, int]],
) -> None:
    line = text[start:end]
    quote = _QUOTE.match(line)
    depth = quote.group(0).count(">") if quote else 0
    blank = not line[quote.end() if quote else 0 :].strip()
    current = sections[-1]

    def begin(kind: str, depth: int) -> Section:
        section = Section(start, kind=kind, depth=depth, body=end + 1)
        sections.append(section)
        return section

    head = line[quote.end() if quote else 0 :][:12].lstrip(" \t*").lower()
    if head.startswith(("-", "begin")) and (forward := _FORWARD.match(line)):
        begin("auto" if forward.group("auto") else "email", depth)
        return
    if start in header_run:
        header = _HEADER.match(line)
        assert header is not None
        if not current.fresh:
            current = begin("email", depth)
        current.kind = "email" if current.kind == "note" else current.kind
        current.body = end + 1
        if header.group(1).lower() == "from":
            _from(header.group(2), start + header.start(2), current, phones)
            current.intro = (start, end)
        return
    if head.startswith("on") and _WROTE.match(line):
        section = begin("quote", depth + 1)
        section.intro = (start, end)
        if address := EMAIL.search(line):
            section.writer_email = address.group(0)
        section.writer_name = _name_before(line[: line.find("<")] if "<" in line else "")
        return
    if head.startswith(_CALL_HEADS) and (call := _CALL.match(line)):
        number = _first_phone(phones, start + call.end(), end)
        between = text[start + call.end() : number[0]] if number else line[call.end() :]
        if (number and number[0] - start <= 90 and not _NOT_A_HEADER.search(between)) or (
            not number and len(line.strip()) <= 40 and not _NOT_A_HEADER.search(between)
        ):
            section = current if current.fresh else begin("call", depth)
            section.kind, section.caller, section.body = "call", number, start
            return
    if blank:
        return
    if current.fresh:
        current.fresh, current.depth = False, depth
    elif depth != current.depth:
        begin("quote", depth).fresh = False
    sections[-1].lines.append((start, end))


def _from(value: str, at: int, section: Section, phones: list[tuple[int, int]]) -> None:
    """What a From: header says of the writer: an address and a name, or a caller's number."""
    if "@" in value:
        if address := EMAIL.search(value):
            section.writer_email = address.group(0)
            section.writer_name = display_name(value[: address.start()])
        return
    if number := _first_phone(phones, at, at + len(value)):
        section.kind, section.caller = "call", number
        section.writer_name = value[: number[0] - at].strip(" ·-")
        return
    section.writer_name = value.strip()


def display_name(before: str) -> str:
    """The name written before an address: "Jane Doe" in `"Jane Doe" <jane@example.com>`."""
    return before.strip().rstrip("<").strip().strip("\"'").strip()


def _first_phone(phones: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    i = bisect_left(phones, (start, start))
    return phones[i] if i < len(phones) and phones[i][1] <= end else None


def _header_runs(text: str) -> set[int]:
    """Where each line of an email's header block starts: a run of header lines with a From:."""
    starts: set[int] = set()
    run: list[int] = []
    has_from = False
    pos = 0
    while True:
        newline = text.find("\n", pos)
        end = len(text) if newline < 0 else newline
        header = _HEADER.match(text, pos, end)
        if header:
            run.append(pos)
            has_from = has_from or header.group(1).lower() == "from"
        if not header or newline < 0:
            if has_from:
                starts.update(run)
            run, has_from = [], False
        if newline < 0:
            break
        pos = newline + 1
    return starts


def _sign_off(text: str, section: Section) -> None:
    """Where the writer signs off: a closing ("Thanks,"), a dash and a name ("-Derek"), or a
    trailing block of a name, a job and contacts."""
    section.signoff = section.end
    lines = [(s, e) for s, e in section.lines if s >= section.body]
    if not lines:
        return
    for s, e in lines:
        if e - s <= 40 and _CLOSING.match(text, s, e):
            section.signoff, section.signoff_marked = s, True
    for s, e in lines[-3:]:
        if _DASH_NAME.match(text, s, e) and e - s <= 60 and s < section.signoff:
            section.signoff, section.signoff_marked = s, True
    block = len(lines)  # a signature is a few lines: no more are looked at
    while block > max(1, len(lines) - 12) and identity_line(
        text[lines[block - 1][0] : lines[block - 1][1]]
    ):
        block -= 1
    if block < len(lines) and lines[block][0] < section.signoff:
        first = text[lines[block][0] : lines[block][1]]
        if re.match(r"[ \t>]{0,12}[A-ZÀ-Þ]", first):
            section.signoff = lines[block][0]
    section.signature = section.end
    for s, e in lines:
        if e - s <= 8 and _SIG_DASHES.match(text, s, e):
            section.signature = s
    section.signature_staff = bool(STAFF.search(text, section.signature, section.end))
    zone = text[section.signoff : max(section.signoff, section.signature)]
    section.signoff_staff = bool(STAFF.search(zone))
    for line in zone.splitlines()[:3]:
        words = line.strip(" \t>-–—~").split("|")[0].split(",")
        closing = bool(_CLOSING.match(line))
        name = words[-1] if closing and len(words) > 1 else words[0]
        if (found := _leading_name(name)) and not _CLOSING.match(found):
            section.signoff_name = found
            break
        if not closing:
            break


def _leading_name(text: str) -> str:
    words: list[str] = []
    for word in text.split()[:3]:
        word = word.strip("\"'(),:")
        if not _NAME_WORD.fullmatch(word):
            break
        words.append(word)
    return " ".join(words)


def _name_before(text: str) -> str:
    """The capitalised words that end `text` ("… 3:05 PM Luis Carvalho" gives "Luis Carvalho")."""
    words: list[str] = []
    for word in reversed(text.split()):
        word = word.strip("\"'(),:")
        if len(words) == 3 or not _NAME_WORD.fullmatch(word) or word in ("AM", "PM"):
            break
        words.insert(0, word)
    return " ".join(words)


def identity_line(line: str) -> bool:
    """A line of a name, a job or contacts, as a signature or a contact block has them."""
    if len(line) > 160:
        return False
    rest = _STRIP_CONTACT.sub(" ", PHONE.sub(" ", EMAIL.sub(" ", line)))
    words = rest.split()
    return (
        len(words) <= 8
        and not any(c.isdigit() for c in rest)
        and not re.search(r"[?!]|\.[ \t]", rest)
        and bool(line.strip(" \t>"))
    )
