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
COMMANDS: tuple[str, ...] = (
    "check",
    "explain",
    "fix",
    "simulate",
    "catalog",
    "probe",
    "collect",
    "matrix",
    "init",
)

# Verbs that never read the Bedrock catalog (so there is no catalog data to announce).
VERBS_WITHOUT_CATALOG = frozenset({"simulate"})

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
    # --catalog works before the verb and after it; SUPPRESS keeps the verb's copy from resetting the first.
    parser.add_argument("--catalog", metavar="PATH", default=None, help=CATALOG_HELP)
    for verb in sub.choices.values():
        _add_catalog_option(verb)
    return parser


def _add_catalog_option(parser: argparse.ArgumentParser) -> None:
    """``--catalog`` on a verb and on each of its sub-queries (``catalog diff --catalog X``)."""
    parser.add_argument("--catalog", metavar="PATH", default=argparse.SUPPRESS, help=CATALOG_HELP)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                _add_catalog_option(child)


CATALOG_HELP = (
    "catalog data to use: a catalog file, or an overlay written by `catalog refresh` "
    "(default: $BEDROCK_ACCESS_CATALOG, else the refreshed overlay in the user cache over the shipped snapshot)"
)


def _announce_catalog() -> None:
    """Say which catalog data this run uses and how old it is (stderr, so JSON on stdout stays clean).

    Always when the data is not the shipped snapshot alone; on a terminal also for the shipped snapshot.
    """
    from bedrock_access.catalog.selection import catalog_in_use, chosen_path, overlay_path

    if not sys.stderr.isatty() and chosen_path() is None and not overlay_path().exists():
        return  # the shipped snapshot alone, not on a terminal: nothing to say, nothing to load
    in_use = catalog_in_use()
    if in_use.kind != "shipped" or sys.stderr.isatty():
        print(f"bedrock-access: catalog: {in_use.describe()}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_INPUT_ERROR
    from bedrock_access.catalog.selection import using_catalog

    try:
        with using_catalog(getattr(args, "catalog", None)):
            # refresh reports its own data, and must be able to replace a malformed overlay.
            if (
                args.command not in VERBS_WITHOUT_CATALOG
                and getattr(args, "catalog_query", None) != "refresh"
            ):
                _announce_catalog()
            result: int = args.run(args)
        return result
    except InputError as exc:
        print(f"bedrock-access: error: {exc.render()}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
