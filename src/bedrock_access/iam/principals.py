"""Who is calling: the request principal, and how a Principal element matches it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from bedrock_access.iam.arn import parse_arn
from bedrock_access.iam.model import PrincipalSpec

PrincipalKind = Literal["user", "role", "session", "federated", "root", "service", "anonymous", "unknown"]
MatchKind = Literal["direct", "role", "account"]

_ACCOUNT = re.compile(r"\d{12}")
SERVICE_LINKED_ROLE_PATH = "/aws-service-role/"


@dataclass(frozen=True, slots=True)
class Caller:
    arn: str
    kind: PrincipalKind
    account: str | None
    partition: str
    role_name: str | None = None  # for role sessions and roles (without path for sessions)
    role_path: str | None = None  # known for role ARNs only

    @property
    def is_iam(self) -> bool:
        """Principals that IAM identity policies, boundaries and SCPs speak about."""
        return self.kind in ("user", "role", "session", "federated", "root")

    @property
    def is_service_linked_role(self) -> bool:
        return self.role_path is not None and self.role_path.startswith(SERVICE_LINKED_ROLE_PATH)


@functools.lru_cache(maxsize=1024)
def caller_of(principal: str) -> Caller:
    """Classify a request principal: an IAM ARN, a service principal name, or ``anonymous``."""
    if principal in ("", "anonymous", "*"):
        return Caller(principal, "anonymous", None, "aws")
    if not principal.startswith("arn:"):
        if principal.endswith(".amazonaws.com") or principal.endswith(".amazonaws.com.cn"):
            return Caller(principal, "service", None, "aws")
        return Caller(principal, "unknown", None, "aws")
    arn = parse_arn(principal)
    if arn is None:
        return Caller(principal, "unknown", None, "aws")
    partition, service, account, resource = arn.partition, arn.service, arn.account, arn.resource
    if service == "iam":
        if resource == "root":
            return Caller(principal, "root", account, partition)
        if resource.startswith("user/"):
            return Caller(principal, "user", account, partition)
        if resource.startswith("role/"):
            body = resource[len("role/") :]
            path, _, name = body.rpartition("/")
            return Caller(
                principal, "role", account, partition, role_name=name, role_path=f"/{path}/" if path else "/"
            )
    elif service == "sts":
        if resource.startswith("assumed-role/"):
            pieces = resource.split("/")
            if len(pieces) >= 3:
                return Caller(principal, "session", account, partition, role_name=pieces[1])
        if resource.startswith("federated-user/"):
            return Caller(principal, "federated", account, partition)
    return Caller(principal, "unknown", account, partition)


def with_principal_arn(caller: Caller, principal_arn: str | None) -> Caller:
    """Learn the role path of a session from ``aws:PrincipalArn`` (the session ARN does not carry it)."""
    if caller.kind != "session" or not principal_arn:
        return caller
    role = caller_of(principal_arn)
    if role.kind == "role" and role.role_name == caller.role_name and role.account == caller.account:
        return Caller(
            caller.arn, caller.kind, caller.account, caller.partition, caller.role_name, role.role_path
        )
    return caller


def _account_of_value(value: str) -> str | None:
    if _ACCOUNT.fullmatch(value):
        return value
    arn = parse_arn(value)
    if arn is not None and arn.service == "iam" and arn.resource == "root":
        return arn.account
    return None


def _aws_value_match(caller: Caller, value: str) -> MatchKind | None:
    if value == "*":
        return "role" if caller.kind == "role" else "direct"
    account = _account_of_value(value)
    if account is not None:
        return "account" if caller.account == account else None
    if value == caller.arn:
        if caller.kind == "role":
            return "role"
        return "direct" if caller.kind in ("user", "session", "federated") else None
    if caller.kind == "session" and caller.role_name is not None:
        target = caller_of(value)
        if (
            target.kind == "role"
            and target.account == caller.account
            and target.role_name == caller.role_name
        ):
            return "role"
    return None


_RANK = {"direct": 3, "role": 2, "account": 1}


def principal_match(spec: PrincipalSpec, caller: Caller) -> MatchKind | None:
    """How a Principal element names the caller: directly, through its role, through its account."""
    if spec.wildcard:
        return "role" if caller.kind == "role" else "direct"
    best: MatchKind | None = None
    for kind, values in spec.entries.items():
        for value in values:
            found: MatchKind | None
            if kind == "AWS":
                found = _aws_value_match(caller, value)
            elif kind == "Service":
                # "*" under Service names every service principal, never an IAM identity.
                found = "direct" if caller.kind == "service" and value in ("*", caller.arn) else None
            else:
                found = "direct" if value == caller.arn else None
            if found is not None and (best is None or _RANK[found] > _RANK[best]):
                best = found
    return best


def not_principal_exempts(spec: PrincipalSpec, caller: Caller) -> bool:
    """Whether a NotPrincipal element leaves the caller out.

    AWS checks every identity in the caller's chain: the account, then the user or role, then the
    role session. A caller is left out only when each of them is listed; listing a session without its
    role and account, or a user without its account, exempts nobody.
    """
    if spec.wildcard:
        return True
    aws = spec.entries.get("AWS", ())
    if "*" in aws:
        return True
    if caller.kind == "service":
        return caller.arn in spec.entries.get("Service", ())
    if caller.kind == "anonymous" or caller.account is None:
        return False
    if not any(_account_of_value(v) == caller.account for v in aws):
        return False
    if caller.kind == "root":
        return True
    if caller.kind in ("user", "federated"):
        return caller.arn in aws
    role_listed = any(
        (target := caller_of(v)).kind == "role"
        and target.account == caller.account
        and target.role_name == caller.role_name
        for v in aws
    )
    if caller.kind == "role":
        return role_listed
    if caller.kind == "session":
        return role_listed and caller.arn in aws
    return False
