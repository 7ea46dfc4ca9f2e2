"""Lay one side of an IaC change over an organization snapshot, and line up the matrix cells of both sides.

The rules are the scenario overlay's (``iac.overlay``): a policy the code manages on either side is the
code's to say; a document known only after apply is never guessed (the snapshot's policy of the same name
stands for it, or it is left out, with a note). Here SCPs and RCPs are matched by name across the whole
organization, roles by name in every account, permission sets by the name behind ``AWSReservedSSO_``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from bedrock_access.iac.model import ORG_POLICY_TYPES, IacChange, IacPolicy, IacSide, PrincipalLayers
from bedrock_access.iac.overlay import merge_managed, policy_document
from bedrock_access.matrix.decide import Cell, Matrix
from bedrock_access.org.load import document_key
from bedrock_access.org.model import OrgPolicy, PolicyDocument, Principal, Snapshot


@dataclass(frozen=True, slots=True)
class OverlaidSnapshot:
    snapshot: Snapshot
    notes: tuple[str, ...]


class _Merger:
    def __init__(self, source: str) -> None:
        self.source = source
        self.notes: list[str] = []

    def documents(
        self, existing: Sequence[PolicyDocument], managed: set[str], policies: Iterable[IacPolicy]
    ) -> tuple[PolicyDocument, ...]:
        def build(policy: IacPolicy) -> PolicyDocument:
            document = policy_document(policy, self.source)
            return PolicyDocument(policy.name, document_key(policy.name, document), document)

        return tuple(merge_managed(existing, lambda d: d.name, managed, policies, build, self.notes))


def _layers(side: IacSide, principal: Principal) -> PrincipalLayers | None:
    if principal.permission_set is not None and principal.permission_set in side.permission_sets:
        return side.permission_sets[principal.permission_set]
    if principal.kind == "role":
        return side.roles.get(principal.name)
    return None


def overlay_snapshot(snapshot: Snapshot, change: IacChange, side: IacSide) -> OverlaidSnapshot:
    sides = [s for s in (change.before, change.after) if s is not None]
    merge = _Merger(change.source)
    merge.notes.extend(side.notes)
    known_targets = set(snapshot.nodes) | {a.id for a in snapshot.accounts}

    managed_org = {a.policy.name for s in sides for a in s.org}
    policies = [p for p in snapshot.policies if p.name not in managed_org]
    by_name: dict[str, list[str]] = {}
    kinds: dict[str, str] = {}
    docs: dict[str, IacPolicy] = {}
    for attachment in side.org:
        if attachment.target is None:
            merge.notes.append(f"{attachment.address}: its target is known only after apply; not applied")
            continue
        if attachment.target not in known_targets:
            merge.notes.append(f"{attachment.address}: target {attachment.target} is not in the snapshot")
            continue
        by_name.setdefault(attachment.policy.name, []).append(attachment.target)
        kinds[attachment.policy.name] = ORG_POLICY_TYPES[attachment.kind]
        docs[attachment.policy.name] = attachment.policy
    existing = {p.name: p for p in snapshot.policies}
    for name, targets in by_name.items():
        policy = docs[name]
        if policy.document is None:
            if name in existing:
                policies.append(existing[name])
                merge.notes.append(f"{policy.unknown}; the snapshot's policy {name!r} stands for it")
            else:
                merge.notes.append(f"{policy.unknown}; decided without it (never guessed)")
            continue
        policies.append(
            OrgPolicy(
                id=existing[name].id if name in existing else f"iac:{policy.address}",
                name=name,
                type=kinds[name],  # type: ignore[arg-type]
                targets=tuple(dict.fromkeys(targets)),
                document=policy_document(policy, change.source),
            )
        )

    principals = []
    for principal in snapshot.principals:
        mine = _layers(side, principal)
        every = [lay for s in sides if (lay := _layers(s, principal)) is not None]
        if not every:
            principals.append(principal)
            continue
        identity = merge.documents(
            principal.identity,
            {p.name for lay in every for p in lay.identity},
            mine.identity if mine is not None else (),
        )
        boundary = principal.boundary
        if any(lay.boundary_managed for lay in every):
            chosen = merge.documents(
                (boundary,) if boundary is not None else (),
                {boundary.name} if boundary is not None else set(),
                (mine.boundary,) if mine is not None and mine.boundary is not None else (),
            )
            boundary = chosen[0] if chosen else None
        principals.append(replace(principal, identity=identity, boundary=boundary))
    result = replace(snapshot, policies=tuple(policies), principals=tuple(principals))
    return OverlaidSnapshot(result, tuple(dict.fromkeys(merge.notes)))


@dataclass(frozen=True, slots=True)
class CellChange:
    before: Cell
    after: Cell

    @property
    def regression(self) -> bool:
        return self.before.verdict == "allowed" and self.after.verdict in ("denied", "invalid")


def changed_cells(before: Matrix, after: Matrix) -> Iterator[CellChange]:
    """The cells whose verdict or denied Regions differ, in the after matrix's order."""
    earlier = {(c.principal_arn, c.model, c.source_region): c for c in before.cells()}
    for cell in after.cells():
        old = earlier.get((cell.principal_arn, cell.model, cell.source_region))
        if old is None:
            continue
        if old.verdict != cell.verdict or old.denied_regions != cell.denied_regions:
            yield CellChange(old, cell)
