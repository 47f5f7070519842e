"""Tests of `bot.time`: the resolver by rule and by phrase, and the clock."""
