"""The simulator's deterministic CRM data: a few communities and a few hundred prospects.

Shaped like Propexo's CRM reads: core fields always set, most others sometimes null.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from functools import cache

DEFAULT_INTEGRATION_ID = "int_eliseai_sim"
VENDOR = "ELISEAI"
# Reads are a snapshot of the last sync, so the seed is pinned to a fixed instant, not "now".
SYNCED_AT = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)

# (id, name, address, city, state, zip, time zone or None when the CRM does not say)
_COMMUNITIES = (
    ("cmty_maple_court", "Maple Court Apartments", "1200 Maple Ave", "Columbus", "OH", "43215",
     "America/New_York"),
    ("cmty_riverside_lofts", "Riverside Lofts", "88 River St", "Chicago", "IL", "60607",
     "America/Chicago"),
    ("cmty_willows_oak_park", "The Willows at Oak Park", "455 Oak Park Blvd", "Denver", "CO",
     "80205", "America/Denver"),
    ("cmty_harbor_view", "Harbor View Residences", "9 Harbor Way", "San Diego", "CA", "92101",
     "America/Los_Angeles"),
    ("cmty_cedar_ridge", "Cedar Ridge Townhomes", "310 Cedar Ridge Dr", "Phoenix", "AZ", "85004",
     "America/Phoenix"),
    ("cmty_linden_square", "Linden Square", "77 Linden Pl", "Hoboken", "NJ", "07030", None),
)  # fmt: skip

_FIRST_NAMES = (
    "Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sophia", "Mateo", "Isabella", "Lucas",
    "Mia", "Levi", "Amelia", "Ezra", "Harper", "Asher", "Evelyn", "James", "Luna", "Leo",
    "Camila", "Aiden", "Priya", "Wei", "Fatima", "Diego", "Aaliyah", "Kenji", "Nia", "Omar",
)  # fmt: skip
_LAST_NAMES = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Nguyen", "Patel",
    "Kim", "Okafor", "O'Brien",
)  # fmt: skip
_AREA_CODES = ("614", "312", "720", "619", "602", "201", "212", "415")
_SOURCES = ("Zillow", "Apartments.com", "Website", "Walk-in", "Referral", None)

# Prospects a console user or a test can count on finding.
KNOWN_PROSPECTS = (
    ("prsp_0001", "Jane", "Doe", "jane.doe@example.com", "+15552017788"),
    ("prsp_0002", "Marcus", "Reyes", "marcus.reyes@example.com", None),
    ("prsp_0003", "Ana", "Lima", None, "+12025550179"),
)


def _timestamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _core(rng: random.Random, record_id: str, integration_id: str) -> dict[str, object]:
    created = SYNCED_AT - timedelta(days=rng.randint(20, 700), seconds=rng.randint(0, 86_399))
    updated = created + timedelta(days=rng.randint(0, 19), seconds=rng.randint(0, 86_399))
    return {
        "id": record_id,
        "created_at": _timestamp(created),
        "updated_at": _timestamp(updated),
        "last_seen": _timestamp(SYNCED_AT),
        "integration_id": integration_id,
        "integration_vendor": VENDOR,
    }


@cache
def communities(integration_id: str = DEFAULT_INTEGRATION_ID) -> tuple[dict[str, object], ...]:
    rng = random.Random(f"communities:{integration_id}")
    records = []
    for n, (cid, name, street, city, state, zip_code, zone) in enumerate(_COMMUNITIES, start=1):
        record = _core(rng, cid, integration_id)
        record.update(
            {
                "x_id": f"{100 + n}",
                "name": name,
                "address_1": street,
                "address_2": None,
                "city": city,
                "state": state,
                "zip": zip_code,
                "phone": f"+1{_AREA_CODES[n % len(_AREA_CODES)]}555{1000 + n:04d}",
                "email": f"leasing@{name.lower().replace(' ', '')}.example.com" if n % 3 else None,
                "website": None,
                "timezone": zone,
                "unit_count": rng.choice((48, 120, 216, 300, None)),
            }
        )
        records.append(record)
    return tuple(records)


@cache
def prospects(
    count: int = 300, integration_id: str = DEFAULT_INTEGRATION_ID
) -> tuple[dict[str, object], ...]:
    rng = random.Random(f"prospects:{integration_id}:{count}")
    community_ids = [c[0] for c in _COMMUNITIES]
    records = []
    for n in range(1, count + 1):
        if n <= len(KNOWN_PROSPECTS):
            pid, first, last, email, phone = KNOWN_PROSPECTS[n - 1]
        else:
            pid = f"prsp_{n:04d}"
            first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
            local = f"{first}.{last}{n}".lower().replace("'", "")
            email = f"{local}@example.com" if rng.random() < 0.8 else None
            phone = (
                f"+1{rng.choice(_AREA_CODES)}555{rng.randint(0, 9999):04d}"
                if rng.random() < 0.7
                else None
            )
        record = _core(rng, pid, integration_id)
        record.update(
            {
                "x_id": f"EL-{50_000 + n}",
                "first_name": first,
                "middle_name": None,
                "last_name": last,
                "email_1": email,
                "email_2": None,
                "phone_1": phone,
                "phone_2": None,
                "community_id": rng.choice(community_ids) if rng.random() < 0.9 else None,
                "status": rng.choice(("NEW", "CONTACTED", "TOURED", None)),
                "source": rng.choice(_SOURCES),
                "move_in_date": (SYNCED_AT + timedelta(days=rng.randint(10, 120)))
                .date()
                .isoformat()
                if rng.random() < 0.4
                else None,
                "desired_num_bedrooms": [rng.randint(0, 3)] if rng.random() < 0.5 else None,
                "notes": None,
            }
        )
        records.append(record)
    return tuple(records)
