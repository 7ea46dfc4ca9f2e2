"""The calling identity from the ARN a user names: who AWS will say is "not authorized"."""

from __future__ import annotations

from bedrock_access.bedrock.checks import CallerIdentity
from bedrock_access.iam.arn import parse_arn
from bedrock_access.redact import quote_safely

DEFAULT_SESSION_NAME = "bedrock-access"


class CallerError(ValueError):
    pass


def caller_from_arn(
    arn: str, *, session_name: str | None = None, role_arn: str | None = None, org_id: str | None = None
) -> CallerIdentity:
    """Accepts an IAM user, an IAM role (a session of it is assumed), an assumed-role session, a federated
    user or the account root. ``role_arn`` gives a session's role ARN with its path, which the session
    ARN does not carry (the path decides, for example, whether the role is service-linked)."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.service not in ("iam", "sts") or not parsed.account:
        raise CallerError(f"{quote_safely(arn)} is not an IAM user, role, assumed-role session or root ARN")
    partition, account, resource = parsed.partition, parsed.account, parsed.resource
    if parsed.service == "iam":
        if resource == "root":
            return CallerIdentity(arn, arn, account, partition, "Account", org_id=org_id)
        if resource.startswith("user/"):
            name = resource.rsplit("/", 1)[-1]
            return CallerIdentity(arn, arn, account, partition, "User", username=name, org_id=org_id)
        if resource.startswith("role/"):
            name = resource.rsplit("/", 1)[-1]
            session = (
                f"arn:{partition}:sts::{account}:assumed-role/{name}/{session_name or DEFAULT_SESSION_NAME}"
            )
            return CallerIdentity(session, arn, account, partition, "AssumedRole", org_id=org_id)
    else:
        if resource.startswith("assumed-role/"):
            pieces = resource.split("/")
            if len(pieces) >= 3 and pieces[1] and pieces[2]:
                principal_arn = role_arn or f"arn:{partition}:iam::{account}:role/{pieces[1]}"
                return CallerIdentity(arn, principal_arn, account, partition, "AssumedRole", org_id=org_id)
        if resource.startswith("federated-user/"):
            return CallerIdentity(arn, arn, account, partition, "FederatedUser", org_id=org_id)
    raise CallerError(f"{quote_safely(arn)} is not an IAM user, role, assumed-role session or root ARN")


# The parts of an IAM Identity Center caller a local configuration does not give: the role's hash suffix
# (IAM Identity Center appends one per permission set and account) and the user's session name.
SSO_HASH_UNKNOWN = "<hash>"
SSO_USER_UNKNOWN = "<user>"


def sso_role_name(permission_set: str, role_hash: str = SSO_HASH_UNKNOWN) -> str:
    return f"AWSReservedSSO_{permission_set}_{role_hash}"


def sso_caller(
    account: str,
    permission_set: str,
    *,
    sso_region: str | None,
    partition: str = "aws",
    role_hash: str = SSO_HASH_UNKNOWN,
    user: str = SSO_USER_UNKNOWN,
    org_id: str | None = None,
) -> CallerIdentity:
    """The caller AWS sees for an IAM Identity Center (SSO) profile: a session of the permission set's
    role ``AWSReservedSSO_<set>_<hash>``, named after the user. The role lives under the path
    ``/aws-reserved/sso.amazonaws.com/``, followed by the Identity Center Region unless that is
    us-east-1, which is what ``aws:PrincipalArn`` patterns in SCPs have to match."""
    role = sso_role_name(permission_set, role_hash)
    region_part = f"{sso_region}/" if sso_region and sso_region != "us-east-1" else ""
    role_arn = f"arn:{partition}:iam::{account}:role/aws-reserved/sso.amazonaws.com/{region_part}{role}"
    session = f"arn:{partition}:sts::{account}:assumed-role/{role}/{user}"
    return caller_from_arn(session, role_arn=role_arn, org_id=org_id)
