"""DateEquals, DateNotEquals, DateLessThan(Equals), DateGreaterThan(Equals).

Both sides are normalised to an instant before comparing: W3C ISO 8601 forms (a missing zone is UTC)
or epoch seconds. No policy variables.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from datetime import UTC, datetime

from bedrock_access.iam.conditions.base import OperatorSpec, ValueTest
from bedrock_access.iam.variables import Context, Template

_EPOCH = re.compile(r"-?\d{1,15}(?:\.\d{1,9})?")
_YEAR_MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_instant(text: str) -> float | None:
    """Seconds since the epoch, or None when the text is no date AWS accepts."""
    text = text.strip()
    if not text or len(text) > 64:
        return None
    if _EPOCH.fullmatch(text):
        return float(text)
    candidate = text
    if _YEAR_MONTH.fullmatch(candidate):
        candidate += "-01"
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _build(compare: Callable[[float, float], bool]) -> Callable[[tuple[Template, ...]], ValueTest]:
    def build(templates: tuple[Template, ...]) -> ValueTest:
        parsed = [parse_instant("".join(p for p in t.parts if isinstance(p, str))) for t in templates]
        instants = [i for i in parsed if i is not None]
        some_bad = len(instants) != len(parsed)

        def test(v: str, _ctx: Context) -> bool | None:
            value = parse_instant(v)
            if value is None:
                return None
            if any(compare(value, i) for i in instants):
                return True
            return None if some_bad else False

        return test

    return build


def _spec(name: str, negated: bool, compare: Callable[[float, float], bool]) -> OperatorSpec:
    return OperatorSpec(name=name, family="Date", negated=negated, variables=False, build=_build(compare))


OPERATORS = {
    spec.name: spec
    for spec in (
        _spec("DateEquals", False, operator.eq),
        _spec("DateNotEquals", True, operator.eq),
        _spec("DateLessThan", False, operator.lt),
        _spec("DateLessThanEquals", False, operator.le),
        _spec("DateGreaterThan", False, operator.gt),
        _spec("DateGreaterThanEquals", False, operator.ge),
    )
}
