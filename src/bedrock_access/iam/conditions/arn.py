"""ArnEquals, ArnLike, ArnNotEquals, ArnNotLike: the six ARN parts matched one by one, case-sensitively.

ArnEquals behaves as ArnLike and ArnNotEquals as ArnNotLike (wildcards are honoured in both).
Every one of the six fields may hold wildcards (OPS, "Amazon Resource Name (ARN) condition
operators"); see :func:`bedrock_access.iam.arn.compile_arn_condition_atoms`.

A request value that is not a well-formed ARN cannot be compared: the test answers "undecidable", so
it makes neither ArnLike nor ArnNotLike true (the engine's rule for unparsable values).
"""

from __future__ import annotations

from bedrock_access.iam.arn import compile_arn_condition_atoms, parse_arn
from bedrock_access.iam.conditions.base import OperatorSpec, ValueTest
from bedrock_access.iam.variables import Context, Template


def _build(templates: tuple[Template, ...]) -> ValueTest:
    if not any(t.has_variables for t in templates):
        matchers = [compile_arn_condition_atoms(t.plain_atoms()) for t in templates]

        def constant_test(v: str, _ctx: Context) -> bool | None:
            if parse_arn(v) is None:
                return None
            return any(m(v) for m in matchers)

        return constant_test

    def test(v: str, ctx: Context) -> bool | None:
        if parse_arn(v) is None:
            return None
        undecided = False
        for t in templates:
            atoms = t.resolve_atoms(ctx)
            if atoms is None:
                undecided = True
            elif compile_arn_condition_atoms(atoms)(v):
                return True
        return None if undecided else False

    return test


def _spec(name: str, negated: bool) -> OperatorSpec:
    return OperatorSpec(name=name, family="Arn", negated=negated, variables=True, build=_build)


OPERATORS = {
    spec.name: spec
    for spec in (
        _spec("ArnEquals", False),
        _spec("ArnLike", False),
        _spec("ArnNotEquals", True),
        _spec("ArnNotLike", True),
    )
}
