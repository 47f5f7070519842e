"""Which of the times a message mentions is the tour's: each clause is read on its own, times the
writer turned down ("can't do friday", "instead of 2") are dropped, a change of mind ("actually",
"sorry, she said 3:15") wins, the newest message of a thread beats what it quotes, and options
left open ("thurs or fri") stay a question for the agent, never a guess."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import chain

from bot.time.words import (
    ClockTime,
    DateRef,
    DayRef,
    NamedDay,
    Reading,
    RelativeDay,
    WeekdayRef,
    normalise,
    read_phrase,
)
from bot.understand.message import Message
from bot.understand.scan import Anchored, folded, may_hold, starts_finder

# Where one thought ends: a sentence, a line, a field separator, a dash between clauses. Each
# branch opens with its character, so the engine skips to them ("Dr." is looked behind after).
_CLAUSE_END = re.compile(
    r"[.!?](?<!\b[A-Za-z].)(?<!\b(?:Dr|St|Mr|Ms|Jr|Sr).)(?<!\bMrs.)[.!?]*(?=\s|$)"
    r"|\n|;|\s[/|·•]\s|\s[–—-]\s(?!\d)|\s/|/\s|[–—](?!\s*\d)"
)
# Inside a clause, where a turned-down option meets the one that stands.
_TURN = re.compile(
    r"(?i),|(?<!any day )(?<!anything )(?<!anytime )\bbut\b|\binstead\s+of\b|\brather\s+than\b"
    r"|\bnot\b(?=\s+(?:on\s+)?\w+day\b)"
    r"|\b(?:actually|sorry|correction|oops|oh\s+wait|wait)\b"
)
_DECLINED = re.compile(
    r"(?i)\b(?:can'?t|cannot|can\s+not|couldn'?t|won'?t|wont|doesn'?t|does\s+not|don'?t|isn'?t"
    r"|no\s+longer|not\s+(?:on\s+)?(?=\w+day\b)|anymore|is\s+out|out\s+now|fell\s+through"
    r"|cancel(?:led|ed)?|not\s+(?:gonna|going\s+to|be\s+able\s+to)|no\s+good|not\s+good"
    r"|not\s+(?:work|possible|available)|forget|scrap|nix|ditch|skip"
    r"|drop(?=\s+(?:the\s+)?\w+day\b)"  # "drop tuesday", not "drop by tuesday"
    # "any day but friday", "except monday", "other than tuesday" (a lone "but friday" may be
    # the choice: "tomorrow's out but friday works")
    r"|(?:any\s*(?:day|time|thing)|anything)\s+but(?=\s+\w+day\b)"
    r"|(?:except(?:\s+for)?|other\s+than)(?=\s+(?:on\s+)?\w+day\b))\b"
)
_DECLINED_ANCHORED = Anchored(
    _DECLINED,
    ("can", "couldn", "won", "doesn", "does", "don", "isn", "no", "anymore", "is", "out", "fell",
     "cancel", "forget", "scrap", "nix", "ditch", "skip", "drop", "any", "except", "other"),
)  # fmt: skip
# A month or holiday-like word the time grammar did not read as a date: the day is unknown.
_UNREAD_DAY = re.compile(
    r"(?i)\b(?:jan(?:uary)?|feb(?:ruary)?|march|apr(?:il)?|june|july|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|easter|passover|hanukkah|diwali|eid|holiday)\b"
)
_INSTEAD_OF = re.compile(r"(?i)\b(?:instead\s+of|rather\s+than)\s*$")
_CHANGE = re.compile(
    r"(?i)\b(?:actually|instead|rather|better|sorry|correction|oops|wait|let'?s\s+say|make\s+it"
    r"|change(?:d)?\s+(?:it\s+)?to|switch(?:ed)?\s+to|move(?:d)?\s+(?:it\s+)?to|push(?:ed)?\s+"
    r"(?:it\s+)?to|she\s+said|he\s+said|they\s+said|now)\b"
)
_OR = re.compile(r"(?i)\b(?:or|either)\b|/")
_TOGETHER_MAX = 120  # characters: options further apart are listed, not quoted
_TOGETHER_SPAN = 2_000  # characters of the message from the first option's clause to the last
_THEN = re.compile(r"(?i)\bthen\s*$")  # "friday at 3 then": settling on it
_RETRACT = re.compile(r"(?i)\b(?:scratch\s+that|never\s*mind|forget\s+(?:that|it)|disregard)\b")
# A day said for another reason than the tour: "until Christmas", "since monday".
_CONTEXT_BEFORE = (
    r"(?:until|till|til|through|thru|since|after|before|over|that'?s|that\s+is|lease\s+ends?"
    r"|ends?|moving|move[\s-]?in|starting|starts)\s+(?:on\s+)?(?:the\s+)?"
)


_CONTEXT_END = re.compile(r"(?i)\b" + _CONTEXT_BEFORE + r"$")


def _for_context(piece: str, reading: Reading) -> bool:
    """A day named only as a remark or a limit, never as the tour's: "until Christmas"."""
    if reading.times or len(reading.days) > 2:
        return False  # a remark names a day or two, not a page of them
    said = normalise(piece)
    for day in reading.days:
        if isinstance(day, NamedDay):
            return True  # a holiday with no hour is a remark: "for thanksgiving", "til xmas"
        at = said.find(day.text)
        if at >= 0 and _CONTEXT_END.search(said, max(0, at - 40), at):
            return True
    return False


