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
