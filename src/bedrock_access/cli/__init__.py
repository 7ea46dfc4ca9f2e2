"""Command-line entry point: argument parsing and wiring only.

Each verb lives in its own module exposing ``add_parser(subparsers)`` and ``run(args) -> int``.
Verb modules import their heavy dependencies inside ``run`` so that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from bedrock_access import __version__
from bedrock_access.errors import InputError

# Order is the order shown in --help.
COMMANDS: tuple[str, ...] = ("check", "explain", "fix", "simulate", "catalog", "collect", "matrix", "init")

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INPUT_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bedrock-access",
        description="Predict, explain and fix Amazon Bedrock access denials (offline).",
    )
    parser.add_argument("--version", action="version", version=f"bedrock-access {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"bedrock_access.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bedrock_access.cli.{name}":
                continue  # verb not built yet
            raise
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_INPUT_ERROR
    try:
        result: int = args.run(args)
        return result
    except InputError as exc:
        print(f"bedrock-access: error: {exc.render()}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
