"""Lay one side of an IaC change over a scenario: the code supplies the policies it manages, the scenario
the rest (principal, calls, network, the other SCPs).

A policy the code manages on either side is the code's to say: on a side where it does not exist it is
taken out of the scenario too (a deleted SCP, a policy created by the plan). A policy whose document is
known only after apply is never guessed: the scenario's policy of the same name stands for it when there
is one, otherwise it is left out and a note says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from bedrock_access.errors import InputError
from bedrock_access.iac.model import IacChange, IacPolicy, IacSide, OrgAttachment, PrincipalLayers
from bedrock_access.iam.parse import parse_policy
from bedrock_access.io_guard import loads_json
from bedrock_access.scenario.model import PolicyRef, Scenario, ScpLevel

# AWS attaches RCPFullAWSAccess to every root, OU and account once RCPs are enabled, and it cannot be
# detached (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
_RCP_FULL_ACCESS: Mapping[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
}
_SSO_ROLE = re.compile(r"^AWSReservedSSO_(?P<name>.+)_(?:[0-9A-Fa-f]{16}|\*|<[^>]*>)$")

T = TypeVar("T")

# (layer type as the engine names it, SCP/RCP target or None, policy name) -> IaC address
Provenance = Mapping[tuple[str, str | None, str], str]


@dataclass(frozen=True, slots=True)
class Overlaid:
    scenario: Scenario
    provenance: Provenance
    notes: tuple[str, ...]


def caller_keys(scenario: Scenario) -> tuple[str | None, str | None]:
    """The role name and IAM Identity Center permission set name of the scenario's caller, if any."""
    arn = scenario.caller.principal_arn
    if ":role/" not in arn:
        return None, None
    role = arn.rsplit("/", 1)[-1]
    match = _SSO_ROLE.match(role)
    return role, (match.group("name") if match else None)


def policy_document(policy: IacPolicy, source: str) -> Mapping[str, Any]:
    """The document of a policy whose content the code gives (JSON text or a mapping), bounded like
    every input the tool reads."""
    document = policy.document
    field = f"{policy.address} ({policy.name})"
    if isinstance(document, str):
        document = loads_json(document, source, field=field, what="JSON policy document")
    if not isinstance(document, dict):
        raise InputError("the policy document is not a JSON object", source=source, field=field)
    return document


def _parsed(policy: IacPolicy, source: str) -> PolicyRef:
    document = policy_document(policy, source)
    try:
        parsed = parse_policy(document, name=policy.name)
    except InputError as exc:
        field = f"{policy.address} ({policy.name})"
        raise InputError(
            exc.message, source=source, field=f"{field}: {exc.field or ''}".rstrip(": ")
        ) from None
    return PolicyRef(parsed, document)


def merge_managed(
    existing: Iterable[T],
    name_of: Callable[[T], str],
    managed_names: set[str],
    policies: Iterable[IacPolicy],
    build: Callable[[IacPolicy], T],
    notes: list[str],
) -> list[T]:
    """What one slot holds after the code: the existing policies it does not manage, then the code's own.
    A document known only after apply is never guessed: the existing policy of that name stands for it,
    or it is left out; ``notes`` says which."""
    kept = {name_of(item): item for item in existing}
    out = [item for name, item in kept.items() if name not in managed_names]
    for policy in policies:
        if policy.document is None:
            if policy.name in kept:
                out.append(kept[policy.name])
                notes.append(
                    f"{policy.unknown}; the policy of that name already there ({policy.name!r}) stands for it"
                )
            else:
                notes.append(f"{policy.unknown}; decided without it (never guessed)")
            continue
        out.append(build(policy))
    return out


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.provenance: dict[tuple[str, str | None, str], str] = {}
        self.notes: list[str] = []

    def merge(
        self,
        layer: str,
        level: str | None,
        existing: Iterable[PolicyRef],
        managed_names: set[str],
        policies: Iterable[IacPolicy],
    ) -> tuple[PolicyRef, ...]:
        def build(policy: IacPolicy) -> PolicyRef:
            self.provenance[(layer, level, policy.name)] = policy.address
            return _parsed(policy, self.source)

        return tuple(
            merge_managed(existing, lambda ref: ref.policy.name, managed_names, policies, build, self.notes)
        )


def _names(layers: Iterable[PrincipalLayers | None]) -> set[str]:
    return {p.name for layer in layers if layer is not None for p in layer.identity}


