"""The JSON document of ``explain --cloudtrail`` (docs/cloudtrail.md describes every field).

``{"records_read", "failed_calls", "groups": [...]}``, each group with exactly the fields listed in
:data:`GROUP_FIELDS`, plus ``scenario`` when ``--scenario`` was given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bedrock_access.cloudtrail.grouping import FailureGroup
from bedrock_access.cloudtrail.pipeline import Summary

GROUP_FIELDS = (
    "explanation_code",
    "kind",
    "count",
    "principals",
    "accounts",
    "models",
    "source_regions",
    "denied_regions",
    "policy_type",
    "cause",
    "fixes",
    "first_seen",
    "last_seen",
)


def timestamp(when: datetime) -> str:
    """UTC, to the second, as CloudTrail writes eventTime."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def group_document(group: FailureGroup, scenario: dict[str, Any] | None = None) -> dict[str, Any]:
    explanation = group.explanation
    doc: dict[str, Any] = {
        "explanation_code": explanation.code,
        "kind": explanation.kind,
        "count": group.count,
        "principals": list(group.principals),
        "accounts": list(group.accounts),
        "models": list(group.models),
        "source_regions": list(group.source_regions),
        "denied_regions": list(group.denied_regions),
        "policy_type": explanation.policy_type,
        "cause": explanation.cause,
        "fixes": list(explanation.fixes),
        "first_seen": timestamp(group.first_seen),
        "last_seen": timestamp(group.last_seen),
    }
    if scenario is not None:
        doc["scenario"] = scenario
    return doc


def document(summary: Summary, scenarios: Sequence[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "records_read": summary.records_read,
        "failed_calls": summary.failed_calls,
        "groups": [
            group_document(group, scenarios[i] if scenarios is not None else None)
            for i, group in enumerate(summary.groups)
        ],
    }


def render(summary: Summary, scenarios: Sequence[dict[str, Any]] | None = None) -> str:
    import orjson

    return orjson.dumps(document(summary, scenarios), option=orjson.OPT_INDENT_2).decode() + "\n"
