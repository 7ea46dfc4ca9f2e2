"""BinaryEquals: the policy value is base64; bytes are compared exactly. No policy variables.

A request value is read as base64 when it decodes cleanly, otherwise as its UTF-8 bytes.
"""

from __future__ import annotations

import base64
import binascii

from bedrock_access.iam.conditions.base import OperatorSpec, ValueTest
from bedrock_access.iam.variables import Context, Template


def decode(text: str) -> bytes | None:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None


def _build(templates: tuple[Template, ...]) -> ValueTest:
    decoded = [decode("".join(p for p in t.parts if isinstance(p, str))) for t in templates]
    wanted = frozenset(d for d in decoded if d is not None)
    some_bad = len(wanted) != len([d for d in decoded if d is not None]) or None in decoded

    def test(v: str, _ctx: Context) -> bool | None:
        value = decode(v)
        if value is None:
            value = v.encode("utf-8", "surrogatepass")
        if value in wanted:
            return True
        return None if some_bad else False

    return test


OPERATORS = {
    "BinaryEquals": OperatorSpec(
        name="BinaryEquals", family="Binary", negated=False, variables=False, build=_build
    )
}
