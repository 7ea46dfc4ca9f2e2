"""Condition operators: one module per family, combined here with the rules every family shares.

Shared rules (docs/iam-engine.md, "Conditions"):
- a key absent from the request: positive operators are false, negated operators true, ``...IfExists``
  true; ``ForAnyValue`` false and ``ForAllValues`` true (both true with ``IfExists``);
- several policy values for one key: OR for positive operators, NOR for negated ones;
- a multivalued request value under a single-valued operator matches nothing (AWS leaves this
  undefined; we never let it grant or deny);
- ``ForAnyValue``: some request value satisfies the operator; an empty set is false;
- ``ForAllValues``: every request value satisfies it; an empty set is true.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bedrock_access.iam.conditions import arn, binary, boolean, date, ip, numeric, string
from bedrock_access.iam.conditions.base import OperatorSpec
from bedrock_access.iam.conditions.null import build_null
from bedrock_access.iam.model import ConditionClause
from bedrock_access.iam.variables import Context, ContextValue, literal_template, parse_template

OPERATORS: dict[str, OperatorSpec] = {
    **string.OPERATORS,
    **numeric.OPERATORS,
    **date.OPERATORS,
    **boolean.OPERATORS,
    **binary.OPERATORS,
    **ip.OPERATORS,
    **arn.OPERATORS,
}
_BY_LOWER = {name.lower(): spec for name, spec in OPERATORS.items()}

SetOperator = Literal["ForAnyValue", "ForAllValues"]
_CACHE_LIMIT = 4096
_ABSENT = object()


@dataclass(frozen=True, slots=True)
class ParsedOperator:
    set_operator: SetOperator | None
    base: str  # canonical family operator name, or "Null"
    if_exists: bool
    spec: OperatorSpec | None  # None for Null
    canonical_case: bool  # False when the policy spelled it with other letter case


def parse_operator(text: str) -> ParsedOperator | None:
    """Split ``ForAnyValue:StringLikeIfExists`` into its parts; None for an unknown operator."""
    rest = text
    set_operator: SetOperator | None = None
    prefix, sep, tail = text.partition(":")
    if sep:
        lowered = prefix.lower()
        if lowered == "foranyvalue":
            set_operator = "ForAnyValue"
        elif lowered == "forallvalues":
            set_operator = "ForAllValues"
        else:
            return None
        rest = tail
    if_exists = False
    if rest.lower().endswith("ifexists") and len(rest) > len("ifexists"):
        if_exists = True
        rest = rest[: -len("ifexists")]
    if rest.lower() == "null":
        if if_exists or set_operator is not None:
            return None
        return ParsedOperator(None, "Null", False, None, rest == "Null")
    spec = _BY_LOWER.get(rest.lower())
    if spec is None:
        return None
    canonical = (set_operator is None or prefix == set_operator) and rest == spec.name
    canonical = canonical and (not if_exists or text.endswith("IfExists"))
    return ParsedOperator(set_operator, spec.name, if_exists, spec, canonical)


Evaluator = Callable[[Context], bool]


@dataclass(frozen=True, slots=True)
class CompiledCondition:
    clause: ConditionClause
    operator: ParsedOperator | None  # None: unknown operator, which never holds
    evaluate: Evaluator


def _never(_ctx: Context) -> bool:
    return False


def compile_clause(clause: ConditionClause, *, variables_enabled: bool) -> CompiledCondition:
    parsed = parse_operator(clause.operator)
    key = clause.key.lower()
    if parsed is None:
        return CompiledCondition(clause, None, _never)
    if parsed.spec is None:
        return CompiledCondition(clause, parsed, build_null(key, clause.values))
    spec = parsed.spec
    use_variables = variables_enabled and spec.variables
    templates = tuple(parse_template(v) if use_variables else literal_template(v) for v in clause.values)
    test = spec.build(templates)
    negated = spec.negated
    if_exists = parsed.if_exists
    set_operator = parsed.set_operator

    def holds_for(value: str, ctx: Context) -> bool:
        result = test(value, ctx)
        return result is False if negated else result is True

    def evaluate(ctx: Context) -> bool:
        value = ctx.get(key, _ABSENT)
        if set_operator is None:
            if value is _ABSENT:
                return if_exists or negated
            if isinstance(value, str):
                return holds_for(value, ctx)
            return False
        if value is _ABSENT:
            return True if if_exists else set_operator == "ForAllValues"
        values: tuple[str, ...] = (value,) if isinstance(value, str) else value  # type: ignore[assignment]
        if set_operator == "ForAnyValue":
            return any(holds_for(v, ctx) for v in values)
        return all(holds_for(v, ctx) for v in values)

    if any(t.has_variables for t in templates):
        return CompiledCondition(clause, parsed, evaluate)

    # Without variables the answer depends only on this key's value: remember it.
    cache: dict[ContextValue | object, bool] = {}

    def cached(ctx: Context) -> bool:
        value = ctx.get(key, _ABSENT)
        try:
            return cache[value]
        except KeyError:
            result = evaluate(ctx)
            if len(cache) < _CACHE_LIMIT:
                cache[value] = result
            return result
        except TypeError:  # unhashable value: evaluate without the cache
            return evaluate(ctx)

    return CompiledCondition(clause, parsed, cached)


__all__ = ["OPERATORS", "CompiledCondition", "ParsedOperator", "compile_clause", "parse_operator"]
