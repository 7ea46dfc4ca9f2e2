"""Focused cases from the differential findings (tests/differential/FINDINGS.md), through bedrock_access.iam.

X1-X7: the pinned oracle answers differently from AWS; our engine gives the AWS-documented decision, and
these tests keep it that way (the oracle cannot guard them).

E1-E3: our engine deviated from the AWS documentation; all three are fixed. Open bugs would be ``xfail(strict=True)`` and turn red
once fixed (then drop the marker); E3 is already fixed in the engine and stays as a plain regression test.
"""

from __future__ import annotations

from typing import Any

import pytest

from bedrock_access.iam import OrgLevel, PolicySet, Request, parse_policy
from bedrock_access.iam.model import Policy
from bedrock_access.iam.service_data import aws_authorizer

pytestmark = pytest.mark.differential

ACCOUNT = "111122223333"
ALICE = f"arn:aws:iam::{ACCOUNT}:user/alice"
HAIKU = "anthropic.claude-3-haiku-20240307-v1:0"
FM_US_EAST_1 = f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU}"


def _policy(name: str, *statements: dict[str, Any]) -> Policy:
    return parse_policy({"Version": "2012-10-17", "Statement": list(statements)}, name=name)


def _allow(action: str, resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def _decide(policies: PolicySet, principal: str, action: str, resource: str, **context: Any) -> str:
    request = Request(principal=principal, action=action, resource=resource, context=context)
    return aws_authorizer(policies).authorize(request).outcome


def test_x1_region_less_global_foundation_model_arn() -> None:
    """Global cross-Region inference authorises arn:aws:bedrock:::foundation-model/... (BEDROCK-CRIS)."""
    resource = f"arn:aws:bedrock:::foundation-model/{HAIKU}"
    for pattern, expected in (
        ("arn:aws:bedrock:::foundation-model/*", "Allowed"),
        ("arn:aws:bedrock:*::foundation-model/*", "Allowed"),
        ("arn:aws:bedrock:us-east-1::foundation-model/*", "ImplicitlyDenied"),
    ):
        policies = PolicySet(identity=(_policy("Global", _allow("bedrock:InvokeModel", pattern)),))
        assert _decide(policies, ALICE, "bedrock:InvokeModel", resource) == expected, pattern


def test_x2_root_user_needs_no_identity_policy_but_scps_apply() -> None:
    """access_policies.html#access_policies-root: no identity policies for root; SCPs restrict it."""
    root = f"arn:aws:iam::{ACCOUNT}:root"
    assert _decide(PolicySet(), root, "bedrock:InvokeModel", FM_US_EAST_1) == "Allowed"
    region_deny = _policy(
        "RegionDeny",
        {
            "Effect": "Deny",
            "NotAction": ["iam:*", "sts:*"],
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-west-2"]}},
        },
    )
    full = _policy("FullAWSAccess", _allow("*"))
    scps = PolicySet(scp_levels=(OrgLevel("r-ab12", (full, region_deny)),))
    outcome = _decide(scps, root, "bedrock:InvokeModel", FM_US_EAST_1, **{"aws:RequestedRegion": "us-east-1"})
    assert outcome == "ExplicitlyDenied"


def test_x3_grant_to_the_session_arn_is_not_limited_by_the_session_policy() -> None:
    """access_policies.html#policies_session: such grants "are not limited by the session policy"."""
    role = f"arn:aws:iam::{ACCOUNT}:role/BedrockRole"
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/BedrockRole/alice-session"
    queue = f"arn:aws:sqs:us-east-1:{ACCOUNT}:ml-jobs"
    session_policy = _policy("Session", _allow("ec2:DescribeInstances"))
    for named, expected in ((session, "Allowed"), (role, "ImplicitlyDenied")):
        grant = {
            "Effect": "Allow",
            "Principal": {"AWS": named},
            "Action": "sqs:SendMessage",
            "Resource": queue,
        }
        policies = PolicySet(resource=_policy("QueuePolicy", grant), session=session_policy)
        context = {"aws:PrincipalArn": role}
        assert _decide(policies, session, "sqs:SendMessage", queue, **context) == expected, named


@pytest.mark.parametrize(
    ("operator", "policy_value", "source_ip", "expected"),
    [
        ("NotIpAddress", "192.0.2.44", "2001:db8:abcd::1", "Allowed"),  # IPv6 is outside 192.0.2.44/32
        ("NotIpAddress", "2001:db8:abcd::1", "203.0.113.10", "Allowed"),
        ("IpAddress", "2001:DB8:ABCD::1", "2001:db8:abcd::1", "Allowed"),  # same address, other spelling
        ("IpAddress", "2001:db8:abcd:0:0:0:0:1", "2001:db8:abcd::1", "Allowed"),
        ("NotIpAddress", "192.0.2.44", "192.0.2.44", "ImplicitlyDenied"),
    ],
)
def test_x4_bare_ip_address_is_a_single_address_block(
    operator: str, policy_value: str, source_ip: str, expected: str
) -> None:
    """OPS, IP address operators: an address without prefix is a /32 block (and /128 for IPv6)."""
    statement = _allow("bedrock:InvokeModel", Condition={operator: {"aws:SourceIp": policy_value}})
    policies = PolicySet(identity=(_policy("SourceIp", statement),))
    assert (
        _decide(policies, ALICE, "bedrock:InvokeModel", FM_US_EAST_1, **{"aws:SourceIp": source_ip})
        == expected
    )


def test_x5_federated_user_without_session_policy_has_no_permissions() -> None:
    """GetFederationToken: "if you do not pass any session policies, ... no permissions"."""
    federated = f"arn:aws:sts::{ACCOUNT}:federated-user/bob"
    queue = f"arn:aws:sqs:us-east-1:{ACCOUNT}:ml-jobs"
    identity = (_policy("UserPolicy", _allow("sqs:*")),)
    assert _decide(PolicySet(identity=identity), federated, "sqs:SendMessage", queue) == "ImplicitlyDenied"
    with_session = PolicySet(identity=identity, session=_policy("Session", _allow("sqs:SendMessage")))
    assert _decide(with_session, federated, "sqs:SendMessage", queue) == "Allowed"


def test_x6_arn_operator_substitutes_variables_in_every_field() -> None:
    """VARS, Condition element: variables work in ARN operators; only Resource limits them."""
    role = f"arn:aws:iam::{ACCOUNT}:role/team/ml/DataScientist"
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/DataScientist/alice-session"
    context = {"aws:PrincipalArn": role, "aws:PrincipalAccount": ACCOUNT}
    for pattern, expected in (
        ("arn:aws:iam::${aws:PrincipalAccount}:role/*", "Allowed"),
        ("arn:aws:iam::${aws:PrincipalAccount}:role/other/*", "ImplicitlyDenied"),
    ):
        statement = _allow("bedrock:InvokeModel", Condition={"ArnLike": {"aws:PrincipalArn": pattern}})
        policies = PolicySet(identity=(_policy("ArnVariable", statement),))
        assert _decide(policies, session, "bedrock:InvokeModel", FM_US_EAST_1, **context) == expected, pattern


@pytest.mark.parametrize(("escape", "char"), [("${*}", "*"), ("${?}", "?"), ("${$}", "$")])
def test_x7_special_character_variables_in_string_equals(escape: str, char: str) -> None:
    """VARS, Special characters: usable "in any string where you can use regular policy variables"."""
    statement = _allow(
        "bedrock:InvokeModel", Condition={"StringEquals": {"aws:PrincipalTag/project": f"cost{escape}center"}}
    )
    policies = PolicySet(identity=(_policy("SpecialCharacters", statement),))
    for value, expected in ((f"cost{char}center", "Allowed"), ("cost-center", "ImplicitlyDenied")):
        context = {"aws:PrincipalTag/project": value}
        assert _decide(policies, ALICE, "bedrock:InvokeModel", FM_US_EAST_1, **context) == expected, value


# --- engine bugs found by the differential run (FINDINGS.md, E1-E3) ----------------------------------

QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:ml-jobs"


@pytest.mark.parametrize(
    "pattern", ["arn:aws:sqs", "arn:aws:sqs:us-east-1", f"arn:aws:sqs:us-east-1:{ACCOUNT}"]
)
def test_e1_incomplete_arn_in_an_identity_policy_is_completed_with_wildcards(pattern: str) -> None:
    """reference-arns.html: "specifying arn:aws:sqs is equivalent to arn:aws:sqs:*:*:*" in an
    identity-based policy. Both an Allow and a Deny written that way must apply."""
    allow = PolicySet(identity=(_policy("ShortAllow", _allow("sqs:SendMessage", pattern)),))
    assert _decide(allow, ALICE, "sqs:SendMessage", QUEUE) == "Allowed"
    deny = {"Effect": "Deny", "Action": "sqs:SendMessage", "Resource": pattern}
    denied = PolicySet(identity=(_policy("ShortDeny", _allow("sqs:*"), deny),))
    assert _decide(denied, ALICE, "sqs:SendMessage", QUEUE) == "ExplicitlyDenied"


def test_e1_incomplete_arn_for_another_region_still_does_not_match() -> None:
    """The control case, which passes today: completion adds fields, it does not widen the Region."""
    allow = PolicySet(identity=(_policy("ShortAllow", _allow("sqs:SendMessage", "arn:aws:sqs:us-west-2")),))
    assert _decide(allow, ALICE, "sqs:SendMessage", QUEUE) == "ImplicitlyDenied"


@pytest.mark.parametrize(
    "pattern",
    [
        "arn:aws:bedrock:*:*:*/anthropic.*",
        "arn:aws:bedrock:*::*-model/anthropic.*",
        "arn:aws:bedrock:us-east-1::foundation-mode?/*",
        # Same page: "You also cannot ... have a wildcard in the partition section of an ARN."
        "arn:*:bedrock:*::foundation-model/*",
    ],
)
def test_e2_wildcard_inside_the_resource_type_names_nothing(pattern: str) -> None:
    """reference-arns.html: "You cannot use a wildcard in the portion of the ARN that specifies the
    resource type ... not valid". A pattern that is not valid grants nothing and denies nothing."""
    allow = PolicySet(identity=(_policy("Wild", _allow("bedrock:InvokeModel", pattern)),))
    assert _decide(allow, ALICE, "bedrock:InvokeModel", FM_US_EAST_1) == "ImplicitlyDenied"
    deny = {"Effect": "Deny", "Action": "bedrock:InvokeModel", "Resource": pattern}
    denied = PolicySet(identity=(_policy("WildDeny", _allow("bedrock:*"), deny),))
    assert _decide(denied, ALICE, "bedrock:InvokeModel", FM_US_EAST_1) == "Allowed"


def test_e2_whole_resource_wildcard_and_type_less_names_still_match() -> None:
    """The control cases: ``*`` as the whole resource part, and names that have no resource type."""
    for pattern, action, resource in (
        ("arn:aws:bedrock:*:*:*", "bedrock:InvokeModel", FM_US_EAST_1),
        ("arn:aws:bedrock:*::foundation-model/anthropic.*", "bedrock:InvokeModel", FM_US_EAST_1),
        (f"arn:aws:sqs:us-east-1:{ACCOUNT}:ml-*", "sqs:SendMessage", QUEUE),
    ):
        policies = PolicySet(identity=(_policy("Control", _allow(action, pattern)),))
        assert _decide(policies, ALICE, action, resource) == "Allowed", pattern


def test_e3_variable_before_the_resource_part_is_literal_text() -> None:
    """VARS: variables stand "only in the resource portion of the ARN"; before the fifth colon
    ``${...}`` is not substituted, so the pattern names nothing real (fixed in the engine)."""
    pattern = "arn:aws:bedrock:${aws:RequestedRegion}::foundation-model/*"
    policies = PolicySet(identity=(_policy("EarlyVariable", _allow("bedrock:InvokeModel", pattern)),))
    context = {"aws:RequestedRegion": "us-east-1"}
    assert _decide(policies, ALICE, "bedrock:InvokeModel", FM_US_EAST_1, **context) == "ImplicitlyDenied"
    in_resource_part = "arn:aws:bedrock:us-east-1::foundation-model/${aws:PrincipalTag/model}"
    policies = PolicySet(identity=(_policy("LateVariable", _allow("bedrock:InvokeModel", in_resource_part)),))
    context = {"aws:PrincipalTag/model": HAIKU}
    assert _decide(policies, ALICE, "bedrock:InvokeModel", FM_US_EAST_1, **context) == "Allowed"
