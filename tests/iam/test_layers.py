"""The policy layers and how they combine: identity, resource-based (same and cross account),
permissions boundary, session policy, SCP levels, RCPs, VPC endpoint policies, the root user.

Rules: EVAL, DENYALLOW, BASICS, XACCT, BOUND, SESSION, SCP, SCPEVAL, RCP, RCPEVAL, SLR,
iam-evaluation.md §3 and the §9 cases R02, R03, P02, S02, X03, S05.
"""

from __future__ import annotations

from typing import Any

import pytest

from bedrock_access.iam import PolicySet

from ._support import (
    ACCOUNT,
    BUCKET_OBJECT,
    FEDERATED,
    FM,
    FM_EU,
    FM_US_EAST_2,
    KMS_KEY,
    MANAGEMENT_ACCOUNT,
    OTHER_ACCOUNT,
    PROFILE,
    ROLE,
    ROOT,
    SERVICE,
    SESSION,
    SLR,
    SLR_SESSION,
    USER,
    X_ROOT,
    X_USER,
    allow,
    decide,
    deny,
    full_access,
    full_org,
    layers,
    level,
    policy,
)

BUCKET = "arn:aws:s3:::amzn-s3-demo-bucket/*"
S3_GET = {"action": "s3:GetObject", "resource": BUCKET_OBJECT}


def identity(*statements: dict[str, Any], name: str = "CallerPolicy") -> tuple[Any, ...]:
    return (policy(*statements, name=name),)


def bucket_policy(principal: Any, **extra: Any) -> Any:
    return policy(allow("s3:GetObject", BUCKET, Principal=principal, **extra), name="BucketPolicy")


NO_ALLOW_BOUNDARY = (policy(allow("ec2:*"), name="Boundary"),)
NO_ALLOW_SESSION = policy(allow("ec2:*"), name="SessionPolicy")


# --- identity-based --------------------------------------------------------------------------


def test_identity_allow_grants() -> None:
    """EVAL: an identity-based Allow grants (no other layer present).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    assert decide(PolicySet(identity=identity(allow("s3:GetObject"))), **S3_GET).outcome == "Allowed"


def test_no_policy_at_all_is_implicit_deny_of_the_identity_layer() -> None:
    """EVAL: "By default, all requests are implicitly denied" (except the root user).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    d = decide(PolicySet(), **S3_GET)
    assert d.outcome == "ImplicitlyDenied"
    assert layers(d) == [("identity", None)]


def test_any_of_several_identity_policies_may_grant() -> None:
    """EVAL: the principal's identity policies are combined; one Allow is enough.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    p = PolicySet(identity=(policy(allow("ec2:*"), name="A"), policy(allow("s3:Get*"), name="B")))
    d = decide(p, **S3_GET)
    assert d.outcome == "Allowed"
    assert [e.policy for e in d.decisive] == ["B"]


# --- resource-based, same account ------------------------------------------------------------


def test_same_account_resource_policy_alone_grants_a_named_user() -> None:
    """DENYALLOW "Resource-based policies": within an account, an Allow in the resource-based policy
    that names the caller grants even without an identity Allow (identity OR resource).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    d = decide(PolicySet(resource=bucket_policy({"AWS": USER})), **S3_GET)
    assert d.outcome == "Allowed"
    assert layers(d) == [("resource", None)]


def test_same_account_identity_alone_grants_when_resource_policy_is_silent() -> None:
    """DENYALLOW: same account, identity OR resource-based policy suffices.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    p = PolicySet(
        identity=identity(allow("s3:GetObject")),
        resource=bucket_policy({"AWS": "arn:aws:iam::111122223333:user/bob"}),
    )
    assert decide(p, **S3_GET).outcome == "Allowed"


@pytest.mark.parametrize(
    ("principal_in_policy", "caller", "boundary", "session", "expected"),
    [
        # IAM user ARN: not limited by an implicit deny in the user's boundary.
        (USER, USER, NO_ALLOW_BOUNDARY, None, "Allowed"),
        # Role ARN: limited by an implicit deny in the boundary …
        (ROLE, SESSION, NO_ALLOW_BOUNDARY, None, "ImplicitlyDenied"),
        # … and in the session policy.
        (ROLE, SESSION, None, NO_ALLOW_SESSION, "ImplicitlyDenied"),
        (ROLE, SESSION, None, None, "Allowed"),
        # Role session ARN: not limited by implicit denies in boundary or session policy.
        (SESSION, SESSION, NO_ALLOW_BOUNDARY, NO_ALLOW_SESSION, "Allowed"),
        # Federated-user ARN: not limited either.
        (FEDERATED, FEDERATED, NO_ALLOW_BOUNDARY, NO_ALLOW_SESSION, "Allowed"),
    ],
)
def test_same_account_resource_grant_table(
    principal_in_policy: str, caller: str, boundary: Any, session: Any, expected: str
) -> None:
    """DENYALLOW / BOUND "Evaluating effective permissions with boundaries" table: a same-account grant
    to the user ARN, the role session ARN or the federated-user ARN is not limited by implicit denies in
    identity, boundary or session policies; a grant to the role ARN is.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    p = PolicySet(resource=bucket_policy({"AWS": principal_in_policy}), boundary=boundary, session=session)
    assert decide(p, principal=caller, **S3_GET).outcome == expected


