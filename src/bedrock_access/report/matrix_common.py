"""What every matrix format shares: counts, causes in words, and the exit status. No evaluation here."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.iam.engine import Decisive
from bedrock_access.iam.explain import describe
from bedrock_access.matrix.decide import Cell, Matrix, cell_decided_by

SCHEMA_VERSION = 1
VERDICTS = ("allowed", "denied", "invalid")


@dataclass(frozen=True, slots=True)
class Summary:
    cells: int
    principals: int
    accounts: int
    stacks: int
    verdicts: dict[str, int]


def summary(matrix: Matrix) -> Summary:
    """Counts from each stack's decisions times its members (no cell is built)."""
    members = Counter(index for _p, _c, index in matrix.rows)
    counts = dict.fromkeys(VERDICTS, 0)
    for stack in matrix.stacks:
        for a in stack.assessments.values():
            counts[a.verdict] = counts.get(a.verdict, 0) + members[stack.index]
    return Summary(
        cells=matrix.cell_count,
        principals=len(matrix.rows),
        accounts=len({p.account_id for p, _c, _i in matrix.rows}),
        stacks=len(matrix.stacks),
        verdicts=counts,
    )


def exit_status(matrix: Matrix) -> int:
    """0 when every cell is allowed, 1 otherwise."""
    s = summary(matrix)
    return 0 if s.verdicts.get("allowed", 0) == s.cells else 1


def _level_words(entry: Decisive, account_id: str) -> Decisive:
    # The account's own SCP level reads the same for every account: say "account" rather than its id.
    if entry.level == account_id:
        from dataclasses import replace

        return replace(entry, level="the account")
    return entry


def cause(a: InvocationAssessment, account_id: str) -> str:
    """Why a cell is not allowed, the same words for every principal of a stack ('' when allowed)."""
    if a.verdict == "allowed":
        return ""
    if a.verdict == "invalid":
        codes = [f.code for f in a.findings if f.invalidates]
        return "invalid: " + (", ".join(dict.fromkeys(codes)) or "refused by Bedrock")
    blocking = a.blocking
    hop = f" [{blocking.check.purpose} check]" if blocking is not None else ""
    return "denied: " + "; ".join(describe(_level_words(d, account_id)) for d in cell_decided_by(a)) + hop


def cell_cause(cell: Cell) -> str:
    if cell.verdict == "allowed":
        return ""
    if cell.verdict == "invalid":
        codes = [f.code for f in cell.findings if f.invalidates]
        return "invalid: " + (", ".join(dict.fromkeys(codes)) or "refused by Bedrock")
    return "denied: " + "; ".join(describe(d) for d in cell.decided_by)


def decided_by_json(entries: tuple[Decisive, ...]) -> list[dict[str, object]]:
    return [d.to_json() for d in entries]


def cell_json(cell: Cell) -> dict[str, object]:
    """A cell with exactly the fields docs/matrix.md lists."""
    return {
        "account_id": cell.account_id,
        "principal_arn": cell.principal_arn,
        "permission_set": cell.permission_set,
        "model": cell.model,
        "source_region": cell.source_region,
        "verdict": cell.verdict,
        "authorized_regions": list(cell.authorized_regions),
        "denied_regions": list(cell.denied_regions),
        "decided_by": decided_by_json(cell.decided_by),
        "findings": [f.to_json() for f in cell.findings],
    }
