"""`amazon-tui sandbox serve | reset | config` (argparse sub-commands).

The main CLI calls `add_sandbox_commands(subparsers)`; every leaf parser sets
`func=<handler>`, a function taking the Namespace and returning an exit code.
"""

from __future__ import annotations

import argparse
import ipaddress
import sys
from pathlib import Path

from . import default_db_path, sandbox_config

DEMO_TIME_SCALE = 1000.0


def add_sandbox_commands(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("sandbox", help="run or manage the embedded sandbox",
                                   description="The embedded Amazon + Magento sandbox.")
    commands = parser.add_subparsers(dest="sandbox_command", required=True)

    serve = commands.add_parser("serve", help="serve the sandbox over HTTP (loopback by default)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765)
    _add_data_options(serve)
    serve.add_argument("--time-scale", type=float, default=DEMO_TIME_SCALE,
                       help="speed-up of usage-plan refills and feed processing"
                            f" (default {DEMO_TIME_SCALE:g}; 1 = Amazon's pace)")
    serve.add_argument("--arrivals-per-minute", type=float, default=0.0,
                       help="new orders arriving per minute across active stores")
    serve.set_defaults(func=run_serve)

    reset = commands.add_parser("reset", help="wipe the sandbox data and seed it again")
    _add_data_options(reset)
    reset.set_defaults(func=run_reset)

    config = commands.add_parser("config", help="print a config.toml pointing at a served sandbox")
    config.add_argument("--host", default="127.0.0.1")
    config.add_argument("--port", type=int, default=8765)
    config.set_defaults(func=run_config)
    return parser


def _add_data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None,
                        help="sandbox database (default: the data dir's sandbox.db)")
    parser.add_argument("--seed", type=int, default=None, help="seed of the demo data (42)")
    parser.add_argument("--orders-per-store", type=int, default=None,
                        help="orders per active store (320)")


def _open(args: argparse.Namespace, **options):
    from .sandbox import Sandbox

    return Sandbox(args.db or default_db_path(), seed=42 if args.seed is None else args.seed,
                   orders_per_store=320 if args.orders_per_store is None else args.orders_per_store,
                   **options)


def run_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    sandbox = _open(args, time_scale=args.time_scale, arrivals_per_minute=args.arrivals_per_minute)
    seeded = sandbox.seeded_with
    if (args.seed is not None and args.seed != seeded["seed"]) or (
            args.orders_per_store is not None and args.orders_per_store != seeded["orders_per_store"]):
        sandbox.reset(seed=args.seed, orders_per_store=args.orders_per_store)
    if not _is_loopback(args.host):
        print(f"warning: serving on {args.host}: the sandbox's admin endpoints and demo"
              " credentials are reachable from the network", file=sys.stderr)
    print(f"Sandbox serving on http://{args.host}:{args.port} (database {sandbox.db.path})")
    print(f"Point the app at it: amazon-tui sandbox config --host {args.host} --port {args.port}")
    serve(sandbox, host=args.host, port=args.port)
    return 0


def run_reset(args: argparse.Namespace) -> int:
    sandbox = _open(args)
    sandbox.reset(seed=args.seed, orders_per_store=args.orders_per_store)
    info = sandbox.seeded_with
    print(f"Sandbox reset: seed {info['seed']}, {info['orders_per_store']} orders per active"
          f" store ({sandbox.db.path})")
    return 0


def run_config(args: argparse.Namespace) -> int:
    import tomli_w

    host = f"[{args.host}]" if ":" in args.host else args.host
    sys.stdout.write("# amazon-tui configuration for a sandbox served by"
                     " `amazon-tui sandbox serve` (demo credentials, not secrets)\n")
    sys.stdout.write(tomli_w.dumps(sandbox_config(f"http://{host}:{args.port}")))
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
