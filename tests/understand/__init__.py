"""Tests of `bot.understand`: reading free text into the booking form."""
