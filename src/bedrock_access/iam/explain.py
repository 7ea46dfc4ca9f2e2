"""Decisions in words: which statements decided, or which layer lacked an Allow."""

from __future__ import annotations

from bedrock_access.iam.engine import Decision, Decisive, Request

LAYER_NAMES = {
    "identity": "identity-based policy",
    "resource": "resource-based policy",
    "pb": "permissions boundary",
    "session": "session policy",
    "scp": "service control policy",
    "rcp": "resource control policy",
    "vpce": "VPC endpoint policy",
}


def describe(entry: Decisive) -> str:
    """One line naming a decisive statement or a layer without an applicable Allow."""
    layer = LAYER_NAMES[entry.type]
    where = f"{layer} at {entry.level}" if entry.level else layer
    if entry.effect == "NoApplicableAllow":
        named = f" ({entry.policy})" if entry.policy else ""
        return f"no Allow in the {where}{named} applies"
    sid = f", Sid {entry.sid}" if entry.sid else ""
    return f"{entry.effect} by {where} {entry.policy}, statement {entry.index}{sid}"


def decision_text(decision: Decision, request: Request | None = None) -> str:
    lines = []
    if request is not None:
        lines.append(f"{request.action} on {request.resource}")
        lines.append(f"  by {request.principal}")
    lines.append(f"Decision: {decision.outcome}")
    for entry in decision.decisive:
        lines.append(f"  - {describe(entry)}")
    if decision.outcome == "Allowed" and not decision.decisive:
        lines.append("  - the account root user has every permission not denied")
    for note in decision.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines)
