"""Numeric condition operators.

Rules: OPS "Numeric condition operators" (integers or decimals; no policy variables); CONDLOGIC.
"""

from __future__ import annotations

import pytest

from ._support import condition_holds

KEY = "s3:max-keys"


@pytest.mark.parametrize(
    ("operator", "policy_value", "request_value", "expected"),
    [
        ("NumericEquals", "10", "10", True),
        ("NumericEquals", "10", "10.0", True),
        ("NumericEquals", "10", "010", True),
        ("NumericEquals", "10", "11", False),
        ("NumericNotEquals", "10", "11", True),
        ("NumericNotEquals", "10", "10.00", False),
        ("NumericLessThan", "10", "9", True),
        ("NumericLessThan", "10", "10", False),
        ("NumericLessThan", "10", "9.999", True),
        ("NumericLessThanEquals", "10", "10", True),
        ("NumericLessThanEquals", "10", "10.001", False),
        ("NumericGreaterThan", "10", "11", True),
        ("NumericGreaterThan", "10", "10", False),
        ("NumericGreaterThanEquals", "10", "10", True),
        ("NumericGreaterThanEquals", "10", "9", False),
        ("NumericLessThan", "-1.5", "-2", True),
        ("NumericGreaterThan", "0.5", ".75", True),
    ],
)
def test_numeric_comparisons(operator: str, policy_value: str, request_value: str, expected: bool) -> None:
    """OPS Numeric table: Equals, NotEquals, LessThan, LessThanEquals, GreaterThan, GreaterThanEquals
    compare numbers (integer or decimal), not text.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({operator: {KEY: policy_value}}, {KEY: request_value}) is expected


def test_request_value_is_compared_to_the_policy_value_not_the_reverse() -> None:
    """OPS: "NumericLessThan: Less than matching" — request value < policy value.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"NumericLessThan": {KEY: "10"}}, {KEY: "5"})
    assert not condition_holds({"NumericLessThan": {KEY: "5"}}, {KEY: "10"})


def test_json_number_policy_values() -> None:
    """OPS example ``"NumericLessThanEquals": {"s3:max-keys": "10"}``; a JSON number means the same.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"NumericLessThanEquals": {KEY: 10}}, {KEY: "10"})
    assert condition_holds({"NumericEquals": {KEY: 2.5}}, {KEY: "2.50"})


@pytest.mark.parametrize(("request_value", "expected"), [("1", True), ("3", True), ("2", False)])
def test_multiple_values_or(request_value: str, expected: bool) -> None:
    """CONDLOGIC: several values of one key are ORed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html"""
    assert condition_holds({"NumericEquals": {KEY: ["1", "3"]}}, {KEY: request_value}) is expected


@pytest.mark.parametrize(("request_value", "expected"), [("1", False), ("3", False), ("2", True)])
def test_numeric_not_equals_multiple_values_nor(request_value: str, expected: bool) -> None:
    """CONDLOGIC: a negated operator with several values is their NOR.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html"""
    assert condition_holds({"NumericNotEquals": {KEY: ["1", "3"]}}, {KEY: request_value}) is expected


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("NumericEquals", False),
        ("NumericLessThan", False),
        ("NumericGreaterThanEquals", False),
        ("NumericNotEquals", True),
        ("NumericLessThanIfExists", True),
    ],
)
def test_missing_key(operator: str, expected: bool) -> None:
    """OPS Important box: missing key ⇒ false, negated ⇒ true, …IfExists ⇒ true.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({operator: {KEY: "10"}}, {}) is expected


@pytest.mark.parametrize("operator", ["NumericEquals", "NumericLessThan", "NumericNotEquals"])
def test_non_numeric_request_value_never_satisfies(operator: str) -> None:
    """iam-evaluation.md §4.3 (UNDOCUMENTED; oracle: false): a value that is not a number gives no
    match; for the negated form we choose "condition false" too, so it never grants or denies.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({operator: {KEY: "10"}}, {KEY: "ten"}) is False


def test_variables_are_not_substituted_in_numeric_values() -> None:
    """VARS/OPS: policy variables are not allowed in Numeric operators, so ``${…}`` stays text and
    is no number.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    assert not condition_holds(
        {"NumericEquals": {KEY: "${aws:PrincipalTag/limit}"}}, {KEY: "5", "aws:PrincipalTag/limit": "5"}
    )
