"""Policy variables: ``${aws:username}``, ``${aws:PrincipalTag/team, 'default'}``, ``${*}`` ``${?}`` ``${$}``.

Templates are parsed once; resolving them against a request context is cheap. Substituted text is
literal: it is never read as a wildcard, and it is never re-scanned for variables.
Only Version 2012-10-17 policies substitute; callers skip templates entirely otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bedrock_access.iam.arn import Substituted
from bedrock_access.iam.wildcard import Atom, Literal, atoms_of

ContextValue = str | tuple[str, ...]
Context = Mapping[str, ContextValue]  # keys lowercased

_SPECIAL = {"*": "*", "?": "?", "$": "$"}


@dataclass(frozen=True, slots=True)
class Variable:
    key: str  # lowercased context key
    default: str | None


@dataclass(frozen=True, slots=True)
class Escaped:
    char: str


Part = str | Variable | Escaped


@dataclass(frozen=True, slots=True)
class Template:
    parts: tuple[Part, ...]

    @property
    def has_variables(self) -> bool:
        return any(not isinstance(p, str) for p in self.parts)

    def resolve_text(self, ctx: Context) -> str | None:
        """The text with variables replaced, or None when a variable has no value."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, Escaped):
                out.append(part.char)
            else:
                value = lookup(part, ctx)
                if value is None:
                    return None
                out.append(value)
        return "".join(out)

    def resolve_atoms(self, ctx: Context) -> list[Atom] | None:
        """Atoms for glob matching: template text keeps its wildcards, substituted text does not."""
        atoms: list[Atom] = []
        for part in self.parts:
            if isinstance(part, str):
                atoms.extend(atoms_of(part))
            elif isinstance(part, Escaped):
                atoms.append(Substituted(part.char))
            else:
                value = lookup(part, ctx)
                if value is None:
                    return None
                if value:
                    atoms.append(Substituted(value))
        return atoms

    def plain_atoms(self) -> list[Atom]:
        return atoms_of("".join(p for p in self.parts if isinstance(p, str)))


def lookup(var: Variable, ctx: Context) -> str | None:
    value = ctx.get(var.key)
    if isinstance(value, str):
        return value
    if value is None:
        return var.default
    # A multivalued key cannot be used as a variable.
    return None


def parse_template(text: str) -> Template:
    """Split text into literal runs and variables. Malformed ``${`` sequences stay literal."""
    if "${" not in text:
        return Template((text,))
    parts: list[Part] = []
    pos = 0
    literal: list[str] = []
    while True:
        start = text.find("${", pos)
        if start < 0:
            literal.append(text[pos:])
            break
        end = text.find("}", start + 2)
        if end < 0:
            literal.append(text[pos:])
            break
        literal.append(text[pos:start])
        inner = text[start + 2 : end]
        parsed = _parse_inner(inner)
        if parsed is None:
            literal.append(text[start : end + 1])
        else:
            if literal:
                joined = "".join(literal)
                if joined:
                    parts.append(joined)
                literal = []
            parts.append(parsed)
        pos = end + 1
    joined = "".join(literal)
    if joined:
        parts.append(joined)
    return Template(tuple(parts))


def _parse_inner(inner: str) -> Variable | Escaped | None:
    if inner in _SPECIAL:
        return Escaped(_SPECIAL[inner])
    key, sep, rest = inner.partition(",")
    key = key.strip()
    if not key or any(ch.isspace() for ch in key):
        return None
    if not sep:
        return Variable(key.lower(), None)
    rest = rest.strip()
    if len(rest) >= 2 and rest[0] == "'" and rest[-1] == "'":
        return Variable(key.lower(), rest[1:-1])
    return None


def literal_template(text: str) -> Template:
    """A template that never substitutes (Version 2008-10-17 or no Version)."""
    return Template((text,))


__all__ = ["Context", "ContextValue", "Escaped", "Literal", "Template", "Variable", "parse_template"]
