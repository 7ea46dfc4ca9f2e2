"""Policy documents into the typed model: every element and form, located errors, hostile input.

Rules: GRAMMAR (the formal grammar), VERSION, ACTION/NOTACTION, RESOURCE/NOTRESOURCE,
PRINCIPAL/NOTPRINCIPAL, COND. Error paths are 0-based list positions (``Statement[2]`` is the third
statement, as in JSON Pointer/jq); the statement *index* reported in decisions is 1-based.
"""

from __future__ import annotations

import json
import string
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bedrock_access.errors import InputError
from bedrock_access.iam import Policy, PolicyError, PolicySet, parse_policy
from bedrock_access.iam.parse import MAX_DOCUMENT_CHARS
from bedrock_access.iam.validate import validate_policy

from ._support import USER, V2008, V2012, allow, decide, document

GRAMMAR = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"


def _error(doc: object, name: str = "TestPolicy") -> PolicyError:
    with pytest.raises(PolicyError) as info:
        parse_policy(doc, name=name)  # type: ignore[arg-type]
    return info.value


def _ok(**statement: object) -> dict[str, object]:
    base: dict[str, object] = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    base.update(statement)
    return base


# --- Version ---------------------------------------------------------------------------------


def test_version_2012_10_17_enables_policy_variables() -> None:
    """VERSION: 2012-10-17 is the current language version; variables exist only there.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html"""
    p = parse_policy(document(allow(), version=V2012), name="v")
    assert p.version == V2012
    assert p.variables_enabled is True


def test_version_2008_10_17_is_accepted_without_variables() -> None:
    """VERSION: 2008-10-17 is the older valid value; VARS: no variables under it.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html"""
    p = parse_policy(document(allow(), version=V2008), name="v")
    assert p.version == V2008
    assert p.variables_enabled is False


def test_absent_version_means_2008_semantics() -> None:
    """VERSION: "If you do not include a Version element, the value defaults to 2008-10-17".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html"""
    p = parse_policy(document(allow(), version=None), name="v")
    assert p.version is None
    assert p.variables_enabled is False


@pytest.mark.parametrize("bad", ["2012-10-18", "2020-01-01", "", "latest", 2012, ["2012-10-17"]])
def test_version_other_than_the_two_dates_is_an_error_at_Version(bad: object) -> None:
    """GRAMMAR: <version_block> = "Version" : ("2008-10-17" | "2012-10-17").
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    err = _error({"Version": bad, "Statement": [_ok()]}, name="Versioned")
    assert err.policy == "Versioned"
    assert err.path == "Version"


def test_version_null_is_an_error_at_Version() -> None:
    """GRAMMAR: when present, Version is one of the two dates; JSON null is neither. Either the parser
    refuses it or validation reports an error at ``Version``.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    try:
        p = parse_policy({"Version": None, "Statement": [_ok()]}, name="Null")
    except PolicyError as err:
        assert err.path == "Version"
    else:
        assert any(i.severity == "error" and i.path == "Version" for i in validate_policy(p, "identity"))


# --- Id, top level ---------------------------------------------------------------------------


def test_id_is_kept() -> None:
    """GRAMMAR: <id_block> = "Id" : <policy_id_string> (optional).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_id.html"""
    p = parse_policy(
        {"Version": V2012, "Id": "cd3ad3d9-2776-4ef1-a904-4c229d1642ee", "Statement": [_ok()]}, name="i"
    )
    assert p.id == "cd3ad3d9-2776-4ef1-a904-4c229d1642ee"
    assert parse_policy(document(allow()), name="i").id is None


def test_non_string_id_is_an_error_at_Id() -> None:
    """GRAMMAR: the Id is a string.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert _error({"Version": V2012, "Id": 7, "Statement": [_ok()]}).path == "Id"


def test_unknown_top_level_element_is_an_error_naming_it() -> None:
    """GRAMMAR: a policy is Version, Id and Statement only.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert _error({"Version": V2012, "Statement": [_ok()], "Statements": []}).path == "Statements"


def test_missing_statement_is_an_error_at_Statement() -> None:
    """GRAMMAR: <statement_block> is required.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert _error({"Version": V2012}).path == "Statement"


@pytest.mark.parametrize("bad", ["Allow", 3, None, True])
def test_statement_of_wrong_type_is_an_error_at_Statement(bad: object) -> None:
    """GRAMMAR: Statement is one statement object or a list of them.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert _error({"Version": V2012, "Statement": bad}).path == "Statement"