# An email quoted below the newest one: its lines start with ">", or follow "On … wrote:".
# (A forwarded email is not older: it is what the forward is about.)
_QUOTED_FROM = re.compile(
    r"(?im)^[ \t>]*on\s[^\n]{0,160}?(?:\n[^\n]{0,80}?)?\bwrote:[ \t]*$"
    r"|^[ \t>]*-{2,}\s*original\s+message\s*-{2,}[ \t]*$|^[ \t]*>"
)


@dataclass(frozen=True)
class Candidate:
    """A time the message mentions, in the words the resolver reads."""

    start: int
    end: int
    reading: Reading
    quoted: bool  # in an older message the newest one quotes
    changed: bool  # said as a change of mind: "actually", "let's say", "sorry, she said"
    option: bool  # offered beside another: "thurs or fri"
    context: bool = False  # a day said for another reason: "until Christmas", "for thanksgiving"

    @property
    def has_day(self) -> bool:
        return bool(self.reading.days)

    @property
    def has_clock(self) -> bool:
        return bool(self.reading.times)

    @property
    def day_keys(self) -> frozenset[tuple[object, ...]]:
        return frozenset(_day_key(d) for d in self.reading.days)

    @property
    def key(self) -> tuple[frozenset[tuple[object, ...]], frozenset[tuple[int, int]]]:
        """What moment the words name, so that "sat at 11" and "Saturday 11am" are one."""
        return self.day_keys, frozenset(_clock_key(c) for c in self.reading.times)


def _day_key(day: DayRef) -> tuple[object, ...]:
    if isinstance(day, WeekdayRef):
        return ("weekday", day.weekday, day.mode == "next_week")
    if isinstance(day, DateRef):
        return ("date", day.month, day.day)
    if isinstance(day, RelativeDay):
        return ("relative", day.days)
    if isinstance(day, NamedDay):
        return ("holiday", day.name)
    return ("day of month", day.day)


def _clock_key(clock: ClockTime) -> tuple[int, int]:
    hour = clock.hour % 12 if clock.meridiem else clock.hour
    if clock.meridiem == "pm" or (clock.meridiem is None and 1 <= clock.hour <= 7):
        hour += 12  # as the resolver reads a bare hour: 1-7 afternoon
    return hour, clock.minute


@dataclass
class _Found:
    candidates: list[Candidate]
    declined_days: set[tuple[object, ...]]
    declined: list[str]


