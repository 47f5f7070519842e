"""Tests of `bot.offline`: the console, the Slack stand-in."""
