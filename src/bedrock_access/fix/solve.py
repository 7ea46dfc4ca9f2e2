"""From failing invocations to checked alternatives.

Each strategy (exempt or approve Regions, pin client ids first, admit a VPC endpoint, move calls first)
runs one solver on a :class:`~bedrock_access.fix.draft.Draft`: client moves
(:mod:`bedrock_access.fix.moves`) and policy rounds (:mod:`bedrock_access.fix.rounds`) in turn, with
per-call state keyed by label (:mod:`bedrock_access.fix.calls`). Every alternative is then checked by
:mod:`bedrock_access.fix.prove` and ranked by :mod:`bedrock_access.fix.ranking`.
"""

from __future__ import annotations

from dataclasses import replace

from bedrock_access.bedrock.assess import InvocationAssessment, assess
from bedrock_access.catalog.model import Catalog
from bedrock_access.checking import attach_client_findings
from bedrock_access.clients.editing import section_changes
from bedrock_access.fix.client import (
    client_settings,
)
from bedrock_access.fix.documents import (
    deep,
)
from bedrock_access.fix.model import (
    Alternative,
    FailingInvocation,
    FixOptions,
    FixReport,
    Unfixable,
)
from bedrock_access.fix.prove import prove
from bedrock_access.fix.ranking import SUMMARIES, alternative_name, rank_alternatives
from bedrock_access.fix.rounds import PolicyRounds
from bedrock_access.fix.solver_base import Strategy
from bedrock_access.iam.compiled import CompileCache
from bedrock_access.iam.explain import describe
from bedrock_access.scenario.model import Scenario


class _Solver(PolicyRounds):
    """One strategy's solver: client moves and policy rounds in turn, then the alternative with its checks."""

    def run(self) -> _Solver:
        if self.strategy.move_first:
            self._move_clients(failing_only=True)
            self._move_invocations(failing_only=True)
        for i in self.targets:
            if (
                i < len(self.original)
                and self.original[i].verdict == "invalid"
                and self.original[i].invocation.label == self.draft.invocations[i].label
                and self._assess(self.draft.invocations[i]).verdict == "invalid"
            ):
                self._fix_invalid(i)
        if self.strategy.pin_first:
            for i in self.targets:
                if self.original[i].verdict == "denied":
                    self._pin_first(i)
        self._loop()
        for _ in range(3):
            if not (self._sync_client() or self._move_clients() or self._move_invocations()):
                break
            self._loop()
        if self.options.client_lists_models:
            self._discovery()
        return self

    # The result -----------------------------------------------------------------------------------

    def alternative(self) -> Alternative:
        changes = self.draft.policy_changes()
        client_changes = self.draft.client_changes()
        after = self.draft.build()
        proof = prove(
            self.scenario, after, self.original, self.original_targets, changes, self.catalog, self.options
        )
        unfixed: dict[str, tuple[int, str]] = {}
        for key, reason in self.calls.unfixable.items():
            i = self.calls.index_of(key, after.invocations)
            if i is not None:
                unfixed[after.invocations[i].label] = (i, reason)
        for p in proof.fixed.invocations:
            if not p.ok and p.label not in unfixed:
                unfixed[p.label] = (p.index, p.blocked_after or "still failing")
        settings = None
        base_section = deep(self.scenario.client) if self.scenario.client is not None else None
        section = self.draft.client_section
        section_changed = section is not None and section != base_section
        if client_changes:
            unset = any(c.field == "auth" and c.after == "sigv4" for c in client_changes)
            kind = str(section.get("kind")) if section is not None else None
            settings = client_settings(
                after.invocations,
                unset_api_key=unset,
                kind=kind,
                changes=section_changes(base_section, section)
                if section is not None and section_changed
                else None,
            )
            if self.draft.env_updates:
                settings["changed_env"] = dict(self.draft.env_updates)
        name = alternative_name(changes, [c.field for c in client_changes])
        notes = list(self.draft.notes)
        return Alternative(
            name=name,
            summary="; ".join(SUMMARIES.get(part, part) for part in name.split("+")) if name else "no change",
            changes=changes,
            client_changes=client_changes,
            client_settings=settings,
            proof=proof,
            notes=tuple(notes),
            unfixed=tuple(
                Unfixable(i, label, r) for label, (i, r) in sorted(unfixed.items(), key=lambda kv: kv[1][0])
            ),
            widens_by_design=self.strategy.region_mode == "approve",
            client_section=section if section_changed else None,
        )

    def used(self, *kinds: str) -> bool:
        return any(k in kinds for k in self.draft.kinds())


