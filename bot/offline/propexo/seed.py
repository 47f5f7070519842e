"""The simulator's deterministic CRM data: communities and prospects, as rows of a `RecordTable`.

Shaped like Propexo's CRM reads: core fields always set, most others sometimes null. The first
records are the classic seed tests and console users count on (six named communities; 300
prospects starting with Jane Doe, Marcus Reyes and Ana Lima), the same whatever the size; any
more make a large portfolio (say 5,000 communities and 500,000 prospects) with varied names,
unique emails and unique phone numbers, `updated_at` spread over the year before the sync.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from functools import cache

from bot.offline.propexo import names
from bot.offline.propexo.records import RecordTable, Row, fold_email, phone_digits, row_json

DEFAULT_INTEGRATION_ID = "int_eliseai_sim"
VENDOR = "ELISEAI"
# Reads are a snapshot of the last sync, so the seed is pinned to a fixed instant, not "now".
SYNCED_AT = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
SYNCED_MS = int(SYNCED_AT.timestamp() * 1000)
DAY_MS = 86_400_000
CLASSIC_PROSPECTS = 300

COMMUNITY_FIELDS = (
    "id", "created_at", "updated_at", "last_seen", "integration_id", "integration_vendor",
    "x_id", "name", "address_1", "address_2", "city", "state", "zip", "phone", "email",
    "website", "timezone", "unit_count",
)  # fmt: skip
PROSPECT_FIELDS = (
    "id", "created_at", "updated_at", "last_seen", "integration_id", "integration_vendor",
    "x_id", "first_name", "middle_name", "last_name", "email_1", "email_2", "phone_1",
    "phone_2", "community_id", "status", "source", "move_in_date", "desired_num_bedrooms",
    "notes",
)  # fmt: skip

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

CLASSIC_COMMUNITIES = len(_COMMUNITIES)

# The classic seed's pools (its records depend on them: leave them be).
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
_STATUSES = ("NEW", "CONTACTED", "TOURED", None)

# Prospects a console user or a test can count on finding.
KNOWN_PROSPECTS = (
    ("prsp_0001", "Jane", "Doe", "jane.doe@example.com", "+15552017788"),
    ("prsp_0002", "Marcus", "Reyes", "marcus.reyes@example.com", None),
    ("prsp_0003", "Ana", "Lima", None, "+12025550179"),
)

# The portfolio's pools. Its phones skip the 555 exchange (the classic seed's and the tests')
# and area code 202 (the examples'), so none of them is taken by accident.
_EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")
_EXCHANGES = tuple(x for x in range(200, 1000) if x % 100 != 11 and x != 555)
_PHONE_AREAS = tuple(city[3] for city in names.CITIES)
_PHONE_SPACE = len(_PHONE_AREAS) * len(_EXCHANGES) * 10_000
_PHONE_STRIDE = 2_654_435_761  # a prime sharing no factor with the space: n -> phone is 1:1
_BEDROOMS = ((0,), (1,), (2,), (3,))
_MOVE_IN_DATES = tuple(
    datetime.fromtimestamp((SYNCED_MS + d * DAY_MS) / 1000, UTC).date().isoformat()
    for d in range(10, 121)
)
_UNIT_COUNTS = (48, 120, 216, 300, None)


def _core(rng: random.Random, record_id: str, integration_id: str) -> tuple[object, ...]:
    """The classic seed's core fields; its rng calls are the classic seed's, in order."""
    created = SYNCED_MS - (rng.randint(20, 700) * 86_400 + rng.randint(0, 86_399)) * 1000
    updated = created + (rng.randint(0, 19) * 86_400 + rng.randint(0, 86_399)) * 1000
    return (record_id, created, updated, SYNCED_MS, integration_id, VENDOR)


def _spread(rng: random.Random, record_id: str, integration_id: str) -> tuple[object, ...]:
    """The portfolio's core fields: updated in the year before the sync, created before."""
    updated = SYNCED_MS - int(rng.random() * 365 * DAY_MS)
    created = updated - int(rng.random() * rng.random() * 180 * DAY_MS)
    return (record_id, created, updated, SYNCED_MS, integration_id, VENDOR)


