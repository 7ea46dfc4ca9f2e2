"""Unified diffs of policy documents (as 2-space-indented JSON)."""

from __future__ import annotations

import difflib


def unified_diff(before: str | None, after: str, label: str) -> str:
    """``diff -u`` of two texts; ``before`` None means the document is new (diffed against nothing)."""
    old = before.splitlines(keepends=False) if before is not None else []
    new = after.splitlines(keepends=False)
    lines = difflib.unified_diff(
        old,
        new,
        fromfile="/dev/null" if before is None else f"a/{label}",
        tofile=f"b/{label}",
        lineterm="",
        n=3,
    )
    return "\n".join(lines)
