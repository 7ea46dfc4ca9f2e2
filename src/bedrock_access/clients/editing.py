"""The one small interface every client's settings editor implements, beside the client's reader.

A :class:`SettingsEditor` proposes edits of a scenario's ``client:`` section, in the client's own
vocabulary, that make one call send another model id or go to another Region. Every edit is only a
candidate: ``fix`` reads the edited section back with the client's reader and keeps an edit only when the
call comes out as wanted, so an editor lists the settings a user would change rather than modelling the
client exactly (that is the reader's job).

Edits are given as ``sets``: dotted paths of the section (``[n]`` selects a list item) mapped to a new
value, or :data:`DELETE` to remove the setting. Editors are pure.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from bedrock_access.bedrock.identifiers import IdentifierError, parse_identifier
from bedrock_access.bedrock.invocation import Invocation

Sets = dict[str, Any]

DELETE: Any = object()  # a setting to remove
_INDEX = re.compile(r"(models|model_list)\[(\d+)\]")


class SettingsEditor(Protocol):
    """Candidate edits of one client's settings."""

    def candidates(
        self, section: Mapping[str, Any], inv: Invocation, model: str | None, region: str | None
    ) -> Iterator[Sets]:
        """Edits that make the call ``inv`` send ``model`` (None: whatever the client derives) from
        ``region`` (None: where it goes now), best first."""
        ...

    def pin_all(self, section: Mapping[str, Any], changed: Sequence[Invocation]) -> Sets:
        """One edit that pins every changed call's model at once, when the client has one setting per
        role (Claude Code's variables); empty otherwise."""
        ...


@dataclass(frozen=True, slots=True)
class Edit:
    """A changed client section and the settings changed, as (path, value) pairs (None: removed)."""

    section: dict[str, Any]
    changes: tuple[tuple[str, Any], ...]

    def describe(self) -> str:
        return ", ".join(f"{p}={v}" if v is not None else f"unset {p}" for p, v in self.changes)


def apply_sets(section: Mapping[str, Any], sets: Mapping[str, Any]) -> Edit | None:
    """Set (or with :data:`DELETE` remove) dotted paths; ``[n]`` selects a list item. None when a path
    does not exist or nothing changes."""
    out = copy.deepcopy(dict(section))
    changes: list[tuple[str, Any]] = []
    for path, value in sets.items():
        node: Any = out
        parts = re.findall(r"[^.\[\]]+|\[\d+\]", path)
        for part in parts[:-1]:
            if part.startswith("["):
                k = int(part[1:-1])
                if not isinstance(node, list) or k >= len(node):
                    return None
                node = node[k]
            else:
                if not isinstance(node, dict):
                    return None
                node = node.setdefault(part, {})
        last = parts[-1]
        if not isinstance(node, dict):
            return None
        if value is DELETE:
            if last in node:
                del node[last]
                changes.append((path, None))
        elif node.get(last) != value:
            node[last] = value
            changes.append((path, value))
    if not changes:
        return None
    return Edit(out, tuple(changes))


def section_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> dict[str, Any]:
    """The settings that differ, as dotted paths (None: removed), for client-settings.json."""
    out: dict[str, Any] = {}

    def walk(a: Any, b: Any, path: str) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for k in dict.fromkeys([*a, *b]):
                walk(a.get(k, DELETE), b.get(k, DELETE), f"{path}.{k}" if path else str(k))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for k, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{path}[{k}]")
        elif a != b:
            out[path] = None if b is DELETE else b

    walk(dict(before or {}), dict(after), "")
    return out


def base_id(model: str) -> str:
    """The model id behind a profile id (the id itself when it is not a profile)."""
    try:
        ident = parse_identifier(model)
    except IdentifierError:
        return model
    return ident.model_id or model


def scope_prefix(model: str) -> str | None:
    """The profile scope of an id (``us``, ``global``...), None for a model id."""
    try:
        return parse_identifier(model).scope
    except IdentifierError:
        return None


def entry_index(inv: Invocation) -> int | None:
    """The list entry a call comes from (``models[n]``, ``model_list[n]``), as its reader recorded it."""
    for value in inv.origin.values():
        m = _INDEX.search(str(value))
        if m:
            return int(m.group(2))
    return None


def settings_key(settings: Mapping[str, Any], names: tuple[str, ...]) -> str:
    """The first of ``names`` the settings use, else the first name."""
    return next((n for n in names if n in settings), names[0])


def profile_toggles(key: str, model: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> Sets:
    """Cline's and Roo Code's way to reach a profile: the model id, then the cross-Region and global
    toggles (``before`` and ``after``: the client's other settings of this edit, in order)."""
    scope = scope_prefix(model)
    sets: Sets = {**before, key: base_id(model), **after}
    if scope == "global":
        sets |= {"settings.awsUseCrossRegionInference": True, "settings.awsUseGlobalInference": True}
    elif scope is not None:
        sets |= {"settings.awsUseCrossRegionInference": True, "settings.awsUseGlobalInference": False}
    else:
        sets |= {"settings.awsUseCrossRegionInference": False}
    return sets
