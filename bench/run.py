"""amazon-tui benchmarks: ``python bench/run.py [--quick] [--json] [NAME ...]``.

One line per figure: the measurement, its baseline (run in this same invocation), the
ratio, the target and PASS/FAIL. ``--quick`` uses small sizes (a CI smoke, not a test).
Exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

BENCHMARKS = (
    "startup",
    "big_store",
    "order_open",
    "sync",
    "cancel_bulk",
    "ssh_bytes",
    "memory",
    "shared",
    "notifications",
    "shipments",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a CI smoke run")
    parser.add_argument("--json", action="store_true", help="print a JSON list of the lines")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"only these: {', '.join(BENCHMARKS)}")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    lines = []
    for name in args.names or BENCHMARKS:
        for line in importlib.import_module(name).run(args.quick):
            lines.append(line)
            if not args.json:
                print(line.text(), flush=True)
    if args.json:
        print(json.dumps([line.as_dict() for line in lines], indent=2))
    return 0 if all(line.passed for line in lines) else 1


if __name__ == "__main__":
    raise SystemExit(main())
