"""The text report of ``explain --cloudtrail``: one block per cause, the largest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bedrock_access.bedrock.errors import POLICY_PHRASES
from bedrock_access.cloudtrail.adapter import CallExplanation
from bedrock_access.cloudtrail.grouping import FailureGroup
from bedrock_access.cloudtrail.pipeline import Summary
from bedrock_access.report.cloudtrail_json import timestamp

SHOWN_VALUES = 5
"""Principals (and other lists) named in full per group; the rest are counted."""


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def layer_phrase(explanation: CallExplanation) -> str | None:
    """``explicit deny in a service control policy``, ``no Allow in an identity-based policy``."""
    if explanation.policy_type is None:
        return None
    article, phrase = POLICY_PHRASES.get(explanation.policy_type, ("a", explanation.policy_type))  # type: ignore[call-overload]
    how = {True: "explicit deny", False: "no Allow"}.get(explanation.explicit, "denied")  # type: ignore[arg-type]
    text = f"{how} in {article} {phrase}"
    if explanation.policy_arn:
        text += f" ({explanation.policy_arn})"
    return text


def listing(values: Sequence[str], shown: int = SHOWN_VALUES, more: int = 0) -> str:
    if not values:
        return "(not recorded)"
    text = ", ".join(values[:shown])
    hidden = len(values) - shown
    if hidden > 0:
        text += f" and {hidden:,} more"
    if more:
        text += f" (and {plural(more, 'call')} by principals not listed)"
    return text


def headline(summary: Summary) -> list[str]:
    lines = [
        f"CloudTrail: {plural(summary.records_read, 'record')} read from {plural(summary.files_read, 'file')}; "
        + (
            f"{plural(summary.failed_calls, 'Bedrock call')} failed, in {plural(len(summary.groups), 'group')} by cause."
            if summary.failed_calls
            else "no Bedrock call failed."
        )
    ]
    skipped = []
    if summary.files_skipped:
        skipped.append(f"{plural(summary.files_skipped, 'file')} not read")
    if summary.files_cut:
        skipped.append(f"{plural(summary.files_cut, 'file')} read only in part")
    if summary.records_skipped:
        skipped.append(f"{plural(summary.records_skipped, 'record')} skipped")
    if skipped:
        lines.append("Bad input: " + ", ".join(skipped) + " (details on standard error).")
    return lines


def group_title(group: FailureGroup) -> str:
    explanation = group.explanation
    parts = [plural(group.count, "call"), explanation.code]
    layer = layer_phrase(explanation)
    if layer:
        parts.append(layer)
    if explanation.denied_region == "unspecified":
        parts.append("denied on the Region-less check (unspecified)")
    elif explanation.denied_region:
        parts.append(f"denied in {explanation.denied_region}")
    return " · ".join(parts)


def scenario_lines(scenario: dict[str, Any], indent: str) -> list[str]:
    lines = [f"{indent}Under {scenario['path']}:"]
    if not scenario["evaluated"]:
        lines.append(f"{indent}  {scenario['note']}")
        return lines
    where = f" ({scenario['invocation']}, {scenario['hop']})" if scenario["invocation"] else ""
    lines.append(f"{indent}  decision {scenario['decision']}{where}")
    lines.extend(f"{indent}  - {statement}" for statement in scenario["statements"])
    lines.append(
        f"{indent}  this reproduces the error"
        if scenario["reproduced"]
        else f"{indent}  this does NOT reproduce the error: the scenario's policies differ from the ones AWS evaluated"
    )
    if scenario["note"]:
        lines.append(f"{indent}  note: {scenario['note']}")
    return lines


def render(summary: Summary, scenarios: Sequence[dict[str, Any]] | None = None) -> str:
    lines = headline(summary)
    for number, group in enumerate(summary.groups, 1):
        explanation = group.explanation
        lines.append("")
        lines.append(f"[{number}] {group_title(group)}")
        lines.append(f"    model: {listing(group.models)} · operations: {', '.join(group.operations)}")
        lines.append(f"    seen: {timestamp(group.first_seen)} to {timestamp(group.last_seen)}")
        lines.append(
            f"    principals ({len(group.principals):,}): {listing(group.principals, more=group.more_principals)}"
        )
        lines.append(f"    callers: {', '.join(group.caller_kinds)}")
        if group.api_key_calls:
            lines.append(f"    made with a Bedrock API key: {plural(group.api_key_calls, 'call')}")
        lines.append(
            f"    accounts: {listing(group.accounts)} · source Regions: {listing(group.source_regions)}"
        )
        lines.append(f"    Why: {explanation.cause}")
        if explanation.fixes:
            lines.append("    What to do:")
            lines.extend(f"      - {fix}" for fix in explanation.fixes)
        if scenarios is not None:
            lines.extend(scenario_lines(scenarios[number - 1], "    "))
    return "\n".join(lines) + "\n"
