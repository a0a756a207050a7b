"""Config: discovery, validation errors, secrets, init round trip, permissions."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from amazon_tui.cli.init_wizard import run_init
from amazon_tui.cli.main import main
from amazon_tui.config.schema import ConfigError, load_config, parse_config, resolve_secrets

VALID = """
[amazon]
client_id = "amzn1.application-oa2-client.abc"
client_secret_env = "TEST_CLIENT_SECRET"

[[stores]]
name = "Acme US"
marketplace = "US"
seller_id = "A1SELLER"
refresh_token_env = "TEST_REFRESH"
"""


def write(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "amazon_tui", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


MAGENTO = '\n[magento]\nbase_url = "https://shop.example.com"\n'
OAUTH = (
    'consumer_key = "ck"\nconsumer_secret_env = "CS"\n'
    'access_token = "at-SECRET"\naccess_token_secret_env = "ATS"\n'
)


def test_magento_oauth_values_come_inline_or_from_the_environment(tmp_path):
    config = load_config(write(tmp_path, VALID + MAGENTO + OAUTH))
    assert config.magento.auth == "oauth1"
    secrets = resolve_secrets(config, {"CS": "cs-SECRET", "ATS": "ats-SECRET"})
    assert [
        getattr(secrets, f"magento_{name}").get_secret_value()
        for name in ("consumer_secret", "access_token", "access_token_secret")
    ] == ["cs-SECRET", "at-SECRET", "ats-SECRET"]
    assert {"cs-SECRET", "at-SECRET", "ats-SECRET"} <= set(secrets.values())
    missing = resolve_secrets(config, {"CS": "cs"})
    with pytest.raises(ConfigError, match="ATS"):
        missing.require(missing.magento_access_token_secret, "magento_access_token_secret")


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        (
            OAUTH + 'token = "t"\n',
            (
                r"give one way to sign in, not OAuth 1\.0a "
                r"\(access_token, access_token_secret_env, consumer_key, consumer_secret_env\) "
                r"and a Bearer token \(token\)"
            ),
        ),
        (
            'consumer_key = "ck"\ntoken_env = "T"\n',
            r"OAuth 1\.0a \(consumer_key\) and a Bearer token \(token_env\)",
        ),
        (
            'token = "t"\nusername = "admin"\npassword = "p"\n',
            r"a Bearer token \(token\) and an admin login \(password, username\)",
        ),
        ('consumer_key = "ck"\naccess_token = "a"\n', "missing consumer_secret, access_token_secret"),
        ('consumer_secret = "cs"\naccess_token = "a"\naccess_token_secret = "s"\n', "missing consumer_key"),
        ("", "magento needs the integration's OAuth 1.0a credentials"),
    ],
)
def test_magento_sign_in_is_one_way_and_complete(tmp_path, extra, why):
    with pytest.raises(ConfigError, match=why):
        load_config(write(tmp_path, VALID + MAGENTO + extra))


def test_example_config_documents_a_valid_config(monkeypatch):
    monkeypatch.setenv("AMAZON_TUI_CLIENT_SECRET", "s")
    config = parse_config(Path(__file__).parents[2].joinpath("config.example.toml").read_text())
    assert config.stores[0].market.marketplace_id == "ATVPDKIKX0DER"
    assert config.magento and config.magento.on_amazon_cancel == "refund" and config.magento.auth == "oauth1"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[amazon\nclient_id = 1",
            "is not valid TOML: Expected ']' at the end of a table declaration (at line 1, column 8)",
        ),
        ("colour = 'red'\n" + VALID, "Unknown key colour."),
        (VALID + "\ncolour = 'red'\n", "Unknown key stores[1].colour."),
        (VALID.replace("[amazon]", '[amazon]\nregion = "na"'), "Unknown key amazon.region."),
        (VALID + "\n[ui]\nmouse = 'sometimes'\n", "ui.mouse must be true or false, not str 'sometimes'."),
        (VALID + "\n[sync]\ninitial_days = 'ten'\n", "sync.initial_days must be an integer, not str 'ten'."),
        (
            VALID.replace('marketplace = "US"', 'marketplace = "XX"'),
            "stores[1].marketplace: unknown marketplace 'XX'",
        ),
        (VALID.replace('seller_id = "A1SELLER"\n', ""), "Missing key stores[1].seller_id."),
    ],
)
def test_bad_config_is_one_clear_paragraph(tmp_path, text, expected):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message.strip()


def test_missing_secret_environment_variable_is_named_when_it_is_needed(tmp_path, monkeypatch):
    """Reading the local store needs no secret; the first use of a missing one names its variable."""
    monkeypatch.delenv("TEST_CLIENT_SECRET", raising=False)
    config = load_config(write(tmp_path, VALID))
    secrets = resolve_secrets(config, {"TEST_REFRESH": "rt"})
    assert secrets.refresh_token("Acme US") == "rt"
    with pytest.raises(ConfigError, match="TEST_CLIENT_SECRET"):
        secrets.require(secrets.client_secret, "client_secret")


def test_secrets_come_from_the_environment(tmp_path):
    config = load_config(write(tmp_path, VALID))
    secrets = resolve_secrets(config, {"TEST_CLIENT_SECRET": "cs", "TEST_REFRESH": "rt"})
    assert secrets.client_secret.get_secret_value() == "cs"
    assert secrets.refresh_tokens["Acme US"].get_secret_value() == "rt"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (
            "[[stores]]\nname='x'\nmarketplace='US'\nseller_id='s'\nrefresh_token='r'\n",
            r"need an \[amazon\] section",
        ),
        (
            VALID.replace(
                'client_secret_env = "TEST_CLIENT_SECRET"', 'client_secret_env = "A"\nclient_secret = "B"'
            ),
            "not both",
        ),
        (VALID + VALID.split("[[stores]]")[1].join(["[[stores]]", ""]), "store names must be unique"),
    ],
)
def test_inconsistent_configs_are_refused(tmp_path, text, why):
    with pytest.raises(ConfigError, match=why):
        load_config(write(tmp_path, text))


@pytest.mark.parametrize(
    "text",
    [
        "[amazon\n",
        VALID + "\ncolour = 'red'\n",
        VALID + "\n[ui]\nmouse = 'sometimes'\n",
        VALID.replace('marketplace = "US"', 'marketplace = "XX"'),
    ],
)
def test_cli_exits_2_without_traceback_on_bad_config(tmp_path, text):
    result = run_cli("config", "show", "--config", str(write(tmp_path, text)))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("amazon-tui: ")


def test_cli_names_a_missing_secret_variable(tmp_path):
    result = run_cli("config", "show", "--config", str(write(tmp_path, VALID)), env={"TEST_REFRESH": "x"})
    assert result.returncode == 2
    assert "TEST_CLIENT_SECRET" in result.stderr and "Traceback" not in result.stderr


def test_group_readable_config_with_inline_secret_warns(tmp_path):
    text = VALID.replace('client_secret_env = "TEST_CLIENT_SECRET"', 'client_secret = "hunter2-secret"')
    path = write(tmp_path, text, mode=0o644)
    result = run_cli("config", "show", "--config", str(path), env={"TEST_REFRESH": "x"})
    assert result.returncode == 0
    assert "can be read by other users" in result.stderr
    assert "hunter2-secret" not in result.stdout + result.stderr
    assert "********" in result.stdout


def test_private_config_does_not_warn(tmp_path):
    text = VALID.replace('client_secret_env = "TEST_CLIENT_SECRET"', 'client_secret = "hunter2-secret"')
    result = run_cli("config", "show", "--config", str(write(tmp_path, text)), env={"TEST_REFRESH": "x"})
    assert result.returncode == 0 and "Warning" not in result.stderr


def answers(*lines: str):
    queue = list(lines)

    def ask(prompt: str) -> str:
        if not queue:
            raise EOFError
        return queue.pop(0)

    return ask


def test_init_round_trip(tmp_path):
    path = tmp_path / "nested" / "config.toml"
    code = run_init(
        str(path),
        ask=answers(
            "amzn1.application-oa2-client.abc",
            "",  # client id, secret env (default)
            "Acme US",
            "us",
            "A1SELLER",
            "",  # store 1 (default refresh env)
            "y",
            "Acme UK",
            "GB",
            "A2SELLER",
            "UK_TOKEN",  # store 2
            "n",
            "https://shop.example.com",
            "ck0123",
            "",
            "",
            "",  # magento: consumer key, default env names
            "1",
            "2",  # magento store ids
        ),
    )
    assert code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    config = load_config(path)
    assert config.amazon.client_id == "amzn1.application-oa2-client.abc"
    assert config.amazon.client_secret_env == "AMAZON_TUI_CLIENT_SECRET"
    assert [
        (s.name, s.marketplace, s.seller_id, s.refresh_token_env, s.magento_store_id) for s in config.stores
    ] == [
        ("Acme US", "US", "A1SELLER", "AMAZON_TUI_ACME_US_REFRESH_TOKEN", 1),
        ("Acme UK", "GB", "A2SELLER", "UK_TOKEN", 2),
    ]
    assert config.magento.auth == "oauth1" and config.magento.consumer_key == "ck0123"
    assert (
        config.magento.consumer_secret_env,
        config.magento.access_token_env,
        config.magento.access_token_secret_env,
    ) == (
        "AMAZON_TUI_MAGENTO_CONSUMER_SECRET",
        "AMAZON_TUI_MAGENTO_ACCESS_TOKEN",
        "AMAZON_TUI_MAGENTO_ACCESS_TOKEN_SECRET",
    )
    # written and read back equal: writing it again gives the same file
    from amazon_tui.config.schema import write_config

    again = tmp_path / "again.toml"
    write_config(again, config)
    assert again.read_text() == path.read_text()
    assert load_config(again) == config


def test_init_asks_before_overwriting(tmp_path):
    path = write(tmp_path, "# mine\n")
    assert run_init(str(path), ask=answers("n")) == 0
    assert path.read_text() == "# mine\n"


def test_init_without_answers_writes_nothing(tmp_path):
    path = tmp_path / "config.toml"
    assert run_init(str(path), ask=answers()) == 2
    assert not path.exists()


def test_config_path_follows_flag_then_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("AMAZON_TUI_CONFIG", str(tmp_path / "env.toml"))
    main(["config", "path"])
    assert capsys.readouterr().out.strip() == str(tmp_path / "env.toml")
    main(["config", "path", "--config", str(tmp_path / "flag.toml")])
    assert capsys.readouterr().out.strip() == str(tmp_path / "flag.toml")


def test_version_and_help():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("amazon-tui ")
    for command in ([], ["init"], ["config"], ["config", "show"], ["config", "path"], ["sandbox"]):
        help_run = run_cli(*command, "--help")
        assert help_run.returncode == 0, command
        assert "usage: amazon-tui" in help_run.stdout
