"""Principal and NotPrincipal in resource-based policies.

Rules: PRINCIPAL, NOTPRINCIPAL, DENYALLOW (resource-based policies), XACCT, BOUND,
iam-evaluation.md §6. The bucket below lives in ACCOUNT unless a test says otherwise.
"""

from __future__ import annotations

from typing import Any

import pytest

from bedrock_access.iam import PolicySet

from ._support import (
    ACCOUNT,
    BUCKET_OBJECT,
    FEDERATED,
    OTHER_ACCOUNT,
    ROLE,
    SERVICE,
    SESSION,
    USER,
    X_USER,
    allow,
    decide,
    deny,
    policy,
)

X_OBJECT = BUCKET_OBJECT  # resource_account is passed explicitly for cross-account cases


def rb(principal: Any, *, effect: str = "Allow", element: str = "Principal", **extra: Any) -> PolicySet:
    """Only a bucket policy; the caller has no identity policy."""
    stmt = {
        "Effect": effect,
        element: principal,
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
    }
    stmt.update(extra)
    return PolicySet(resource=policy(stmt, name="BucketPolicy"))


def with_identity(policies: PolicySet) -> PolicySet:
    return PolicySet(
        identity=(policy(allow("s3:GetObject"), name="CallerPolicy"),), resource=policies.resource
    )


def same(policies: PolicySet, principal: str = USER, **kw: Any) -> str:
    return decide(policies, principal=principal, resource=BUCKET_OBJECT, **kw).outcome


def cross(policies: PolicySet, principal: str = X_USER, **kw: Any) -> str:
    return decide(policies, principal=principal, resource=X_OBJECT, resource_account=ACCOUNT, **kw).outcome


# --- Principal forms -------------------------------------------------------------------------


@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}])
def test_everyone_form_matches_a_cross_account_caller(principal: Any) -> None:
    """PRINCIPAL "All principals": ``"*"`` and ``{"AWS": "*"}`` name everyone; XACCT: a cross-account
    caller also needs its own identity Allow.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert cross(with_identity(rb(principal))) == "Allowed"
    assert cross(rb(principal)) == "ImplicitlyDenied"


@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}])
def test_everyone_form_includes_anonymous_callers(principal: Any) -> None:
    """PRINCIPAL: "*" grants access to everyone, including anonymous users (public access).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert same(rb(principal), principal="anonymous") == "Allowed"


@pytest.mark.parametrize("account", [OTHER_ACCOUNT, f"arn:aws:iam::{OTHER_ACCOUNT}:root"])
def test_account_id_and_root_arn_are_the_same_account_principal(account: str) -> None:
    """PRINCIPAL "AWS account principals": ``"AWS": "123456789012"`` ≡ ``"AWS": "arn:aws:iam::123456789012:root"``;
    it delegates to the account, whose identity policies must then allow (XACCT).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert cross(with_identity(rb({"AWS": account}))) == "Allowed"
    assert cross(rb({"AWS": account})) == "ImplicitlyDenied"


def test_account_principal_of_another_account_does_not_match() -> None:
    """PRINCIPAL: an account principal names that account's principals only.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert cross(with_identity(rb({"AWS": "777788889999"}))) == "ImplicitlyDenied"


def test_same_account_account_principal_only_delegates() -> None:
    """PRINCIPAL / iam-evaluation.md §3.3: ``"AWS": ACCOUNT`` in the same account delegates to the
    account's IAM policies — the caller still needs an identity Allow.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert same(rb({"AWS": ACCOUNT})) == "ImplicitlyDenied"
    assert same(with_identity(rb({"AWS": ACCOUNT}))) == "Allowed"


def test_iam_user_arn_grants_directly_in_the_same_account() -> None:
    """DENYALLOW: within one account a resource-based policy naming the IAM user grants on its own.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    assert same(rb({"AWS": USER})) == "Allowed"
    assert same(rb({"AWS": USER}), principal=f"arn:aws:iam::{ACCOUNT}:user/bob") == "ImplicitlyDenied"


def test_role_arn_matches_the_sessions_of_that_role() -> None:
    """PRINCIPAL "IAM role principals": a role ARN names the role; its sessions act as the role, and in
    the same account such a grant suffices without an identity Allow (DENYALLOW).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert same(rb({"AWS": ROLE}), principal=SESSION) == "Allowed"
    other = f"arn:aws:sts::{ACCOUNT}:assumed-role/Ops/s1"
    assert same(rb({"AWS": ROLE}), principal=other) == "ImplicitlyDenied"


def test_role_arn_with_path_matches_its_sessions() -> None:
    """PRINCIPAL: a role ARN may carry a path; the session ARN does not, the role is the same.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert same(rb({"AWS": f"arn:aws:iam::{ACCOUNT}:role/team/Dev"}), principal=SESSION) == "Allowed"


