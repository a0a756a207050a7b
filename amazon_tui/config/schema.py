"""config.toml: pydantic models, discovery, loading (tomllib), writing (tomli-w).

A secret has two forms: inline (``client_secret``) or the name of an environment
variable holding it (``client_secret_env``). ``resolve_secrets`` turns the
``*_env`` form into values; ``redacted`` hides them for display.
"""

# No ``from __future__ import annotations`` here: pydantic would compile and evaluate each
# field's annotation string when the classes are created (start-up path); written as
# objects they are read as they are (~20% of this module's import). Forward references
# in signatures are quoted.

import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from amazon_tui.domain.values import Marketplace, find_marketplace

CONFIG_ENV = "AMAZON_TUI_CONFIG"
DATA_DIR_ENV = "AMAZON_TUI_DATA_DIR"
STATE_DIR_ENV = "AMAZON_TUI_STATE_DIR"
APP_NAME = "amazon-tui"
DEFAULT_LWA_ENDPOINT = "https://api.amazon.com/auth/o2/token"


class ConfigError(Exception):
    """A config file that cannot be used; the message is one paragraph for the operator."""


class _Section(BaseModel):
    # defer_build: Config's validator is built once, on first use, with every section inside
    # it, instead of one validator per section class at import (start-up time)
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _secret_pair(section: str, values: dict[str, Any], name: str) -> None:
    """Refuse a secret given both inline and as an environment variable name."""
    if values.get(name) is not None and values.get(f"{name}_env") is not None:
        raise ValueError(f"give either {section}.{name} or {section}.{name}_env, not both")


class AmazonConfig(_Section):
    """[amazon]: the app registration used for Login With Amazon."""

    client_id: str = Field(min_length=1)
    client_secret: SecretStr | None = None
    client_secret_env: str | None = None
    lwa_endpoint: str = DEFAULT_LWA_ENDPOINT

    @model_validator(mode="after")
    def _one_secret(self) -> "AmazonConfig":
        _secret_pair(
            "amazon",
            {"client_secret": self.client_secret, "client_secret_env": self.client_secret_env},
            "client_secret",
        )
        if self.client_secret is None and self.client_secret_env is None:
            raise ValueError("amazon needs client_secret or client_secret_env")
        return self


OAUTH_KEYS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
"""The four values of a Magento integration (System > Extensions > Integrations > Integration Details)."""


class MagentoConfig(_Section):
    """[magento]: optional; without it an order opens Amazon Order Details directly.

    One way to sign in: OAuth 1.0a with the integration's four values (``consumer_key`` selects
    it; the default a Magento 2.4.4+ store accepts), the integration's access token as a Bearer
    ``token`` (stores that allow it), or an admin ``username``/``password`` (blocked by 2FA by
    default).
    """

    base_url: str = Field(min_length=1)
    consumer_key: str | None = None
    consumer_secret: SecretStr | None = None
    consumer_secret_env: str | None = None
    access_token: SecretStr | None = None
    access_token_env: str | None = None
    access_token_secret: SecretStr | None = None
    access_token_secret_env: str | None = None
    token: SecretStr | None = None
    token_env: str | None = None
    username: str | None = None
    password: SecretStr | None = None
    password_env: str | None = None
    amazon_order_field: Literal["payment.po_number", "increment_id", "ext_order_id"] = "payment.po_number"
    on_amazon_cancel: Literal["refund", "comment", "none"] = "refund"
    confirm_shipments: bool = True  # Magento shipments of Amazon orders are confirmed to Amazon (5c)

    @model_validator(mode="after")
    def _auth(self) -> "MagentoConfig":
        for name in ("consumer_secret", "access_token", "access_token_secret", "token", "password"):
            _secret_pair(
                "magento", {name: getattr(self, name), f"{name}_env": getattr(self, f"{name}_env")}, name
            )
        given = {key for key in type(self).model_fields if getattr(self, key) is not None}
        ways = {
            "OAuth 1.0a": sorted(
                given & {"consumer_key", *(f"{k}{e}" for k in OAUTH_KEYS[1:] for e in ("", "_env"))}
            ),
            "a Bearer token": sorted(given & {"token", "token_env"}),
            "an admin login": sorted(given & {"username", "password", "password_env"}),
        }
        chosen = {way: keys for way, keys in ways.items() if keys}
        if len(chosen) > 1:
            raise ValueError(
                "magento: give one way to sign in, not "
                + " and ".join(f"{way} ({', '.join(keys)})" for way, keys in chosen.items())
                + ": OAuth 1.0a needs consumer_key, consumer_secret, access_token, access_token_secret; "
                "a Bearer token needs token; an admin login needs username and password"
            )
        if not chosen:
            raise ValueError(
                "magento needs the integration's OAuth 1.0a credentials "
                "(consumer_key, consumer_secret, access_token, access_token_secret: "
                "System > Extensions > Integrations > Integration Details), or token / token_env, "
                "or username with password / password_env"
            )
        if "OAuth 1.0a" in chosen:
            missing = [
                key
                for key in OAUTH_KEYS
                if getattr(self, key) is None and getattr(self, f"{key}_env", None) is None
            ]
            if missing:
                raise ValueError(
                    f"magento: OAuth 1.0a needs all four integration values; missing {', '.join(missing)} "
                    "(System > Extensions > Integrations > the integration's Integration Details)"
                )
        if "an admin login" in chosen and (
            self.username is None or (self.password is None and self.password_env is None)
        ):
            raise ValueError("magento: an admin login needs username and password (or password_env)")
        return self

    @property
    def auth(self) -> Literal["oauth1", "bearer", "admin"]:
        """How the client signs in (one way: the validator refuses a mix)."""
        if self.consumer_key is not None:
            return "oauth1"
        return "bearer" if self.token is not None or self.token_env is not None else "admin"


