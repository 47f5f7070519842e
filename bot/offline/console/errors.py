"""The console's one exception: a sentence for the person at the keyboard, never a traceback."""

from __future__ import annotations


class ConsoleError(Exception):
    """Something the person asked for that cannot be done; the message says what and why."""
