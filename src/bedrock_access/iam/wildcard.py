"""Glob matching with ``*`` and ``?`` in linear time, safe on hostile patterns.

A pattern is split at its stars into chunks. With only ``*`` as a variable-length element, matching
each chunk at its leftmost possible position is optimal, so one left-to-right scan decides the match:
no backtracking, no regular-expression quantifiers. A chunk containing ``?`` is searched with a
quantifier-free regular expression while the subject is short; on long subjects that search costs
chunk length × subject length (a 20,000-character policy pattern against a 4.8 MB context value took
46 s), so there the chunk is found with bit sets instead: one bit per subject position, one AND per
literal character of the chunk, rarest character first, stopping as soon as no candidate is left or
few enough are left to check one by one (see :meth:`_Chunk.find`).

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


# Above this (subject characters × chunk length), a chunk with ``?`` is found with bit sets.
_BITSET_THRESHOLD = 1_000_000
_SWAP_BITS = str.maketrans("01", "10")


def _positions_of(subject: str, ch: str, encoded: bytes | None) -> int:
    """An integer whose bit ``q`` is set exactly where ``subject[q] == ch``, built in C: a byte
    translation (or, beyond Latin-1, a regular-expression substitution) and a base-2 conversion, both
    linear. ``encoded`` is the subject in Latin-1 when it fits."""
    if encoded is not None:
        code = ord(ch)
        if code > 0xFF:
            return 0
        table = bytearray(b"0" * 256)
        table[code] = ord("1")
        bits: bytes | str = encoded.translate(bytes(table))
    else:
        others = re.compile(f"[^{re.escape(ch)}]")
        if ch == "0":
            bits = others.sub("1", subject).translate(_SWAP_BITS)
        else:
            bits = others.sub("0", subject).replace(ch, "1")
    return int(bits[::-1], 2) if bits else 0


def _runs(offsets: list[int]) -> list[tuple[int, int, int]]:
    """Increasing offsets as arithmetic runs ``(first, step, count)``: a periodic chunk (``a?a?a?…``) is a
    few long runs, which :func:`_and_of_shifts` folds in a logarithmic number of operations."""
    runs: list[tuple[int, int, int]] = []
    i = 0
    while i < len(offsets):
        if i + 1 == len(offsets):
            runs.append((offsets[i], 1, 1))
            break
        step = offsets[i + 1] - offsets[i]
        j = i + 1
        while j + 1 < len(offsets) and offsets[j + 1] - offsets[j] == step:
            j += 1
        runs.append((offsets[i], step, j - i + 1))
        i = j + 1
    return runs


def _and_of_shifts(bits: int, step: int, count: int) -> int:
    """``bits & bits >> step & bits >> 2·step & … & bits >> (count-1)·step`` by doubling."""
    result = -1
    shift = 0
    power = bits  # the AND of ``span`` consecutive shifts
    span = 1
    while count:
        if count & 1:
            result &= power >> shift
            shift += span * step
        count >>= 1
        if count:
            power &= power >> (span * step)
            span *= 2
    return result


class _Chunk:
    """A run of literal text and single-character wildcards between two stars."""

    __slots__ = ("length", "literal", "parts", "regex")

    def __init__(self, parts: Sequence[Literal | _AnyChar]) -> None:
        self.parts = tuple(parts)
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
        if (len(subject) - start) * self.length > _BITSET_THRESHOLD:
            return self._find_with_bitsets(subject, start)
        m = self.regex.search(subject, start)
        return m.start() if m else -1

    def _find_with_bitsets(self, subject: str, start: int) -> int:
        """Leftmost match at or after ``start``. Bit ``q`` of the candidate set says "the chunk may start
        at q"; each literal character ``c`` at chunk offset ``o`` keeps only the q where
        ``subject[q + o] == c``. Big-integer ANDs and shifts run in C over machine words, and the rarest
        characters go first, so the set usually empties or thins out after a handful of them."""
        assert self.regex is not None
        n = len(subject)
        last_start = n - self.length
        if last_start < start:
            return -1
        offsets: dict[str, list[int]] = {}
        position = 0
        for part in self.parts:
            if isinstance(part, Literal):
                for ch in part.text:
                    offsets.setdefault(ch, []).append(position)
                    position += 1
            else:
                position += 1
        if len(offsets) > 32:
            from collections import Counter

            counts = Counter(subject)
            frequency = {ch: counts.get(ch, 0) for ch in offsets}
        else:
            frequency = {ch: subject.count(ch, start) for ch in offsets}
        if any(count == 0 for count in frequency.values()):
            return -1
        try:
            encoded: bytes | None = subject.encode("latin-1")
        except UnicodeEncodeError:
            encoded = None
        candidates = ((1 << (last_start + 1)) - 1) >> start << start
        sparse_enough = max(1, n // max(1, self.length))
        for ch in sorted(offsets, key=lambda c: frequency[c]):
            positions = _positions_of(subject, ch, encoded)
            for first, step, count in _runs(offsets[ch]):
                candidates &= _and_of_shifts(positions, step, count) >> first
                if not candidates:
                    return -1
            if candidates.bit_count() <= sparse_enough:
                break
        while candidates:
            lowest = (candidates & -candidates).bit_length() - 1
            if self.regex.match(subject, lowest) is not None:
                return lowest
            candidates &= candidates - 1
        return -1

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
