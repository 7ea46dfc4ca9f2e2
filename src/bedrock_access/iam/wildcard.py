"""Glob matching with ``*`` and ``?`` in linear time, safe on hostile patterns.

A pattern is split at its stars into chunks. With only ``*`` as a variable-length element, matching
each chunk at its leftmost possible position is optimal, so one left-to-right scan decides the match:
no backtracking, no regular-expression quantifiers. A chunk containing ``?`` is searched with a
quantifier-free regular expression, which is linear in the subject for a fixed chunk.

Policy variables substitute literal text into a pattern; such text must not act as a wildcard, so the
compiler takes a sequence of atoms (``Literal``, ``STAR``, ``ANY_CHAR``) rather than a string.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Literal:
    text: str


class _Star:
    __slots__ = ()

    def __repr__(self) -> str:
        return "STAR"


class _AnyChar:
    __slots__ = ()

    def __repr__(self) -> str:
        return "ANY_CHAR"


STAR: Final = _Star()
ANY_CHAR: Final = _AnyChar()

Atom = Literal | _Star | _AnyChar
Matcher = Callable[[str], bool]


def atoms_of(pattern: str) -> list[Atom]:
    """Atoms of a plain glob string: every ``*`` and ``?`` is a wildcard."""
    atoms: list[Atom] = []
    buf: list[str] = []
    for ch in pattern:
        if ch == "*" or ch == "?":
            if buf:
                atoms.append(Literal("".join(buf)))
                buf.clear()
            atoms.append(STAR if ch == "*" else ANY_CHAR)
        else:
            buf.append(ch)
    if buf:
        atoms.append(Literal("".join(buf)))
    return atoms


class _Chunk:
    """A run of literal text and single-character wildcards between two stars."""

    __slots__ = ("length", "literal", "regex")

    def __init__(self, parts: Sequence[Literal | _AnyChar]) -> None:
        if all(isinstance(p, Literal) for p in parts):
            self.literal: str | None = "".join(p.text for p in parts if isinstance(p, Literal))
            self.regex: re.Pattern[str] | None = None
            self.length = len(self.literal)
        else:
            self.literal = None
            source = "".join(re.escape(p.text) if isinstance(p, Literal) else "." for p in parts)
            self.regex = re.compile(source, re.DOTALL)
            self.length = sum(len(p.text) if isinstance(p, Literal) else 1 for p in parts)

    def find(self, subject: str, start: int) -> int:
        if self.literal is not None:
            return subject.find(self.literal, start)
        assert self.regex is not None
        m = self.regex.search(subject, start)
        return m.start() if m else -1

    def at(self, subject: str, pos: int) -> bool:
        if self.literal is not None:
            return subject.startswith(self.literal, pos)
        assert self.regex is not None
        return self.regex.match(subject, pos) is not None


def _chunks(atoms: Sequence[Atom]) -> tuple[list[_Chunk], bool, bool]:
    """Split at stars. Returns (chunks, starts_with_star, ends_with_star)."""
    chunks: list[_Chunk] = []
    current: list[Literal | _AnyChar] = []
    starts = bool(atoms) and atoms[0] is STAR
    ends = bool(atoms) and atoms[-1] is STAR
    for atom in atoms:
        if atom is STAR:
            if current:
                chunks.append(_Chunk(current))
                current = []
        else:
            assert isinstance(atom, Literal | _AnyChar)
            current.append(atom)
    if current:
        chunks.append(_Chunk(current))
    return chunks, starts, ends


def compile_atoms(atoms: Sequence[Atom], *, ignore_case: bool = False) -> Matcher:
    """Compile atoms into a predicate over subjects. With ``ignore_case`` the caller must lowercase
    the atoms' literal text; the subject is lowercased here."""
    if not any(a is STAR or a is ANY_CHAR for a in atoms):
        exact = "".join(a.text for a in atoms if isinstance(a, Literal))
        if ignore_case:
            return lambda s: s.lower() == exact
        return exact.__eq__
    if all(a is STAR for a in atoms):
        return lambda s: True
    chunks, starts, ends = _chunks(atoms)
    if len(chunks) == 1 and not starts and ends and chunks[0].literal is not None:
        prefix = chunks[0].literal
        if ignore_case:
            return lambda s: s.lower().startswith(prefix)
        return lambda s: s.startswith(prefix)

    min_length = sum(c.length for c in chunks)
    has_star = starts or ends or len(chunks) > 1 or any(a is STAR for a in atoms)

    def match(subject: str) -> bool:
        if ignore_case:
            subject = subject.lower()
        n = len(subject)
        if n < min_length:
            return False
        if not has_star:
            # Only ``?`` wildcards: one chunk that must cover the whole subject.
            return n == chunks[0].length and chunks[0].at(subject, 0)
        pos = 0
        first = 0
        last = len(chunks)
        if not starts:
            if not chunks[0].at(subject, 0):
                return False
            pos = chunks[0].length
            first = 1
        if not ends:
            tail = chunks[-1]
            tail_start = n - tail.length
            if tail_start < pos or not tail.at(subject, tail_start):
                return False
            last -= 1
            limit = tail_start
        else:
            limit = n
        for chunk in chunks[first:last]:
            found = chunk.find(subject, pos)
            if found < 0 or found + chunk.length > limit:
                return False
            pos = found + chunk.length
        return True

    return match


def compile_glob(pattern: str, *, ignore_case: bool = False) -> Matcher:
    """Compile a glob string where ``*`` matches any run of characters and ``?`` exactly one."""
    if ignore_case:
        pattern = pattern.lower()
    return compile_atoms(atoms_of(pattern), ignore_case=ignore_case)


def glob_match(pattern: str, subject: str, *, ignore_case: bool = False) -> bool:
    return compile_glob(pattern, ignore_case=ignore_case)(subject)
