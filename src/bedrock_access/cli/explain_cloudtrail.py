"""``bedrock-access explain --cloudtrail PATH...``: every failed Bedrock call in CloudTrail, by cause.

Argument parsing and wiring only; the work is in :mod:`bedrock_access.cloudtrail` and the
``report/cloudtrail_*`` modules.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from typing import Any

from bedrock_access.errors import InputError

EPILOG = """\
--cloudtrail reads CloudTrail log files (gzipped or not) and folders of them, `aws cloudtrail
lookup-events` output, and CloudTrail Lake or Athena results as JSON lines or CSV (docs/cloudtrail.md):

  bedrock-access explain --cloudtrail examples/cloudtrail/AWSLogs --since 2026-11-01
  bedrock-access explain --cloudtrail examples/cloudtrail/lookup-events.json --format json
"""

MAX_PROBLEM_LINES = 20
"""Problems named one by one on standard error; the rest are counted."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    group = parser.add_argument_group("CloudTrail (explain every failed Bedrock call in logs)")
    group.add_argument(
        "--cloudtrail",
        nargs="+",
        metavar="PATH",
        help="CloudTrail log files or folders, lookup-events output, Lake/Athena exports (JSON lines or CSV)",
    )
    group.add_argument(
        "--since", help="only calls at or after this time (2026-11-01 or 2026-11-01T10:00:00Z)"
    )
    group.add_argument("--until", help="only calls before this time; a date alone includes that whole day")
    group.add_argument(
        "--account", action="append", default=[], help="only calls by this account (repeatable)"
    )
    group.add_argument(
        "--principal",
        action="append",
        default=[],
        help="only calls by principals whose ARN contains this text or matches this pattern (repeatable)",
    )
    group.add_argument(
        "--snapshot",
        metavar="DIR",
        help="an organization snapshot (`collect`): decide each group again for its caller and name the statement",
    )


def _count(number: int, word: str) -> str:
    return f"{number:,} {word}" + ("" if number == 1 else "s")


def _time(value: str | None, option: str, *, end_of_day: bool) -> datetime | None:
    if value is None:
        return None
    from bedrock_access.cloudtrail.records import parse_time

    parsed = parse_time(value)
    if parsed is None:
        raise InputError(
            f"not a date or time: {value!r} (use 2026-11-01 or 2026-11-01T10:00:00Z)", field=option
        )
    if end_of_day and len(value.strip()) == 10:
        parsed += timedelta(days=1)
    return parsed


def run(args: argparse.Namespace) -> int:
    from bedrock_access.catalog import load_catalog
    from bedrock_access.cloudtrail.adapter import Explainer, ScenarioNamer
    from bedrock_access.cloudtrail.pipeline import Filters, run
    from bedrock_access.cloudtrail.readers import Problem, expand_paths, read_all

    if args.file not in ([], ["-"], "-"):
        raise InputError("give either an error text or file, or --cloudtrail, not both", field="--cloudtrail")
    filters = Filters(
        since=_time(args.since, "--since", end_of_day=False),
        until=_time(args.until, "--until", end_of_day=True),
        accounts=frozenset(args.account),
        principals=tuple(args.principal),
    )
    if filters.since and filters.until and filters.since >= filters.until:
        raise InputError("--since must be before --until", field="--since")
    files = expand_paths(args.cloudtrail)
    if not files:
        raise InputError(
            "no CloudTrail files found (.json, .json.gz, .jsonl, .csv ...)", source=args.cloudtrail[0]
        )
    catalog = load_catalog()
    if args.scenario and args.snapshot:
        raise InputError("give --scenario or --snapshot, not both", field="--snapshot")
    namer: Any = None
    if args.scenario:
        scenario_namer = ScenarioNamer(args.scenario, catalog)
        namer = lambda group: scenario_namer.name(group.explanation)  # noqa: E731
    elif args.snapshot:
        from bedrock_access.cloudtrail.snapshot_namer import SnapshotNamer

        namer = SnapshotNamer(args.snapshot, catalog).name

    shown = 0

    def report_problem(problem: Problem) -> None:
        nonlocal shown
        shown += 1
        if shown <= MAX_PROBLEM_LINES:
            print(f"bedrock-access: skipped: {problem.render()}", file=sys.stderr)

    csv_out = None
    if args.format == "csv":
        from bedrock_access.report.cloudtrail_csv import FailureCsv

        csv_out = FailureCsv(sys.stdout)
    summary = run(
        read_all(files),
        filters,
        Explainer(catalog),
        on_failure=csv_out.row if csv_out is not None else None,
        on_problem=report_problem,
    )
    if summary.problems > MAX_PROBLEM_LINES:
        print(
            f"bedrock-access: skipped: {summary.problems - MAX_PROBLEM_LINES:,} more problems not shown",
            file=sys.stderr,
        )
    if summary.problems:
        print(
            f"bedrock-access: bad input: {_count(summary.files_skipped, 'file')} not read, "
            f"{_count(summary.files_cut, 'file')} read only in part, "
            f"{_count(summary.records_skipped, 'record')} skipped",
            file=sys.stderr,
        )
    if summary.records_read == 0 and summary.problems:
        raise InputError("no CloudTrail records could be read", source=args.cloudtrail[0])

    scenarios: list[dict[str, Any]] | None = None
    if namer is not None:
        scenarios = [namer(group) for group in summary.groups]
    if csv_out is not None:
        csv_out.header()
    elif args.format == "json":
        from bedrock_access.report import cloudtrail_json

        sys.stdout.write(cloudtrail_json.render(summary, scenarios))
    elif args.format == "markdown":
        from bedrock_access.report import cloudtrail_markdown

        sys.stdout.write(cloudtrail_markdown.render(summary, scenarios))
    else:
        from bedrock_access.report import cloudtrail_text

        sys.stdout.write(cloudtrail_text.render(summary, scenarios))
    return 1 if summary.failed_calls else 0
