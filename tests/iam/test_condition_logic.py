"""How condition clauses combine: IfExists, set operators, missing keys, AND/OR/NOR, key-name case.

Rules: COND, CONDLOGIC, OPS ("Important" box and "…IfExists condition operators"), MULTI,
iam-evaluation.md §4.1, §4.2, §4.4.
"""

from __future__ import annotations

import pytest

from bedrock_access.iam import PolicySet

from ._support import FM, allow, condition_holds, decide, deny, policy

TAGS = "aws:TagKeys"


# --- …IfExists -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "value", "request_value", "expected"),
    [
        ("StringEqualsIfExists", "dev", None, True),
        ("StringEqualsIfExists", "dev", "dev", True),
        ("StringEqualsIfExists", "dev", "prod", False),
        ("StringNotEqualsIfExists", "dev", None, True),
        ("StringNotEqualsIfExists", "dev", "dev", False),
        ("StringLikeIfExists", "d*", "prod", False),
        ("NumericLessThanIfExists", "3", "5", False),
        ("ArnNotLikeIfExists", "arn:aws:s3:::*", None, True),
    ],
)
def test_if_exists_is_true_when_the_key_is_absent_else_the_operator(
    operator: str, value: str, request_value: str | None, expected: bool
) -> None:
    """OPS …IfExists: "If the policy key is present in the context of the request, process the key as
    specified in the policy. If the key is not present, evaluate the condition element as true."
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    ctx = {} if request_value is None else {"aws:PrincipalTag/env": request_value}
    assert condition_holds({operator: {"aws:PrincipalTag/env": value}}, ctx) is expected


def test_R13_deny_with_string_not_equals_if_exists_and_key_absent_denies() -> None:
    """§9 case R13: "If you are using an Effect: Deny element with a negated condition operator like
    StringNotEqualsIfExists, the request is still denied even if the tag is missing" ⇒ ExplicitlyDenied.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    p = PolicySet(
        identity=(
            policy(
                allow("bedrock:*"),
                deny(
                    "bedrock:*",
                    Sid="DenyOtherProjects",
                    Condition={"StringNotEqualsIfExists": {"aws:PrincipalTag/project": "genai"}},
                ),
            ),
        )
    )
    assert decide(p, action="bedrock:InvokeModel", resource=FM).outcome == "ExplicitlyDenied"
    tagged = decide(
        p, action="bedrock:InvokeModel", resource=FM, context={"aws:PrincipalTag/project": "genai"}
    )
    assert tagged.outcome == "Allowed"


# --- missing keys, every operator ------------------------------------------------------------

_POSITIVE = [
    ("StringEquals", "a"),
    ("StringEqualsIgnoreCase", "a"),
    ("StringLike", "*"),
    ("NumericEquals", "1"),
    ("NumericLessThan", "1"),
    ("NumericLessThanEquals", "1"),
    ("NumericGreaterThan", "1"),
    ("NumericGreaterThanEquals", "1"),
    ("DateEquals", "2025-01-01T00:00:00Z"),
    ("DateLessThan", "2025-01-01T00:00:00Z"),
    ("DateLessThanEquals", "2025-01-01T00:00:00Z"),
    ("DateGreaterThan", "2025-01-01T00:00:00Z"),
    ("DateGreaterThanEquals", "2025-01-01T00:00:00Z"),
    ("Bool", "true"),
    ("BinaryEquals", "aGVsbG8="),
    ("IpAddress", "0.0.0.0/0"),
    ("ArnEquals", "arn:aws:s3:::*"),
    ("ArnLike", "arn:aws:s3:::*"),
]
_NEGATED = [
    ("StringNotEquals", "a"),
    ("StringNotEqualsIgnoreCase", "a"),
    ("StringNotLike", "*"),
    ("NumericNotEquals", "1"),
    ("DateNotEquals", "2025-01-01T00:00:00Z"),
    ("NotIpAddress", "0.0.0.0/0"),
    ("ArnNotEquals", "arn:aws:s3:::*"),
    ("ArnNotLike", "arn:aws:s3:::*"),
]


@pytest.mark.parametrize(("operator", "value"), _POSITIVE)
def test_positive_operator_on_missing_key_is_false(operator: str, value: str) -> None:
    """OPS Important box: "If the key that you specify in a policy condition is not present in the
    request context, the values do not match and the condition is false."
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({operator: {"test:Missing": value}}, {"test:Other": "x"}) is False


@pytest.mark.parametrize(("operator", "value"), _NEGATED)
def test_negated_operator_on_missing_key_is_true(operator: str, value: str) -> None:
    """OPS Important box: "If the policy condition requires that the key is not matched, such as
    StringNotLike or ArnNotLike, and the right key is not present, the condition is true."
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({operator: {"test:Missing": value}}, {"test:Other": "x"}) is True


