"""Read, keep, filter, explain, group: one pass over the records.

The pass holds one file's chunk, the explanation cache and the groups, never the records, so memory
does not grow with the number of records. Callers see each explained failure as it passes
(``on_failure``, for the CSV of individual failures) and each problem as it is found (``on_problem``).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bedrock_access.cloudtrail.adapter import CallExplanation, Explainer
from bedrock_access.cloudtrail.grouping import FailureGroup, Grouper
from bedrock_access.cloudtrail.readers import Item, Problem
from bedrock_access.cloudtrail.records import FailedCall, RecordError, failed_call


@dataclass(frozen=True, slots=True)
class Filters:
    """Which failures to keep. ``since`` is inclusive, ``until`` exclusive; ``accounts`` match the
    caller's account (or the receiving account when the record has none); ``principals`` match the
    caller's ARN exactly, as a substring, or as a shell pattern when they contain ``*``, ``?`` or ``[``."""

    since: datetime | None = None
    until: datetime | None = None
    accounts: frozenset[str] = frozenset()
    principals: tuple[str, ...] = ()

    def admits(self, call: FailedCall) -> bool:
        if self.since is not None and call.event_time < self.since:
            return False
        if self.until is not None and call.event_time >= self.until:
            return False
        if self.accounts and call.account not in self.accounts:
            return False
        return not self.principals or any(
            _principal_matches(p, call.caller.principal) for p in self.principals
        )


def _principal_matches(pattern: str, principal: str) -> bool:
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(principal, pattern)
    return pattern in principal


@dataclass(slots=True)
class Summary:
    """What one pass found. Problems are counted by what they cost (see :class:`Problem`)."""

    records_read: int = 0
    failed_calls: int = 0
    files_read: int = 0
    files_skipped: int = 0
    records_skipped: int = 0
    files_cut: int = 0
    explanations_computed: int = 0
    groups: list[FailureGroup] = field(default_factory=list)

    @property
    def problems(self) -> int:
        return self.files_skipped + self.records_skipped + self.files_cut


def run(
    items: Iterable[Item],
    filters: Filters,
    explainer: Explainer,
    on_failure: Callable[[FailedCall, CallExplanation], None] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
) -> Summary:
    summary = Summary()
    grouper = Grouper()
    files: set[str] = set()

    def problem(found: Problem) -> None:
        if found.scope == "file":
            summary.files_skipped += 1
        elif found.scope == "rest":
            summary.files_cut += 1
        else:
            summary.records_skipped += 1
        if on_problem is not None:
            on_problem(found)

    for item in items:
        if isinstance(item, Problem):
            problem(item)
            continue
        path, index, record = item
        summary.records_read += 1
        files.add(path)
        try:
            call = failed_call(record, f"{path}#{index}")
        except RecordError as exc:
            problem(Problem(path, f"record {index}: {exc.field}: {exc.problem}", "record"))
            continue
        if call is None or not filters.admits(call):
            continue
        explanation = explainer.explain(call)
        grouper.add(call, explanation)
        if on_failure is not None:
            on_failure(call, explanation)
    summary.files_read = len(files)
    summary.failed_calls = grouper.failed_calls
    summary.explanations_computed = explainer.parsed_messages
    summary.groups = grouper.groups()
    return summary
