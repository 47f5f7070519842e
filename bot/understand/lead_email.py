"""The shape of a forwarded lead email: its headers, and its labelled fields ("Phone: …").

Headers are taken whole (a "Sent:" date is not a tour time, the "To:" address is the office's);
the sender of a forwarded prospect email is kept as a candidate name and email. Labelled fields
are recorded so each reader looks at its own label's value first.
"""

from __future__ import annotations

import bisect
import re
from itertools import groupby

from bot.understand.message import Label, Message
from bot.understand.scan import choice, fold

# Label words as lead sources and agents write them, by what the value holds.
_LABEL_WORDS = {
    "name": "name, full name, your name, lead name, prospect, prospect name, client, client name, "
    "contact, contact name, renter, renter name, applicant, guest, guest name, customer, "
    "customer name, lead, resident name",
    "first_name": "first name, first, given name",
    "last_name": "last name, last, surname, family name",
    "email": "email, e-mail, email address, e-mail address, mail",
    "phone": "phone, phone number, phone #, phone no, cell, cell phone, cell #, mobile, "
    "mobile phone, mobile number, tel, telephone, contact number, ph, number",
    "move_in": "move-in, move in, movein, move-in date, move in date, desired move-in, "
    "desired move-in date, desired move in date, desired move date, move date, target move-in, "
    "target move-in date, moving date, expected move-in, expected move-in date, move-in by, "
    "earliest move-in, ideal move-in",
    "bedrooms": "bedrooms, bedroom, beds, bed, desired bedrooms, unit type, floor plan, "
    "floorplan, layout, unit size, apartment type",
    "budget": "budget, rent, price, price range, max rent, maximum rent, desired rent, "
    "monthly budget, rent range, budget range, target rent, max budget, rent budget, "
    "desired price, desired budget",
    "lease": "lease, lease term, lease length, desired lease term, desired lease length, term",
    "tour_type": "tour type, type of tour, tour preference, preferred tour type, showing type, "
    "visit type, type",
    "community": "property, community, building, property name, listing, interested in, "
    "complex, apartment community",
    "time": "preferred time, preferred tour time, tour time, tour date, preferred date, "
    "preferred tour date, requested time, requested tour time, requested date, appointment, "
    "appointment time, date requested, availability, tour, when, time, date/time, "
    "preferred date/time, showing time, preferred showing time, requested showing",
    "message": "message, comments, comment, notes, note, additional info, additional information, "
    "questions, question, inquiry, details, lead message, prospect message, "
    "message from prospect",
    # Another person, whose details are never the prospect's: kept for the notes, hidden from
    # every reader.
    "other": "co-applicant, coapplicant, co-signer, cosigner, guarantor, roommate, roommates, "
    "spouse, partner, emergency contact, referred by, referral from, leasing agent, realtor, "
    "relocation agent, parent, parents",
    # What the prospect says about themselves: kept for the notes, never a name, time or budget.
    "profile": "income, annual income, household income, annual household income, monthly "
    "income, gross income, current rent, current address, address, employer, occupation, job, "
    "credit, credit score, pets, pet, occupants, occupant, adults, children, kids, vehicles, "
    "parking, smoker, evictions, eviction",
    "meta": "source, lead source, lead type, listing id, lead id, id, reference, ref, received, "
    "submitted, date submitted, submitted on, submitted at, lead submitted, received at, "
    "date received, sent at, timestamp, created, lead date, sent via, channel, campaign, "
    "agent, assigned to, assigned agent, status, priority",
}
# A label starts a line, or follows a bar, a semicolon, a comma or a " / " between fields.
_LABEL_KIND = {
    words.strip(): kind for kind, text in _LABEL_WORDS.items() for words in text.split(",")
}
# Labels that hold a comma themselves.
_LABEL_KIND.update(dict.fromkeys(("name (last, first)", "name (first, last)"), "name"))
_LABEL = re.compile(
    # Possessive: a label never starts with these, so giving them back only costs time.
    r"(?im)(?:^|(?<=[|;•,])|(?<=[ \t])(?=/[ \t]))[ \t>*•/\-]{0,8}+(?=[^\W\d_])("
    + choice(_LABEL_KIND)  # one label at most can be followed by ":" or "=": its order is free
    + r")[ \t]*(?:[:：]|=(?!=))[ \t]*"  # "Phone: …", and a form's dump "tour_date=2026-11-30"
)
# A label in the middle of a line, after another field's value ("First Name: Ana  Last Name:
# Ortega", "Email: … Mobile: …"): written with a capital, so "my last name: Smith" stays text.
_MID_LABEL = re.compile(
    r"(?m)(?<=\S)[ \t]+("
    + "|".join(
        re.escape(first.upper()) + "(?i:" + choice(w[1:] for w in words) + ")"
        for first, words in groupby(
            sorted(w for w in _LABEL_KIND if len(w) > 2), key=lambda w: w[0]
        )
    )
    + r")[ \t]*[:：][ \t]*"
)
_HEADER = re.compile(r"(?im)^[ \t>*]*(from|to|cc|bcc|sent|date|subject|reply-to)[ \t]*:[^\n]*")
_EMAIL_HEADERS = ("from", "to", "subject")
_FORWARDED = re.compile(
    r"(?im)^[ \t>]*(?:-{2,}[ \t]*(?:forwarded message|original message)[ \t]*-*"
    r"|begin forwarded message:?|sent from my [^\n]*|get outlook for [^\n]*)[ \t]*$"
)
_BANNER = re.compile(
    r"(?im)^[ \t]*(?:you\s+have\s+(?:a|received\s+a)\s+)?new\s+(?:lead|contact|inquiry|message"
    r"|prospect|renter|tour\s+request)\s+(?:from|via|on|through)\s+[\w.]+(?:[ \t]+[\w.]+)?"
    r"[ \t]*[.!:]?[ \t]*$"
)
# A field's value ends at the next comma unless it holds several parts ("Doe, Jane", a message).
_WHOLE_LINE = ("time", "message", "phone", "email")
_BAR = re.compile(r"[|;]")
_COMMA = re.compile(r",(?!\d)(?![ \t]*\d{4}\b)")  # not in "$1,800" or "March 15, 2027"
_NAME_WORD = r"[^\W\d_]+(?:['’\-][^\W\d_]+)*"
_LAST_FIRST = re.compile(
    rf"[ \t]*{_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}}[ \t]*,"
    rf"[ \t]*{_NAME_WORD}(?:[ \t]+{_NAME_WORD})?[ \t,]*"
)
# Section headings of lead emails, on a line of their own.
_HEADING = re.compile(
    r"(?im)^[ \t]*(?:(?:contact|prospect|renter|lead|guest|customer|additional|personal)[ \t]*)?"
    r"(?:information|info|details|message|preferences|comments)[ \t]*:?[ \t]*$"
)
_SENDER_NAME = re.compile(r"from[ \t]*:[ \t]*([^\W\d_][^\n<>@:]{0,60}?)[ \t]*$", re.I)
_SENDER = re.compile(
    r"from[ \t]*:[ \t]*\"?([^<\"\n]*?)\"?[ \t]*<?([^\s<>@]+@[^\s<>]+?)>?[ \t]*$", re.I
)
# Lead sources and the office's own addresses send mail; they are never the prospect.
_SERVICE = re.compile(
    r"(?i)^(?:no-?reply|do-?not-?reply|notifications?|alerts?|leads?|info|leasing|rentals?|"
    r"mailer|system|support|contact|admin|office|team|tours?|hello|bot)\b|@(?:[\w-]+\.)*"
    r"(?:zillow|trulia|hotpads|apartments|apartmentlist|rent|rentcafe|zumper|craigslist|realtor|"
    r"redfin|facebookmail|rentals|padmapper|forrent|apartmentguide|eliseai|propexo)\.(?:com|org)$"
)