_HOUR_WORD = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
# Clauses worth reading: a digit, or a word of days and hours. The rest is skipped unread.
_TIMEISH = re.compile(
    r"(?i)\d|\b(?:today|tonight|tomorrow|tmrw?|tmw|yesterday|yday|noon|midnight|morning"
    r"|afternoon|evening|night|week|weekend|ago|mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may"
    r"|jun|jul|aug|sep|oct|nov|dec|half\s+past|quarter|christmas|xmas|thanksgiving|new\s+year"
    r"|halloween|july|labor|memorial)"
    # An hour in words only where it reads as one: "at two", "ten thirty", "nine o'clock".
    rf"|\b(?:at|around|about|past|to|til|till|after|by)\s+{_HOUR_WORD}\b"
    rf"|\b{_HOUR_WORD}[\s-](?:thirty|fifteen|forty|fifty|twenty|o'?\s?clock|oh|[ap]\.?m)"
)
# One of these is in every match of `_TIMEISH` (an hour word in each of its last two ways).
_TIMEISH_CUES = (
    *"0123456789",
    *"today tonight tomorrow tmr tmw yesterday yday noon midnight morning afternoon evening night"
    " week ago mon tue wed thu fri sat sun jan feb mar apr may jun jul aug sep oct nov dec half"
    " quarter christmas xmas thanksgiving new halloween labor memorial".split(),
    *_HOUR_WORD[3:-1].split("|"),
)
# Where a match of `_TIMEISH` may begin, in the folded text: a clause with none is not searched.
_TIMEISH_STARTS = re.compile(
    r"\d|"
    + starts_finder(
        (*_TIMEISH_CUES, "at", "around", "about", "past", "to", "til", "after", "by")
    ).pattern
)
# Past this many times mentioned, a message names no one tour time: stop reading.
MOST_CANDIDATES = 12


def candidates(message: Message) -> list[Candidate]:
    """Every clause of what is left of the message that names a day or a time, in order; times
    the writer turned down are left out."""
    text = message.search
    # Found in the text as written: the headers that mark a quote are taken out of `search`.
    if not may_hold(text, _TIMEISH_CUES, ignore_case=True):
        return []  # no clause names a day or a time
    # The first match starts first: finditer's matches come in order.
    quote = _QUOTED_FROM.search(message.text)
    quote_from = quote.start() if quote else len(text)
    found = _Found([], set(), [])
    lower = folded(text)
    whole = len(lower) == len(text)  # one character for one, so positions agree
    start = 0
    for end in chain((m.start() for m in _CLAUSE_END.finditer(text)), (len(text),)):
        # Searched from where a match may first begin: the engine skips to it in C.
        first = _TIMEISH_STARTS.search(lower, start, end) if whole else None
        if (
            end > start
            and (first or not whole)
            and _TIMEISH.search(text, first.start() if first else start, end)
        ):
            _in_clause(text, start, end, quote_from, found)
            if len(found.candidates) > MOST_CANDIDATES:
                break
        start = end + 1
    for words in found.declined:
        message.leave_out(words, "a time the writer turned down")
    # A day turned down anywhere ("but Tuesday's not gonna work") is out wherever it was asked.
    kept = []
    for c in found.candidates:
        if c.day_keys & found.declined_days:
            message.leave_out(c.reading.words, "a day the writer turned down elsewhere")
        else:
            kept.append(c)
    return kept


def _in_clause(text: str, start: int, end: int, quote_from: int, found: _Found) -> None:
    clause = text[start:end]
    if not clause.strip():
        return
    if _RETRACT.search(clause):  # "scratch that": what came before is withdrawn
        found.declined_days.update(k for c in found.candidates for k in c.day_keys)
        found.candidates.clear()
    quoted = start >= quote_from or clause.lstrip().startswith(">")
    parts: list[tuple[int, int]] = []
    at = 0
    # Split only where the writer turns: "Saturday, December 5th at 10" is one time.
    if _DECLINED_ANCHORED.search(clause) or _CHANGE.search(clause) or _INSTEAD_OF.search(clause):
        for m in _TURN.finditer(clause):
            parts.append((at, m.start()))
            at = m.start() if m.group(0) != "," else m.end()
    parts.append((at, len(clause)))
    declined_next = False
    for a, b in parts:
        piece = clause[a:b]
        reading = read_phrase(piece)
        declined = declined_next or bool(_DECLINED_ANCHORED.search(piece))
        declined_next = bool(_INSTEAD_OF.search(piece))  # "3:30 instead of 2": the 2 is out
        if not (reading.days or reading.times or reading.past):
            continue
        if declined:
            found.declined_days.update(_day_key(d) for d in reading.days if not reading.times)
            found.declined.append(reading.words)
            continue
        if reading.times and not reading.days and _UNREAD_DAY.search(piece):
            continue  # "on the Feast of St. Nicholas at 10": the hour of an unknown day
        found.candidates.append(
            Candidate(
                start=start + a,
                end=start + b,
                reading=reading,
                quoted=quoted,
                changed=bool(_CHANGE.search(clause[:b])) or bool(_THEN.search(piece)),
                option=bool(_OR.search(reading.words))
                and len(reading.days) + len(reading.times) > 1,
                context=_for_context(piece, reading),
            )
        )


