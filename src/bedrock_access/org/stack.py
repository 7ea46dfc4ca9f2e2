"""A snapshot principal's policy stack as the engine's layers (pure; documents parsed once each).

The stack of a principal is: its identity policies and boundary, and the SCP and RCP levels on the path
root → OUs → its account. Two principals with the same stack get the same decisions, up to the names
that differ (the account-level SCP target, the principal ARN): :meth:`StackBuilder.key` says which
principals share a stack, so that ``matrix`` decides each stack once.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from bedrock_access.errors import InputError
from bedrock_access.iam.engine import OrgLevel, PolicySet
from bedrock_access.iam.model import Policy
from bedrock_access.iam.parse import PolicyError, parse_policy
from bedrock_access.org.model import OrgPolicy, PolicyDocument, Principal, Snapshot

ACCOUNT_LEVEL = "<account>"  # stands for the principal's own account in a shared stack key


@dataclass(frozen=True, slots=True)
class Level:
    target: str
    policies: tuple[OrgPolicy, ...]


class StackBuilder:
    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._parsed: dict[str, Policy] = {}
        self._by_target: dict[tuple[str, str], list[OrgPolicy]] = {}
        for policy in snapshot.policies:
            for target in policy.targets:
                self._by_target.setdefault((policy.type, target), []).append(policy)
        self._has_scps = any(p.type == "SERVICE_CONTROL_POLICY" for p in snapshot.policies)
        self._has_rcps = any(p.type == "RESOURCE_CONTROL_POLICY" for p in snapshot.policies)
        self._levels: dict[tuple[str, str], tuple[Level, ...]] = {}

    # Parsing ---------------------------------------------------------------------------------------

    def _parse(self, key: str, name: str, document: object, where: str) -> Policy:
        found = self._parsed.get(key)
        if found is None:
            try:
                found = parse_policy(document, name=name)  # type: ignore[arg-type]
            except PolicyError as exc:
                raise InputError(
                    exc.message, source=self.snapshot.source, field=f"{where}: {exc.path}"
                ) from None
            self._parsed[key] = found
        return found

    def identity_policy(self, doc: PolicyDocument, principal: Principal) -> Policy:
        return self._parse(doc.key, doc.name, doc.document, f"{principal.arn} policy {doc.arn or doc.name}")

    def org_policy(self, policy: OrgPolicy) -> Policy:
        return self._parse(
            f"org:{policy.id}", policy.name, policy.document, f"organization.json policy {policy.id}"
        )

    # Levels ----------------------------------------------------------------------------------------

    def levels(self, account_id: str, policy_type: str) -> tuple[Level, ...]:
        cached = self._levels.get((account_id, policy_type))
        if cached is None:
            cached = tuple(
                Level(node, tuple(self._by_target.get((policy_type, node), ())))
                for node in self.snapshot.path_to(account_id)
            )
            self._levels[(account_id, policy_type)] = cached
        return cached

    def _org_levels(self, account_id: str, policy_type: str) -> tuple[OrgLevel, ...]:
        return tuple(
            OrgLevel(level.target, tuple(self.org_policy(p) for p in level.policies))
            for level in self.levels(account_id, policy_type)
        )

    # The stack -------------------------------------------------------------------------------------

    def policy_set(self, principal: Principal) -> PolicySet:
        identity = tuple(
            self.identity_policy(d, principal) for d in principal.identity if d.document is not None
        )
        boundary = (
            (self.identity_policy(principal.boundary, principal),)
            if principal.boundary is not None and principal.boundary.document is not None
            else None
        )
        return PolicySet(
            identity=identity,
            boundary=boundary,
            scp_levels=self._org_levels(principal.account_id, "SERVICE_CONTROL_POLICY")
            if self._has_scps
            else None,
            rcp_levels=self._org_levels(principal.account_id, "RESOURCE_CONTROL_POLICY")
            if self._has_rcps
            else None,
            management_account=self.snapshot.management_account,
        )

    def key(self, principal: Principal) -> Hashable:
        """Equal keys, equal stacks: the same documents in every layer, the same OU levels, the same kind
        of principal, and the same standing towards the management account. The account's own level
        enters by its policies, not by its id."""

        def org(policy_type: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
            return tuple(
                (
                    ACCOUNT_LEVEL if level.target == principal.account_id else level.target,
                    tuple(p.id for p in level.policies),
                )
                for level in self.levels(principal.account_id, policy_type)
            )

        return (
            principal.kind,
            principal.account_id == self.snapshot.management_account,
            tuple(d.key for d in principal.identity if d.document is not None),
            principal.boundary.key
            if principal.boundary is not None and principal.boundary.document is not None
            else None,
            org("SERVICE_CONTROL_POLICY") if self._has_scps else None,
            org("RESOURCE_CONTROL_POLICY") if self._has_rcps else None,
        )
