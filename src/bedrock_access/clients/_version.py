"""Client version parsing and comparison (private)."""

from __future__ import annotations

import re

Version = tuple[int, int, int]

# At most 9 digits a part: real versions have a few, and Python refuses to convert integers of thousands
# of digits (a hostile --client-version would raise instead of being refused).
_VERSION_RE = re.compile(r"^\s*v?(\d{1,9})\.(\d{1,9})(?:\.(\d{1,9}))?(?:[-+.\s(].*)?$")
_ANYWHERE_RE = re.compile(r"(?<![\d.])(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?![\d])")


def parse_version(text: str | None) -> Version | None:
    """``"2.1.172"``, ``"v1.0"`` or ``"2.1.172 (Claude Code)"`` → ``(2, 1, 172)``; anything else → None."""
    if text is None:
        return None
    match = _VERSION_RE.match(text)
    if not match:
        return None
    major, minor, patch = match.groups()
    return int(major), int(minor), int(patch or 0)


def find_version(output: str) -> str | None:
    """The first ``X.Y.Z`` in a tool's ``--version`` output."""
    match = _ANYWHERE_RE.search(output)
    return ".".join(match.groups()) if match else None


def v(text: str) -> Version:
    """A version literal used for gates; raises on a typo so gates cannot silently be wrong."""
    parsed = parse_version(text)
    if parsed is None:
        raise ValueError(f"bad version literal {text!r}")
    return parsed


def show(version: Version) -> str:
    return ".".join(str(part) for part in version)