def test_statement_as_single_object_equals_one_element_list() -> None:
    """GRAMMAR notes: a single statement may be given as an object instead of an array.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    single = parse_policy({"Version": V2012, "Statement": _ok(Sid="Only")}, name="s")
    listed = parse_policy({"Version": V2012, "Statement": [_ok(Sid="Only")]}, name="s")
    assert single.statements == listed.statements
    assert single.statements[0].index == 1


def test_single_statement_object_errors_have_no_list_index() -> None:
    """Error paths follow the document: a statement given as an object is ``Statement``.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    err = _error({"Version": V2012, "Statement": {"Effect": "Maybe", "Action": "*", "Resource": "*"}})
    assert err.path == "Statement.Effect"


def test_statement_indexes_are_one_based_and_error_paths_zero_based() -> None:
    """Decisions name statements by 1-based position; error paths use 0-based list positions.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    p = parse_policy(document(allow(), allow(), allow()), name="three")
    assert [s.index for s in p.statements] == [1, 2, 3]
    err = _error(document(allow(), allow(), {"Effect": "Allow", "Resource": "*"}))
    assert err.path == "Statement[2]"


def test_empty_statement_list_gives_a_policy_that_grants_nothing() -> None:
    """EVAL: with no applicable Allow the request is implicitly denied.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    p = parse_policy({"Version": V2012, "Statement": []}, name="empty")
    assert p.statements == ()
    assert decide(PolicySet(identity=(p,))).outcome == "ImplicitlyDenied"


@pytest.mark.parametrize("bad", ["Allow", 1, None, ["x"]])
def test_statement_that_is_not_an_object_is_an_error_at_its_position(bad: object) -> None:
    """GRAMMAR: each statement is an object.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert _error({"Version": V2012, "Statement": [_ok(), bad]}).path == "Statement[1]"


def test_unknown_statement_element_is_an_error_naming_it() -> None:
    """GRAMMAR: statement elements are Sid, Effect, Principal/NotPrincipal, Action/NotAction,
    Resource/NotResource, Condition.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    err = _error(document({"Effect": "Allow", "Action": "*", "Resources": "*"}))
    assert err.path == "Statement[0].Resources"


# --- Sid, Effect -----------------------------------------------------------------------------


def test_sid_is_kept_and_optional() -> None:
    """GRAMMAR: <sid_block?> is optional.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html"""
    p = parse_policy(document(allow(Sid="AllowRead"), allow()), name="s")
    assert [s.sid for s in p.statements] == ["AllowRead", None]


def test_non_string_sid_is_an_error_at_Sid() -> None:
    """GRAMMAR: <sid_block> = "Sid" : <sid_string>.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert _error(document(allow(), allow(Sid=12))).path == "Statement[1].Sid"


@pytest.mark.parametrize("effect", ["Allow", "Deny"])
def test_effect_allow_and_deny(effect: str) -> None:
    """GRAMMAR: <effect_block> = "Effect" : ("Allow" | "Deny").
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html"""
    assert parse_policy(document(_ok(Effect=effect)), name="e").statements[0].effect == effect


@pytest.mark.parametrize("bad", ["allow", "DENY", "Permit", "", 1, None])
def test_effect_other_than_Allow_or_Deny_is_an_error_at_Effect(bad: object) -> None:
    """GRAMMAR: Effect is exactly "Allow" or "Deny".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert _error(document(_ok(Effect=bad))).path == "Statement[0].Effect"


def test_missing_effect_is_an_error_at_Effect() -> None:
    """GRAMMAR: <effect_block> is required.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert _error(document({"Action": "*", "Resource": "*"})).path == "Statement[0].Effect"


# --- Action / NotAction ----------------------------------------------------------------------


def test_action_scalar_and_single_element_list_are_equivalent() -> None:
    """GRAMMAR notes: a single value may be given as a string or a one-element array.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"""
    a = parse_policy(document(_ok(Action="s3:GetObject")), name="a").statements[0]
    b = parse_policy(document(_ok(Action=["s3:GetObject"])), name="a").statements[0]
    assert a.actions == b.actions == ("s3:GetObject",)
    assert a.not_actions is None


def test_not_action_is_read() -> None:
    """NOTACTION: NotAction lists the actions a statement does not cover.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html"""
    s = parse_policy(document({"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*"}), name="n")
    assert s.statements[0].not_actions == ("iam:*", "sts:*")
    assert s.statements[0].actions is None


def test_statement_without_action_or_not_action_is_an_error_at_the_statement() -> None:
    """GRAMMAR: <action_block> is required.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert _error(document(allow(), {"Effect": "Allow", "Resource": "*"})).path == "Statement[1]"


