"""Characters no booking carries: control characters (PostgreSQL cannot store a NUL, and none
means anything in a name or a note) and the invisible ones that change how text reads or hide
text (direction overrides, zero-width spaces, tag characters). The form refuses them under the
field; text read for its details (a message, a thread) drops them before anything is read."""

from __future__ import annotations

import re
import unicodedata

# Invisible format characters (Unicode category Cf) that reorder or hide text. Left out on
# purpose: U+200C/U+200D (zero-width non-joiner and joiner), which Persian and Indic names and
# emoji sequences need, and U+00AD (a soft hyphen), which only marks where a word may break.
_HIDING: dict[str, str] = {
    "\u061c": "a direction mark",
    "\u180e": "a zero-width space",
    "\u200b": "a zero-width space",
    "\u200e": "a direction mark",
    "\u200f": "a direction mark",
    **{chr(code): "a direction override" for code in range(0x202A, 0x202F)},
    **{chr(code): "an invisible character" for code in range(0x2060, 0x2065)},
    **{chr(code): "a direction override" for code in range(0x2066, 0x206A)},
    **{chr(code): "an invisible character" for code in range(0x206A, 0x2070)},
    "\ufeff": "a zero-width space",
    **{chr(code): "an invisible character" for code in range(0xFFF9, 0xFFFC)},
    **{chr(code): "hidden text" for code in range(0xE0000, 0xE0080)},  # tag characters
}


def _ranges(chars: str) -> str:
    """`chars` as the body of a character class, consecutive ones as a range: a class listing
    the 128 tag characters one by one is tried one by one at every position of the text."""
    codes = sorted({ord(char) for char in chars})
    runs: list[list[int]] = []
    for code in codes:
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(
        re.escape(chr(low)) + ("" if high == low else "-" + re.escape(chr(high)))
        for low, high in runs
    )


# Every character `unwanted` finds; not tab, line feed or carriage return, which a note has.
_SUSPECT = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff" + _ranges("".join(_HIDING)) + "]"
)


def unwanted(text: str) -> str | None:
    """What is wrong with `text`, as the end of a sentence its field's label begins ("First
    name holds an invisible character …"); None when it holds none of these characters."""
    found = _SUSPECT.search(text)
    if found is None:
        return None
    char = found.group()
    code = f"U+{ord(char):04X}"
    if char in _HIDING:
        kind = _HIDING[char]
    elif unicodedata.category(char) == "Cs":
        kind = "a broken character"
    else:
        kind = "a control character"
    return f"holds {kind} ({code}) that nobody can see: delete it or retype the field"


def visible(text: str) -> str:
    """`text` without the characters `unwanted` names: control characters become spaces (they
    may separate words), the invisible ones go. Line breaks and tabs stay."""
    return _SUSPECT.sub(lambda found: "" if found.group() in _HIDING else " ", text)