def propose_fixes(scenario: Scenario, catalog: Catalog, options: FixOptions) -> FixReport:
    """Every alternative that makes the scenario's failing invocations work, each with its proof."""
    if options.compile_cache is None:
        options = replace(options, compile_cache=CompileCache())
    env = scenario.environment(now=options.now)
    authorizer = options.authorizer(scenario.policy_set())
    original = [assess(inv, env, catalog, authorizer) for inv in scenario.invocations]
    # Calls the client dooms outside IAM (rejected credentials, a client-side failure), exactly as check
    # decides them. No policy change can help them; they are reported with the client finding as reason.
    clients = (scenario.client_resolution,) if scenario.client_resolution is not None else ()
    seen_by_check = attach_client_findings(original, clients)
    client_doomed = {
        i: _client_reason(seen_by_check[i])
        for i, a in enumerate(original)
        if a.verdict == "allowed" and seen_by_check[i].verdict != "allowed"
    }
    targets = [i for i, a in enumerate(original) if a.verdict != "allowed"]
    failing = tuple(_failing(i, seen_by_check[i]) for i in sorted([*targets, *client_doomed]))
    doomed = tuple(
        Unfixable(i, scenario.invocations[i].label, reason) for i, reason in sorted(client_doomed.items())
    )
    header = {
        "scenario": scenario.source,
        "principal": scenario.caller.principal,
        "snapshot": catalog.snapshot_date,
        "invocation_count": len(scenario.invocations),
    }
    if not targets:
        return FixReport(**header, failing=failing, alternatives=(), unfixable=doomed)  # type: ignore[arg-type]

    def solve(strategy: Strategy) -> _Solver:
        return _Solver(scenario, catalog, options, strategy, original, targets).run()

    default = solve(Strategy("default"))
    solvers: list[tuple[int, _Solver]] = [(0, default)]
    if default.used("region-exemption", "ct-govern-regions") or default.handled_ct:
        solvers.append((2, solve(Strategy("approve", region_mode="approve"))))
    if options.allow_vpces and default.used("network-guard"):
        solvers.append((1, solve(Strategy("vpce", vpce_variant=True))))
    pinned = solve(Strategy("pin", pin_first=True))
    alternatives: list[tuple[int, Alternative]] = [(order, s.alternative()) for order, s in solvers]
    default_alt = alternatives[0][1]
    pinned_alt = pinned.alternative()
    if (
        pinned_alt.client_changes
        and pinned_alt.status == "proven"
        and (default_alt.status != "proven" or len(pinned_alt.changes) < len(default_alt.changes))
    ):
        alternatives.append((3, pinned_alt))
    if (scenario.client is not None and options.resolve_client is not None) or any(
        i < len(scenario.invocations) - _client_call_count(scenario) for i in targets
    ):
        # Move the failing calls to another Region first (a client section's own settings, or the
        # invocation itself), when that passes its checks.
        move_alt = solve(Strategy("move", move_first=True)).alternative()
        if any(c.field == "region" for c in move_alt.client_changes) and move_alt.status == "proven":
            alternatives.append((4, move_alt))

    final = rank_alternatives(alternatives)

    # Fixed means fixed by an alternative that widens nothing and validates.
    fixed_labels = {
        p.label
        for alt in final
        if alt.proof.unchanged.passed and alt.proof.validation.passed
        for p in alt.proof.fixed.invocations
        if p.target and p.verdict_after in ("allowed", "not made")
    }
    reasons: dict[str, str] = {}
    for alt in [*final, default_alt]:
        for u in alt.unfixed:
            reasons.setdefault(u.label, u.reason)
    unfixable = tuple(
        Unfixable(
            i, scenario.invocations[i].label, reasons.get(scenario.invocations[i].label, "no fix found")
        )
        for i in targets
        if scenario.invocations[i].label not in fixed_labels
    )
    return FixReport(**header, failing=failing, alternatives=tuple(final), unfixable=(*unfixable, *doomed))  # type: ignore[arg-type]


def _client_call_count(scenario: Scenario) -> int:
    resolution = scenario.client_resolution
    return len(resolution.invocations) if resolution is not None else 0


def _client_reason(a: InvocationAssessment) -> str:
    message = a.predicted_error.message if a.predicted_error is not None else "the client configuration fails"
    return f"{message}; change the client's configuration (no policy change can help)"


def _failing(i: int, a: InvocationAssessment) -> FailingInvocation:
    blocking = a.blocking
    at: str | None = None
    if blocking is None and a.predicted_error is not None:  # decided by the client, not by IAM
        decided: tuple[str, ...] = (a.predicted_error.message,)
    elif a.verdict == "invalid":
        decided = tuple(f.message for f in a.findings if f.invalidates)
    else:
        decided = tuple(describe(d) for d in blocking.decision.decisive) if blocking else ()
        at = blocking.check.hop if blocking else None
    return FailingInvocation(
        index=i,
        label=a.invocation.label,
        model=a.invocation.model,
        region=a.invocation.region,
        verdict=a.verdict,
        blocked_at=at,
        decided_by=decided,
    )