def overlay(scenario: Scenario, change: IacChange, side: IacSide | None) -> Overlaid:
    """The scenario as ``side`` of ``change`` leaves it (``None``: the scenario as written)."""
    if side is None:
        return Overlaid(scenario, {}, ())
    sides = [s for s in (change.before, change.after) if s is not None]
    build = _Builder(change.source)
    build.notes.extend(side.notes)
    role, permission_set = caller_keys(scenario)

    def layers_of(s: IacSide) -> PrincipalLayers | None:
        if permission_set is not None and permission_set in s.permission_sets:
            return s.permission_sets[permission_set]
        return s.roles.get(role) if role is not None else None

    mine = layers_of(side)
    identity = build.merge(
        "identity",
        None,
        scenario.identity_policies,
        _names(layers_of(s) for s in sides),
        mine.identity if mine is not None else (),
    )
    boundary = scenario.permission_boundary
    if any((lay := layers_of(s)) is not None and lay.boundary_managed for s in sides):
        existing = (boundary,) if boundary is not None else ()
        chosen = build.merge(
            "pb",
            None,
            existing,
            {boundary.policy.name} if boundary is not None else set(),
            (mine.boundary,) if mine is not None and mine.boundary is not None else (),
        )
        boundary = chosen[0] if chosen else None

    scp_levels, rcp_levels = _org(scenario, side, sides, build)
    endpoint_policy = _endpoint(scenario, side, sides, build)
    result = replace(
        scenario,
        identity_policies=identity,
        permission_boundary=boundary,
        scp_levels=scp_levels,
        rcp_levels=rcp_levels,
        vpc_endpoint_policy=endpoint_policy,
    )
    return Overlaid(result, dict(build.provenance), tuple(dict.fromkeys(build.notes)))


def _org(
    scenario: Scenario, side: IacSide, sides: list[IacSide], build: _Builder
) -> tuple[tuple[ScpLevel, ...] | None, tuple[ScpLevel, ...] | None]:
    every = [a for s in sides for a in s.org]
    if not every:
        return scenario.scp_levels, scenario.rcp_levels
    if scenario.scp_levels is None:
        build.notes.append(
            "the plan attaches SCPs or RCPs but the scenario names no organization path "
            "(organization.scps); they were not applied"
        )
        return scenario.scp_levels, scenario.rcp_levels
    targets = [level.target for level in scenario.scp_levels]
    for attachment in side.org:
        if attachment.target is None:
            build.notes.append(f"{attachment.address}: its target is known only after apply; not applied")
        elif attachment.target not in targets:
            build.notes.append(
                f"{attachment.address}: attached to {attachment.target}, which is not on this scenario's path "
                f"({', '.join(targets)})"
            )

    def at(kind: str, target: str, attachments: Iterable[OrgAttachment]) -> list[IacPolicy]:
        return [a.policy for a in attachments if a.kind == kind and a.target == target]

    scps = tuple(
        ScpLevel(
            level.target,
            build.merge(
                "scp",
                level.target,
                level.policies,
                {p.name for p in at("scp", level.target, every)},
                at("scp", level.target, side.org),
            ),
        )
        for level in scenario.scp_levels
    )
    if not any(a.kind == "rcp" for a in every):
        return scps, scenario.rcp_levels
    existing_rcps = {lvl.target: lvl.policies for lvl in scenario.rcp_levels or ()}
    full_access = PolicyRef(parse_policy(_RCP_FULL_ACCESS, name="RCPFullAWSAccess"), _RCP_FULL_ACCESS)
    rcps = []
    for target in targets:
        base = existing_rcps.get(target) or (full_access,)
        rcps.append(
            ScpLevel(
                target,
                build.merge(
                    "rcp",
                    target,
                    base,
                    {p.name for p in at("rcp", target, every)} - {"RCPFullAWSAccess"},
                    at("rcp", target, side.org),
                ),
            )
        )
    return scps, tuple(rcps)


def _endpoint(scenario: Scenario, side: IacSide, sides: list[IacSide], build: _Builder) -> PolicyRef | None:
    endpoint_id = scenario.network.vpc_endpoint
    current = scenario.vpc_endpoint_policy
    if endpoint_id is None:
        return current
    managed = [e for s in sides for e in s.endpoints if e.endpoint_id == endpoint_id]
    if not managed:
        if any(e.endpoint_id is None for e in side.endpoints):
            build.notes.append(
                "the plan creates a bedrock-runtime endpoint whose id is known only after apply; "
                f"the scenario's endpoint {endpoint_id} keeps its policy"
            )
        return current
    mine = [e.policy for e in side.endpoints if e.endpoint_id == endpoint_id]
    chosen = build.merge(
        "vpce",
        None,
        (current,) if current is not None else (),
        {current.policy.name} if current else set(),
        mine,
    )
    return chosen[0] if chosen else None
