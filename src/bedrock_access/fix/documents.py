"""Small pure helpers on policy documents as plain JSON values (dicts and lists).

Patches never mutate their input: every function returns new containers.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bedrock_access.iam.compiled import compile_action_pattern

VERSION = "2012-10-17"
_SID_CHARS = re.compile(r"[^A-Za-z0-9]")

# AWS's size limits, counted without white space (bedrock_access.iam.validate uses the same table).
SIZE_LIMITS: Mapping[str, int] = {
    "identity": 6_144,
    "pb": 6_144,
    "session": 2_048,
    "scp": 5_120,
    "vpce": 20_480,
}
# The policy type names bedrock_access.iam.validate uses for each layer.
VALIDATOR_TYPES: Mapping[str, str] = {
    "identity": "identity",
    "pb": "boundary",
    "session": "session",
    "scp": "scp",
    "vpce": "vpce",
}


def deep(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A deep, plain copy."""
    return copy.deepcopy(dict(doc))


def minified_size(doc: Mapping[str, Any]) -> int:
    return len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False))


def pretty(doc: Mapping[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False)


def statements(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    raw = doc.get("Statement", [])
    if isinstance(raw, Mapping):
        return [dict(raw)]
    return [dict(s) for s in raw]


def with_statements(doc: Mapping[str, Any], stmts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    out = deep(doc)
    out["Statement"] = [deep(s) for s in stmts]
    return out


def as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def new_document(stmts: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": [deep(s) for s in stmts]}


def sids(doc: Mapping[str, Any]) -> set[str]:
    return {str(s["Sid"]) for s in statements(doc) if isinstance(s.get("Sid"), str)}


def unique_sid(base: str, taken: Iterable[str]) -> str:
    """An alphanumeric Sid (IAM accepts only [A-Za-z0-9]) not in ``taken``."""
    clean = _SID_CHARS.sub("", base) or "Statement"
    used = set(taken)
    if clean not in used:
        return clean
    n = 2
    while f"{clean}{n}" in used:
        n += 1
    return f"{clean}{n}"


@dataclass(frozen=True, slots=True)
class ConditionEntry:
    operator: str
    key: str
    values: tuple[str, ...]

    @property
    def base_operator(self) -> str:
        """The operator without ``IfExists``, lowercased (``stringnotequals``)."""
        op = self.operator.lower()
        return op[: -len("ifexists")] if op.endswith("ifexists") else op


def condition_entries(stmt: Mapping[str, Any]) -> list[ConditionEntry]:
    cond = stmt.get("Condition")
    if not isinstance(cond, Mapping):
        return []
    out = []
    for operator, block in cond.items():
        if not isinstance(block, Mapping):
            continue
        for key, values in block.items():
            vals = tuple(
                ("true" if v else "false") if isinstance(v, bool) else str(v) for v in as_list_any(values)
            )
            out.append(ConditionEntry(str(operator), str(key), vals))
    return out


def as_list_any(value: Any) -> list[Any]:
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def set_condition(stmt: Mapping[str, Any], operator: str, key: str, values: Sequence[str]) -> dict[str, Any]:
    """The statement with ``operator: {key: values}`` set (replacing that key under that operator)."""
    out = deep(stmt)
    cond = dict(out.get("Condition") or {})
    block = dict(cond.get(operator) or {})
    block[key] = values[0] if len(values) == 1 else list(values)
    cond[operator] = block
    out["Condition"] = cond
    return out


def actions_cover(patterns: Iterable[str], action: str) -> bool:
    """Whether any Action/NotAction pattern matches ``action`` (case-insensitive, as IAM does)."""
    lowered = action.lower()
    return any(compile_action_pattern(p)(lowered) for p in patterns)


def replace_key(stmt: Mapping[str, Any], old: str, new: str, value: Any) -> dict[str, Any]:
    """The statement with key ``old`` renamed to ``new`` (same position) and given ``value``."""
    out: dict[str, Any] = {}
    for key, current in stmt.items():
        if key == old:
            out[new] = value
        else:
            out[key] = copy.deepcopy(current)
    if old not in stmt:
        out[new] = value
    return out
