"""Tests of `bot.cli`: each `tourbot` subcommand run as a person runs it."""
