"""``matrix`` text report: a compact summary first (counts, then what blocks, grouped by cause), then
each account and principal with what works and what is blocked. Built per decided stack, so its size
follows principals, not cells."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TextIO

from bedrock_access.matrix.decide import Matrix, StackDecision
from bedrock_access.report.matrix_common import cause, summary

MAX_LISTED = 6


def _calls(pairs: Sequence[tuple[str, str]], regions_all: Sequence[str]) -> str:
    """``model (r1, r2)`` per model, or ``model (every Region)``; at most MAX_LISTED models named."""
    by_model: dict[str, list[str]] = defaultdict(list)
    for model, region in pairs:
        by_model[model].append(region)
    parts = []
    for model, regions in by_model.items():
        where = "every Region" if len(regions) == len(regions_all) > 1 else ", ".join(regions)
        parts.append(f"{model} ({where})")
    more = len(parts) - MAX_LISTED
    shown = "; ".join(parts[:MAX_LISTED])
    return f"{shown}; and {more} more models" if more > 0 else shown


def _stack_lines(matrix: Matrix, stack: StackDecision, account_id: str) -> list[str]:
    works: list[tuple[str, str]] = []
    blocked: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for (model, region), a in stack.assessments.items():
        if a.verdict == "allowed":
            works.append((model, region))
        else:
            blocked[cause(a, account_id)].append((model, region))
    lines = [f"    works: {_calls(works, matrix.regions)}" if works else "    works: nothing"]
    for why, pairs in sorted(blocked.items(), key=lambda kv: (kv[0].startswith("invalid"), -len(kv[1]))):
        lines.append(f"    {why}")
        lines.append(
            f"      {len(pairs)} call{'s' if len(pairs) != 1 else ''}: {_calls(pairs, matrix.regions)}"
        )
    return lines


def write_text(matrix: Matrix, out: TextIO, *, catalog_snapshot: str) -> None:
    s = summary(matrix)
    snap = matrix.snapshot
    collected = f" (collected {snap.collected_at})" if snap.collected_at else ""
    out.write(f"Snapshot {snap.source}{collected}; catalog snapshot {catalog_snapshot}\n")
    out.write(
        f"{s.principals} principals in {s.accounts} accounts × {len(matrix.models)} models × "
        f"{len(matrix.regions)} Regions ({matrix.operation}) = {s.cells} cells; {s.stacks} distinct policy stacks\n"
    )
    out.write(
        f"allowed {s.verdicts.get('allowed', 0)}, denied {s.verdicts.get('denied', 0)}, "
        f"invalid {s.verdicts.get('invalid', 0)}\n"
    )
    out.write(f"Regions: {', '.join(matrix.regions)}\n")

    # What blocks, across the organization, grouped by cause.
    members = Counter(index for _p, _c, index in matrix.rows)
    principals_of: dict[str, set[int]] = defaultdict(set)
    cells_of: Counter[str] = Counter()
    for stack in matrix.stacks:
        for a in stack.assessments.values():
            if a.verdict != "allowed":
                why = cause(a, stack.representative.account_id)
                cells_of[why] += members[stack.index]
                principals_of[why].add(stack.index)
    if cells_of:
        out.write("\nBlocked, by cause:\n")
        for why, count in cells_of.most_common():
            n = sum(members[i] for i in principals_of[why])
            out.write(f"  {count} cells, {n} principals: {why}\n")
    unreadable = [a for a in snap.accounts if a.status == "unreadable"]
    if unreadable:
        out.write("\nNot read (their principals are missing unless Identity Center assigns them):\n")
        for record in unreadable:
            out.write(f"  {record.id} {record.name}: {record.reason}\n")

    # Each decided stack once, with what works and what blocks, grouped by cause...
    out.write("\nBy policy stack (principals with the same policies get the same answers):\n")
    accounts_of: dict[int, set[str]] = defaultdict(set)
    for principal, _caller, index in matrix.rows:
        accounts_of[index].add(principal.account_id)
    for stack in matrix.stacks:
        n = members[stack.index]
        example = stack.representative.arn
        out.write(
            f"stack {stack.index + 1}: {n} principal{'s' if n != 1 else ''} in {len(accounts_of[stack.index])} "
            f"account{'s' if len(accounts_of[stack.index]) != 1 else ''}, e.g. {example}\n"
        )
        out.write("\n".join(_stack_lines(matrix, stack, stack.representative.account_id)) + "\n")

    # ...then every account and principal, one line each, naming its stack.
    out.write("\nBy account and principal:\n")
    names = {a.id: a.name for a in snap.accounts}
    counts: dict[int, str] = {}
    for stack in matrix.stacks:
        verdicts = Counter(a.verdict for a in stack.assessments.values())
        counts[stack.index] = ", ".join(
            f"{verdicts[v]} {v}" for v in ("allowed", "denied", "invalid") if verdicts[v]
        )
    current = None
    for principal, _caller, index in sorted(matrix.rows, key=lambda r: (r[0].account_id, r[0].arn)):
        if principal.account_id != current:
            current = principal.account_id
            mgmt = " (management account: SCPs do not apply)" if current == snap.management_account else ""
            out.write(f"{current} {names.get(current, '')}{mgmt}\n")
        ps = f" [permission set {principal.permission_set}]" if principal.permission_set else ""
        out.write(f"  {principal.arn.split(':', 5)[5]}{ps}: stack {index + 1}, {counts[index]}\n")
        for note in principal.notes:
            out.write(f"    note: {note}\n")
