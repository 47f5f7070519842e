"""`tourbot book`: check a booking from free text (or one flag per field), and submit it.

`--dry-run` prints the exact JSON body that would be sent, and touches no network. Without it,
the body goes to `PROPEXO_BASE_URL`, and the command prints Propexo's answer, then the settled
write status.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime
from typing import Any

from pydantic import SecretStr

from bot.booking import FIELD_LABELS, BookingDraft, FormProblems, prepare_booking
from bot.cli.parse_time import add_time_options
from bot.propexo.client import PropexoClient
from bot.propexo.errors import PropexoError, PropexoOutcomeUnknown, PropexoRejected
from bot.settings import Settings, SettingsError, load_settings
from bot.time.resolve import describe
from bot.time.zones import tour_zone
from bot.understand import read_request

# flag: form field key
FIELD_FLAGS = {
    "--first-name": "first_name",
    "--last-name": "last_name",
    "--email": "email",
    "--phone": "phone",
    "--time": "tour_time",
    "--tour-type": "tour_type",
    "--move-in": "move_in_date",
    "--bedrooms": "bedrooms",
    "--rent-min": "rent_min",
    "--rent-max": "rent_max",
    "--lease-term": "lease_term",
    "--notes": "notes",
    "--community": "community",
    "--prospect": "prospect",
}

FLAG_HELP = {
    "prospect": "an existing prospect's Propexo id (prsp_…); for someone new, give their name "
    "and an email or phone instead",
    "community": "the community's Propexo id, or its name as the text would say it",
}
EXIT_BOOKED, EXIT_NOT_BOOKED, EXIT_SETTINGS, EXIT_UNKNOWN = 0, 1, 2, 3
COMMUNITIES_DEADLINE = 10.0  # seconds; the booking is read without them after that


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "book",
        help="check or submit a booking from free text or flags",
        description="Book a tour from free text, one flag per field, or both (a flag wins). "
        "Problems are printed one a line, by field, with exit status 1.",
        epilog="Exit status: 0 booked (or a clean dry run), 1 not booked, 2 settings or usage, "
        "3 outcome unknown (check EliseAI before trying again).",
    )
    parser.add_argument("text", nargs="?", metavar="TEXT", help="the request in words")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the JSON body instead of sending it"
    )
    parser.add_argument(
        "--yes", action="store_true", help="accept a time the resolver asks to confirm"
    )
    parser.add_argument(
        "--simulator",
        action="store_true",
        help="book against a built-in Propexo simulator instead of PROPEXO_BASE_URL "
        "(nothing leaves this machine; no key needed)",
    )
    for flag, key in FIELD_FLAGS.items():
        parser.add_argument(
            flag, dest=key, metavar="VALUE", help=FLAG_HELP.get(key, FIELD_LABELS[key])
        )
    add_time_options(parser, tz_required=False)
    parser.set_defaults(run=run, date_order=None)


def run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings() if args.dry_run or args.simulator else load_settings("propexo")
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_SETTINGS
    if args.date_order:
        settings = settings.model_copy(update={"date_order": args.date_order})
    if not args.simulator:
        return asyncio.run(_book(args, settings))
    from bot.offline.propexo import DEFAULT_INTEGRATION_ID, SimulatorServer

    integration_id = settings.propexo_integration_id or DEFAULT_INTEGRATION_ID
    with SimulatorServer(integration_id=integration_id, tour_types=settings.tour_types) as sim:
        print(f"Using the built-in Propexo simulator at {sim.url}.", file=sys.stderr)
        local = settings.model_copy(
            update={
                "propexo_integration_id": integration_id,
                "propexo_base_url": sim.url,
                "propexo_api_key": SecretStr(sim.api_key),
            }
        )
        return asyncio.run(_book(args, local))


async def _book(args: argparse.Namespace, settings: Settings) -> int:
    # A dry run touches no network: it reads the text alone, as `tourbot read` does.
    communities = [] if args.dry_run else await _communities(settings)
    values = read_request(args.text or "", communities=communities)
    if args.dry_run and values.get("notes") and not args.community:
        print(
            "A dry run reads no communities from Propexo, so a community named in the text "
            "stays in the notes; name it with --community ID to book it there.",
            file=sys.stderr,
        )
    values.update({key: getattr(args, key) for key in FIELD_FLAGS.values() if getattr(args, key)})
    if args.community and communities and args.community not in dict(communities):
        # --community "maple": a name, read as the text's would be
        named = read_request(args.community, communities=communities).get("community")
        values["community"] = named or args.community
    # As in Slack: the community's own zone wins, then --tz (the agent's), then the default.
    community = values.get("community") or settings.propexo_community_id
    zone = tour_zone(settings, community_id=community, agent_zone=args.tz and args.tz.key)
    try:
        draft = prepare_booking(values, settings=settings, zone=zone.zone, now=args.now)
    except SettingsError as exc:  # e.g. no PROPEXO_INTEGRATION_ID for a dry run's body
        print(exc, file=sys.stderr)
        return EXIT_SETTINGS
    except FormProblems as exc:
        for key, message in exc.problems.items():
            print(f"{key}: {message}", file=sys.stderr)
        return EXIT_NOT_BOOKED
    if draft.needs_confirmation and not args.yes:
        print(f"tour_time: {draft.time.reason} Run again with --yes to book it.", file=sys.stderr)
        return EXIT_NOT_BOOKED
    print(_summary(draft, zone.place), file=sys.stderr)
    body = draft.appointment.body()
    if args.dry_run:
        print(json.dumps(body, indent=2, ensure_ascii=False))
        return EXIT_BOOKED
    return await _submit(body, settings)


async def _communities(settings: Settings) -> list[tuple[str, str]]:
    """(id, name) of the integration's communities, so a community named in the text is found;
    none (said on stderr) when Propexo is not configured or does not answer."""
    if settings.propexo_api_key is None:  # a dry run without a key: the text alone
        return []
    key = settings.propexo_api_key.get_secret_value()
    async with PropexoClient(settings.propexo_base_url, key) as propexo:
        try:
            found = await asyncio.wait_for(
                propexo.list_communities(settings.propexo_integration_id), COMMUNITIES_DEADLINE
            )
        except (PropexoError, TimeoutError) as exc:
            print(
                f"Communities could not be read from Propexo ({exc or 'no answer'}), so a "
                "community named in the text is not recognised.",
                file=sys.stderr,
            )
            return []
    return [(c.id, c.name) for c in found if c.name]


def _summary(draft: BookingDraft, place: str) -> str:
    who = draft.form.prospect_name or draft.form.prospect_id or "the prospect"
    return f"Tour for {who} · {describe(draft.time, place=place)}"


async def _submit(body: dict[str, Any], settings: Settings) -> int:
    assert settings.propexo_api_key is not None  # load_settings("propexo") checked it
    async with PropexoClient(
        settings.propexo_base_url, settings.propexo_api_key.get_secret_value()
    ) as propexo:
        print(f"Sending the booking to Propexo at {settings.propexo_base_url}…", file=sys.stderr)
        try:
            created = await propexo.create_appointment(body)
        except PropexoRejected as exc:
            print(f"Not booked. {exc}", file=sys.stderr)
            for issue in exc.issues:
                print(f"  {issue}", file=sys.stderr)
            return EXIT_NOT_BOOKED
        except PropexoOutcomeUnknown as exc:
            print(exc, file=sys.stderr)
            return EXIT_UNKNOWN
        except PropexoError as exc:
            print(exc, file=sys.stderr)
            return EXIT_NOT_BOOKED
        answer = {"job_id": created.job_id, "appointment_id": created.appointment_id}
        print(json.dumps({"submitted": answer, "result": dict(created.result)}, indent=2))
        if created.job_id is None:
            print("Propexo gave no job id, so the write cannot be followed.", file=sys.stderr)
            return EXIT_UNKNOWN
        print(
            f"Submitted at {datetime.now(UTC):%H:%M:%S} UTC; waiting for EliseAI…", file=sys.stderr
        )
        try:
            status = await propexo.wait_for_write(created.job_id)
        except PropexoError as exc:
            print(f"Submitted, but its write status is unknown: {exc}", file=sys.stderr)
            return EXIT_UNKNOWN
    print(json.dumps({"write_status": status.status, "errors": list(status.errors),
                      "created_record_id": status.created_record_id}))  # fmt: skip
    if status.succeeded:
        return EXIT_BOOKED
    if status.failed:
        print("EliseAI did not book it: " + "; ".join(status.errors), file=sys.stderr)
        return EXIT_NOT_BOOKED
    print(
        f"Still {status.status} after waiting; check EliseAI before booking again.", file=sys.stderr
    )
    return EXIT_UNKNOWN
