"""``check --format markdown``: a table per scenario, short enough for a pull-request comment."""

from __future__ import annotations

from collections.abc import Sequence

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.redact import redact as redact_text
from bedrock_access.report.calls import LocatedRun, blocked_by, call_line, counts
from bedrock_access.report.check_json import overall_verdict

_ICON = {"allowed": "✅", "denied": "❌", "invalid": "⛔", "unknown": "❔"}


def _cell(text: str) -> str:
    """A table cell: pipes escaped, one line."""
    return " ".join(text.replace("|", "\\|").split())


def _why(a: InvocationAssessment) -> str:
    if a.verdict == "denied":
        return blocked_by(a) or (a.predicted_error.message if a.predicted_error else "")
    if a.verdict == "invalid":
        errors = [f for f in a.findings if f.severity == "error"]
        return redact_text(errors[0].message) if errors else ""
    if a.verdict == "unknown":
        return "no policies given"
    return ""


def check_markdown(runs: Sequence[LocatedRun], *, verdict: str) -> str:
    every = [a for r in runs for a in r.run.assessments]
    tally = counts(every)
    summary = ", ".join(f"{n} {k}" for k, n in tally.items() if n or k != "unknown")
    lines = [f"## bedrock-access check: {_ICON[verdict]} {verdict} ({summary})", ""]
    for located in runs:
        run = located.run
        lines.append(f"### `{_cell(located.source)}`: {overall_verdict(run.assessments)}")
        lines.append("")
        if not run.assessments:
            lines.extend(["No calls to check.", ""])
            continue
        lines.append("| | call | model | from | line | why |")
        lines.append("| --- | --- | --- | --- | --- | --- |")
        for a in run.assessments:
            inv = a.invocation
            line = str(call_line(a, located)) if run.source else ""
            lines.append(
                f"| {_ICON[a.verdict]} {a.verdict} | {_cell(inv.label)} | `{_cell(inv.model)}` "
                f"| {inv.region} | {line} | {_cell(_why(a))} |"
            )
        lines.append("")
    return "\n".join(lines)
