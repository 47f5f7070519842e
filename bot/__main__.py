"""`python -m bot` is the same as the `tourbot` command."""

from bot.cli import main

raise SystemExit(main())
