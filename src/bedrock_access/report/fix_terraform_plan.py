"""``fix --terraform``: each alternative's policy changes as Terraform, keyed by the plan's addresses.

A change to a policy the plan manages is the attribute to set on that resource (its address as the plan
names it, so the edit lands in the right block of a pull request); a policy the plan does not manage is
the resources to add, as ``report.fix_terraform`` writes them. Documents are ``jsonencode`` expressions,
with Terraform's template sequences (``${``, ``%{``) escaped so IAM policy variables stay literal.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bedrock_access.fix.apply_plan import Principal
from bedrock_access.fix.model import Alternative, PolicyChange
from bedrock_access.iac.overlay import Provenance
from bedrock_access.report.fix_terraform import change_terraform

# The attribute that holds the document, per resource type the plan reader maps to a layer.
DOCUMENT_ATTRIBUTE: Mapping[str, str] = {
    "aws_organizations_policy": "content",
    "aws_iam_policy": "policy",
    "aws_iam_role_policy": "policy",
    "aws_ssoadmin_permission_set_inline_policy": "inline_policy",
    "aws_vpc_endpoint": "policy",
    "aws_vpc_endpoint_policy": "policy",
}


def _string(text: str) -> str:
    return json.dumps(text).replace("${", "$${").replace("%{", "%%{")


def hcl(value: Any, indent: str = "") -> str:
    """A JSON value as an HCL expression (objects with quoted keys, so ``aws:RequestedRegion`` is a key)."""
    inner = indent + "  "
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [f"{inner}{_string(str(k))} = {hcl(v, inner)}" for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{indent}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        if all(not isinstance(v, Mapping | list | tuple) for v in value) and len(value) <= 4:
            return "[" + ", ".join(hcl(v, inner) for v in value) + "]"
        return "[\n" + ",\n".join(f"{inner}{hcl(v, inner)}" for v in value) + f",\n{indent}]"
    if isinstance(value, str):
        return _string(value)
    return json.dumps(value)


def document_expression(document: Mapping[str, Any], indent: str = "") -> str:
    return f"jsonencode({hcl(document, indent)})"


def resource_type(address: str) -> str:
    """``module.org.aws_organizations_policy.deny["eu"]`` -> ``aws_organizations_policy``."""
    parts = [p for p in address.split(".") if p]
    while len(parts) > 2 and parts[0] == "module":
        parts = parts[2:]
    if parts and parts[0] == "data":
        parts = parts[1:]
    return parts[0] if parts else address


def address_of(change: PolicyChange, provenance: Provenance) -> str | None:
    layer = change.location.layer
    return provenance.get((layer, change.level_target, change.policy_name)) or provenance.get(
        (layer, None, change.policy_name)
    )


def change_hcl(
    change: PolicyChange, provenance: Provenance, principal: Principal, vpc_endpoint: str | None
) -> str:
    address = address_of(change, provenance)
    if address is None:
        return change_terraform(
            change, "", principal, vpc_endpoint, document=document_expression(change.document)
        )
    kind = resource_type(address)
    if kind == "aws_iam_role":
        return (
            f"# {address}: in its inline_policy block named {json.dumps(change.policy_name)}, set\n"
            f"policy = {document_expression(change.document)}\n"
        )
    attribute = DOCUMENT_ATTRIBUTE.get(kind, "policy")
    return f"# {address}: set\n{attribute} = {document_expression(change.document)}\n"


def alternative_hcl(
    alternative: Alternative, provenance: Provenance, principal: Principal, vpc_endpoint: str | None
) -> str:
    lines = [f"# Alternative: {alternative.name}: {alternative.summary}"]
    if not alternative.changes:
        lines.append("# no policy change: the fix is in the client's settings or the call itself")
    lines.extend(change_hcl(c, provenance, principal, vpc_endpoint) for c in alternative.changes)
    return "\n".join(lines)
