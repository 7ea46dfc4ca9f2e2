"""The state a solver works on: the draft scenario, the per-call state keyed by label, the engine that
decides on the draft, and where a decisive statement sits in it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bedrock_access.bedrock.assess import InvocationAssessment, assess
from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.catalog.model import Catalog
from bedrock_access.fix.calls import CallState
from bedrock_access.fix.documents import (
    statements,
)
from bedrock_access.fix.draft import Draft
from bedrock_access.fix.model import (
    FixOptions,
    Location,
)
from bedrock_access.iam.engine import Authorizer, Decisive
from bedrock_access.scenario.model import Scenario


@dataclass(frozen=True, slots=True, order=True)
class RoundKey:
    """What one change of a policy round is about: a Deny statement (kind 0) or a layer that lacks an
    Allow (kind 1); ordered so that denies come first and later statements are patched first."""

    kind: int  # 0 deny, 1 grant
    layer: str
    level: int
    index: int
    statement: int  # negated statement index for denies (patch later statements first)


@dataclass(frozen=True, slots=True)
class Strategy:
    name: str
    region_mode: Literal["exempt", "approve"] = "exempt"
    pin_first: bool = False
    vpce_variant: bool = False
    move_first: bool = False  # move the client's failing calls to another Region first


class SolverBase:
    """The state one strategy's solver works on: the draft, the per-call state, the engine."""

    def __init__(
        self,
        scenario: Scenario,
        catalog: Catalog,
        options: FixOptions,
        strategy: Strategy,
        original: Sequence[InvocationAssessment],
        targets: Sequence[int],
    ) -> None:
        self.scenario = scenario
        self.catalog = catalog
        self.options = options
        self.strategy = strategy
        self.original = original
        self.original_targets = list(targets)  # indices into the scenario's invocations
        self.draft = Draft(scenario)
        self.env = scenario.environment(now=options.now)
        self.handled_ct: set[int] = set()
        resolution = scenario.client_resolution
        self.n_explicit = len(scenario.invocations) - (len(resolution.invocations) if resolution else 0)
        self.calls = CallState(scenario.invocations, self.n_explicit, targets)
        self.seen: set[tuple[RoundKey, tuple[tuple[int, str, str], ...]]] = set()
        # Labels of calls whose source Region a Region deny refuses (no exemption can admit them).
        self.region_blocked: set[str] = set()
        self._auth: tuple[Scenario, Authorizer] | None = None

    # The engine -----------------------------------------------------------------------------------

    def _authorizer(self) -> Authorizer:
        built = self.draft.build()
        if self._auth is None or self._auth[0] is not built:
            self._auth = (
                built,
                self.options.authorizer(built.policy_set()),
            )
        return self._auth[1]

    def _assess(self, invocation: Invocation) -> InvocationAssessment:
        return assess(invocation, self.env, self.catalog, self._authorizer())

    def _assess_all(self) -> list[InvocationAssessment]:
        return [self._assess(inv) for inv in self.draft.invocations]

    def key(self, i: int) -> str:
        """The key of the draft's call ``i`` (see :mod:`bedrock_access.fix.calls`)."""
        return self.calls.key(i, self.draft.invocations)

    @property
    def targets(self) -> list[int]:
        return self.calls.targets(self.draft.invocations)

    def _reason(self, i: int, text: str) -> None:
        self.calls.reason(self.key(i), text)

    def _level_index(self, target: str | None, built: Scenario) -> int:
        for n, level in enumerate(built.scp_levels or ()):
            if level.target == target:
                return n
        return -1

    def _locate(self, entry: Decisive, built: Scenario) -> Location | None:
        def matches(loc: Location) -> bool:
            if self.draft.name(loc) != entry.policy:
                return False
            stmts = statements(self.draft.document(loc))
            if entry.index is None or entry.index > len(stmts):
                return False
            return stmts[entry.index - 1].get("Sid") == entry.sid

        if entry.type == "identity":
            return next((loc for loc in self.draft.identity_locations() if matches(loc)), None)
        if entry.type in ("pb", "session", "vpce"):
            loc = Location(entry.type)
            return loc if self.draft.exists(loc) else None
        if entry.type == "scp":
            level = self._level_index(entry.level, built)
            if level < 0:
                return None
            return next((loc for loc in self.draft.level_locations(level) if matches(loc)), None)
        return None
