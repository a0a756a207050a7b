"""Global options: one meaning before or after the command, never replaced by a default.

argparse parses a sub-command into a namespace of its own and copies every attribute of it
over the parent's, so an option declared on both levels with a default loses the value typed
before the command (``amazon-tui --read-only order cancel …`` was not read-only). Here every
parser level records what was typed into one shared list instead, and nothing has a default;
``resolve`` then merges the list once, refuses contradictions, and refuses an option that the
command does not use. Every command declares what it uses with ``set_defaults(uses=...)``.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from typing import Any, NamedTuple

CONFIG, SANDBOX, READ_ONLY, NO_MOUSE, JSON = "config", "sandbox", "read_only", "no_mouse", "json"
ALWAYS_ACCEPTED = frozenset({READ_ONLY, NO_MOUSE})  # a session property / a no-op outside the TUI
FLAGS = {
    CONFIG: ("--config", "PATH", "config file (default: $AMAZON_TUI_CONFIG, else the platform config dir)"),
    SANDBOX: ("--sandbox", None, "use the embedded sandbox even when a config exists"),
    READ_ONLY: ("--read-only", None, "a read-only session: no cancellation is offered, journaled or sent"),
    NO_MOUSE: ("--no-mouse", None, "ignore the mouse (keyboard only)"),
    JSON: ("--json", None, "one JSON document on stdout, errors included; human text on stderr"),
}


class OptionError(Exception):
    """Global options that contradict each other, or one the command does not use (exit 2)."""


class GlobalOptions(NamedTuple):
    config: str | None = None
    sandbox: bool = False
    read_only: bool = False
    no_mouse: bool = False
    json: bool = False


class _Record(argparse.Action):
    """Appends ``(name, value)`` to the shared list; sets nothing on the namespace."""

    def __init__(
        self, option_strings, dest, *, recorded: list, name: str, takes_value: bool, **kwargs
    ) -> None:
        super().__init__(
            option_strings, dest, nargs=None if takes_value else 0, default=argparse.SUPPRESS, **kwargs
        )
        self.recorded = recorded
        self.name = name

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        self.recorded.append((self.name, values if self.nargs is None else True))


def parsers(root: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """The root parser and every sub-command's parser below it."""
    yield root
    for action in root._actions:  # argparse has no public walk of its sub-parsers
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                yield from parsers(child)


def add_global_options(root: argparse.ArgumentParser, recorded: list) -> None:
    """Give every parser level the global options its commands can use, all recording into ``recorded``."""
    for parser in parsers(root):
        uses = None if parser is root else parser.get_default("uses")  # before the command: any of them
        if parser.get_default("command") is None:
            parser.set_defaults(command=parser.prog)
        group = parser.add_argument_group("global options (before or after the command)")
        for name, (flag, metavar, help_text) in FLAGS.items():
            used = uses is None or name in uses or name in ALWAYS_ACCEPTED
            extra: dict[str, Any] = {"metavar": metavar} if metavar else {}
            # parsed everywhere, so that ``resolve`` says which command does not take it
            group.add_argument(
                flag,
                action=_Record,
                recorded=recorded,
                name=name,
                takes_value=metavar is not None,
                help=help_text if used else argparse.SUPPRESS,
                **extra,
            )


def resolve(recorded: list, uses: frozenset[str], command: str) -> GlobalOptions:
    """Merge what was typed at every level; refuse contradictions and options ``command`` does not use."""
    configs = list(dict.fromkeys(value for name, value in recorded if name == CONFIG))
    given = {name for name, _ in recorded}
    if len(configs) > 1:
        raise OptionError(f"--config was given twice with different files: {' and '.join(configs)}")
    if configs and SANDBOX in given:
        raise OptionError(f"--sandbox and --config {configs[0]} contradict each other: give one of them")
    unused = sorted(given - uses - ALWAYS_ACCEPTED)
    if unused:
        flags = ", ".join(FLAGS[name][0] for name in unused)
        raise OptionError(f"{command} does not take {flags}")
    return GlobalOptions(
        config=configs[0] if configs else None,
        sandbox=SANDBOX in given,
        read_only=READ_ONLY in given,
        no_mouse=NO_MOUSE in given,
        json=JSON in given,
    )
