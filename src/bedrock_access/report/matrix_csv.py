"""``matrix --format csv``: one row per cell, for spreadsheets."""

from __future__ import annotations

import csv
from typing import TextIO

from bedrock_access.matrix.decide import Matrix
from bedrock_access.report.matrix_common import cell_cause

COLUMNS = (
    "account_id",
    "principal_arn",
    "permission_set",
    "model",
    "source_region",
    "verdict",
    "authorized_regions",
    "denied_regions",
    "cause",
    "findings",
    "predicted_error",
)


def write_csv(matrix: Matrix, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for cell in matrix.cells():
        writer.writerow(
            (
                cell.account_id,
                cell.principal_arn,
                cell.permission_set or "",
                cell.model,
                cell.source_region,
                cell.verdict,
                " ".join(cell.authorized_regions),
                " ".join(cell.denied_regions),
                cell_cause(cell),
                " ".join(f.code for f in cell.findings),
                cell.predicted_error.message if cell.predicted_error else "",
            )
        )
