"""Action and NotAction matching: ``service:Name`` compared without regard to case, ``*`` and ``?``.

Rules: ACTION, NOTACTION, iam-evaluation.md §2.1.
"""

from __future__ import annotations

import pytest

from bedrock_access.iam import PolicySet
from bedrock_access.iam.compiled import compile_action_pattern

from ._support import FM, allow, decide, deny, full_access, full_org, identity_outcome, level, policy


@pytest.mark.parametrize(
    ("pattern", "action"),
    [
        ("iam:ListAccessKeys", "IAM:listaccesskeys"),
        ("IAM:listaccesskeys", "iam:ListAccessKeys"),
        ("bedrock:InvokeModel", "bedrock:invokemodel"),
        ("BEDROCK:INVOKEMODEL", "bedrock:InvokeModel"),
        ("Bedrock:Invoke*", "bedrock:INVOKEMODELWITHRESPONSESTREAM"),
    ],
)
def test_prefix_and_action_name_are_case_insensitive(pattern: str, action: str) -> None:
    """ACTION: "The prefix and the action name are case insensitive. For example,
    iam:ListAccessKeys is the same as IAM:listaccesskeys" (case D05).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"""
    assert identity_outcome(allow(pattern), action=action) == "Allowed"


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("*", "bedrock:InvokeModel", True),
        ("*", "anything:AtAll", True),
        ("bedrock:*", "bedrock:InvokeModel", True),
        ("bedrock:*", "s3:GetObject", False),
        ("bedrock:Invoke*", "bedrock:InvokeModel", True),
        ("bedrock:Invoke*", "bedrock:InvokeModelWithResponseStream", True),
        ("bedrock:Invoke*", "bedrock:Converse", False),
        ("bedrock:*Model", "bedrock:InvokeModel", True),
        ("bedrock:*Model", "bedrock:InvokeModelWithResponseStream", False),
        ("bedrock:*Foundation*", "bedrock:ListFoundationModels", True),
        ("bedrock:InvokeMode?", "bedrock:InvokeModel", True),
        ("bedrock:InvokeMode?", "bedrock:InvokeModels", False),
        ("bedrock:InvokeMode?", "bedrock:InvokeMode", False),
        ("s3:Get?bject", "s3:GetObject", True),
        ("s3:???Object", "s3:GetObject", True),
        ("s3:???Object", "s3:DeleteObject", False),
    ],
)
def test_star_and_question_mark_in_the_action_name(pattern: str, action: str, expected: bool) -> None:
    """ACTION "Using wildcards": ``*`` matches any run of characters (also none), ``?`` exactly one,
    anywhere in the action name.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"""
    assert compile_action_pattern(pattern)(action.lower()) is expected
    assert (identity_outcome(allow(pattern), action=action) == "Allowed") is expected


@pytest.mark.parametrize(
    "pattern", ["bed*:InvokeModel", "*:InvokeModel", "bedroc?:InvokeModel", "*:*", "?*:*"]
)
def test_no_wildcard_in_the_service_prefix(pattern: str) -> None:
    """ACTION grammar: the service prefix is literal; iam-evaluation.md §2.1 (UNDOCUMENTED beyond the
    grammar; the oracle rejects such patterns): such a pattern matches nothing.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"""
    assert compile_action_pattern(pattern)("bedrock:invokemodel") is False
    assert identity_outcome(allow(pattern), action="bedrock:InvokeModel") == "ImplicitlyDenied"


def test_service_prefix_must_match_whole() -> None:
    """ACTION: the prefix identifies the service; ``bed:*`` is another (unknown) service.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"""
    assert identity_outcome(allow("bed:*"), action="bedrock:InvokeModel") == "ImplicitlyDenied"
    assert identity_outcome(allow("bedrock-runtime:*"), action="bedrock:InvokeModel") == "ImplicitlyDenied"


def test_pattern_without_service_prefix_matches_nothing() -> None:
    """ACTION: actions are written ``service:ActionName``; a bare name is not an action pattern.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"""
    assert identity_outcome(allow("InvokeModel"), action="bedrock:InvokeModel") == "ImplicitlyDenied"