def test_same_account_principal_star_counts_as_naming_users_and_sessions() -> None:
    """iam-evaluation.md §3.3: whether ``"Principal": "*"`` bypasses an implicit deny in a boundary or
    session policy like a direct ARN grant is UNDOCUMENTED; we follow the oracle — direct for users and
    sessions (not limited), role-like for a role ARN caller.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    p = PolicySet(resource=bucket_policy("*"), boundary=NO_ALLOW_BOUNDARY, session=NO_ALLOW_SESSION)
    assert decide(p, principal=USER, **S3_GET).outcome == "Allowed"
    assert decide(p, principal=SESSION, **S3_GET).outcome == "Allowed"
    assert decide(p, principal=ROLE, **S3_GET).outcome == "ImplicitlyDenied"


def test_same_account_resource_grant_is_still_subject_to_explicit_denies() -> None:
    """DENYALLOW: an explicit deny in any policy — here the boundary — overrides every Allow.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    p = PolicySet(
        resource=bucket_policy({"AWS": USER}), boundary=(policy(allow(), deny("s3:*"), name="Boundary"),)
    )
    assert decide(p, **S3_GET).outcome == "ExplicitlyDenied"


def test_same_account_account_principal_grants_nothing_alone() -> None:
    """PRINCIPAL "AWS account principals": the account principal delegates to the account's IAM
    policies; the caller needs an identity Allow.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html"""
    d = decide(PolicySet(resource=bucket_policy({"AWS": ACCOUNT})), **S3_GET)
    assert d.outcome == "ImplicitlyDenied"
    assert layers(d) == [("identity", None)]


# --- cross account ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rb_principal", "identity_allows", "expected"),
    [
        ({"AWS": X_USER}, True, "Allowed"),
        ({"AWS": X_USER}, False, "ImplicitlyDenied"),
        ({"AWS": OTHER_ACCOUNT}, True, "Allowed"),
        ({"AWS": X_ROOT}, True, "Allowed"),
        ({"AWS": "*"}, True, "Allowed"),
        (None, True, "ImplicitlyDenied"),
    ],
)
def test_cross_account_needs_both_resource_and_identity_allow(
    rb_principal: Any, identity_allows: bool, expected: str
) -> None:
    """XACCT: a cross-account request is allowed only if the trusting account's resource-based policy
    and the trusted account's identity-based policies both allow it.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html"""
    p = PolicySet(
        identity=identity(allow("s3:GetObject")) if identity_allows else (),
        resource=bucket_policy(rb_principal) if rb_principal else None,
    )
    d = decide(p, principal=X_USER, resource_account=ACCOUNT, **S3_GET)
    assert d.outcome == expected
    assert d.cross_account is True


def test_X03_account_grant_without_identity_policy_is_implicitly_denied() -> None:
    """§9 case X03: the bucket policy grants account B; bob (in B) has no identity policy. XACCT: both
    must allow ⇒ identity missing ⇒ ImplicitlyDenied, naming the identity layer.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html"""
    d = decide(
        PolicySet(resource=bucket_policy({"AWS": OTHER_ACCOUNT})),
        principal=X_USER,
        resource_account=ACCOUNT,
        **S3_GET,
    )
    assert d.outcome == "ImplicitlyDenied"
    assert layers(d) == [("identity", None)]


def test_cross_account_with_identity_only_names_the_resource_layer() -> None:
    """XACCT: without a resource-policy grant a cross-account request is implicitly denied.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html"""
    d = decide(PolicySet(identity=identity(allow())), principal=X_USER, resource_account=ACCOUNT, **S3_GET)
    assert d.outcome == "ImplicitlyDenied"
    assert ("resource", None) in layers(d)


def test_resource_account_defaults_to_the_arn_account_then_the_callers() -> None:
    """iam-evaluation.md §1.1: an ARN with an account field belongs to that account; one without (a
    foundation model, an S3 object) is evaluated as same-account.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html"""
    p = PolicySet(identity=identity(allow()))
    other_profile = PROFILE.replace(ACCOUNT, OTHER_ACCOUNT)
    assert decide(p, action="bedrock:InvokeModel", resource=other_profile).cross_account is True
    assert decide(p, action="bedrock:InvokeModel", resource=other_profile).outcome == "ImplicitlyDenied"
    assert decide(p, action="bedrock:InvokeModel", resource=FM).cross_account is False
    assert decide(p, action="bedrock:InvokeModel", resource=FM).outcome == "Allowed"


