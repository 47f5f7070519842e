"""Tests of `bot.delivery`: the worker, its steps, the shared budget, crash safety."""
