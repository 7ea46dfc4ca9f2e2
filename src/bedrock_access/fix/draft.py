"""A scenario under change: the working copy every generator edits and every proof re-checks.

The draft keeps the original scenario untouched and records, per policy location, the current document
and why it changed; :meth:`Draft.build` turns it back into a :class:`Scenario` the engine can assess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.clients.interface import ClientResolution
from bedrock_access.fix.documents import SIZE_LIMITS, deep, minified_size, pretty
from bedrock_access.fix.model import ClientChange, Layer, Location, PolicyChange
from bedrock_access.iam.parse import parse_policy
from bedrock_access.scenario.model import PolicyRef, Scenario, ScpLevel


class Draft:
    def __init__(self, base: Scenario) -> None:
        self.base = base
        self._docs: dict[Location, dict[str, Any]] = {}
        self._names: dict[Location, str] = {}
        self._kinds: dict[Location, list[str]] = {}
        self._explanations: dict[Location, list[str]] = {}
        self._compaction: dict[Location, list[str]] = {}
        self._parameters: dict[Location, dict[str, Any]] = {}
        self._added: list[Location] = []
        self.invocations: list[Invocation] = list(base.invocations)
        self._client: dict[tuple[int, str], ClientChange] = {}
        self.notes: list[str] = []
        self.client_section: dict[str, Any] | None = deep(base.client) if base.client is not None else None
        self.client_resolution: ClientResolution | None = base.client_resolution
        self.env_updates: dict[str, str] = {}
        self._built: Scenario | None = None

    # Reading --------------------------------------------------------------------------------------

    def original_ref(self, loc: Location) -> PolicyRef | None:
        base = self.base
        if loc.layer == "identity":
            return base.identity_policies[loc.index] if loc.index < len(base.identity_policies) else None
        if loc.layer == "pb":
            return base.permission_boundary
        if loc.layer == "session":
            return base.session_policy
        if loc.layer == "vpce":
            return base.vpc_endpoint_policy
        levels = base.scp_levels or ()
        if loc.level is None or loc.level >= len(levels):
            return None
        policies = levels[loc.level].policies
        return policies[loc.index] if loc.index < len(policies) else None

    def exists(self, loc: Location) -> bool:
        return loc in self._docs or self.original_ref(loc) is not None

    def document(self, loc: Location) -> dict[str, Any]:
        if loc in self._docs:
            return deep(self._docs[loc])
        ref = self.original_ref(loc)
        if ref is None:
            raise KeyError(loc)
        return deep(ref.document)

    def name(self, loc: Location) -> str:
        if loc in self._names:
            return self._names[loc]
        ref = self.original_ref(loc)
        return ref.policy.name if ref is not None else loc.path

    def level_target(self, loc: Location) -> str | None:
        if loc.layer != "scp" or loc.level is None:
            return None
        return (self.base.scp_levels or ())[loc.level].target

    def level_locations(self, level: int) -> list[Location]:
        count = len((self.base.scp_levels or ())[level].policies) + sum(
            1 for a in self._added if a.layer == "scp" and a.level == level
        )
        return [Location("scp", level, j) for j in range(count)]

    def identity_locations(self) -> list[Location]:
        count = len(self.base.identity_policies) + sum(1 for a in self._added if a.layer == "identity")
        return [Location("identity", None, i) for i in range(count)]

    def changed(self, loc: Location) -> bool:
        return loc in self._docs

    def kinds(self) -> list[str]:
        out: list[str] = []
        for loc in sorted(self._docs, key=Location.sort_key):
            out.extend(self._kinds.get(loc, []))
        return out

    # Writing --------------------------------------------------------------------------------------

    def update(
        self,
        loc: Location,
        doc: Mapping[str, Any],
        kind: str,
        explanation: Sequence[str],
        *,
        compaction: Sequence[str] = (),
        parameters: Mapping[str, Any] | None = None,
    ) -> None:
        self._docs[loc] = deep(doc)
        kinds = self._kinds.setdefault(loc, [])
        if kind not in kinds:
            kinds.append(kind)
        self._explanations.setdefault(loc, []).extend(explanation)
        self._compaction.setdefault(loc, []).extend(compaction)
        if parameters is not None:
            self._parameters[loc] = dict(parameters)
        self._built = None

    def add(
        self,
        layer: Layer,
        level: int | None,
        name: str,
        doc: Mapping[str, Any],
        kind: str,
        explanation: Sequence[str],
        *,
        compaction: Sequence[str] = (),
        parameters: Mapping[str, Any] | None = None,
    ) -> Location:
        if layer == "identity":
            index = len(self.identity_locations())
        elif layer == "scp" and level is not None:
            index = len(self.level_locations(level))
        else:
            index = 0
        loc = Location(layer, level, index)
        self._added.append(loc)
        self._names[loc] = name
        self.update(loc, doc, kind, explanation, compaction=compaction, parameters=parameters)
        return loc

    def set_client(
        self,
        section: Mapping[str, Any],
        resolution: ClientResolution,
        invocations: Sequence[Invocation],
        updates: Mapping[str, str],
        *,
        why: str = "",
    ) -> None:
        """The client section with changed settings, and the calls it now makes (``invocations`` is the
        whole list: the scenario's own invocations first)."""
        self.client_section = deep(section)
        self.client_resolution = resolution
        self.invocations = list(invocations)
        self.env_updates.update(updates)
        self._built = None
        # The client's calls are what its settings now make: restate their changes from the new list.
        base_by_label = {inv.label: (i, inv) for i, inv in enumerate(self.base.invocations)}
        explicit = len(self.base.invocations) - len(
            self.base.client_resolution.invocations if self.base.client_resolution else ()
        )
        kept = {k: c for k, c in self._client.items() if k[0] < explicit}
        previous = {(c.label, k[1]): c for k, c in self._client.items() if k[0] >= explicit}
        for inv in invocations[explicit:]:
            if inv.label not in base_by_label:
                continue
            i, old = base_by_label[inv.label]
            for fld, before, after in (("model", old.model, inv.model), ("region", old.region, inv.region)):
                if before == after:
                    continue
                earlier = previous.get((inv.label, fld))
                var = next((k for k, v in updates.items() if v == after), None)
                if earlier is not None and earlier.after == after:
                    explanation = earlier.explanation
                else:
                    text = f"{inv.label}: sends {after} instead of {before} once the settings are changed"
                    if fld == "region":
                        text = (
                            f"{inv.label}: goes to {after} instead of {before} once the settings are changed"
                        )
                    explanation = (text + (f" ({var})" if var else "") + (f": {why}" if why else ""),)
                kept[(i, fld)] = ClientChange(
                    invocation=i,
                    label=inv.label,
                    role=inv.role,
                    region=inv.region,
                    field="model" if fld == "model" else "region",
                    before=before,
                    after=after,
                    explanation=explanation,
                )
        self._client = kept

    def drop_client_changes(self, indices: Sequence[int]) -> None:
        """Forget the client changes of these invocations (a pin that was undone)."""
        self._client = {k: c for k, c in self._client.items() if k[0] not in indices}
        self._built = None

    def set_invocation(
        self, index: int, new: Invocation, field: str, before: str, after: str, explanation: Sequence[str]
    ) -> None:
        original = (
            self.base.invocations[index] if index < len(self.base.invocations) else self.invocations[index]
        )
        first = self._client.get((index, field))
        self.invocations[index] = new
        self._client[(index, field)] = ClientChange(
            invocation=index,
            label=original.label,
            role=original.role,
            region=new.region,
            field="model" if field == "model" else ("region" if field == "region" else "auth"),
            before=first.before if first is not None else before,
            after=after,
            explanation=(*(first.explanation if first is not None else ()), *explanation),
        )
        self._built = None

    # Results --------------------------------------------------------------------------------------

    def build(self) -> Scenario:
        if self._built is not None:
            return self._built
        base = self.base

        def ref(loc: Location) -> PolicyRef:
            if loc in self._docs:
                doc = self._docs[loc]
                return PolicyRef(parse_policy(doc, name=self.name(loc)), deep(doc), None)
            original = self.original_ref(loc)
            assert original is not None
            return original

        identity = tuple(ref(loc) for loc in self.identity_locations())
        boundary = ref(Location("pb")) if self.exists(Location("pb")) else None
        session = ref(Location("session")) if self.exists(Location("session")) else None
        vpce = ref(Location("vpce")) if self.exists(Location("vpce")) else None
        levels = None
        if base.scp_levels is not None:
            levels = tuple(
                ScpLevel(level.target, tuple(ref(loc) for loc in self.level_locations(i)))
                for i, level in enumerate(base.scp_levels)
            )
        self._built = replace(
            base,
            identity_policies=identity,
            permission_boundary=boundary,
            session_policy=session,
            scp_levels=levels,
            vpc_endpoint_policy=vpce,
            invocations=tuple(self.invocations),
            client=self.client_section,
            client_resolution=self.client_resolution,
        )
        return self._built

    def policy_changes(self) -> tuple[PolicyChange, ...]:
        from bedrock_access.fix.diff import unified_diff

        out = []
        for loc in sorted(self._docs, key=Location.sort_key):
            doc = self._docs[loc]
            ref = self.original_ref(loc)
            original = deep(ref.document) if ref is not None else None
            if original is not None and original == doc:
                continue
            source = ref.file if ref is not None else None
            label = source or f"{loc.path} ({self.name(loc)})"
            out.append(
                PolicyChange(
                    kind="+".join(self._kinds.get(loc, [])),
                    location=loc,
                    policy_name=self.name(loc),
                    level_target=self.level_target(loc),
                    original=original,
                    document=deep(doc),
                    source_file=source,
                    explanation=tuple(dict.fromkeys(self._explanations.get(loc, []))),
                    size=minified_size(doc),
                    limit=SIZE_LIMITS[loc.layer],
                    diff=unified_diff(pretty(original) if original is not None else None, pretty(doc), label),
                    compaction=tuple(dict.fromkeys(self._compaction.get(loc, []))),
                    parameters=self._parameters.get(loc),
                )
            )
        return tuple(out)

    def client_changes(self) -> tuple[ClientChange, ...]:
        return tuple(
            c
            for _, c in sorted(self._client.items(), key=lambda kv: (kv[0][0], kv[0][1]))
            if c.before != c.after
        )
