"""Tourbot's tests, mirroring `bot/` and `handlers/`."""

import pytest

# Helpers in the *_kit.py modules assert too: show their failures in full, like a test's.
pytest.register_assert_rewrite(
    "tests.booking", "tests.handlers", "tests.offline", "tests.store", "tests.harness"
)