def choose(found: list[Candidate], text: str = "") -> tuple[str, bool] | None:
    """The tour time's words, and whether they were put together from two places; None when
    the message names none (or only ones it turned down)."""
    for unwanted in (
        lambda c: bool(c.reading.past),  # "our call yesterday" is history
        lambda c: c.context,  # "a sublet until Christmas"
    ):
        kept = [c for c in found if not unwanted(c)]
        if kept and len(kept) < len(found):
            found = kept
    newest = [c for c in found if not c.quoted]
    older = [c for c in found if c.quoted]
    pool = newest or older
    if not pool:
        return None
    pool = _joined(pool)
    distinct = _agreeing(pool)
    if len(distinct) == 1:
        return _completed(distinct[0], older)
    changed = [i for i, c in enumerate(pool) if c.changed]
    if changed and all(c.key == pool[changed[-1]].key for c in pool[changed[-1] :]):
        last = pool[changed[-1]]  # the last change of mind, and nothing said against it since
        if last.has_day or not any(c.has_day for c in pool[: changed[-1]]):
            return last.reading.words, False
        day = next(c for c in reversed(pool[: changed[-1]]) if c.has_day)
        return f"{_day_words(day)} {_clock_words(last)}", True
    # Options offered together ("at 10? Or 11:30") go to the resolver, which asks which one;
    # times that merely disagree are left to the agent, never composed into one.
    near = text and pool[-1].end - pool[0].start <= _TOGETHER_SPAN  # a page apart is no offer
    together = read_phrase(text[pool[0].start : pool[-1].end]) if near else None
    if together and together.options and len(together.words) <= _TOGETHER_MAX:
        return together.words, False
    return None


def _agreeing(pool: list[Candidate]) -> list[Candidate]:
    """The different times the pool names: "she wants Dec 4" and "Dec 4th at 3:30" are one, and
    the fuller words stand for it."""
    kept: list[Candidate] = []
    for c in pool:
        days, clocks = c.key
        for i, k in enumerate(kept):
            other_days, other_clocks = k.key
            same_day = days == other_days or not days or not other_days
            same_clock = clocks == other_clocks or not clocks or not other_clocks
            shared = (days and days == other_days) or (clocks and clocks == other_clocks)
            if same_day and same_clock and shared:
                fuller = len(days) + len(clocks) > len(other_days) + len(other_clocks)
                kept[i] = c if fuller else k
                break
        else:
            kept.append(c)
    return kept


def _completed(one: Candidate, older: list[Candidate]) -> tuple[str, bool]:
    """The newest message's time; an hour alone ("3:30 instead?") keeps the day of the message
    it answers. A day alone keeps no quoted hour: "he never showed Monday" above "tomorrow at
    2" is no Monday at 2."""
    if one.quoted or one.has_day:
        return one.reading.words, False
    day = next((c for c in reversed(older) if c.has_day), None)
    return (f"{_day_words(day)} {_clock_words(one)}", True) if day else (one.reading.words, False)


def _joined(pool: list[Candidate]) -> list[Candidate]:
    """A day in one clause and its hour in the next ("this evening? 6:30?") are one time."""
    out: list[Candidate] = []
    for c in pool:
        prev = out[-1] if out else None
        pair = sorted((prev, c), key=lambda x: not x.has_day) if prev is not None else []
        if (
            prev is not None
            and pair[0].has_day
            and not pair[0].has_clock
            and pair[1].has_clock
            and not pair[1].has_day
            and not (c.changed or prev.reading.past or c.reading.past)
            and c.start - prev.start < 200
        ):
            day, clock = pair
            merged = read_phrase(f"{_day_words(day)} {_clock_words(clock)}")
            out[-1] = Candidate(prev.start, c.end, merged, prev.quoted, prev.changed, prev.option)
        else:
            out.append(c)
    return out


def _day_words(c: Candidate) -> str:
    return " ".join([*(d.text for d in c.reading.days), *(z.text for z in c.reading.zones)])


def _clock_words(c: Candidate) -> str:
    clock = c.reading.times[0]
    text = clock.text
    if clock.meridiem is None and c.reading.period:
        text += f" in the {c.reading.period}"
    return " ".join([text, *(z.text for z in c.reading.zones)])
