"""``bedrock-access init``: write a commented starter scenario. Wiring only."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bedrock_access.errors import InputError


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "init",
        help="write a commented starter scenario to edit",
        description="Write a commented starter scenario (docs/scenario.md) that `check` accepts as is. "
        "An existing file is never overwritten (exit status 2).",
    )
    p.add_argument("file", nargs="?", default="scenario.yaml", metavar="FILE", help="default: scenario.yaml")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from bedrock_access.io_guard import check_name
    from bedrock_access.scenario.starter import starter_scenario

    try:
        with open(check_name(args.file), "x", encoding="utf-8") as f:
            f.write(starter_scenario(args.file))
    except FileExistsError:
        raise InputError("exists; refusing to overwrite (choose another name)", source=args.file) from None
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror}", source=args.file) from None
    sys.stdout.write(
        f"Wrote {args.file}. Edit the principal, policies and calls, then run: bedrock-access check {args.file}\n"
    )
    return 0
