"""Save-time validation (validate.py): what AWS would refuse to save, reported without failing.

Evaluation never depends on these findings (docs/iam-engine.md, "Parsing and validation"). Rules:
GRAMMAR, RESOURCE, PRINCIPAL, NOTPRINCIPAL, ACTION, OPS, VARS, RCPSYN and the quota pages.
"""

from __future__ import annotations

from typing import Any

import pytest

from bedrock_access.iam import PolicySet, parse_policy
from bedrock_access.iam.validate import SIZE_LIMITS, validate_policy, validate_policy_set

from ._support import allow, deny, document, level, policy


def issues(doc: dict[str, Any], policy_type: str = "identity") -> list[tuple[str, str, str]]:
    p = parse_policy(doc, name="P")
    return [(i.code, i.severity, i.path) for i in validate_policy(p, policy_type)]  # type: ignore[arg-type]


def test_clean_identity_policy_has_no_issues() -> None:
    """GRAMMAR: a well-formed identity policy with known actions raises nothing.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert (
        issues(
            document(
                allow(["bedrock:InvokeModel", "bedrock:Invoke*"], "arn:aws:bedrock:*::foundation-model/*")
            )
        )
        == []
    )


def test_missing_version_is_a_warning() -> None:
    """VERSION: without Version the 2008-10-17 rules apply; legal, but variables are then literal.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html"""
    assert issues(document(allow("s3:GetObject"), version=None)) == [("no-version", "warning", "Version")]


def test_variables_under_2008_are_a_warning() -> None:
    """VARS: "variables like ${aws:username} are treated as literal strings" without 2012-10-17.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"""
    found = issues(document(allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*"), version="2008-10-17"))
    assert ("variables-need-2012", "warning", "Statement[0]") in found


@pytest.mark.parametrize("policy_type", ["identity", "boundary", "session", "scp", "rcp"])
def test_resource_is_required_outside_resource_based_policies(policy_type: str) -> None:
    """RESOURCE: "Statements must include either a Resource or a NotResource element" (resource-based
    policies imply their resource).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    stmt: dict[str, Any] = {"Effect": "Deny", "Action": "s3:GetObject"}
    if policy_type == "rcp":
        stmt["Principal"] = "*"
    assert ("missing-resource", "error", "Statement[0]") in issues(document(stmt), policy_type)


def test_resource_based_policy_may_omit_resource() -> None:
    """PRINCIPAL/RESOURCE: a trust policy names no Resource; the policy is attached to it.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    doc = document(
        {"Effect": "Allow", "Principal": {"Service": "bedrock.amazonaws.com"}, "Action": "sts:AssumeRole"}
    )
    assert issues(doc, "resource") == []


@pytest.mark.parametrize("policy_type", ["identity", "boundary", "session", "scp"])
def test_principal_is_not_allowed_in_identity_boundary_session_or_scp(policy_type: str) -> None:
    """PRINCIPAL: "You cannot use the Principal element in an identity-based policy"; SCPs likewise.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert ("principal-not-allowed", "error", "Statement[0]") in issues(
        document(allow("s3:GetObject", Principal="*")), policy_type
    )


@pytest.mark.parametrize("policy_type", ["resource", "rcp"])
def test_principal_is_required_in_resource_policies_and_rcps(policy_type: str) -> None:
    """PRINCIPAL: "You must use the Principal element in resource-based policies"; RCPSYN: RCPs need one.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert ("missing-principal", "error", "Statement[0]") in issues(
        document(deny("s3:GetObject")), policy_type
    )


def test_rcp_rules() -> None:
    """RCPSYN: "The effect of Allow is only supported for the RCPFullAWSAccess policy" and the Principal
    must be ``"*"``.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html"""
    full = document(allow("*", "*", Principal="*"))
    assert issues(full, "rcp") == []
    narrow_allow = document(allow("s3:GetObject", "*", Principal="*"))
    assert ("rcp-allow", "error", "Statement[0]") in issues(narrow_allow, "rcp")
    named = document(deny("s3:*", "*", Principal={"AWS": "111122223333"}))
    assert ("rcp-principal", "error", "Statement[0]") in issues(named, "rcp")


def test_rcp_with_not_principal_is_reported() -> None:
    """NOTPRINCIPAL: "Service control policies (SCPs) and resource control policies (RCPs) don't support
    the NotPrincipal element."
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"""
    doc = document(deny("s3:*", "*", NotPrincipal={"AWS": "111122223333"}))
    assert any(severity == "error" for _, severity, _ in issues(doc, "rcp"))


def test_not_principal_with_allow_is_reported() -> None:
    """NOTPRINCIPAL: "NotPrincipal must be used with "Effect":"Deny". Using it with "Effect":"Allow" is not
    supported."
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"""
    doc = document(allow("s3:GetObject", "*", NotPrincipal={"AWS": "111122223333"}))
    assert issues(doc, "resource") != []


@pytest.mark.parametrize(
    ("action", "code", "severity"),
    [
        ("bed*:InvokeModel", "service-wildcard", "error"),
        ("InvokeModel", "malformed-action", "error"),
        ("bedrock:", "malformed-action", "error"),
        ("notaservice:DoThing", "unknown-service", "warning"),
        ("bedrock:InvokeModle", "unknown-action", "warning"),
    ],
)
def test_action_problems(action: str, code: str, severity: str) -> None:
    """ACTION: ``service:ActionName`` with wildcards only in the name; unknown names are legal but match
    nothing AWS defines.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html"""
    assert issues(document(allow(action))) == [(code, severity, "Statement[0].Action")]


def test_action_paths_index_list_entries() -> None:
    """Located findings: a list entry is named by its 0-based position.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    assert issues(document(allow(["s3:GetObject", "bed*:X"]))) == [
        ("service-wildcard", "error", "Statement[0].Action[1]")
    ]