def test_cross_account_boundary_still_limits_the_caller() -> None:
    """BOUND / iam-evaluation.md §3.4: the principal side is identity ∩ boundary, also cross-account.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    p = PolicySet(
        identity=identity(allow()), resource=bucket_policy({"AWS": X_USER}), boundary=NO_ALLOW_BOUNDARY
    )
    d = decide(p, principal=X_USER, resource_account=ACCOUNT, **S3_GET)
    assert d.outcome == "ImplicitlyDenied"
    assert layers(d) == [("pb", None)]


# --- permissions boundary --------------------------------------------------------------------


def test_boundary_and_identity_must_both_allow() -> None:
    """BOUND: "The effective permissions … are the intersection of the identity-based policies and the
    permissions boundary".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    p = PolicySet(identity=identity(allow("s3:*")), boundary=(policy(allow("s3:Get*"), name="Boundary"),))
    assert decide(p, **S3_GET).outcome == "Allowed"
    d = decide(p, action="s3:PutObject", resource=BUCKET_OBJECT)
    assert d.outcome == "ImplicitlyDenied"
    assert layers(d) == [("pb", None)]
    assert d.decisive[0].policy == "Boundary"


def test_boundary_alone_grants_nothing() -> None:
    """BOUND: "A permissions boundary … does not grant permissions on its own".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    d = decide(PolicySet(boundary=(policy(allow(), name="Boundary"),)), **S3_GET)
    assert d.outcome == "ImplicitlyDenied"
    assert layers(d) == [("identity", None)]


def test_P02_boundary_without_the_action_implicitly_denies() -> None:
    """§9 case P02: identity allows bedrock:*, the boundary only InvokeModel*; ListFoundationModels is
    outside the boundary ⇒ ImplicitlyDenied (layer pb).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    p = PolicySet(
        identity=identity(allow("bedrock:*")),
        boundary=(policy(allow("bedrock:InvokeModel*"), name="DevBoundary"),),
        scp_levels=full_org(),
    )
    d = decide(p, action="bedrock:ListFoundationModels", resource="*")
    assert d.outcome == "ImplicitlyDenied"
    assert [(e.type, e.policy, e.effect) for e in d.decisive] == [("pb", "DevBoundary", "NoApplicableAllow")]
    assert decide(p, action="bedrock:InvokeModel", resource=FM).outcome == "Allowed"


# --- session policies ------------------------------------------------------------------------


def test_role_session_with_session_policy_is_the_intersection() -> None:
    """SESSION: "The resulting session's permissions are the intersection of the role's identity-based
    policies and the session policies."
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session"""
    p = PolicySet(
        identity=identity(allow("s3:*")), session=policy(allow("s3:GetObject"), name="SessionPolicy")
    )
    assert decide(p, principal=SESSION, **S3_GET).outcome == "Allowed"
    d = decide(p, principal=SESSION, action="s3:PutObject", resource=BUCKET_OBJECT)
    assert d.outcome == "ImplicitlyDenied"
    assert [(e.type, e.policy) for e in d.decisive] == [("session", "SessionPolicy")]


def test_session_policy_alone_grants_nothing() -> None:
    """SESSION: "Session policies limit permissions … but do not grant permissions."
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session"""
    d = decide(PolicySet(session=policy(allow(), name="SessionPolicy")), principal=SESSION, **S3_GET)
    assert d.outcome == "ImplicitlyDenied"
    assert layers(d) == [("identity", None)]


def test_role_session_without_session_policy_is_not_limited() -> None:
    """DENYALLOW "Session policies": if no session policy was passed, a role session is not limited by one.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    assert decide(PolicySet(identity=identity(allow())), principal=SESSION, **S3_GET).outcome == "Allowed"


def test_federated_user_without_session_policy_is_implicitly_denied() -> None:
    """DENYALLOW "Session policies": "If there is no session policy, the code checks whether the
    principal is a role session. If the principal is a role session, then the request is Allowed.
    Otherwise, the request is implicitly denied" (GetFederationToken sessions).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    d = decide(PolicySet(identity=identity(allow())), principal=FEDERATED, **S3_GET)
    assert d.outcome == "ImplicitlyDenied"
    assert [e.type for e in d.decisive] == ["session"]


