"""The attacker's view: one running bot, kept to two channels and two user groups, and one
attacker who tries every class of attack on the hardening list in turn through the real HTTP
server. Each attack's details are tested in its own module (named in the README's
Reliability section); this one asserts what must hold after all of them together: no booking
sent twice, no 5xx, every ack within Slack's 3 s, no traceback and nothing personal or secret
in any log record at DEBUG, and /healthz still ok."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from urllib.parse import unquote, urlencode

import httpx
import pytest

from bot.logs import configure_logging
from bot.offline.agent import SlackAgent
from bot.offline.propexo import DEFAULT_API_KEY, SimulatorServer
from bot.offline.slack import DEFAULT_AGENT_ID, DEFAULT_CHANNEL_ID, SlackStandIn
from bot.store import Booking, BookingState
from bot.tourbot import resend_value
from tests.harness import SIGNING_SECRET, RunningBot, manifest_scopes, running_bot

GROUP, OUTSIDER = "S0LEASING", "U0OUTSIDER"
CREATE = ("POST", "/crm/v1/appointments/eliseai")
# Each booking's prospect, with contact details in more than one format.
PEOPLE = {
    "Marisol": "Marisol Quintanilla marisol.q.private@example.com +1 (555) 301-8899",
    "Thaddeus": "Thaddeus Okafor thad.okafor@example.net 555.302.7711",
    "Ingrid": "Ingrid Valcourt ingrid.v@example.org 5553034422",
    "Bartholomew": "Bartholomew Achterberg bart.a@example.com 555-304-6633",
}
SECRETS = ("xoxb-offline-token", SIGNING_SECRET, DEFAULT_API_KEY, "lockbox 5521")
PRIVATE = (
    *(word for line in PEOPLE.values() for word in line.split()[:3]),
    *("301-8899", "302.7711", "5553034422", "304-6633", "3018899"),
    *SECRETS,
)
ACK_LIMIT = 3.0  # seconds: Slack's


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    async with SlackStandIn(scopes=manifest_scopes()) as stand_in:
        stand_in.add_user(OUTSIDER, name="olga", real_name="Olga Outsider")
        stand_in.add_channel("C0RANDOM", name="random")
        stand_in.stub("usergroups.users.list", lambda args: {"users": [DEFAULT_AGENT_ID]})
        yield stand_in


@pytest.fixture
def log() -> Iterator[list[logging.LogRecord]]:
    """Every record any logger writes, at DEBUG, through Tourbot's own logging set-up."""
    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            self.format(record)  # fills exc_text, as any real handler would
            records.append(record)

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    root.addHandler(Keep(logging.DEBUG))
    configure_logging("text", secrets=list(SECRETS[:3]), level="DEBUG", stream=io.StringIO())
    yield records
    root.handlers[:] = handlers
    root.setLevel(level)


class Answers:
    """Every answer the server gave the attacker: its status and how long it took."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.seen: list[tuple[str, int, float]] = []
        self._sent: dict[int, float] = {}
        http.event_hooks["request"].append(self._request)
        http.event_hooks["response"].append(self._response)

    async def _request(self, request: httpx.Request) -> None:
        self._sent[id(request)] = time.monotonic()

    async def _response(self, response: httpx.Response) -> None:
        took = time.monotonic() - self._sent.pop(id(response.request))
        self.seen.append((response.request.url.path, response.status_code, took))


def signed(content: bytes) -> dict[str, str]:
    """Slack's signature over bytes that need not be text."""
    stamp = str(int(time.time()))
    digest = hmac.new(SIGNING_SECRET.encode(), f"v0:{stamp}:".encode() + content, hashlib.sha256)
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest.hexdigest()}"}


async def until(bot: RunningBot, who: str, done: Callable[[Booking], bool]) -> Booking:
    for _ in range(300):
        for booking in await bot.tourbot.store.bookings_for_user(DEFAULT_AGENT_ID):
            if booking.summary.startswith(f"Tour for {who} ") and done(booking):
                return booking
        await asyncio.sleep(0.02)
    raise AssertionError(f"{who}'s booking never got there")


async def book(bot: RunningBot, who: str, *, twice: bool = False) -> None:
    """/tour with the prospect's details and a note, then Submit (clicked twice if `twice`)."""
    opened = len(bot.slack.calls_to("views.open"))
    text = f"{PEOPLE[who]} tomorrow at {2 + len(who) % 5}pm self-guided notes: lockbox 5521"
    assert (await bot.agent.command(text)).status_code == 200
    view_id = (await bot.slack.wait_for("views.open", opened + 1))[-1].response["view"]["id"]
    payload = bot.agent.submission_payload(view_id, {}, None)
    clicks = [bot.agent.interact(payload) for _ in range(2 if twice else 1)]
    for answer in await asyncio.gather(*clicks):  # both close the modal: one booking
        assert (answer.status_code, answer.content) == (200, b"")