@pytest.mark.parametrize(
    ("condition", "code"),
    [
        ({"StringEqualz": {"k": "v"}}, "unknown-operator"),
        ({"NullIfExists": {"k": "true"}}, "unknown-operator"),
        ({"ForSomeValues:StringEquals": {"k": "v"}}, "unknown-operator"),
        ({"NumericLessThan": {"k": "ten"}}, "bad-condition-value"),
        ({"DateLessThan": {"k": "tomorrow"}}, "bad-condition-value"),
        ({"IpAddress": {"k": "10.0.0.0/33"}}, "bad-condition-value"),
        ({"Bool": {"k": "yes"}}, "bad-condition-value"),
        ({"Null": {"k": "maybe"}}, "bad-condition-value"),
    ],
)
def test_condition_problems_are_errors_at_the_clause(condition: dict[str, Any], code: str) -> None:
    """OPS: the operator must be one AWS defines (no IfExists on Null) and the values must suit it.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    operator = next(iter(condition))
    assert issues(document(allow("s3:GetObject", Condition=condition))) == [
        (code, "error", f"Statement[0].Condition.{operator}.k")
    ]


def test_operator_spelled_in_other_case_is_a_warning() -> None:
    """OPS lists operators in one spelling; another letter case is flagged (the engine still reads it).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert issues(document(allow("s3:GetObject", Condition={"stringequals": {"k": "v"}}))) == [
        ("operator-case", "warning", "Statement[0].Condition.stringequals.k")
    ]


@pytest.mark.parametrize(("policy_type", "limit"), sorted(SIZE_LIMITS.items()))
def test_size_limits_per_policy_type(policy_type: str, limit: int) -> None:
    """IAM and Organizations quotas: characters without white space, per policy type.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"""
    needs_principal = policy_type in ("resource", "rcp", "vpce")
    padding = "x" * limit
    doc = document(
        deny("s3:GetObject", f"arn:aws:s3:::{padding}", **({"Principal": "*"} if needs_principal else {}))
    )
    found = issues(doc, policy_type)
    assert ("size-over-limit", "error", "") in found
    small = issues(
        document(deny("s3:GetObject", "*", **({"Principal": "*"} if needs_principal else {}))), policy_type
    )
    assert ("size-over-limit", "error", "") not in small


def test_validate_policy_set_names_policy_and_level() -> None:
    """Findings must stand alone: each line names the SCP level, the policy and the path.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_syntax.html"""
    ps = PolicySet(
        identity=(policy(allow("bedrock:InvokeModle"), name="Invoke"),),
        scp_levels=(level("ou-dev", policy(deny("s3:*", Principal="*"), name="Guard")),),
    )
    lines = validate_policy_set(ps)
    assert any(
        line.startswith("Invoke: Statement[0].Action:") and "[unknown-action]" in line for line in lines
    )
    assert any(
        line.startswith("SCP at ou-dev: Guard: Statement[0]:") and "[principal-not-allowed]" in line
        for line in lines
    )


def test_validation_never_changes_the_decision() -> None:
    """docs/iam-engine.md: evaluation does not depend on validation — an unknown operator simply never
    holds (here the Deny guarded by it does not apply).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    from ._support import decide

    p = PolicySet(identity=(policy(allow(), deny("s3:*", Condition={"StringEqualz": {"k": "v"}})),))
    assert decide(p, context={"k": "v"}).outcome == "Allowed"
    assert validate_policy_set(p) != ()
