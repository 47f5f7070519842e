"""How long a reader takes, for the tests that prove it linear: the quickest of a few tries,
with the garbage collector paused, so a busy machine or old garbage is not a slow reader."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable


def quickest(run: Callable[[], object], *, under: float, tries: int = 3) -> float:
    """Seconds `run` takes: the first try under `under`, else the quickest of `tries`.

    A reader that backtracks is slow every time (tens of seconds); noise is slow once."""
    best = float("inf")
    for _ in range(tries):
        collecting = gc.isenabled()
        gc.disable()
        try:
            started = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - started)
        finally:
            if collecting:
                gc.enable()
        if best < under:
            break
    return best
