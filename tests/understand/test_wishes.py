"""The prospect's wishes as a leasing agent reads them: the kind of tour, bedrooms (one size or
several), budget, lease term and move-in, in agents' shorthand, lead forms and prose; and what
must never be read as one of them."""

from __future__ import annotations

import pytest

from bot.understand import read_request
from bot.understand.message import Message
from bot.understand.wishes import (
    take_bedrooms,
    take_budget,
    take_lease,
    take_move_in,
    take_tour_type,
)
from tests.timing import quickest

WISHES = ("tour_type", "bedrooms", "rent_min", "rent_max", "lease_term", "move_in_date")


def wishes(text: str) -> dict[str, str]:
    values = read_request(text)
    return {key: values[key] for key in WISHES if key in values}


def case(text: str, **expected: str) -> tuple[str, dict[str, str]]:
    return text, expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case(
            "carla vance / 929-555-0117 / thu 4p / IP tour / 1 bd",
            tour_type="in person",
            bedrooms="1",
        ),
        case(
            "tom / tom@example.net / sat 9a / SG / studio",
            tour_type="self-guided",
            bedrooms="studio",
        ),
        case("sg tour thurs", tour_type="self-guided"),
        case("VT mon 6p", tour_type="virtual"),
        case("zoe | 12/9 5pm | virt | 2bd", tour_type="virtual", bedrooms="2"),
        case("she'd like to self-tour with the lockbox code", tour_type="self-guided"),
        case("prefers to tour on his own", tour_type="self-guided"),
        case("can we do a FaceTime walkthrough?", tour_type="virtual"),
        case("could do it over zoom", tour_type="virtual"),
        case("prefers a showing w/ an agent", tour_type="in person"),
        case("quiere una visita presencial", tour_type="in person"),
        case("Tour type: Video call\nName: Ann Lee", tour_type="virtual"),
        case("Showing type - Self guided", tour_type="self-guided"),
        case("Lead type: Self-Guided Tour Request", tour_type="self-guided"),
        case("Virtual or in person? Virtual", tour_type="virtual"),
        case("She can't come in person so video tour", tour_type="virtual"),
        case("in person tour, not virtual", tour_type="in person"),
        case(
            "> Booked: in-person showing, Sunday\nCould it be a video tour instead?",
            tour_type="virtual",
        ),
        case("virtual tour... actually in person", tour_type="in person"),
        # Not a kind of tour.
        case("Submitted from IP 10.0.0.1"),
        case("Burlington, VT 05401"),
        case("Max (virtual assistant): hello!"),
        case("self-guided or in person is fine"),
        case("We offer self-guided tours daily.\nI'd like an in-person tour please"),
    ],
)
def test_the_kind_of_tour(text: str, expected: dict[str, str]) -> None:
    assert wishes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("looking for a 2bd/2ba", bedrooms="2"),
        case("2b/2b unit", bedrooms="2"),
        case("3bd2ba", bedrooms="3"),
        case("one-bedroom please", bedrooms="1"),
        case("busco un departamento de 2 recámaras", bedrooms="2"),
        case("1br+den", bedrooms="1"),
        case("kim; 3b; thu", bedrooms="3"),
        case("Unit 4A, 1 bed", bedrooms="1"),
        case("Floorplan: B2 (2 bed, 2 bath)", bedrooms="2"),
        case("Number of beds: 3", bedrooms="3"),
        case("Beds: 0", bedrooms="studio"),
        case("Beds: 1 Bath: 1", bedrooms="1"),
        case("Occupants: 3\nBedrooms: 2", bedrooms="2"),
        # Several sizes: all of them, in the order said; Propexo sends them, EliseAI the first.
        case("wants 1 or 2 bedrooms", bedrooms="1, 2"),
        case("two or three bedroom apt", bedrooms="2, 3"),
        case("2 to 3 bedrooms", bedrooms="2, 3"),
        case("a studio or a one bed", bedrooms="studio, 1"),
        case("maybe a two bedroom or a studio", bedrooms="2, studio"),
        case("1-bed or 2-bed", bedrooms="1, 2"),
        case("1-bed or 3-bed", bedrooms="1, 3"),
        case("studio, 1 or 2 bed", bedrooms="studio, 1, 2"),
        case("Bedrooms: Studio / 1 BR", bedrooms="studio, 1"),
        case("Bedrooms: 1, 2", bedrooms="1, 2"),
        case("Beds: 3+", bedrooms="3, 4+"),
        case("Bedrooms: 3 or more", bedrooms="3, 4+"),
        case("need at least 2 bedrooms", bedrooms="2, 3, 4+"),
        case("Bedrooms: [x] Studio [ ] 1 Bed [x] 2 Bed", bedrooms="studio, 2"),
        case("6 bedroom house", bedrooms="4+"),
        case("call back at 4, studio or 1 bed", bedrooms="studio, 1"),
        # A listing's size is the one the lead is about.
        case("The Alder · Unit 7 · 3 bd, 2 ba · $3,150/mo", bedrooms="3"),
        case(
            "Subject: Re: $1,650 / studio - Cozy studio near the park\n\nStill free?",
            bedrooms="studio",
        ),
        # Never a size.
        case("Apt 2B is what she saw"),
        case("we have 2 kids and a dog"),
        case("lives on floor 3, no pets"),
        case("wants 2 bed but would take a 1 bed"),
        case("1, 2 or 3 bedrooms"),  # read from "2" it would be wrong
        case("Beds: any"),
        case("1/1 or 2/2"),
    ],
)
def test_bedrooms(text: str, expected: dict[str, str]) -> None:
    assert wishes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("Jo Lee / 2br / <2.4k", bedrooms="2", rent_max="2400"),
        case("budget < $3,000", rent_max="3000"),
        case("can do up to 2.8k", rent_max="2800"),
        case("the most they can pay is $2,200 a month", rent_max="2200"),
        case("cannot go above $2,500", rent_max="2500"),
        case("won't spend more than 1900", rent_max="1900"),
        case("price range 1.5-1.8k", rent_min="1500", rent_max="1800"),
        case("$1,700 to $2,000/mo", rent_min="1700", rent_max="2000"),
        case("looking to spend between $1,600 and $1,900", rent_min="1600", rent_max="1900"),
        case("budget is about twenty-four hundred", rent_max="2400"),
        case("something like three thousand a month", rent_max="3000"),
        case("hoping to stay around 1,800/mo", rent_max="1800"),
        case("tour | 1bd | $2,100ish | maple", bedrooms="1", rent_max="2100"),
        case(
            "Beds: 3 · Budget: $2,700 · Move-in: Mar 3",
            bedrooms="3",
            rent_max="2700",
            move_in_date="Mar 3",
        ),
        case("Max Rent: 1,950", rent_max="1950"),
        case("Rent Range: $1,600-$1,900", rent_min="1600", rent_max="1900"),
        case("budget: $1900 (flexible)", rent_max="1900"),
        case("Rent: $1.9k-2.3k | Beds: 3BR/2BA", bedrooms="3", rent_min="1900", rent_max="2300"),
        case("mi presupuesto máximo es $1,800", rent_max="1800"),
        case("budget is now $2,400\n-----Original Message-----\nBudget: $2,000", rent_max="2400"),
        case("she pays $1,800 now and wants to stay under $2,000", rent_max="2000"),
        case("Income: $5,000/mo | Budget: $1,700", rent_max="1700"),
        # Never a budget.
        case("1BR · 1 BA · 650 sq ft · $1,875/mo", bedrooms="1"),
        case("About: 1 Bed 1 Bath · $1,980/month · Oak St", bedrooms="1"),
        case("Re: $1,750 1BR available now", bedrooms="1"),
        case("We have 2 bedrooms starting at $2,450!", bedrooms="2"),
        case("security deposit $1,000"),
        case("$1,200 deposit"),
        case("application fee $50"),
        case("we make 8k/month combined"),
        case("my current place is $1,750"),
        case("about 900 sq ft"),
        case("credit score 700"),
        case("Budget 2000. Can go to 2200 for the right place"),  # which one?
    ],
)
def test_the_budget(text: str, expected: dict[str, str]) -> None:
    assert wishes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("12 mo lease", lease_term="12"),
        case("tour | 1br | 9-mo", bedrooms="1", lease_term="9"),
        case("tour | 1br | 6m", bedrooms="1", lease_term="6"),
        case("Term: 12 mos", lease_term="12"),
        case("Lease length: 1 year", lease_term="12"),
        case("a one-year lease is fine", lease_term="12"),
        case("he would sign on for one year", lease_term="12"),
        case("wants to sign for 6 months", lease_term="6"),
        case("seeking an eighteen-month tenancy", lease_term="18"),
        case("wants a 9 month lease starting Apr 2", lease_term="9", move_in_date="Apr 2"),
        # Never a lease term.
        case("staying 2 months with family"),
        case("has 3 months' savings"),
        case("6 or 12 month lease"),
        case("Lease: flexible"),
        case("prefers month-to-month"),
    ],
)
def test_the_lease_term(text: str, expected: dict[str, str]) -> None:
    assert wishes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        case("moving: 3/1/27", move_in_date="3/1/27"),
        case("MI: 1/15", move_in_date="1/15"),
        case("sam; 2bd; mi 2/1", bedrooms="2", move_in_date="2/1"),
        case("move-in date - 2/15", move_in_date="2/15"),
        case("plans to move on the second of April", move_in_date="2 April"),
        case("moving in February twentieth", move_in_date="February 20"),
        case("move_in_date=2027-02-10", move_in_date="2027-02-10"),
        case("starting the lease 3/1", move_in_date="3/1"),
        case("Lease start date: 1/1/2027", move_in_date="1/1/2027"),
        case("Update: move-in is now 2/1\n> Move-in: 1/15", move_in_date="2/1"),
        # No date: nothing, and no tour time either.
        case("Move-in: ASAP"),
        case("Move-in: (not specified)"),
        case("Move-in: -"),
        case("Move in: 03/2027"),
        case("moving in January"),
        case("move-in sometime the second week of February"),
        case("move-in 2/1 or 3/1"),
    ],
)
def test_the_move_in(text: str, expected: dict[str, str]) -> None:
    assert wishes(text) == expected


