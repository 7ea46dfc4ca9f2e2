"""The Bool condition operator.

Rules: OPS "Boolean condition operators" (policy variables allowed); iam-evaluation.md §4.3.
"""

from __future__ import annotations

import pytest

from ._support import condition_holds

KEY = "aws:SecureTransport"


@pytest.mark.parametrize(
    ("policy_value", "request_value", "expected"),
    [("true", "true", True), ("true", "false", False), ("false", "false", True), ("false", "true", False)],
)
def test_bool_matches_true_and_false(policy_value: str, request_value: str, expected: bool) -> None:
    """OPS Bool: "Boolean matching".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"Bool": {KEY: policy_value}}, {KEY: request_value}) is expected


def test_json_boolean_policy_value() -> None:
    """OPS examples write ``"aws:SecureTransport": "false"``; a JSON boolean means the same.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"Bool": {KEY: False}}, {KEY: "false"})
    assert not condition_holds({"Bool": {KEY: False}}, {KEY: "true"})


def test_python_boolean_context_value_is_read_as_text() -> None:
    """KEYS: boolean context keys carry "true"/"false"; a native boolean in the request means the same.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"""
    assert condition_holds({"Bool": {KEY: "true"}}, {KEY: True})
    assert not condition_holds({"Bool": {KEY: "true"}}, {KEY: False})


def test_bool_ignores_letter_case() -> None:
    """iam-evaluation.md §4.3: "true"/"false" compared case-insensitively (UNDOCUMENTED; oracle lower-cases).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"Bool": {KEY: "TRUE"}}, {KEY: "true"})
    assert condition_holds({"Bool": {KEY: "true"}}, {KEY: "True"})


def test_bool_value_that_is_not_a_boolean_never_matches_true() -> None:
    """OPS Bool: only boolean values compare; "yes" is not "true".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert not condition_holds({"Bool": {KEY: "true"}}, {KEY: "yes"})


def test_missing_key_bool_false_bool_if_exists_true() -> None:
    """OPS Important box and …IfExists: a missing key makes Bool false, BoolIfExists true.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert not condition_holds({"Bool": {KEY: "false"}}, {})
    assert condition_holds({"BoolIfExists": {KEY: "false"}}, {})


def test_bool_accepts_policy_variables() -> None:
    """OPS Boolean: "Policy variables – Supported".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    cond = {"Bool": {"aws:MultiFactorAuthPresent": "${aws:PrincipalTag/mfa-required}"}}
    assert condition_holds(
        cond, {"aws:MultiFactorAuthPresent": "true", "aws:PrincipalTag/mfa-required": "true"}
    )
    assert not condition_holds(
        cond, {"aws:MultiFactorAuthPresent": "false", "aws:PrincipalTag/mfa-required": "true"}
    )
