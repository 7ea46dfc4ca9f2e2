"""Terraform (AWS provider) resources equivalent to one ``fix`` alternative's policy changes.

Policy documents are read from the files ``fix --out`` writes (``file("${path.module}/policies/X.json")``).
Values Terraform can look up itself (organization id, management account) come from data sources;
values only the user knows (an IAM Identity Center instance, a control's ARN) are variables with a
description of where to find them. Control Tower-managed SCPs get no resource: Control Tower writes
them, so the Terraform is the landing-zone setting or the ``aws_controltower_control`` that makes it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from bedrock_access.fix.apply_plan import (
    OU_REGION_DENY_CONTROL,
    Principal,
    control_parameters,
    managed_by_control_tower,
    regions_added,
    terraform_name,
)
from bedrock_access.fix.model import PolicyChange


def _file(path: str) -> str:
    return f'file("${{path.module}}/{path}")'


def _ou_arn(target: str) -> str:
    org = "data.aws_organizations_organization.this"
    return f'"arn:aws:organizations::${{{org}.master_account_id}}:ou/${{{org}.id}}/{target}"'


def change_terraform(
    change: PolicyChange,
    path: str,
    principal: Principal,
    vpc_endpoint: str | None,
    *,
    document: str | None = None,
) -> str:
    """The resources for one change; ``path`` is the document's file relative to the alternative, and
    ``document`` an expression that stands for it instead (``jsonencode(...)``)."""
    content = document or _file(path)
    name = terraform_name(change.policy_name)
    layer = change.location.layer
    if change.kind == "ct-govern-regions":
        regions = ", ".join(f'"{r}"' for r in regions_added(change)) or "..."
        return (
            f"# {change.policy_name} is written by Control Tower: no resource. If Terraform manages the landing zone,\n"
            f"# add {regions} to governedRegions in aws_controltower_landing_zone's manifest_json.\n"
        )
    if change.kind == "ct-ou-control":
        control, params = control_parameters(change)
        blocks = "".join(
            f'  parameters {{\n    key   = "{k}"\n    value = jsonencode({json.dumps(v)})\n  }}\n'
            for k, v in params.items()
        )
        target = _ou_arn(change.level_target) if change.level_target else "var.ou_arn"
        return (
            f"# {control or OU_REGION_DENY_CONTROL}: Control Tower writes the SCP {change.policy_name} from these parameters.\n"
            f'resource "aws_controltower_control" "{name}" {{\n'
            "  control_identifier = var.ou_region_deny_control_arn\n"
            f"  target_identifier  = {target}\n{blocks}}}\n"
        )
    if managed_by_control_tower(change):
        return f"# {change.policy_name} is managed by Control Tower: no resource.\n"
    if layer == "scp":
        out = (
            f'resource "aws_organizations_policy" "{name}" {{\n'
            f'  name    = "{change.policy_name}"\n'
            '  type    = "SERVICE_CONTROL_POLICY"\n'
            f"  content = {content}\n}}\n"
        )
        if change.original is None and change.level_target:
            out += (
                f'\nresource "aws_organizations_policy_attachment" "{name}" {{\n'
                f"  policy_id = aws_organizations_policy.{name}.id\n"
                f'  target_id = "{change.level_target}"\n}}\n'
            )
        elif change.original is not None:
            out = (
                f"# existing policy: import it first (terraform import aws_organizations_policy.{name} p-...)\n"
                + out
            )
        return out
    if layer == "identity":
        if principal.kind == "permission-set":
            return (
                f"# IAM Identity Center permission set {principal.name}: this replaces its inline policy.\n"
                f'resource "aws_ssoadmin_permission_set_inline_policy" "{name}" {{\n'
                "  instance_arn       = var.sso_instance_arn\n"
                "  permission_set_arn = var.permission_set_arn\n"
                f"  inline_policy      = {content}\n}}\n"
            )
        kind = "user" if principal.kind == "user" else "role"
        return (
            f'resource "aws_iam_{kind}_policy" "{name}" {{\n'
            f'  name   = "{change.policy_name}"\n'
            f'  {kind:<6} = "{principal.name}"\n'
            f"  policy = {content}\n}}\n"
        )
    if layer == "pb":
        return (
            f'resource "aws_iam_policy" "{name}" {{\n'
            f'  name   = "{change.policy_name}"\n'
            f"  policy = {content}\n}}\n"
            f"# and set permissions_boundary = aws_iam_policy.{name}.arn on {principal.kind} {principal.name}\n"
        )
    if layer == "vpce":
        return (
            f'resource "aws_vpc_endpoint_policy" "{name}" {{\n'
            f'  vpc_endpoint_id = "{vpc_endpoint or "vpce-..."}"\n'
            f"  policy          = {content}\n}}\n"
        )
    return f"# {change.policy_name}: a session policy is passed when the session starts; Terraform has no resource for it.\n"


def alternative_terraform(
    changes: Sequence[PolicyChange],
    paths: Mapping[int, str],
    principal: Principal,
    vpc_endpoint: str | None = None,
) -> str:
    """Every change's resources, with the data sources and variables they use; empty without changes.
    ``paths`` maps a change's position to its document file."""
    if not changes:
        return ""
    body = "\n".join(
        change_terraform(c, paths.get(i, ""), principal, vpc_endpoint) for i, c in enumerate(changes)
    )
    head = ""
    if "data.aws_organizations_organization.this" in body:
        head += 'data "aws_organizations_organization" "this" {}\n\n'
    if "var.ou_region_deny_control_arn" in body:
        head += (
            'variable "ou_region_deny_control_arn" {\n'
            f'  description = "ARN of {OU_REGION_DENY_CONTROL}: aws controlcatalog list-controls '
            f'--query \\"Controls[?Aliases && contains(Aliases, \'{OU_REGION_DENY_CONTROL}\')].Arn | [0]\\""\n'
            "  type        = string\n}\n\n"
        )
    if "var.sso_instance_arn" in body:
        head += (
            'variable "sso_instance_arn" {\n  description = "aws sso-admin list-instances"\n  type = string\n}\n\n'
            'variable "permission_set_arn" {\n'
            f'  description = "the {principal.name} permission set: aws sso-admin list-permission-sets"\n'
            "  type        = string\n}\n\n"
        )
    return head + body
