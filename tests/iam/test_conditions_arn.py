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


def test_value_that_is_not_an_arn_does_not_match() -> None:
    """iam-evaluation.md §4.3 (UNDOCUMENTED): a request value that is not a well-formed ARN matches no
    pattern, so ArnLike is false and ArnNotLike true.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert not condition_holds({"ArnLike": {KEY: "arn:aws:*:*:*:*"}}, {KEY: "not-an-arn"})
    assert condition_holds({"ArnNotLike": {KEY: "arn:aws:*:*:*:*"}}, {KEY: "not-an-arn"})


def test_arn_like_accepts_policy_variables() -> None:
    """OPS ARN: "Policy variables – Supported"; VARS: variables in ARN condition values.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    cond = {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/${{aws:PrincipalTag/team}}-*"}}
    ctx = {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/ml-admin", "aws:PrincipalTag/team": "ml"}
    assert condition_holds(cond, ctx)
    ctx["aws:PrincipalTag/team"] = "web"
    assert not condition_holds(cond, ctx)
