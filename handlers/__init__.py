"""The Slack edge: one module per kind of Slack input, each with a `register(app)`."""
