"""The words people use for times, and `normalise`, which rewrites a phrase into one spelling.

Typos and abbreviations become their word ("tmrw" → "tomorrow"), spelled clocks become digits
("quarter past nine" → "15 past 9", "ten thirty" → "10:30"), and the world's clock forms become
H:MM ("0930h", "15h30"), so the grammar in `bot.time.words` sees one way of writing each thing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Abbreviations and the typos agents really make; whole words only.
_WORD_FIXES = {
    **dict.fromkeys(
        "tmrw tmrow tmr tmw tmo tmrrw 2moro 2morrow 2mrw tomorow tommorow tommorrow tomorrw "
        "tomrrow tomoro tomorro tomm".split(),
        "tomorrow",
    ),
    **dict.fromkeys("yday yest ystrdy yesterdy yesteday yesturday yestarday".split(), "yesterday"),
    **dict.fromkeys("wk wek".split(), "week"),
    **dict.fromkeys("wks weks".split(), "weeks"),
    **dict.fromkeys("wknd wkend wkd".split(), "weekend"),
    "lst": "last",
    "ytd": "yesterday",  # as agents text it; "year to date" says no tour time
    "tonite": "tonight",
    "2nite": "tonight",
    "nite": "night",
    "2day": "today",
    "tday": "today",
    **dict.fromkeys("mon monday mondy monady".split(), "monday"),  # not "mo": "6 mo" is a lease
    **dict.fromkeys("tue tues tu tuesday tuseday teusday tuesdy".split(), "tuesday"),
    **dict.fromkeys(
        "wed weds wedn wednesday wensday wendsday wedensday wednsday wednesdy".split(),
        "wednesday",
    ),
    **dict.fromkeys(
        "thu thur thurs thr thurday thursday thrusday thursady thusday thurdsay".split(),
        "thursday",
    ),
    **dict.fromkeys("fri friday firday fridy frday".split(), "friday"),
    **dict.fromkeys("sat saturday satruday saterday saturdy".split(), "saturday"),
    **dict.fromkeys("sun sunday sundy sundya".split(), "sunday"),
    "noonish": "noon",
    "nxt": "next",
    # Spanish, as bilingual agents write it: "el viernes a las 3pm", "sábado 5 de diciembre"
    "lunes": "monday",
    "martes": "tuesday",
    **dict.fromkeys("miércoles miercoles".split(), "wednesday"),
    "jueves": "thursday",
    "viernes": "friday",
    **dict.fromkeys("sábado sabado".split(), "saturday"),
    "hoy": "today",
    **dict.fromkeys("enero".split(), "january"),
    "febrero": "february",
    "marzo": "march",
    "abril": "april",
    "mayo": "may",
    "junio": "june",
    "julio": "july",
    "agosto": "august",
    **dict.fromkeys("septiembre setiembre".split(), "september"),
    "octubre": "october",
    "noviembre": "november",
    "diciembre": "december",
}
_WORD_FIX_RE = re.compile(r"\b(" + "|".join(sorted(_WORD_FIXES, key=len, reverse=True)) + r")\b")

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
    "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60, "ninety": 90,
    "couple": 2, "a couple of": 2, "a couple": 2, "few": 3, "a few": 3, "several": 3,
}  # fmt: skip


# A count of days or minutes; bounded and anchored, so a page of digits is read in linear time.
COUNT = (
    r"((?<![\d.])\d{1,4}(?:\.\d{1,2})?|"
    + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")"
)
WEEKDAY = "(" + "|".join(WEEKDAYS) + ")"

# Words that point backwards. Found first, so "last thursday" is never read as a Thursday ahead.
BACKWARD = re.compile(
    r"\b(?:(?:the\s+)?day\s+before\s+yesterday|night\s+before\s+last|yesterday"
    r"|last\s+(?:night|evening|morning|afternoon|weekend|month|year|" + WEEKDAY[1:-1]
    + r"|week(?!\s+of\b)(?:\s+(?:on\s+)?" + WEEKDAY + r")?)"
    r"|(?:this\s+|the\s+)?past\s+(?:" + WEEKDAY[1:-1] + r"|week(?:end)?|few\s+days|month)"
    r"|previous\s+(?:" + WEEKDAY[1:-1] + r"|day|night|week(?:end)?|month)"
    r"|the\s+other\s+day|earlier\s+(?:today|tonight|this\s+(?:morning|afternoon|evening|week))"
    r"|(?:the\s+)?(?:" + WEEKDAY[1:-1] + r"|week(?:end)?|day)\s+before\s+last"
    # British order: "thursday last", "friday gone", "saturday just been", "tuesday past"
    r"|" + WEEKDAY + r"\s+(?:last\b(?!\s+(?:day|minute|thing|one|slot|tour)\b)"
    r"|(?:just\s+)?(?:gone|passed)|just\s+been|past\b(?!\s+(?:\d|noon|mid|one|two|three|four|five"
    r"|six|seven|eight|nine|ten|eleven|twelve|half|quarter)))"
    r"|(?:this\s+)?(?:just\s+)?passed\s+" + WEEKDAY + r"|(?:the\s+)?prior\s+" + WEEKDAY
    + r"|" + WEEKDAY + r"\s+prior\b(?!\s+to\b)|earlier\s+in\s+the\s+(?:day|week|month)"
    r"|(?:a\s+)?(?:while|bit)\s+(?:ago|back)"
    r"|(?:(?:a\s+)?(?:few|couple)(?:\s+of)?\s+|" + COUNT + r"\s+)?"
    r"(?:days?|weeks?|fortnights?|hours?|hrs?|minutes?|mins?|months?)\s+(?:ago|back(?!\s+to\b))"
    r"|ago)\b"
)  # fmt: skip
# "The last friday of the month", "the first monday in january": a calendar question, not a day.
NTH_WEEKDAY = re.compile(
    r"\b(?:the\s+)?(?:first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)\s+"
    r"(?:" + WEEKDAY[1:-1] + r"|week(?:end)?)\s+(?:of|in)\b(?:\s+(?:the\s+|this\s+|next\s+)?"
    r"[a-z]+)?"
)

# A count of days or weeks from a day other than today: "two weeks from friday", "3 days after
# the 15th". A calendar can tell, the grammar does not try: asked.
COUNT_FROM_A_DAY = re.compile(
    r"\b(?:a|an|one|two|three|four|five|six|seven|\d{1,2})\s+(?:days?|weeks?)\s+(?:from|after)\s+"
    r"(?:this\s+|next\s+|the\s+)?(?:" + WEEKDAY[1:-1] + r"|\d{1,2}(?:st|nd|rd|th)|\d{1,2}/\d{1,2}"
    r"|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    # "the saturday after next", "the friday after the 12th", "the monday before christmas":
    # a weekday counted from another day, which people count apart
    r"|\b(?:the\s+)?(?:" + WEEKDAY[1:-1] + r")\s+(?:after|before)\s+(?:next\b|the\s+\d|\d{1,2}/"
    r"|(?:this|that)\b|it\b|(?:" + WEEKDAY[1:-1] + r")\b|jan|feb|mar|apr|may|jun|jul|aug"
    r"|sep|oct|nov|dec|christmas|xmas|thanksgiving|new\s+year|easter|labor|memorial)"
    # "the day after friday", "friday week", "a week on friday": a day counted from a day
    r"|\b(?:the\s+)?day\s+(?:after|before)\s+(?:this\s+|next\s+|the\s+)?(?:"
    + WEEKDAY[1:-1]
    + r"|\d{1,2}(?:st|nd|rd|th)|\d{1,2}/\d{1,2})|\b(?:"
    + WEEKDAY[1:-1]
    + r")\s+week\b"
    r"|\ba\s+week\s+(?:on\s+)?(?:" + WEEKDAY[1:-1] + r")\b"
    # counted from a holiday or from another count: "the day after christmas", "2 days before
    # xmas eve", "the day after the day after tomorrow"; "the following friday" of no day said
    r"|\b(?:(?:the\s+)?day|" + COUNT + r"\s+(?:days?|weeks?))\s+(?:after|before)\s+(?:the\s+)?"
    r"(?:day\b|christmas|xmas|thanksgiving|new\s+year|easter|labor|memorial|independence"
    r"|valentine|halloween|boxing|juneteenth|nye)"
    r"|\b(?:the\s+)?following\s+(?:" + WEEKDAY[1:-1] + r"|week\b)"
    # a limit, not a time: "before noon friday", "by 3pm", "not after 5"
    r"|(?<!\d )(?<!quarter )(?<!half )(?<!ten )(?<!five )(?<!twenty )"  # "quarter til 2": 1:45
    r"\b(?:not\s+)?(?:before|after|by|until|till|til|no\s+later\s+than|no\s+earlier\s+than)"
    r"\s+(?:\d{1,2}(?::\d\d)?(?:\s*[ap]m)?\b|noon\b|midday\b)"
    r"|\bearlier\b(?!\s+(?:today|tonight|this|in\s+the))"  # those are the past
)

# Spelled clocks: the hour of "ten thirty", "quarter past nine", "three pm", "at two".
_HOURS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_UNITS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9}  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}  # fmt: skip
_HOUR = "(" + "|".join(sorted(_HOURS, key=len, reverse=True)) + ")"
_MINUTE = (
    r"((?:oh|o)[\s-]?(?:" + "|".join(_UNITS) + r")|(?:" + "|".join(_TENS) + r")(?:[\s-](?:"
    + "|".join(_UNITS) + r"))?|" + "|".join(_TEENS) + r")"
)  # fmt: skip
_SPELLED_HOUR_MINUTE = re.compile(r"\b" + _HOUR + r"[\s-]" + _MINUTE + r"\b")
_SPELLED_HOUR_BEFORE = re.compile(
    r"\b" + _HOUR + r"(?=\s*(?:o'?\s?clock|[ap]m\b|[ap]\.m\b|in\s+the\s+(?:morning|afternoon"
    r"|evening)|tonight|(?:-|\s)?ish\b))"
)
_SPELLED_PAST_TO = re.compile(
    r"\b(half|quarter|five|ten|twenty|twenty[\s-]five|\d{1,2})\s+(past|after|to|til|till|before"
    r"|of)"
    r"\s+" + _HOUR + r"\b"
)
# "at two" is a time only where a time can end: "at two tomorrow", not "at one of our buildings".
_SPELLED_HOUR_AT = re.compile(
    r"\b(at|around|about)\s+" + _HOUR + r"(?=\s*(?:$|[,.!?;)\"]|(?:today|tomorrow|tonight|on"
    r"|this|next|if|works?|would|is|sounds|please|ok|okay|then|for|sharp|or|and|but|instead"
    r"|pm|am|ish|" + "|".join(WEEKDAYS) + r"|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\b))"
)
_AMOUNTS = {"half": 30, "quarter": 15, "five": 5, "ten": 10, "twenty": 20}


def _past_to(m: re.Match[str]) -> str:
    """ "quarter to four" → "3:45", "ten past nine" → "9:10" (am or pm is decided later)."""
    amount, relation, hour_word = m.groups()
    minutes = int(amount) if amount.isdigit() else _AMOUNTS.get(amount, 25)
    hour = _HOURS[hour_word]
    if not 0 < minutes < 60:
        return m.group(0)
    if relation in ("to", "til", "till", "before", "of"):
        hour, minutes = (hour - 1 or 12), 60 - minutes
    return f"{hour}:{minutes:02d}"


# The world's clocks: "15h30", "9h", "0930h", "1430 hrs"; a lone hour only when it is 24-hour
# ("15h") or zero-padded ("09h"), since "2h" is a duration.
_H_CLOCK = re.compile(
    r"\b(?:(\d{1,2})h([0-5]\d)|([01]\d|2[0-3])([0-5]\d)\s*(?:h|hrs|hours)|(0\d|1[3-9]|2[0-3])h)\b"
)


_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
# A day of the month in words, "third" to "thirty-first" (shared with the move-in reader).
ORDINAL_WORDS = (
    r"(?:(?:twenty|thirty)[\s-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|"
    + "|".join(sorted(_ORDINALS, key=len, reverse=True))
    + ")"
)
_ORDINAL = f"({ORDINAL_WORDS})"
MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTH_NAME = MONTH_NAME
# A day of the month in words, where it can only be one: "the third of december", "december
# third", "on the twenty-first" (not "the first week", "my second choice").
_ORDINAL_DATES = [
    re.compile(r"(?<=\bthe )" + _ORDINAL + r"(?=\s+of\s+" + _MONTH_NAME + r"\b)"),
    re.compile(r"\b(?P<month>" + _MONTH_NAME + r")\s+(?:the\s+)?" + _ORDINAL + r"\b"),
    re.compile(r"(?<=\bon the )" + _ORDINAL + r"\b(?!\s+(?:floor|week|time|one|place|unit))"),
    # beside a weekday or a clock time: "wednesday the ninth", "the tenth at 4"
    re.compile(r"(?<=day the )" + _ORDINAL + r"\b"),
    re.compile(
        r"(?<=\bthe )" + _ORDINAL + r"(?=,?\s+(?:(?:at\s+|@\s*|around\s+)?(?:\d|noon\b|midday\b)"
        r"|(?:at|around)\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b))"
    ),
]


def ordinal_number(words: str) -> int:
    """ "third" is 3, "twenty-first" is 21."""
    parts = re.split(r"[\s-]+", words.lower())
    if len(parts) == 2:
        return {"twenty": 20, "thirty": 30}[parts[0]] + _ORDINALS[parts[1]]
    return _ORDINALS[parts[0]]


def _ordinal_day(m: re.Match[str]) -> str:
    n = ordinal_number(m.group(m.lastindex or 1))
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10 if n not in (11, 12, 13) else 0, "th")
    month = m.groupdict().get("month")
    return f"{month} {n}{suffix}" if month else f"{n}{suffix}"


def _minute(words: str) -> int:
    parts = re.split(r"[\s-]+", words)
    if parts[0] in ("oh", "o"):
        return _UNITS[parts[1]]
    if parts[0] in _TEENS:
        return _TEENS[parts[0]]
    return _TENS[parts[0]] + (_UNITS[parts[1]] if len(parts) > 1 else 0)


def _h_clock(m: re.Match[str]) -> str:
    h1, m1, h2, m2, h3 = m.groups()
    if h1 is not None:
        return f"{int(h1)}:{m1}" if int(h1) <= 23 else m.group(0)
    if h2 is not None:
        return f"{h2}:{m2}"
    return f"{h3}:00"


def normalise(text: str) -> str:
    """Lower case, one spelling for each word and clock form, punctuation that means nothing
    gone, single spaces. Linear in the length of the text."""
    # A phrase is normalised again by each reader that looks at it; a page is not kept.
    return _normalised_phrase(text) if len(text) <= 200 else _normalised(text)


@lru_cache(maxsize=2048)
def _normalised_phrase(text: str) -> str:
    return _normalised(text)


def _normalised(text: str) -> str:
    text = text.lower()
    text = _DASHES.sub("-", text)
    text = text.replace("\u2019", "'").replace("\u00a0", " ")
    # Each rewrite runs only where its words can be: a quick look is cheaper than a pattern's.
    if "." in text:
        text = _DOTTED_MERIDIEM.sub(r"\1m", text)
    text = text.replace("@", " at ")
    if "instead" in text:  # "2 instead of 1 on friday": the one said first is wanted
        text = _INSTEAD_OF_HOUR.sub(r"at \1", text)
        text = _INSTEAD_OF.sub(" ", text)
    if "this " in text:
        text = _THIS_MORNING.sub("this morning", text)
    if "noon" in text:
        text = _NOON_THIRTY.sub("12:30 pm", text)
    if _GLUED_UNIT.search(text):
        text = _GLUED_UNIT.sub(r"\1 \2", text)
    if any(word in text for word in _SPANISH_CUES):
        for pattern, words in _SPANISH:
            text = pattern.sub(words, text)
    if any(word in text for word in _HOUR_STEMS):
        text = _SPELLED_HOUR_MINUTE.sub(
            lambda m: f"{_HOURS[m.group(1)]}:{_minute(m.group(2)):02d}", text
        )
        text = _SPELLED_HOUR_BEFORE.sub(lambda m: str(_HOURS[m.group(1)]), text)
        text = _SPELLED_PAST_TO.sub(_past_to, text)
        text = _SPELLED_HOUR_AT.sub(lambda m: f"{m.group(1)} {_HOURS[m.group(2)]}", text)
    if _DIGIT_THEN_H.search(text):
        text = _H_CLOCK.sub(_h_clock, text)
    if any(word in text for word in _ORDINAL_STEMS):
        for pattern in _ORDINAL_DATES:
            text = pattern.sub(_ordinal_day, text)
    if "clock" in text:
        text = _O_CLOCK.sub(r"\1:00", text)
    if "ish" in text:
        text = _ISH.sub(r"\1", text)
        text = _NOON_ISH.sub("noon", text)
    if "-" in text:
        text = _ISO_DATE_TIME.sub(r"\1 \2", text)
    text = _NOTHING_MEANT.sub(" ", text)
    text = _WORD_FIX_RE.sub(lambda m: _WORD_FIXES[m.group(1)], text)
    text = " ".join(text.split())
    if " " in text and SPACED_MINUTES.search(text):
        text = _SPACED_CLOCK.sub(lambda m: ":".join(g for g in m.groups() if g), text)
    return text


_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_DOTTED_MERIDIEM = re.compile(r"\b([ap])\.\s?m\b\.?")
_HOUR_STEMS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
               "eleven", "twelve")  # fmt: skip
_DIGIT_THEN_H = re.compile(r"\d\s*h")
_ORDINAL_STEMS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
                  "ninth", "tenth", "eleventh", "twelfth", "teenth", "tieth")  # fmt: skip
# "at 3 30", "friday 10 15", "3 30 tomorrow": minutes typed after a space, where an hour stands.
_SPACED_CLOCK = re.compile(
    r"(?:(?:^|(?<=\bat )|(?<=day )|(?<=\btonight )|(?<=\btomorrow ))(1[0-2]|0?[1-9]) ([0-5][05])"
    r"(?=[ap]m\b|\s|$)"
    r"(?!\s*(?:min|mins|minutes|hours?|hrs?|days?|weeks?|months?|people|persons|bed|br|ba)\b)"
    # or anywhere, before a day: "… 3 30 tomorrow"
    r"|(?<![\d:./])(1[0-2]|0?[1-9]) ([0-5][05])(?=\s+(?:today|tomorrow|tonight|on\s|this\s"
    r"|next\s|monday|tuesday|wednesday|thursday|friday|saturday|sunday)))"
)
SPACED_MINUTES = re.compile(r"\d [0-5]\d")  # "3 30": minutes typed after a space
_CLOCK_WORDS = r"\d{1,2}(?::\d\d)?(?:\s*[ap]m\b)?"
_INSTEAD_OF_HOUR = re.compile(
    rf"(?<![\d:/])({_CLOCK_WORDS})\s+instead\s+of\s+(?:at\s+)?{_CLOCK_WORDS}(?![\d:/])"
)
_INSTEAD_OF = re.compile(
    rf"\binstead\s+of\s+(?:(?:at\s+)?{_CLOCK_WORDS}(?![\d:/])|(?:this\s+|next\s+)?"
    r"(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)[a-z]*\b|today\b|tomorrow\b)"
)
_THIS_MORNING = re.compile(r"\bthis\s+(?:am|morn)\b")  # "this a.m." is "this am" by now
_NOON_THIRTY = re.compile(r"\bnoon[\s-]thirty\b")
_GLUED_UNIT = re.compile(r"(\d)(wks?|weeks?|days?|hrs?|mins?)\b")  # "in 2wks"
# Spanish ways of saying the time, before its words are read: "el viernes a las 3 de la tarde".
_SPANISH_CUES = ("mañana", "manana", " las ", " de ", "domingo")
_SPANISH = [
    (re.compile(r"(?<!santo )\bdomingo\b"), "sunday"),  # not Santo Domingo's clock
    (re.compile(r"\bpasado\s+ma[ñn]ana\b"), "the day after tomorrow"),
    (re.compile(r"\b(?:de|por)\s+la\s+ma[ñn]ana\b"), "am"),
    (re.compile(r"\b(?:de|por)\s+la\s+(?:tarde|noche)\b"), "pm"),
    (re.compile(r"\bma[ñn]ana\b"), "tomorrow"),
    (re.compile(r"\ba\s+las?\b"), "at"),
    (
        re.compile(
            r"\b(\d{1,2})\s+de\s+(enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre"
            r"|setiembre|octubre|noviembre|diciembre)\b"
        ),
        r"\1 \2",
    ),
]
_O_CLOCK = re.compile(r"(\d)\s*o'?\s?clock\b")
_ISH = re.compile(r"(\d)\s*-?\s*ish\b")
_NOON_ISH = re.compile(r"\bnoon-?ish\b")
_ISO_DATE_TIME = re.compile(r"(\d{4}-\d\d-\d\d)t(\d)")
_NOTHING_MEANT = re.compile(r"[?!;()\[\]\"*_~]|,(?!\d)|(?<!\d),|\.(?!\d)|'s\b")


Season = Literal["standard", "daylight"]


# Zone words: (IANA zone, the season an abbreviation names, or None for the region's clock).
ZONE_WORDS: dict[str, tuple[str, Season | None]] = {
    **dict.fromkeys(("pt", "pacific", "pacific time"), ("America/Los_Angeles", None)),
    "pst": ("America/Los_Angeles", "standard"),
    "pdt": ("America/Los_Angeles", "daylight"),
    **dict.fromkeys(("mt", "mountain", "mountain time"), ("America/Denver", None)),
    "mst": ("America/Denver", "standard"),
    "mdt": ("America/Denver", "daylight"),
    **dict.fromkeys(("ct", "central", "central time"), ("America/Chicago", None)),
    "cst": ("America/Chicago", "standard"),
    "cdt": ("America/Chicago", "daylight"),
    **dict.fromkeys(("et", "eastern", "eastern time"), ("America/New_York", None)),
    "est": ("America/New_York", "standard"),
    "edt": ("America/New_York", "daylight"),
    **dict.fromkeys(("akt", "alaska", "alaska time"), ("America/Anchorage", None)),
    "akst": ("America/Anchorage", "standard"),
    "akdt": ("America/Anchorage", "daylight"),
    **dict.fromkeys(("hst", "hawaii", "hawaii time"), ("Pacific/Honolulu", None)),
    **dict.fromkeys(("utc", "gmt", "z", "zulu"), ("UTC", None)),
    "bst": ("Europe/London", "daylight"),
    "cet": ("Europe/Paris", "standard"),
    "cest": ("Europe/Paris", "daylight"),
    "eet": ("Europe/Athens", "standard"),
    "eest": ("Europe/Athens", "daylight"),
    "aest": ("Australia/Sydney", "standard"),
    "aedt": ("Australia/Sydney", "daylight"),
    "acst": ("Australia/Adelaide", "standard"),
    "acdt": ("Australia/Adelaide", "daylight"),
    "awst": ("Australia/Perth", None),
    "jst": ("Asia/Tokyo", None),
    "az": ("America/Phoenix", None),
    "wst": ("Australia/Perth", None),
    **dict.fromkeys(("nzt", "nz"), ("Pacific/Auckland", None)),
    "nzst": ("Pacific/Auckland", "standard"),
    "nzdt": ("Pacific/Auckland", "daylight"),
}
# Abbreviations that name several zones: asked about ("IST": India, Ireland or Israel).
AMBIGUOUS_ZONES = frozenset(("ist", "ast", "sst", "gst"))
# Words that are also ordinary words or street abbreviations ("Maple Ct", "Pacific Ave", "et al"):
# they name a zone only beside a day or a clock time.
ZONE_WORDS_NEAR_A_TIME = frozenset(
    {"pt", "mt", "ct", "et", "akt", "z", "pacific", "mountain", "central", "eastern", "alaska",
     "hawaii", "az", "nz"}
)  # fmt: skip
