"""The human report of ``bedrock-access check``: one block per invocation, hops in order."""

from __future__ import annotations

from collections.abc import Sequence

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.bedrock.redact import redact as redact_text
from bedrock_access.iam.explain import describe

_MARK = {"allowed": "ok", "denied": "DENIED", "invalid": "INVALID"}
_DECISION = {"Allowed": "allow", "ImplicitlyDenied": "implicit deny", "ExplicitlyDenied": "explicit deny"}


def _table(rows: Sequence[Sequence[str]], indent: str = "    ") -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row)]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def _decided_by(outcome_decisive: Sequence[object]) -> str:
    parts = [describe(d) for d in outcome_decisive]  # type: ignore[arg-type]
    return "; ".join(parts)


def invocation_text(a: InvocationAssessment) -> list[str]:
    inv = a.invocation
    lines = [f"[{_MARK[a.verdict]}] {inv.label}"]
    lines.append(f"    {inv.operation} {inv.model} from {inv.region} ({a.expansion.action}, {inv.auth})")
    for key, origin in inv.origin.items():
        if key in ("model", "region") and origin:
            lines.append(f"    {key} from {redact_text(origin)}")
    if a.outcomes:
        rows = [["hop", "decision", "decided by"]]
        for o in a.outcomes:
            decisive = [d for d in o.decision.decisive if not o.decision.allowed]
            rows.append(
                [o.check.hop, _DECISION[o.decision.outcome], _decided_by(decisive) if decisive else ""]
            )
        lines.extend(_table(rows))
    if a.authorized_regions or a.denied_regions:
        lines.append(
            f"    authorized in: {', '.join(a.authorized_regions) or 'none'}"
            + (f"; denied in: {', '.join(a.denied_regions)}" if a.denied_regions else "")
        )
    blocking = a.blocking
    if blocking is not None and a.verdict == "denied":
        lines.append(f"    blocked at: {blocking.check.hop}")
        lines.append(f"      resource {blocking.check.resource}")
        lines.append(
            f"      aws:RequestedRegion = {blocking.check.requested_region}"
            + (
                f", bedrock:InferenceProfileArn = {blocking.check.inference_profile_arn}"
                if blocking.check.inference_profile_arn
                else ", no bedrock:InferenceProfileArn"
            )
        )
        for d in blocking.decision.decisive:
            lines.append(f"      {describe(d)}")
    if a.predicted_error is not None:
        err = a.predicted_error
        head = f"{err.error_code} ({err.http_status})" if err.error_code else "connection error"
        lines.append(f"    the user will see: {head}")
        lines.append(f"      {err.message}")
    for f in a.findings:
        lines.append(f"    {f.severity}: {f.message} [{f.code}]")
        if f.hint:
            lines.append(f"      hint: {f.hint}")
    notes = sorted({n for o in a.outcomes for n in o.check.notes})
    for note in notes:
        lines.append(f"    uncertain: {note}")
    return lines


def check_text(
    assessments: Sequence[InvocationAssessment],
    *,
    scenario: str | None,
    principal: str,
    snapshot: str,
    verdict: str,
) -> str:
    lines = []
    if scenario:
        lines.append(f"Scenario {scenario}")
    lines.append(f"Caller {principal}   (catalog snapshot {snapshot})")
    lines.append("")
    for a in assessments:
        lines.extend(invocation_text(a))
        lines.append("")
    counts = {"allowed": 0, "denied": 0, "invalid": 0}
    for a in assessments:
        counts[a.verdict] += 1
    lines.append(
        f"Verdict: {verdict} ({counts['allowed']} allowed, {counts['denied']} denied, {counts['invalid']} invalid)"
    )
    return "\n".join(lines)
