"""Where the console's lines come from (the keyboard, or a script) and where its text goes."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from bot.offline.console.script import ScriptLine

LIVE_EVERY = 0.5  # seconds between looks at the bot's background work while the person types


class Output:
    """The transcript: every line the person sees, in order."""

    def __init__(self, write: Callable[[str], object] | None = None) -> None:
        self._write = write or _print
        self._held: list[str] | None = None

    def __call__(self, *lines: str) -> None:
        for line in lines:
            if self._held is not None:
                self._held.append(line)
            else:
                self._write(line)

    @contextlib.contextmanager
    def held(self) -> Iterator[list[str]]:
        """Collect the lines written inside the block instead of printing them."""
        held: list[str] = []
        self._held = held
        try:
            yield held
        finally:
            self._held = None


Meanwhile = Callable[[], list[str]]  # what arrived while the person was typing, to show


class Input(Protocol):
    interactive: bool  # a person answers: walk them through forms, keep going after a mistake

    async def read(self, prompt: str, meanwhile: Meanwhile | None = None) -> str | None:
        """The next line (None at the end), shown after `prompt`; a terminal also shows what
        `meanwhile` returns while it waits."""
        ...

    def where(self) -> str:
        """Where the last line came from, for a message about it ("line 7 of demo.tour: ")."""
        ...


class ScriptInput:
    """Plays a script's lines, echoing each after the prompt a person would have seen."""

    interactive = False

    def __init__(self, lines: Sequence[ScriptLine], out: Output, *, name: str) -> None:
        self._lines = list(lines)
        self._out = out
        self._name = name
        self._last: ScriptLine | None = None

    async def read(self, prompt: str, meanwhile: Meanwhile | None = None) -> str | None:
        if not self._lines:
            return None
        self._last = self._lines.pop(0)
        self._out(prompt + self._last.text)
        return self._last.text

    def where(self) -> str:
        return f"line {self._last.number} of {self._name}: " if self._last else ""


class TerminalInput:
    """Reads the keyboard (with line editing where readline exists) without blocking the bot,
    which keeps working in the background while the person types."""

    interactive = True

    def __init__(self) -> None:
        self._echo = not sys.stdin.isatty()  # piped input: show it, so the output reads right
        self._typed: Callable[[], str] | None = None
        if not self._echo:
            with contextlib.suppress(ImportError):
                import readline  # input() edits lines once it is loaded

                self._typed = readline.get_line_buffer

    async def read(self, prompt: str, meanwhile: Meanwhile | None = None) -> str | None:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[str | None] = loop.create_future()

        def settle(line: str | None) -> None:
            if not answer.done():
                answer.set_result(line)

        def ask() -> None:
            try:
                line: str | None = input(prompt)
            except (EOFError, OSError):
                line = None
            with contextlib.suppress(RuntimeError):  # the console has already stopped
                loop.call_soon_threadsafe(settle, line)

        # A daemon thread, not the loop's executor: leaving must not wait for a line.
        threading.Thread(target=ask, name="console-input", daemon=True).start()
        while meanwhile is not None and not self._echo and not answer.done():
            await asyncio.wait({answer}, timeout=LIVE_EVERY)
            if not answer.done() and (lines := meanwhile()):
                # Above the prompt, which is drawn again with what was typed so far.
                typed = self._typed() if self._typed else ""
                sys.stdout.write("\r\x1b[K" + "\n".join(lines) + "\n" + prompt + typed)
                sys.stdout.flush()
        line = await answer
        if self._echo or line is None:
            print(line if line is not None else "", flush=True)
        return line

    def where(self) -> str:
        return ""


def _print(line: str) -> None:
    print(line, flush=True)