# -- communities ---------------------------------------------------------------------------------


def community_rows(
    count: int = CLASSIC_COMMUNITIES, integration_id: str = DEFAULT_INTEGRATION_ID
) -> list[Row]:
    rows = list(_classic_communities(integration_id))[:count]
    rows.extend(_portfolio_communities(len(rows) + 1, count, integration_id))
    return rows


def _classic_communities(integration_id: str) -> Iterator[Row]:
    rng = random.Random(f"communities:{integration_id}")
    for n, (cid, name, street, city, state, zip_code, zone) in enumerate(_COMMUNITIES, start=1):
        core = _core(rng, cid, integration_id)
        email = f"leasing@{name.lower().replace(' ', '')}.example.com" if n % 3 else None
        phone = f"+1{_AREA_CODES[n % len(_AREA_CODES)]}555{1000 + n:04d}"
        unit_count = rng.choice(_UNIT_COUNTS)
        yield (*core, f"{100 + n}", name, street, None, city, state, zip_code, phone, email,
               None, zone, unit_count)  # fmt: skip


def _portfolio_communities(first: int, last: int, integration_id: str) -> Iterator[Row]:
    rng = random.Random(f"portfolio-communities:{integration_id}")
    r = rng.random
    for n in range(first, last + 1):
        name = _community_name(n)
        city, state, zip3, area, zone = names.CITIES[int(r() * len(names.CITIES))]
        street = (
            f"{int(r() * 9900) + 100} {names.PLACE_WORDS[int(r() * len(names.PLACE_WORDS))]} "
            f"{names.STREET_SUFFIXES[int(r() * len(names.STREET_SUFFIXES))]}"
        )
        slug = "".join(ch for ch in name.lower() if ch.isalnum())
        yield (
            *_spread(rng, f"cmty_{n:05d}", integration_id),
            f"{100 + n}",
            name,
            street,
            f"Suite {int(r() * 400) + 100}" if r() < 0.1 else None,
            city,
            state,
            f"{zip3}{int(r() * 100):02d}",
            f"+1{area}{_EXCHANGES[n % len(_EXCHANGES)]}{n % 10_000:04d}",
            f"leasing@{slug}.example.com" if r() < 0.7 else None,
            f"https://www.{slug}.example.com" if r() < 0.5 else None,
            zone if r() < 0.9 else None,
            _UNIT_COUNTS[int(r() * len(_UNIT_COUNTS))],
        )


