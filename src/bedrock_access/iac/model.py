"""What a piece of infrastructure code says about policies, as typed values (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

OrgPolicyKind = Literal["scp", "rcp"]

# The AWS Organizations policy types that authorize; tag, backup and AI opt-out policies do not.
ORG_POLICY_KINDS: Mapping[str, OrgPolicyKind] = {
    "SERVICE_CONTROL_POLICY": "scp",
    "RESOURCE_CONTROL_POLICY": "rcp",
}
ORG_POLICY_TYPES: Mapping[OrgPolicyKind, str] = {kind: t for t, kind in ORG_POLICY_KINDS.items()}


@dataclass(frozen=True, slots=True)
class IacPolicy:
    """A policy document the code manages.

    ``address`` is where it is written (a Terraform address such as ``aws_organizations_policy.deny``, or a
    CloudFormation logical id), so reports can point at the line to change. ``document`` is ``None`` when it
    is known only after apply (``unknown`` says why): such a policy is never guessed.
    """

    address: str
    name: str
    document: Mapping[str, Any] | str | None
    unknown: str | None = None


@dataclass(frozen=True, slots=True)
class OrgAttachment:
    """An SCP or RCP attached to a root, OU or account. ``target`` is ``None`` when known only after apply."""

    kind: OrgPolicyKind
    target: str | None
    policy: IacPolicy
    address: str  # the attachment's own address (the policy's, for CloudFormation TargetIds)


@dataclass(frozen=True, slots=True)
class PrincipalLayers:
    """The identity-side policies of one role or one IAM Identity Center permission set.

    ``boundary_managed`` tells a boundary the code removed (``boundary`` None) from one it never mentions.
    """

    identity: tuple[IacPolicy, ...] = ()
    boundary: IacPolicy | None = None
    boundary_managed: bool = False


@dataclass(frozen=True, slots=True)
class EndpointPolicy:
    """The policy of a ``bedrock-runtime`` interface endpoint (``endpoint_id`` None until created)."""

    endpoint_id: str | None
    policy: IacPolicy


@dataclass(frozen=True, slots=True)
class IacSide:
    """Everything the code manages on one side of a change (before apply, or after)."""

    org: tuple[OrgAttachment, ...] = ()
    roles: Mapping[str, PrincipalLayers] = field(default_factory=dict)  # role name -> layers
    permission_sets: Mapping[str, PrincipalLayers] = field(default_factory=dict)  # name -> layers
    endpoints: tuple[EndpointPolicy, ...] = ()
    notes: tuple[str, ...] = ()  # what could not be resolved, said once


@dataclass(frozen=True, slots=True)
class IacChange:
    """Both sides of a change. ``before`` None means "the scenario as written" (a single template)."""

    source: str  # the file read, for messages
    kind: Literal["terraform", "cloudformation"]
    before: IacSide | None
    after: IacSide


def managed_policy_by_arn(address: str, arn: str, where: str) -> IacPolicy:
    """A managed policy the code names only by ARN (an AWS-managed one, or one it does not define):
    its document is not in the ``where`` (plan, template), so it is unknown, never guessed."""
    return IacPolicy(
        address,
        arn.rsplit("/", 1)[-1],
        None,
        unknown=f"{address}: the document of {arn} is not in the {where}",
    )


def customer_managed_policy(address: str, name: str) -> IacPolicy:
    """A customer managed policy a permission set references by name: each account holds its own."""
    return IacPolicy(
        address, name, None, unknown=f"{address}: customer managed policy {name} lives in each account"
    )
