"""The ``amazon-tui`` command line.

argparse, not click: it is in the standard library (no dependency, nothing to import at
start-up, which the TUI's launch time cares about), and sub-commands with ``--help``
each are all we need. Handlers import what they use lazily.

Exit codes: 0 success; 1 a service or network failure; 2 bad usage or bad input;
3 refused by a rule (not cancelable, read-only); 4 (``attention``) something needs action.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from amazon_tui import __version__

EXIT_OK, EXIT_SERVICE, EXIT_USAGE, EXIT_REFUSED, EXIT_ATTENTION = 0, 1, 2, 3, 4

EPILOG = """exit codes:
  0  success
  1  a service or network failure
  2  bad usage or bad input (bad config, unknown order number, unknown reason, bad date)
  3  refused by a rule (not cancelable, read-only)
  4  (attention) something needs attention
"""

Handler = Callable[[argparse.Namespace], int]


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="PATH", help="config file (default: $AMAZON_TUI_CONFIG or the platform config dir)")
    parser.add_argument("--sandbox", action="store_true", help="use the embedded sandbox even when a config exists")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="amazon-tui",
        description="Keyboard-driven terminal UI for the Amazon orders of an Adobe Commerce / Magento store. "
        "With no command it starts the TUI; with no config it runs on the embedded sandbox.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"amazon-tui {__version__}")
    _common(parser)
    parser.add_argument("--read-only", action="store_true", help="never offer or send a cancellation")
    parser.add_argument("--no-mouse", action="store_true", help="ignore the mouse (keyboard only)")
    parser.set_defaults(handler=_run_tui)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    init = commands.add_parser("init", help="write a config file interactively", epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    init.add_argument("--config", metavar="PATH", help="where to write it (default: the platform config dir)")
    init.set_defaults(handler=_init)

    config = commands.add_parser("config", help="where the config is and what it says")
    config_commands = config.add_subparsers(title="config commands", metavar="COMMAND", required=True)
    path = config_commands.add_parser("path", help="print the config file's path")
    path.add_argument("--config", metavar="PATH", help="config file")
    path.set_defaults(handler=_config_path)
    show = config_commands.add_parser("show", help="print the config with secrets redacted")
    _common(show)
    show.set_defaults(handler=_config_show)

    from amazon_tui.sandbox.cli import add_sandbox_commands

    add_sandbox_commands(commands)
    return parser


def _fail(message: str, code: int = EXIT_USAGE) -> int:
    print(f"amazon-tui: {message}", file=sys.stderr)
    return code


def _settings(args: argparse.Namespace):
    from amazon_tui.settings import load_settings, print_warnings

    settings = load_settings(config=getattr(args, "config", None), sandbox=getattr(args, "sandbox", False), read_only=getattr(args, "read_only", False))
    print_warnings(settings)
    return settings


def _run_tui(args: argparse.Namespace) -> int:
    settings = _settings(args)
    from amazon_tui.tui.app import run_app

    return run_app(settings, mouse=not args.no_mouse)


def _config_path(args: argparse.Namespace) -> int:
    from amazon_tui.config import config_path

    path = config_path(args.config)
    print(path)
    return EXIT_OK if path.exists() else EXIT_USAGE


def _config_show(args: argparse.Namespace) -> int:
    import tomli_w

    from amazon_tui.config import redacted

    settings = _settings(args)
    origin = "the embedded sandbox (no config file)" if settings.sandbox else str(settings.config_file)
    print(f"# config of {origin}; secrets redacted")
    print(tomli_w.dumps(redacted(settings.config)), end="")
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from amazon_tui.init_wizard import run_init

    return run_init(args.config)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``amazon-tui`` and ``python -m amazon_tui``."""
    from amazon_tui.config import ConfigError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except ConfigError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
