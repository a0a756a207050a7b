"""The ``amazon-tui`` command line.

argparse, not click: it is in the standard library (no dependency, nothing to import at
start-up, which the TUI's launch time cares about), and sub-commands with ``--help``
each are all we need. Handlers import what they use lazily.

Exit codes: 0 success; 1 a service, network or disk failure; 2 bad usage or bad input;
3 refused by a rule (not cancelable, read-only); 4 (``attention``) something needs action.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from amazon_tui import __version__
from amazon_tui.cli.errors import EXIT_OK, EXIT_SERVICE, EXIT_USAGE, Refused, UsageError
from amazon_tui.cli.options import (
    CONFIG,
    NO_MOUSE,
    READ_ONLY,
    SANDBOX,
    OptionError,
    add_global_options,
    resolve,
)

EPILOG = """global options (--config, --sandbox, --read-only, --no-mouse, --json) mean the same
before or after the command.

exit codes:
  0  success
  1  a service or network failure, the disk refused a file (full, read-only, no permission),
     or an unexpected error (trace in the state dir)
  2  bad usage or bad input (bad config, unknown order number, unknown reason, bad date,
     a value out of bounds, a data dir that is a file)
  3  refused by a rule (read-only, not Unshipped, Amazon-fulfilled, already canceling)
  4  (attention) something needs attention
"""

Handler = Callable[[argparse.Namespace], int]
TUI_USES = frozenset({CONFIG, SANDBOX, READ_ONLY, NO_MOUSE})
SETTINGS_USES = frozenset({CONFIG, SANDBOX})


class Parser(argparse.ArgumentParser):
    """An argparse parser whose errors are raised (main reports them, as JSON with --json)."""

    def error(self, message: str):
        raise UsageError(f"{message} (see `{self.prog} --help`)")


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


def build_parser(argv: Sequence[str] | None = None, recorded: list | None = None) -> argparse.ArgumentParser:
    """The parser; for an ``argv`` with no command and no help, only the TUI's options.

    The global options given anywhere are appended to ``recorded`` (see ``cli_options``).
    Start-up time: the command modules (and the sandbox CLI) stay unloaded when the TUI starts.
    """
    commands_needed = argv is None or _names_command(argv)
    parser = Parser(
        prog="amazon-tui",
        description="Keyboard-driven terminal UI for the Amazon orders of an Adobe Commerce / Magento store. "
        "With no command it starts the TUI; with no config it runs on the embedded sandbox.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"amazon-tui {__version__}")
    parser.set_defaults(handler=_run_tui, uses=TUI_USES, command="the TUI (no command)")
    if commands_needed:
        _add_commands(parser)
    add_global_options(parser, [] if recorded is None else recorded)
    return parser


def _add_commands(parser: argparse.ArgumentParser) -> None:
    fmt = argparse.RawDescriptionHelpFormatter
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    init = commands.add_parser(
        "init",
        help="write a config file interactively",
        description="Ask a few questions and write a config file "
        "(mode 600); --config names where (default: the platform config dir). "
        "Never overwrites without asking.",
        epilog=EPILOG,
        formatter_class=fmt,
    )
    init.set_defaults(handler=_init, uses=frozenset({CONFIG}))

    config = commands.add_parser("config", help="where the config is and what it says")
    config_commands = config.add_subparsers(title="config commands", metavar="COMMAND", required=True)
    path = config_commands.add_parser(
        "path", help="print the config file's path (and say when no file is there)"
    )
    path.set_defaults(handler=_config_path, uses=frozenset({CONFIG}))
    show = config_commands.add_parser("show", help="print the config with secrets redacted")
    show.set_defaults(handler=_config_show, uses=SETTINGS_USES)

    from amazon_tui.cli.commands.register import add_commands

    add_commands(commands, EPILOG)

    database = commands.add_parser("db", help="the local database")
    database_commands = database.add_subparsers(title="db commands", metavar="COMMAND", required=True)
    rebuild = database_commands.add_parser(
        "rebuild",
        help="start the local database anew, keeping the journal and the audit trail",
        description=REBUILD_HELP,
        epilog=EPILOG,
        formatter_class=fmt,
    )
    rebuild.set_defaults(handler=_db_rebuild, uses=SETTINGS_USES)

    from amazon_tui.sandbox.cli import add_sandbox_commands

    sandbox = add_sandbox_commands(commands)
    for leaf in _leaves(sandbox):
        leaf.set_defaults(uses=frozenset())  # the sandbox's own commands read no config


REBUILD_HELP = """\
Start the local database anew. The database file (<data dir>/amazon-tui.db, with its -wal and
-shm) is renamed to amazon-tui.db.<UTC time>.bak beside it and kept: nothing is deleted. \
A new, empty database is created,
and the cancellation journal and the audit trail are copied into it from the old file (when the
old file cannot be read, the command says so, exits 1, and the backup keeps them). Orders, the
Magento link index and the sync cursors are not copied: run `amazon-tui sync` (or start the TUI)
to fetch them again, then `amazon-tui resume` if unfinished cancellations were kept. Contacts no
service itself."""


def _leaves(parser: argparse.ArgumentParser):
    from amazon_tui.cli.options import parsers

    return [
        p for p in parsers(parser) if not any(isinstance(a, argparse._SubParsersAction) for a in p._actions)
    ]


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """Parse ``argv``: the handler and its arguments, with the global options merged and checked.

    Raises UsageError (exit 2) for bad usage, contradictions, or an option the command does not use.
    """
    from amazon_tui.cli.arguments import check_words

    check_words(argv)
    recorded: list = []
    args = build_parser(argv, recorded).parse_args(argv)
    try:
        options = resolve(recorded, args.uses, args.command)
    except OptionError as exc:
        raise UsageError(str(exc)) from None
    for name, value in options._asdict().items():
        setattr(args, name, value)
    return args


def _settings(args: argparse.Namespace):
    from amazon_tui.config.settings import load_settings, print_warnings

    settings = load_settings(config=args.config, sandbox=args.sandbox, read_only=args.read_only)
    print_warnings(settings)
    return settings


def _run_tui(args: argparse.Namespace) -> int:
    from amazon_tui.cli.errors import require_stores

    settings = _settings(args)
    require_stores(settings)
    from amazon_tui.tui.app import run_app

    return run_app(settings, mouse=not args.no_mouse)


def _config_path(args: argparse.Namespace) -> int:
    from amazon_tui.config.schema import config_path

    path = config_path(args.config)
    print(path)
    if not path.exists():
        print(
            f"amazon-tui: there is no file at {path} yet (run `amazon-tui init` to write one); "
            "without one, amazon-tui runs on the embedded sandbox",
            file=sys.stderr,
        )
    return EXIT_OK


def _config_show(args: argparse.Namespace) -> int:
    import tomli_w

    from amazon_tui.config.schema import redacted

    settings = _settings(args)
    origin = "the embedded sandbox (no config file)" if settings.sandbox else str(settings.config_file)
    print(f"# config of {origin}; secrets redacted")
    print(tomli_w.dumps(redacted(settings.config)), end="")
    if settings.secrets.missing:  # the config is usable for local reads only
        from amazon_tui.config.schema import describe_unset

        print(f"amazon-tui: {describe_unset(list(settings.secrets.missing.values()))}", file=sys.stderr)
    return EXIT_USAGE if settings.secrets.missing else EXIT_OK


def _db_rebuild(args: argparse.Namespace) -> int:
    from amazon_tui.local.db import rebuild

    settings = _settings(args)
    _refuse_while_in_use(settings.data_dir, settings.config.sync.lease_seconds)
    backup, kept, problem = rebuild(settings.data_dir)
    if backup is None:
        print("There was no local database; a new one was created.")
    else:
        print(f"Moved the old database to {backup} (kept as a backup; nothing was deleted).")
        if problem is None:
            print(
                f"Kept the cancellation journal ({kept.get('cancellations', 0)} rows) "
                f"and the audit trail ({kept.get('audit', 0)} rows) in the new database."
            )
        else:
            print(
                f"Could not copy the cancellation journal and the audit trail from the old file ({problem}): "
                f"they stay in the backup {backup}, which was not changed.",
                file=sys.stderr,
            )
    print(
        "Run `amazon-tui sync` (or start amazon-tui) to fetch the orders again from Amazon and Magento"
        + (
            ", then `amazon-tui resume` to finish unfinished cancellations."
            if kept.get("cancellations")
            else "."
        )
    )
    return EXIT_OK if problem is None else EXIT_SERVICE


def _refuse_while_in_use(data_dir: Path, lease_seconds: float) -> None:
    """A process working on the data dir keeps the old file open and would carry on in it, its
    cancellations neither finished nor refunded in the new one: rebuild only when none runs."""
    from amazon_tui.local.db import DB_FILE
    from amazon_tui.local.lease import peers_using

    users = peers_using(data_dir / DB_FILE, lease_seconds=float(lease_seconds))
    if users:
        names = "; ".join(peer.describe() for peer in users)
        raise Refused(
            f"the local database is in use by {names}: stop it (q in a TUI, Ctrl+C in watch), then rebuild",
            code="in_use",
        )


def _init(args: argparse.Namespace) -> int:
    from amazon_tui.cli.init_wizard import run_init

    return run_init(args.config)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``amazon-tui`` and ``python -m amazon_tui``."""
    from amazon_tui.core.startup import pause_collection, resume_collection

    pause_collection()  # the TUI resumes it after its first paint (amazon_tui/startup.py)
    try:
        return _main(sys.argv[1:] if argv is None else list(argv))
    finally:
        # argparse's exits (--help, a bad option) and a TUI that ended before its first paint
        # would leave the collector off for the rest of the process (no-op otherwise).
        resume_collection()