def test_federated_user_with_session_policy_is_the_intersection() -> None:
    """SESSION: a GetFederationToken session's permissions are the IAM user's identity policies
    intersected with the session policy.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session"""
    p = PolicySet(
        identity=identity(allow("s3:*")), session=policy(allow("s3:GetObject"), name="SessionPolicy")
    )
    assert decide(p, principal=FEDERATED, **S3_GET).outcome == "Allowed"
    assert (
        decide(p, principal=FEDERATED, action="s3:PutObject", resource=BUCKET_OBJECT).outcome
        == "ImplicitlyDenied"
    )


def test_session_policy_does_not_apply_to_an_iam_user() -> None:
    """SESSION: session policies are passed when creating a session; an IAM user's own request has none.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session"""
    p = PolicySet(identity=identity(allow()), session=NO_ALLOW_SESSION)
    assert decide(p, principal=USER, **S3_GET).outcome == "Allowed"


def test_session_policy_deny_is_explicit() -> None:
    """DENYALLOW: an explicit Deny in a session policy denies.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    p = PolicySet(
        identity=identity(allow()), session=policy(allow(), deny("s3:GetObject"), name="SessionPolicy")
    )
    d = decide(p, principal=SESSION, **S3_GET)
    assert d.outcome == "ExplicitlyDenied"
    assert layers(d) == [("session", None)]


# --- SCPs ------------------------------------------------------------------------------------

REGION_DENY = {
    "Sid": "DenyOutsideApprovedRegions",
    "Effect": "Deny",
    "NotAction": ["iam:*", "organizations:*", "sts:*", "support:*"],
    "Resource": "*",
    "Condition": {
        "StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]},
        "ArnNotLike": {"bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:inference-profile/us.*"},
    },
}


def _bedrock_org(principal_policies: Any = None) -> PolicySet:
    return PolicySet(
        identity=principal_policies
        or identity(
            allow(
                "bedrock:InvokeModel",
                ["arn:aws:bedrock:*::foundation-model/*", "arn:aws:bedrock:*:*:inference-profile/*"],
            )
        ),
        scp_levels=full_org(policy(REGION_DENY, name="RegionDenyWithCris")),
    )


def test_R02_region_deny_scp_denies_a_direct_call_outside_approved_regions() -> None:
    """§9 case R02: direct FM call in eu-west-1. The OU SCP's NotAction list lacks bedrock ⇒ the action
    matches; StringNotEquals is true (eu-west-1 is none of the values, NOR); ArnNotLike is true (key
    absent); AND ⇒ explicit deny ⇒ ExplicitlyDenied at the OU level.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html"""
    d = decide(
        _bedrock_org(),
        action="bedrock:InvokeModel",
        resource=FM_EU,
        context={"aws:RequestedRegion": "eu-west-1"},
    )
    assert d.outcome == "ExplicitlyDenied"
    assert [(e.type, e.level, e.policy, e.sid, e.index, e.effect) for e in d.decisive] == [
        ("scp", "ou-ab12-workloads", "RegionDenyWithCris", "DenyOutsideApprovedRegions", 1, "Deny")
    ]


def test_R03_destination_region_check_through_us_profile_is_allowed() -> None:
    """§9 case R03: destination us-east-2 through the ``us.`` profile. StringNotEquals true, but
    ArnNotLike false (the profile ARN matches ``…inference-profile/us.*``) ⇒ AND false ⇒ no deny; every
    SCP level has FullAWSAccess; identity allows the FM in any Region ⇒ Allowed.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html"""
    ctx = {"aws:RequestedRegion": "us-east-2", "bedrock:InferenceProfileArn": PROFILE}
    d = decide(_bedrock_org(), action="bedrock:InvokeModel", resource=FM_US_EAST_2, context=ctx)
    assert d.outcome == "Allowed"
    assert d.scps_applied is True


def test_scp_levels_each_need_an_allow() -> None:
    """SCPEVAL "How SCPs work with Allow": "there must be an explicit Allow at every level from the root
    through each OU in the direct path to the target account (including the target account itself)".
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html"""
    p = PolicySet(identity=identity(allow()), scp_levels=full_org())
    assert decide(p, **S3_GET).outcome == "Allowed"


@pytest.mark.parametrize("missing", ["r-ab12", "ou-ab12-workloads", ACCOUNT])
def test_scp_level_without_allow_implicitly_denies_and_is_named(missing: str) -> None:
    """SCPEVAL: a level with no applicable Allow blocks the request; FullAWSAccess is an ordinary,
    detachable policy (a level with only an s3 allow-list does not allow bedrock).
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html"""
    levels = tuple(
        level(ident, policy(allow("s3:*"), name="S3Only"))
        if ident == missing
        else level(ident, full_access())
        for ident in ("r-ab12", "ou-ab12-workloads", ACCOUNT)
    )
    p = PolicySet(identity=identity(allow()), scp_levels=levels)
    assert decide(p, **S3_GET).outcome == "Allowed"
    d = decide(p, action="bedrock:InvokeModel", resource=FM)
    assert d.outcome == "ImplicitlyDenied"
    assert layers(d) == [("scp", missing)]


def test_S02_ou_allow_list_without_dynamodb_implicitly_denies() -> None:
    """§9 case S02: the OU's SCP allow-list lacks dynamodb; SCPEVAL requires an Allow at every level
    ⇒ ImplicitlyDenied naming scp[ou].
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html"""
    p = PolicySet(
        identity=identity(allow()),
        scp_levels=(
            level("r-ab12", full_access()),
            level("ou-ab12-workloads", policy(allow(["bedrock:*", "s3:*"]), name="AllowList")),
            level(ACCOUNT, full_access()),
        ),
    )
    d = decide(p, action="dynamodb:GetItem", resource=f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/t")
    assert d.outcome == "ImplicitlyDenied"
    assert [(e.type, e.level, e.effect) for e in d.decisive] == [
        ("scp", "ou-ab12-workloads", "NoApplicableAllow")
    ]


def test_scp_level_with_no_policies_allows_nothing() -> None:
    """SCPEVAL: every level must contain an applicable Allow; an empty level has none.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html"""
    p = PolicySet(identity=identity(allow()), scp_levels=(level("r-ab12", full_access()), level(ACCOUNT)))
    d = decide(p, **S3_GET)
    assert d.outcome == "ImplicitlyDenied"
    assert layers(d) == [("scp", ACCOUNT)]


@pytest.mark.parametrize("where", ["r-ab12", "ou-ab12-workloads", ACCOUNT])
def test_scp_deny_at_any_level_denies(where: str) -> None:
    """SCPEVAL "How SCPs work with Deny": a Deny at any level (root, OU, account) denies (case S04).
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html"""
    levels = tuple(
        level(ident, full_access(), *((policy(deny("s3:*"), name="DenyS3"),) if ident == where else ()))
        for ident in ("r-ab12", "ou-ab12-workloads", ACCOUNT)
    )
    d = decide(PolicySet(identity=identity(allow()), scp_levels=levels), **S3_GET)
    assert d.outcome == "ExplicitlyDenied"
    assert [(e.type, e.level, e.policy) for e in d.decisive] == [("scp", where, "DenyS3")]


def test_scps_grant_nothing() -> None:
    """SCP: "SCPs alone are not sufficient to granting permissions … No permissions are granted by an SCP."
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html"""
    d = decide(PolicySet(scp_levels=full_org()), **S3_GET)
    assert d.outcome == "ImplicitlyDenied"
    assert layers(d) == [("identity", None)]


def test_within_a_level_any_policy_may_allow() -> None:
    """SCPEVAL: the policies attached at one level combine by OR (one Allow per level suffices).
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html"""
    p = PolicySet(
        identity=identity(allow()),
        scp_levels=(
            level("r-ab12", policy(allow("ec2:*"), name="Ec2"), policy(allow("s3:*"), name="S3")),
            level(ACCOUNT, full_access()),
        ),
    )
    assert decide(p, **S3_GET).outcome == "Allowed"


def test_scps_restrict_the_root_user_of_a_member_account() -> None:
    """EVAL: "The SCP maximum applies to principals in member accounts, including each AWS account root user".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    p = PolicySet(scp_levels=full_org(policy(deny("s3:*"), name="DenyS3")))
    assert decide(p, principal=ROOT, **S3_GET).outcome == "ExplicitlyDenied"
    q = PolicySet(
        scp_levels=(level("r-ab12", full_access()), level(ACCOUNT, policy(allow("ec2:*"), name="Ec2Only")))
    )
    assert decide(q, principal=ROOT, **S3_GET).outcome == "ImplicitlyDenied"


