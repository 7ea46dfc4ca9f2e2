"""Focused cases from the differential findings (tests/differential/FINDINGS.md), through bedrock_access.iam.

On each of these the pinned oracle answers differently from AWS; our engine gives the AWS-documented
decision, and these tests keep it that way (the oracle cannot guard them). An engine bug found by the
differential run would be added here as ``xfail(strict=True)`` until fixed; none was found.
"""

from __future__ import annotations

from typing import Any

import pytest

from bedrock_access.iam import Authorizer, OrgLevel, PolicySet, Request, parse_policy
from bedrock_access.iam.model import Policy

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
    return Authorizer(policies).authorize(request).outcome


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
