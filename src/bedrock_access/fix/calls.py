"""Per-call state of one solver run, keyed by each call's key rather than its position.

A call's key is its label. A scenario's own (explicit) invocations that share a label are told apart by
their position, which never moves; the calls a ``client:`` section makes come and go as its settings
change and are known by their label alone, so their state survives the section being read again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bedrock_access.bedrock.invocation import Invocation


class CallState:
    """Which calls the solver set out to fix (``target_keys``), why a call could not be fixed
    (``unfixable``, ``reasons``) and which were pinned to another id (``pinned``)."""

    def __init__(self, invocations: Sequence[Invocation], n_explicit: int, targets: Sequence[int]) -> None:
        self.n_explicit = n_explicit
        counts = Counter(inv.label for inv in invocations[:n_explicit])
        self._shared = {label for label, n in counts.items() if n > 1}
        self.known_labels = {inv.label for inv in invocations}
        self.target_keys = {self.key(i, invocations) for i in targets}
        self.unfixable: dict[str, str] = {}
        self.reasons: dict[str, list[str]] = {}
        self.pinned: set[str] = set()

    def key(self, i: int, invocations: Sequence[Invocation]) -> str:
        label = invocations[i].label
        return f"{label} #{i}" if i < self.n_explicit and label in self._shared else label

    def index_of(self, key: str, invocations: Sequence[Invocation]) -> int | None:
        return next((i for i in range(len(invocations)) if self.key(i, invocations) == key), None)

    def targets(self, invocations: Sequence[Invocation]) -> list[int]:
        """Positions of the calls to fix: the failing ones, and any call a changed client section adds."""
        return [
            i
            for i in range(len(invocations))
            if self.key(i, invocations) in self.target_keys
            or (i >= self.n_explicit and invocations[i].label not in self.known_labels)
        ]

    def reason(self, key: str, text: str) -> None:
        reasons = self.reasons.setdefault(key, [])
        if text not in reasons:
            reasons.append(text)

    def prune(self, invocations: Sequence[Invocation]) -> None:
        """Forget the calls no longer made (a client section read again may drop some)."""
        present = {self.key(i, invocations) for i in range(len(invocations))}
        self.unfixable = {k: r for k, r in self.unfixable.items() if k in present}
        self.reasons = {k: r for k, r in self.reasons.items() if k in present}
        self.pinned &= present