def _community_name(n: int) -> str:
    """A distinct name for each n: every word/suffix/kind combination once, then numbered."""
    words, suffixes, kinds = names.PLACE_WORDS, names.PLACE_SUFFIXES, names.COMMUNITY_KINDS
    combinations = len(words) * len(suffixes) * len(kinds)
    v = (n * 7_919) % combinations  # 7,919 is prime: a spread-out walk over every combination
    name = (
        f"{words[v % len(words)]} {suffixes[v // len(words) % len(suffixes)]} "
        + kinds[v // (len(words) * len(suffixes))]
    )
    return name if n <= combinations else f"{name} {n // combinations + 1}"


@cache
def communities(integration_id: str = DEFAULT_INTEGRATION_ID) -> tuple[dict[str, object], ...]:
    """The classic seed's six communities as Propexo's reads show them."""
    return tuple(row_json(COMMUNITY_FIELDS, row) for row in _classic_communities(integration_id))


# -- prospects -----------------------------------------------------------------------------------


def prospect_rows(
    count: int = CLASSIC_PROSPECTS,
    integration_id: str = DEFAULT_INTEGRATION_ID,
    community_ids: Sequence[str] | None = None,
) -> list[Row]:
    """`count` prospects: the classic seed, then the portfolio's, spread over `community_ids`
    (by default the classic communities')."""
    rows = list(_classic_prospects(min(count, CLASSIC_PROSPECTS), integration_id))
    ids = community_ids or [c[0] for c in _COMMUNITIES]
    rows.extend(_portfolio_prospects(len(rows) + 1, count, integration_id, ids))
    return rows


def _classic_prospects(count: int, integration_id: str) -> Iterator[Row]:
    rng = random.Random(f"prospects:{integration_id}:{count}")
    community_ids = [c[0] for c in _COMMUNITIES]
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
        core = _core(rng, pid, integration_id)
        community = rng.choice(community_ids) if rng.random() < 0.9 else None
        status = rng.choice(_STATUSES)
        source = rng.choice(_SOURCES)
        move_in = _MOVE_IN_DATES[rng.randint(10, 120) - 10] if rng.random() < 0.4 else None
        bedrooms = (rng.randint(0, 3),) if rng.random() < 0.5 else None
        yield (*core, f"EL-{50_000 + n}", first, None, last, email, None, phone, None,
               community, status, source, move_in, bedrooms, None)  # fmt: skip


def _portfolio_prospects(
    first: int, last: int, integration_id: str, community_ids: Sequence[str]
) -> Iterator[Row]:
    # random() alone, indexing the pools with it, is several times faster than choice/randint.
    rng = random.Random(f"portfolio-prospects:{integration_id}")
    r = rng.random
    first_names, last_names = names.FIRST_NAMES, names.LAST_NAMES
    for n in range(first, last + 1):
        given = first_names[int(r() * len(first_names))]
        family = last_names[int(r() * len(last_names))]
        yield (
            *_spread(rng, f"prsp_{n:04d}", integration_id),
            f"EL-{50_000 + n}",
            given,
            None,
            family,
            _portfolio_email(given, family, n, r()) if r() < 0.85 else None,
            None,
            _portfolio_phone(n) if r() < 0.75 else None,
            None,
            community_ids[int(r() * len(community_ids))] if r() < 0.9 else None,
            _STATUSES[int(r() * len(_STATUSES))],
            _SOURCES[int(r() * len(_SOURCES))],
            _MOVE_IN_DATES[int(r() * len(_MOVE_IN_DATES))] if r() < 0.4 else None,
            _BEDROOMS[int(r() * len(_BEDROOMS))] if r() < 0.5 else None,
            None,
        )


def _portfolio_email(given: str, family: str, n: int, pick: float) -> str:
    """Unique, since n is; the style and the domain vary as real addresses do."""
    given, family = given.lower(), family.lower().replace("'", "").replace(" ", "")
    style = int(pick * 4)
    local = (f"{given}.{family}", f"{given[0]}{family}", f"{given}{family}", f"{given}_{family}")[
        style
    ]
    return f"{local}{n}@{_EMAIL_DOMAINS[int(pick * 16) % len(_EMAIL_DOMAINS)]}"


def _portfolio_phone(n: int) -> str:
    """The n-th of the portfolio's phones in E.164: a 1:1 walk over area x exchange x line."""
    v = (n * _PHONE_STRIDE) % _PHONE_SPACE
    v, area = divmod(v, len(_PHONE_AREAS))
    line, exchange = divmod(v, len(_EXCHANGES))
    return f"+1{_PHONE_AREAS[area]}{_EXCHANGES[exchange]}{line:04d}"


def prospect_table(rows: list[Row]) -> RecordTable:
    return RecordTable(
        PROSPECT_FIELDS, rows, lookups={"email_1": fold_email, "phone_1": phone_digits}
    )


def community_table(rows: list[Row]) -> RecordTable:
    return RecordTable(COMMUNITY_FIELDS, rows, lookups={"email": fold_email, "phone": phone_digits})
