"""Small builders shared by the IAM engine tests: policies as dicts, one-call decisions.

Every expected outcome in the test modules is derived from a documented AWS rule (cited on each
test); nothing here encodes an expected result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bedrock_access.iam import Authorizer, Decision, OrgLevel, Policy, PolicySet, Request, parse_policy

ACCOUNT = "111122223333"
OTHER_ACCOUNT = "444455556666"
MANAGEMENT_ACCOUNT = "999988887777"

USER = f"arn:aws:iam::{ACCOUNT}:user/alice"
OTHER_USER = f"arn:aws:iam::{ACCOUNT}:user/bob"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/Dev"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/alice-session"
FEDERATED = f"arn:aws:sts::{ACCOUNT}:federated-user/carol"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
X_USER = f"arn:aws:iam::{OTHER_ACCOUNT}:user/bob"
X_ROOT = f"arn:aws:iam::{OTHER_ACCOUNT}:root"
SLR = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/bedrock.amazonaws.com/AWSServiceRoleForBedrock"
SLR_SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSServiceRoleForBedrock/bedrock-session"
SERVICE = "bedrock.amazonaws.com"

FM = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
FM_EU = "arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
FM_US_EAST_2 = "arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"
PROFILE = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0"
BUCKET_OBJECT = "arn:aws:s3:::amzn-s3-demo-bucket/reports/q1.csv"
X_BUCKET_OBJECT = "arn:aws:s3:::partner-bucket/data.csv"
KMS_KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

V2012 = "2012-10-17"
V2008 = "2008-10-17"


def statement(
    effect: str = "Allow",
    action: str | Sequence[str] | None = "*",
    resource: str | Sequence[str] | None = "*",
    **extra: Any,
) -> dict[str, Any]:
    """A statement dict. ``action``/``resource`` None leaves the element out (use NotAction etc. in extra)."""
    out: dict[str, Any] = {"Effect": effect}
    if action is not None:
        out["Action"] = action if isinstance(action, str) else list(action)
    if resource is not None:
        out["Resource"] = resource if isinstance(resource, str) else list(resource)
    out.update(extra)
    return out


def allow(
    action: str | Sequence[str] = "*", resource: str | Sequence[str] = "*", **extra: Any
) -> dict[str, Any]:
    return statement("Allow", action, resource, **extra)


def deny(
    action: str | Sequence[str] = "*", resource: str | Sequence[str] = "*", **extra: Any
) -> dict[str, Any]:
    return statement("Deny", action, resource, **extra)


def document(*statements: Mapping[str, Any], version: str | None = V2012) -> dict[str, Any]:
    doc: dict[str, Any] = {"Statement": [dict(s) for s in statements]}
    if version is not None:
        doc["Version"] = version
    return doc


def policy(*statements: Mapping[str, Any], name: str = "p", version: str | None = V2012) -> Policy:
    return parse_policy(document(*statements, version=version), name=name)


def full_access(name: str = "FullAWSAccess") -> Policy:
    return policy(allow(), name=name)


def level(identifier: str, *policies: Policy) -> OrgLevel:
    return OrgLevel(identifier, tuple(policies))


def org(*levels: OrgLevel) -> tuple[OrgLevel, ...]:
    return tuple(levels)


def full_org(*extra_at_ou: Policy) -> tuple[OrgLevel, ...]:
    """Root, one OU, the account; FullAWSAccess at each, plus ``extra_at_ou`` at the OU."""
    return (
        level("r-ab12", full_access()),
        level("ou-ab12-workloads", full_access(), *extra_at_ou),
        level(ACCOUNT, full_access()),
    )


def decide(
    policies: PolicySet,
    *,
    principal: str = USER,
    action: str = "s3:GetObject",
    resource: str = BUCKET_OBJECT,
    context: Mapping[str, Any] | None = None,
    resource_account: str | None = None,
    rcp_services: frozenset[str] | None = None,
) -> Decision:
    authorizer = Authorizer(policies, rcp_services=rcp_services)
    return authorizer.authorize(
        Request(
            principal=principal,
            action=action,
            resource=resource,
            context=dict(context or {}),
            resource_account=resource_account,
        )
    )


def outcome(policies: PolicySet, **kwargs: Any) -> str:
    return decide(policies, **kwargs).outcome


def identity_outcome(*statements: Mapping[str, Any], version: str | None = V2012, **kwargs: Any) -> str:
    """The decision with ``statements`` as the caller's only (identity) policy."""
    return outcome(PolicySet(identity=(policy(*statements, version=version),)), **kwargs)


def condition_holds(
    condition: Mapping[str, Any],
    context: Mapping[str, Any] | None = None,
    *,
    version: str | None = V2012,
) -> bool:
    """Whether an identity Allow guarded by ``condition`` grants: the condition block evaluated to true."""
    return identity_outcome(allow(Condition=dict(condition)), version=version, context=context) == "Allowed"


def layers(decision: Decision) -> list[tuple[str, str | None]]:
    return [(d.type, d.level) for d in decision.decisive]
