"""The one error type the CLI turns into a one-line message and exit code 2, and the helpers its messages use."""

from __future__ import annotations

from collections.abc import Mapping


class InputError(Exception):
    """Bad user input: names where it came from (file, line, field) so the message stands alone."""

    def __init__(
        self, message: str, *, source: str | None = None, field: str | None = None, line: int | None = None
    ) -> None:
        self.message = message
        self.source = source
        self.field = field
        self.line = line
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.source:
            where = self.source
            if self.line is not None:
                where += f":{self.line}"
        if self.field:
            where = f"{where}: {self.field}" if where else self.field
        return f"{where}: {self.message}" if where else self.message


def value_kind(value: object) -> str:
    """What a parsed JSON value is, in the words an error message uses ("a string", "a list"...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return "an object"


def quote_excerpt(value: str, limit: int = 80) -> str:
    """``repr(value)`` when short; otherwise its first characters and its length, so that a message
    about a 5 MB value stays one short line (callers that may hold a secret use redact.echo instead)."""
    if len(value) <= limit:
        return repr(value)
    return f"{value[: limit - 20]!r}… ({len(value)} characters)"
