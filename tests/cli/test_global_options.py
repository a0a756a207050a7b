"""Global options mean the same before or after the command; contradictions exit 2.

A matrix of every command x every global option x {before, after}, and a hypothesis test
over permutations of options and positions. ``cli.parse`` is the function ``main`` runs.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amazon_tui.cli.errors import UsageError
from amazon_tui.cli.main import _leaves, build_parser, main, parse
from amazon_tui.cli.options import ALWAYS_ACCEPTED, FLAGS

ARGUMENTS = {  # what each command needs besides options
    "order show": ["111-0000000-0000000"],
    "order cancel": ["111-0000000-0000000", "--reason", "NoInventory"],
    "order ship": ["111-0000000-0000000", "--carrier", "UPS", "--tracking", "1Z999"],
}
COMMANDS = [leaf.prog.removeprefix("amazon-tui ") for leaf in _leaves(build_parser())]
OPTIONS = list(FLAGS)


def typed(name: str) -> list[str]:
    flag, metavar, _ = FLAGS[name]
    return [flag, "/tmp/given.toml"] if metavar else [flag]


def argv(command: str, before: list[str] = (), after: list[str] = ()) -> list[str]:
    return [*before, *command.split(), *ARGUMENTS.get(command, []), *after]


def expected(name: str):
    return "/tmp/given.toml" if name == "config" else True


def test_the_matrix_covers_every_command():
    assert {
        "stores",
        "orders",
        "order show",
        "order cancel",
        "sync",
        "resume",
        "audit",
        "attention",
        "config show",
        "db rebuild",
        "sandbox serve",
    } <= set(COMMANDS)


@pytest.mark.parametrize("position", ["before", "after"])
@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_before_or_after_every_command(command, option, position):
    words = typed(option)
    line = argv(command, before=words) if position == "before" else argv(command, after=words)
    uses = build_parser().parse_args(argv(command)).uses  # what the command declares
    if option in uses or option in ALWAYS_ACCEPTED:
        assert getattr(parse(line), option) == expected(option), line
    else:
        with pytest.raises(UsageError, match=f"does not take {FLAGS[option][0]}"):
            parse(line)


@pytest.mark.parametrize("option", ["config", "sandbox", "read_only", "no_mouse"])
def test_the_tui_takes_its_options(option):
    assert getattr(parse(typed(option)), option) == expected(option)


def test_an_option_not_given_is_off():
    args = parse(["orders"])
    assert (args.config, args.sandbox, args.read_only, args.no_mouse, args.json) == (
        None,
        False,
        False,
        False,
        False,
    )


@pytest.mark.parametrize(
    "line, message",
    [
        (["--config", "a.toml", "orders", "--config", "b.toml"], "--config was given twice"),
        (["--sandbox", "orders", "--config", "a.toml"], "contradict"),
        (["--config", "a.toml", "--sandbox", "sync"], "contradict"),
        (["--sandbox", "config", "path"], "does not take --sandbox"),
        (["--config", "a.toml", "sandbox", "serve"], "does not take --config"),
    ],
)
def test_contradictions_exit_2(line, message, capsys):
    with pytest.raises(UsageError, match=message):
        parse(line)
    assert main(line) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_the_same_config_twice_is_no_contradiction():
    assert parse(["--config", "a.toml", "orders", "--config", "a.toml"]).config == "a.toml"


@given(
    chosen=st.lists(st.sampled_from(["config", "read_only", "no_mouse", "json", "sandbox"]), unique=True),
    places=st.lists(st.booleans(), min_size=5, max_size=5),
    order=st.permutations(range(5)),
)
def test_any_permutation_of_options_and_positions_means_the_same(chosen, places, order):
    ordered = [chosen[i] for i in order if i < len(chosen)]
    before = [word for i, name in enumerate(ordered) if places[i] for word in typed(name)]
    after = [word for i, name in enumerate(ordered) if not places[i] for word in typed(name)]
    line = argv("orders", before=before, after=after)
    if "config" in chosen and "sandbox" in chosen:
        with pytest.raises(UsageError):
            parse(line)
        return
    args = parse(line)
    for name in OPTIONS:
        assert getattr(args, name) == (
            expected(name) if name in chosen else (None if name == "config" else False)
        ), (line, name)


def test_readme_lists_every_error_code_with_its_exit_code():
    from pathlib import Path

    from amazon_tui.cli.errors import ERROR_CODES

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for code, (exit_code, _) in ERROR_CODES.items():
        assert f"| {exit_code} | `{code}` |" in readme, code
