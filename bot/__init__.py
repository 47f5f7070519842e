"""Tourbot's domain: settings, the time resolver, the booking model and the Propexo client.

Nothing here imports Slack; the Slack edge lives in `handlers/`.
"""
