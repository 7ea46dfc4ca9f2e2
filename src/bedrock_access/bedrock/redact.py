"""Redaction of pasted text, kept at this path for the documented ``bedrock_access.bedrock.redact`` API
(docs/errors.md). The implementation lives in :mod:`bedrock_access.redact`, shared with the client
readers and the reports."""

from __future__ import annotations

from bedrock_access.redact import (
    MASK,
    SecretFinding,
    SecretKind,
    contains_secret,
    find_secrets,
    is_secret_name,
    redact,
    redact_mapping,
    redact_value,
)

__all__ = [
    "MASK",
    "SecretFinding",
    "SecretKind",
    "contains_secret",
    "find_secrets",
    "is_secret_name",
    "redact",
    "redact_mapping",
    "redact_value",
]