def test_labelled_pairs_in_the_middle_of_a_line_each_read_alone() -> None:
    text = "Renter: Ana · Beds: 2 · Budget: $2,800-$3,200 · Move-in: Dec 30 · Lease: 9 mo"
    assert wishes(text) == {
        "bedrooms": "2",
        "rent_min": "2800",
        "rent_max": "3200",
        "move_in_date": "Dec 30",
        "lease_term": "9",
    }
    assert "tour_time" not in read_request(text)


def test_a_comma_ends_a_labelled_value() -> None:
    assert wishes("Budget: up to $3,100/mo, 12-month lease, move-in 2/3/2027.") == {
        "rent_max": "3100",
        "lease_term": "12",
        "move_in_date": "2/3/2027",
    }


# Long text: every reader stays linear in the text's length (a page of one thing is no wish).
FILLERS = [
    "7", " ", "$", "$2,400 ", "2br ", "1 or ", "1-", "Beds: ", "Budget: 2k\n", "| ", "12 mo ",
    "12 month lease ", "IP VT s/g ", "twenty six hundred ", "move in 1/15 ", "> in person\n",
    " " * 50 + "- ", ", ", "· ", "mi ", "studio or ", "1 2 3 4 5 6 bedroom ", "a" * 39 + "\n",
]  # fmt: skip


@pytest.mark.parametrize("filler", FILLERS)
def test_a_page_of_one_thing_is_read_in_linear_time(filler: str) -> None:
    text = (filler * 40_000)[:40_000]
    message = Message(text)

    def read() -> None:
        nonlocal message
        message = Message(text)
        for take in (take_budget, take_move_in, take_lease, take_bedrooms, take_tour_type):
            take(message)

    # A generous bound: a reader quadratic in the length takes minutes here.
    assert quickest(read, under=1.0) < 1.0
    assert not set(message.values) & {"rent_min", "rent_max", "bedrooms", "tour_type"} or (
        filler in ("$2,400 ", "2br ", "Budget: 2k\n")
    )
