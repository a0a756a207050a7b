"""``amazon-tui init``: ask a few questions, write config.toml (0600), never overwrite unasked."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

from pydantic import ValidationError

from amazon_tui.config.schema import Config, ConfigError, config_path, parse_config, write_config
from amazon_tui.domain.values import MARKETPLACES, find_marketplace

Ask = Callable[[str], str]


def _env_name(store: str) -> str:
    slug = re.sub(r"[^A-Z0-9]+", "_", store.upper()).strip("_") or "STORE"
    return f"AMAZON_TUI_{slug}_REFRESH_TOKEN"


class _Wizard:
    def __init__(self, ask: Ask) -> None:
        self._ask = ask

    def text(self, question: str, default: str | None = None, *, required: bool = True) -> str:
        while True:
            suffix = f" [{default}]" if default else ""
            answer = self._ask(f"{question}{suffix}: ").strip()
            if answer:
                return answer
            if default is not None:
                return default
            if not required:
                return ""
            print("  (required)", file=sys.stderr)

    def yes(self, question: str) -> bool:
        return self._ask(f"{question} [y/N]: ").strip().lower() in ("y", "yes")

    def marketplace(self) -> str:
        codes = ", ".join(m.code for m in MARKETPLACES)
        while True:
            answer = self.text(f"Marketplace ({codes})", "US")
            found = find_marketplace(answer)
            if found:
                return found.code
            print(f"  unknown marketplace {answer!r}", file=sys.stderr)

    def store(self, number: int) -> dict:
        name = self.text("Store name", "My Store US" if number == 1 else None)
        store = {
            "name": name,
            "marketplace": self.marketplace(),
            "seller_id": self.text("Seller id (merchant token)"),
            "refresh_token_env": self.text(
                "Environment variable holding its LWA refresh token", _env_name(name)
            ),
        }
        return store


def collect(ask: Ask) -> dict:
    """Ask for the config; secrets are asked as environment variable names, never values."""
    wizard = _Wizard(ask)
    data: dict = {
        "amazon": {
            "client_id": wizard.text("LWA client id (amzn1.application-oa2-client…)"),
            "client_secret_env": wizard.text(
                "Environment variable holding the LWA client secret", "AMAZON_TUI_CLIENT_SECRET"
            ),
        },
        "stores": [],
    }
    data["stores"].append(wizard.store(1))
    while wizard.yes("Add another store?"):
        data["stores"].append(wizard.store(len(data["stores"]) + 1))
    base_url = wizard.text("Magento base URL (empty: no Magento)", required=False)
    if base_url:
        print(
            "Magento signs in with an integration's four OAuth 1.0a values "
            "(System > Extensions > Integrations > your integration > Integration Details); "
            "the three secret ones are read from environment variables."
        )
        data["magento"] = {
            "base_url": base_url,
            "consumer_key": wizard.text("Consumer Key"),
            "consumer_secret_env": wizard.text(
                "Environment variable holding the Consumer Secret", "AMAZON_TUI_MAGENTO_CONSUMER_SECRET"
            ),
            "access_token_env": wizard.text(
                "Environment variable holding the Access Token", "AMAZON_TUI_MAGENTO_ACCESS_TOKEN"
            ),
            "access_token_secret_env": wizard.text(
                "Environment variable holding the Access Token Secret",
                "AMAZON_TUI_MAGENTO_ACCESS_TOKEN_SECRET",
            ),
        }
        for store in data["stores"]:
            store["magento_store_id"] = int(wizard.text(f"Magento store id of {store['name']}", "1"))
    return data


def run_init(explicit_path: str | None, ask: Ask = input) -> int:
    """Interactive ``init``; returns the exit code."""
    import tomli_w

    path = config_path(explicit_path)
    print(f"Writing an amazon-tui config to {path}")
    try:
        if path.exists() and not _Wizard(ask).yes(f"{path} exists. Overwrite it?"):
            print("Nothing written.")
            return 0
        data = collect(ask)
    except EOFError:
        print("\namazon-tui: init needs answers on standard input; nothing written.", file=sys.stderr)
        return 2
    try:
        config: Config = parse_config(tomli_w.dumps(data), source="your answers")
    except (ConfigError, ValidationError) as exc:
        print(f"amazon-tui: {exc}", file=sys.stderr)
        return 2
    write_config(path, config)
    print(f"Wrote {path} (mode 600). Export the environment variables it names, then run `amazon-tui`.")
    return 0
