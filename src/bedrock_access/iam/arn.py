"""ARNs: parsing, and matching a Resource or ArnLike pattern against a request ARN.

Rules (docs/iam-engine.md, "Resource matching"):
- ``*`` alone matches anything, including the ``*`` resource of actions without resource types.
- An ARN has six colon-separated parts; the sixth (the resource) is everything after the fifth colon.
- Each part is matched on its own with ``*`` and ``?``, case-sensitively.
- A pattern with fewer than six parts whose last character is ``*`` lets that star run on across
  the remaining colons (``arn:aws:bedrock:*`` matches every Bedrock ARN).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bedrock_access.iam.wildcard import ANY_CHAR, STAR, Atom, Literal, Matcher, atoms_of, compile_atoms


@dataclass(frozen=True, slots=True)
class Arn:
    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"

    @property
    def resource_type(self) -> str:
        """The resource part up to its first ``/`` or ``:`` (``foundation-model``, ``role``...)."""
        for i, ch in enumerate(self.resource):
            if ch == "/" or ch == ":":
                return self.resource[:i]
        return self.resource


def parse_arn(text: str) -> Arn | None:
    """Parse a well-formed ARN, or return None."""
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[1] or not parts[2]:
        return None
    return Arn(parts[1], parts[2], parts[3], parts[4], parts[5])


def _split_atoms(atoms: Sequence[Atom]) -> list[list[Atom]]:
    """Split an atom sequence at colons found in literal text (never inside substituted text)."""
    segments: list[list[Atom]] = [[]]
    for atom in atoms:
        if isinstance(atom, Literal) and ":" in atom.text and not getattr(atom, "substituted", False):
            pieces = atom.text.split(":")
            for i, piece in enumerate(pieces):
                if i:
                    segments.append([])
                if piece:
                    segments[-1].append(Literal(piece))
        else:
            segments[-1].append(atom)
    return segments


class Substituted(Literal):
    """Literal text that came from a policy variable: never a wildcard, never a separator."""

    substituted = True


TypePrefixes = Callable[[str], frozenset[str]]


def _segments_of(atoms: Sequence[Atom]) -> list[list[Atom]]:
    """The pattern's fields; colons after the fifth belong to the resource part."""
    segments = _split_atoms(atoms)
    if len(segments) > 6:
        head, rest = segments[:5], segments[5:]
        merged: list[Atom] = []
        for i, seg in enumerate(rest):
            if i:
                merged.append(Literal(":"))
            merged.extend(seg)
        segments = [*head, merged]
    return segments


def compile_arn_condition_atoms(atoms: Sequence[Atom]) -> Matcher:
    """Compile an ArnLike/ArnEquals (or negated) condition value.

    AWS's condition-operator page: "Each of the six colon-delimited components of the ARN is checked
    separately and each can include multi-character match wildcards (*) or single-character match
    wildcards (?)". So, unlike the Resource element, every field (partition, service, resource type
    included) may hold wildcards, and nothing is padded: a value of fewer than six fields names no
    ARN (``arn:aws:sqs`` matches nothing here; only identity policies complete short Resource ARNs).
    A value that is exactly ``*`` matches every ARN.
    """
    if len(atoms) == 1 and atoms[0] is STAR:
        return lambda s: True
    segments = _segments_of(atoms)
    if len(segments) != 6:
        return lambda s: False
    return _segmentwise(segments)


def compile_arn_atoms(
    atoms: Sequence[Atom], type_prefixes: TypePrefixes | None = None, *, pad: bool = True
) -> Matcher:
    """Compile a Resource/NotResource pattern given as atoms (literal text, stars, single-character
    wildcards).

    ``pad`` completes an incomplete ARN (three to five fields) with ``*`` fields: AWS does so in
    identity-based policies (and so permissions boundaries) only; elsewhere such a pattern is compared
    as written and names no six-field ARN.

    ``type_prefixes`` (service -> literal resource-type prefixes such as ``foundation-model/``) turns
    on the rules AWS sets for the Resource element only: neither the partition nor the resource-type
    part of the resource may hold a wildcard, so such a pattern names nothing. (ArnLike conditions do
    use ``arn:*:``, for example in AWS Control Tower's own policies, so they get no such rule.)
    """
    if len(atoms) == 1 and atoms[0] is STAR:
        return lambda s: True
    segments = _segments_of(atoms)
    if len(segments) == 3 and len(segments[2]) == 1 and segments[2][0] is STAR:
        # arn:aws:* : the trailing star runs on over every remaining field (RESOURCE: a * that ends
        # a field "can expand to match beyond the colon boundaries", in every policy type).
        return _segmentwise(segments, spill=True)
    if len(segments) >= 3 and any(a is STAR or a is ANY_CHAR for a in segments[2]):
        # AWS allows no wildcard in the service segment: such a pattern names nothing.
        return lambda s: False
    first = segments[0]
    if (
        pad
        and 3 <= len(segments) < 6
        and len(first) == 1
        and isinstance(first[0], Literal)
        and first[0].text == "arn"
    ):
        # AWS reads missing trailing fields as "*": arn:aws:sqs is arn:aws:sqs:*:*:*.
        padding: list[list[Atom]] = [[STAR] for _ in range(6 - len(segments))]
        segments = [*segments, *padding]
    if len(segments) == 6:
        if type_prefixes is not None and any(a is STAR or a is ANY_CHAR for a in segments[1]):
            return lambda s: False
        return _segmentwise(segments, type_prefixes=type_prefixes)
    last = segments[-1]
    if last and last[-1] is STAR:
        return _segmentwise(segments, spill=True)
    # Not an ARN-shaped pattern: compare the whole string (for example a plain ``*`` or a typo).
    whole: list[Atom] = []
    for i, seg in enumerate(segments):
        if i:
            whole.append(Literal(":"))
        whole.extend(seg)
    return compile_atoms(whole)


def _wildcard_in_type(resource: Sequence[Atom]) -> bool:
    """Whether a wildcard comes before the first ``/`` or ``:`` of a resource segment."""
    if len(resource) == 1 and resource[0] is STAR:
        return False
    for atom in resource:
        if atom is STAR or atom is ANY_CHAR:
            return True
        if (
            isinstance(atom, Literal)
            and not isinstance(atom, Substituted)
            and any(c in "/:" for c in atom.text)
        ):
            return False
    return False


def _segmentwise(
    segments: list[list[Atom]], *, spill: bool = False, type_prefixes: TypePrefixes | None = None
) -> Matcher:
    matchers = [compile_atoms(seg) for seg in segments]
    count = len(segments)
    check_type = type_prefixes is not None and not spill and _wildcard_in_type(segments[5])

    def match(subject: str) -> bool:
        parts = subject.split(":", count - 1 if spill else 5)
        if len(parts) != (count if spill else 6):
            return False
        if not spill and parts[0] != "arn":
            return False
        for matcher, part in zip(matchers, parts, strict=True):
            if not matcher(part):
                return False
        if check_type:
            assert type_prefixes is not None
            resource = parts[5]
            for i, ch in enumerate(resource):
                if ch in "/:":
                    return resource[: i + 1] not in type_prefixes(parts[2])
        return True

    return match


def compile_arn_pattern(pattern: str) -> Matcher:
    """Compile a Resource/ArnLike pattern string (no policy variables)."""
    return compile_arn_atoms(atoms_of(pattern))


def arn_match(pattern: str, subject: str) -> bool:
    return compile_arn_pattern(pattern)(subject)
