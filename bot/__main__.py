"""``python -m bot``: the command line (it imports discord only to run the bot)."""

from bot.cli import main

raise SystemExit(main())