def test_action_and_not_action_together_is_an_error() -> None:
    """GRAMMAR: <action_block> = ("Action" | "NotAction") — one or the other.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    err = _error(document(_ok(NotAction="s3:PutObject")))
    assert err.path == "Statement[0]"


@pytest.mark.parametrize(
    ("value", "path"),
    [
        (["s3:GetObject", 5], "Statement[0].Action[1]"),
        ([], "Statement[0].Action"),
        ({"s3": "GetObject"}, "Statement[0].Action"),
        (None, "Statement[0].Action"),
        (True, "Statement[0].Action"),
    ],
)
def test_action_of_wrong_type_is_an_error_at_its_path(value: object, path: str) -> None:
    """GRAMMAR: Action is "*" or a list of action strings.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert _error(document(_ok(Action=value))).path == path


# --- Resource / NotResource ------------------------------------------------------------------


def test_resource_scalar_and_list_are_equivalent() -> None:
    """RESOURCE: one ARN or an array of ARNs.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    a = parse_policy(document(_ok(Resource="arn:aws:s3:::b/*")), name="r").statements[0]
    b = parse_policy(document(_ok(Resource=["arn:aws:s3:::b/*"])), name="r").statements[0]
    assert a.resources == b.resources == ("arn:aws:s3:::b/*",)


def test_not_resource_is_read() -> None:
    """NOTRESOURCE: NotResource lists the resources a statement does not cover.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html"""
    s = parse_policy(document({"Effect": "Deny", "Action": "*", "NotResource": "arn:aws:s3:::b/*"}), name="n")
    assert s.statements[0].not_resources == ("arn:aws:s3:::b/*",)
    assert s.statements[0].resources is None


@pytest.mark.parametrize(
    ("value", "path"),
    [
        (["arn:aws:s3:::b", ["nested"]], "Statement[0].Resource[1]"),
        ([], "Statement[0].Resource"),
        (42, "Statement[0].Resource"),
    ],
)
def test_resource_of_wrong_type_is_an_error_at_its_path(value: object, path: str) -> None:
    """GRAMMAR: Resource is "*" or a list of resource strings.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert _error(document(_ok(Resource=value))).path == path


def test_resource_and_not_resource_together_is_reported_at_save_time() -> None:
    """GRAMMAR: <resource_block> = ("Resource" | "NotResource") — one or the other. The parser keeps the
    statement (it has a meaning: both must hold) and validation reports what AWS would refuse to save.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    p = parse_policy(document(allow(), _ok(NotResource="arn:aws:s3:::b/*")), name="Both")
    issues = validate_policy(p, "identity")
    assert [(i.code, i.severity, i.path) for i in issues] == [
        ("resource-and-notresource", "error", "Statement[1]")
    ]


# --- Principal / NotPrincipal ----------------------------------------------------------------


@pytest.mark.parametrize("element", ["Principal", "NotPrincipal"])
def test_principal_star_is_the_wildcard(element: str) -> None:
    """PRINCIPAL: "Principal": "*" means everyone.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    s = parse_policy(document(_ok(**{element: "*"})), name="p").statements[0]
    spec = s.principal if element == "Principal" else s.not_principal
    assert spec is not None and spec.wildcard


