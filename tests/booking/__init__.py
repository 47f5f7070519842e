"""Tests of `bot.booking`: the form, its checks and the Propexo body."""
