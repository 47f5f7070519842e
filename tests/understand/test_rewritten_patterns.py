"""Patterns written for speed find what the plain ones they replace find, and the scans that skip
work skip only what could find nothing: on the development messages and on texts made at random."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.understand import (
    bedrooms,
    budget,
    contact,
    lead_email,
    lease,
    name_words,
    names,
    people,
    phones,
    read_message,
    time_choice,
    tour_type,
    wish_fields,
)
from bot.understand.message import Message
from bot.understand.scan import choice, folded, lowered
from tests.understand.dev_set import load

MESSAGES = [item["text"] for item in load("messages.yaml")]
EVERY_CHARACTER = "".join(chr(code) for code in range(0x110000))
ODD = ["ſ", "ı", "İ", "K", "ǅ", "é", "’", "\u2028", "\x85", "\t", "\n", "  ", " "]


def _texts(pieces: list[str], size: int = 20) -> st.SearchStrategy[str]:
    return st.builds("".join, st.lists(st.sampled_from(pieces + ODD), max_size=size))


def _spans(matches: object) -> list[tuple[tuple[int, int], str]]:
    return [(m.span(), m.group(0)) for m in matches]  # type: ignore[attr-defined]


# Labels: the words as a tree (`choice`) against the plain choice of them, longest first.
_LABEL_PLAIN = re.compile(
    lead_email._LABEL.pattern.split("((?:", 1)[0]
    + "("
    + "|".join(
        re.escape(w).replace(r"\ ", r"[ \t_]+")
        for w in sorted(lead_email._LABEL_KIND, key=len)[::-1]
    )
    + r")[ \t]*(?:[:：]|=(?!=))[ \t]*"
)
_MID_LABEL_PLAIN = re.compile(
    r"(?m)(?<=\S)[ \t]+("
    + "|".join(
        re.escape(w[0].upper()) + "(?i:" + re.escape(w[1:]).replace(r"\ ", r"[ \t_]+") + ")"
        for w in sorted(lead_email._LABEL_KIND, key=len)[::-1]
        if len(w) > 2
    )
    + r")[ \t]*[:：][ \t]*"
)
LABEL_PIECES = [
    *sorted(lead_email._LABEL_KIND), "Phone", "Move-In Date", "E-mail", "NAME", "Last", "First",
    ":", "：", "=", "==", " ", "\t", "_", "|", ";", ",", "•", " / ", "> ", "*", "-", "Jane", "7",
]  # fmt: skip


def _same_labels(text: str) -> None:
    assert _spans(lead_email._LABEL.finditer(text)) == _spans(_LABEL_PLAIN.finditer(text)), text
    assert _spans(lead_email._MID_LABEL.finditer(text)) == _spans(
        _MID_LABEL_PLAIN.finditer(text)
    ), text


def test_the_plain_label_pattern_is_the_one_that_was_written() -> None:
    assert _LABEL_PLAIN.pattern.startswith(r"(?im)(?:^|(?<=[|;•,])")
    assert _LABEL_PLAIN.pattern.count("|") > len(lead_email._LABEL_KIND)


def test_labels_are_found_alike_on_every_development_message() -> None:
    for text in MESSAGES:
        _same_labels(text)
        _same_labels(text.upper())


@settings(max_examples=500, deadline=None)
@given(text=_texts(LABEL_PIECES))
def test_labels_are_found_alike_on_texts_made_at_random(text: str) -> None:
    _same_labels(text)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.sampled_from(["a", "ab", "abc", "a b", "b", "ba", "a-b", "a.b"]), min_size=1)
)
def test_a_choice_as_a_tree_matches_the_words_it_was_given(words: list[str]) -> None:
    tree = re.compile(f"(?:{choice(words)})\\Z")
    for text in ["a", "ab", "abc", "a b", "a \t_b", "b", "ba", "a-b", "a.b", "ax", "", "a b c"]:
        plain = any(re.fullmatch(re.escape(w).replace(r"\ ", r"[ \t_]+"), text) for w in words)
        assert bool(tree.match(text)) == plain, (words, text)


# The verbs after a name: each branch opening with the character it needs.
_VERB_PLAIN = re.compile(r"(?<=\S)(?:[ \t]*+,[ \t]*+|[ \t]++)" + names._VERB_WORDS + r"|['’][ds]\b")
VERB_PIECES = ["Jane", "Doe", "wants", "would", "is", "was", "wrote", "said", "sent", "isn't",
               ",", " ,", ", ", "\t", "'s", "’d", "'t", "Pat's", "x", "7"]  # fmt: skip


def test_verbs_are_found_alike_on_every_development_message() -> None:
    for text in MESSAGES:
        assert _spans(names._VERB.finditer(text)) == _spans(_VERB_PLAIN.finditer(text))


@settings(max_examples=500, deadline=None)
@given(text=_texts(VERB_PIECES))
def test_verbs_are_found_alike_on_texts_made_at_random(text: str) -> None:
    assert _spans(names._VERB.finditer(text)) == _spans(_VERB_PLAIN.finditer(text)), text


def test_folded_text_holds_the_letter_each_character_is_matched_as() -> None:
    for letter in "abcdefghijklmnopqrstuvwxyz":
        for c in re.findall(letter, EVERY_CHARACTER, re.I):
            assert folded(c) == letter, (letter, c)
    assert all(len(folded(c)) == 1 for c in EVERY_CHARACTER)
    assert folded("Jane ſoy İt") == "jane soy it"


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=30))
def test_folded_text_is_lower_case_one_character_for_one(text: str) -> None:
    assert len(folded(text)) == len(text)
    if text.isascii():
        assert folded(text) == text.lower()


# Addresses meant as one: tried only where one may start.
EMAIL_PIECES = ["a", "Jo", "x.y", "@", " at ", " AT ", "(at)", " [at] ", "at", "dot", " dot ",
                " DOT ", "com", "-", "_", "%", "'", "+", ".", "gmail", "1", "fri@noon", "a" * 70,
                "b" * 63, ",", "<", ">", "(", "[", ")"]  # fmt: skip


def _same_emails_tried(text: str) -> None:
    lower = lowered(text)
    if "@" in lower or "dot" in lower:
        want = _spans(contact._EMAIL_TRIED.finditer(text))
        assert _spans(contact._emails_tried(text, lower)) == want, text


def test_emails_meant_are_found_alike_on_every_development_message() -> None:
    for text in MESSAGES:
        _same_emails_tried(text)
        _same_emails_tried(text.upper())


@settings(max_examples=1000, deadline=None)
@given(text=_texts(EMAIL_PIECES, size=25))
def test_emails_meant_are_found_alike_on_texts_made_at_random(text: str) -> None:
    _same_emails_tried(text)


# Whose a contact is: a window before it with no word and no boundary says nothing.
@settings(max_examples=1000, deadline=None)
@given(window=st.text(max_size=12))
def test_a_window_without_a_word_or_a_boundary_matches_none_of_the_scan(window: str) -> None:
    if people._WORDY.search(window):
        return
    for pattern in (people._BOUNDARY, people._LETTER_LABEL, people._NEGATED, people._TOKEN):
        assert pattern.search(window) is None, (pattern.pattern, window)


@settings(max_examples=500, deadline=None)
@given(text=_texts(["a@b.co", "555-201-7788", "my", "her", "cell", "(cell)", ":", ".", "#",
                    "| ", "mom", "Jane", "x@y.org", "work", "don't call"]))  # fmt: skip
def test_whose_is_the_same_for_each_contact_read_again(text: str) -> None:
    """The shared `Whose` objects are never told apart from new ones: each contact of a text is
    judged as it was judged the first time."""
    first = _verdicts(text)
    people._whose.cache_clear()
    assert _verdicts(text) == first


def _verdicts(text: str) -> list[tuple[int, people.Whose]]:
    message = Message(text)
    reading = people.read_people(text, None, ())
    verdicts = []
    before = None
    for found in contact._candidates(message, None, reading):
        verdict = people.whose(found, before, reading, [])
        verdicts.append((found.start, verdict))
        before = (found, verdict)
    return verdicts


# Names: a piece or a run of words read once holds the same nothing the next time.
NAME_PIECES = ["Jane Doe", "jane doe", "wants", "tomorrow at 3pm", "said", " / ", " | ", "\n",
               ". ", "Pat wrote", "> On Mon", ", ", "her mom", "Maple", "is", "3pm"]  # fmt: skip


def _field_list_the_long_way(text: str) -> tuple[str, str] | None:
    lines = text.splitlines()
    many_lines = len(text.strip().splitlines()) >= 3
    for line in lines:
        pieces = [p for p in names._SEPARATED.split(line) if p.strip()]
        if len(pieces) < 2 and not (len(pieces) == 1 and many_lines):
            continue
        for piece in pieces:
            piece = piece[names._FIELD_PREFIX.match(piece).end() :].strip(" ,.")  # type: ignore[union-attr]
            words = piece.split()
            if not 2 <= len(words) <= 4 or not all(name_words.ONE_WORD.fullmatch(w) for w in words):
                continue
            mode: name_words.Mode = "lower" if piece.islower() else "title"
            found = name_words.name_words(words, mode=mode, not_names=frozenset())
            if found and len(found) == len(words):
                return name_words.split_name(
                    [w if w[:1].isupper() else name_words.capital(w) for w in found]
                )
    return None


def _before_a_verb_the_long_way(text: str) -> tuple[str, str] | None:
    for verb in names._VERB.finditer(text):
        line_start = text.rfind("\n", max(0, verb.start() - 80), verb.start()) + 1
        words: list[str] = []
        for word in reversed(text[max(line_start, verb.start() - 80) : verb.start()].split(" ")):
            if len(words) == 6 or not name_words.ONE_WORD.fullmatch(word):
                break
            words.insert(0, word)
        for start in range(len(words)):
            found = name_words.name_words(words[start:], mode="title", not_names=frozenset())
            if found and len(found) == len(words) - start:
                if names._companion(text, verb.start() - len(" ".join(words[start:]))):
                    break
                return name_words.split_name(found)
    return None


@settings(max_examples=500, deadline=None)
@given(text=_texts(NAME_PIECES), repeat=st.integers(1, 4))
def test_names_are_read_alike_from_repeated_pieces(text: str, repeat: int) -> None:
    text = text * repeat
    assert names._field_list(Message(text), frozenset()) == _field_list_the_long_way(text)
    assert names._before_a_verb(text, frozenset()) == _before_a_verb_the_long_way(text)


def test_names_are_read_alike_on_every_development_message() -> None:
    for text in MESSAGES:
        assert names._field_list(Message(text), frozenset()) == _field_list_the_long_way(text)
        assert names._before_a_verb(text, frozenset()) == _before_a_verb_the_long_way(text)


# Wishes: each `Cued` with `starts` finds what its pattern's own finditer finds.
CUED_WITH_STARTS = [
    cued
    for cued in [
        *(getattr(budget._WAYS, way) for way in budget._Ways.__dataclass_fields__),
        lease._LEASE_AFTER, lease._LEASE_BEFORE, lease._YEAR_LEASE, lease._SIGN_FOR,
        lease._MONTHS_ALONE, bedrooms._BEDROOMS, *(cued for _, cued in tour_type.TOUR_TYPES),
    ]
    if cued.starts
]  # fmt: skip
WISH_PIECES = [
    "under", "below", "up to", "max", "maximum", "at most", "no more than", "not over",
    "capped at", "tops out at", "caps at", "máximo", "hasta", "can go to", "stretch to",
    "the most she can do is", "don't want to go over", "can't spend more than", "over",
    "above", "at least", "minimum", "more than", "from", "starting from", "budget", "rent",
    "Budget:", "price", "pay", "afford", "spend", "presupuesto", "around", "about", "approx.",
    "roughly", "something like", "~", "$", "$2,400", "2400", "2.5k", "3k", "grand", "/mo",
    "per month", "12", "6-mo", "12 month", "a year", "one-year", "full year", "lease", "term",
    "tenancy", "contrato", "sign for", "rent it for", "leasing", "months", "mos", "mths", "yrs",
    "twelve", "twenty-four", "doce", "1b", "2 bed", "studio", "self-guided", "virtual", "VT",
]  # fmt: skip


def _same_wishes(text: str) -> None:
    lower = lowered(text)
    for cued in CUED_WITH_STARTS:
        plain = cued.pattern.finditer(text) if any(w in lower for w in cued.words) else []
        assert _spans(cued.finditer(text, lower)) == _spans(plain), (cued.pattern.pattern, text)


def test_wishes_are_found_alike_on_every_development_message() -> None:
    assert len(CUED_WITH_STARTS) >= 10
    for text in MESSAGES:
        _same_wishes(text)


@settings(max_examples=1000, deadline=None)
@given(
    pieces=st.lists(st.sampled_from([*WISH_PIECES, *ODD, ",", "\n", "-", "/", "n't"]), max_size=8),
    cut=st.integers(0, 3),
)
def test_wishes_are_found_alike_on_texts_made_at_random(pieces: list[str], cut: int) -> None:
    _same_wishes(" ".join(pieces)[cut:])  # a piece cut at its start too


# Clauses: the clause ends written with their character first, and the clauses skipped unsearched.
_CLAUSE_END_PLAIN = re.compile(
    r"(?<!\b[A-Za-z])(?<!\b(?:Dr|St|Mr|Ms|Jr|Sr))(?<!\bMrs)[.!?]+(?=\s|$)"
    r"|\n|;|\s[/|·•]\s|\s[–—-]\s(?!\d)|\s/|/\s|[–—](?!\s*\d)"
)
CLAUSE_PIECES = [
    ".", "..", "!", "?!", " ", "\n", ";", " / ", " | ", " – ", " - 3", "—", "Dr.", "Mrs.",
    "St.", "a.", "J.", "ok.", "at two", "after ten thirty", "by nine o'clock", "3pm", "tmrw",
    "mon", "Half past", "new year", "x", "at", "to", "٣",
]  # fmt: skip


def _same_clauses(text: str) -> None:
    ends = _spans(time_choice._CLAUSE_END.finditer(text))
    assert ends == _spans(_CLAUSE_END_PLAIN.finditer(text)), text
    lower = folded(text)
    start = 0
    for end in [*(span[0] for span, _ in ends), len(text)]:
        plain = time_choice._TIMEISH.search(text, start, end)
        first = time_choice._TIMEISH_STARTS.search(lower, start, end)
        found = first and time_choice._TIMEISH.search(text, first.start(), end)
        assert (found and found.span()) == (plain and plain.span()), (text, start, end)
        start = end + 1


def test_clauses_are_found_alike_on_every_development_message() -> None:
    for text in MESSAGES:
        _same_clauses(text)


@settings(max_examples=500, deadline=None)
@given(text=_texts(CLAUSE_PIECES))
def test_clauses_are_found_alike_on_texts_made_at_random(text: str) -> None:
    _same_clauses(text)


# Wishes' labels: the words as a tree against the plain choice of them, longest first.
_WISH_LABEL_PLAIN = re.compile(
    wish_fields._LABEL.pattern.replace(
        choice(wish_fields._LABELS, spelled=wish_fields._SPELLED),
        "|".join(
            re.escape(w)
            .replace(r"\ ", r"[ \t_]+")
            .replace(r"\-", r"[\-_ \t]?")
            .replace("'", "['’]")
            for w in sorted(wish_fields._LABELS, key=len, reverse=True)
        ),
    )
)
WISH_LABEL_PIECES = [
    *wish_fields._LABELS, "Move-In_Date", "BEDS", "In person or virtual", ":", "=", "?", " - ",
    " – ", "  ", " ", "\n", "|", ";", "·", ",", "(", "2", "2.", "1) ", "> ", "*", "Jane", "x",
]  # fmt: skip


def test_the_plain_wish_label_pattern_is_the_one_that_was_written() -> None:
    assert _WISH_LABEL_PLAIN.pattern != wish_fields._LABEL.pattern
    assert _WISH_LABEL_PLAIN.pattern.count("|") > len(wish_fields._LABELS)


def test_wish_labels_are_found_alike_on_every_development_message() -> None:
    for text in MESSAGES:
        for variant in (text, text.upper()):
            assert _spans(wish_fields._LABEL.finditer(variant)) == _spans(
                _WISH_LABEL_PLAIN.finditer(variant)
            ), variant


@settings(max_examples=500, deadline=None)
@given(text=_texts(WISH_LABEL_PIECES, size=10))
def test_wish_labels_are_found_alike_on_texts_made_at_random(text: str) -> None:
    assert _spans(wish_fields._LABEL.finditer(text)) == _spans(_WISH_LABEL_PLAIN.finditer(text))


# Spoken phones: a text is gone through word by word only when it holds ten digit words.
SAID_PIECES = [*phones._DIGIT_WORDS, *phones._REPEATS, "ONE", "Nine", "two2", "5", "-", ",",
               "someone", "ohio", "fives", "x", "Triple", "o'clock"]  # fmt: skip


def _digit_words(text: str) -> int:
    said = {*phones._DIGIT_WORDS, *phones._REPEATS}
    return sum(1 for w in phones._WORD.finditer(text) if w.group(0).lower() in said)


def test_every_digit_word_of_a_development_message_is_counted() -> None:
    for text in MESSAGES:
        assert len(phones._SAID_DIGITS.findall(text)) >= _digit_words(text)


@settings(max_examples=500, deadline=None)
@given(text=_texts(SAID_PIECES, size=24))
def test_every_digit_word_of_a_random_text_is_counted(text: str) -> None:
    assert len(phones._SAID_DIGITS.findall(text)) >= _digit_words(text), text


# Letters a case-insensitive pattern matches as ASCII ones: what it found is read as folded.
_AS_ASCII = [
    str.maketrans({"s": "ſ", "S": "ſ"}),
    str.maketrans({"i": "ı", "I": "İ", "k": "\u212a"}),
]


def test_a_message_written_with_letters_matched_as_ascii_ones_is_read_without_error() -> None:
    for text in MESSAGES:
        for variant in (text.translate(_AS_ASCII[0]), text.upper().translate(_AS_ASCII[1])):
            read_message(variant)
    assert read_message("Roommate: Tasha\nmy MOMſ phone is 555-201-7788").values
    date = read_message("Move-in: the FİFTEENTH of March").values["move_in_date"]
    assert date == read_message("Move-in: the fifteenth of March").values["move_in_date"]


def test_a_day_that_is_not_the_tour_is_set_aside_however_its_letters_are_written() -> None:
    for start in ("start", "ſtart", "START", "ſTART"):
        text = f"Jane Doe jane@example.com\n{start} date at work Jan 4\ntour tomorrow at 3pm"
        assert read_message(text).values.get("tour_time") == "tomorrow at 3pm", start
