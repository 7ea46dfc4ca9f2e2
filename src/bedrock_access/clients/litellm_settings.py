"""LiteLLM's settings editor, beside its reader (:mod:`bedrock_access.clients.litellm`):
``model_list[n].litellm_params.model`` and ``aws_region_name`` (or the top-level ``model``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.clients.editing import Sets, entry_index


class LiteLLMEditor:
    def candidates(
        self, section: Mapping[str, Any], inv: Invocation, model: str | None, region: str | None
    ) -> Iterator[Sets]:
        settings = section.get("settings") or {}
        n = entry_index(inv)
        if n is not None and isinstance(settings.get("model_list"), list):
            where = f"settings.model_list[{n}].litellm_params."
            entry = settings["model_list"][n]
            params = entry.get("litellm_params") if isinstance(entry, dict) else None
            current = str((params or {}).get("model") or "")
        else:
            where = "settings."
            current = str(settings.get("model") or "")
        sets: Sets = {}
        if region is not None and region != inv.region:
            sets[where + "aws_region_name"] = region
            yield dict(sets)
        if model is not None:
            new = current.replace(inv.model, model) if inv.model in current else f"bedrock/converse/{model}"
            yield sets | {where + "model": new}

    def pin_all(self, section: Mapping[str, Any], changed: Sequence[Invocation]) -> Sets:
        return {}


EDITOR = LiteLLMEditor()