class StoreConfig(_Section):
    """[[stores]]: one Amazon seller account on one marketplace."""

    name: str = Field(min_length=1)
    marketplace: str
    seller_id: str = Field(min_length=1)
    refresh_token: SecretStr | None = None
    refresh_token_env: str | None = None
    endpoint: str | None = None
    magento_store_id: int | None = None
    magento_website: str | None = None
    active: bool = True

    @field_validator("marketplace")
    @classmethod
    def _known_marketplace(cls, value: str) -> str:
        found = find_marketplace(value)
        if found is None:
            raise ValueError(
                f"unknown marketplace {value!r} "
                "(use a code like US, CA, MX, GB, DE, FR, IT, ES, JP, AU, or a marketplace id)"
            )
        return found.code

    @model_validator(mode="after")
    def _one_secret(self) -> "StoreConfig":
        _secret_pair(
            "stores",
            {"refresh_token": self.refresh_token, "refresh_token_env": self.refresh_token_env},
            "refresh_token",
        )
        if self.refresh_token is None and self.refresh_token_env is None:
            raise ValueError(f"store {self.name!r} needs refresh_token or refresh_token_env")
        return self

    @property
    def market(self) -> Marketplace:
        found = find_marketplace(self.marketplace)
        assert found is not None  # checked by the validator
        return found

    @property
    def api_endpoint(self) -> str:
        return (self.endpoint or self.market.region.endpoint).rstrip("/")


class UiConfig(_Section):
    """[ui]: how the TUI looks and behaves."""

    theme: str = "textual-dark"
    mouse: bool = True
    read_only: bool = False
    due_soon_hours: int = Field(default=24, ge=1, le=24 * 14)
    freshness_seconds: int = Field(default=60, ge=0)
    recent_orders: int = Field(default=50, ge=5, le=500)


class SyncConfig(_Section):
    """[sync]: how the local store follows Amazon."""

    initial_days: int = Field(default=60, ge=1, le=730)
    poll_seconds: int = Field(default=120, ge=0)
    page_size: int = Field(default=100, ge=1, le=100)
    lease_seconds: int = Field(default=15, ge=2, le=600)


class NetworkConfig(_Section):
    """[network]: how long a request to Amazon or Magento may take."""

    timeout_seconds: float = Field(default=20.0, gt=0, le=600)


