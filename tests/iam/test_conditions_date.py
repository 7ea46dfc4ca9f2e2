"""Date condition operators with W3C ISO 8601 and epoch values.

Rules: OPS "Date condition operators": "You must specify date/time values with one of the W3C
implementations of the ISO 8601 date formats or in epoch (UNIX) time"; no policy variables.
"""

from __future__ import annotations

import pytest

from bedrock_access.iam import PolicySet

from ._support import allow, decide, policy

NOW = "2025-06-01T12:00:00Z"
NOW_EPOCH = "1748779200"  # 2025-06-01T12:00:00Z


def condition(
    operator: str, policy_value: str, request_value: str | None, key: str = "aws:CurrentTime"
) -> bool:
    p = PolicySet(identity=(policy(allow(Condition={operator: {key: policy_value}})),))
    ctx = {} if request_value is None else {key: request_value}
    return decide(p, context=ctx).outcome == "Allowed"


@pytest.mark.parametrize(
    ("operator", "policy_value", "expected"),
    [
        ("DateEquals", "2025-06-01T12:00:00Z", True),
        ("DateEquals", "2025-06-01T12:00:01Z", False),
        ("DateNotEquals", "2025-06-01T12:00:01Z", True),
        ("DateNotEquals", "2025-06-01T12:00:00Z", False),
        ("DateLessThan", "2025-06-01T12:00:01Z", True),
        ("DateLessThan", "2025-06-01T12:00:00Z", False),
        ("DateLessThanEquals", "2025-06-01T12:00:00Z", True),
        ("DateLessThanEquals", "2025-06-01T11:59:59Z", False),
        ("DateGreaterThan", "2025-06-01T11:59:59Z", True),
        ("DateGreaterThan", "2025-06-01T12:00:00Z", False),
        ("DateGreaterThanEquals", "2025-06-01T12:00:00Z", True),
        ("DateGreaterThanEquals", "2025-06-01T12:00:01Z", False),
    ],
)
def test_date_comparisons_on_iso_8601(operator: str, policy_value: str, expected: bool) -> None:
    """OPS Date table: the request time is compared with the policy time.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition(operator, policy_value, NOW) is expected


@pytest.mark.parametrize(
    "same_instant",
    [
        "2025-06-01T12:00:00Z",
        "2025-06-01T12:00:00.000Z",
        "2025-06-01T14:00:00+02:00",
        "2025-06-01T07:00:00-05:00",
        "2025-06-01T12:00Z",
        NOW_EPOCH,
    ],
)
def test_equal_instants_in_any_w3c_form_or_epoch_are_equal(same_instant: str) -> None:
    """OPS: ISO 8601 (W3C forms, with a time zone designator) or epoch seconds denote instants; the
    comparison is between instants, whatever the notation.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition("DateEquals", same_instant, NOW)
    assert not condition("DateNotEquals", same_instant, NOW)


def test_C14_epoch_policy_value_against_iso_request_time() -> None:
    """§9 case C14: ``DateLessThan aws:CurrentTime "1767225600"`` (2026-01-01T00:00:00Z in epoch
    seconds) with request time 2025-06-01T12:00:00Z ⇒ true ⇒ Allowed (the oracle is wrong here).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition("DateLessThan", "1767225600", NOW)
    assert not condition("DateGreaterThan", "1767225600", NOW)


def test_iso_policy_value_against_epoch_request_value() -> None:
    """OPS: either notation on either side (aws:EpochTime carries epoch seconds).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"""
    assert condition("DateLessThan", "2026-01-01T00:00:00Z", NOW_EPOCH, key="aws:EpochTime")
    assert condition("DateGreaterThan", "2025-01-01T00:00:00Z", NOW_EPOCH, key="aws:EpochTime")
    assert not condition("DateGreaterThan", "2026-01-01T00:00:00Z", NOW_EPOCH, key="aws:EpochTime")


def test_date_only_value_is_midnight_utc() -> None:
    """iam-evaluation.md §4.3: a W3C date without time is midnight UTC (UNDOCUMENTED, W3C default).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition("DateEquals", "2025-06-01", "2025-06-01T00:00:00Z")
    assert condition("DateLessThan", "2025-06-02", NOW)
    assert not condition("DateLessThan", "2025-06-01", NOW)


@pytest.mark.parametrize(
    ("request_value", "expected"), [("2025-01-15T00:00:00Z", True), ("2025-03-01T00:00:00Z", False)]
)
def test_multiple_date_values_or(request_value: str, expected: bool) -> None:
    """CONDLOGIC: several values are ORed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html"""
    p = PolicySet(
        identity=(
            policy(
                allow(
                    Condition={
                        "DateLessThan": {"aws:CurrentTime": ["2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z"]}
                    }
                )
            ),
        )
    )
    assert (decide(p, context={"aws:CurrentTime": request_value}).outcome == "Allowed") is expected


@pytest.mark.parametrize(
    ("operator", "expected"),
    [
        ("DateEquals", False),
        ("DateLessThan", False),
        ("DateNotEquals", True),
        ("DateGreaterThanIfExists", True),
    ],
)
def test_missing_date_key(operator: str, expected: bool) -> None:
    """OPS Important box: missing key ⇒ positive false, negated true, …IfExists true.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition(operator, "2025-01-01T00:00:00Z", None) is expected


@pytest.mark.parametrize("operator", ["DateEquals", "DateLessThan", "DateNotEquals"])
def test_unparsable_request_date_never_satisfies(operator: str) -> None:
    """iam-evaluation.md §4.3 (UNDOCUMENTED): a request value that is no date decides nothing; we
    choose "condition false" for positive and negated operators alike.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition(operator, "2025-01-01T00:00:00Z", "yesterday") is False


def test_variables_are_not_substituted_in_date_values() -> None:
    """OPS/VARS: Date operators take no policy variables.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    p = PolicySet(
        identity=(policy(allow(Condition={"DateEquals": {"aws:CurrentTime": "${aws:TokenIssueTime}"}})),)
    )
    ctx = {"aws:CurrentTime": NOW, "aws:TokenIssueTime": NOW}
    assert decide(p, context=ctx).outcome == "ImplicitlyDenied"
