"""Free text to form fields: what is said plainly is taken, nothing is invented."""

from __future__ import annotations

import pytest

from bot.understand import read_request


def test_the_product_example() -> None:
    assert read_request(
        "Jane Doe jane@example.com 555-201-7788 tomorrow at 3pm self-guided, 2br, "
        "budget $1,800-2,200"
    ) == {
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane@example.com",
        "phone": "555-201-7788",
        "tour_time": "tomorrow at 3pm",
        "tour_type": "self-guided",
        "bedrooms": "2",
        "rent_min": "1800",
        "rent_max": "2200",
    }


def test_a_longer_note() -> None:
    assert read_request(
        "book a tour for Marcus Lee, (617) 555-0142, fri 2pm in person, studio under 2k, "
        "moving in Jan 15, 12 month lease"
    ) == {
        "first_name": "Marcus",
        "last_name": "Lee",
        "phone": "(617) 555-0142",
        "tour_time": "friday 2pm",
        "tour_type": "in person",
        "bedrooms": "studio",
        "rent_max": "2000",
        "move_in_date": "Jan 15",
        "lease_term": "12",
    }


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("Priya Patel wants a virtual tour", "tour_type", "virtual"),
        ("video tour tomorrow", "tour_type", "virtual"),
        ("in-person tomorrow", "tour_type", "in person"),
        ("3 bed", "bedrooms", "3"),
        ("4+ br", "bedrooms", "4+"),
        ("2 bedrooms", "bedrooms", "2"),
        ("1800 to 2200 rent", "rent_max", "2200"),
        ("1.8k-2.2k", "rent_min", "1800"),
        ("budget around $1,950", "rent_max", "1950"),
        ("at least $1,500", "rent_min", "1500"),
        ("move-in 2/1", "move_in_date", "2/1"),
        ("lease of 6 months", "lease_term", "6"),
        ("+1 (202) 555-0179", "phone", "+1 (202) 555-0179"),
        ("for Ana María López", "first_name", "Ana"),
    ],
)
def test_each_piece(text: str, key: str, value: str) -> None:
    assert read_request(text).get(key) == value


def test_numbers_are_not_mistaken_for_one_another() -> None:
    values = read_request("Ann Lee 617-555-0142 fri 2-3, 2-3 beds, $2,000 budget")
    assert values["tour_time"] == "friday 2-3"
    assert values["phone"] == "617-555-0142"
    assert values["rent_max"] == "2000"
    assert "rent_min" not in values


@pytest.mark.parametrize(
    "text", ["", "tomorrow", "call me", "hi there, Tuesday works", "jane", "Tour Tomorrow"]
)
def test_nothing_invented(text: str) -> None:
    values = read_request(text)
    assert "first_name" not in values and "email" not in values and "phone" not in values
    assert "rent_min" not in values and "bedrooms" not in values
