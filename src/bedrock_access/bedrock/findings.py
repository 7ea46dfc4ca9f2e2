"""What a user would meet at run time that is not an IAM decision, each with a stable code."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]

# Codes whose presence makes AWS refuse the call before or regardless of IAM (HTTP 400 or no endpoint).
INVALIDATING = frozenset(
    {
        "no-bedrock-in-region",
        "unknown-region",
        "profile-not-offered-in-region",
        "on-demand-not-supported",
        "unknown-model",
        "arn-region-mismatch",
        "model-not-in-region",
        "partition-mismatch",
    }
)


MODEL_ALLOW_LIST_PROFILE_UNCERTAIN = (
    "uncertain: AWS's sources disagree on this case. The Bedrock user guide's inference-profile pages say "
    "the profile's own check names the inference-profile ARN, so a model allow-list written as Deny with "
    "NotResource [foundation-model ARNs] denies every call through a profile (this tool's answer); AWS's "
    "sample SCP Deny-Bedrock-model-invocation-except-approved-models (aws-samples/"
    "service-control-policy-examples) lists only foundation-model ARNs and its README presents it as "
    "allowing the approved models. Test one profile call before relying on either reading"
)
"""The model-approval SCP and cross-Region profiles: one sentence shared by check, explain and fix."""


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    hint: str | None = None

    @property
    def invalidates(self) -> bool:
        return self.severity == "error" and self.code in INVALIDATING

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "severity": self.severity, "message": self.message, "hint": self.hint}