@pytest.mark.parametrize(("operator", "value"), _POSITIVE + _NEGATED)
def test_if_exists_variant_of_every_operator_is_true_on_missing_key(operator: str, value: str) -> None:
    """OPS: "You can add IfExists to the end of any condition operator name except the Null condition"
    and a missing key then evaluates to true.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({operator + "IfExists": {"test:Missing": value}}, {}) is True


# --- ForAnyValue / ForAllValues --------------------------------------------------------------


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["project"], True),
        (["project", "owner"], True),
        (["project", "cost"], False),
        ([], True),
        (None, True),
    ],
)
def test_for_all_values(tags: list[str] | None, expected: bool) -> None:
    """MULTI ForAllValues: true iff every request value satisfies the operator; "It also returns true
    if there are no context keys in the request" (absent) — and an empty set has no failing value.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"""
    ctx = {} if tags is None else {TAGS: tags}
    assert condition_holds({"ForAllValues:StringEquals": {TAGS: ["project", "owner"]}}, ctx) is expected


@pytest.mark.parametrize(
    ("tags", "expected"),
    [(["project"], True), (["cost", "owner"], True), (["cost"], False), ([], False), (None, False)],
)
def test_for_any_value(tags: list[str] | None, expected: bool) -> None:
    """MULTI ForAnyValue: true iff some request value satisfies the operator; false when the key is
    absent or "the key values in the request resolve to an empty data set".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"""
    ctx = {} if tags is None else {TAGS: tags}
    assert condition_holds({"ForAnyValue:StringEquals": {TAGS: ["project", "owner"]}}, ctx) is expected


def test_C07_for_all_values_allow_with_key_absent_allows() -> None:
    """§9 case C07: Allow with ``ForAllValues:StringEquals aws:TagKeys`` and no tags in the request:
    ForAllValues "also returns true if there are no context keys in the request" ⇒ Allowed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"""
    p = PolicySet(
        identity=(
            policy(
                allow("bedrock:TagResource", Condition={"ForAllValues:StringEquals": {TAGS: ["project"]}})
            ),
        )
    )
    assert decide(p, action="bedrock:TagResource", resource=FM).outcome == "Allowed"


def test_C08_for_any_value_allow_with_key_absent_denies_implicitly() -> None:
    """§9 case C08: the ForAnyValue counterpart of C07 is false with the key absent ⇒ no applicable
    Allow ⇒ ImplicitlyDenied.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"""
    p = PolicySet(
        identity=(
            policy(allow("bedrock:TagResource", Condition={"ForAnyValue:StringEquals": {TAGS: ["project"]}})),
        )
    )
    assert decide(p, action="bedrock:TagResource", resource=FM).outcome == "ImplicitlyDenied"


@pytest.mark.parametrize(
    ("operator", "tags", "expected"),
    [
        ("ForAllValues:StringNotEquals", ["cost", "team"], True),
        ("ForAllValues:StringNotEquals", ["cost", "secret"], False),
        ("ForAnyValue:StringNotEquals", ["secret", "cost"], True),
        ("ForAnyValue:StringNotEquals", ["secret"], False),
        ("ForAllValues:StringLike", ["team-a", "team-b"], True),
        ("ForAllValues:StringLike", ["team-a", "cost"], False),
        ("ForAnyValue:StringLike", ["cost", "team-a"], True),
    ],
)
def test_set_operators_with_negated_and_like_base_operators(
    operator: str, tags: list[str], expected: bool
) -> None:
    """iam-evaluation.md §4.4: ``ForAllValues:StringNotEquals`` = no request value is listed;
    ``ForAnyValue:StringNotEquals`` = some request value is not listed; StringLike per value.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"""
    values = ["secret", "admin"] if "NotEquals" in operator else ["team-*"]
    assert condition_holds({operator: {TAGS: values}}, {TAGS: tags}) is expected


def test_for_any_value_if_exists_on_missing_key_is_true() -> None:
    """iam-evaluation.md §4.4: IfExists inside a set operator is UNDOCUMENTED; we treat an absent key as
    true for both set operators.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"""
    assert condition_holds({"ForAnyValue:StringEqualsIfExists": {TAGS: "project"}}, {})
    assert condition_holds({"ForAllValues:StringEqualsIfExists": {TAGS: "project"}}, {})
    assert not condition_holds({"ForAnyValue:StringEqualsIfExists": {TAGS: "project"}}, {TAGS: ["cost"]})