_SERVICE_NAME = re.compile(
    r"(?i)\b(?:zillow|trulia|hotpads|apartments\.com|apartment\s+list|rent\.com|rentcafe|zumper|"
    r"craigslist|realtor|redfin|padmapper|forrent|leasing|rentals|team|office|no-?reply)\b"
)


def read_lead_email(message: Message) -> tuple[str | None, str | None]:
    """Take headers and record labels. Returns the sender's display name and email, if a person."""
    text = message.text
    sender_name = sender_email = None
    headers = list(_HEADER.finditer(text)) if ":" in text else []  # each ends its name with ":"
    is_email = any(m.group(1).lower() in _EMAIL_HEADERS for m in headers)
    for m in headers:
        name = m.group(1).lower()
        if name in ("date", "sent") and not is_email:
            continue  # "Date: sat 11am" in an agent's note is the tour time
        if name == "subject":  # no time or name there, but a lead source may name the property
            colon = m.group(0).index(":")
            message.labels.append(Label("subject", m.start(), m.start() + colon + 1, m.end()))
        # A From: line of a real email is short; a page of text after "From:" is not one.
        if name == "from" and len(m.group(0)) <= 320 and (sender := _SENDER.search(m.group(0))):
            display, address = sender.group(1).strip(), sender.group(2)
            if not _SERVICE.search(address) and not _SERVICE_NAME.search(display):
                sender_name, sender_email = display or None, address
        elif (
            name == "from"
            and (alone := _SENDER_NAME.search(m.group(0)))
            and not _SERVICE_NAME.search(alone.group(1))
        ):
            sender_name = alone.group(1).strip()  # "From: Nadia Haddad", a site's message
        message.take(*m.span())
    for pattern in (_FORWARDED, _BANNER, _HEADING):
        for m in pattern.finditer(text):
            message.take(*m.span())

    rest = message.rest  # what this loop takes is behind each label it reads next
    found = _labels(rest)
    for i, m in enumerate(found):
        line_end = rest.find("\n", m.end())
        end = len(text) if line_end < 0 else line_end
        if i + 1 < len(found) and found[i + 1].start() < end:
            end = found[i + 1].start()
        kind = _LABEL_KIND[" ".join(fold(m.group(1)).replace("_", " ").split())]
        value_end = _value_end(rest, kind, m.end(), end)
        while value_end > m.end() and text[value_end - 1] in " \t,;|":
            value_end -= 1
        label = Label(kind, m.start(), m.end(), value_end)
        if kind == "meta":
            message.take(label.start, label.end)
            continue
        if kind == "other":
            message.hide(label.start, label.end)
            message.leave_out(text[label.start : label.end], "another person: kept in the notes")
        if kind == "message":
            message.take(label.start, label.value_start)
        else:
            message.hide(label.start, label.value_start)
        message.labels.append(label)
    return sender_name, sender_email


