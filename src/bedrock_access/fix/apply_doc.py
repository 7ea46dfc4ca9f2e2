"""APPLY.md for one ``fix`` alternative: the commands that make the change in AWS, in order, and the
equivalent Terraform. Commands are ready to run from the alternative's folder (documents are read with
``file://``); values the AWS CLI can look up (a policy id, the organization id, a control's ARN) are
looked up by the commands themselves. Pure: the writer saves the text.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping, Sequence

from bedrock_access.fix.apply_plan import (
    OU_REGION_DENY_CONTROL,
    Principal,
    control_parameters,
    managed_by_control_tower,
    regions_added,
)
from bedrock_access.fix.model import Alternative, PolicyChange
from bedrock_access.report.fix_terraform import alternative_terraform

_ORG = (
    "ORG_ID=$(aws organizations describe-organization --query Organization.Id --output text)\n"
    "MANAGEMENT=$(aws organizations describe-organization --query Organization.MasterAccountId --output text)\n"
)


def _q(text: str) -> str:
    return shlex.quote(text)


def _scp_commands(change: PolicyChange, path: str) -> str:
    name = change.policy_name
    if change.original is None:
        out = (
            "POLICY_ID=$(aws organizations create-policy --type SERVICE_CONTROL_POLICY "
            f"--name {_q(name)} --description {_q('bedrock-access fix: ' + name)} "
            f"--content file://{path} --query Policy.PolicySummary.Id --output text)\n"
        )
        if change.level_target:
            out += f'aws organizations attach-policy --policy-id "$POLICY_ID" --target-id {_q(change.level_target)}\n'
        return out
    lookup = f"Policies[?Name=='{name}'].Id | [0]"
    return (
        "POLICY_ID=$(aws organizations list-policies --filter SERVICE_CONTROL_POLICY "
        f'--query "{lookup}" --output text)\n'
        f'aws organizations update-policy --policy-id "$POLICY_ID" --content file://{path}\n'
    )


def _identity_commands(change: PolicyChange, path: str, principal: Principal) -> str:
    name = change.policy_name
    if principal.kind == "permission-set":
        lookup = "PermissionSet.Name"
        return (
            "INSTANCE_ARN=$(aws sso-admin list-instances --query 'Instances[0].InstanceArn' --output text)\n"
            'for ps in $(aws sso-admin list-permission-sets --instance-arn "$INSTANCE_ARN" '
            "--query 'PermissionSets[]' --output text); do\n"
            f'  [ "$(aws sso-admin describe-permission-set --instance-arn "$INSTANCE_ARN" --permission-set-arn "$ps" '
            f'--query {lookup} --output text)" = {_q(principal.name)} ] && PERMISSION_SET_ARN=$ps\n'
            "done\n"
            "# replaces the permission set's inline policy: merge first if it has other statements\n"
            'aws sso-admin put-inline-policy-to-permission-set --instance-arn "$INSTANCE_ARN" '
            f'--permission-set-arn "$PERMISSION_SET_ARN" --inline-policy file://{path}\n'
            'aws sso-admin provision-permission-set --instance-arn "$INSTANCE_ARN" '
            '--permission-set-arn "$PERMISSION_SET_ARN" --target-type ALL_PROVISIONED_ACCOUNTS\n'
        )
    if principal.kind == "user":
        return (
            f"aws iam put-user-policy --user-name {_q(principal.name)} --policy-name {_q(name)} "
            f"--policy-document file://{path}\n"
        )
    out = (
        f"aws iam put-role-policy --role-name {_q(principal.name)} --policy-name {_q(name)} "
        f"--policy-document file://{path}\n"
    )
    if change.original is not None:
        out += (
            f"# if {name} is a managed policy rather than an inline one:\n"
            f"# aws iam create-policy-version --policy-arn arn:aws:iam::{principal.account}:policy/{name} "
            f"--policy-document file://{path} --set-as-default\n"
        )
    return out


def _control_tower_commands(change: PolicyChange) -> str:
    if change.kind == "ct-govern-regions":
        regions = json.dumps(list(regions_added(change)))
        edit = (
            'import json; m = json.load(open("manifest.json")); '
            f'm["governedRegions"] = sorted(set(m.get("governedRegions", [])) | set({regions})); '
            'json.dump(m, open("manifest.json", "w"), indent=2)'
        )
        return (
            "LANDING_ZONE=$(aws controltower list-landing-zones --query 'landingZones[0].arn' --output text)\n"
            'aws controltower get-landing-zone --landing-zone-identifier "$LANDING_ZONE" '
            "--query landingZone.manifest > manifest.json\n"
            f"python3 -c '{edit}'\n"
            'aws controltower update-landing-zone --landing-zone-identifier "$LANDING_ZONE" '
            '--landing-zone-version "$(aws controltower get-landing-zone --landing-zone-identifier "$LANDING_ZONE" '
            '--query landingZone.version --output text)" --manifest file://manifest.json\n'
        )
    control, params = control_parameters(change)
    control = control or OU_REGION_DENY_CONTROL
    parameters = json.dumps([{"key": k, "value": v} for k, v in params.items()], separators=(",", ":"))
    lookup = f"Controls[?Aliases && contains(Aliases, '{control}')].Arn | [0]"
    return (
        f'CONTROL_ARN=$(aws controlcatalog list-controls --query "{lookup}" --output text)\n'
        + _ORG
        + 'aws controltower enable-control --control-identifier "$CONTROL_ARN" '
        f'--target-identifier "arn:aws:organizations::$MANAGEMENT:ou/$ORG_ID/{change.level_target}" '
        f"--parameters {_q(parameters)}\n"
        f"# already enabled on this OU? use aws controltower update-enabled-control with the same parameters\n"
    )


def step_title(change: PolicyChange) -> str:
    if change.kind == "ct-govern-regions":
        regions = ", ".join(regions_added(change)) or "the Regions"
        return f"govern {regions} in the Control Tower landing zone (it rewrites {change.policy_name})"
    if change.kind == "ct-ou-control":
        control, _ = control_parameters(change)
        return f"enable {control or OU_REGION_DENY_CONTROL} on {change.level_target} (it writes {change.policy_name})"
    return change.title


def change_commands(change: PolicyChange, path: str, principal: Principal, vpc_endpoint: str | None) -> str:
    layer = change.location.layer
    if change.kind in ("ct-govern-regions", "ct-ou-control"):
        return _control_tower_commands(change)
    if managed_by_control_tower(change):
        return f"# {change.policy_name} is managed by Control Tower: change it through Control Tower only\n"
    if layer == "scp":
        return _scp_commands(change, path)
    if layer == "identity":
        return _identity_commands(change, path, principal)
    if layer == "pb":
        arn = f"arn:aws:iam::{principal.account}:policy/{change.policy_name}"
        if change.original is None:
            return (
                f"aws iam create-policy --policy-name {_q(change.policy_name)} --policy-document file://{path}\n"
                f"aws iam put-{'user' if principal.kind == 'user' else 'role'}-permissions-boundary "
                f"--{'user' if principal.kind == 'user' else 'role'}-name {_q(principal.name)} "
                f"--permissions-boundary {arn}\n"
            )
        return f"aws iam create-policy-version --policy-arn {arn} --policy-document file://{path} --set-as-default\n"
    if layer == "vpce":
        return (
            f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {_q(vpc_endpoint or 'vpce-...')} "
            f"--policy-document file://{path}\n"
        )
    return (
        f"# pass the session policy when the session starts: aws sts assume-role ... --policy file://{path}\n"
    )


def apply_markdown(
    alt: Alternative,
    paths: Mapping[int, str],
    principal: Principal,
    *,
    scenario_source: str,
    vpc_endpoint: str | None = None,
) -> str:
    """The APPLY.md text; ``paths`` maps a change's position to its file, relative to the folder."""
    lines = [
        f"# Applying `{alt.name}`",
        "",
        f"{alt.summary[:1].upper()}{alt.summary[1:]}.",
        "",
        f"Proposed by `bedrock-access fix {scenario_source}` and checked on `scenario.yaml` in this folder:",
        "`bedrock-access check scenario.yaml` shows every call allowed. Run the commands from this folder,",
        "with credentials of the organization's management account (SCPs, Control Tower) or of the",
        "account that owns the role (IAM).",
        "",
    ]
    managed = [c for c in alt.changes if managed_by_control_tower(c)]
    if managed:
        lines.append("## Managed by Control Tower: not to be applied by hand")
        lines.append("")
        for change in managed:
            where = paths.get(alt.changes.index(change))
            lines.append(
                f"- `{change.policy_name}` at `{change.level_target}`"
                + (f" (`{where}`)" if where else "")
                + ": Control Tower writes this SCP. The file models it so that the proof can evaluate it; "
                "never attach or edit it by hand (Control Tower reports drift and overwrites it). "
                "The commands below change it through Control Tower."
            )
        lines.append("")
    steps = [
        (i, c, change_commands(c, paths.get(i, ""), principal, vpc_endpoint))
        for i, c in enumerate(alt.changes)
    ]
    if steps:
        lines.append("## Commands (AWS CLI)")
        lines.append("")
        for n, (_, change, commands) in enumerate(steps, 1):
            lines.append(f"{n}. {step_title(change)}")
            lines.append("")
            lines.append("```bash")
            lines.extend(commands.rstrip("\n").splitlines())
            lines.append("```")
            lines.append("")
    if alt.client_changes or alt.client_settings is not None:
        lines.append("## Client settings")
        lines.append("")
        for cc in alt.client_changes:
            lines.append(f"- {cc.label}: {cc.field} `{cc.before}` → `{cc.after}`")
        if alt.client_settings is not None:
            lines.append("- the full settings are in `client-settings.json`")
        lines.append("")
    terraform = alternative_terraform(alt.changes, paths, principal, vpc_endpoint)
    if terraform:
        lines.append("## Terraform")
        lines.append("")
        lines.append("The same changes as Terraform (AWS provider) resources:")
        lines.append("")
        lines.append("```hcl")
        lines.extend(terraform.rstrip("\n").splitlines())
        lines.append("```")
        lines.append("")
    return "\n".join(lines)


def written_paths(changes: Sequence[PolicyChange], files: Mapping[str, str]) -> dict[int, str]:
    """Each change's document file among ``files`` (path -> text), matched by content."""
    out: dict[int, str] = {}
    for i, change in enumerate(changes):
        text = json.dumps(dict(change.document), indent=2, ensure_ascii=False) + "\n"
        for path, body in files.items():
            if body == text:
                out[i] = path
                break
    return out
