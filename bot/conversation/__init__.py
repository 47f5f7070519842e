"""Booking through a conversation in a Slack thread: what the agent said, what is missing, and
booking it the same way the form does."""
