"""``matrix SNAPSHOT --terraform-plan PLAN``: wiring only. The organization is decided before and after
the plan (``iac.snapshot`` lays each side over the snapshot; ``matrix.decide_snapshot`` decides), and the
cells that change are reported."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from bedrock_access.errors import InputError


def add_arguments(p: Any) -> None:
    group = p.add_argument_group("policy as code (docs/policy-as-code.md)")
    group.add_argument(
        "--terraform-plan",
        metavar="PLAN.json",
        help="report the cells this plan changes (`terraform show -json PLANFILE` output)",
    )
    group.add_argument(
        "--fail-on",
        choices=("any", "regression"),
        default="any",
        help="with --terraform-plan: exit 1 when any cell is not allowed after the plan (any), or only when a "
        "cell goes from allowed to denied or invalid (regression)",
    )


def _addresses(side: Any) -> dict[str, str]:
    out = {a.policy.name: a.policy.address for a in side.org}
    for layers in (*side.roles.values(), *side.permission_sets.values()):
        for policy in (*layers.identity, *((layers.boundary,) if layers.boundary else ())):
            out.setdefault(policy.name, policy.address)
    return out


def _change_json(change: Any, addresses: Mapping[str, str]) -> dict[str, Any]:
    before, after = change.before, change.after
    decided = []
    for d in after.decided_by:
        entry = dict(d.to_json())
        entry["address"] = addresses.get(str(d.policy)) if d.policy else None
        decided.append(entry)
    return {
        "account_id": after.account_id,
        "principal_arn": after.principal_arn,
        "permission_set": after.permission_set,
        "model": after.model,
        "source_region": after.source_region,
        "before": before.verdict,
        "after": after.verdict,
        "denied_regions_before": list(before.denied_regions),
        "denied_regions_after": list(after.denied_regions),
        "decided_by_after": decided,
    }


def run(args: argparse.Namespace, snapshot: Any, decide: Any, catalog_snapshot: str) -> int:
    """``decide(snapshot) -> Matrix`` decides one side with the arguments the user gave."""
    import orjson

    from bedrock_access.iac.load import load_plan
    from bedrock_access.iac.snapshot import changed_cells, overlay_snapshot
    from bedrock_access.iac.terraform import read_plan

    if args.format not in ("text", "json", "markdown"):
        raise InputError("with --terraform-plan the formats are text, json and markdown", field="--format")
    change = read_plan(load_plan(args.terraform_plan), args.terraform_plan)
    assert change.before is not None
    before = overlay_snapshot(snapshot, change, change.before)
    after = overlay_snapshot(snapshot, change, change.after)
    matrix_before, matrix_after = decide(before.snapshot), decide(after.snapshot)
    changes = list(changed_cells(matrix_before, matrix_after))
    addresses = _addresses(change.after)
    notes = list(dict.fromkeys((*before.notes, *after.notes)))
    rows = [_change_json(c, addresses) for c in changes]
    if args.format == "json":
        doc = {
            "snapshot": snapshot.source,
            "plan": args.terraform_plan,
            "catalog_snapshot": catalog_snapshot,
            "cells": matrix_after.cell_count,
            "changes": rows,
            "unknown": notes,
        }
        text = orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n"
    elif args.format == "markdown":
        text = _markdown(rows, notes, args.terraform_plan, matrix_after.cell_count)
    else:
        text = _text(rows, notes, args.terraform_plan, matrix_after.cell_count)
    from bedrock_access.cli.matrix import write_output

    write_output(args.output, lambda out: out.write(text))
    if args.fail_on == "regression":
        return 1 if any(c.regression for c in changes) else 0
    return 0 if all(c.verdict == "allowed" for c in matrix_after.cells()) else 1


def _line(row: Mapping[str, Any]) -> str:
    who = row["principal_arn"] + (f" ({row['permission_set']})" if row["permission_set"] else "")
    head = f"{row['before']} → {row['after']}: {who}: {row['model']} from {row['source_region']}"
    if row["after"] == "denied" and row["decided_by_after"]:
        d = row["decided_by_after"][0]
        by = f"{d['type']} {d['policy']}" + (f" {d['sid']}" if d.get("sid") else "")
        by += f" ({d['address']})" if d.get("address") else ""
        where = ", ".join(row["denied_regions_after"]) or "its first check"
        return f"{head}, now denied in {where} by {by}"
    return head


def _text(rows: Sequence[Mapping[str, Any]], notes: Sequence[str], plan: str, cells: int) -> str:
    lines = [
        f"{len(rows)} of {cells} cells change with {plan}:"
        if rows
        else f"No cell of {cells} changes with {plan}."
    ]
    lines.extend(f"  {_line(r)}" for r in rows)
    if notes:
        lines += ["", "What the plan leaves unknown:"] + [f"  - {n}" for n in notes]
    return "\n".join(lines) + "\n"


def _markdown(rows: Sequence[Mapping[str, Any]], notes: Sequence[str], plan: str, cells: int) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = [f"### bedrock-access: cells of the organization matrix that `{cell(plan)}` changes", ""]
    if not rows:
        lines.append(f"No cell of {cells} changes.")
    else:
        regressions = sum(1 for r in rows if r["before"] == "allowed" and r["after"] != "allowed")
        lines += [
            f"{len(rows)} of {cells} cells change, {regressions} from allowed to denied or invalid.",
            "",
            "| principal | model | from | before | after | denied in (after) |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {cell(r['principal_arn'])} | {cell(r['model'])} | {r['source_region']} | {r['before']} | "
            f"{r['after']} | {', '.join(r['denied_regions_after'])} |"
            for r in rows
        ]
    if notes:
        lines += ["", "<details><summary>Unknown until apply</summary>", ""] + [f"- {cell(n)}" for n in notes]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"
