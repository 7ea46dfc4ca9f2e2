"""StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase, StringLike, StringNotLike."""

from __future__ import annotations

from bedrock_access.iam.conditions.base import OperatorSpec, ValueTest
from bedrock_access.iam.variables import Context, Template
from bedrock_access.iam.wildcard import compile_atoms


def _equals(templates: tuple[Template, ...], fold: bool) -> ValueTest:
    if not any(t.has_variables for t in templates):
        texts = ["".join(p for p in t.parts if isinstance(p, str)) for t in templates]
        values = frozenset(s.casefold() for s in texts) if fold else frozenset(texts)
        if fold:
            return lambda v, _ctx: v.casefold() in values
        return lambda v, _ctx: v in values

    def test(v: str, ctx: Context) -> bool | None:
        undecided = False
        probe = v.casefold() if fold else v
        for t in templates:
            text = t.resolve_text(ctx)
            if text is None:
                undecided = True
            elif (text.casefold() if fold else text) == probe:
                return True
        return None if undecided else False

    return test


def _like(templates: tuple[Template, ...]) -> ValueTest:
    if not any(t.has_variables for t in templates):
        matchers = [compile_atoms(t.plain_atoms()) for t in templates]
        return lambda v, _ctx: any(m(v) for m in matchers)

    def test(v: str, ctx: Context) -> bool | None:
        undecided = False
        for t in templates:
            atoms = t.resolve_atoms(ctx)
            if atoms is None:
                undecided = True
            elif compile_atoms(atoms)(v):
                return True
        return None if undecided else False

    return test


def _spec(name: str, negated: bool, build: object) -> OperatorSpec:
    return OperatorSpec(name=name, family="String", negated=negated, variables=True, build=build)  # type: ignore[arg-type]


OPERATORS = {
    spec.name: spec
    for spec in (
        _spec("StringEquals", False, lambda ts: _equals(ts, False)),
        _spec("StringNotEquals", True, lambda ts: _equals(ts, False)),
        _spec("StringEqualsIgnoreCase", False, lambda ts: _equals(ts, True)),
        _spec("StringNotEqualsIgnoreCase", True, lambda ts: _equals(ts, True)),
        _spec("StringLike", False, _like),
        _spec("StringNotLike", True, _like),
    )
}
