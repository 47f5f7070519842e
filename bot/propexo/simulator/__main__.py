"""`python -m bot.propexo.simulator --port N` is the same as `tourbot propexo-sim --port N`."""

from bot.propexo.simulator.server import main

raise SystemExit(main())
