"""Command-line entry point: argument parsing and wiring only.

Each verb lives in its own module exposing ``add_parser(subparsers)`` and ``run(args) -> int``.
Verb modules import their heavy dependencies inside ``run`` so that ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

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


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line (argparse prints the usage block first); subparsers inherit the class."""

    def error(self, message: str) -> NoReturn:
        raise InputError(f"{message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="bedrock-access",
        description="Predict, explain and fix Amazon Bedrock access denials (offline).",
    )
    parser.add_argument("--version", action="version", version=f"bedrock-access {__version__}")
    parser.add_argument("--debug", action="store_true", help="on an internal error, print the full traceback")
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
    """Run one verb. Every outcome is an exit status and at most one line on standard error: input
    problems exit 2 naming the file and field, an unexpected failure exits 2 with a line asking for a
    report (``--debug`` adds the traceback); standard output and error are redacted; a closed or full
    output stream ends quietly."""
    from bedrock_access.output_guard import flush_stdout, guarded_streams, quiet_exit_streams

    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv[: argv.index("--")] if "--" in argv else "--debug" in argv
    with guarded_streams():
        code = _run(argv, debug)
        failure = flush_stdout()
        if failure is not None:
            quiet_exit_streams()
            if not isinstance(failure, BrokenPipeError):
                _error(f"cannot write the output: {(failure.strerror or 'write error').lower()}")
                code = EXIT_INPUT_ERROR
    return code


def _error(message: str) -> None:
    from bedrock_access.output_guard import one_line

    try:
        sys.stderr.write(f"bedrock-access: error: {one_line(message)}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # standard error is gone too: the exit status is all that is left


def _run(argv: list[str], debug: bool) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "command", None):
            parser.print_help()
            return EXIT_INPUT_ERROR
        from bedrock_access.catalog.selection import using_catalog

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
        _error(exc.render())
        return EXIT_INPUT_ERROR
    except SystemExit as exc:  # --help and --version
        return exc.code if isinstance(exc.code, int) else EXIT_INPUT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        from bedrock_access.output_guard import quiet_exit_streams

        quiet_exit_streams()
        return EXIT_OK
    except Exception as exc:
        return _unexpected(exc, debug)


def _unexpected(exc: Exception, debug: bool) -> int:
    from bedrock_access.output_guard import quiet_exit_streams

    if isinstance(exc, OSError) and exc is getattr(sys.stdout, "failure", None):
        if isinstance(exc, BrokenPipeError):
            quiet_exit_streams()
            return EXIT_OK
        return EXIT_INPUT_ERROR  # main reports the failed output once, after its final flush
    if debug:
        import traceback

        with _suppress_io():
            traceback.print_exception(exc, file=sys.stderr)
    if isinstance(exc, RecursionError):
        _error("the input is nested too deeply")
    elif isinstance(exc, MemoryError):
        _error("out of memory: the input is too large")
    elif isinstance(exc, UnicodeError) or (isinstance(exc, TypeError) and "surrogates" in str(exc)):
        _error("the input holds text that is not valid Unicode (a lone surrogate such as \\ud800)")
    elif isinstance(exc, OSError) and exc.errno is not None:
        _error(
            f"{(exc.strerror or type(exc).__name__).lower()}" + (f": {exc.filename}" if exc.filename else "")
        )
    else:
        from bedrock_access.redact import redact

        detail = redact(str(exc))[:200]
        hint = "" if debug else "; run again with --debug for the traceback"
        _error(
            f"internal error ({type(exc).__name__}: {detail}); please report it to the bedrock-access developers{hint}"
        )
    return EXIT_INPUT_ERROR


def _suppress_io() -> Any:
    import contextlib

    return contextlib.suppress(OSError, ValueError)
