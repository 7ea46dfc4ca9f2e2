"""``fix --terraform-plan`` / ``--terraform``: wiring only. The plan's policies are laid over the scenario
as ``check --terraform-plan`` lays them (after apply), and the fixes are printed as Terraform keyed by the
plan's addresses (``report.fix_terraform_plan``)."""

from __future__ import annotations

import argparse
from typing import Any

from bedrock_access.errors import InputError


def add_arguments(p: Any) -> None:
    group = p.add_argument_group("policy as code (docs/policy-as-code.md)")
    group.add_argument(
        "--terraform-plan",
        metavar="PLAN.json",
        help="fix the calls as this plan leaves them (`terraform show -json PLANFILE` output)",
    )
    group.add_argument(
        "--terraform",
        action="store_true",
        help="print each alternative's policy changes as Terraform (keyed by the plan's addresses with "
        "--terraform-plan) instead of the report",
    )


def overlay_plan(args: argparse.Namespace, scenario: Any) -> tuple[Any, Any]:
    """The scenario after the plan, and where each of its policies is written (empty without a plan)."""
    if not getattr(args, "terraform_plan", None):
        return scenario, {}
    if args.out:
        raise InputError(
            "--out writes scenario files; with --terraform-plan the changes belong in Terraform: use --terraform",
            field="--out",
        )
    from bedrock_access.iac.load import load_plan
    from bedrock_access.iac.overlay import overlay
    from bedrock_access.iac.terraform import read_plan

    change = read_plan(load_plan(args.terraform_plan), args.terraform_plan)
    after = overlay(scenario, change, change.after)
    return after.scenario, after.provenance


def terraform(report: Any, scenario: Any, provenance: Any) -> str:
    from bedrock_access.fix.apply_plan import principal_of
    from bedrock_access.report.fix_terraform_plan import alternative_hcl

    principal = principal_of(scenario.caller.principal_arn, scenario.caller.account)
    if not report.alternatives:
        reason = "every call is allowed" if not report.failing else "no alternative fixes every failing call"
        return f"# no change to write: {reason}\n"
    parts = [
        alternative_hcl(alt, provenance, principal, scenario.network.vpc_endpoint)
        for alt in report.alternatives
    ]
    return "\n\n".join(parts) + "\n"
