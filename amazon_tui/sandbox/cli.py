"""`amazon-tui sandbox serve | reset | config` (argparse sub-commands).

The main CLI calls `add_sandbox_commands(subparsers)`; every leaf parser sets
`func=<handler>`, a function taking the Namespace and returning an exit code.

A big store for benchmarks (100,000 orders in well under a minute; the others keep 320):
    amazon-tui sandbox reset --store "Acme US" --orders-per-store 100000 --now 2026-11-20T12:00:00Z
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path

from . import default_db_path, sandbox_config

DEMO_TIME_SCALE = 1000.0
DEFAULT_SEED = 42
DEFAULT_ORDERS_PER_STORE = 320
RESET_EPILOG = """examples:
  amazon-tui sandbox reset --seed 7
      new deterministic demo data (320 orders per active store, 40 in the deactivated one)
  amazon-tui sandbox reset --store "Acme US" --orders-per-store 100000
      a 100,000-order Acme US (well under a minute); every other store keeps the default 320
  amazon-tui sandbox reset --db /tmp/s.db --now 2026-11-20T12:00:00Z
      the same orders on every run: the data does not move with the real time

The default database, <data dir>/sandbox/sandbox.db, is the one the app's embedded sandbox
(no config file, or --sandbox) uses, and the one `sandbox serve` serves. After a reset, run
`amazon-tui db rebuild --sandbox` so the app's local store forgets the orders of the old data.
"""


def add_sandbox_commands(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "sandbox",
        help="run or manage the embedded sandbox",
        description="The embedded Amazon + Magento sandbox.",
    )
    commands = parser.add_subparsers(dest="sandbox_command", required=True)

    serve = commands.add_parser("serve", help="serve the sandbox over HTTP (loopback by default)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=_port, default=8765)
    _add_data_options(serve)
    serve.add_argument(
        "--time-scale",
        type=_bounded(float, 0.001, 1_000_000),
        default=DEMO_TIME_SCALE,
        help="speed-up of usage-plan refills and feed processing"
        f" (default {DEMO_TIME_SCALE:g}; 1 = Amazon's pace)",
    )
    serve.add_argument(
        "--arrivals-per-minute",
        type=_bounded(float, 0, 10_000),
        default=0.0,
        help="new orders arriving per minute across active stores",
    )
    serve.add_argument(
        "--magento-bearer-tokens",
        action="store_true",
        help="Magento accepts the integration's access token as a standalone Bearer token"
        " (before 2.4.4, or that setting turned on; default: OAuth 1.0a only, as 2.4.4+)",
    )
    serve.add_argument(
        "--magento-admin-login",
        action="store_true",
        help="Magento issues admin tokens without two-factor authentication (default: 2FA, as a new store)",
    )
    serve.add_argument(
        "--sqs-endpoint",
        metavar="URL",
        default=None,
        help="send SP-API notifications (ORDER_CHANGE, FEED_PROCESSING_FINISHED) to the subscribed"
        " destination's queue at this SQS endpoint (e.g. a moto server); AWS credentials from"
        " the standard chain. Default: none sent",
    )
    serve.set_defaults(func=run_serve)

    reset = commands.add_parser(
        "reset",
        help="wipe the sandbox data and seed it again",
        description="Wipe the sandbox's orders, feeds and documents and seed new deterministic demo data.",
        epilog=RESET_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_data_options(reset)
    reset.add_argument(
        "--now",
        type=_timestamp,
        default=None,
        metavar="WHEN",
        help="make the orders as if it were WHEN (ISO 8601, e.g."
        " 2026-11-20T12:00:00Z; default: the real time): the same --seed,"
        " sizes and --now give the same data",
    )
    reset.set_defaults(func=run_reset)

    config = commands.add_parser("config", help="print a config.toml pointing at a served sandbox")
    config.add_argument("--host", default="127.0.0.1")
    config.add_argument("--port", type=_port, default=8765)
    config.add_argument(
        "--magento-auth",
        choices=("oauth1", "bearer", "admin"),
        default="oauth1",
        help="how the app signs in to Magento: the integration's OAuth 1.0a values (default),"
        " its token as Bearer (needs serve --magento-bearer-tokens), or the admin login"
        " (needs serve --magento-admin-login)",
    )
    config.set_defaults(func=run_config)
    return parser


def _bounded(kind: type, low: float, high: float):
    """An argparse type: a ``kind`` number from ``low`` to ``high`` (finite), or a usage error."""

    def read(text: str):
        try:
            value = kind(text)
        except (ValueError, OverflowError):
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is not a number") from None
        if not low <= value <= high:  # also refuses nan and inf
            raise argparse.ArgumentTypeError(f"{text[:40]!r} is out of range: use {low:,} to {high:,}")
        return value

    read.__name__ = kind.__name__  # argparse names the type in its messages
    return read


_port = _bounded(int, 0, 65_535)


def _add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="sandbox database (default: <data dir>/sandbox/sandbox.db, the app's embedded one)",
    )
    parser.add_argument(
        "--seed", type=_bounded(int, 0, 2**32 - 1), default=None, help="seed of the demo data (42)"
    )
    parser.add_argument(
        "--orders-per-store",
        type=_bounded(int, 0, 2_000_000),
        default=None,
        metavar="N",
        help="orders per active store (320; a deactivated store gets an eighth)",
    )
    parser.add_argument(
        "--store",
        action="append",
        default=None,
        metavar="NAME",
        help="give only this store (name or seller id) --orders-per-store orders;"
        " the others keep the default 320 (repeatable)",
    )


def _sizes(args: argparse.Namespace) -> tuple[int | None, dict[str, int] | None]:
    """(orders per store, {store: orders}) asked for; None where the option was left out."""
    if not args.store:
        return args.orders_per_store, None
    if args.orders_per_store is None:
        raise ValueError("--store needs --orders-per-store")
    from .catalog import STORES, find_store

    try:
        names = [find_store(name).name for name in args.store]
    except KeyError as error:
        known = ", ".join(store.name for store in STORES)
        raise ValueError(f"{error.args[0]} (the stores: {known})") from None
    return DEFAULT_ORDERS_PER_STORE, dict.fromkeys(names, args.orders_per_store)


def _usage_error(error: ValueError) -> int:
    print(f"amazon-tui sandbox: {error}", file=sys.stderr)
    return 2


def _open(args: argparse.Namespace, **options):
    from .sandbox import Sandbox

    options.setdefault(
        "orders_per_store",
        DEFAULT_ORDERS_PER_STORE if args.orders_per_store is None else args.orders_per_store,
    )
    return Sandbox(
        args.db or default_db_path(), seed=DEFAULT_SEED if args.seed is None else args.seed, **options
    )


def _timestamp(text: str):
    from .clock import parse_iso

    try:
        return parse_iso(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date-time: {text!r}") from None


def run_serve(args: argparse.Namespace) -> int:
    import errno

    from .serve import bind, serve

    try:
        orders_per_store, store_orders = _sizes(args)
    except ValueError as error:
        return _usage_error(error)
    try:
        listener = bind(args.host, args.port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            return _usage_error(
                ValueError(
                    f"port {args.port} is in use on {args.host}: "
                    "stop what serves there, or pick another with --port"
                )
            )
        return _usage_error(
            ValueError(f"cannot listen on {args.host}:{args.port}: {error.strerror or error}")
        )
    sizes = (
        {} if store_orders is None else {"orders_per_store": orders_per_store, "store_orders": store_orders}
    )
    sandbox = _open(
        args,
        time_scale=args.time_scale,
        arrivals_per_minute=args.arrivals_per_minute,
        magento_bearer_tokens=args.magento_bearer_tokens,
        magento_two_factor=not args.magento_admin_login,
        sqs_endpoint=args.sqs_endpoint,
        **sizes,
    )
    seeded = sandbox.seeded_with
    if (
        (args.seed is not None and args.seed != seeded["seed"])
        or (orders_per_store is not None and orders_per_store != seeded["orders_per_store"])
        or (store_orders is not None and store_orders != seeded["store_orders"])
    ):
        sandbox.reset(seed=args.seed, orders_per_store=orders_per_store, store_orders=store_orders)
    if not _is_loopback(args.host):
        print(
            f"warning: serving on {args.host}: the sandbox's admin endpoints and demo"
            " credentials are reachable from the network",
            file=sys.stderr,
        )
    print(f"Sandbox serving on http://{args.host}:{args.port} (database {sandbox.db.path})")
    print(f"Point the app at it: amazon-tui sandbox config --host {args.host} --port {args.port}")
    if args.sqs_endpoint:
        print(
            f"SP-API notifications go to {args.sqs_endpoint} once `amazon-tui notifications setup` subscribed"
        )
        sandbox.start_ticking()  # feeds finish and orders arrive on time, with no request to bring them
    serve(sandbox, listener)
    return 0


def run_reset(args: argparse.Namespace) -> int:
    import time

    try:
        orders_per_store, store_orders = _sizes(args)
    except ValueError as error:
        return _usage_error(error)
    started = time.perf_counter()
    # orders_per_store=0: a new database is seeded once below, not also on opening
    sandbox = _open(args, orders_per_store=0)
    sandbox.reset(
        seed=DEFAULT_SEED if args.seed is None else args.seed,
        orders_per_store=DEFAULT_ORDERS_PER_STORE if orders_per_store is None else orders_per_store,
        store_orders=store_orders or {},
        as_of=args.now,
    )
    info = sandbox.seeded_with
    seconds = time.perf_counter() - started
    total = sum(sandbox.orders_seeded_in(store) for store in sandbox.stores)
    sizes = "".join(f"{count:,} orders in {name}, " for name, count in info["store_orders"].items())
    others = "other " if info["store_orders"] else ""
    print(
        f"Sandbox reset: seed {info['seed']}, {sizes}{info['orders_per_store']:,} per {others}active"
        f" store, as of {info['seeded_at']} ({total:,} orders in {seconds:.1f} s,"
        f" {sandbox.db.path})"
    )
    sandbox.close()
    return 0


def run_config(args: argparse.Namespace) -> int:
    import tomli_w

    host = f"[{args.host}]" if ":" in args.host else args.host
    sys.stdout.write(
        "# amazon-tui configuration for a sandbox served by"
        " `amazon-tui sandbox serve` (demo credentials, not secrets)\n"
    )
    sys.stdout.write(tomli_w.dumps(sandbox_config(f"http://{host}:{args.port}", args.magento_auth)))
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
