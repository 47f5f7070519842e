"""`python -m bot.offline.propexo --port N` is the same as `tourbot propexo-sim --port N`."""

from bot.offline.propexo.server import main

raise SystemExit(main())
