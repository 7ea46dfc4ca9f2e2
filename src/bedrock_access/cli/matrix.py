"""``bedrock-access matrix``: every principal of a snapshot × model × source Region. Wiring only."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bedrock_access.errors import InputError

DESCRIPTION = """\
Decide, for every principal of a snapshot (docs/collect.md) × model or inference profile × source Region,
whether the call works, exactly as `check` does: verdict, authorized and denied Regions, the deciding
layer and statement. Principals with equal policy stacks are decided once.

Defaults: the Regions the organization's SCPs allow or name (else every commercial Region with Bedrock),
and the catalog's Anthropic Claude inference profiles offered from at least one of them.

  bedrock-access matrix examples/org-snapshot
  bedrock-access matrix examples/org-snapshot --model us.anthropic.claude-sonnet-4-6 --region us-east-1
  bedrock-access matrix examples/org-snapshot --format html -o matrix.html

Exit status: 0 every cell allowed, 1 some cell denied or invalid, 2 input error.
"""

FORMATS = ("text", "json", "csv", "markdown", "html")


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "matrix",
        help="who in an organization can call which model from which Region (from a snapshot)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("snapshot", metavar="SNAPSHOT", help="snapshot folder written by `collect`")
    p.add_argument(
        "--model", action="append", default=[], metavar="ID", help="model or profile id (repeatable)"
    )
    p.add_argument("--region", action="append", default=[], metavar="R", help="source Region (repeatable)")
    p.add_argument(
        "--principal",
        action="append",
        default=[],
        metavar="GLOB",
        help="principal ARN or name glob (repeatable)",
    )
    p.add_argument("--account", action="append", default=[], metavar="ID", help="account id (repeatable)")
    p.add_argument(
        "--operation",
        default="InvokeModel",
        choices=("InvokeModel", "InvokeModelWithResponseStream", "Converse", "ConverseStream", "CountTokens"),
    )
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of stdout")
    from bedrock_access.cli import matrix_iac

    matrix_iac.add_arguments(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bedrock_access.catalog import load_catalog
    from bedrock_access.iam.service_data import rcp_supported_services, resource_type_prefixes
    from bedrock_access.matrix import (
        check_models,
        check_regions,
        decide_snapshot,
        default_models,
        scp_named_regions,
        select_principals,
    )
    from bedrock_access.org import load_snapshot
    from bedrock_access.report.matrix_common import exit_status

    catalog = load_catalog()
    check_models(args.model, catalog)
    check_regions(args.region, catalog)
    for account in args.account:
        if not (len(account) == 12 and account.isdigit()):
            raise InputError(f"{account!r} is not a 12-digit account id", field="--account")
    snapshot = load_snapshot(args.snapshot)
    regions = tuple(dict.fromkeys(args.region)) or scp_named_regions(snapshot, catalog)
    models = tuple(dict.fromkeys(args.model)) or default_models(catalog, regions)
    principals = select_principals(snapshot, args.principal, args.account)
    if not principals:
        raise InputError("no principal of the snapshot matches --principal/--account", source=args.snapshot)
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def decide(snap: Any) -> Any:
        chosen = principals if snap is snapshot else select_principals(snap, args.principal, args.account)
        return decide_snapshot(
            snap,
            catalog,
            models=models,
            regions=regions,
            principals=chosen,
            operation=args.operation,
            rcp_services=rcp_supported_services(),
            resource_types=resource_type_prefixes,
            now=now,
        )

    if args.terraform_plan:
        from bedrock_access.cli import matrix_iac

        return matrix_iac.run(args, snapshot, decide, catalog.snapshot_date)
    matrix = decide(snapshot)
    write_report(matrix, args.format, args.output, catalog.snapshot_date)
    return exit_status(matrix)


def write_report(matrix: Any, fmt: str, output: str | None, catalog_snapshot: str) -> None:
    from bedrock_access.report.matrix_csv import write_csv
    from bedrock_access.report.matrix_json import write_json
    from bedrock_access.report.matrix_markdown import write_markdown
    from bedrock_access.report.matrix_text import write_text

    def emit(out: Any) -> None:
        if fmt == "json":
            write_json(matrix, out, catalog_snapshot=catalog_snapshot)
        elif fmt == "csv":
            write_csv(matrix, out)
        elif fmt == "markdown":
            write_markdown(matrix, out, catalog_snapshot=catalog_snapshot)
        elif fmt == "html":
            from bedrock_access.report.matrix_html import write_html

            write_html(matrix, out, catalog_snapshot=catalog_snapshot)
        else:
            write_text(matrix, out, catalog_snapshot=catalog_snapshot)

    write_output(output, emit)


def write_output(output: str | None, emit: Any) -> None:
    """``emit(stream)`` to standard output, or to the file ``output`` written atomically (a run that
    fails leaves nothing half-written)."""
    if output is None:
        emit(sys.stdout)
        return
    import os
    import tempfile
    from pathlib import Path

    target = Path(output)
    if target.is_dir():
        raise InputError("is a directory; give a file name", field="-o", source=output)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"folder {folder} does not exist", field="-o", source=output)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            emit(out)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; a report is an ordinary file
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"bedrock-access: wrote {target}", file=sys.stderr)
