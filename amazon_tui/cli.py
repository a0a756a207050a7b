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


def _names_command(argv: Sequence[str]) -> bool:
    """Whether ``argv`` holds a positional word (a command) or asks for help."""
    after_config = False
    for arg in argv:
        if after_config:
            after_config = False
        elif arg == "--config":
            after_config = True
        elif arg in ("-h", "--help") or not arg.startswith("-"):
            return True
    return False


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; for an ``argv`` with no command and no help, only the TUI's options.

    Start-up time: the command modules (and the sandbox CLI) stay unloaded when the TUI starts.
    """
    commands_needed = argv is None or _names_command(argv)
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
    if not commands_needed:
        return parser

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

    from amazon_tui.commands.register import add_commands

    add_commands(commands, _common, EPILOG)

    database = commands.add_parser("db", help="the local database")
    database_commands = database.add_subparsers(title="db commands", metavar="COMMAND", required=True)
    rebuild = database_commands.add_parser("rebuild", help="move the local database aside (kept as a backup), keep the journal and audit trail, and sync it anew")
    _common(rebuild)
    rebuild.set_defaults(handler=_db_rebuild)

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


def _db_rebuild(args: argparse.Namespace) -> int:
    from amazon_tui.local.db import rebuild
    from amazon_tui.settings import load_settings

    settings = load_settings(config=args.config, sandbox=args.sandbox)
    backup, kept, problem = rebuild(settings.data_dir)
    if backup is None:
        print("There was no local database; a new one was created.")
    else:
        print(f"Moved the old database to {backup} (kept as a backup; nothing was deleted).")
        if problem is None:
            print(f"Kept the cancellation journal ({kept.get('cancellations', 0)} rows) and the audit trail ({kept.get('audit', 0)} rows) in the new database.")
        else:
            print(
                f"Could not copy the cancellation journal and the audit trail from the old file ({problem}): "
                f"they stay in the backup {backup}, which was not changed.",
                file=sys.stderr,
            )
    print("Run `amazon-tui sync` (or start amazon-tui) to fetch the orders again from Amazon and Magento"
          + (", then `amazon-tui resume` to finish unfinished cancellations." if kept.get("cancellations") else "."))
    return EXIT_OK if problem is None else EXIT_SERVICE


def _init(args: argparse.Namespace) -> int:
    from amazon_tui.init_wizard import run_init

    return run_init(args.config)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``amazon-tui`` and ``python -m amazon_tui``."""
    from amazon_tui.startup import pause_collection, resume_collection

    pause_collection()  # the TUI resumes it after its first paint (amazon_tui/startup.py)
    from amazon_tui.config import ConfigError

    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    handler: Handler = getattr(args, "func", None) or args.handler  # sandbox commands set func
    if handler is not _run_tui:
        resume_collection()
    try:
        return handler(args)
    except ConfigError as exc:
        return _fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - a bad local database gets its message, not a traceback
        from amazon_tui.local.db import DatabaseError

        if isinstance(exc, DatabaseError):
            return _fail(str(exc))
        raise
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
