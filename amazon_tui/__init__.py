"""amazon-tui: the Amazon orders of a Magento store, in the terminal."""

import os

__version__ = "0.1.0"

# pydantic looks for plugins in the entry points of every installed distribution when it builds
# its first model: 7-8 ms of each start (a tenth of the start-up budget) for plugins this app
# never uses. An operator who wants one sets the variable (docs/decisions.md, issue 32).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