def test_unknown_action_matches_only_wildcards() -> None:
    """iam-evaluation.md §2.1: matching needs no catalogue of actions; an unknown action never matches
    a specific pattern but ``*`` and ``service:*`` cover it.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"""
    assert identity_outcome(allow("bedrock:InvokeModel"), action="bedrock:MadeUpAction") == "ImplicitlyDenied"
    assert identity_outcome(allow("bedrock:*"), action="bedrock:MadeUpAction") == "Allowed"
    assert identity_outcome(allow("*"), action="bedrock:MadeUpAction") == "Allowed"


def test_action_list_matches_if_any_entry_matches() -> None:
    """ACTION: "You can specify multiple actions" — the statement covers each listed action.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"""
    stmt = allow(["s3:GetObject", "bedrock:Invoke*"])
    assert identity_outcome(stmt, action="bedrock:InvokeModel") == "Allowed"
    assert identity_outcome(stmt, action="s3:GetObject") == "Allowed"
    assert identity_outcome(stmt, action="s3:PutObject") == "ImplicitlyDenied"


def test_not_action_covers_every_action_except_the_listed() -> None:
    """NOTACTION: NotAction "explicitly matches everything except the specified list of actions".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html"""
    stmt = {"Effect": "Allow", "NotAction": ["iam:*", "bedrock:Delete*"], "Resource": "*"}
    assert identity_outcome(stmt, action="bedrock:InvokeModel") == "Allowed"
    assert identity_outcome(stmt, action="iam:CreateUser") == "ImplicitlyDenied"
    assert identity_outcome(stmt, action="bedrock:DeleteCustomModel") == "ImplicitlyDenied"


def test_not_action_is_case_insensitive() -> None:
    """NOTACTION + ACTION: the listed names are compared without regard to case.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html"""
    stmt = {"Effect": "Allow", "NotAction": "BEDROCK:invokemodel*", "Resource": "*"}
    assert identity_outcome(stmt, action="bedrock:InvokeModel") == "ImplicitlyDenied"
    assert identity_outcome(stmt, action="bedrock:Converse") == "Allowed"


def test_not_action_with_deny_is_deny_everything_except() -> None:
    """NOTACTION: "NotAction with Deny" denies every action not listed, allowing the rest to be granted
    elsewhere.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html"""
    p = PolicySet(identity=(policy(allow(), {"Effect": "Deny", "NotAction": "s3:Get*", "Resource": "*"}),))
    assert decide(p, action="s3:GetObject").outcome == "Allowed"
    assert decide(p, action="s3:PutObject").outcome == "ExplicitlyDenied"


def test_R09_scp_not_action_exemption_is_case_insensitive() -> None:
    """§9 case R09: an SCP Deny with ``NotAction: BEDROCK:invokemodel*`` does not apply to
    ``bedrock:InvokeModel`` because ACTION matching is case-insensitive ⇒ Allowed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"""
    region_deny = policy(
        deny(
            None,
            "*",
            Sid="DenyOutsideApprovedRegions",
            NotAction=["iam:*", "sts:*", "BEDROCK:invokemodel*"],
            Condition={"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}},
        ),
        name="RegionDeny",
    )
    policies = PolicySet(
        identity=(policy(allow("bedrock:InvokeModel", "arn:aws:bedrock:*::foundation-model/*")),),
        scp_levels=full_org(region_deny),
    )
    ctx = {"aws:RequestedRegion": "eu-west-1"}
    eu_fm = FM.replace("us-east-1", "eu-west-1")
    assert decide(policies, action="bedrock:InvokeModel", resource=eu_fm, context=ctx).outcome == "Allowed"
    # Contrast: an action the exemption does not list is denied by the same statement.
    d = decide(policies, action="bedrock:ListFoundationModels", resource="*", context=ctx)
    assert d.outcome == "ExplicitlyDenied"


def test_scp_action_matching_uses_the_same_rules() -> None:
    """SCP: SCP statements use the same Action syntax as IAM policies.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html"""
    policies = PolicySet(
        identity=(policy(allow()),),
        scp_levels=(level("r-root", policy(allow("S3:get*"))), level("111122223333", full_access())),
    )
    assert decide(policies, action="s3:GetObject").outcome == "Allowed"
    assert decide(policies, action="s3:PutObject").outcome == "ImplicitlyDenied"