def test_role_arn_of_another_account_does_not_match() -> None:
    """PRINCIPAL: role names are unique per account only.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert (
        same(rb({"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:role/Dev"}), principal=SESSION) == "ImplicitlyDenied"
    )


def test_role_session_arn_names_that_session_only() -> None:
    """PRINCIPAL "Role session principals": the assumed-role session ARN names one session.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert same(rb({"AWS": SESSION}), principal=SESSION) == "Allowed"
    other = f"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/other-session"
    assert same(rb({"AWS": SESSION}), principal=other) == "ImplicitlyDenied"


def test_federated_user_session_arn() -> None:
    """PRINCIPAL "AWS STS federated user principals": the federated-user ARN names that session.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert same(rb({"AWS": FEDERATED}), principal=FEDERATED) == "Allowed"
    assert same(rb({"AWS": FEDERATED}), principal=USER) == "ImplicitlyDenied"


def test_service_principal() -> None:
    """PRINCIPAL "AWS service principals": ``{"Service": "bedrock.amazonaws.com"}`` names the service;
    services have no identity policies, so the resource policy alone decides.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert same(rb({"Service": SERVICE}), principal=SERVICE) == "Allowed"
    assert same(rb({"Service": "lambda.amazonaws.com"}), principal=SERVICE) == "ImplicitlyDenied"
    assert same(rb({"Service": SERVICE}), principal=USER) == "ImplicitlyDenied"


def test_service_principal_needs_a_resource_policy_grant() -> None:
    """iam-evaluation.md §3.3 "Identity-less principals": identity policies do not speak for services.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    p = PolicySet(identity=(policy(allow()),))
    assert decide(p, principal=SERVICE).outcome == "ImplicitlyDenied"
    assert decide(p, principal="anonymous").outcome == "ImplicitlyDenied"


@pytest.mark.parametrize(
    "principal",
    [
        {"Federated": "cognito-identity.amazonaws.com"},
        {"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},
        {"Service": "s3.amazonaws.com"},
    ],
)
def test_non_aws_principal_types_do_not_name_an_iam_user(principal: Any) -> None:
    """PRINCIPAL: Federated, CanonicalUser and Service entries name identity providers, canonical users
    and services — not IAM users.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert same(rb(principal)) == "ImplicitlyDenied"


@pytest.mark.parametrize("kind", ["Service", "Federated", "CanonicalUser"])
def test_star_under_a_non_aws_principal_type_does_not_name_an_iam_user(kind: str) -> None:
    """PRINCIPAL: a ``Service`` entry names AWS services, ``Federated`` identity providers,
    ``CanonicalUser`` S3 canonical users; only ``"*"`` or ``{"AWS": "*"}`` names everyone. Whatever
    ``{"Service": "*"}`` means, it does not name an IAM user (least of all as a direct grant that
    bypasses the boundary).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert same(rb({kind: "*"})) == "ImplicitlyDenied"


@pytest.mark.parametrize("pattern", [f"arn:aws:iam::{ACCOUNT}:user/*", f"arn:aws:iam::{ACCOUNT}:user/al?ce"])
def test_no_wildcards_inside_a_principal_arn(pattern: str) -> None:
    """PRINCIPAL: "You cannot use a wildcard to match part of a principal name or ARN" (use
    aws:PrincipalArn with ArnLike instead).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    assert same(rb({"AWS": pattern})) == "ImplicitlyDenied"


def test_principal_list_matches_if_any_entry_matches() -> None:
    """PRINCIPAL: several principals may be listed; the statement applies to each.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    p = rb({"AWS": [f"arn:aws:iam::{ACCOUNT}:user/bob", USER], "Service": SERVICE})
    assert same(p) == "Allowed"
    assert same(p, principal=SERVICE) == "Allowed"
    assert same(p, principal=f"arn:aws:iam::{ACCOUNT}:user/carol") == "ImplicitlyDenied"


def test_principal_is_checked_for_deny_statements_too() -> None:
    """PRINCIPAL: a Deny in a resource policy applies only to the principals it names.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    p = PolicySet(
        identity=(policy(allow("s3:GetObject")),),
        resource=policy(
            deny(
                "s3:GetObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/*",
                Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"},
            )
        ),
    )
    assert same(p) == "Allowed"
    assert same(p, principal=f"arn:aws:iam::{ACCOUNT}:user/bob") == "ExplicitlyDenied"


# --- NotPrincipal ----------------------------------------------------------------------------


def _deny_all_but(listed: list[str]) -> PolicySet:
    """Identity allows; the bucket policy denies everyone except ``listed``."""
    return PolicySet(
        identity=(policy(allow("s3:GetObject")),),
        resource=policy(
            {
                "Sid": "DenyAllBut",
                "Effect": "Deny",
                "NotPrincipal": {"AWS": listed},
                "Action": "s3:*",
                "Resource": "*",
            },
            name="BucketPolicy",
        ),
    )


def test_not_principal_deny_denies_everyone_not_listed() -> None:
    """NOTPRINCIPAL: with Deny, "the actions … are explicitly denied to all principals except for the
    ones specified".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"""
    p = _deny_all_but([USER, f"arn:aws:iam::{ACCOUNT}:root"])
    assert same(p, principal=f"arn:aws:iam::{OTHER_ACCOUNT}:user/mallory") == "ExplicitlyDenied"
    assert same(p, principal="anonymous") == "ExplicitlyDenied"


