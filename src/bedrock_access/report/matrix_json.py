"""``matrix --format json``: a header and every cell, streamed (a large organization has millions)."""

from __future__ import annotations

from typing import TextIO

import orjson

from bedrock_access.matrix.decide import Matrix
from bedrock_access.report.matrix_common import SCHEMA_VERSION, cell_json, summary


def write_json(matrix: Matrix, out: TextIO, *, catalog_snapshot: str) -> None:
    s = summary(matrix)
    snap = matrix.snapshot
    header = {
        "schema_version": SCHEMA_VERSION,
        "snapshot": {
            "source": snap.source,
            "collected_at": snap.collected_at,
            "organization_id": snap.org_id,
        },
        "catalog_snapshot": catalog_snapshot,
        "operation": matrix.operation,
        "models": list(matrix.models),
        "regions": list(matrix.regions),
        "summary": {
            "cells": s.cells,
            "principals": s.principals,
            "accounts": s.accounts,
            "distinct_stacks": s.stacks,
            **s.verdicts,
        },
        "unreadable_accounts": [
            {"account_id": a.id, "name": a.name, "reason": a.reason}
            for a in snap.accounts
            if a.status == "unreadable"
        ],
    }
    text = orjson.dumps(header, option=orjson.OPT_INDENT_2).decode()
    out.write(text[:-2] + ',\n  "cells": [')  # the header's closing "\n}" replaced by the cell list
    first = True
    for cell in matrix.cells():
        out.write(("\n    " if first else ",\n    ") + orjson.dumps(cell_json(cell)).decode())
        first = False
    out.write("\n  ]\n}\n" if not first else "]\n}\n")
