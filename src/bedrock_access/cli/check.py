"""``bedrock-access check``: will each Bedrock call in a scenario work, and if not, why."""

from __future__ import annotations

import argparse
import sys
from typing import Any

DESCRIPTION = """\
Expand every invocation of a scenario into the authorization checks AWS makes (one per Region hop),
decide each with the IAM engine, and report the verdict, the blocking statement and the error the user
will see. Exit status: 0 all allowed, 1 any denied or invalid, 2 input error.

  bedrock-access check examples/control-tower-region-deny.yaml
  bedrock-access check scenario.yaml --format json
"""


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "check",
        help="will these Bedrock calls work? (the main job)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", help="scenario file (YAML or JSON), see docs/scenario.md")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    import orjson

    from bedrock_access.bedrock.assess import assess
    from bedrock_access.catalog import load_catalog
    from bedrock_access.iam.engine import Authorizer
    from bedrock_access.iam.service_data import rcp_supported_services
    from bedrock_access.report.check_json import check_json, overall_verdict
    from bedrock_access.report.check_text import check_text
    from bedrock_access.scenario import load_scenario

    scenario = load_scenario(args.scenario)
    catalog = load_catalog()
    authorizer = Authorizer(scenario.policy_set(), rcp_services=rcp_supported_services())
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    env = scenario.environment(now=now)
    assessments = [assess(inv, env, catalog, authorizer) for inv in scenario.invocations]
    verdict = overall_verdict(assessments)
    if args.format == "json":
        doc = check_json(
            assessments,
            scenario=args.scenario,
            principal=scenario.caller.principal,
            snapshot=catalog.snapshot_date,
        )
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(
            check_text(
                assessments,
                scenario=args.scenario,
                principal=scenario.caller.principal,
                snapshot=catalog.snapshot_date,
                verdict=verdict,
            )
            + "\n"
        )
    return 0 if verdict == "allowed" else 1
