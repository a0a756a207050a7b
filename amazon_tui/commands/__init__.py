"""The scripting commands: the service without the UI, with JSON output and exit codes."""
