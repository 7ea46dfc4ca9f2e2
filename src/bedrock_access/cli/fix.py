"""``bedrock-access fix``: proven changes that make a scenario's failing Bedrock calls work."""

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
        help="propose proven policy or client changes for failing Bedrock calls",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", help="scenario file (YAML or JSON), see docs/scenario.md")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--out",
        metavar="DIR",
        help="write the changed documents and a patched scenario (DIR/scenario.yaml) to this new directory",
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
    p.set_defaults(run=run)


def _client_resolver(scenario_path: str) -> Any:
    """Reads a changed ``client:`` section back the way the scenario loader does (files relative to the
    scenario), so the fix is proven through the client's own settings."""
    from pathlib import Path

    from bedrock_access.clients import resolve
    from bedrock_access.clients.local import load_client_section

    base_dir = Path(scenario_path).parent

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
    for vpce in args.allow_vpce:
        if not vpce.startswith("vpce-") or len(vpce) < 8:
            raise InputError(f"expected a VPC endpoint id (vpce-...), not {vpce!r}", field="--allow-vpce")
    return FixOptions(
        allow_cidrs=tuple(dict.fromkeys(args.allow_cidr)),
        allow_vpces=tuple(dict.fromkeys(args.allow_vpce)),
        client_lists_models=bool(args.client_lists_models),
        now=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        rcp_services=rcp_supported_services(),
        resource_types=resource_type_prefixes,
        validator=_validator(),
        resolve_client=_client_resolver(args.scenario),
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


def run(args: argparse.Namespace) -> int:
    from pathlib import Path

    import orjson

    from bedrock_access.catalog import load_catalog
    from bedrock_access.fix import propose_fixes
    from bedrock_access.report.fix_json import fix_json
    from bedrock_access.report.fix_text import fix_text
    from bedrock_access.scenario import load_scenario

    out = Path(args.out) if args.out else None
    if out is not None:
        from bedrock_access.fix.writer import check_out_dir

        check_out_dir(out)
    options = _options(args)
    scenario = load_scenario(args.scenario)
    report = propose_fixes(scenario, load_catalog(), options)
    doc = fix_json(report)
    written: list[str] = []
    skipped = None
    if out is not None:
        if report.exit_code == 0 and report.alternatives:
            from bedrock_access.fix.writer import planned_files, write_out

            written = write_out(out, planned_files(scenario, report, doc))
        elif report.exit_code == 0:
            skipped = "nothing to write: every invocation is allowed"
        else:
            skipped = f"{out} not written: not every failing invocation has a checked fix"
    if args.format == "json":
        if written:
            doc["written"] = written
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(fix_text(report, written=written) + "\n")
    if skipped:
        print(f"bedrock-access: {skipped}", file=sys.stderr)
    code: int = report.exit_code
    return code