class NotificationsConfig(_Section):
    """[notifications]: SP-API notifications through an Amazon SQS queue (absent: polling only).

    AWS credentials come from the standard AWS chain (environment, shared config and
    credentials files, ``aws_profile``, an instance role); never from this file.
    """

    sqs_queue_url: str = Field(min_length=1)
    region: str | None = None  # default: read from the queue URL (sqs.<region>.amazonaws.com)
    aws_profile: str | None = None
    backup_poll_seconds: int = Field(default=900, ge=30)  # the safety-net poll while notifications arrive
    silence_seconds: int = Field(default=3600, ge=30)  # no message for this long: poll at the normal rate

    @model_validator(mode="before")
    @classmethod
    def _no_inline_credentials(cls, values: Any) -> Any:
        if isinstance(values, dict):
            inline = sorted(
                key for key in values if "secret" in key or "access_key" in key or "session_token" in key
            )
            if inline:
                raise ValueError(
                    f"{', '.join(inline)}: AWS credentials never go in the config file; use the environment "
                    "(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) "
                    "or a profile of ~/.aws/credentials (aws_profile)"
                )
        return values

    @property
    def queue_region(self) -> str:
        """The region: given, or the queue URL's (sqs.<region>.amazonaws.com), else us-east-1."""
        if self.region:
            return self.region
        host = urlsplit(self.sqs_queue_url).hostname or ""
        parts = host.split(".")
        return parts[1] if len(parts) > 3 and parts[0] == "sqs" else "us-east-1"

    @property
    def queue_arn(self) -> str:
        """arn:aws:sqs:<region>:<account>:<queue name>, from the queue URL (what createDestination takes)."""
        path = [part for part in urlsplit(self.sqs_queue_url).path.split("/") if part]
        account, name = (path[-2], path[-1]) if len(path) >= 2 else ("", path[-1] if path else "")
        return f"arn:aws:sqs:{self.queue_region}:{account}:{name}"


class Config(_Section):
    """The whole config.toml."""

    amazon: AmazonConfig | None = None
    magento: MagentoConfig | None = None
    stores: tuple[StoreConfig, ...] = ()
    # absent sections are validated from {} by Config's own validator (a UiConfig() default
    # would build the section's separate validator at import)
    ui: UiConfig = Field(default_factory=dict, validate_default=True)
    sync: SyncConfig = Field(default_factory=dict, validate_default=True)
    network: NetworkConfig = Field(default_factory=dict, validate_default=True)
    notifications: NotificationsConfig | None = None
    keymap: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> "Config":
        if self.stores and self.amazon is None:
            raise ValueError("[[stores]] need an [amazon] section with the app's client_id and secret")
        names = [store.name for store in self.stores]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"store names must be unique; repeated: {', '.join(duplicates)}")
        return self

    def store(self, name: str) -> StoreConfig:
        for store in self.stores:
            if store.name.casefold() == name.casefold():
                return store
        raise ConfigError(
            f"No store named {name!r}. Configured stores: {', '.join(s.name for s in self.stores) or 'none'}."
        )


class UnsetVariable(NamedTuple):
    """A secret's environment variable that is not set, or empty."""

    variable: str
    key: str  # the config key that names it
    store: str | None = None  # the store whose refresh token it holds; None: every store's calls need it


def describe_unset(unset: Sequence[UnsetVariable]) -> str:
    """One line naming every variable in ``unset`` and the key that names it."""
    named = ", ".join(dict.fromkeys(f"{u.variable} (named by {u.key})" for u in unset))
    if len(unset) == 1:
        return (
            f"The environment variable {named} is not set or empty. "
            "Export it, or put the secret inline in the config file."
        )
    return (
        f"The environment variables {named} are not set or empty. "
        "Export them, or put the secrets inline in the config file."
    )


