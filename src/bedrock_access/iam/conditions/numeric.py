"""NumericEquals, NumericNotEquals, NumericLessThan(Equals), NumericGreaterThan(Equals).

Values are integers or decimals; no policy variables. An unparsable request value decides nothing.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from bedrock_access.iam.conditions.base import OperatorSpec, ValueTest
from bedrock_access.iam.variables import Context, Template

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def parse_number(text: str) -> Decimal | None:
    text = text.strip()
    if len(text) > 100 or not _NUMBER.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _build(compare: Callable[[Decimal, Decimal], bool]) -> Callable[[tuple[Template, ...]], ValueTest]:
    def build(templates: tuple[Template, ...]) -> ValueTest:
        raw = ["".join(p for p in t.parts if isinstance(p, str)) for t in templates]
        parsed = [parse_number(r) for r in raw]
        numbers = [n for n in parsed if n is not None]
        some_bad = len(numbers) != len(parsed)

        def test(v: str, _ctx: Context) -> bool | None:
            value = parse_number(v)
            if value is None:
                return None
            if any(compare(value, n) for n in numbers):
                return True
            return None if some_bad else False

        return test

    return build


def _spec(name: str, negated: bool, compare: Callable[[Decimal, Decimal], bool]) -> OperatorSpec:
    return OperatorSpec(name=name, family="Numeric", negated=negated, variables=False, build=_build(compare))


OPERATORS = {
    spec.name: spec
    for spec in (
        _spec("NumericEquals", False, operator.eq),
        _spec("NumericNotEquals", True, operator.eq),
        _spec("NumericLessThan", False, operator.lt),
        _spec("NumericLessThanEquals", False, operator.le),
        _spec("NumericGreaterThan", False, operator.gt),
        _spec("NumericGreaterThanEquals", False, operator.ge),
    )
}
