"""The tour time: the words the resolver reads as a time, found among what is left of the message
and kept as the agent wrote them ("Fri 2pm", not "friday 2pm"), so the form shows their words.

Times that are not the tour's are hidden first: "3rd floor", "after 5pm" (a window, not a time),
"available March 1", "called this morning", "call back tomorrow at 9".
"""

from __future__ import annotations

import re

from bot.booking.form import TOUR_TIME_MAX
from bot.time.words import normalise, read_phrase
from bot.understand.message import Message
from bot.understand.scan import Anchored, folded
from bot.understand.time_choice import candidates, choose

TIME_WORDS_MAX = 120  # time words scattered over a page: not sure

_DAY = (
    r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}(?:/\d{2,4})?|\d{1,2}(?:st|nd|rd|th)\b"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s+\d{1,2}(?:st|nd|rd|th)?)?)"
)
_CLOCK = r"(?:\d{1,2}(?::\d{2})?(?:\s*(?:[ap]\.?m\b\.?|[ap]\b))?|noon)"
_DAY_WORD = (
    r"(?:today|tomorrow|tmrw|tmr|tonight|this\s+(?:morning|afternoon|evening)|(?:next\s+)?"
    r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?|\d{1,2}/\d{1,2})\b"
)
# Days in someone's life that are never the tour's, whichever side of them the date stands.
_NOT_A_TOUR_DAY = (
    r"due\s+date|start\s+date|starts?\s+(?:work|(?:her|his|a\s+new|the\s+new)\s+job|school)"
    r"|first\s+day(?:\s+at\s+work)?|closing\s+date"
)
# Days that may be the tour's ("tour on her birthday, 12/12"): only "12/12 is her birthday" says
# they are not.
_LIFE_EVENT = rf"birthday|bday|b-day|anniversary|graduation|wedding|{_NOT_A_TOUR_DAY}"
# When to call or text the prospect, which is not when they tour.
_CALL_BACK = re.compile(
    r"(?i)\b(?:call[\s-]?back|(?:call|text|ring|phone|email)(?:ing)?\s+(?:her|him|them|me|us|back"
    r"|the\s+prospect)(?:\s+(?:back|again))?|follow(?:ing)?\s+up(?:\s+with\s+(?:her|him|them))?"
    r"|get\s+back\s+to\s+(?:her|him|them))(?:\s+(?:on|at))?\s+"
    rf"(?:{_DAY_WORD}(?:[\s,]+(?:at|@|around|by)?\s*{_CLOCK}\b)?|(?:at|@|around|by|after|before)\s*"
    rf"{_CLOCK}\b(?:\s+{_DAY_WORD})?|between\s+{_CLOCK}\s+(?:and|-)\s+{_CLOCK}\b(?:\s+{_DAY_WORD})?)"
)
# (pattern, words one of which the text must hold for the pattern to be worth running)
_NOT_THE_TOUR = [
    (re.compile(r"(?i)\b\d{1,2}(?:st|nd|rd|th)\s+(?:floor|fl\b\.?)"), ("floor", "fl")),
    (
        re.compile(
            r"(?i)\b(?:any\s*time\s+|anytime\s+)?(?:after|before|until|till|til|no\s+later\s+than"
            r"|no\s+earlier\s+than|not\s+before|not\s+after)\s+(?:\d{1,2}(?::\d{2})?\s*"
            r"(?:[ap]\.?m\b\.?|[ap]\b)?|noon|lunch|work|midnight)"
        ),
        ("after", "before", "til", "than"),
    ),
    (
        re.compile(
            r"(?i)\b(?:available|availability|avail|starting|starts?|by|until|from|since)\s+"
            rf"(?:on\s+)?(?:the\s+)?{_DAY}"
        ),
        ("avail", "start", "by", "until", "from", "since"),
    ),
    (re.compile(r"(?i)\blease\s+(?:ends?|expires?|is\s+up|runs\s+out)\b[^,;\n.!?]*"), ("lease",)),
    (
        re.compile(
            r"(?i)\b(?:good\s+(?:morning|afternoon|evening|night)|happy\s+(?:mon|tues|wednes|thurs"
            r"|fri|satur|sun)day|(?:have\s+a\s+)?(?:good|great|nice)\s+weekend)\b"
        ),
        ("good", "happy", "great", "nice"),
    ),
    (
        re.compile(
            r"(?i)\b(?:called|emailed|texted|messaged|reached\s+out|came\s+(?:in|by)|stopped\s+by"
            r"|walked\s+in|walk-?in|spoke|talked|left\s+(?:a\s+)?(?:vm|voicemail|message)|toured"
            r"|visited|saw|seen|viewed|looked\s+at|(?:was|were)\s+here|applied|[ie]nquired)\b"
            r"(?:\s+[a-z']+){0,3}?\s+(?:this\s+(?:morning|afternoon|evening)|today|yesterday"
            r"|earlier|last\s+(?:night|week(?:end)?|wk|month|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*)"
            r"|the\s+other\s+day|(?:this\s+)?past\s+(?:week(?:end)?|(?:mon|tue|wed|thu|fri|sat|sun)"
            r"[a-z]*)|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\s+(?:last|(?:just\s+)?gone)"
            r"|(?:a\s+)?(?:while|bit)\s+(?:ago|back)|(?:\d{1,2}|an?|one|two|three|four|few|a\s+few"
            r"|(?:a\s+)?couple(?:\s+of)?)\s+(?:days?|weeks?|wks?|months?|fortnights?)\s+(?:ago|back))\b"
            # and the hour it happened at: "toured last thursday at 4" asks for no tour at 4
            r"(?:\s+(?:at|@|around|about)?\s*(?:\d{1,2}(?::\d\d)?(?:\s*[ap]\.?m\b\.?)?|noon)\b)?"
        ),
        ("this", "today", "yesterday", "earlier", "last", "other", "past", "gone", "ago", "back"),
    ),
    (_CALL_BACK, ("call", "text", "ring", "phone", "email", "follow", "get back")),
    # A day in someone's life, not the tour's: "10/12 is her birthday", "start date at work Jan 4".
    (
        re.compile(
            rf"(?i)\b(?:{_NOT_A_TOUR_DAY})\b[^,;\n.!?]{{0,30}}?(?:\b(?:is|on|was)\s+)?(?:the\s+)?{_DAY}"
            rf"|{_DAY}\s+(?:is|was)\s+(?:her|his|my|their|our|the)\s+(?:{_LIFE_EVENT})\b"
        ),
        (
            "birth",
            "bday",
            "b-day",
            "anniversar",
            "graduat",
            "wedding",
            "due",
            "start",
            "first day",
            "closing",
        ),
    ),
    # The line a voicemail, text or chat export starts with: who, from which number, when.
    (
        re.compile(
            r"(?im)^[ \t]*(?:from\s+)?(?:new\s+)?(?:sms|texts?(?:\s+messages?)?|voicemail"
            r"(?:\s+transcript(?:ion)?)?|vm|missed\s+call|messages?|chat(?:\s+transcript)?|whatsapp"
            r"|imessage|messenger)\b[ \t]*(?:from\b|[·(\-–—]|\+?\d|transcript"
            # its number may be taken already: then a date opens what is left
            r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)"
            r"[a-z]*\.?,?\s+\d)(?:[^\n:]|:\d)*"
        ),
        ("sms", "text", "voicemail", "vm", "call", "message", "chat", "whatsapp", "messenger"),
    ),
    # When a call was logged, not when the tour is: "Call log 12/6 4:12pm — spoke w/ …".
    (
        re.compile(
            rf"(?i)\b(?:call|phone)\s+(?:log|notes?|record)\b[ \t:\-–—]*(?:{_DAY})?[ \t,@]*"
            r"(?:at[ \t]+)?(?:\d{1,2}:\d\d(?:[ \t]*[ap]\.?m\b\.?)?)?"
        ),
        ("log", "note", "record"),
    ),
    # Timestamps of a chat export and a voicemail's length: "[10:02 PM]", "(Tue 7:40 PM)", "(1:02)".
    (
        re.compile(
            r"(?i)\[[^\]\n]{0,40}?\d{1,2}:\d\d(?::\d\d)?[^\]\n]{0,12}\]"
            r"|\((?:[a-z]{3,9}\.?,?\s+)?\d{1,2}:\d\d(?::\d\d)?(?:\s*[ap]\.?m\.?)?\)"
            r"|\b(?:duration|length)\s*:?\s*\d{1,2}:\d\d\b|·\s*\d{1,2}:\d\d\b(?!\s*[ap]\.?m)"
        ),
        (":",),
    ),
    # When the prospect is busy is not when they tour: "I get off at 6", "off work at 4:30".
    (
        re.compile(
            r"(?i)\b(?:get|got|i'?m|am|be|gets?)\s+off(?:\s+work)?\s+(?:at|around|by)\s+\d{1,2}"
            r"(?::\d\d)?(?:\s*[ap]\.?m\.?)?|\bwork(?:ing)?\s+(?:until|till|til)\s+\d{1,2}(?::\d\d)?"
            r"(?:\s*[ap]\.?m\.?)?"
        ),
        ("off", "work"),
    ),
    # The time a tour is moved from: "moving her tour on Sat from 2 to 3:30", "change Aditi from
    # 10am to 1pm tomorrow" (only the old time is hidden).
    (
        re.compile(
            r"(?i)\b(?:mov(?:e|ed|ing)|chang(?:e|ed|ing)|reschedul\w*|push(?:ed|ing)?|switch(?:ed|ing)?"
            r"|bump(?:ed|ing)?|shift(?:ed|ing)?)\b[^.\n]{0,60}?(?P<hide>\bfrom\s+(?:"
            rf"{_DAY_WORD}\s+)?(?:at\s+)?{_CLOCK})(?=\s+to\s)"
        ),
        ("mov", "chang", "reschedul", "push", "switch", "bump", "shift"),
    ),
    # Times of other things: a flight, a call or voicemail received, office and tour hours, when
    # to reach the prospect.
    (
        re.compile(
            r"(?i)\b(?:flight|plane|train|bus)\s+(?:lands|arrives|gets\s+in|leaves|departs|is)\b"
            rf"[^,;\n.!?]{{0,30}}?{_CLOCK}"
            r"|\b(?:voicemail|vm|call|text|message|msg|email)\s+(?:at|@)\s*"
            rf"{_CLOCK}"
            r"|\b(?:open|opens|closes|closed|(?:office|leasing|tour|business)\s+hours(?:\s+are)?)\b"
            r"[^\n.!?]{0,30}?\d{1,2}(?::\d\d)?\s*(?:[ap]\.?m\.?)?\s*(?:-|–|to)\s*\d{1,2}"
            r"(?::\d\d)?\s*(?:[ap]\.?m\b\.?)?"
            r"|\b(?:best\s+(?:time|times|way)\s+to\s+(?:reach|call|contact|text)|call\s*back\s+window"
            r"|(?:reach|call)\s+(?:her|him|them|me)\s+between)\b[^\n]*"
        ),
        (
            "flight",
            "plane",
            "train",
            "bus",
            "voicemail",
            "vm",
            "call",
            "text",
            "message",
            "msg",
            "email",
            "open",
            "close",
            "hours",
            "best",
            "reach",
        ),
    ),
    # Numbered lines ("1) hey this is…", "2. budget…") count items, not hours.
    (re.compile(r"(?m)^[ \t]*\d{1,2}[).][ \t]"), (")", ".")),
    # Office hours: "Mon–Sat 9–6", "open Monday-Friday 9am-6pm".
    (
        re.compile(
            r"(?i)\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?\s*(?:-|–|to|thru|through)\s*"
            r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?[^\n]{0,40}"
            r"|\b(?:office|leasing|business)\s+hours\b[^\n]*"
        ),
        ("-", "–", " to ", "thru", "through", "hours"),
    ),
]
# Words as normalise splits them: at spaces, and at commas and semicolons between words.
_TOKEN = re.compile(r"(?:[^\s,;]|(?<=\d),(?=\d))+")
_MERIDIEM = re.compile(r"(?i)[ap]\.\s?m\.$")  # "10:30 a.m." keeps its full stop
_SEPARATOR = "\x00"  # splits the normalised tokens apart again; normalise leaves it alone
_TRIES = 50  # starting points tried when finding the agent's own words for a time
# A few words on from a clause, cut where a word ends: more than a time's words reach past it.
_AFTER_THE_LAST = re.compile(r"(?:\S*\s+){0,12}")
_TOKEN_MAX = 40  # characters: longer than any word of a time ("Wednesday,")
_LEADING = "([{\"'*_~,;:"
_SPELLED_STARTS = frozenset(
    "half quarter one two three four five six seven eight nine ten eleven twelve twenty".split()
)
_TRAILING = ",;:!?)]}\"'*_~."


