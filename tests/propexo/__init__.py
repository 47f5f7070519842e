"""Tests of `bot.propexo`: the client over HTTP against the simulator, and the simulator."""
