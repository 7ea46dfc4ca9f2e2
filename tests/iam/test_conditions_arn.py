"""ARN condition operators: ArnEquals, ArnLike, ArnNotEquals, ArnNotLike.

Rules: OPS "Amazon Resource Name (ARN) condition operators": "Each of the six colon-delimited
components of the ARN is checked separately and each can include multi-character match wildcards (*)
or single-character match wildcards (?)"; case-sensitive; policy variables allowed.
"""

from __future__ import annotations

import pytest

from ._support import ACCOUNT, PROFILE, condition_holds

KEY = "aws:SourceArn"
PROFILE_KEY = "bedrock:InferenceProfileArn"


@pytest.mark.parametrize("operator", ["ArnLike", "ArnEquals"])
@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        ("arn:aws:sns:us-east-1:111122223333:topic", "arn:aws:sns:us-east-1:111122223333:topic", True),
        ("arn:aws:sns:*:111122223333:*", "arn:aws:sns:eu-west-1:111122223333:topic", True),
        ("arn:aws:sns:us-east-?:111122223333:topic", "arn:aws:sns:us-east-2:111122223333:topic", True),
        ("arn:aws:sns:*:111122223333:*", "arn:aws:sns:eu-west-1:444455556666:topic", False),
        ("arn:aws:sns:us-east-1:111122223333:Topic", "arn:aws:sns:us-east-1:111122223333:topic", False),
    ],
)
def test_arn_like_and_arn_equals_match_segment_by_segment(
    operator: str, pattern: str, value: str, expected: bool
) -> None:
    """OPS ARN table: ArnEquals and ArnLike are both "Case-sensitive matching of the ARN. Each of the six
    colon-delimited components … is checked separately and each can include … wildcards".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({operator: {KEY: pattern}}, {KEY: value}) is expected
    negated = operator.replace("Arn", "ArnNot")
    assert condition_holds({negated: {KEY: pattern}}, {KEY: value}) is not expected


def test_arn_like_star_does_not_cross_colons_unlike_string_like() -> None:
    """OPS ARN example: ``arn:aws:someservice:*:111122223333:finance/*`` matches a value with another
    account in the account segment under StringLike (``*`` spans colons) but not under ArnLike.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    pattern = "arn:aws:someservice:*:111122223333:finance/*"
    value = "arn:aws:someservice:us-east-1:999999999999:store/abc:111122223333:finance/x"
    assert condition_holds({"StringLike": {KEY: pattern}}, {KEY: value})
    assert not condition_holds({"ArnLike": {KEY: pattern}}, {KEY: value})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("arn:aws:sns:us-east-1:111122223333:a", False),
        ("arn:aws:sqs:us-east-1:111122223333:b", False),
        ("arn:aws:sqs:us-east-1:111122223333:c", True),
    ],
)
def test_arn_not_like_multiple_values_nor(value: str, expected: bool) -> None:
    """CONDLOGIC: a negated operator with several values is true only if none matches.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html"""
    cond = {"ArnNotLike": {KEY: ["arn:aws:sns:*:*:*", "arn:aws:sqs:*:*:b"]}}
    assert condition_holds(cond, {KEY: value}) is expected


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("ArnLike", False),
        ("ArnEquals", False),
        ("ArnNotLike", True),
        ("ArnNotEquals", True),
        ("ArnLikeIfExists", True),
    ],
)
def test_missing_key(operator: str, expected: bool) -> None:
    """OPS Important box: "If the policy condition requires that the key is not matched, such as
    StringNotLike or ArnNotLike, and the right key is not present, the condition is true".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert (
        condition_holds({operator: {PROFILE_KEY: "arn:aws:bedrock:*:*:inference-profile/us.*"}}, {})
        is expected
    )


def test_R03_profile_arn_matches_the_cris_exemption() -> None:
    """§9 case R03 (the condition): ``ArnNotLike bedrock:InferenceProfileArn
    arn:aws:bedrock:*:*:inference-profile/us.*`` with the us. profile ARN present: ArnLike matches
    component-wise ⇒ ArnNotLike false.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    pattern = "arn:aws:bedrock:*:*:inference-profile/us.*"
    assert condition_holds({"ArnLike": {PROFILE_KEY: pattern}}, {PROFILE_KEY: PROFILE})
    assert not condition_holds({"ArnNotLike": {PROFILE_KEY: pattern}}, {PROFILE_KEY: PROFILE})


def test_value_that_is_not_an_arn_makes_neither_operator_true() -> None:
    """A request value that is not a well-formed ARN cannot be compared ARN-wise. OPS gives the ARN
    operators only ARN semantics ("Each of the six colon-delimited components of the ARN is checked");
    the engine's rule for an undecidable comparison (docs/iam-engine.md, "Missing keys") is that it
    never makes a positive *or* a negated operator true, so ArnLike and ArnNotLike are both false.
    (Issue 15 item 3: this used to make ArnNotLike true; iam-simulate and PMapper both expect false.)
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    for operator in ("ArnLike", "ArnEquals", "ArnNotLike", "ArnNotEquals", "ArnNotLikeIfExists"):
        assert not condition_holds({operator: {KEY: "arn:aws:*:*:*:*"}}, {KEY: "not-an-arn"}), operator
    # Under a set operator the same comparison is made per value.
    assert not condition_holds({"ForAnyValue:ArnNotLike": {KEY: "arn:aws:sqs:*:*:*"}}, {KEY: ["x", "y"]})


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [
        # Service field wildcarded (issue 15 item 1).
        ("arn:aws:*:*:111122223333:*", "arn:aws:sqs:us-east-1:111122223333:queue", True),
        ("arn:aws:*:*:111122223333:*", "arn:aws:sqs:us-east-1:444455556666:queue", False),
        ("arn:aws:s?s:*:*:*", "arn:aws:sns:us-east-1:111122223333:topic", True),
        # Every field wildcarded, partition included.
        ("arn:*:*:*:*:*", "arn:aws:sqs:us-east-1:111122223333:queue", True),
        ("arn:*:*:*:*:*", "arn:aws-us-gov:iam::111122223333:role/x", True),
        ("arn:aws*:iam::*:role/ops", "arn:aws-cn:iam::111122223333:role/ops", True),
        # Resource type wildcarded: not valid in a Resource element, legal in a condition value.
        ("arn:aws:iam::111122223333:*/deploy", "arn:aws:iam::111122223333:role/deploy", True),
        ("arn:aws:bedrock:*:*:*/anthropic.*", PROFILE.replace("us.anthropic", "anthropic"), True),
        # No padding of short values in conditions: fewer than six fields names no ARN.
        ("arn:aws:sqs", "arn:aws:sqs:us-east-1:111122223333:queue", False),
        ("arn:aws:*", "arn:aws:sqs:us-east-1:111122223333:queue", False),
        ("arn:aws:sqs:us-east-1", "arn:aws:sqs:us-east-1:111122223333:queue", False),
        # A lone * is every ARN.
        ("*", "arn:aws:sqs:us-east-1:111122223333:queue", True),
    ],
)
def test_every_field_of_a_condition_value_may_hold_wildcards(
    pattern: str, value: str, expected: bool
) -> None:
    """OPS, ARN condition operators: "Each of the six colon-delimited components of the ARN is checked
    separately and each can include multi-character match wildcards (*) or single-character match
    wildcards (?)". The Resource element's own restrictions (no wildcard in the partition or resource
    type, incomplete ARNs completed in identity policies — reference-arns.html) are rules of that
    element, not of condition values.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN"""
    assert condition_holds({"ArnLike": {KEY: pattern}}, {KEY: value}) is expected
    assert condition_holds({"ArnNotLike": {KEY: pattern}}, {KEY: value}) is not expected


def test_arn_like_accepts_policy_variables() -> None:
    """OPS ARN: "Policy variables – Supported"; VARS: variables in ARN condition values.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    cond = {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/${{aws:PrincipalTag/team}}-*"}}
    ctx = {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/ml-admin", "aws:PrincipalTag/team": "ml"}
    assert condition_holds(cond, ctx)
    ctx["aws:PrincipalTag/team"] = "web"
    assert not condition_holds(cond, ctx)
