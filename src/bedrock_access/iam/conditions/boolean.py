"""Bool: "true"/"false", compared without regard to case. Policy variables are allowed.

AWS's condition-operator page defines Bool only as a comparison "to true or false"; what a request
value such as ``"yes"`` or ``"1"`` (or a policy value that is neither word) does is not documented.
Such a comparison is undecidable here, like an unparsable number: it never makes Bool true (the oracle
answers the same), and ``simulate`` reports the decision as uncertain (``uncertain_bool_keys``).
"""

from __future__ import annotations

from bedrock_access.iam.conditions.base import OperatorSpec, ValueTest
from bedrock_access.iam.variables import Context, Template

BOOLEAN_WORDS = frozenset({"true", "false"})


def is_boolean_text(value: str) -> bool:
    return value.lower() in BOOLEAN_WORDS


def _compare(policy_value: str, request_value: str) -> bool | None:
    policy_word = policy_value.lower()
    request_word = request_value.lower()
    if policy_word not in BOOLEAN_WORDS or request_word not in BOOLEAN_WORDS:
        return None
    return policy_word == request_word


def _build(templates: tuple[Template, ...]) -> ValueTest:
    if not any(t.has_variables for t in templates):
        values = tuple("".join(p for p in t.parts if isinstance(p, str)) for t in templates)

        def constant_test(v: str, _ctx: Context) -> bool | None:
            undecided = False
            for value in values:
                result = _compare(value, v)
                if result:
                    return True
                undecided = undecided or result is None
            return None if undecided else False

        return constant_test

    def test(v: str, ctx: Context) -> bool | None:
        undecided = False
        for t in templates:
            text = t.resolve_text(ctx)
            result = None if text is None else _compare(text, v)
            if result:
                return True
            undecided = undecided or result is None
        return None if undecided else False

    return test


OPERATORS = {"Bool": OperatorSpec(name="Bool", family="Bool", negated=False, variables=True, build=_build)}
