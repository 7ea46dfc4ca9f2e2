"""The Null condition operator.

Rules: OPS "Condition operator to check existence of condition keys": ``"true"`` — the key is absent;
``"false"`` — the key is present. No IfExists form (iam-evaluation.md §4.3).
"""

from __future__ import annotations

import pytest

from ._support import condition_holds

KEY = "aws:TokenIssueTime"


@pytest.mark.parametrize(
    ("value", "context", "expected"),
    [
        ("true", {}, True),
        ("true", {KEY: "2025-06-01T12:00:00Z"}, False),
        ("false", {KEY: "2025-06-01T12:00:00Z"}, True),
        ("false", {}, False),
        (True, {}, True),
        (False, {KEY: "x"}, True),
    ],
)
def test_null_checks_presence(value: object, context: dict[str, str], expected: bool) -> None:
    """OPS Null: "If the key … value is set to true … the key doesn't exist" and false means it exists
    and its value is not null.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"Null": {KEY: value}}, context) is expected


def test_null_key_name_is_case_insensitive() -> None:
    """VARS: key names are case-insensitive (aws:CurrentTime ≡ AWS:currenttime).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    assert condition_holds({"Null": {"AWS:TOKENISSUETIME": "false"}}, {"aws:tokenissuetime": "x"})


def test_null_empty_string_value_counts_as_present() -> None:
    """OPS Null "false": the key is present; an empty string is a value.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"Null": {KEY: "false"}}, {KEY: ""})


def test_null_on_present_but_empty_multivalued_key_is_present() -> None:
    """iam-evaluation.md §4.3: a multivalued key present with an empty set is UNDOCUMENTED; the oracle
    (and our engine) treat it as present.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"Null": {"aws:TagKeys": "false"}}, {"aws:TagKeys": []})
    assert not condition_holds({"Null": {"aws:TagKeys": "true"}}, {"aws:TagKeys": []})


@pytest.mark.parametrize("operator", ["NullIfExists", "ForAnyValue:Null", "ForAllValues:Null"])
def test_null_has_no_if_exists_or_set_form(operator: str) -> None:
    """OPS: "…IfExists" applies to every operator "except the Null condition"; Access Analyzer rejects
    NullIfExists. A clause with such an operator never holds, so it grants nothing.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert not condition_holds({operator: {KEY: "true"}}, {})
    assert not condition_holds({operator: {KEY: "false"}}, {KEY: "x"})
