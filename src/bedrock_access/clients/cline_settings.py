"""Cline's settings editor, beside its reader (:mod:`bedrock_access.clients.cline`): the state keys
``{act,plan}ModeApiModelId``, ``{act,plan}ModeAwsBedrockCustomSelected``, ``awsUseCrossRegionInference``,
``awsUseGlobalInference`` and ``awsRegion``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.clients.editing import Sets, base_id, profile_toggles


class ClineEditor:
    def candidates(
        self, section: Mapping[str, Any], inv: Invocation, model: str | None, region: str | None
    ) -> Iterator[Sets]:
        settings = section.get("settings") or {}
        mode = "plan" if inv.role == "plan" or inv.label.endswith(" plan") else "act"
        region_sets: Sets = {}
        if region is not None and region != inv.region:
            region_sets["settings.awsRegion"] = region
            yield dict(region_sets)
        if model is None:
            return
        key = (
            f"settings.{mode}ModeApiModelId" if f"{mode}ModeApiModelId" in settings else "settings.apiModelId"
        )
        custom = f"settings.{mode}ModeAwsBedrockCustomSelected"
        yield profile_toggles(key, model, region_sets, {custom: False})
        # A custom model is sent verbatim.
        yield region_sets | {
            key: model,
            custom: True,
            f"settings.{mode}ModeAwsBedrockCustomModelBaseId": base_id(model),
        }

    def pin_all(self, section: Mapping[str, Any], changed: Sequence[Invocation]) -> Sets:
        return {}


EDITOR = ClineEditor()
