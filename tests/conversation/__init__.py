"""Tests of `bot.conversation`: bookings made by talking in a Slack thread."""
