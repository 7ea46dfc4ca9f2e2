"""Each client kind's settings editor (:class:`~bedrock_access.clients.editing.SettingsEditor`), as
:data:`bedrock_access.clients.READERS` holds its reader, and the two entry points ``fix`` uses."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.clients import (
    claude_code_settings,
    cline_settings,
    continue_settings,
    litellm_settings,
    roo_code_settings,
    sdk_settings,
)
from bedrock_access.clients.editing import Edit, SettingsEditor, apply_sets

EDITORS: Mapping[str, SettingsEditor] = MappingProxyType(
    {
        "claude-code": claude_code_settings.EDITOR,
        "cline": cline_settings.EDITOR,
        "roo-code": roo_code_settings.EDITOR,
        "litellm": litellm_settings.EDITOR,
        "continue": continue_settings.EDITOR,
        "boto3": sdk_settings.EDITOR,
        "aws-cli": sdk_settings.EDITOR,
        "anthropic-sdk": sdk_settings.EDITOR,
    }
)


def client_edits(
    section: Mapping[str, Any], inv: Invocation, *, model: str | None = None, region: str | None = None
) -> list[Edit]:
    """Candidate edits of ``section`` that make the call ``inv`` send ``model`` (None: whatever the client
    derives) from ``region`` (None: where it goes now), best first, without repeats."""
    editor = EDITORS.get(str(section.get("kind")))
    if editor is None:
        return []
    out: list[Edit] = []
    seen: set[str] = set()
    for sets in editor.candidates(section, inv, model, region):
        edit = apply_sets(section, sets)
        if edit is not None and edit.describe() not in seen:
            seen.add(edit.describe())
            out.append(edit)
    return out


def pin_all(section: Mapping[str, Any], changed: Sequence[Invocation]) -> Edit | None:
    """One edit that pins every changed call's model, when the client has such settings."""
    editor = EDITORS.get(str(section.get("kind")))
    sets = editor.pin_all(section, changed) if editor is not None else {}
    return apply_sets(section, sets) if sets else None
