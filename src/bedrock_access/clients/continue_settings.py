"""Continue's settings editor, beside its reader (:mod:`bedrock_access.clients.continue_dev`):
``models[n].env.region`` and ``models[n].model``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.clients.editing import Sets, entry_index


class ContinueEditor:
    def candidates(
        self, section: Mapping[str, Any], inv: Invocation, model: str | None, region: str | None
    ) -> Iterator[Sets]:
        n = entry_index(inv)
        if n is None:
            return
        where = f"settings.models[{n}]."
        sets: Sets = {}
        if region is not None and region != inv.region:
            sets[where + "env.region"] = region
            yield dict(sets)
        if model is not None:
            yield sets | {where + "model": model}

    def pin_all(self, section: Mapping[str, Any], changed: Sequence[Invocation]) -> Sets:
        return {}


EDITOR = ContinueEditor()
