"""The ``amazon-tui`` command line."""