def test_management_account_is_not_restricted_by_scps() -> None:
    """SCP "Tasks and entities not restricted by SCPs": actions performed by the management account.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html"""
    mgmt_user = f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:user/admin"
    base = dict(identity=identity(allow()), scp_levels=full_org(policy(deny("s3:*"), name="DenyS3")))
    exempt = PolicySet(**base, management_account=MANAGEMENT_ACCOUNT)  # type: ignore[arg-type]
    d = decide(exempt, principal=mgmt_user, **S3_GET)
    assert d.outcome == "Allowed"
    assert d.scps_applied is False
    # A member account in the same organisation stays restricted.
    assert decide(exempt, principal=USER, **S3_GET).outcome == "ExplicitlyDenied"


def test_S05_service_linked_role_is_not_restricted_by_scps() -> None:
    """§9 case S05: a service-linked role (path /aws-service-role/) under a region-deny SCP. SCP/SLR:
    SCPs don't affect service-linked roles ⇒ skip SCPs ⇒ identity allows ⇒ Allowed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html"""
    p = _bedrock_org(identity(allow("bedrock:*")))
    ctx = {"aws:RequestedRegion": "eu-west-1"}
    d = decide(p, principal=SLR, action="bedrock:InvokeModel", resource=FM_EU, context=ctx)
    assert d.outcome == "Allowed"
    assert d.scps_applied is False
    assert (
        decide(p, principal=ROLE, action="bedrock:InvokeModel", resource=FM_EU, context=ctx).outcome
        == "ExplicitlyDenied"
    )


