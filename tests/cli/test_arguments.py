"""Every command-line value is bounded and checked before use (issue 30, item 6): a value out of
its bounds is one usage line (exit 2; one JSON document with --json), never a trace or a crash file."""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from amazon_tui.cli.main import main

LONG = "1" * 100_000


@pytest.fixture
def run(capsys, monkeypatch, tmp_path):
    """``amazon-tui ARGS`` in-process on the embedded sandbox; (exit code, stdout, stderr)."""
    monkeypatch.setenv("AMAZON_TUI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)

    def invoke(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield invoke
    assert not list((tmp_path / "data").glob("**/crash-*.txt")), "no crash file"


HOSTILE = [
    (["order", "show", LONG], "is too long"),
    (["order", "show", "1" * 101], "bad order number"),
    (["order", "show", "111-0000000-0000000/../../feeds"], "bad order number"),
    (["order", "show", "111-\x1b]52;c;eA==\x07-0000000"], "bad order number"),
    (
        ["order", "cancel", "111-0000000-0000000", "x y", "--reason", "NoInventory", "--yes"],
        "bad order number",
    ),
    (["orders", "--limit", "9" * 4000], "not a whole number"),
    (["orders", "--limit", str(2**64)], "out of range"),
    (["orders", "--limit", "0"], "out of range"),
    (["orders", "--limit", "-1"], "out of range"),
    (["orders", "--min-total", "1e400"], "out of range"),
    (["orders", "--max-total", "-5"], "out of range"),
    (["orders", "--min-total", "NaN"], "bad amount"),
    (["orders", "--max-total", "Infinity"], "bad amount"),
    (["orders", "--buyer", "a" * 100_000], "is too long"),
    (["orders", "--buyer", "a" * 201], "at most 200 characters"),
    (["orders", "--buyer", "bytes \udcff not UTF-8"], "valid UTF-8"),
    (["orders", "--store", "s" * 201], "at most 200 characters"),
    (["orders", "--since", "9999-12-31T23:00:00-05:00"], "bad date"),
    (["orders", "--until", "0001-01-01T00:00:00+05:00"], "bad date"),
    (["orders", "--status", "x" * 4000], "unknown order status"),
    (["orders", "--sort", "total:" + "x" * 4000], "bad --sort direction"),
    (["order", "cancel", "111-0000000-0000000", "--reason", "r" * 4000], "unknown cancel reason"),
    (["--config", "c" * 5000, "orders"], "is too long"),
]


@pytest.mark.parametrize("line, message", HOSTILE, ids=[" ".join(a)[:40] for a, _ in HOSTILE])
def test_a_value_out_of_bounds_is_one_usage_line(run, line, message):
    code, out, err = run(*line)
    assert code == 2 and out == "", err
    assert len(err.splitlines()) == 1 and len(err) < 700, err[:300]
    assert message in err, err
    code, out, err = run(*line, "--json")
    assert code == 2 and err == "" and json.loads(out)["error"]["code"] == "usage"


def test_the_tested_values_are_refused_in_place_of_the_crashes_they_caused(run):
    """The hostile tester's four crash files: httpx InvalidURL, two OverflowErrors, a LIKE pattern
    too complex."""
    for line in (
        ["order", "show", "1" * 100],
        ["orders", "--limit", "9" * 30],
        ["orders", "--min-total", "1e400"],
        ["orders", "--buyer", "a" * 4000],
    ):
        code, _, err = run(*line)
        assert code == 2 and "unexpected error" not in err, err


def test_values_within_bounds_work_before_and_after_global_options(run):
    assert run("sync", "--sandbox")[0] == 0
    for line in (
        ["--json", "--sandbox", "orders", "--limit", "1000000", "--min-total", "0", "--max-total", "1e9"],
        ["orders", "--limit", "3", "--json", "--since", "2000-01-01", "--until", "9999-12-31", "--sandbox"],
        [
            "--sandbox",
            "orders",
            "--buyer",
            "b" * 200,
            "--status",
            "unshipped",
            "--status",
            "UNSHIPPED",
            "--json",
        ],
        ["orders", "--sort=-total", "--store", "acme us", "--json"],
    ):
        code, out, err = run(*line)
        assert code == 0, (line, err)
        assert json.loads(out)["sandbox"] is True
    code, out, _ = run("--json", "orders", "--limit", "0")
    assert (code, json.loads(out)["error"]["code"]) == (2, "usage")
    code, out, _ = run("orders", "--limit", "0", "--json", "--sandbox")
    assert (code, json.loads(out)["error"]["code"]) == (2, "usage")


# -- properties: any value is a result or one usage line --------------------------------------

# Any text a process can receive as an argument: what a shell passes (no NUL), including the lone
# surrogates Python decodes undecodable bytes into, and long runs.
ANY_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=(), exclude_characters="\x00"), max_size=60),
    st.text(st.characters(categories=("Cs", "Cc", "Cf", "Zs"), exclude_characters="\x00"), max_size=8),
    st.integers(min_value=0, max_value=20_000).map(lambda n: "7" * n),
    st.from_regex(r"\A[0-9]{3}-[0-9]{7}-[0-9]{7}\Z"),
)
NUMBERS = st.one_of(
    st.integers().map(str),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.sampled_from(["1e400", "-0", "0e0", "1_000", " 5 ", "\u0665", "0x10", "1e-400", "9" * 5000]),
    ANY_TEXT,
)
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def synced_data_dir(tmp_path_factory):
    """A data dir whose sandbox store is synced, so that the filters run over real rows."""
    data = tmp_path_factory.mktemp("synced")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AMAZON_TUI_DATA_DIR", str(data))
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert main(["sync", "--sandbox"]) == 0
    return data