def _main(argv: list[str]) -> int:
    from amazon_tui.cli.redacting import redact_standard_streams
    from amazon_tui.config.logs import configure_logging
    from amazon_tui.core.startup import resume_collection

    configure_logging()
    redact_standard_streams()
    try:
        args = parse(argv)
    except UsageError as exc:
        resume_collection()
        from amazon_tui.cli.errors import report

        as_json = "--json" in argv
        return report("usage", str(exc), as_json=as_json, sandbox=_on_sandbox(argv) if as_json else None)
    handler: Handler = getattr(args, "func", None) or args.handler  # sandbox commands set func
    if handler is not _run_tui:
        resume_collection()
    from amazon_tui.cli.guard import guarded

    return guarded(
        lambda: handler(args),
        as_json=args.json,
        sandbox=lambda: _on_sandbox([] if args.config is None else ["--config", args.config], args.sandbox),
    )


def _on_sandbox(argv: Sequence[str], sandbox: bool | None = None) -> bool:
    """Whether these arguments run on the sandbox, as ``load_settings`` decides it (for the
    ``"sandbox"`` of an error document printed before any settings were loaded)."""
    import os

    from amazon_tui.config.schema import CONFIG_ENV, config_path

    if sandbox if sandbox is not None else "--sandbox" in argv:
        return True
    args = list(argv)
    named = args[args.index("--config") + 1] if "--config" in args[:-1] else None
    return not (named or os.environ.get(CONFIG_ENV)) and not config_path(named).exists()


if __name__ == "__main__":
    raise SystemExit(main())
