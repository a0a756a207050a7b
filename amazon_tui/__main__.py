"""``python -m amazon_tui``."""

from amazon_tui.cli.main import main

raise SystemExit(main())