def test_service_linked_role_session_is_recognised_from_aws_principal_arn() -> None:
    """KEYS aws:PrincipalArn: for a role session it carries the role ARN (with its path); a session of a
    role under /aws-service-role/ is a service-linked role, exempt from SCPs (SCP, SLR).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"""
    p = _bedrock_org(identity(allow("bedrock:*")))
    base = {"aws:RequestedRegion": "eu-west-1"}
    kw = {"principal": SLR_SESSION, "action": "bedrock:InvokeModel", "resource": FM_EU}
    assert decide(p, context={**base, "aws:PrincipalArn": SLR}, **kw).outcome == "Allowed"  # type: ignore[arg-type]
    # Without aws:PrincipalArn the session's path is unknown: it is treated as an ordinary role.
    assert decide(p, context=base, **kw).outcome == "ExplicitlyDenied"  # type: ignore[arg-type]
    # A PrincipalArn naming a different role does not make the session service-linked.
    wrong = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/x.amazonaws.com/SomeOtherRole"
    assert decide(p, context={**base, "aws:PrincipalArn": wrong}, **kw).outcome == "ExplicitlyDenied"  # type: ignore[arg-type]


def test_scps_do_not_apply_to_service_principals() -> None:
    """iam-evaluation.md §3.3: SCPs restrict IAM principals of member accounts; a service principal is
    allowed by the resource policy alone.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html"""
    p = PolicySet(
        resource=bucket_policy({"Service": SERVICE}), scp_levels=full_org(policy(deny("s3:*"), name="DenyS3"))
    )
    assert decide(p, principal=SERVICE, **S3_GET).outcome == "Allowed"


# --- RCPs ------------------------------------------------------------------------------------

RCP_SERVICES = frozenset({"s3", "sts", "kms", "sqs", "secretsmanager"})
DENY_EXTERNAL = policy(
    deny(
        "s3:*",
        Sid="EnforceOrgIdentities",
        Principal="*",
        Condition={"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-abc123"}},
    ),
    name="DataPerimeter",
)


def _rcp(*policies: Any, **extra: Any) -> PolicySet:
    return PolicySet(
        identity=identity(allow()),
        resource=bucket_policy("*"),
        rcp_levels=(level("r-ab12", *policies), level(ACCOUNT)),
        **extra,
    )


def test_rcp_deny_applies_to_a_supported_service() -> None:
    """RCP/RCPEVAL: an RCP Deny restricts access to resources of member accounts, also from outside the
    organization.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html"""
    d = decide(
        _rcp(DENY_EXTERNAL), principal=X_USER, resource_account=ACCOUNT, rcp_services=RCP_SERVICES, **S3_GET
    )
    assert d.outcome == "ExplicitlyDenied"
    assert [(e.type, e.level, e.policy, e.sid) for e in d.decisive] == [
        ("rcp", "r-ab12", "DataPerimeter", "EnforceOrgIdentities")
    ]
    inside = decide(
        _rcp(DENY_EXTERNAL),
        principal=X_USER,
        resource_account=ACCOUNT,
        rcp_services=RCP_SERVICES,
        context={"aws:PrincipalOrgID": "o-abc123"},
        **S3_GET,
    )
    assert inside.outcome == "Allowed"


def test_rcps_do_not_apply_to_unsupported_services() -> None:
    """RCP "List of AWS services that support RCPs": an RCP has no effect on other services (case RC02:
    Bedrock is not on the list).
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html"""
    p = PolicySet(
        identity=identity(allow()),
        rcp_levels=(level("r-ab12", policy(deny("*", Principal="*"), name="DenyAll")),),
    )
    assert (
        decide(p, action="bedrock:InvokeModel", resource=FM, rcp_services=RCP_SERVICES).outcome == "Allowed"
    )
    assert decide(p, rcp_services=RCP_SERVICES, **S3_GET).outcome == "ExplicitlyDenied"


