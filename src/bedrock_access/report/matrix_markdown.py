"""``matrix --format markdown``: the summary and one table row per principal × model, for a wiki or a
pull request."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

from bedrock_access.matrix.decide import Matrix
from bedrock_access.report.matrix_common import cause, summary


def _esc(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def write_markdown(matrix: Matrix, out: TextIO, *, catalog_snapshot: str) -> None:
    s = summary(matrix)
    snap = matrix.snapshot
    out.write(f"# Bedrock access matrix: `{_esc(snap.source)}`\n\n")
    out.write(
        f"{s.principals} principals in {s.accounts} accounts, {len(matrix.models)} models, "
        f"{len(matrix.regions)} source Regions ({matrix.operation}); catalog snapshot {catalog_snapshot}.\n\n"
    )
    out.write("| verdict | cells |\n|---|---|\n")
    for verdict in ("allowed", "denied", "invalid"):
        out.write(f"| {verdict} | {s.verdicts.get(verdict, 0)} |\n")
    members = Counter(index for _p, _c, index in matrix.rows)
    causes: Counter[str] = Counter()
    for stack in matrix.stacks:
        for a in stack.assessments.values():
            if a.verdict != "allowed":
                causes[cause(a, stack.representative.account_id)] += members[stack.index]
    if causes:
        out.write("\n## Blocked, by cause\n\n| cells | cause |\n|---|---|\n")
        for why, count in causes.most_common():
            out.write(f"| {count} | {_esc(why)} |\n")
    out.write(
        f"\n## Cells\n\n| account | principal | permission set | model | {' | '.join(matrix.regions)} |\n"
    )
    out.write("|---|---|---|---|" + "---|" * len(matrix.regions) + "\n")
    mark = {"allowed": "✅ allowed", "denied": "❌ denied", "invalid": "⚪ invalid"}
    for principal, _caller, index in matrix.rows:
        stack = matrix.stacks[index]
        for model in matrix.models:
            row = [
                principal.account_id,
                principal.arn.split(":", 5)[5],
                principal.permission_set or "",
                model,
            ]
            for region in matrix.regions:
                a = stack.assessments[(model, region)]
                why = cause(a, principal.account_id)
                row.append(mark[a.verdict] + (f": {why.split(': ', 1)[1]}" if why else ""))
            out.write("| " + " | ".join(_esc(c) for c in row) + " |\n")