_DIGITS = tuple("0123456789")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Where each of `_NOT_THE_TOUR`'s matches can start (None: at a line's start, or at any digit,
# which the engine finds faster than a start can be looked for).
_STARTS: list[tuple[str, ...] | None] = [
    None,
    ("any", "after", "before", "until", "till", "til", "no", "not"),
    ("avail", "start", "by", "until", "from", "since"),
    ("lease",),
    ("good", "happy", "have", "great", "nice"),
    ("called", "emailed", "texted", "messaged", "reached", "came", "stopped", "walk", "spoke",
     "talked", "left", "toured", "visited", "saw", "seen", "viewed", "looked", "was", "were",
     "applied", "inquired", "enquired"),
    ("call", "text", "ring", "phone", "email", "follow", "get"),
    ("due", "start", "first", "closing", *_DIGITS, *_MONTHS),
    None,
    ("call", "phone"),
    ("[", "(", "duration", "length", "·"),
    ("get", "got", "i", "am", "be", "work"),
    ("mov", "chang", "reschedul", "push", "switch", "bump", "shift"),
    ("flight", "plane", "train", "bus", "voicemail", "vm", "call", "text", "message", "msg",
     "email", "open", "close", "office", "leasing", "tour", "business", "best", "reach"),
    None,
    (*_WEEKDAYS, "office", "leasing", "business"),
]  # fmt: skip
NOT_THE_TOUR = [
    (Anchored(pattern, starts) if starts else pattern, cues)
    for (pattern, cues), starts in zip(_NOT_THE_TOUR, _STARTS, strict=True)
]


