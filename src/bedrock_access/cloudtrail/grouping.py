"""Explained failures folded into one group per cause (pure).

A cause is the explanation code, the kind of error, the denied layer and policy (type, explicit or
not, the policy ARN when AWS names it), the denied Region hop and the model. Each group keeps its
count, first and last time, and who, where and what: principals, accounts, source Regions, models and
denied Regions, each with its own count so that the most frequent come first. To keep memory bounded
on any input, at most :data:`MAX_DISTINCT` distinct values are kept per list; the rest are counted in
``more_*``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from bedrock_access.cloudtrail.adapter import CallExplanation
from bedrock_access.cloudtrail.records import FailedCall

MAX_DISTINCT = 10_000

GroupKey = tuple[str, str, str | None, bool | None, str | None, str | None, str | None]


def group_key(explanation: CallExplanation) -> GroupKey:
    return (
        explanation.code,
        explanation.kind,
        explanation.policy_type,
        explanation.explicit,
        explanation.policy_arn,
        explanation.denied_region,
        explanation.model,
    )


@dataclass(frozen=True, slots=True)
class FailureGroup:
    """One cause and every failed call it explains. Lists are ordered by frequency, then name."""

    key: GroupKey
    explanation: CallExplanation  # the first call's; the cause and fixes are the same for the group
    count: int
    first_seen: datetime
    last_seen: datetime
    principals: tuple[str, ...]
    accounts: tuple[str, ...]
    source_regions: tuple[str, ...]
    models: tuple[str, ...]
    denied_regions: tuple[str, ...]
    operations: tuple[str, ...]
    caller_kinds: tuple[str, ...]
    api_key_calls: int
    more_principals: int = 0

    @property
    def explanation_code(self) -> str:
        return self.explanation.code


class _Tally:
    __slots__ = ("counts", "overflow")

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.overflow = 0

    def add(self, value: str | None) -> None:
        if value is None:
            return
        if value in self.counts or len(self.counts) < MAX_DISTINCT:
            self.counts[value] += 1
        else:
            self.overflow += 1

    def ordered(self) -> tuple[str, ...]:
        return tuple(value for value, _ in sorted(self.counts.items(), key=lambda kv: (-kv[1], kv[0])))


class _Accumulator:
    __slots__ = (
        "accounts",
        "api_key_calls",
        "caller_kinds",
        "count",
        "denied_regions",
        "explanation",
        "first_seen",
        "last_seen",
        "models",
        "operations",
        "principals",
        "source_regions",
    )

    def __init__(self, explanation: CallExplanation, when: datetime) -> None:
        self.explanation = explanation
        self.count = 0
        self.first_seen = when
        self.last_seen = when
        self.principals = _Tally()
        self.accounts = _Tally()
        self.source_regions = _Tally()
        self.models = _Tally()
        self.denied_regions = _Tally()
        self.operations = _Tally()
        self.caller_kinds = _Tally()
        self.api_key_calls = 0


class Grouper:
    """Collects explained failures; :meth:`groups` returns them largest first."""

    def __init__(self) -> None:
        self._groups: dict[GroupKey, _Accumulator] = {}
        self.failed_calls = 0

    def add(self, call: FailedCall, explanation: CallExplanation) -> None:
        self.failed_calls += 1
        key = group_key(explanation)
        group = self._groups.get(key)
        if group is None:
            group = _Accumulator(explanation, call.event_time)
            self._groups[key] = group
        group.count += 1
        group.first_seen = min(group.first_seen, call.event_time)
        group.last_seen = max(group.last_seen, call.event_time)
        group.principals.add(call.caller.principal)
        group.accounts.add(call.account)
        group.source_regions.add(call.source_region)
        group.models.add(explanation.model)
        group.denied_regions.add(explanation.denied_region)
        group.operations.add(call.operation)
        group.caller_kinds.add(call.caller.kind)
        if call.caller.api_key:
            group.api_key_calls += 1

    def groups(self) -> list[FailureGroup]:
        result = [
            FailureGroup(
                key=key,
                explanation=acc.explanation,
                count=acc.count,
                first_seen=acc.first_seen,
                last_seen=acc.last_seen,
                principals=acc.principals.ordered(),
                accounts=acc.accounts.ordered(),
                source_regions=acc.source_regions.ordered(),
                models=acc.models.ordered(),
                denied_regions=acc.denied_regions.ordered(),
                operations=acc.operations.ordered(),
                caller_kinds=acc.caller_kinds.ordered(),
                api_key_calls=acc.api_key_calls,
                more_principals=acc.principals.overflow,
            )
            for key, acc in self._groups.items()
        ]
        result.sort(key=lambda g: (-g.count, g.first_seen, g.explanation_code))
        return result
