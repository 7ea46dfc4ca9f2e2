"""A loaded scenario, as typed values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from bedrock_access.bedrock.checks import CallerIdentity, Environment, Network
from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.clients.interface import ClientResolution
from bedrock_access.iam.engine import OrgLevel, PolicySet
from bedrock_access.iam.model import Policy
from bedrock_access.iam.variables import ContextValue


@dataclass(frozen=True, slots=True)
class PolicyRef:
    """A policy and where it came from (``file`` is relative to the scenario, as written there)."""

    policy: Policy
    document: Mapping[str, Any] = field(hash=False)
    file: str | None = None


@dataclass(frozen=True, slots=True)
class ScpLevel:
    target: str
    policies: tuple[PolicyRef, ...]


@dataclass(frozen=True, slots=True)
class Scenario:
    source: str  # the file it was read from, for messages
    caller: CallerIdentity
    identity_policies: tuple[PolicyRef, ...]
    permission_boundary: PolicyRef | None
    session_policy: PolicyRef | None
    management_account: str | None
    org_id: str | None
    scp_levels: tuple[ScpLevel, ...] | None
    network: Network
    vpc_endpoint_policy: PolicyRef | None
    context: Mapping[str, ContextValue] = field(hash=False)
    application_profiles: Mapping[str, str] = field(hash=False)
    invocations: tuple[Invocation, ...]
    client: Mapping[str, Any] | None = field(default=None, hash=False)
    client_resolution: ClientResolution | None = field(default=None, hash=False)
    raw: Mapping[str, Any] = field(default_factory=dict, hash=False)  # the document as read
    rcp_levels: tuple[ScpLevel, ...] | None = None  # resource control policies on the same path as SCPs

    def policy_set(self) -> PolicySet:
        return PolicySet(
            identity=tuple(p.policy for p in self.identity_policies),
            boundary=(self.permission_boundary.policy,) if self.permission_boundary else None,
            session=self.session_policy.policy if self.session_policy else None,
            scp_levels=tuple(
                OrgLevel(lvl.target, tuple(p.policy for p in lvl.policies)) for lvl in self.scp_levels
            )
            if self.scp_levels is not None
            else None,
            rcp_levels=tuple(
                OrgLevel(lvl.target, tuple(p.policy for p in lvl.policies)) for lvl in self.rcp_levels
            )
            if self.rcp_levels is not None
            else None,
            vpc_endpoint=(self.vpc_endpoint_policy.policy,) if self.vpc_endpoint_policy else None,
            management_account=self.management_account,
        )

    def environment(self, now: str | None = None) -> Environment:
        return Environment(
            caller=self.caller,
            network=self.network,
            extra_context=self.context,
            application_profiles=self.application_profiles,
            now=now,
        )
