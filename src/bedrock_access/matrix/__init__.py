"""Who can call which Bedrock model from where, across an organization (pure; see docs/matrix.md)."""

from __future__ import annotations

from bedrock_access.matrix.decide import (
    Cell,
    Hop,
    Matrix,
    StackDecision,
    check_models,
    check_regions,
    decide_snapshot,
    default_models,
    scp_named_regions,
    select_principals,
)

__all__ = [
    "Cell",
    "Hop",
    "Matrix",
    "StackDecision",
    "check_models",
    "check_regions",
    "decide_snapshot",
    "default_models",
    "scp_named_regions",
    "select_principals",
]
