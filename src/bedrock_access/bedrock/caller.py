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
