"""The Markdown report of ``explain --cloudtrail``: a summary table, then one section per cause."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bedrock_access.cloudtrail.pipeline import Summary
from bedrock_access.report.cloudtrail_json import timestamp
from bedrock_access.report.cloudtrail_text import headline, layer_phrase, listing, plural, scenario_lines


def _cell(text: str) -> str:
    """Table cells cannot hold pipes or line breaks."""
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def render(summary: Summary, scenarios: Sequence[dict[str, Any]] | None = None) -> str:
    lines = ["# Bedrock calls that failed, by cause", ""]
    lines.extend(headline(summary))
    if summary.groups:
        lines += [
            "",
            "| # | calls | explanation | layer | denied in | model | principals | first seen | last seen |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for number, group in enumerate(summary.groups, 1):
            explanation = group.explanation
            lines.append(
                "| "
                + " | ".join(
                    _cell(cell)
                    for cell in (
                        str(number),
                        f"{group.count:,}",
                        explanation.code,
                        layer_phrase(explanation) or "",
                        explanation.denied_region or "",
                        explanation.model or "",
                        f"{len(group.principals):,}",
                        timestamp(group.first_seen),
                        timestamp(group.last_seen),
                    )
                )
                + " |"
            )
    for number, group in enumerate(summary.groups, 1):
        explanation = group.explanation
        lines += ["", f"## {number}. {explanation.code}: {plural(group.count, 'call')}", ""]
        layer = layer_phrase(explanation)
        if layer:
            lines.append(f"- Layer: {layer}")
        if explanation.denied_region:
            lines.append(f"- Denied in: {_code(explanation.denied_region)}")
        lines.append(f"- Models: {', '.join(_code(m) for m in group.models[:5]) or '(not recorded)'}")
        lines.append(f"- Operations: {', '.join(group.operations)}")
        lines.append(f"- Seen: {timestamp(group.first_seen)} to {timestamp(group.last_seen)}")
        lines.append(
            f"- Principals ({len(group.principals):,}): {listing([_code(p) for p in group.principals])}"
        )
        lines.append(
            f"- Accounts: {listing(group.accounts)}; source Regions: {listing(group.source_regions)}"
        )
        lines += ["", f"**Why.** {explanation.cause}", ""]
        if explanation.fixes:
            lines.append("**What to do.**")
            lines.append("")
            lines.extend(f"- {fix}" for fix in explanation.fixes)
        if scenarios is not None:
            lines.append("")
            lines.extend(scenario_lines(scenarios[number - 1], ""))
    return "\n".join(lines) + "\n"
