"""Request-body rules of the simulated endpoints, reported the way Propexo's Zod validation does.

Every rule collects its issues instead of stopping at the first, so one 400 lists every problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime

Path = list[str | int]
Issue = dict[str, object]
Check = Callable[[object, Path], list[Issue]]

# Propexo publishes this pattern unanchored; the simulator anchors it so "9:00:00am" is refused.
TIME_PATTERN = re.compile(r"(?:[01]\d|2[0123]):(?:[012345]\d):(?:[012345]\d)")
PHONE_PATTERN = re.compile(r"\+?\d{1,50}")
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
# Zod's default `.datetime()`: UTC with a Z, optional fractions, no offsets.
DATETIME_PATTERN = re.compile(r"(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z")

OUTCOME_STATUSES = ("NO_SHOW", "COMPLETE")


def zod_type(value: object) -> str:
    """The name Zod gives a JSON value's type in its messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _wrong_type(expected: str, value: object, path: Path) -> Issue:
    received = zod_type(value)
    return {
        "code": "invalid_type",
        "expected": expected,
        "received": received,
        "path": path,
        "message": f"Expected {expected}, received {received}",
    }


def string(*, max_length: int | None = None, pattern: re.Pattern[str] | None = None) -> Check:
    def check(value: object, path: Path) -> list[Issue]:
        if not isinstance(value, str):
            return [_wrong_type("string", value, path)]
        issues: list[Issue] = []
        if pattern is not None and not pattern.fullmatch(value):
            issues.append(
                {
                    "validation": "regex",
                    "code": "invalid_string",
                    "message": "Invalid",
                    "path": path,
                }
            )
        if max_length is not None and len(value) > max_length:
            issues.append(
                {
                    "code": "too_big",
                    "maximum": max_length,
                    "type": "string",
                    "inclusive": True,
                    "exact": False,
                    "message": f"String must contain at most {max_length} character(s)",
                    "path": path,
                }
            )
        return issues

    return check


def integer(*, minimum: int) -> Check:
    def check(value: object, path: Path) -> list[Issue]:
        # JSON booleans are not numbers, even though Python says True is an int.
        if isinstance(value, bool) or not isinstance(value, int | float):
            return [_wrong_type("number", value, path)]
        if isinstance(value, float) and not value.is_integer():
            return [
                {
                    "code": "invalid_type",
                    "expected": "integer",
                    "received": "float",
                    "path": path,
                    "message": "Expected integer, received float",
                }
            ]
        if value < minimum:
            return [
                {
                    "code": "too_small",
                    "minimum": minimum,
                    "type": "number",
                    "inclusive": True,
                    "exact": False,
                    "message": f"Number must be greater than or equal to {minimum}",
                    "path": path,
                }
            ]
        return []

    return check


def one_of(options: Sequence[str]) -> Check:
    def check(value: object, path: Path) -> list[Issue]:
        if isinstance(value, str) and value in options:
            return []
        expected = " | ".join(f"'{option}'" for option in options)
        if not isinstance(value, str):
            return [_wrong_type(expected, value, path)]
        return [
            {
                "received": value,
                "code": "invalid_enum_value",
                "options": list(options),
                "path": path,
                "message": f"Invalid enum value. Expected {expected}, received '{value}'",
            }
        ]

    return check


def list_of(item: Check) -> Check:
    def check(value: object, path: Path) -> list[Issue]:
        if not isinstance(value, list):
            return [_wrong_type("array", value, path)]
        return [issue for i, element in enumerate(value) for issue in item(element, [*path, i])]

    return check


def _real_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def datetime_utc() -> Check:
    def check(value: object, path: Path) -> list[Issue]:
        if not isinstance(value, str):
            return [_wrong_type("string", value, path)]
        match = DATETIME_PATTERN.fullmatch(value)
        if match is None or not _real_datetime(value):
            return [
                {
                    "code": "invalid_string",
                    "validation": "datetime",
                    "message": "Invalid datetime",
                    "path": path,
                }
            ]
        return []

    return check


def _real_datetime(text: str) -> bool:
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def date_or_datetime() -> Check:
    """`YYYY-MM-DD` naming a real day, or a Zod-style UTC date-time."""

    def check(value: object, path: Path) -> list[Issue]:
        if not isinstance(value, str):
            return [_wrong_type("string", value, path)]
        if DATE_PATTERN.fullmatch(value):
            if _real_date(value):
                return []
            return [{"code": "invalid_date", "message": "Invalid date", "path": path}]
        if DATETIME_PATTERN.fullmatch(value) and _real_datetime(value):
            return []
        return [{"code": "invalid_union", "message": "Invalid input", "path": path}]

    return check


def check_object(
    body: object, fields: Mapping[str, Check], required: Sequence[str] = ()
) -> list[Issue]:
    """Check a strict object: required keys present, each value valid, no unknown keys."""
    if not isinstance(body, dict):
        return [_wrong_type("object", body, [])]
    issues: list[Issue] = []
    for name, check in fields.items():
        if name not in body:
            if name in required:
                issues.append(
                    {
                        "code": "invalid_type",
                        "expected": "string",
                        "received": "undefined",
                        "path": [name],
                        "message": "Required",
                    }
                )
            continue
        issues.extend(check(body[name], [name]))
    unknown = [key for key in body if key not in fields]
    if unknown:
        listed = ", ".join(f"'{key}'" for key in unknown)
        issues.append(
            {
                "code": "unrecognized_keys",
                "keys": unknown,
                "path": [],
                "message": f"Unrecognized key(s) in object: {listed}",
            }
        )
    return issues


def create_appointment_fields(tour_types: Sequence[str]) -> dict[str, Check]:
    return {
        "integration_id": string(),
        "appointment_date": date_or_datetime(),
        "appointment_time": string(pattern=TIME_PATTERN),
        "community_id": string(),
        "prospect_id": string(),
        "email_1": string(),
        "phone_1": string(pattern=PHONE_PATTERN),
        "first_name": string(),
        "last_name": string(),
        "move_in_date": date_or_datetime(),
        "rent_minimum_in_cents": integer(minimum=1),
        "rent_maximum_in_cents": integer(minimum=1),
        "notes": string(max_length=1000),
        "desired_num_bedrooms": list_of(integer(minimum=0)),
        "tour_type": one_of(tour_types),
        "lease_term_in_months": integer(minimum=1),
    }


CREATE_REQUIRED = ("integration_id", "appointment_date", "appointment_time")

UPDATE_FIELDS: dict[str, Check] = {
    "status": one_of(OUTCOME_STATUSES),
    "outcome_time": datetime_utc(),
    "unit_ids": list_of(string()),
}
UPDATE_REQUIRED = ("status",)


def availability_fields(tour_types: Sequence[str]) -> dict[str, Check]:
    return {
        "integration_id": string(),
        "community_id": string(),
        "start_time": datetime_utc(),
        "end_time": datetime_utc(),
        "tour_type": one_of(tour_types),
    }


AVAILABILITY_REQUIRED = ("integration_id", "community_id", "start_time", "end_time")