class Secrets(BaseModel):
    """Secret values resolved from the config and the environment. Never printed.

    A secret whose environment variable is unset is left out and its problem kept in
    ``missing``: commands that only read the local store work without it, and the first use
    of it raises the ConfigError (``require``).
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    client_secret: SecretStr | None = None
    magento_token: SecretStr | None = None
    magento_password: SecretStr | None = None
    magento_consumer_secret: SecretStr | None = None
    magento_access_token: SecretStr | None = None
    magento_access_token_secret: SecretStr | None = None
    refresh_tokens: dict[str, SecretStr] = Field(default_factory=dict)
    missing: dict[str, UnsetVariable] = Field(default_factory=dict)

    def require(self, value: SecretStr | None, key: str) -> str:
        """The secret's value; a ConfigError saying which variable to export when it is missing."""
        if value is None:
            unset = self.missing.get(key)
            raise ConfigError(describe_unset([unset]) if unset else f"No secret for {key} in the config.")
        return value.get_secret_value()

    def require_for(self, stores: Iterable[str]) -> None:
        """Every secret the calls for ``stores`` need is set; else one ConfigError naming each unset one."""
        wanted = set(stores)
        unset = [u for u in self.missing.values() if u.store is None or u.store in wanted]
        if unset:
            raise ConfigError(describe_unset(unset))

    def refresh_token(self, store: str) -> str:
        return self.require(self.refresh_tokens.get(store), f"refresh_token:{store}")

    def values(self) -> list[str]:
        """Every resolved secret (to keep them out of logs)."""
        found = [
            self.client_secret,
            self.magento_token,
            self.magento_password,
            self.magento_consumer_secret,
            self.magento_access_token,
            self.magento_access_token_secret,
            *self.refresh_tokens.values(),
        ]
        return [secret.get_secret_value() for secret in found if secret is not None]


def _from_env(
    variable: str, key: str, environ, missing: dict[str, UnsetVariable], slot: str, store: str | None = None
) -> SecretStr | None:
    value = environ.get(variable)
    if not value:
        missing[slot] = UnsetVariable(variable, key, store)
        return None
    return SecretStr(value)


def resolve_secrets(config: Config, environ: dict[str, str] | os._Environ[str] | None = None) -> Secrets:
    """Collect every secret, reading the environment variables the config names."""
    env = os.environ if environ is None else environ
    missing: dict[str, UnsetVariable] = {}
    client_secret = None
    if config.amazon is not None:
        client_secret = config.amazon.client_secret or _from_env(
            config.amazon.client_secret_env or "", "amazon.client_secret_env", env, missing, "client_secret"
        )
    magento: dict[str, SecretStr | None] = {}
    if config.magento is not None:
        names = {"oauth1": OAUTH_KEYS[1:], "bearer": ("token",), "admin": ("password",)}[config.magento.auth]
        for name in names:
            inline, variable = getattr(config.magento, name), getattr(config.magento, f"{name}_env")
            magento[f"magento_{name}"] = inline or _from_env(
                variable or "", f"magento.{name}_env", env, missing, f"magento_{name}"
            )
    tokens = {}
    for store in config.stores:
        slot = f"refresh_token:{store.name}"
        key = f"refresh_token_env of store {store.name!r}"
        token = store.refresh_token or _from_env(
            store.refresh_token_env or "", key, env, missing, slot, store.name
        )
        if token is not None:
            tokens[store.name] = token
    return Secrets(client_secret=client_secret, **magento, refresh_tokens=tokens, missing=missing)


def config_path(explicit: str | Path | None = None) -> Path:
    """Where the config lives: ``--config``, else ``$AMAZON_TUI_CONFIG``, else the platform config dir."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME) / "config.toml"


def data_dir() -> Path:
    """Where the local database lives: ``$AMAZON_TUI_DATA_DIR``, else the platform data dir."""
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP_NAME)


def state_dir() -> Path:
    """Where logs and crash traces go: ``$AMAZON_TUI_STATE_DIR``, else ``<$AMAZON_TUI_DATA_DIR>/state``
    when that is set, else the platform state dir."""
    if os.environ.get(STATE_DIR_ENV):
        return Path(os.environ[STATE_DIR_ENV]).expanduser()
    if os.environ.get(DATA_DIR_ENV):
        return Path(os.environ[DATA_DIR_ENV]).expanduser() / "state"
    from platformdirs import user_state_path

    return user_state_path(APP_NAME)


def private_dir(path: Path) -> Path:
    """``path`` as a directory only its owner can enter (made 0700, or tightened to it)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix" and stat.S_IMODE(path.stat().st_mode) & 0o077:
        os.chmod(path, 0o700)
    return path


def tighten(path: Path, mode: int) -> str | None:
    """Make an existing file or directory no looser than ``mode``; a notice when it was looser."""
    if os.name != "posix" or not path.exists():
        return None
    current = stat.S_IMODE(path.stat().st_mode)
    if not current & ~mode & 0o777:
        return None
    os.chmod(path, mode)
    return (
        f"Notice: {path} could be read by other users (mode {current:o}); "
        f"it holds buyer names and addresses, so it is now mode {mode:o}."
    )


_TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a table",
    "model_type": "a table",
    "tuple_type": "an array of tables",
    "list_type": "an array",
    "literal_error": None,
}


def _describe(error: ValidationError) -> str:
    """One sentence per problem, naming the key the way it is written in the file."""
    sentences = []
    for problem in error.errors():
        location = [str(part) for part in problem["loc"]]
        if location and location[0] == "stores" and len(location) > 1:
            location = [f"stores[{int(location[1]) + 1}]", *location[2:]]
        key = ".".join(location) or "the file"
        kind = problem["type"]
        if kind == "extra_forbidden":
            sentences.append(f"Unknown key {key}.")
        elif kind == "missing":
            sentences.append(f"Missing key {key}.")
        elif _TYPE_NAMES.get(kind):
            sentences.append(
                f"{key} must be {_TYPE_NAMES[kind]}, "
                f"not {type(problem.get('input')).__name__} {str(problem.get('input'))[:40]!r}."
            )
        else:
            message = problem["msg"].removeprefix("Value error, ")
            sentences.append(f"{key}: {message}." if key != "the file" else f"{message}.")
    return " ".join(sentences)


def parse_config(text: str, source: str = "config") -> Config:
    """Validate TOML text into a Config, raising ConfigError with a readable paragraph."""
    import tomllib  # here: the default start (the embedded sandbox) has no file to parse

    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source} is not valid TOML: {exc}.") from None
    return validate_config(raw, source)


def validate_config(raw: dict[str, Any], source: str = "config") -> Config:
    """Validate a config mapping (TOML's shape), raising ConfigError with a readable paragraph."""
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(
            f"{source} is not a valid amazon-tui config. {_describe(exc)} "
            "See config.example.toml for every key."
        ) from None


def has_inline_secrets(config: Config) -> bool:
    """True when the file itself holds a secret (not only environment variable names)."""
    magento = config.magento
    inline = [config.amazon and config.amazon.client_secret] + [
        getattr(magento, name)
        for name in ("token", "password", "consumer_secret", "access_token", "access_token_secret")
        if magento
    ]
    inline += [store.refresh_token for store in config.stores]
    return any(value is not None for value in inline)


def permission_warning(path: Path, config: Config) -> str | None:
    """A warning when a file with secrets can be read by group or others."""
    if os.name != "posix" or not has_inline_secrets(config):
        return None
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        return (
            f"Warning: {path} holds secrets and can be read by other users "
            f"(mode {stat.S_IMODE(mode):o}); run: chmod 600 {path}"
        )
    return None


def load_config(path: Path) -> Config:
    """Read and validate a config file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"No config file at {path}. Run `amazon-tui init` to write one, "
            "or start without --config to use the sandbox."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read {path}: {exc}.") from None
    return parse_config(text, source=str(path))


def to_toml_dict(config: Config) -> dict[str, Any]:
    """A TOML-ready dict of the config, inline secrets included (for writing the file)."""
    data = config.model_dump(mode="python", exclude_none=True, exclude_defaults=False)

    def reveal(value: Any) -> Any:
        if isinstance(value, SecretStr):
            return value.get_secret_value()
        if isinstance(value, dict):
            return {key: reveal(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [reveal(item) for item in value]
        return value

    data = reveal(data)
    if not data.get("keymap"):
        data.pop("keymap", None)
    if not data.get("stores"):
        data.pop("stores", None)
    return data


def redacted(config: Config) -> dict[str, Any]:
    """The config for display: every inline secret replaced by "********"."""
    data = config.model_dump(mode="python", exclude_none=True)

    def hide(value: Any) -> Any:
        if isinstance(value, SecretStr):
            return "********"
        if isinstance(value, dict):
            return {key: hide(item) for key, item in value.items()}
        if isinstance(value, (list, tuple)):
            return [hide(item) for item in value]
        return value

    return hide(data)


def write_config(path: Path, config: Config) -> None:
    """Write the config with tomli-w, mode 0600 from the first byte."""
    import tomli_w

    path.parent.mkdir(parents=True, exist_ok=True)
    payload = tomli_w.dumps(to_toml_dict(config)).encode("utf-8")
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(descriptor, payload)
    finally:
        os.close(descriptor)
    os.chmod(path, 0o600)
