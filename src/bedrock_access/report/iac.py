"""Reports of ``check --terraform-plan`` / ``--cloudformation``: the calls whose fate the change alters
come first, each naming the statement that now decides it and the IaC address that wrote it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bedrock_access.iac.compare import CallChange, Comparison
from bedrock_access.report.check_json import check_json, overall_verdict
from bedrock_access.report.check_text import check_text

_LAYER = {
    "identity": "identity policy",
    "pb": "permissions boundary",
    "session": "session policy",
    "scp": "SCP",
    "rcp": "RCP",
    "vpce": "VPC endpoint policy",
    "resource": "resource policy",
}


def _statement(entry: Mapping[str, Any]) -> str:
    name = entry.get("policy") or "?"
    sid = entry.get("sid") or f"statement {entry.get('index')}"
    where = _LAYER.get(str(entry.get("type")), str(entry.get("type")))
    if entry.get("effect") == "NoApplicableAllow":
        text = f"no Allow in the {where}s" + (f" at {entry['level']}" if entry.get("level") else "")
    else:
        text = f"{where} {name} {sid}"
    address = entry.get("address")
    return f"{text} ({address})" if address else text


def _call(change: CallChange) -> str:
    inv = change.after_assessment.invocation
    return f"{change.label} ({inv.model} from {inv.region})"


def change_line(change: CallChange) -> str:
    after = change.after_assessment
    head = f"{change.before} → {change.after}: {_call(change)}"
    deciding = [
        e for e in change.decided_by_after if e.get("effect") != "Allow" or after.verdict == "allowed"
    ]
    by = "; ".join(_statement(e) for e in deciding[:3])
    if after.verdict == "denied":
        where = ", ".join(after.denied_regions) or "its first check"
        return f"{head}, now denied in {where}" + (f" by {by}" if by else "")
    if after.verdict == "allowed":
        return f"{head}, now authorized in {', '.join(after.authorized_regions) or 'every hop'}"
    if change.before == change.after:
        before = ", ".join(change.before_assessment.denied_regions) or "none"
        now = ", ".join(after.denied_regions) or "none"
        return f"{head}: denied Regions {before} → {now}" + (f" by {by}" if by else "")
    return head


def _side_label(c: Comparison) -> str:
    return "the scenario as written" if c.before_is_scenario else "before the change"


def iac_text(comparisons: Sequence[Comparison], *, snapshot: str, iamdata: str, verbose: bool = False) -> str:
    lines: list[str] = []
    changed = [ch for c in comparisons for ch in c.changes]
    source = comparisons[0].iac_source if comparisons else "?"
    if changed:
        lines.append(f"{len(changed)} call(s) change with {source}:")
        lines.extend(f"  {change_line(ch)}" for ch in changed)
    else:
        lines.append(f"No call changes with {source}.")
    for c in comparisons:
        notes = list(dict.fromkeys((*c.notes_before, *c.notes_after)))
        if notes:
            lines.append("")
            lines.append(f"What the change leaves unknown ({c.scenario}):")
            lines.extend(f"  - {n}" for n in notes)
    for c in comparisons:
        lines.append("")
        if verbose or len(comparisons) == 1:
            lines.append(f"After the change ({c.scenario}; before = {_side_label(c)}):")
            lines.append(
                check_text(
                    c.after, snapshot=snapshot, verdict=overall_verdict(c.after.assessments), iamdata=iamdata
                )
            )
        else:
            lines.append(f"{c.scenario}: after the change {overall_verdict(c.after.assessments)}")
    return "\n".join(lines)


def change_json(change: CallChange) -> dict[str, Any]:
    return {
        "label": change.label,
        "scenario": change.scenario,
        "before": change.before,
        "after": change.after,
        "denied_regions_before": list(change.before_assessment.denied_regions),
        "denied_regions_after": list(change.after_assessment.denied_regions),
        "decided_by_after": [dict(e) for e in change.decided_by_after],
    }


def iac_json(comparisons: Sequence[Comparison], *, snapshot: str, iamdata: str, kind: str) -> dict[str, Any]:
    per_scenario = []
    for c in comparisons:
        doc = check_json(c.after, snapshot=snapshot, iamdata=iamdata)
        doc["changes"] = [change_json(ch) for ch in c.changes]
        doc["iac"] = {
            "kind": kind,
            "source": c.iac_source,
            "before": _side_label(c),
            "unknown": list(dict.fromkeys((*c.notes_before, *c.notes_after))),
        }
        per_scenario.append(doc)
    if len(per_scenario) == 1:
        return per_scenario[0]
    return {
        "schema_version": per_scenario[0]["schema_version"] if per_scenario else 1,
        "verdict": overall_verdict([a for c in comparisons for a in c.after.assessments]),
        "changes": [change_json(ch) for c in comparisons for ch in c.changes],
        "scenarios": per_scenario,
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def iac_markdown(comparisons: Sequence[Comparison], *, kind: str) -> str:
    source = comparisons[0].iac_source if comparisons else "?"
    title = "Terraform plan" if kind == "terraform" else "CloudFormation template"
    changed = [ch for c in comparisons for ch in c.changes]
    regressions = [ch for ch in changed if ch.regression]
    lines = [f"### bedrock-access: what `{_cell(source)}` ({title}) does to Bedrock calls", ""]
    if not changed:
        lines.append("No Bedrock call changes.")
    else:
        mark = "**" if regressions else ""
        lines.append(
            f"{mark}{len(changed)} call(s) change, {len(regressions)} from allowed to denied or invalid.{mark}"
        )
        lines += ["", "| call | scenario | before | after | decided by (after) |", "|---|---|---|---|---|"]
        for ch in changed:
            deciding = "; ".join(_statement(e) for e in ch.decided_by_after[:3])
            lines.append(
                f"| {_cell(_call(ch))} | {_cell(ch.scenario)} | {ch.before} | {ch.after} | {_cell(deciding)} |"
            )
    unchanged = sum(len(c.calls) - len(c.changes) for c in comparisons)
    if unchanged:
        lines += ["", f"{unchanged} other call(s) keep their verdict."]
    notes = list(dict.fromkeys(n for c in comparisons for n in (*c.notes_before, *c.notes_after)))
    if notes:
        lines += ["", "<details><summary>Unknown until apply</summary>", ""]
        lines += [f"- {_cell(n)}" for n in notes]
        lines += ["", "</details>"]
    return "\n".join(lines)