def test_rcp_levels_carry_implicit_rcp_full_aws_access() -> None:
    """DENYALLOW/RCP: RCPFullAWSAccess is attached at every level and cannot be detached, so an RCP level
    never lacks an Allow — even a level listing only Deny statements, or no policies at all.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html"""
    d = decide(
        _rcp(DENY_EXTERNAL),
        principal=USER,
        rcp_services=RCP_SERVICES,
        context={"aws:PrincipalOrgID": "o-abc123"},
        **S3_GET,
    )
    assert d.outcome == "Allowed"
    assert decide(_rcp(), rcp_services=RCP_SERVICES, **S3_GET).outcome == "Allowed"


def test_rcps_grant_nothing() -> None:
    """RCP: "No permissions are granted by an RCP."
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html"""
    p = PolicySet(rcp_levels=(level("r-ab12", policy(allow("*", Principal="*"), name="RCPFullAWSAccess")),))
    assert decide(p, rcp_services=RCP_SERVICES, **S3_GET).outcome == "ImplicitlyDenied"


def test_rcps_do_not_affect_resources_in_the_management_account() -> None:
    """RCP: "RCPs don't affect resources in the management account".
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html"""
    mgmt_bucket = "arn:aws:s3:::mgmt-bucket/x"
    p = PolicySet(
        identity=identity(allow()),
        rcp_levels=(level("r-ab12", policy(deny("s3:*", Principal="*"), name="DenyS3")),),
        management_account=MANAGEMENT_ACCOUNT,
    )
    mgmt_user = f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:user/admin"
    assert (
        decide(
            p, principal=mgmt_user, action="s3:GetObject", resource=mgmt_bucket, rcp_services=RCP_SERVICES
        ).outcome
        == "Allowed"
    )
    assert decide(p, rcp_services=RCP_SERVICES, **S3_GET).outcome == "ExplicitlyDenied"


def test_rcps_do_not_restrict_service_linked_roles() -> None:
    """RCP "Resources and entities not restricted by RCPs": actions performed by service-linked roles.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html"""
    p = PolicySet(
        identity=identity(allow()),
        rcp_levels=(level("r-ab12", policy(deny("s3:*", Principal="*"), name="DenyS3")),),
    )
    assert decide(p, principal=SLR, rcp_services=RCP_SERVICES, **S3_GET).outcome == "Allowed"
    assert decide(p, principal=ROLE, rcp_services=RCP_SERVICES, **S3_GET).outcome == "ExplicitlyDenied"


def test_without_a_service_list_rcps_apply_to_every_service() -> None:
    """Authorizer API: ``rcp_services=None`` applies RCPs to every service (the caller supplies AWS's list).
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html"""
    p = PolicySet(
        identity=identity(allow()),
        rcp_levels=(level("r-ab12", policy(deny("*", Principal="*"), name="DenyAll")),),
    )
    assert (
        decide(p, action="bedrock:InvokeModel", resource=FM, rcp_services=None).outcome == "ExplicitlyDenied"
    )


# --- VPC endpoint policies -------------------------------------------------------------------


def test_vpc_endpoint_policy_must_allow() -> None:
    """EVAL: a VPC endpoint policy limits requests through the endpoint; without an applicable Allow the
    request is implicitly denied, and it never grants on its own.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    vpce_s3 = (policy(allow("s3:GetObject", Principal="*"), name="vpce-1"),)
    p = PolicySet(identity=identity(allow()), vpc_endpoint=vpce_s3)
    assert decide(p, **S3_GET).outcome == "Allowed"
    d = decide(p, action="s3:PutObject", resource=BUCKET_OBJECT)
    assert d.outcome == "ImplicitlyDenied"
    assert [(e.type, e.policy) for e in d.decisive] == [("vpce", "vpce-1")]
    alone = decide(PolicySet(vpc_endpoint=vpce_s3), **S3_GET)
    assert alone.outcome == "ImplicitlyDenied"
    assert layers(alone) == [("identity", None)]


def test_vpc_endpoint_policy_deny_is_explicit_and_principal_scoped() -> None:
    """EVAL/PRINCIPAL: a Deny in the endpoint policy applies to the principals it names.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    vpce = (policy(allow(Principal="*"), deny("s3:*", Principal={"AWS": USER}), name="vpce-1"),)
    p = PolicySet(identity=identity(allow()), vpc_endpoint=vpce)
    assert decide(p, **S3_GET).outcome == "ExplicitlyDenied"
    assert decide(p, principal="arn:aws:iam::111122223333:user/bob", **S3_GET).outcome == "Allowed"


# --- root user -------------------------------------------------------------------------------


def test_root_user_has_full_access_in_its_account() -> None:
    """DENYALLOW: "all requests are implicitly denied with the exception of the AWS account root user,
    which has full access".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    assert decide(PolicySet(), principal=ROOT, **S3_GET).outcome == "Allowed"


def test_root_user_is_denied_by_a_resource_policy_deny() -> None:
    """DENYALLOW: explicit denies in resource-based policies apply to the root user too.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    p = PolicySet(resource=policy(deny("s3:*", BUCKET, Principal="*"), name="BucketPolicy"))
    assert decide(p, principal=ROOT, **S3_GET).outcome == "ExplicitlyDenied"


