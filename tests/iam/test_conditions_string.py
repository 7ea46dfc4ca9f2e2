"""String condition operators: StringEquals, StringNotEquals, StringEqualsIgnoreCase,
StringNotEqualsIgnoreCase, StringLike, StringNotLike.

Rules: OPS "String condition operators"; CONDLOGIC (OR over values, NOR for negated operators);
OPS "Important" box on missing keys.
"""

from __future__ import annotations

import pytest

from ._support import condition_holds


@pytest.mark.parametrize(
    ("policy_value", "request_value", "expected"),
    [
        ("production", "production", True),
        ("production", "Production", False),
        ("production", "production ", False),
        ("prod*", "production", False),
        ("prod*", "prod*", True),
        ("", "", True),
        ("", "x", False),
    ],
)
def test_string_equals_is_exact_and_case_sensitive(
    policy_value: str, request_value: str, expected: bool
) -> None:
    """OPS StringEquals: "Exact matching, case sensitive"; no wildcards; ``""`` is a legal value that
    matches an empty request value (OPS ``"s3:prefix": ["", "home/"]`` example).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert (
        condition_holds(
            {"StringEquals": {"aws:PrincipalTag/env": policy_value}}, {"aws:PrincipalTag/env": request_value}
        )
        is expected
    )


@pytest.mark.parametrize(("request_value", "expected"), [("dev", True), ("test", True), ("prod", False)])
def test_string_equals_multiple_values_are_ored(request_value: str, expected: bool) -> None:
    """CONDLOGIC: "If a single condition operator includes multiple values for a context key, those
    values are evaluated using a logical OR."
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html"""
    assert (
        condition_holds(
            {"StringEquals": {"aws:PrincipalTag/env": ["dev", "test"]}},
            {"aws:PrincipalTag/env": request_value},
        )
        is expected
    )


@pytest.mark.parametrize(
    ("request_value", "expected"),
    [("us-east-1", False), ("us-west-2", False), ("eu-west-1", True), ("US-EAST-1", True)],
)
def test_string_not_equals_multiple_values_are_nored(request_value: str, expected: bool) -> None:
    """CONDLOGIC: "If a single negated matching condition operator includes multiple values for a
    context key, those values are evaluated using a logical NOR" — true iff the value is none of them.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html"""
    cond = {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}
    assert condition_holds(cond, {"aws:RequestedRegion": request_value}) is expected


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("StringEquals", False),
        ("StringEqualsIgnoreCase", False),
        ("StringLike", False),
        ("StringNotEquals", True),
        ("StringNotEqualsIgnoreCase", True),
        ("StringNotLike", True),
    ],
)
def test_missing_key_positive_false_negated_true(operator: str, expected: bool) -> None:
    """OPS Important box: a missing key makes the condition false, except for negated operators
    ("such as StringNotLike … and the right key is not present, the condition is true").
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({operator: {"aws:PrincipalTag/env": "dev"}}, {}) is expected


@pytest.mark.parametrize(
    ("policy_value", "request_value", "expected"),
    [("Production", "pRODUCTION", True), ("Production", "Prod", False), ("ÉTÉ", "été", True)],
)
def test_string_equals_ignore_case(policy_value: str, request_value: str, expected: bool) -> None:
    """OPS StringEqualsIgnoreCase: "Exact matching, ignoring case".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"StringEqualsIgnoreCase": {"k": policy_value}}, {"k": request_value}) is expected
    assert (
        condition_holds({"StringNotEqualsIgnoreCase": {"k": policy_value}}, {"k": request_value})
        is not expected
    )


@pytest.mark.parametrize(
    ("pattern", "request_value", "expected"),
    [
        ("home/*", "home/alice/notes.txt", True),
        ("home/*", "Home/alice", False),
        ("home/?lice", "home/alice", True),
        ("home/?lice", "home/aalice", False),
        ("*:finance/*", "arn:aws:s3:::x:y:finance/a", True),
        ("exact", "exact", True),
        ("exact", "exactly", False),
    ],
)
def test_string_like_is_a_case_sensitive_glob(pattern: str, request_value: str, expected: bool) -> None:
    """OPS StringLike: "Case-sensitive matching. The values can include multi-character match wildcards
    (*) and single-character match wildcards (?) anywhere in the string"; ``*`` crosses ``:`` and ``/``.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"StringLike": {"s3:prefix": pattern}}, {"s3:prefix": request_value}) is expected
    assert (
        condition_holds({"StringNotLike": {"s3:prefix": pattern}}, {"s3:prefix": request_value})
        is not expected
    )


@pytest.mark.parametrize(("request_value", "expected"), [("home/a", False), ("", False), ("tmp/a", True)])
def test_string_not_like_multiple_values_are_nored(request_value: str, expected: bool) -> None:
    """CONDLOGIC NOR: StringNotLike is true only if the value matches none of the patterns.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html"""
    assert (
        condition_holds({"StringNotLike": {"s3:prefix": ["", "home/*"]}}, {"s3:prefix": request_value})
        is expected
    )


def test_string_like_needs_the_whole_value_to_match() -> None:
    """OPS StringLike: the pattern describes the entire value (no implicit leading/trailing ``*``).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert not condition_holds({"StringLike": {"k": "mid"}}, {"k": "a-mid-b"})
    assert condition_holds({"StringLike": {"k": "*mid*"}}, {"k": "a-mid-b"})


def test_numbers_and_booleans_in_policy_json_compare_as_their_text() -> None:
    """OPS: string operators compare text; a JSON number or boolean value is read as its text.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"StringEquals": {"k": 5}}, {"k": "5"})
    assert condition_holds({"StringEquals": {"k": True}}, {"k": "true"})
    assert not condition_holds({"StringEquals": {"k": True}}, {"k": "True"})