def take_tour_time(message: Message) -> None:
    for pattern, cues in NOT_THE_TOUR:
        # A pattern that hides a part of its match reads the whole text: its other words ("Moving
        # Nadia's tour from 2 to 3") may have been read already by another reader.
        whole = "hide" in (pattern.pattern if isinstance(pattern, Anchored) else pattern).groupindex
        search = message.text if whole else message.search
        lower = folded(search)  # as IGNORECASE reads it: "ſtart" holds the cue "start"
        if any(cue in lower for cue in cues):
            hidden = (
                pattern.finditer(search, lower)
                if isinstance(pattern, Anchored)
                else pattern.finditer(search)
            )
            for m in hidden:  # a pattern with a group named "hide" hides only that part
                message.hide(*(m.span("hide") if m.re.groupindex and m["hide"] else m.span()))
    mentioned = candidates(message)
    chosen = choose(mentioned, message.search)
    if chosen is None:
        if len(mentioned) > 1:
            shown = "; ".join(c.reading.words for c in mentioned)
            message.leave_out(shown, "times that disagree, none offered as the choice: ask")
        return
    words, merged = chosen
    if len(words) > TIME_WORDS_MAX:
        return
    day_turned_down = any(  # as `candidates` leaves them out
        "turned down" in seen.why and read_phrase(seen.words).days for seen in message.left_out
    )
    if day_turned_down and not read_phrase(words).days:
        # "any day but friday, ideally around 3": the hour of no day said is no tour time
        message.leave_out(words, "an hour with no day, beside a day turned down: ask the day")
        return
    # The words come from the clauses read: the text after the last is not looked through first.
    last = max(c.end for c in mentioned)
    until = after.end() if (after := _AFTER_THE_LAST.match(message.search, last)) else last
    found = None if merged else _as_written(message.search[:until], words)
    if found is None and not merged and until < len(message.search):
        found = _as_written(message.search, words)
    if found is None:
        message.set("tour_time", words)  # the resolver's own spelling: the same time
        return
    written, spans = found
    # The agent's spelling may be longer ("p.m." for "pm"); the form holds TOUR_TIME_MAX.
    message.set("tour_time", written if written and len(written) <= TOUR_TIME_MAX else words)
    for start, end in spans:
        message.take(start, end)


