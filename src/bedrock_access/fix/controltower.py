"""AWS Control Tower's Region denies (shared/domain section 3.5).

The landing-zone control GRREGIONDENY denies every action outside the governed Regions except a fixed
list of global services; it cannot exempt Bedrock, and editing it makes the landing zone drift. The
supported way to let cross-Region inference through is:

1. govern the destination Regions in the landing-zone settings (Control Tower then adds them to
   GRREGIONDENY itself);
2. enable the OU-level control CT.MULTISERVICE.PV.1 on the OU, with ``AllowedRegions`` = the Regions
   governed before, and the invoke actions as ``ExemptedActions`` (its SCP is modelled from the
   control's artifact, section 3.5.2);
3. attach a custom SCP (no drift) that denies those invoke actions outside ``AllowedRegions`` unless
   ``bedrock:InferenceProfileArn`` names a profile of the needed geography.

Together the three keep every other action denied in the newly governed Regions, keep direct model
calls there denied, and admit only model hops routed through the wanted profiles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bedrock_access.bedrock.checks import UNSPECIFIED, AuthorizationCheck
from bedrock_access.fix.documents import as_list, condition_entries, deep, new_document, statements
from bedrock_access.fix.region import (
    PROFILE_KEY,
    REGION_KEY,
    Patch,
    Refusal,
    approve_regions,
    profile_patterns,
    region_clause,
)

CONTROL_ID = "CT.MULTISERVICE.PV.1"
CONTROL_POLICY_NAME = "aws-guardrails-CTMULTISERVICEPV1"
GUARD_POLICY_NAME = "BedrockInvokeThroughProfilesOnly"
MAX_SCPS_PER_TARGET = 5
# The control's own exempted principals (artifact in section 3.5.2), after ExemptedPrincipalArns.
CONTROL_EXEMPT_ROLES = (
    "arn:*:iam::*:role/AWSControlTowerExecution",
    "arn:*:iam::*:role/aws-controltower-ConfigRecorderRole",
    "arn:*:iam::*:role/aws-controltower-ForwardSnsNotificationRole",
    "arn:*:iam::*:role/AWSControlTower_VPCFlowLogsRole",
)


def is_landing_zone_region_deny(policy_name: str, stmt: dict[str, Any]) -> bool:
    sid = str(stmt.get("Sid") or "")
    return sid.upper() == "GRREGIONDENY" or "GRREGIONDENY" in policy_name.upper()


def control_document(
    global_not_actions: Sequence[str],
    allowed_regions: Sequence[str],
    exempted_actions: Sequence[str],
    exempted_principals: Sequence[str] = (),
) -> dict[str, Any]:
    """The SCP CT.MULTISERVICE.PV.1 deploys for these parameters (the control's artifact)."""
    return new_document(
        [
            {
                "Sid": "CTMULTISERVICEPV1",
                "Effect": "Deny",
                "NotAction": [*exempted_actions, *global_not_actions],
                "Resource": "*",
                "Condition": {
                    "StringNotEquals": {REGION_KEY: list(allowed_regions)},
                    "ArnNotLike": {"aws:PrincipalARN": [*exempted_principals, *CONTROL_EXEMPT_ROLES]},
                },
            }
        ]
    )


@dataclass(frozen=True, slots=True)
class ControlTowerPlan:
    governed: Patch  # GRREGIONDENY once the Regions are governed
    control: dict[str, Any]  # CT.MULTISERVICE.PV.1's SCP
    parameters: dict[str, Any]
    guard: dict[str, Any]  # the custom SCP
    control_explanation: tuple[str, ...]
    guard_explanation: tuple[str, ...]


def ou_control_plan(
    doc: dict[str, Any], index: int, checks: Sequence[AuthorizationCheck], *, account: str
) -> ControlTowerPlan | Refusal:
    stmts = statements(doc)
    stmt = stmts[index]
    clause = region_clause(stmt)
    if clause is None or not clause.allow_list:
        return Refusal("the landing-zone Region deny has no aws:RequestedRegion allow-list")
    if any(c.region == UNSPECIFIED for c in checks):
        return Refusal(
            'GRREGIONDENY denies the Region-less hop of global profiles (aws:RequestedRegion "unspecified"), '
            "and Control Tower cannot govern that Region: use a geographic profile"
        )
    for check in checks:
        if check.inference_profile_arn is None:
            return Refusal(
                f"the {check.hop} check is made in {check.region}, outside the governed Regions, without "
                "bedrock:InferenceProfileArn: governing it would open that Region to direct calls too"
            )
    governed = approve_regions(doc, index, checks, governed=True)
    if isinstance(governed, Refusal):
        return governed
    allowed = list(clause.values)
    actions = sorted({c.action for c in checks}, key=str.lower)
    global_list = as_list(stmt.get("NotAction"))
    control = control_document(global_list, allowed, actions)
    parameters = {
        "AllowedRegions": allowed,
        "ExemptedActions": actions,
        "ExemptedPrincipalArns": [],
    }
    geo, glob = profile_patterns(checks, account)
    guard_stmt: dict[str, Any] = {
        "Sid": "DenyBedrockInvokeOutsideAllowedRegionsUnlessProfile",
        "Effect": "Deny",
        "Action": actions[0] if len(actions) == 1 else actions,
        "Resource": "*",
        "Condition": {"StringNotEquals": {REGION_KEY: allowed}},
    }
    # Keep GRREGIONDENY's other conditions (its exempted principals) so nothing else changes.
    for entry in condition_entries(stmt):
        if entry.key.lower() == REGION_KEY.lower():
            continue
        block = guard_stmt["Condition"].setdefault(entry.operator, {})
        block[entry.key] = list(entry.values)
    guard_stmt["Condition"].setdefault("ArnNotLike", {})[PROFILE_KEY] = [*geo, *glob]
    guard = new_document([guard_stmt])
    regions = ", ".join(governed.regions)
    control_explanation = (
        f"enable {CONTROL_ID} on this OU with AllowedRegions {', '.join(allowed)} and ExemptedActions "
        f"{', '.join(actions)}: it re-denies every other action in {regions}",
        "ExemptedPrincipalArns stays empty: exempting the role would lift the Region deny for all its actions",
        "the control also exempts Control Tower's own service roles "
        f"({', '.join(r.rsplit('/', 1)[-1] for r in CONTROL_EXEMPT_ROLES[1:])}), which Control Tower runs in "
        "every governed Region; no other principal gains anything",
    )
    guard_explanation = (
        f"custom SCP (no drift): denies {', '.join(actions)} outside {', '.join(allowed)} unless "
        f"bedrock:InferenceProfileArn matches {', '.join([*geo, *glob])}",
        "direct model calls and profile checks outside the allowed Regions stay denied, as before",
    )
    return ControlTowerPlan(
        governed=Patch(
            document=governed.document,
            explanation=(
                f"govern {regions} in the landing-zone settings; Control Tower adds them to GRREGIONDENY "
                "(shown here); do not edit the SCP by hand (drift)",
            ),
            regions=governed.regions,
        ),
        control=control,
        parameters=parameters,
        guard=guard,
        control_explanation=control_explanation,
        guard_explanation=guard_explanation,
    )


def govern_regions(doc: dict[str, Any], index: int, checks: Sequence[AuthorizationCheck]) -> Patch | Refusal:
    """Only govern the destination Regions in the landing zone (widens every action there)."""
    patch = approve_regions(doc, index, checks, governed=True)
    if isinstance(patch, Refusal):
        return patch
    regions = ", ".join(patch.regions)
    return Patch(
        document=deep(patch.document),
        explanation=(
            f"govern {regions} in the landing-zone settings (Control Tower adds them to GRREGIONDENY); "
            f"every action, not only Bedrock, is then allowed in {regions}",
        ),
        regions=patch.regions,
    )