def test_set_operator_on_single_valued_key_reads_it_as_a_one_element_set() -> None:
    """MULTI warns set operators on single-valued keys are "overly permissive" but valid;
    iam-evaluation.md §4.4: treat the value as a one-element set.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"""
    assert condition_holds(
        {"ForAnyValue:StringEquals": {"aws:RequestedRegion": "us-east-1"}},
        {"aws:RequestedRegion": "us-east-1"},
    )
    assert not condition_holds(
        {"ForAllValues:StringEquals": {"aws:RequestedRegion": "us-east-1"}},
        {"aws:RequestedRegion": "eu-west-1"},
    )


@pytest.mark.parametrize("operator", ["StringEquals", "StringLike", "StringNotEquals", "StringNotLike"])
def test_single_valued_operator_on_multivalued_key_never_holds(operator: str) -> None:
    """MULTI: multivalued keys require a set operator; the result without one is not defined by AWS.
    iam-evaluation.md §4.4 (oracle): no match for positive and negated operators alike — so such a
    clause neither grants nor denies.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"""
    assert condition_holds({operator: {TAGS: "project"}}, {TAGS: ["project"]}) is False
    assert condition_holds({operator: {TAGS: "project"}}, {TAGS: ["other"]}) is False


# --- AND / OR / NOR --------------------------------------------------------------------------


def test_several_operators_are_anded() -> None:
    """CONDLOGIC: "If your policy statement has multiple condition operators, the condition operators
    are evaluated using a logical AND."
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html"""
    cond = {"StringEquals": {"aws:RequestedRegion": "us-east-1"}, "Bool": {"aws:SecureTransport": "true"}}
    assert condition_holds(cond, {"aws:RequestedRegion": "us-east-1", "aws:SecureTransport": "true"})
    assert not condition_holds(cond, {"aws:RequestedRegion": "us-east-1", "aws:SecureTransport": "false"})
    assert not condition_holds(cond, {"aws:RequestedRegion": "eu-west-1", "aws:SecureTransport": "true"})


def test_several_keys_under_one_operator_are_anded() -> None:
    """CONDLOGIC: "If your policy statement has multiple context keys attached to a single condition
    operator, the context keys are evaluated using a logical AND."
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html"""
    cond = {"StringEquals": {"aws:PrincipalTag/team": "ml", "aws:RequestedRegion": "us-east-1"}}
    assert condition_holds(cond, {"aws:PrincipalTag/team": "ml", "aws:RequestedRegion": "us-east-1"})
    assert not condition_holds(cond, {"aws:PrincipalTag/team": "ml", "aws:RequestedRegion": "us-west-2"})
    assert not condition_holds(cond, {"aws:PrincipalTag/team": "ml"})


@pytest.mark.parametrize(
    ("region", "expected"), [("us-east-1", True), ("us-west-2", True), ("eu-west-1", False)]
)
def test_several_values_for_one_key_are_ored(region: str, expected: bool) -> None:
    """CONDLOGIC: values of one key under a positive operator are ORed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html"""
    assert (
        condition_holds(
            {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}},
            {"aws:RequestedRegion": region},
        )
        is expected
    )


@pytest.mark.parametrize(
    ("region", "expected"), [("us-east-1", False), ("us-west-2", False), ("eu-west-1", True)]
)
def test_several_values_for_one_key_under_a_negated_operator_are_nored(region: str, expected: bool) -> None:
    """CONDLOGIC: "If a single negated matching condition operator includes multiple values for a
    context key, those values are evaluated using a logical NOR."
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html"""
    cond = {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}
    assert condition_holds(cond, {"aws:RequestedRegion": region}) is expected


def test_absent_condition_block_is_true() -> None:
    """COND: the Condition element is optional; without it the statement applies unconditionally.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html"""
    p = PolicySet(identity=(policy(allow()),))
    assert decide(p).outcome == "Allowed"


# --- key names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy_key", "context_key"),
    [
        ("aws:CurrentTime", "AWS:currenttime"),
        ("AWS:CURRENTTIME", "aws:CurrentTime"),
        ("aws:currenttime", "Aws:CurrentTime"),
    ],
)
def test_condition_key_names_are_case_insensitive(policy_key: str, context_key: str) -> None:
    """VARS: "Key names are case-insensitive. For example, aws:CurrentTime is equivalent to
    AWS:currenttime" (case C20).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    assert condition_holds(
        {"DateGreaterThan": {policy_key: "2020-01-01T00:00:00Z"}}, {context_key: "2025-06-01T12:00:00Z"}
    )


def test_condition_values_stay_case_sensitive() -> None:
    """OPS String table: only the key name is case-insensitive; StringEquals values are compared exactly
    (cases R14/R15).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert not condition_holds(
        {"StringEquals": {"AWS:REQUESTEDREGION": "US-EAST-1"}}, {"aws:RequestedRegion": "us-east-1"}
    )
