"""The SDK clients' settings editor, beside their readers (:mod:`bedrock_access.clients.boto3` for boto3
and the AWS CLI, :mod:`bedrock_access.clients.anthropic_sdk`): constructor or call arguments in
``settings`` (``region_name``, ``aws_region``, ``model``...) and ``env.AWS_DEFAULT_REGION`` (or
``AWS_REGION`` for the AWS CLI v2)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.clients.editing import Sets, entry_index, settings_key


class SdkEditor:
    def candidates(
        self, section: Mapping[str, Any], inv: Invocation, model: str | None, region: str | None
    ) -> Iterator[Sets]:
        kind = section.get("kind")
        settings = section.get("settings") or {}
        n = entry_index(inv)
        model_sets: Sets = {}
        if model is not None:
            if n is not None and isinstance(settings.get("models"), list):
                item = settings["models"][n]
                model_sets[f"settings.models[{n}]" + (".model" if isinstance(item, dict) else "")] = model
            else:
                model_sets["settings." + settings_key(settings, ("model", "model_id", "modelId"))] = model
        if region is not None and region != inv.region:
            if kind == "anthropic-sdk":
                yield {"settings.aws_region": region} | model_sets
                return
            var = "AWS_REGION" if kind == "aws-cli" and "AWS_REGION" in (section.get("env") or {}) else None
            yield {f"env.{var or 'AWS_DEFAULT_REGION'}": region} | model_sets
            yield {"settings." + settings_key(settings, ("region_name", "region")): region} | model_sets
            return
        if model_sets:
            yield model_sets

    def pin_all(self, section: Mapping[str, Any], changed: Sequence[Invocation]) -> Sets:
        return {}


EDITOR = SdkEditor()