async def test_one_attacker_tries_everything_and_every_promise_holds(
    slack: SlackStandIn,
    propexo_sim: SimulatorServer,
    tmp_path: Path,
    log: list[logging.LogRecord],
) -> None:
    async with running_bot(
        slack,
        propexo_sim,
        tmp_path / "tourbot.db",
        allowed_channels=f"{DEFAULT_CHANNEL_ID},C0TOURS",
        allowed_usergroups=f"{GROUP},S0MANAGERS",
    ) as bot:
        answers = Answers(bot.http)
        events = bot.agent.events_url

        # An unsigned megabyte, then bodies signed but not shaped as Slack's.
        huge = await bot.http.post(
            events, content=b"a" * 900_000, headers={"X-Slack-Signature": "v0=0"}
        )
        assert huge.status_code == 401
        for content, kind in (
            (b'{"type": "block_actions", ', "application/json"),
            (b"text=\xff\xfe+Marisol", "application/x-www-form-urlencoded"),
            (
                urlencode({"payload": json.dumps(["Marisol"])}).encode(),
                "application/x-www-form-urlencoded",
            ),
        ):
            headers = {"Content-Type": kind, **signed(content)}
            assert (
                await bot.http.post(events, content=content, headers=headers)
            ).status_code == 400

        # The DM-thread bypass: a DM, and a reply in its thread, mentioning the bot.
        dm = bot.slack.dm_channel(DEFAULT_AGENT_ID)
        mention = f"<@U0TOURBOT> book {PEOPLE['Marisol']} tomorrow at 3pm"
        await bot.agent.say(dm, mention, "1.000010")
        await bot.agent.say(dm, mention, "1.000011", thread_ts="1.000010")
        # Someone outside the groups, and a channel off the list.
        outsider = SlackAgent(
            bot.http, events_url=events, signing_secret=SIGNING_SECRET, slack=bot.slack,
            user_id=OUTSIDER, user_name="olga",
        )  # fmt: skip
        assert "Tourbot" in (await outsider.command(PEOPLE["Ingrid"])).json()["text"]
        assert (
            "isn't set up" in (await bot.agent.command("x", channel_id="C0RANDOM")).json()["text"]
        )

        assert bot.slack.calls_to("views.open") == []  # none of them got a form

        # NUL and characters nobody can see, in the form.
        await bot.agent.command(f"{PEOPLE['Thaddeus']} tomorrow at 3pm")
        [view] = await bot.slack.wait_for("views.open")
        hidden = {"first_name": "Thad\x00deus", "notes": "lock\u200bbox \u202e5521 \U000e0041"}
        answer = await bot.agent.submit(view.response["view"]["id"], hidden)
        assert answer["response_action"] == "errors" and set(answer["errors"]) == set(hidden)

        # A double-clicked Submit against a 429, a redirect, a 300-character job id.
        bot.propexo.add_fault(" ".join(CREATE), "status", status=429)
        await book(bot, "Marisol", twice=True)
        await until(bot, "Marisol", lambda b: b.state is BookingState.CONFIRMED)
        bot.propexo.add_fault(" ".join(CREATE), "redirect", status=302)
        await book(bot, "Ingrid")
        await until(bot, "Ingrid", lambda b: b.state is BookingState.FAILED)
        bot.propexo.add_fault(" ".join(CREATE), "job_id", message="job_" + "7" * 296)
        await book(bot, "Thaddeus")
        toured = await until(bot, "Thaddeus", lambda b: b.state is BookingState.CONFIRMED)
        assert toured.job_id == "job_" + "7" * 296

        # An answer dripping a byte at a time, then Send anyway pressed twice at once.
        bot.propexo.add_fault(" ".join(CREATE), "drip", seconds=0.2)
        await book(bot, "Bartholomew")
        unknown = await until(bot, "Bartholomew", lambda b: b.state is BookingState.UNKNOWN)
        where = (DEFAULT_CHANNEL_ID, unknown.status_ts or unknown.thread_ts or "")
        await asyncio.gather(
            *(bot.agent.click(*where, "send_anyway", resend_value(unknown)) for _ in range(2))
        )
        await until(bot, "Bartholomew", lambda b: b.state is BookingState.CONFIRMED)

        # The outcome of a tour that has started, clicked twice at once.
        long_ago = toured.starts_at.replace(year=2000)
        await bot.tourbot.store.update_booking(toured.id, starts_at=long_ago)
        where = (DEFAULT_CHANNEL_ID, toured.status_ts or toured.thread_ts or "")
        await asyncio.gather(
            *(bot.agent.click(*where, "outcome_toured", toured.id) for _ in range(2))
        )
        await until(bot, "Thaddeus", lambda b: b.outcome_recorded_at is not None)

        health = await bot.http.get(f"{bot.url}/healthz")
        assert (health.status_code, health.json()["ok"]) == (200, True)
        await asyncio.sleep(0.3)  # anything a double would still send

    # No booking sent twice: one accepted create per prospect, but the one Send anyway sent.
    requests = propexo_sim.state.requests
    booked = [str(a.body["first_name"]) for a in propexo_sim.state.appointments]
    assert sorted(booked) == ["Bartholomew", "Bartholomew", "Marisol", "Thaddeus"]
    assert len([r for r in requests if r.method == "PUT"]) == 1  # the outcome, once
    assert len(bot.slack.ephemerals(channel=dm)) == 2  # "isn't set up", nothing more
    assert bot.slack.messages(dm, include_replies=True) == []
    # No 5xx, every ack within 3 s.
    assert all(status < 500 for _, status, _ in answers.seen), answers.seen
    slow = [(path, took) for path, _, took in answers.seen if took >= ACK_LIMIT]
    assert not slow, slow
    assert len(answers.seen) >= 20
    # No traceback, and nothing personal or secret, in any record at any level.
    assert any(record.levelno == logging.DEBUG for record in log)
    for record in log:
        text = "\n".join([record.getMessage(), record.exc_text or "", repr(vars(record))])
        assert not record.exc_info and "Traceback" not in text, text
        for seen in (text, unquote(text), unquote(unquote(text))):
            assert not [p for p in PRIVATE if p in seen], text
