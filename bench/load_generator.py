"""Bursts of HTTP POSTs sent from a process of its own, each timed from send to response.

bench/slack_acks.py times acks with it. In a process of its own, the sender's clock is not held
up by the Slack stand-in and the Propexo simulator (threads of the bench's process that only
Tourbot gives work to), and plain asyncio protocols over kept-alive connections take far less of
the CPU the servers share than a full HTTP client would. Every server gets the same sender.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from urllib.parse import urlsplit

TIMEOUT = 10.0  # seconds a request may take before it counts as failed


@dataclass(frozen=True)
class Answer:
    """One response (or failure), `seconds` after its request was written."""

    seconds: float
    status: int  # 0: no response
    body: bytes
    error: str = ""


Request = tuple[bytes, dict[str, str]]  # body, headers


class LoadGenerator:
    """A sender process, kept for the whole bench; `close()` ends it."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipe, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child,), daemon=True)
        self._process.start()
        child.close()

    async def burst(self, url: str, requests: Sequence[Request]) -> list[Answer]:
        """POST every request to `url` at once, each on a connection of its own."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self._exchange, (url, list(requests)))

    async def stream(
        self, url: str, requests: Sequence[Request], in_flight: int, rate: float = 0.0
    ) -> list[Answer]:
        """POST every request to `url`, at most `in_flight` under way: each connection sends its
        next request once its last is answered and, given a `rate` (requests a second), not
        before that request's turn. Answers come back in request order."""
        loop = asyncio.get_running_loop()
        message = (url, list(requests), in_flight, rate)
        return await loop.run_in_executor(None, self._exchange, message)

    def _exchange(
        self, message: tuple[str, list[Request]] | tuple[str, list[Request], int, float]
    ) -> list[Answer]:
        self._pipe.send(message)
        answers: list[Answer] = self._pipe.recv()
        return answers

    def close(self) -> None:
        if self._process.is_alive():
            self._pipe.send(None)
            self._process.join(timeout=5)
        if self._process.is_alive():
            self._process.kill()
        self._pipe.close()


# -- the sender process ------------------------------------------------------------------------


def _serve(pipe: Connection) -> None:
    loop = asyncio.new_event_loop()
    pools: dict[tuple[str, int], list[_Exchange]] = {}
    while (message := pipe.recv()) is not None:
        if len(message) == 4:
            pipe.send(loop.run_until_complete(_stream(pools, *message)))
            continue
        url, requests = message
        pipe.send(loop.run_until_complete(_burst(pools, url, requests)))
    for pool in pools.values():
        for exchange in pool:
            exchange.close()
    loop.close()


async def _burst(
    pools: dict[tuple[str, int], list[_Exchange]], url: str, requests: list[Request]
) -> list[Answer]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    pool = pools.setdefault((host, port), [])
    pool[:] = [exchange for exchange in pool if exchange.open]
    loop = asyncio.get_running_loop()
    while len(pool) < len(requests):  # connected before the clock starts, as a pool would be
        _, exchange = await loop.create_connection(_Exchange, host, port)
        pool.append(exchange)
    head = f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\n"
    return list(
        await asyncio.gather(
            *(
                exchange.send(_request(head, body, headers))
                for exchange, (body, headers) in zip(pool, requests, strict=False)
            )
        )
    )


async def _stream(
    pools: dict[tuple[str, int], list[_Exchange]],
    url: str,
    requests: list[Request],
    width: int,
    rate: float,
) -> list[Answer]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    pool = pools.setdefault((host, port), [])
    pool[:] = [exchange for exchange in pool if exchange.open]
    loop = asyncio.get_running_loop()
    while len(pool) < width:
        _, exchange = await loop.create_connection(_Exchange, host, port)
        pool.append(exchange)
    head = f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\n"
    answers: list[Answer | None] = [None] * len(requests)
    following = iter(range(len(requests)))
    started = loop.time()

    async def lane(exchange: _Exchange) -> None:
        for index in following:  # shared: each lane takes the next request not yet sent
            if rate > 0:
                await asyncio.sleep(max(0.0, started + index / rate - loop.time()))
            if not exchange.open:
                _, exchange = await loop.create_connection(_Exchange, host, port)
            body, headers = requests[index]
            answers[index] = await exchange.send(_request(head, body, headers))

    await asyncio.gather(*(lane(exchange) for exchange in pool[:width]))
    return [answer for answer in answers if answer is not None]


def _request(head: str, body: bytes, headers: dict[str, str]) -> bytes:
    lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return f"{head}{lines}Content-Length: {len(body)}\r\n\r\n".encode() + body


class _Exchange(asyncio.Protocol):
    """One kept-alive connection: one request at a time, answered by Content-Length."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._waiter: asyncio.Future[tuple[float, int, bytes]] | None = None
        self.open = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self.open = True

    def connection_lost(self, exc: Exception | None) -> None:
        self.open = False
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(ConnectionError(f"connection lost: {exc!r}"))

    def data_received(self, data: bytes) -> None:
        received = time.perf_counter()  # before anything else runs: the response is here
        self._buffer += data
        if self._waiter is None or self._waiter.done():
            return
        try:
            parsed = _response(self._buffer)
        except ValueError as exc:
            self._waiter.set_exception(ConnectionError(str(exc)))
            return
        if parsed is not None:
            status, body, used = parsed
            del self._buffer[:used]
            self._waiter.set_result((received, status, body))

    async def send(self, request: bytes) -> Answer:
        assert self._transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        self._transport.write(request)
        try:
            received, status, body = await asyncio.wait_for(self._waiter, TIMEOUT)
        except (TimeoutError, ConnectionError) as exc:
            self.close()
            return Answer(time.perf_counter() - started, 0, b"", repr(exc))
        return Answer(received - started, status, body)

    def close(self) -> None:
        self.open = False
        if self._transport is not None:
            self._transport.close()


def _response(buffer: bytearray) -> tuple[int, bytes, int] | None:
    """(status, body, bytes used) once a whole response is in `buffer`, else None."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    length = 0
    for line in head[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
        elif name.strip().lower() == "transfer-encoding":
            raise ValueError("chunked responses are not expected from the servers under test")
    if len(buffer) < end + 4 + length:
        return None
    return status, bytes(buffer[end + 4 : end + 4 + length]), end + 4 + length
