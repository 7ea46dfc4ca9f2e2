"""The results of ``bedrock-access fix`` as typed, immutable values.

A :class:`FixReport` lists the invocations that failed, and one or more :class:`Alternative` ways to
make them work. Each alternative is a set of :class:`PolicyChange` (a changed or added policy document)
and :class:`ClientChange` (a model id or auth mode the client should send instead), with a
:class:`Proof` computed by the engine: the failing invocations now pass, no probe decision changed,
the documents validate and fit AWS's size limits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from bedrock_access.clients.interface import ClientResolution
from bedrock_access.iam.arn import TypePrefixes
from bedrock_access.iam.compiled import CompileCache
from bedrock_access.iam.engine import Authorizer, PolicySet
from bedrock_access.iam.model import Policy

Layer = Literal["identity", "pb", "session", "scp", "vpce"]
Severity = Literal["error", "warning"]
AlternativeStatus = Literal["proven", "widens", "incomplete", "invalid"]
ReportStatus = Literal["nothing-to-fix", "fixed", "partial", "unfixed"]

LAYER_TITLES: Mapping[Layer, str] = {
    "identity": "identity policy",
    "pb": "permissions boundary",
    "session": "session policy",
    "scp": "SCP",
    "vpce": "VPC endpoint policy",
}


@dataclass(frozen=True, slots=True)
class Location:
    """Where a policy sits in a scenario.

    ``level`` is the SCP level's position in ``organization.scps``; ``index`` the policy's position in
    its list (identity policies, or the policies of one SCP level). Added policies get the next index.
    """

    layer: Layer
    level: int | None = None
    index: int = 0

    @property
    def path(self) -> str:
        if self.layer == "identity":
            return f"identity_policies[{self.index}]"
        if self.layer == "pb":
            return "permission_boundary"
        if self.layer == "session":
            return "session_policy"
        if self.layer == "vpce":
            return "network.vpc_endpoint_policy"
        return f"organization.scps[{self.level}].policies[{self.index}]"

    def sort_key(self) -> tuple[str, int, int]:
        return (self.layer, -1 if self.level is None else self.level, self.index)


@dataclass(frozen=True, slots=True)
class ValidationNote:
    severity: Severity
    text: str


# A validator: (parsed policy, policy type as bedrock_access.iam.validate names it) -> findings.
Validator = Callable[[Policy, str], Sequence[ValidationNote]]
# Re-reads a scenario's ``client:`` section after a change: the invocations it makes and its findings.
ClientResolver = Callable[[Mapping[str, Any]], "ClientResolution"]


@dataclass(frozen=True, slots=True)
class FixOptions:
    """What the user told ``fix`` beyond the scenario.

    ``allow_cidrs``: address ranges an IP allow-list guard should admit (``--allow-cidr``);
    ``allow_vpces``: VPC endpoint ids it should admit (``--allow-vpce``);
    ``client_lists_models``: the client lists models and profiles (discovery actions are granted);
    ``now``: the ISO 8601 time used for ``aws:CurrentTime``; ``rcp_services`` and ``resource_types``: as
    for the authorizer;
    ``validator``: the policy validator, when one is available; ``resolve_client``: re-reads a
    scenario's ``client:`` section (the I/O edge provides it), so that pinned models are proven through
    the client's own settings; ``compile_cache``: compiled policies shared by every authorizer of one
    run (``propose_fixes`` sets a fresh one); ``bedrock_actions``: Bedrock's action names (AWS's published
    list), part of the domain the non-widening check covers.
    """

    allow_cidrs: tuple[str, ...] = ()
    allow_vpces: tuple[str, ...] = ()
    client_lists_models: bool = False
    now: str | None = None
    rcp_services: frozenset[str] | None = None
    resource_types: TypePrefixes | None = field(default=None, compare=False, hash=False)
    validator: Validator | None = field(default=None, compare=False, hash=False)
    resolve_client: ClientResolver | None = field(default=None, compare=False, hash=False)
    compile_cache: CompileCache | None = field(default=None, compare=False, hash=False)
    bedrock_actions: frozenset[str] = frozenset()

    def authorizer(self, policies: PolicySet) -> Authorizer:
        """An authorizer with the AWS service facts these options carry (every decision fix makes)."""
        return Authorizer(
            policies,
            rcp_services=self.rcp_services,
            resource_types=self.resource_types,
            cache=self.compile_cache,
        )


@dataclass(frozen=True, slots=True)
class PolicyChange:
    """One policy document changed or added.

    ``original`` is None for an added policy. ``kind`` names the mechanism (``grant``,
    ``region-exemption``, ``region-approval``, ``ct-govern-regions``, ``ct-ou-control``, ``ct-guard``,
    ``network-guard``, ``model-allow-list``). ``parameters`` carries a Control Tower control's
    parameters when the document models one. ``size`` is counted as AWS counts it (no white space).
    """

    kind: str
    location: Location
    policy_name: str
    level_target: str | None
    original: Mapping[str, Any] | None = field(hash=False, compare=False)
    document: Mapping[str, Any] = field(hash=False, compare=False)
    source_file: str | None
    explanation: tuple[str, ...]
    size: int
    limit: int
    diff: str
    compaction: tuple[str, ...] = ()
    parameters: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)

    @property
    def action(self) -> Literal["add", "modify"]:
        return "add" if self.original is None else "modify"

    @property
    def within_limit(self) -> bool:
        return self.size <= self.limit

    @property
    def title(self) -> str:
        what = LAYER_TITLES[self.location.layer]
        where = f" at {self.level_target}" if self.level_target else ""
        verb = "add" if self.original is None else "change"
        return f"{verb} {what} {self.policy_name}{where}"


@dataclass(frozen=True, slots=True)
class ClientChange:
    """A value the client should send instead (``field`` is ``model``, ``auth`` or ``region``, the Region
    the call goes to)."""

    invocation: int
    label: str
    role: str | None
    region: str
    field: Literal["model", "auth", "region"]
    before: str
    after: str
    explanation: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InvocationProof:
    index: int
    label: str
    model_before: str
    model_after: str
    auth_before: str
    auth_after: str
    verdict_before: str  # "new" for a call the changed client settings add
    verdict_after: str  # "not made" when the changed client settings no longer make the call
    target: bool  # it failed before and this alternative sets out to fix it
    blocked_after: str | None = None  # what still blocks it, in words

    @property
    def ok(self) -> bool:
        if self.target or self.verdict_before in ("allowed", "new"):
            return self.verdict_after in ("allowed", "not made")
        return True


@dataclass(frozen=True, slots=True)
class FixedProof:
    """Every invocation re-checked on the patched scenario."""

    invocations: tuple[InvocationProof, ...]
    client_errors: tuple[str, ...] = ()  # error findings of the changed client settings

    @property
    def passed(self) -> bool:
        return all(p.ok for p in self.invocations) and not self.client_errors

    @property
    def fixed_count(self) -> int:
        return sum(1 for p in self.invocations if p.target and p.verdict_after in ("allowed", "not made"))

    @property
    def target_count(self) -> int:
        return sum(1 for p in self.invocations if p.target)

    @property
    def regressions(self) -> tuple[InvocationProof, ...]:
        return tuple(
            p
            for p in self.invocations
            if p.verdict_before in ("allowed", "new") and p.verdict_after not in ("allowed", "not made")
        )


@dataclass(frozen=True, slots=True)
class ProbeDifference:
    category: str
    label: str
    view: str
    action: str
    resource: str
    region: str
    before: str
    after: str

    @property
    def widened(self) -> bool:
        return self.after == "Allowed" and self.before != "Allowed"


@dataclass(frozen=True, slots=True)
class CheckSummary:
    """What one non-widening check decided: ``checked`` says in words what was covered, ``limits`` what
    it does not cover (see :mod:`bedrock_access.fix.nonwidening`)."""

    name: str
    checked: str
    requests: int
    evaluations: int
    differences: int
    limits: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class UnchangedProof:
    """The probe set and the policies' own finite domain, decided before and after, in every view (the
    whole policy set and each layer). ``checks`` names each check run and what it covered."""

    probes: int
    evaluations: int
    views: tuple[str, ...]
    categories: tuple[tuple[str, int], ...]
    differences: tuple[ProbeDifference, ...]
    checks: tuple[CheckSummary, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.differences

    @property
    def widened(self) -> tuple[ProbeDifference, ...]:
        return tuple(d for d in self.differences if d.widened)


@dataclass(frozen=True, slots=True)
class ValidationProof:
    """Every changed document parsed, validated (when a validator is present) and measured."""

    validator: bool
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    over_limit: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.errors and not self.over_limit


@dataclass(frozen=True, slots=True)
class Proof:
    fixed: FixedProof
    unchanged: UnchangedProof
    validation: ValidationProof

    @property
    def passed(self) -> bool:
        return self.fixed.passed and self.unchanged.passed and self.validation.passed


@dataclass(frozen=True, slots=True)
class Unfixable:
    index: int
    label: str
    reason: str


@dataclass(frozen=True, slots=True)
class Alternative:
    """One way to make the failing invocations work, with its proof.

    ``widens_by_design`` marks alternatives that cannot avoid widening (approving Regions): they are
    shown for completeness, after every alternative that widens nothing. ``client_section`` is the
    scenario's ``client:`` section with the pinned settings, when the calls come from one.
    """

    name: str
    summary: str
    changes: tuple[PolicyChange, ...]
    client_changes: tuple[ClientChange, ...]
    client_settings: Mapping[str, Any] | None = field(hash=False, compare=False)
    proof: Proof
    notes: tuple[str, ...]
    unfixed: tuple[Unfixable, ...]
    widens_by_design: bool = False
    client_section: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)

    @property
    def status(self) -> AlternativeStatus:
        if not self.proof.validation.passed:
            return "invalid"
        if not self.proof.fixed.passed or self.unfixed:
            return "incomplete"
        if not self.proof.unchanged.passed:
            return "widens"
        return "proven"


@dataclass(frozen=True, slots=True)
class FailingInvocation:
    index: int
    label: str
    model: str
    region: str
    verdict: str
    blocked_at: str | None
    decided_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FixReport:
    scenario: str
    principal: str
    snapshot: str
    invocation_count: int
    failing: tuple[FailingInvocation, ...]
    alternatives: tuple[Alternative, ...]
    unfixable: tuple[Unfixable, ...]  # failing invocations no alternative can fix

    @property
    def recommended(self) -> Alternative | None:
        return self.alternatives[0] if self.alternatives else None

    @property
    def status(self) -> ReportStatus:
        if not self.failing:
            return "nothing-to-fix"
        best = self.recommended
        if best is not None and best.status == "proven" and not self.unfixable:
            return "fixed"
        if best is not None and best.proof.fixed.fixed_count > 0:
            return "partial"
        return "unfixed"

    @property
    def exit_code(self) -> int:
        return 0 if self.status in ("nothing-to-fix", "fixed") else 1
