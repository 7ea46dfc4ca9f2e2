"""Null: "true" holds when the key is absent from the request, "false" when it is present."""

from __future__ import annotations

from collections.abc import Callable

from bedrock_access.iam.variables import Context


def build_null(key: str, values: tuple[str, ...]) -> Callable[[Context], bool]:
    wanted = {v.lower() for v in values}
    want_absent = "true" in wanted
    want_present = "false" in wanted

    def evaluate(ctx: Context) -> bool:
        return want_present if key in ctx else want_absent

    return evaluate