def test_not_principal_deny_exempts_a_listed_user_with_its_account() -> None:
    """NOTPRINCIPAL: list the user and the account ARN ("you must also specify the account ARN of the
    not-denied principal") — the user is then exempt.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"""
    assert same(_deny_all_but([USER, f"arn:aws:iam::{ACCOUNT}:root"])) == "Allowed"


def test_not_principal_deny_exempts_a_role_session_listed_with_role_and_account() -> None:
    """NOTPRINCIPAL: for an assumed-role user AWS may validate the account, then the role, then the
    session; listing all three exempts the session.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"""
    p = _deny_all_but([SESSION, ROLE, f"arn:aws:iam::{ACCOUNT}:root"])
    assert same(p, principal=SESSION) == "Allowed"


def test_not_principal_deny_listing_only_the_session_does_not_exempt_it() -> None:
    """NOTPRINCIPAL: "When you use NotPrincipal, you must also specify the account ARN of the not-denied
    principal. Otherwise, the policy might deny access to the entire account containing the
    principal" — AWS validates the account, then the role, then the session (iam-evaluation.md §6).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"""
    assert same(_deny_all_but([SESSION]), principal=SESSION) == "ExplicitlyDenied"


@pytest.mark.parametrize(
    ("caller", "listed", "expected"),
    [
        (USER, [USER], "ExplicitlyDenied"),
        (USER, [f"arn:aws:iam::{ACCOUNT}:root"], "ExplicitlyDenied"),
        (USER, [USER, ACCOUNT], "Allowed"),
        (SESSION, [ROLE, f"arn:aws:iam::{ACCOUNT}:root"], "ExplicitlyDenied"),
        (SESSION, [SESSION, f"arn:aws:iam::{ACCOUNT}:root"], "ExplicitlyDenied"),
        (f"arn:aws:iam::{ACCOUNT}:root", [f"arn:aws:iam::{ACCOUNT}:root"], "Allowed"),
        (FEDERATED, [FEDERATED, ACCOUNT], "Allowed"),
        (FEDERATED, [FEDERATED], "ExplicitlyDenied"),
    ],
)
def test_not_principal_deny_exempts_only_a_fully_listed_chain(
    caller: str, listed: list[str], expected: str
) -> None:
    """NOTPRINCIPAL: AWS may validate the account, then the user or role, then the assumed-role session;
    "we strongly recommend that you explicitly include the ARN for a user's account, or include both the
    ARN for a role and the ARN for the account containing that role" — each identity must be listed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"""
    p = _deny_all_but(listed)
    p = PolicySet(
        identity=p.identity,
        resource=p.resource,
        session=policy(allow(), name="SessionPolicy") if caller == FEDERATED else None,
    )
    assert same(p, principal=caller) == expected


def test_not_principal_deny_exempts_a_service_listed_under_service() -> None:
    """NOTPRINCIPAL: a principal can be "an AWS service"; a service listed under ``Service`` is exempt.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"""
    deny_all_but_bedrock = PolicySet(
        resource=policy(
            allow(
                "s3:GetObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/*",
                Principal={"Service": [SERVICE, "logs.amazonaws.com"]},
            ),
            {"Effect": "Deny", "NotPrincipal": {"Service": SERVICE}, "Action": "s3:*", "Resource": "*"},
        )
    )
    assert same(deny_all_but_bedrock, principal=SERVICE) == "Allowed"
    assert same(deny_all_but_bedrock, principal="logs.amazonaws.com") == "ExplicitlyDenied"


def test_not_principal_deny_always_denies_principals_with_a_boundary() -> None:
    """NOTPRINCIPAL/BOUND: "The NotPrincipal element with a Deny effect will always deny any IAM
    principal that has a permissions boundary policy attached, regardless of the values specified".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"""
    base = _deny_all_but([USER, f"arn:aws:iam::{ACCOUNT}:root"])
    bounded = PolicySet(
        identity=base.identity, resource=base.resource, boundary=(policy(allow(), name="Boundary"),)
    )
    d = decide(bounded, principal=USER, resource=BUCKET_OBJECT)
    assert d.outcome == "ExplicitlyDenied"
    assert [(e.type, e.sid) for e in d.decisive] == [("resource", "DenyAllBut")]
    assert same(base) == "Allowed"  # the same principal without a boundary is exempt


def test_not_principal_with_allow_grants_everyone_not_listed() -> None:
    """NOTPRINCIPAL (archived text): with Allow, "the permissions specified in the policy statement will be
    granted to all principals except for the ones specified". The current page calls Allow unsupported;
    the engine reads it the archived way.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html"""
    bob = f"arn:aws:iam::{ACCOUNT}:user/bob"
    p = rb({"AWS": [bob]}, element="NotPrincipal")
    assert cross(with_identity(p)) == "Allowed"
    assert same(p, principal=bob) == "ImplicitlyDenied"