@pytest.fixture
def synced(synced_data_dir, capsys, monkeypatch):
    """``amazon-tui --json --sandbox ARGS`` on the synced store: (exit code, the one JSON document);
    a failure must be exit 2 and never a trace."""
    monkeypatch.setenv("AMAZON_TUI_DATA_DIR", str(synced_data_dir))

    def invoke(*line: str) -> tuple[int, dict]:
        code = main(["--json", "--sandbox", *line])
        out, err = capsys.readouterr()
        assert "Traceback" not in err and code in (0, 2), (line[:3], code, out[:300])
        return code, json.loads(out)

    yield invoke
    assert not list(synced_data_dir.glob("**/crash-*.txt")), "no crash file"


@PROPERTY
@given(text=ANY_TEXT)
def test_any_order_number_is_a_result_or_one_usage_line(synced, text):
    code, document = synced("order", "show", "--", text)
    assert code == 0 or document["error"]["code"] in ("usage", "not_found")


@PROPERTY
@given(text=ANY_TEXT)
def test_any_buyer_text_is_a_result_or_one_usage_line(synced, text):
    code, document = synced("orders", "--limit", "1", f"--buyer={text}")
    assert code == 0 or document["error"]["code"] == "usage"
    assert code == 2 or len(text) <= 200


@PROPERTY
@given(limit=NUMBERS, low=NUMBERS, high=NUMBERS)
def test_any_limit_or_amount_is_a_result_or_one_usage_line(synced, limit, low, high):
    for option, value in (("--limit", limit), ("--min-total", low), ("--max-total", high)):
        code, document = synced("orders", f"{option}={value}")
        assert code == 0 or document["error"]["code"] == "usage"


@PROPERTY
@given(since=ANY_TEXT | st.datetimes().map(str), until=st.datetimes(timezones=st.timezones()).map(str))
def test_any_date_is_a_result_or_one_usage_line(synced, since, until):
    code, document = synced("orders", "--limit", "1", f"--since={since}", f"--until={until}")
    assert code == 0 or document["error"]["code"] == "usage"


def test_the_synced_store_answers_filters_at_their_bounds(synced):
    code, document = synced("orders", "--buyer=" + "%_" * 100, "--limit", "1")
    assert code == 0 and document["total"] == 0  # LIKE's wildcards are the buyer's characters
    code, document = synced("orders", "--buyer=a", "--min-total=0", "--max-total=1000000000")
    assert code == 0 and document["total"] > 0
    code, document = synced("order", "show", document["orders"][0]["order_number"])
    assert code == 0 and document["order"]["order_number"]
