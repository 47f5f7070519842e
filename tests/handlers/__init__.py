"""Tests of the Slack edge (`handlers/`) through the bot's real server, signed requests."""
