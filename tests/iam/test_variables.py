"""Policy variables: substitution in Resource and in String/ARN/Bool condition values.

Rules: VARS (where variables may appear, defaults, special characters, no value), VERSION (the
2012-10-17 gate), iam-evaluation.md §5.
"""

from __future__ import annotations

import pytest

from bedrock_access.iam import PolicySet

from ._support import ACCOUNT, USER, V2008, V2012, allow, condition_holds, decide, identity_outcome, policy

HOME = "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"
ALICE_OBJECT = "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/notes.txt"
BOB_OBJECT = "arn:aws:s3:::amzn-s3-demo-bucket/home/bob/notes.txt"
ALICE = {"aws:username": "alice"}


# --- Resource --------------------------------------------------------------------------------


def test_variable_in_resource_is_replaced_by_the_request_value() -> None:
    """VARS: "you can use policy variables … in the Resource element"; ``${aws:username}`` becomes the
    caller's user name, so alice reaches her home prefix and not bob's.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    stmt = allow("s3:GetObject", HOME)
    assert identity_outcome(stmt, resource=ALICE_OBJECT, context=ALICE) == "Allowed"
    assert identity_outcome(stmt, resource=BOB_OBJECT, context=ALICE) == "ImplicitlyDenied"


def test_variable_key_name_is_case_insensitive() -> None:
    """VARS: key names are case-insensitive, also inside ``${…}``.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    stmt = allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/${AWS:UserName}/*")
    assert identity_outcome(stmt, resource=ALICE_OBJECT, context={"aws:USERNAME": "alice"}) == "Allowed"


def test_variable_value_is_case_sensitive_in_resource() -> None:
    """RESOURCE: the resource segment is case-sensitive; the substituted value is compared as given.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    stmt = allow("s3:GetObject", HOME)
    assert (
        identity_outcome(stmt, resource=ALICE_OBJECT, context={"aws:username": "Alice"}) == "ImplicitlyDenied"
    )


def test_V06_no_substitution_under_version_2008() -> None:
    """§9 case V06: Version 2008-10-17, Resource ``…/application-inference-profile/${aws:username}-*``.
    VARS: without 2012-10-17 "variables like ${aws:username} are treated as literal strings" ⇒ the
    pattern does not match ``alice-chat`` ⇒ ImplicitlyDenied (the oracle wrongly allows).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    resource = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/${{aws:username}}-*"
    request = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/alice-chat"
    stmt = allow("bedrock:InvokeModel", resource)
    kwargs = {"action": "bedrock:InvokeModel", "resource": request, "context": ALICE}
    assert identity_outcome(stmt, version=V2008, **kwargs) == "ImplicitlyDenied"
    assert identity_outcome(stmt, version=V2012, **kwargs) == "Allowed"  # contrast


def test_V07_no_substitution_without_version() -> None:
    """VARS + VERSION: no Version element means 2008-10-17, so the variable is literal text (case V07).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html"""
    stmt = allow("s3:GetObject", HOME)
    assert identity_outcome(stmt, version=None, resource=ALICE_OBJECT, context=ALICE) == "ImplicitlyDenied"
    literal = "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/notes.txt"
    assert identity_outcome(stmt, version=None, resource=literal, context=ALICE) == "Allowed"


def test_no_substitution_in_conditions_under_2008() -> None:
    """VARS: under 2008-10-17 a variable in a condition value is literal text too.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    cond = {"StringEquals": {"s3:prefix": "home/${aws:username}/"}}
    assert not condition_holds(cond, {"s3:prefix": "home/alice/", **ALICE}, version=V2008)
    assert condition_holds(cond, {"s3:prefix": "home/${aws:username}/", **ALICE}, version=V2008)
    assert condition_holds(cond, {"s3:prefix": "home/alice/", **ALICE}, version=V2012)


# --- conditions ------------------------------------------------------------------------------


def test_variable_in_string_equals_condition() -> None:
    """VARS "Condition element": variables in string condition values (OPS String: "Policy variables –
    Supported").
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    cond = {"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}}
    assert condition_holds(cond, {"aws:ResourceTag/owner": "alice", **ALICE})
    assert not condition_holds(cond, {"aws:ResourceTag/owner": "bob", **ALICE})


def test_variable_with_wildcards_around_it_in_string_like() -> None:
    """VARS: the text around a variable keeps its wildcards in StringLike.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    cond = {"StringLike": {"s3:prefix": ["home/${aws:username}/*", ""]}}
    assert condition_holds(cond, {"s3:prefix": "home/alice/docs/", **ALICE})
    assert not condition_holds(cond, {"s3:prefix": "home/bob/docs/", **ALICE})
    assert condition_holds(cond, {"s3:prefix": "", **ALICE})


def test_principal_tag_variable_in_resource_tag_condition() -> None:
    """VARS example (ABAC): ``aws:ResourceTag/project`` equals ``${aws:PrincipalTag/project}``.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    cond = {"StringEquals": {"aws:ResourceTag/project": "${aws:PrincipalTag/project}"}}
    assert condition_holds(cond, {"aws:ResourceTag/project": "genai", "aws:PrincipalTag/project": "genai"})
    assert not condition_holds(cond, {"aws:ResourceTag/project": "web", "aws:PrincipalTag/project": "genai"})


def test_variables_are_not_substituted_in_action() -> None:
    """VARS: variables are used in Resource and in condition values — not in Action.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    stmt = allow("s3:${aws:PrincipalTag/action}", "*")
    assert (
        identity_outcome(stmt, action="s3:GetObject", context={"aws:PrincipalTag/action": "GetObject"})
        == "ImplicitlyDenied"
    )


# --- defaults --------------------------------------------------------------------------------


def test_default_value_is_used_when_the_key_is_absent() -> None:
    """VARS "Specifying default values": ``${aws:PrincipalTag/team, 'company-wide'}`` uses the default
    when the key is missing (case V05).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    stmt = allow(
        "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/${aws:PrincipalTag/team, 'company-wide'}/*"
    )
    shared = "arn:aws:s3:::amzn-s3-demo-bucket/company-wide/x"
    team = "arn:aws:s3:::amzn-s3-demo-bucket/ml/x"
    assert identity_outcome(stmt, resource=shared) == "Allowed"
    assert identity_outcome(stmt, resource=team) == "ImplicitlyDenied"
    assert identity_outcome(stmt, resource=team, context={"aws:PrincipalTag/team": "ml"}) == "Allowed"
    assert (
        identity_outcome(stmt, resource=shared, context={"aws:PrincipalTag/team": "ml"}) == "ImplicitlyDenied"
    )


def test_default_value_in_a_condition() -> None:
    """VARS "Specifying default values" applies wherever variables are allowed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    cond = {"StringEquals": {"aws:RequestedRegion": "${aws:PrincipalTag/home-region, 'us-east-1'}"}}
    assert condition_holds(cond, {"aws:RequestedRegion": "us-east-1"})
    assert not condition_holds(
        cond, {"aws:RequestedRegion": "us-east-1", "aws:PrincipalTag/home-region": "eu-west-1"}
    )


# --- special characters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "literal", "other"),
    [("${*}", "*", "x"), ("${?}", "?", "x"), ("${$}", "$", "x")],
)
def test_special_characters_stand_for_themselves_in_resource(template: str, literal: str, other: str) -> None:
    """VARS "Special characters": ``${*}``, ``${?}``, ``${$}`` are a literal ``*``, ``?``, ``$``
    (cases V08/V09), not wildcards.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    stmt = allow("s3:GetObject", f"arn:aws:s3:::amzn-s3-demo-bucket/a{template}")
    assert identity_outcome(stmt, resource=f"arn:aws:s3:::amzn-s3-demo-bucket/a{literal}") == "Allowed"
    assert identity_outcome(stmt, resource=f"arn:aws:s3:::amzn-s3-demo-bucket/a{other}") == "ImplicitlyDenied"


def test_special_characters_in_string_like() -> None:
    """VARS "Special characters": usable in condition values too — ``${*}`` is how StringLike matches a
    literal star.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    cond = {"StringLike": {"s3:prefix": "report${*}*"}}
    assert condition_holds(cond, {"s3:prefix": "report*2025"})
    assert not condition_holds(cond, {"s3:prefix": "report-2025"})


def test_special_characters_are_not_escapes_under_2008() -> None:
    """VARS: under 2008-10-17 ``${*}`` is not recognised; the text ``${`` must then appear literally.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    stmt = allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/a${*}")
    assert (
        identity_outcome(stmt, version=V2008, resource="arn:aws:s3:::amzn-s3-demo-bucket/a*")
        == "ImplicitlyDenied"
    )


# --- no value --------------------------------------------------------------------------------


def test_unresolvable_variable_in_resource_matches_nothing() -> None:
    """VARS "Policy variables with no value": nothing can equal or be like a missing value; the
    resource pattern matches nothing (case V04).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    stmt = allow("s3:GetObject", HOME)
    assert identity_outcome(stmt, resource=ALICE_OBJECT, context={}) == "ImplicitlyDenied"
    literal = "arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/notes.txt"
    assert identity_outcome(stmt, resource=literal, context={}) == "ImplicitlyDenied"


def test_unresolvable_variable_in_positive_condition_is_false() -> None:
    """VARS "Policy variables with no value": a positive comparison against a missing value is false.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    assert not condition_holds(
        {"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}}, {"aws:ResourceTag/owner": ""}
    )
    assert not condition_holds(
        {"StringLike": {"aws:ResourceTag/owner": "*${aws:username}*"}}, {"aws:ResourceTag/owner": "x"}
    )


def test_unresolvable_variable_in_negated_condition_is_false_too() -> None:
    """iam-evaluation.md §5 (UNDOCUMENTED; oracle): an unresolvable value is "not matching" for that
    entry, making StringNotEquals against only that value false — it neither grants nor denies.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    assert not condition_holds(
        {"StringNotEquals": {"aws:ResourceTag/owner": "${aws:username}"}}, {"aws:ResourceTag/owner": "x"}
    )


def test_multivalued_key_cannot_be_a_variable() -> None:
    """MULTI "Key points": only single-valued keys may be used as policy variables; a multivalued one
    behaves as unresolvable.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"""
    stmt = allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/${aws:TagKeys}/*")
    ctx = {"aws:TagKeys": ["team"]}
    assert (
        identity_outcome(stmt, resource="arn:aws:s3:::amzn-s3-demo-bucket/team/x", context=ctx)
        == "ImplicitlyDenied"
    )


# --- substituted text is literal -------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "resource", "expected"),
    [
        ("a*", "arn:aws:s3:::amzn-s3-demo-bucket/home/a*/f", "Allowed"),
        ("a*", "arn:aws:s3:::amzn-s3-demo-bucket/home/abc/f", "ImplicitlyDenied"),
        ("a?c", "arn:aws:s3:::amzn-s3-demo-bucket/home/abc/f", "ImplicitlyDenied"),
        ("a?c", "arn:aws:s3:::amzn-s3-demo-bucket/home/a?c/f", "Allowed"),
    ],
)
def test_substituted_value_is_not_a_wildcard_in_resource(username: str, resource: str, expected: str) -> None:
    """iam-evaluation.md §2.2/§5: substituted text is literal — a ``*`` in the value is not a wildcard
    (use ``${*}`` for that).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    assert (
        identity_outcome(allow("s3:GetObject", HOME), resource=resource, context={"aws:username": username})
        == expected
    )


def test_substituted_value_is_not_a_wildcard_in_string_like() -> None:
    """iam-evaluation.md §5: the same holds in StringLike.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    cond = {"StringLike": {"s3:prefix": "home/${aws:username}/*"}}
    assert not condition_holds(cond, {"s3:prefix": "home/bob/x", "aws:username": "*"})
    assert condition_holds(cond, {"s3:prefix": "home/*/x", "aws:username": "*"})


def test_substitution_is_single_pass() -> None:
    """iam-evaluation.md §5: substituted text is never re-scanned for ``${``.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    cond = {"StringEquals": {"s3:prefix": "${aws:username}"}}
    ctx = {"aws:username": "${aws:PrincipalTag/x}", "aws:PrincipalTag/x": "evil", "s3:prefix": "evil"}
    assert not condition_holds(cond, ctx)
    ctx["s3:prefix"] = "${aws:PrincipalTag/x}"
    assert condition_holds(cond, ctx)


def test_simulate_derives_no_username_from_the_principal() -> None:
    """VARS "Principal key values" lists what AWS puts in the context; the engine adds nothing itself,
    so without ``aws:username`` in the request the variable has no value.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    p = PolicySet(identity=(policy(allow("s3:GetObject", HOME)),))
    assert decide(p, principal=USER, resource=ALICE_OBJECT).outcome == "ImplicitlyDenied"