def _labels(text: str) -> list[re.Match[str]]:
    """Every label, at the start of a line or after another field's value, in order."""
    if ":" not in text and "：" not in text and "=" not in text:
        return []  # every label ends with one of them
    found = list(_LABEL.finditer(text))
    starts = [m.start() for m in found]  # in order, and apart: finditer's matches never overlap
    for m in _MID_LABEL.finditer(text):
        # Only the labels just before and just after it can overlap it.
        i = bisect.bisect_left(starts, m.end())
        if (i == 0 or found[i - 1].end() <= m.start()) and (
            i == len(found) or found[i].start() >= m.end()
        ):
            found.insert(i, m)
            starts.insert(i, m.start())
    return found


def _value_end(text: str, kind: str, start: int, end: int) -> int:
    if bar := _BAR.search(text, start, end):
        end = bar.start()
    if (
        kind in _WHOLE_LINE
        or kind == "other"
        or (kind == "name" and _LAST_FIRST.fullmatch(text, start, end))
    ):
        return end
    comma = _COMMA.search(text, start, end)
    return comma.start() if comma else end


def take_spent_labels(message: Message) -> None:
    """A label whose value was read goes too: "Phone:" alone means nothing in the notes."""
    spent = [label for label in message.labels if message.is_taken(label.value_start, label.end)]
    for label in spent:  # decided first: taking one label changes no other's value
        message.take(label.start, label.end)
