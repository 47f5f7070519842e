"""`tourbot book` as a person runs it: a subprocess, talking to the simulator over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.offline.propexo import SimulatorServer

EXAMPLE = (
    "Jane Doe jane@example.com 555-201-7788 tomorrow at 3pm self-guided, 2br, budget $1,800-2,200"
)
WHEN = ["--tz", "America/New_York", "--now", "2026-11-25T10:00:00-05:00"]
CREATE = "/crm/v1/appointments/eliseai"


def book(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PROPEXO_", "SLACK_"))}
    base.update(env if env is not None else {"PROPEXO_INTEGRATION_ID": "int_demo"})
    return subprocess.run(
        [sys.executable, "-m", "bot", "book", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,  # away from any developer's .env
        env=base,
    )


def sim_env(sim: SimulatorServer) -> dict[str, str]:
    return {
        "PROPEXO_BASE_URL": sim.url,
        "PROPEXO_API_KEY": sim.api_key,
        "PROPEXO_INTEGRATION_ID": sim.integration_id,
        "PROPEXO_COMMUNITY_ID": "cmty_maple_court",
    }


def test_dry_run_prints_the_exact_body(tmp_path: Path) -> None:
    done = book("--dry-run", EXAMPLE, *WHEN, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "integration_id": "int_demo",
        "appointment_date": "2026-11-26",
        "appointment_time": "20:00:00",
        "email_1": "jane@example.com",
        "phone_1": "+15552017788",
        "first_name": "Jane",
        "last_name": "Doe",
        "rent_minimum_in_cents": 180000,
        "rent_maximum_in_cents": 220000,
        "desired_num_bedrooms": [2],
        "tour_type": "SELF_GUIDED",
    }
    assert "Tour for Jane Doe · Thu, Nov 26, 3:00 PM EST in your time zone · 20:00 UTC" in (
        done.stderr
    )


def test_flags_fill_and_override_the_text(tmp_path: Path) -> None:
    done = book(
        "--dry-run", EXAMPLE, "--time", "friday 10:30am", "--notes", "Prefers the top floor",
        "--lease-term", "12", "--tz", "America/Los_Angeles", "--now", "2026-11-25T10:00:00-08:00",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert (body["appointment_date"], body["appointment_time"]) == ("2026-11-27", "18:30:00")
    assert body["notes"] == "Prefers the top floor"
    assert body["lease_term_in_months"] == 12
    assert body["email_1"] == "jane@example.com"


def test_flags_alone(tmp_path: Path) -> None:
    done = book(
        "--dry-run", "--first-name", "Ana", "--phone", "(202) 555-0143", "--time", "12/5 at 4",
        "--bedrooms", "studio", *WHEN, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["phone_1"] == "+12025550143"
    assert body["desired_num_bedrooms"] == [0]
    assert (body["appointment_date"], body["appointment_time"]) == ("2026-12-05", "21:00:00")
    assert "email_1" not in body and "last_name" not in body


def test_problems_one_a_line_by_field(tmp_path: Path) -> None:
    done = book("--dry-run", "tomorrow, phone 555, $3,000-2,200 budget", *WHEN, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines == [
        "first_name: Add a first name for a new prospect, or pick an existing one",
        "email: Add an email or a phone for a new prospect",
        "tour_time: What time on Thu, Nov 26? Add one, like “thu 3pm”.",
        "rent_min: Minimum rent must be no more than the maximum ($2,200)",
    ]


def test_a_time_to_confirm_needs_yes(tmp_path: Path) -> None:
    text = "Jane Doe jane@example.com next friday at 1pm"
    refused = book("--dry-run", text, *WHEN, cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        "tour_time: “next friday” could mean Fri, Nov 27 or Fri, Dec 4"
    )
    assert "--yes" in refused.stderr
    accepted = book("--dry-run", "--yes", text, *WHEN, cwd=tmp_path)
    assert accepted.returncode == 0
    assert json.loads(accepted.stdout)["appointment_date"] == "2026-11-27"


def test_the_time_rules_hold_in_book(tmp_path: Path) -> None:
    backward = book(
        "--dry-run", "Jane Doe jane@example.com last thursday at 4", *WHEN, cwd=tmp_path
    )
    assert backward.returncode == 1
    assert "tour_time: Thu, Nov 19 at 4:00 PM has already passed." in backward.stderr
    zoned = book("--dry-run", "Jane Doe jane@example.com 3pm tomorrow PT", *WHEN, cwd=tmp_path)
    assert zoned.returncode == 0, zoned.stderr
    body = json.loads(zoned.stdout)
    assert (body["appointment_date"], body["appointment_time"]) == ("2026-11-26", "23:00:00")
    assert "notes" not in body  # the zone is part of the time, not a note
    far = book("--dry-run", "Jane Doe jane@example.com Nov 20 at 2pm", *WHEN, cwd=tmp_path)
    assert far.returncode == 1
    assert "Sat, Nov 20, 2027 is more than 60 days ahead" in far.stderr


def test_missing_settings_are_named(tmp_path: Path) -> None:
    dry = book("--dry-run", EXAMPLE, *WHEN, cwd=tmp_path, env={})
    assert dry.returncode == 2
    assert "PROPEXO_INTEGRATION_ID" in dry.stderr and "Traceback" not in dry.stderr
    real = book(EXAMPLE, *WHEN, cwd=tmp_path, env={"PROPEXO_BASE_URL": "not a url"})
    assert real.returncode == 2
    for name in ("PROPEXO_BASE_URL", "PROPEXO_API_KEY", "PROPEXO_INTEGRATION_ID"):
        assert name in real.stderr
    assert "Traceback" not in real.stderr


def test_submits_and_waits_for_the_write(tmp_path: Path, propexo_sim: SimulatorServer) -> None:
    done = book(EXAMPLE, "--tz", "America/New_York", cwd=tmp_path, env=sim_env(propexo_sim))
    assert done.returncode == 0, done.stderr
    answer, settled = done.stdout.strip().rsplit("\n", 1)
    submitted = json.loads(answer)["submitted"]
    assert submitted["job_id"]
    assert json.loads(settled)["write_status"] == "SUCCESS"
    [booked] = propexo_sim.state.appointments
    assert booked.body["email_1"] == "jane@example.com"
    assert booked.body["community_id"] == "cmty_maple_court"


def test_a_community_named_in_the_text_is_booked_there_in_its_own_zone(
    tmp_path: Path, propexo_sim: SimulatorServer
) -> None:
    env = sim_env(propexo_sim) | {"COMMUNITY_TIMEZONES": "cmty_riverside_lofts=America/Chicago"}
    text = "Jane Doe jane@example.com fri 2pm at Riverside Lofts"
    done = book(text, *WHEN, cwd=tmp_path, env=env)  # PROPEXO_COMMUNITY_ID is Maple Court
    assert done.returncode == 0, done.stderr
    [booked] = propexo_sim.state.appointments
    assert booked.body["community_id"] == "cmty_riverside_lofts"
    # 2pm at the property in Chicago, not in the agent's New York
    assert (booked.body["appointment_date"], booked.body["appointment_time"]) == (
        "2026-11-27",
        "20:00:00",
    )
    assert "Tour for Jane Doe · Fri, Nov 27, 2:00 PM CST at the property" in done.stderr


def test_the_community_flag_takes_a_name(tmp_path: Path, propexo_sim: SimulatorServer) -> None:
    done = book(EXAMPLE, "--community", "willows", *WHEN, cwd=tmp_path, env=sim_env(propexo_sim))
    assert done.returncode == 0, done.stderr
    [booked] = propexo_sim.state.appointments
    assert booked.body["community_id"] == "cmty_willows_oak_park"


def test_propexo_refusal_is_explained(tmp_path: Path, propexo_sim: SimulatorServer) -> None:
    propexo_sim.add_fault(f"POST {CREATE}", "status", status=400, message="Community is closed")
    done = book(EXAMPLE, "--tz", "America/New_York", cwd=tmp_path, env=sim_env(propexo_sim))
    assert done.returncode == 1
    assert "Community is closed" in done.stderr and "Traceback" not in done.stderr


def test_a_dropped_answer_is_reported_unknown_and_not_resent(
    tmp_path: Path, propexo_sim: SimulatorServer
) -> None:
    propexo_sim.add_fault(f"POST {CREATE}", "drop_after")
    done = book(EXAMPLE, "--tz", "America/New_York", cwd=tmp_path, env=sim_env(propexo_sim))
    assert done.returncode == 3
    assert "check EliseAI" in done.stderr
    assert len(propexo_sim.state.requests_to("POST", CREATE)) == 1


@pytest.mark.parametrize("errors", [("Prospect is on the do-not-contact list",)])
def test_a_failed_write_is_reported(
    tmp_path: Path, propexo_sim: SimulatorServer, errors: tuple[str, ...]
) -> None:
    propexo_sim.add_fault(f"POST {CREATE}", "write_failure", errors=errors)
    done = book(EXAMPLE, "--tz", "America/New_York", cwd=tmp_path, env=sim_env(propexo_sim))
    assert done.returncode == 1
    assert json.loads(done.stdout.strip().rsplit("\n", 1)[1])["write_status"] == "FAILURE"
    assert "do-not-contact" in done.stderr


def test_the_built_in_simulator_needs_no_settings(tmp_path: Path) -> None:
    done = book("--simulator", EXAMPLE, "--tz", "America/New_York", cwd=tmp_path, env={})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().rsplit("\n", 1)[1])["write_status"] == "SUCCESS"
    assert "Using the built-in Propexo simulator at http://127.0.0.1:" in done.stderr


def test_a_dry_run_touches_no_network(tmp_path: Path) -> None:
    # A key and an address where nothing listens: a dry run must not even try it.
    env = {
        "PROPEXO_API_KEY": "key",
        "PROPEXO_BASE_URL": "http://127.0.0.1:9",
        "PROPEXO_INTEGRATION_ID": "int_demo",
    }
    done = book("--dry-run", EXAMPLE + " at the maple", *WHEN, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "could not be read from Propexo" not in done.stderr
    assert "reads no communities" in done.stderr and "--community" in done.stderr
    assert json.loads(done.stdout)["notes"] == "at the maple"
