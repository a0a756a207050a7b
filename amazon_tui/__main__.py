"""``python -m amazon_tui``."""

from amazon_tui.cli import main

raise SystemExit(main())