def test_principal_aws_star_is_the_wildcard() -> None:
    """PRINCIPAL: {"AWS": "*"} is equivalent to "*".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    spec = parse_policy(document(_ok(Principal={"AWS": "*"})), name="p").statements[0].principal
    assert spec is not None and spec.wildcard


@pytest.mark.parametrize(
    "principal",
    [
        {"AWS": "111122223333"},
        {"AWS": "arn:aws:iam::111122223333:root"},
        {"AWS": ["arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:role/Dev"]},
        {"AWS": "arn:aws:sts::111122223333:assumed-role/Dev/s"},
        {"Service": ["bedrock.amazonaws.com", "lambda.amazonaws.com"]},
        {"Federated": "cognito-identity.amazonaws.com"},
        {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
        {"AWS": "111122223333", "Service": "bedrock.amazonaws.com"},
    ],
)
def test_principal_map_forms_are_read_per_type(principal: dict[str, object]) -> None:
    """GRAMMAR: <principal_map_entry> = ("AWS" | "Federated" | "Service" | "CanonicalUser") : ids.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    spec = parse_policy(document(_ok(Principal=principal)), name="p").statements[0].principal
    assert spec is not None
    assert not spec.wildcard
    expected = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in principal.items()}  # type: ignore[arg-type]
    assert dict(spec.entries) == expected


@pytest.mark.parametrize(
    ("principal", "path"),
    [
        ({"User": "alice"}, "Statement[0].Principal.User"),
        (["*"], "Statement[0].Principal"),
        ("arn:aws:iam::111122223333:root", "Statement[0].Principal"),
        ({"AWS": 111122223333}, "Statement[0].Principal.AWS"),
        ({"AWS": ["111122223333", None]}, "Statement[0].Principal.AWS[1]"),
    ],
)
def test_principal_of_wrong_form_is_an_error_at_its_path(principal: object, path: str) -> None:
    """GRAMMAR: <principal_block> = ("Principal" | "NotPrincipal") : ("*" | <principal_map>).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert _error(document(_ok(Principal=principal))).path == path


def test_not_principal_error_paths_name_NotPrincipal() -> None:
    """GRAMMAR: NotPrincipal has the Principal syntax.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"""
    assert _error(document(_ok(NotPrincipal={"Bogus": "x"}))).path == "Statement[0].NotPrincipal.Bogus"


def test_principal_and_not_principal_together_is_an_error() -> None:
    """GRAMMAR: <principal_block> = ("Principal" | "NotPrincipal") — one or the other. Either the parser
    refuses it or save-time validation reports it as an error.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    doc = document(_ok(Principal="*", NotPrincipal={"AWS": "111122223333"}))
    try:
        p = parse_policy(doc, name="Both")
    except PolicyError as err:
        assert err.path.startswith("Statement[0]")
    else:
        assert any(i.severity == "error" and i.path == "Statement[0]" for i in validate_policy(p, "resource"))


# --- Condition -------------------------------------------------------------------------------


def test_condition_clauses_keep_operator_key_values_and_path() -> None:
    """COND: "Condition": {operator: {key: value | [values]}}; one clause per operator/key pair.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html"""
    s = parse_policy(
        document(
            allow(),
            allow(),
            allow(
                Condition={
                    "StringLike": {"aws:userid": "AIDA*", "s3:prefix": ["", "home/"]},
                    "Bool": {"aws:SecureTransport": True},
                }
            ),
        ),
        name="c",
    ).statements[2]
    found = {(c.operator, c.key): (c.values, c.path) for c in s.conditions}
    assert found == {
        ("StringLike", "aws:userid"): (("AIDA*",), "Statement[2].Condition.StringLike.aws:userid"),
        ("StringLike", "s3:prefix"): (("", "home/"), "Statement[2].Condition.StringLike.s3:prefix"),
        ("Bool", "aws:SecureTransport"): (("true",), "Statement[2].Condition.Bool.aws:SecureTransport"),
    }


@pytest.mark.parametrize(
    ("value", "text"),
    [(True, "true"), (False, "false"), (10, "10"), (-3, "-3"), (2.5, "2.5"), ("x", "x")],
)
def test_condition_numbers_and_booleans_are_read_as_strings(value: object, text: str) -> None:
    """OPS: condition values are compared as the text AWS reads (JSON true == "true", 10 == "10").
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    s = parse_policy(document(allow(Condition={"StringEquals": {"k": value}})), name="c").statements[0]
    assert s.conditions[0].values == (text,)


def test_condition_operator_block_that_is_not_an_object_names_the_operator_path() -> None:
    """GRAMMAR: <condition_map> = {<condition_type_string> : {<condition_key_string> : values}}.
    The third statement's broken StringLike is reported at ``Statement[2].Condition.StringLike``.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    err = _error(
        document(allow(), allow(), allow(Condition={"StringLike": "aws:userid=AIDA*"})), name="Guard"
    )
    assert err.policy == "Guard"
    assert err.path == "Statement[2].Condition.StringLike"
    rendered = str(err)
    assert "Guard" in rendered
    assert "Statement[2].Condition.StringLike" in rendered


