"""One principal of a snapshot, calling given models from given Regions, as a scenario document.

The document is an ordinary scenario (docs/scenario.md) with the policies inline, read back by the
scenario loader: so ``fix`` (and ``check``) work on a matrix cell exactly as on a hand-written scenario,
and the scenario holds the same stack ``matrix`` decided (identity policies, boundary, SCP levels root →
OUs → account, the management account, the organization id, the principal's tags as
``aws:PrincipalTag/...``). RCPs are left out: the scenario format has no RCP layer, and RCPs do not
apply to Bedrock (AWS's list of services that support RCPs does not name it).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bedrock_access.errors import InputError
from bedrock_access.org.model import Principal, Snapshot
from bedrock_access.org.stack import StackBuilder
from bedrock_access.scenario import Scenario, parse_scenario


def find_principal(snapshot: Snapshot, principal_arn: str) -> Principal:
    for principal in snapshot.principals:
        if principal.arn == principal_arn:
            return principal
    near = [p.arn for p in snapshot.principals if principal_arn.rsplit("/", 1)[-1] in p.arn][:3]
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise InputError(
        f"no principal {principal_arn!r} in the snapshot{hint}", source=snapshot.source, field="--principal"
    )


def scenario_document(
    snapshot: Snapshot,
    principal: Principal,
    calls: Sequence[tuple[str, str]],
    operation: str = "InvokeModel",
) -> dict[str, Any]:
    builder = StackBuilder(snapshot)
    doc: dict[str, Any] = {
        "description": f"{principal.arn} from snapshot {snapshot.source}"
        + (f" (permission set {principal.permission_set})" if principal.permission_set else ""),
        "principal": principal.arn,
        "identity_policies": [
            {"name": d.name, "document": dict(d.document)}
            for d in principal.identity
            if d.document is not None
        ],
    }
    if principal.boundary is not None and principal.boundary.document is not None:
        doc["permission_boundary"] = {
            "name": principal.boundary.name,
            "document": dict(principal.boundary.document),
        }
    has_scps = any(p.type == "SERVICE_CONTROL_POLICY" for p in snapshot.policies)
    organization: dict[str, Any] = {}
    if snapshot.org_id:
        organization["id"] = snapshot.org_id
    if snapshot.management_account:
        organization["management_account"] = snapshot.management_account
    if has_scps:
        organization["scps"] = [
            {
                "target": level.target,
                "policies": [{"name": p.name, "document": dict(p.document)} for p in level.policies],
            }
            for level in builder.levels(principal.account_id, "SERVICE_CONTROL_POLICY")
        ]
    if organization:
        doc["organization"] = organization
    if principal.tags:
        doc["context"] = {f"aws:PrincipalTag/{k}": v for k, v in principal.tags.items()}
    doc["invocations"] = [
        {"label": f"{model} from {region}", "model": model, "region": region, "operation": operation}
        for model, region in calls
    ]
    return doc


def snapshot_scenario(
    snapshot: Snapshot,
    principal_arn: str,
    calls: Sequence[tuple[str, str]],
    operation: str = "InvokeModel",
) -> Scenario:
    """The scenario of one snapshot principal making ``calls`` ((model, Region) pairs)."""
    principal = find_principal(snapshot, principal_arn)
    document = scenario_document(snapshot, principal, calls, operation)
    return parse_scenario(json.dumps(document), source=f"{snapshot.source} [{principal.arn}]")
