"""Decide every call of a scenario before and after an IaC change, and say what changes.

Both sides are decided by ``checking.run_scenario``, as ``check`` decides any scenario: the same fan-out,
the same engine and the same findings. This module only lines the two runs up.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.catalog.model import Catalog
from bedrock_access.checking import CheckRun, run_scenario
from bedrock_access.iac.model import IacChange
from bedrock_access.iac.overlay import Overlaid, Provenance, overlay
from bedrock_access.iam.arn import TypePrefixes
from bedrock_access.scenario.model import Scenario

_BAD = frozenset({"denied", "invalid"})


@dataclass(frozen=True, slots=True)
class CallChange:
    label: str
    scenario: str
    before: str
    after: str
    before_assessment: InvocationAssessment
    after_assessment: InvocationAssessment
    decided_by_after: tuple[Mapping[str, Any], ...]

    @property
    def changed(self) -> bool:
        return (
            self.before != self.after
            or self.before_assessment.denied_regions != self.after_assessment.denied_regions
        )

    @property
    def regression(self) -> bool:
        return self.before == "allowed" and self.after in _BAD


@dataclass(frozen=True, slots=True)
class Comparison:
    scenario: str
    iac_source: str
    before: CheckRun
    after: CheckRun
    calls: tuple[CallChange, ...]
    notes_before: tuple[str, ...]
    notes_after: tuple[str, ...]
    before_is_scenario: bool  # a single CloudFormation template: "before" is the scenario as written

    @property
    def changes(self) -> tuple[CallChange, ...]:
        return tuple(c for c in self.calls if c.changed)

    @property
    def regressions(self) -> tuple[CallChange, ...]:
        return tuple(c for c in self.calls if c.regression)


def decisive_entries(assessment: InvocationAssessment, provenance: Provenance) -> tuple[dict[str, Any], ...]:
    """The statements that decide a call (the first denied check's, else the checks that allowed it), each
    with the IaC address that wrote it, or None when the scenario supplied it."""
    outcomes = [assessment.blocking] if assessment.blocking is not None else list(assessment.outcomes)
    entries: list[dict[str, Any]] = []
    for outcome in outcomes:
        if outcome is None:
            continue
        for decisive in outcome.decision.decisive:
            entry = dict(decisive.to_json())
            layer, policy = str(entry["type"]), str(entry.get("policy"))
            level = decisive.level
            entry["address"] = provenance.get((layer, level, policy)) or provenance.get((layer, None, policy))
            if entry not in entries:
                entries.append(entry)
    return tuple(entries)


def compare(
    scenario: Scenario,
    change: IacChange,
    catalog: Catalog,
    *,
    rcp_services: frozenset[str] | None,
    resource_types: TypePrefixes | None,
    now: str | None,
) -> Comparison:
    before: Overlaid = overlay(scenario, change, change.before)
    after: Overlaid = overlay(scenario, change, change.after)

    def decide(o: Overlaid) -> CheckRun:
        return run_scenario(
            o.scenario, catalog, rcp_services=rcp_services, now=now, resource_types=resource_types
        )

    run_before, run_after = decide(before), decide(after)
    calls = tuple(
        CallChange(
            label=a.invocation.label,
            scenario=scenario.source,
            before=b.verdict,
            after=a.verdict,
            before_assessment=b,
            after_assessment=a,
            decided_by_after=decisive_entries(a, after.provenance),
        )
        for b, a in zip(run_before.assessments, run_after.assessments, strict=True)
    )
    return Comparison(
        scenario=scenario.source,
        iac_source=change.source,
        before=run_before,
        after=run_after,
        calls=calls,
        notes_before=before.notes,
        notes_after=after.notes,
        before_is_scenario=change.before is None,
    )


def any_regression(comparisons: Sequence[Comparison]) -> bool:
    return any(c.regressions for c in comparisons)