@pytest.mark.parametrize(
    ("condition", "path"),
    [
        (["StringLike"], "Statement[0].Condition"),
        ("x", "Statement[0].Condition"),
        ({"StringLike": {}}, "Statement[0].Condition.StringLike"),
        ({"StringLike": ["a"]}, "Statement[0].Condition.StringLike"),
        ({"StringLike": {"s3:prefix": []}}, "Statement[0].Condition.StringLike.s3:prefix"),
        ({"StringLike": {"s3:prefix": {"a": 1}}}, "Statement[0].Condition.StringLike.s3:prefix"),
        ({"StringLike": {"s3:prefix": ["a", None]}}, "Statement[0].Condition.StringLike.s3:prefix[1]"),
        ({"StringLike": {"s3:prefix": ["a", ["b"]]}}, "Statement[0].Condition.StringLike.s3:prefix[1]"),
    ],
)
def test_condition_of_wrong_shape_is_an_error_at_its_path(condition: object, path: str) -> None:
    """GRAMMAR: condition values are strings (or numbers/booleans), one or a non-empty list.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert _error(document(allow(Condition=condition))).path == path


# --- PolicyError -----------------------------------------------------------------------------


def test_policy_error_is_an_input_error_naming_policy_and_path() -> None:
    """Errors must stand alone: the policy name and the element path are both reported.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    err = _error(document(allow(), _ok(Effect="Maybe")), name="DevBoundary")
    assert isinstance(err, InputError)
    assert err.policy == "DevBoundary"
    assert err.path == "Statement[1].Effect"
    assert "DevBoundary" in str(err) and "Statement[1].Effect" in str(err)


# --- Input forms -----------------------------------------------------------------------------


def test_json_text_bytes_and_mapping_parse_alike() -> None:
    """A policy is a JSON document; the same document in any carrier means the same.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    doc = document(allow("s3:GetObject", "arn:aws:s3:::b/*", Sid="S"))
    text = json.dumps(doc)
    a = parse_policy(doc, name="x")
    b = parse_policy(text, name="x")
    c = parse_policy(text.encode("utf-8"), name="x")
    assert a.statements == b.statements == c.statements


@pytest.mark.parametrize(
    "text",
    ['{"Version": "2012-10-17", "Statement": [', "{'Version': '2012-10-17'}", "", "not json", '{"a":1}}'],
)
def test_malformed_json_is_a_policy_error_not_a_crash(text: str) -> None:
    """GRAMMAR: "The policy language and JSON": a policy must be valid JSON.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    err = _error(text, name="Broken")
    assert err.policy == "Broken"
    assert err.path == ""


def test_non_utf8_bytes_are_a_policy_error() -> None:
    """GRAMMAR: JSON text is Unicode; undecodable bytes are not a policy.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    _error(b'{"Statement": "\xff\xfe"}')


@pytest.mark.parametrize("text", ["[]", '"policy"', "null", "3", "true"])
def test_json_that_is_not_an_object_is_a_policy_error(text: str) -> None:
    """GRAMMAR: policy = { <version_block?> <id_block?> <statement_block> }.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert _error(text).path == ""


def test_duplicate_json_keys_are_recorded() -> None:
    """iam-evaluation.md §4.1: duplicate JSON keys are invalid for IAM.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    text = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Action":"s3:*","Resource":"*"}]}'
    assert "Action" in parse_policy(text, name="d").duplicate_keys


def test_duplicate_json_keys_are_reported_as_errors() -> None:
    """iam-evaluation.md §4.1: "Duplicate JSON keys are invalid JSON for IAM (policy validation); reject."
    The parser keeps the last value (as JSON parsers do) and validation reports an error.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    text = '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Effect":"Allow","Resource":"*"}]}'
    p = parse_policy(text, name="Dup")
    assert [(i.code, i.severity) for i in validate_policy(p, "identity")] == [("duplicate-key", "error")]


# --- Hostile input ---------------------------------------------------------------------------


