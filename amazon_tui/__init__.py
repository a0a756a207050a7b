"""amazon-tui: the Amazon orders of a Magento store, in the terminal."""

__version__ = "0.1.0"
