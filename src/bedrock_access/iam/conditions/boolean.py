"""Bool: "true"/"false", compared without regard to case. Policy variables are allowed."""

from __future__ import annotations

from bedrock_access.iam.conditions.base import OperatorSpec, ValueTest
from bedrock_access.iam.variables import Context, Template


def _build(templates: tuple[Template, ...]) -> ValueTest:
    if not any(t.has_variables for t in templates):
        values = frozenset("".join(p for p in t.parts if isinstance(p, str)).lower() for t in templates)
        return lambda v, _ctx: v.lower() in values

    def test(v: str, ctx: Context) -> bool | None:
        undecided = False
        for t in templates:
            text = t.resolve_text(ctx)
            if text is None:
                undecided = True
            elif text.lower() == v.lower():
                return True
        return None if undecided else False

    return test


OPERATORS = {"Bool": OperatorSpec(name="Bool", family="Bool", negated=False, variables=True, build=_build)}
