"""The prospect's name, by rule: parts named apart mid-sentence, talk about the spelling, and a
colleague's prospect. Each rule is tried over generated names and phrasings, not one message."""

from __future__ import annotations

import itertools

import pytest

from bot.understand import read_request

# (first, family): accents, apostrophes, hyphens, particles, two-word family names
NAMES = [("Siobhan", "Ní Bhriain"), ("Wei", "Li"), ("Kaitlyn", "O'Donoghue"), ("Abby", "Nguyen"),
         ("José", "de la Cruz"), ("Anne-Marie", "Dubois"), ("Tomás", "Herrera"),
         ("Ade", "Okafor")]  # fmt: skip
PARTS = [
    "first name {first}, last name {family}. {email} fri 3pm",
    "new lead: first name {first}, spelled {spelled}, last name {family}. {email} tmrw 2pm",
    "pls book a tour, name is {family} {first} (last name {family}, first name {first}), {email}, "
    "fri 3pm",
    "for {first} (last name {family}) {email} sat at 2",
    "Name's spelled weird: it's {first} with a K and a Y, last name {family}. {email} fri 3",
    "the last name is {family} and first name is {first}, {email}, sat 10am",
    "book {first}, surname {family}, {email} monday 4pm",
]


def _email(first: str) -> str:
    return f"{first.lower().replace('é', 'e').replace('á', 'a').replace('-', '')}@example.com"


@pytest.mark.parametrize(("first", "family"), NAMES)
@pytest.mark.parametrize("template", PARTS)
def test_parts_named_apart_are_the_name(template: str, first: str, family: str) -> None:
    spelled = "-".join(first.upper())
    text = template.format(first=first, family=family, email=_email(first), spelled=spelled)
    values = read_request(text)
    assert (values.get("first_name"), values.get("last_name")) == (first, family), text
    assert values["email"] == _email(first)
    assert "tour_time" in values, text


@pytest.mark.parametrize(("first", "family"), NAMES[:4])
@pytest.mark.parametrize("companion", ["roommate's", "mom's", "co-signer's"])
def test_another_persons_last_name_is_not_the_prospects(
    first: str, family: str, companion: str
) -> None:
    text = f"Book {first} Stone {_email(first)} fri 3pm. Her {companion} last name is {family}"
    values = read_request(text)
    assert (values.get("first_name"), values.get("last_name")) == (first, "Stone"), text


@pytest.mark.parametrize(
    "talk",
    ["Name's spelled weird:", "name is spelled funny -", "Her name's pronounced odd,",
     "The name is tricky:", "name spelt unusual:"],
)  # fmt: skip
def test_talk_about_a_name_is_never_the_name(talk: str) -> None:
    values = read_request(f"{talk} see the email. kim.ode@example.com fri 3pm")
    assert "first_name" not in values and "last_name" not in values, values
    assert values["email"] == "kim.ode@example.com"


STAFF = ["this is Rachel from the front desk.", "Hi, Sam in leasing here:", "front desk here -"]
ASKS = ["Can you book my walk-in {name} {email} for friday at 1?",
        "pls schedule our guest {name} {email} sat 10am",
        "set up my prospect {name} {email} tmrw 4pm",
        "can you fit in my caller {name}, {email}, monday at 2?"]  # fmt: skip


@pytest.mark.parametrize(("staff", "ask"), list(itertools.product(STAFF, ASKS)))
def test_a_colleagues_prospect_is_booked_not_the_colleague(staff: str, ask: str) -> None:
    asked = ask.format(name="Daniel Osei", email="dosei@example.com")
    text = f"{staff} {asked} thanks! - Rachel 555-201-3344"
    values = read_request(text)
    assert (values.get("first_name"), values.get("last_name")) == ("Daniel", "Osei"), text
    assert values.get("email") == "dosei@example.com", text
    assert "phone" not in values  # the colleague's own number


@pytest.mark.parametrize("chatter", ["lol", "jk", "lol jk", "btw", "haha", "omg", "tho"])
def test_chatter_after_a_name_is_no_part_of_it(chatter: str) -> None:
    values = read_request(
        f"can u book ben {chatter}. it's Benjamin Ortiz, bortiz@example.com fri 5pm"
    )
    assert (values.get("first_name"), values.get("last_name")) == ("Benjamin", "Ortiz"), values
    values = read_request(f"book Omar Haddad {chatter} omar@example.com sat 10am")
    assert (values.get("first_name"), values.get("last_name")) == ("Omar", "Haddad"), values


@pytest.mark.parametrize("role", ["son", "daughter", "brother", "sister"])
@pytest.mark.parametrize(
    "wants",
    ["needs a 1 bedroom", "just got a job offer in the city and needs a 1 bedroom",
     "would like to see a studio", "is looking for a 2br"],
)  # fmt: skip
@pytest.mark.parametrize("signed", ["- Grace Park, 201-555-0177", "Thanks,\nGrace"])
def test_whom_a_message_is_written_for_is_the_prospect_not_its_signer(
    role: str, wants: str, signed: str
) -> None:
    text = f"My {role} Ethan {wants}. Can he see one Saturday at 11? ethan.p@example.com\n{signed}"
    values = read_request(text)
    assert values.get("first_name") == "Ethan", values
    assert values.get("last_name") != "Park"


def test_a_first_name_said_by_role_takes_the_family_name_given_later() -> None:
    text = (
        "hey it's Andre, me and my girlfriend Kayla want to see a 1 bed sunday at 11. put it under"
        " her name - Kayla Jefferson, kayla.j@example.com"
    )
    values = read_request(text)
    assert (values.get("first_name"), values.get("last_name")) == ("Kayla", "Jefferson")