def test_one_megabyte_policy_parses_and_its_last_statement_counts() -> None:
    """EVAL: every statement of a policy is evaluated; size alone does not change meaning.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    filler = [allow(f"s3:Get{i:06d}", f"arn:aws:s3:::bucket-{i:06d}/*", Sid=f"S{i}") for i in range(10000)]
    doc = document(*filler, allow("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/*", Sid="Last"))
    text = json.dumps(doc)
    assert len(text) > 1_000_000
    p = parse_policy(text, name="Huge")
    assert len(p.statements) == 10001
    d = decide(PolicySet(identity=(p,)))
    assert d.outcome == "Allowed"
    assert [e.sid for e in d.decisive] == ["Last"]


def test_document_above_the_size_limit_is_refused_with_a_policy_error() -> None:
    """Hostile input is refused, never a crash (limit far above AWS's own policy size limits).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""
    text = json.dumps(document(allow(["s3:" + "x" * 1000] * (MAX_DOCUMENT_CHARS // 1000 + 10))))
    err = _error(text)
    assert err.path == ""


def test_deeply_nested_json_text_is_a_policy_error_not_a_recursion_crash() -> None:
    """Hostile input: 200,000 nested arrays must not overflow the stack.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    depth = 200_000
    text = '{"Version":"2012-10-17","Statement":' + "[" * depth + "]" * depth + "}"
    _error(text)


def test_deeply_nested_mapping_is_a_policy_error() -> None:
    """Hostile input given as Python objects: nesting far beyond the grammar's depth is refused.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    value: object = "x"
    for _ in range(50_000):
        value = {"k": value}
    _error({"Version": V2012, "Statement": [allow(Condition={"StringEquals": value})]})


def test_deeply_nested_condition_values_are_a_policy_error() -> None:
    """GRAMMAR: condition values are strings or lists of strings, never nested lists.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    value: object = "x"
    for _ in range(30):
        value = [value]
    _error(document(allow(Condition={"StringEquals": {"k": value}})))


def test_giant_action_and_condition_lists_parse_and_match_their_last_entry() -> None:
    """ACTION/COND: any entry of a list may match; a list of 40,000 entries is still a list.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"""
    actions = [f"s3:Action{i}" for i in range(40_000)] + ["s3:GetObject"]
    regions = [f"xx-region-{i}" for i in range(40_000)] + ["us-east-1"]
    p = parse_policy(
        document(allow(actions, Condition={"StringEquals": {"aws:RequestedRegion": regions}})), name="Giant"
    )
    start = time.monotonic()
    d = decide(PolicySet(identity=(p,)), context={"aws:RequestedRegion": "us-east-1"})
    assert d.outcome == "Allowed"
    assert time.monotonic() - start < 30  # a generous bound: this is a hang check, not a benchmark


def test_very_long_strings_are_read_as_they_are() -> None:
    """RESOURCE: a pattern is compared as text, however long.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    key = "k" * 200_000
    p = parse_policy(document(allow("s3:GetObject", f"arn:aws:s3:::b/{key}")), name="Long")
    assert decide(PolicySet(identity=(p,)), resource=f"arn:aws:s3:::b/{key}").outcome == "Allowed"
    assert decide(PolicySet(identity=(p,)), resource=f"arn:aws:s3:::b/{key}x").outcome == "ImplicitlyDenied"


_json_leaf = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
_json = st.recursive(
    _json_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=30,
)
_element_names = st.sampled_from(
    [
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
        "Sid",
    ]
)
_statement_like = st.dictionaries(_element_names, _json, max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    doc=st.one_of(
        _json, st.fixed_dictionaries({"Version": st.just(V2012), "Statement": st.lists(_statement_like)})
    )
)
def test_any_json_value_parses_or_raises_policy_error(doc: object) -> None:
    """Hostile input: for every JSON value the parser returns a Policy or raises PolicyError.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    try:
        result = parse_policy(json.dumps(doc), name="fuzz")
    except PolicyError as err:
        assert err.policy == "fuzz"
    else:
        assert isinstance(result, Policy)
        decide(PolicySet(identity=(result,)), principal=USER)  # and deciding with it never crashes


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=string.printable, max_size=60))
def test_any_text_parses_or_raises_policy_error(text: str) -> None:
    """Hostile input: arbitrary text never escapes as anything but PolicyError.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    try:
        result = parse_policy(text, name="fuzz")
    except PolicyError as err:
        assert err.policy == "fuzz"
    else:
        assert isinstance(result, Policy)
