"""The stable JSON document of ``bedrock-access check`` (docs/check.md describes every field)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.bedrock.redact import redact as redact_text

SCHEMA_VERSION = 1


def overall_verdict(assessments: Sequence[InvocationAssessment]) -> str:
    verdicts = {a.verdict for a in assessments}
    if "denied" in verdicts:
        return "denied"
    if "invalid" in verdicts:
        return "invalid"
    return "allowed"


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
        "checks": [
            {
                "hop": o.check.hop,
                "purpose": o.check.purpose,
                "action": o.check.action,
                "resource": o.check.resource,
                "requested_region": o.check.requested_region,
                "inference_profile_arn": o.check.inference_profile_arn,
                "decision": o.decision.outcome,
                "decided_by": [d.to_json() for d in o.decision.decisive],
                "notes": list(o.check.notes),
            }
            for o in a.outcomes
        ],
        "predicted_error": _error(a),
    }


def check_json(
    assessments: Sequence[InvocationAssessment], *, scenario: str | None, principal: str, snapshot: str
) -> dict[str, Any]:
    counts = {"allowed": 0, "denied": 0, "invalid": 0}
    for a in assessments:
        counts[a.verdict] += 1
    return {
        "schema_version": SCHEMA_VERSION,
        "verdict": overall_verdict(assessments),
        "scenario": scenario,
        "principal": principal,
        "catalog_snapshot": snapshot,
        "summary": counts,
        "invocations": [invocation_json(a) for a in assessments],
    }
