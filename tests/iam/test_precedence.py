"""Explicit deny, implicit deny, and what a decision reports as decisive.

Rules: INTERPLAY ("Determining whether a request is allowed or denied"), EVAL, DENYALLOW,
iam-evaluation.md §3.5. The order of explicit denies is the engine's documented order
(docs/iam-engine.md): RCP levels, SCP levels root → account, VPC endpoint, resource-based, identity,
boundary, session; statements in document order within a policy.
"""

from __future__ import annotations

from typing import Any

import pytest

from bedrock_access.iam import Decisive, PolicySet
from bedrock_access.iam.explain import decision_text, describe

from ._support import (
    ACCOUNT,
    BUCKET_OBJECT,
    SESSION,
    USER,
    allow,
    decide,
    deny,
    full_access,
    level,
    policy,
)

S3_GET = {"action": "s3:GetObject", "resource": BUCKET_OBJECT}
DENY_S3 = deny("s3:*", Sid="DenyS3")
RB_ALLOW_USER = allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/*", Principal={"AWS": USER})


def everything_allows(**replace: Any) -> dict[str, Any]:
    """A policy set in which every layer allows the request."""
    parts: dict[str, Any] = {
        "identity": (policy(allow(), name="Identity"),),
        "resource": policy(allow(Principal="*"), name="Resource"),
        "boundary": (policy(allow(), name="Boundary"),),
        "session": policy(allow(), name="Session"),
        "scp_levels": (level("r-ab12", full_access()), level(ACCOUNT, full_access())),
        "rcp_levels": (level("r-ab12"),),
        "vpc_endpoint": (policy(allow(Principal="*"), name="Endpoint"),),
    }
    parts.update(replace)
    return parts


def test_baseline_every_layer_allows() -> None:
    """INTERPLAY: with no Deny and every required Allow present, the request is allowed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html"""
    assert decide(PolicySet(**everything_allows()), principal=SESSION, **S3_GET).outcome == "Allowed"


@pytest.mark.parametrize(
    ("layer", "replacement", "expected_type"),
    [
        ("identity", (policy(allow(), DENY_S3, name="Identity"),), "identity"),
        ("resource", policy(allow(Principal="*"), deny("s3:*", Principal="*"), name="Resource"), "resource"),
        ("boundary", (policy(allow(), DENY_S3, name="Boundary"),), "pb"),
        ("session", policy(allow(), DENY_S3, name="Session"), "session"),
        (
            "scp_levels",
            (level("r-ab12", full_access(), policy(DENY_S3, name="Deny")), level(ACCOUNT, full_access())),
            "scp",
        ),
        ("rcp_levels", (level("r-ab12", policy(deny("s3:*", Principal="*"), name="Deny")),), "rcp"),
        (
            "vpc_endpoint",
            (policy(allow(Principal="*"), deny("s3:*", Principal="*"), name="Endpoint"),),
            "vpce",
        ),
    ],
)
def test_explicit_deny_in_any_layer_beats_every_allow(
    layer: str, replacement: Any, expected_type: str
) -> None:
    """INTERPLAY/DENYALLOW: "An explicit deny in any of these policies overrides the allow" — in every
    policy type evaluated.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    d = decide(PolicySet(**everything_allows(**{layer: replacement})), principal=SESSION, **S3_GET)
    assert d.outcome == "ExplicitlyDenied"
    assert [e.type for e in d.decisive] == [expected_type]
    assert all(e.effect == "Deny" for e in d.decisive)


def test_explicit_deny_beats_a_direct_resource_policy_grant() -> None:
    """DENYALLOW: a same-account grant naming the user is not limited by implicit denies, but an explicit
    deny still wins.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    p = PolicySet(
        identity=(policy(DENY_S3, name="Identity"),), resource=policy(RB_ALLOW_USER, name="Resource")
    )
    assert decide(p, **S3_GET).outcome == "ExplicitlyDenied"


def test_explicit_deny_wins_regardless_of_statement_order() -> None:
    """INTERPLAY: the decision does not depend on the order of statements or policies.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html"""
    first = PolicySet(identity=(policy(DENY_S3, allow(), name="A"),))
    last = PolicySet(identity=(policy(allow(), DENY_S3, name="A"),))
    split = PolicySet(identity=(policy(allow(), name="A"), policy(DENY_S3, name="B")))
    assert {decide(p, **S3_GET).outcome for p in (first, last, split)} == {"ExplicitlyDenied"}


def test_deny_that_does_not_apply_is_ignored() -> None:
    """EVAL: a Deny statement whose action, resource or condition does not match the request is not an
    explicit deny.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    p = PolicySet(
        identity=(
            policy(
                allow(),
                deny("s3:PutObject"),
                deny("s3:GetObject", "arn:aws:s3:::other/*"),
                deny("s3:GetObject", Condition={"Bool": {"aws:SecureTransport": "false"}}),
                name="A",
            ),
        )
    )
    assert decide(p, context={"aws:SecureTransport": "true"}, **S3_GET).outcome == "Allowed"


def test_implicit_deny_when_nothing_allows() -> None:
    """INTERPLAY: with no explicit deny and no applicable Allow the request is implicitly denied.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html"""
    d = decide(PolicySet(identity=(policy(allow("ec2:*"), name="A"),)), **S3_GET)
    assert d.outcome == "ImplicitlyDenied"
    assert d.decisive == (Decisive("identity", None, None, None, None, "NoApplicableAllow"),)


# --- decisive statements ---------------------------------------------------------------------


def test_explicit_deny_lists_every_applicable_deny_with_its_coordinates() -> None:
    """iam-evaluation.md §3.5: report all applicable Deny statements, each with policy type, SCP level,
    policy name, Sid, 1-based index and effect; in the engine's order RCP, SCP root → account, VPC
    endpoint, resource-based, identity, boundary, session.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html"""
    p = PolicySet(
        session=policy(deny("s3:*", Sid="SessDeny"), name="SessionPolicy"),
        boundary=(policy(allow(), deny("s3:*"), name="Boundary"),),
        identity=(
            policy(allow(), allow("ec2:*"), deny("s3:GetObject", Sid="IdDeny"), name="IdentityA"),
            policy(deny("s3:Get*", Sid="IdDeny2"), deny("ec2:*", Sid="NotThisOne"), name="IdentityB"),
        ),
        resource=policy(deny("s3:*", Principal="*", Sid="RbDeny"), name="BucketPolicy"),
        vpc_endpoint=(policy(deny("*", Principal="*", Sid="VpceDeny"), name="vpce-1"),),
        scp_levels=(
            level("r-ab12", full_access(), policy(deny("s3:*", Sid="RootDeny"), name="RootGuard")),
            level("ou-1", policy(deny("*", Sid="OuDeny"), allow(), name="OuGuard")),
            level(ACCOUNT, full_access()),
        ),
        rcp_levels=(
            level(
                "r-ab12",
                policy(allow(Principal="*"), deny("s3:*", Principal="*", Sid="RcpDeny"), name="Perimeter"),
            ),
        ),
    )
    d = decide(p, principal=SESSION, **S3_GET)
    assert d.outcome == "ExplicitlyDenied"
    assert [(e.type, e.level, e.policy, e.sid, e.index, e.effect) for e in d.decisive] == [
        ("rcp", "r-ab12", "Perimeter", "RcpDeny", 2, "Deny"),
        ("scp", "r-ab12", "RootGuard", "RootDeny", 1, "Deny"),
        ("scp", "ou-1", "OuGuard", "OuDeny", 1, "Deny"),
        ("vpce", None, "vpce-1", "VpceDeny", 1, "Deny"),
        ("resource", None, "BucketPolicy", "RbDeny", 1, "Deny"),
        ("identity", None, "IdentityA", "IdDeny", 3, "Deny"),
        ("identity", None, "IdentityB", "IdDeny2", 1, "Deny"),
        ("pb", None, "Boundary", None, 2, "Deny"),
        ("session", None, "SessionPolicy", "SessDeny", 1, "Deny"),
    ]


def test_allowed_decision_names_the_granting_statements() -> None:
    """iam-evaluation.md §3.5: for an allow, report the identity/resource Allow statements that granted.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    p = PolicySet(
        identity=(policy(allow("ec2:*", Sid="Ec2"), allow("s3:*", Sid="S3"), allow(Sid="All"), name="A"),),
        boundary=(policy(allow(Sid="BoundaryAll"), name="Boundary"),),
        scp_levels=(level("r-ab12", full_access()),),
    )
    d = decide(p, **S3_GET)
    assert d.outcome == "Allowed"
    assert [(e.type, e.policy, e.sid, e.index, e.effect) for e in d.decisive] == [
        ("identity", "A", "S3", 2, "Allow"),
        ("identity", "A", "All", 3, "Allow"),
    ]


def test_direct_resource_grant_is_the_decisive_statement() -> None:
    """DENYALLOW: a same-account grant naming the user decides by itself.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    d = decide(PolicySet(resource=policy(RB_ALLOW_USER, name="BucketPolicy")), **S3_GET)
    assert [(e.type, e.policy, e.index, e.effect) for e in d.decisive] == [
        ("resource", "BucketPolicy", 1, "Allow")
    ]


def test_implicit_deny_names_every_layer_lacking_an_allow() -> None:
    """iam-evaluation.md §3.5: for an implicit deny, report the layer(s) that lacked an applicable Allow,
    with the SCP level identifier and the policy name where there is one.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_AccessPolicyLanguage_Interplay.html"""
    p = PolicySet(
        identity=(policy(allow("ec2:*"), name="A"),),
        boundary=(policy(allow("ec2:*"), name="DevBoundary"),),
        session=policy(allow("ec2:*"), name="SessionPolicy"),
        vpc_endpoint=(policy(allow("ec2:*", Principal="*"), name="vpce-1"),),
        scp_levels=(
            level("r-ab12", full_access()),
            level("ou-1", policy(allow("ec2:*"), name="Ec2Only")),
            level(ACCOUNT),
        ),
    )
    d = decide(p, principal=SESSION, **S3_GET)
    assert d.outcome == "ImplicitlyDenied"
    assert [(e.type, e.level, e.policy, e.sid, e.index, e.effect) for e in d.decisive] == [
        ("scp", "ou-1", None, None, None, "NoApplicableAllow"),
        ("scp", ACCOUNT, None, None, None, "NoApplicableAllow"),
        ("vpce", None, "vpce-1", None, None, "NoApplicableAllow"),
        ("identity", None, None, None, None, "NoApplicableAllow"),
        ("pb", None, "DevBoundary", None, None, "NoApplicableAllow"),
        ("session", None, "SessionPolicy", None, None, "NoApplicableAllow"),
    ]


def test_sid_is_none_and_index_is_the_position_when_absent() -> None:
    """GRAMMAR: Sid is optional; the 1-based statement index still locates the statement.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html"""
    d = decide(
        PolicySet(identity=(policy(allow("ec2:*"), allow("ec2:*"), deny("s3:*"), name="A"),)), **S3_GET
    )
    assert [(e.sid, e.index) for e in d.decisive] == [(None, 3)]


def test_decision_json_shape() -> None:
    """The decision as JSON carries the outcome and each decisive entry's six fields.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    d = decide(PolicySet(identity=(policy(deny("s3:*", Sid="X"), name="A"),)), **S3_GET)
    assert d.to_json() == {
        "decision": "ExplicitlyDenied",
        "decisive": [
            {"type": "identity", "level": None, "policy": "A", "sid": "X", "index": 1, "effect": "Deny"}
        ],
    }
    assert d.allowed is False


def test_explanation_text_names_policy_statement_and_layer() -> None:
    """iam-evaluation.md §3.5: the explanation names the decisive statement or the missing layer.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    denied = decide(
        PolicySet(
            scp_levels=(level("ou-1", policy(deny("s3:*", Sid="NoS3"), name="Guard")),),
            identity=(policy(allow()),),
        ),
        **S3_GET,
    )
    text = decision_text(denied)
    assert "ExplicitlyDenied" in text and "Guard" in text and "NoS3" in text and "ou-1" in text
    missing = decide(
        PolicySet(boundary=(policy(allow("ec2:*"), name="DevBoundary"),), identity=(policy(allow()),)),
        **S3_GET,
    )
    assert "DevBoundary" in describe(missing.decisive[0])
