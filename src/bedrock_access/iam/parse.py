"""Policy documents (JSON text or mappings) into the typed model, with errors located by path.

Structural problems that leave no sensible meaning (a statement without Effect, a non-string action)
raise :class:`PolicyError` naming the policy and the path inside it. Problems AWS would only refuse at
save time (unknown operators, size limits, undefined actions) are reported by validate.py instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from bedrock_access.errors import InputError, value_kind
from bedrock_access.iam.model import (
    VERSION_2008,
    VERSION_2012,
    ConditionClause,
    Effect,
    Policy,
    PrincipalSpec,
    Statement,
)
from bedrock_access.iam.saved_output import SavedOutputError, unwrap_saved_output

MAX_DOCUMENT_CHARS = 2_000_000  # far above every AWS policy limit; beyond this we refuse to read
MAX_DEPTH = 12  # statement > condition > operator > key > values is depth 6; deeper is hostile

_STATEMENT_KEYS = {
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
}


class PolicyError(InputError):
    """A policy document that cannot be read; ``field`` is the path inside it."""

    def __init__(self, policy: str, path: str, message: str, *, text_line: int | None = None) -> None:
        self.policy = policy
        self.path = path
        self.text_line = text_line  # line in the document text, when the error has one
        super().__init__(message, source=f"policy {policy}", field=path or None)


def _loads_checking_duplicates(text: str, name: str) -> tuple[Any, tuple[str, ...]]:
    duplicates: list[str] = []

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                duplicates.append(key)
            seen[key] = value
        return seen

    try:
        return json.loads(text, object_pairs_hook=hook), tuple(duplicates)
    except RecursionError:
        raise PolicyError(name, "", "document is nested too deeply") from None
    except json.JSONDecodeError as exc:
        raise PolicyError(
            name, "", f"not valid JSON: {exc.msg} (column {exc.colno})", text_line=exc.lineno
        ) from None
    except ValueError as exc:
        raise PolicyError(name, "", f"not valid JSON: {exc}") from None


def _minified_size(doc: Any) -> int:
    try:
        return len(json.dumps(doc, separators=(",", ":"), ensure_ascii=False))
    except (TypeError, ValueError, RecursionError):
        return 0


def _depth_ok(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(item, Mapping):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list | tuple):
            stack.extend((v, depth + 1) for v in item)
    return True


def parse_policy(document: str | bytes | Mapping[str, Any], *, name: str) -> Policy:
    """Parse one policy document. ``name`` is how errors and explanations refer to it."""
    duplicates: tuple[str, ...] = ()
    if isinstance(document, bytes):
        try:
            document = document.decode("utf-8")
        except UnicodeDecodeError:
            raise PolicyError(name, "", "document is not UTF-8 text") from None
    if isinstance(document, str):
        if len(document) > MAX_DOCUMENT_CHARS:
            raise PolicyError(
                name, "", f"document is {len(document)} characters; refusing more than {MAX_DOCUMENT_CHARS}"
            )
        doc, duplicates = _loads_checking_duplicates(document, name)
    else:
        doc = document
    try:  # saved AWS CLI output (get-policy-version, get-role-policy, describe-policy): its document
        doc, _ = unwrap_saved_output(doc)
    except SavedOutputError as exc:
        raise PolicyError(name, "", str(exc)) from None
    if not isinstance(doc, Mapping):
        raise PolicyError(name, "", f"a policy document must be a JSON object, not {value_kind(doc)}")
    if not _depth_ok(doc, MAX_DEPTH):
        raise PolicyError(name, "", f"document is nested deeper than {MAX_DEPTH} levels")
    size = _minified_size(doc)
    if size > MAX_DOCUMENT_CHARS:
        raise PolicyError(name, "", f"document is {size} characters; refusing more than {MAX_DOCUMENT_CHARS}")

    for key in doc:
        if key not in ("Version", "Id", "Statement"):
            raise PolicyError(name, str(key), "unknown top-level element (expected Version, Id, Statement)")
    version = doc.get("Version")
    if "Version" in doc and version not in (VERSION_2012, VERSION_2008):
        raise PolicyError(name, "Version", f"must be {VERSION_2012!r} or {VERSION_2008!r}, not {version!r}")
    policy_id = doc.get("Id")
    if policy_id is not None and not isinstance(policy_id, str):
        raise PolicyError(name, "Id", f"must be a string, not {value_kind(policy_id)}")
    if "Statement" not in doc:
        raise PolicyError(name, "Statement", "missing")
    raw_statements = doc["Statement"]
    if isinstance(raw_statements, Mapping):
        raw_list: Sequence[Any] = [raw_statements]
        single = True
    elif isinstance(raw_statements, list | tuple):
        raw_list = raw_statements
        single = False
    else:
        raise PolicyError(
            name, "Statement", f"must be an object or a list of objects, not {value_kind(raw_statements)}"
        )
    statements = tuple(
        _statement(name, "Statement" if single else f"Statement[{i}]", i + 1, raw)
        for i, raw in enumerate(raw_list)
    )
    return Policy(
        name=name,
        version=version,
        id=policy_id,
        statements=statements,
        size=size,
        duplicate_keys=duplicates,
        single_statement=single,
    )


def _string_list(policy: str, path: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise PolicyError(policy, f"{path}[{i}]", f"must be a string, not {value_kind(item)}")
            out.append(item)
        if not out:
            raise PolicyError(policy, path, "must not be an empty list")
        return tuple(out)
    raise PolicyError(policy, path, f"must be a string or a list of strings, not {value_kind(value)}")


def _statement(policy: str, path: str, index: int, raw: Any) -> Statement:
    if not isinstance(raw, Mapping):
        raise PolicyError(policy, path, f"a statement must be an object, not {value_kind(raw)}")
    for key in raw:
        if key not in _STATEMENT_KEYS:
            raise PolicyError(policy, f"{path}.{key}", "unknown statement element")
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyError(policy, f"{path}.Sid", f"must be a string, not {value_kind(sid)}")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        if effect is None:
            raise PolicyError(policy, f"{path}.Effect", "missing (must be Allow or Deny)")
        raise PolicyError(policy, f"{path}.Effect", f"must be Allow or Deny, not {effect!r}")
    typed_effect: Effect = "Allow" if effect == "Allow" else "Deny"

    actions = _string_list(policy, f"{path}.Action", raw["Action"]) if "Action" in raw else None
    not_actions = _string_list(policy, f"{path}.NotAction", raw["NotAction"]) if "NotAction" in raw else None
    if actions is None and not_actions is None:
        raise PolicyError(policy, path, "needs an Action or a NotAction element")
    if actions is not None and not_actions is not None:
        raise PolicyError(policy, path, "has both Action and NotAction; AWS allows only one")
    resources = _string_list(policy, f"{path}.Resource", raw["Resource"]) if "Resource" in raw else None
    not_resources = (
        _string_list(policy, f"{path}.NotResource", raw["NotResource"]) if "NotResource" in raw else None
    )
    principal = _principal(policy, f"{path}.Principal", raw["Principal"]) if "Principal" in raw else None
    not_principal = (
        _principal(policy, f"{path}.NotPrincipal", raw["NotPrincipal"]) if "NotPrincipal" in raw else None
    )
    conditions = _conditions(policy, f"{path}.Condition", raw["Condition"]) if "Condition" in raw else ()
    return Statement(
        index=index,
        sid=sid,
        effect=typed_effect,
        actions=actions,
        not_actions=not_actions,
        resources=resources,
        not_resources=not_resources,
        principal=principal,
        not_principal=not_principal,
        conditions=conditions,
    )


def _principal(policy: str, path: str, raw: Any) -> PrincipalSpec:
    if raw == "*":
        return PrincipalSpec(wildcard=True, entries={})
    if not isinstance(raw, Mapping):
        raise PolicyError(
            policy, path, f'must be "*" or an object such as {{"AWS": ...}}, not {value_kind(raw)}'
        )
    entries: dict[str, tuple[str, ...]] = {}
    for kind, values in raw.items():
        if kind not in ("AWS", "Service", "Federated", "CanonicalUser"):
            raise PolicyError(
                policy, f"{path}.{kind}", "unknown principal type (AWS, Service, Federated, CanonicalUser)"
            )
        entries[kind] = _string_list(policy, f"{path}.{kind}", values)
    wildcard = entries.get("AWS") == ("*",)
    return PrincipalSpec(wildcard=wildcard, entries=entries)


def _condition_value(policy: str, path: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    raise PolicyError(
        policy, path, f"a condition value must be a string, number or boolean, not {value_kind(value)}"
    )


def _conditions(policy: str, path: str, raw: Any) -> tuple[ConditionClause, ...]:
    if not isinstance(raw, Mapping):
        raise PolicyError(policy, path, f"must be an object of operators, not {value_kind(raw)}")
    clauses: list[ConditionClause] = []
    for operator, block in raw.items():
        op_path = f"{path}.{operator}"
        if not isinstance(block, Mapping):
            raise PolicyError(
                policy, op_path, f"must be an object of condition keys, not {value_kind(block)}"
            )
        if not block:
            raise PolicyError(policy, op_path, "has no condition keys")
        for key, values in block.items():
            key_path = f"{op_path}.{key}"
            if isinstance(values, list | tuple):
                if not values:
                    raise PolicyError(policy, key_path, "must not be an empty list")
                items = tuple(_condition_value(policy, f"{key_path}[{i}]", v) for i, v in enumerate(values))
            else:
                items = (_condition_value(policy, key_path, values),)
            clauses.append(ConditionClause(operator=str(operator), key=str(key), values=items, path=key_path))
    return tuple(clauses)
