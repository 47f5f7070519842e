"""The words of a person's name: which words may be one (never a word of the trade or of
chatter), how a name is split into first and last, and how a name typed in lower case is written.
"""

from __future__ import annotations

import re
from typing import Literal

# Words that are never part of a name: the trade's, chatter's, days', places' and titles'.
STOP = frozenset(
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
    spelled spelt spelling pronounced weird funny tricky unusual odd strange typo correctly
    lol jk lmao omg btw haha hehe np ty tysm ppl rn tho ya yeah yep nope u ur
    change changed changing moved reschedule rescheduled rescheduling see below above wire
    transfer ref reference happy thanksgiving greetings hola buenas tardes dias días correo
    gracias saludos number numbers digits wrong day days date correct
    wireless caller household income annual employer guest card form submission notification
    visit schedule scheduled platforms inc llc corp ltd management properties realty group
    services consultant manager assistant coordinator specialist front desk associate agent
    visitor them me transcript chat voicemail sms text texts messenger marketplace
    oh zero three four five six seven eight nine ten eleven twelve twenty thirty forty fifty
    hundred thousand
    """.split()
)
# Someone who comes along is not the prospect: "roommate Kate Smith will join".
COMPANIONS = (
    "roommate roommates room-mate partner partners mom mother dad father parent parents friend "
    "friends husband wife spouse boyfriend girlfriend fiance fiancé fiancee fiancée sister "
    "brother son daughter kid kids child children cosigner co-signer guarantor grandma grandpa "
    "grandmother grandfather aunt uncle cousin coworker co-worker colleague"
)
STOP = STOP | frozenset(COMPANIONS.split())
Mode = Literal["title", "lower", "label"]  # how a name word must be written
PARTICLES = frozenset(
    "de del della der den di da das do dos du la le van von ter y bin al st st. ste ste.".split()
)
SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())
# The second word of a compound given name: "Ana María López" is Ana María, of the López family.
SECOND_GIVEN = frozenset(
    """
    maría maria josé jose luis carlos ángel manuel antonio miguel pablo fernanda sofía sofia
    isabel elena teresa lucía lucia luisa eugenia jesús francisco alejandra guadalupe
    alberto eduardo enrique fernando javier andrés andres alejandro ignacio rafael esteban
    ann anne beth kate lynn marie jo sue grace rose mae louise paul claude pierre luc
    """.split()
)
TITLE = r"(?:(?:mr|mrs|ms|miss|mx|dr)\.?[ \t]+)?"
TITLE_BEFORE = re.compile(r"(?i)\b(?:mr|mrs|ms|miss|mx|dr)\.?[ \t]+$")
# A word of a name: O'Brien, Mary-Kate, Núñez, Q. Possessive, so a page of "a-a-a-…" is read
# in linear time: a word is never given back letter by letter.
W = r"[^\W\d_]++(?:['’\-][^\W\d_]++)*+\.?"
RUN = re.compile(rf"{TITLE}({W}(?:[ \t]+{W}){{0,5}})", re.I)
TIGHT_RUN = re.compile(rf"{TITLE}({W}(?: {W}){{0,5}})", re.I)  # stops at a gap left by a cut
ONE_WORD = re.compile(W)
# Words of chatter that are also surnames: one closes a name written in Title case after a first
# name, where nothing follows ("Jane Person, jane@…"), never where a sentence goes on.
ALSO_SURNAMES = frozenset(
    "person best call good hold house home english fine more still walk well way".split()
)
# What closes a run of words: a separator, a gap left by a cut, or the line's end.


def capital(word: str) -> str:
    """A name written in lower case, as a person would type it: "o'sullivan" is O'Sullivan,
    "nguyen-baker" is Nguyen-Baker; particles stay lower ("de la cruz")."""
    if word in ("st.", "ste."):
        return word.capitalize()
    if word in PARTICLES:
        return word
    return re.sub(r"(^|['’\-])([^\W\d_])", lambda m: m.group(1) + m.group(2).upper(), word)


def name_words(
    words: list[str], *, mode: Mode, not_names: frozenset[str], closed: bool = False
) -> list[str]:
    """The name at the start of `words`: 2 to 4 words (1 in a labelled field), or nothing.
    `closed`: nothing follows the words but a separator, a cut or the line's end, so the last
    may be a surname that is also a word ("Jane Person")."""
    kept: list[str] = []
    for k, word in enumerate(words):
        bare = word.rstrip(".") if len(word.rstrip(".")) > 1 else word
        low = bare.lower()
        if closed and k == len(words) - 1 and kept and low in ALSO_SURNAMES and bare.istitle():
            kept.append(bare)
            break
        if low in ("st", "ste") and word.endswith(".") and kept:
            kept.append(word)  # "St. Pierre" keeps its full stop
            continue
        if mode != "label" and (low in STOP or low in not_names):
            break
        if low in SUFFIXES and kept:
            kept.append(bare)
            continue
        if mode == "lower":
            fits = bare.islower() and len(bare) >= 2 and (low not in PARTICLES or bool(kept))
        elif mode == "label":
            fits = True
        else:
            fits = (bare[0].isupper() and (not bare.isupper() or len(bare.rstrip(".")) == 1)) or (
                low in PARTICLES and bool(kept)
            )
        if not fits:
            break
        kept.append(bare)
        if word.endswith(".") and len(word.rstrip(".")) > 1 and low not in SUFFIXES | PARTICLES:
            break  # the end of a sentence: "this is Laura Palmer. I'd like…"
    while kept and kept[-1] in PARTICLES:  # "de" ends no name; "Le" may ("Quang Le")
        kept.pop()
    counted = [w for w in kept if w.lower() not in PARTICLES and len(w.rstrip(".")) > 1]
    least = 1 if mode == "label" else 2
    return kept if least <= len(counted) <= 4 else []


def is_name(text: str) -> bool:
    """Whether `text`, alone, reads as a person's name (one to four words, none of them a word of
    the trade or of chatter): "Jane Doe" does, "hold on" and "I'll ask her" do not."""
    words = text.split()
    return 1 <= len(words) <= 4 and all(
        ONE_WORD.fullmatch(word) and word.rstrip(".").lower() not in STOP for word in words
    )


def split_name(words: list[str]) -> tuple[str, str]:
    """First and last name: a family name starts at its particle ("de la Cruz"); a compound given
    name ("María José", "Mary Ann") or a middle initial stays with the first name."""
    # A middle initial is no part of the name: "Jordan A. Reyes" is Jordan Reyes.
    words = [
        w for i, w in enumerate(words) if not (0 < i < len(words) - 1 and len(w.rstrip(".")) == 1)
    ]
    if len(words) == 1:
        return words[0], ""
    compound = words[1].lower() in SECOND_GIVEN
    cut = 2 if len(words) >= 3 and compound else 1
    particle = next((i for i in range(1, len(words)) if words[i].lower() in PARTICLES), cut)
    cut = min(cut, particle)
    return " ".join(words[:cut]), " ".join(words[cut:])