def test_root_user_of_another_account_needs_the_resource_policy() -> None:
    """XACCT: across accounts the resource policy must allow; the root user's own account grants it the
    identity side.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html"""
    assert (
        decide(PolicySet(), principal=X_ROOT, resource_account=ACCOUNT, **S3_GET).outcome
        == "ImplicitlyDenied"
    )
    p = PolicySet(resource=bucket_policy({"AWS": OTHER_ACCOUNT}))
    assert decide(p, principal=X_ROOT, resource_account=ACCOUNT, **S3_GET).outcome == "Allowed"


# --- resource policies that must grant (KMS key policies, role trust policies) ---------------


def test_kms_key_policy_must_allow_even_in_the_same_account() -> None:
    """DENYALLOW: "IAM role trust policies and KMS key policies are exceptions to this logic, because they
    must explicitly allow access for principals" — an identity Allow alone does not reach the key.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    p = PolicySet(
        identity=identity(allow("kms:*")),
        resource=policy(allow("kms:*", Principal={"AWS": OTHER_ACCOUNT}), name="KeyPolicy"),
    )
    d = decide(p, principal=SESSION, action="kms:Decrypt", resource=KMS_KEY)
    assert d.outcome == "ImplicitlyDenied"
    assert ("resource", None) in layers(d)


def test_kms_key_policy_delegating_to_the_account_enables_iam_policies() -> None:
    """KMS key policies: the default statement allowing ``arn:aws:iam::ACCOUNT:root`` "enables IAM
    policies"; then the identity Allow counts.
    https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html"""
    key_policy = policy(allow("kms:*", Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}), name="KeyPolicy")
    assert (
        decide(
            PolicySet(identity=identity(allow("kms:Decrypt")), resource=key_policy),
            principal=SESSION,
            action="kms:Decrypt",
            resource=KMS_KEY,
        ).outcome
        == "Allowed"
    )
    assert (
        decide(
            PolicySet(resource=key_policy), principal=SESSION, action="kms:Decrypt", resource=KMS_KEY
        ).outcome
        == "ImplicitlyDenied"
    )


def test_kms_key_policy_naming_the_role_grants_alone() -> None:
    """KMS "KMS key access and permissions": "You can use the key policy alone to control access"; a key
    policy naming the caller's role grants (iam-evaluation.md §3.3: "must allow, directly or by
    delegating to the account").
    https://docs.aws.amazon.com/kms/latest/developerguide/control-access.html"""
    key_policy = policy(allow("kms:Decrypt", Principal={"AWS": ROLE}), name="KeyPolicy")
    assert (
        decide(
            PolicySet(resource=key_policy), principal=SESSION, action="kms:Decrypt", resource=KMS_KEY
        ).outcome
        == "Allowed"
    )


def test_kms_key_policy_naming_the_session_grants_alone() -> None:
    """KMS: the key policy alone can control access; a grant naming the caller directly suffices.
    https://docs.aws.amazon.com/kms/latest/developerguide/control-access.html"""
    key_policy = policy(allow("kms:Decrypt", Principal={"AWS": SESSION}), name="KeyPolicy")
    assert (
        decide(
            PolicySet(resource=key_policy), principal=SESSION, action="kms:Decrypt", resource=KMS_KEY
        ).outcome
        == "Allowed"
    )


def test_role_trust_policy_must_name_the_caller_for_assume_role() -> None:
    """DENYALLOW: role trust policies must explicitly allow; an identity Allow for sts:AssumeRole alone
    is not enough when the trust policy names someone else.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    target = f"arn:aws:iam::{ACCOUNT}:role/Target"
    trust_other = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:user/bob"},
            "Action": "sts:AssumeRole",
        },
        name="Trust",
    )
    trust_user = policy(
        {"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "sts:AssumeRole"}, name="Trust"
    )
    trust_account = policy(
        {"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}, name="Trust"
    )
    ident = identity(allow("sts:AssumeRole", target))
    kw = {"action": "sts:AssumeRole", "resource": target}
    assert decide(PolicySet(identity=ident, resource=trust_other), **kw).outcome == "ImplicitlyDenied"  # type: ignore[arg-type]
    assert decide(PolicySet(resource=trust_user), **kw).outcome == "Allowed"  # type: ignore[arg-type]
    assert decide(PolicySet(identity=ident, resource=trust_account), **kw).outcome == "Allowed"  # type: ignore[arg-type]
    assert decide(PolicySet(resource=trust_account), **kw).outcome == "ImplicitlyDenied"  # type: ignore[arg-type]
