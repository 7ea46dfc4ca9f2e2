"""Roo Code's settings editor, beside its reader (:mod:`bedrock_access.clients.roo_code`): ``apiModelId``,
``awsCustomArn``, ``awsUseCrossRegionInference``, ``awsUseGlobalInference`` and ``awsRegion``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.clients.editing import DELETE, Sets, profile_toggles


class RooCodeEditor:
    def candidates(
        self, section: Mapping[str, Any], inv: Invocation, model: str | None, region: str | None
    ) -> Iterator[Sets]:
        settings = section.get("settings") or {}
        sets: Sets = {}
        if "awsCustomArn" in settings and (model is not None or region is not None):
            sets["settings.awsCustomArn"] = DELETE
        if region is not None:
            sets["settings.awsRegion"] = region
        if model is None:
            yield sets
            return
        yield profile_toggles("settings.apiModelId", model, sets, {})
        # Roo Code sends an id with a known profile prefix verbatim.
        yield sets | {"settings.apiModelId": model, "settings.awsUseGlobalInference": False}

    def pin_all(self, section: Mapping[str, Any], changed: Sequence[Invocation]) -> Sets:
        return {}


EDITOR = RooCodeEditor()
