"""An organization as a snapshot holds it: the OU tree, SCPs and RCPs, and every principal's policies.

Pure values. The folder format is documented in docs/collect.md; :mod:`bedrock_access.org.load` reads
it, :mod:`bedrock_access.org.stack` turns a principal into the engine's layers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SNAPSHOT_FORMAT = "bedrock-access-snapshot"
SNAPSHOT_VERSION = 1

NodeKind = Literal["root", "ou", "account"]
OrgPolicyType = Literal["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]
AccountStatus = Literal["read", "unreadable", "skipped"]
PrincipalKind = Literal["role", "user"]

# The name IAM Identity Center gives a permission set's inline policy in each account's AWSReservedSSO_ role.
PERMISSION_SET_INLINE_POLICY = "AwsSSOInlinePolicy"


@dataclass(frozen=True, slots=True)
class OrgNode:
    id: str
    name: str
    kind: NodeKind
    parent_id: str | None  # None for a root


@dataclass(frozen=True, slots=True)
class OrgPolicy:
    id: str
    name: str
    type: OrgPolicyType
    targets: tuple[str, ...]
    document: Mapping[str, Any] = field(hash=False, compare=False)
    aws_managed: bool = False


@dataclass(frozen=True, slots=True)
class AccountRecord:
    """A member account and whether its IAM was read (``reason`` says why not)."""

    id: str
    name: str
    parent_id: str | None
    status: AccountStatus
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    """A policy as attached to a principal. ``key`` identifies equal documents under equal names, so
    that principals holding the same policies share one decision."""

    name: str
    key: str
    document: Mapping[str, Any] | None = field(hash=False, compare=False)  # None: not readable
    arn: str | None = None


@dataclass(frozen=True, slots=True)
class Principal:
    arn: str  # the IAM role or user ARN (with path)
    account_id: str
    kind: PrincipalKind
    name: str
    identity: tuple[PolicyDocument, ...]
    boundary: PolicyDocument | None
    permission_set: str | None = None  # the Identity Center permission set behind an AWSReservedSSO role
    tags: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    notes: tuple[str, ...] = ()  # what the snapshot could not tell (a policy not readable, ...)


@dataclass(frozen=True, slots=True)
class Snapshot:
    source: str  # the folder, for messages
    version: int
    collected_at: str | None
    org_id: str | None
    management_account: str | None
    nodes: Mapping[str, OrgNode] = field(hash=False)
    accounts: tuple[AccountRecord, ...]
    policies: tuple[OrgPolicy, ...]
    principals: tuple[Principal, ...]
    notes: tuple[str, ...] = ()

    def path_to(self, account_id: str) -> tuple[str, ...]:
        """Node ids from the root down to the account (the account last)."""
        path: list[str] = []
        current: str | None = account_id
        seen: set[str] = set()
        while current is not None and current not in seen:
            seen.add(current)
            path.append(current)
            node = self.nodes.get(current)
            current = node.parent_id if node is not None else None
        return tuple(reversed(path))

    def account(self, account_id: str) -> AccountRecord | None:
        for record in self.accounts:
            if record.id == account_id:
                return record
        return None