def _as_written(text: str, words: str) -> tuple[str, list[tuple[int, int]]] | None:
    """The agent's own words for the normalised `words` (or "" when no stretch of the text
    normalises to exactly them), and the spans of the text that hold them."""
    # A time is a few short words: tokens longer than any of them are never part of it.
    tokens = [m.span() for m in _TOKEN.finditer(text) if m.end() - m.start() <= _TOKEN_MAX]
    joined = f" {_SEPARATOR} ".join(text[a:b] for a, b in tokens)
    pieces = normalise(joined).split(_SEPARATOR)
    if len(pieces) != len(tokens):
        return None
    flat = [(word, k) for k, piece in enumerate(pieces) for word in piece.split()]
    target = words.split()
    n = len(target)
    # Where the time's first word stands; a page of them is looked at only its first few times.
    starts = [i for i, (word, _) in enumerate(flat) if word == target[0]][:_TRIES]
    # Mostly each token normalises alone as it does in the sentence; "3 o'clock" does not.
    for i in starts:
        if [word for word, _ in flat[i : i + n]] == target:
            first, last = flat[i][1], flat[i + n - 1][1]
            if written := _written(text, tokens[first][0], tokens[last][1], words):
                return written
    for i in starts:
        first = flat[i][1]
        for last in range(first, min(first + n + 3, len(tokens))):
            if written := _written(text, tokens[first][0], tokens[last][1], words):
                return written
    # A spelled clock reads as digits ("quarter past nine" is "9:15"): start at a number word.
    spelled = [
        first
        for first, (a, b) in enumerate(tokens)
        if text[a:b].lower().strip(_LEADING) in _SPELLED_STARTS
    ]
    for first in spelled[:_TRIES]:
        for last in range(first, min(first + n + 6, len(tokens))):
            if written := _written(text, tokens[first][0], tokens[last][1], words):
                return written
    return None


def _written(
    text: str, start: int, end: int, words: str
) -> tuple[str, list[tuple[int, int]]] | None:
    while start < end and text[start] in _LEADING:
        start += 1
    while end > start and text[end - 1] in _TRAILING and not _MERIDIEM.search(text, start, end):
        end -= 1
    written = " ".join(text[start:end].split())
    if written.count("(") != written.count(")"):  # "sat (11am)" read from its middle
        written = " ".join(written.replace("(", " ").replace(")", " ").split())
    if normalise(written) != words:
        return None
    return written, [(m.start() + start, m.end() + start) for m in _TOKEN.finditer(text[start:end])]
