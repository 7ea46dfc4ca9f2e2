"""Client settings in each client's own vocabulary: candidate edits of a scenario's ``client:`` section
that make one call send another model id, or go to another Region.

Every edit is only a candidate: the solver reads the edited section back with the client's reader and
keeps an edit only when the call it is about comes out as wanted (see ``_Solver._client_edit``). The
edits therefore need not be exact models of each client; they list the settings a user would change:

- Claude Code: ``env`` (``ANTHROPIC_MODEL``, ``ANTHROPIC_DEFAULT_HAIKU_MODEL``, ``AWS_REGION``,
  ``ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION``...).
- Cline: state keys ``{act,plan}ModeApiModelId``, ``{act,plan}ModeAwsBedrockCustomSelected``,
  ``awsUseCrossRegionInference``, ``awsUseGlobalInference``, ``awsRegion``.
- Roo Code: ``apiModelId``, ``awsCustomArn``, ``awsUseCrossRegionInference``, ``awsUseGlobalInference``,
  ``awsRegion``.
- LiteLLM: ``model_list[n].litellm_params.model`` and ``aws_region_name``.
- boto3 / AWS CLI: ``env.AWS_DEFAULT_REGION`` (or ``AWS_REGION`` for CLI v2), the ``region_name``
  argument, the ``model`` argument.
- Anthropic SDK: the ``aws_region`` and ``model`` arguments.
- Continue: ``models[n].env.region`` and ``models[n].model``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bedrock_access.bedrock.identifiers import IdentifierError, parse_identifier
from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.fix.client import env_var_for

_DELETE = object()
_INDEX = re.compile(r"(models|model_list)\[(\d+)\]")


@dataclass(frozen=True, slots=True)
class Edit:
    """A changed client section and the settings changed, as (path, value) pairs (None: removed)."""

    section: dict[str, Any]
    changes: tuple[tuple[str, Any], ...]

    def describe(self) -> str:
        return ", ".join(f"{p}={v}" if v is not None else f"unset {p}" for p, v in self.changes)


def _apply(section: Mapping[str, Any], sets: Mapping[str, Any]) -> Edit | None:
    """Set (or with ``_DELETE`` remove) dotted paths; ``[n]`` selects a list item. None when a path does
    not exist or nothing changes."""
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
        if value is _DELETE:
            if last in node:
                del node[last]
                changes.append((path, None))
        elif node.get(last) != value:
            node[last] = value
            changes.append((path, value))
    if not changes:
        return None
    return Edit(out, tuple(changes))


def _base(model: str) -> str:
    try:
        ident = parse_identifier(model)
    except IdentifierError:
        return model
    return ident.model_id or model


def _scope(model: str) -> str | None:
    try:
        return parse_identifier(model).scope
    except IdentifierError:
        return None


def _entry_index(inv: Invocation) -> int | None:
    for value in inv.origin.values():
        m = _INDEX.search(str(value))
        if m:
            return int(m.group(2))
    return None


def _settings_key(settings: Mapping[str, Any], names: tuple[str, ...]) -> str:
    return next((n for n in names if n in settings), names[0])


def _claude_code(
    section: Mapping[str, Any], inv: Invocation, model: str | None, region: str | None
) -> Iterator[dict[str, Any]]:
    env = dict(section.get("env") or {})
    sets: dict[str, Any] = {}
    if region is not None and region != inv.region:
        small = inv.role in ("background", "small-fast", "haiku")
        if small and "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION" in env:
            yield {"env.ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION": region} | _cc_model(env, inv, model)
            yield {"env.ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION": _DELETE} | _cc_model(env, inv, model)
            return
        sets["env.AWS_REGION"] = region
        yield dict(sets)
    if model is not None:
        yield sets | _cc_model(env, inv, model)


def _cc_model(env: Mapping[str, Any], inv: Invocation, model: str | None) -> dict[str, Any]:
    if model is None:
        return {}
    var = env_var_for(inv.role, env)
    return {f"env.{var}": model} if var is not None else {}


def _cline(
    section: Mapping[str, Any], inv: Invocation, model: str | None, region: str | None
) -> Iterator[dict[str, Any]]:
    settings = section.get("settings") or {}
    mode = "plan" if inv.role == "plan" or inv.label.endswith(" plan") else "act"
    region_sets: dict[str, Any] = {}
    if region is not None and region != inv.region:
        region_sets["settings.awsRegion"] = region
        yield dict(region_sets)
    if model is None:
        return
    key = f"settings.{mode}ModeApiModelId" if f"{mode}ModeApiModelId" in settings else "settings.apiModelId"
    custom = f"settings.{mode}ModeAwsBedrockCustomSelected"
    base = _base(model)
    scope = _scope(model)
    if scope == "global":
        yield region_sets | {
            key: base,
            custom: False,
            "settings.awsUseCrossRegionInference": True,
            "settings.awsUseGlobalInference": True,
        }
    elif scope is not None:
        yield region_sets | {
            key: base,
            custom: False,
            "settings.awsUseCrossRegionInference": True,
            "settings.awsUseGlobalInference": False,
        }
    else:
        yield region_sets | {key: base, custom: False, "settings.awsUseCrossRegionInference": False}
    # A custom model is sent verbatim.
    yield region_sets | {key: model, custom: True, f"settings.{mode}ModeAwsBedrockCustomModelBaseId": base}


def _roo(
    section: Mapping[str, Any], inv: Invocation, model: str | None, region: str | None
) -> Iterator[dict[str, Any]]:
    settings = section.get("settings") or {}
    sets: dict[str, Any] = {}
    if "awsCustomArn" in settings and (model is not None or region is not None):
        sets["settings.awsCustomArn"] = _DELETE
    if region is not None:
        sets["settings.awsRegion"] = region
    if model is None:
        yield sets
        return
    scope = _scope(model)
    base = _base(model)
    if scope == "global":
        yield sets | {
            "settings.apiModelId": base,
            "settings.awsUseCrossRegionInference": True,
            "settings.awsUseGlobalInference": True,
        }
    elif scope is not None:
        yield sets | {
            "settings.apiModelId": base,
            "settings.awsUseCrossRegionInference": True,
            "settings.awsUseGlobalInference": False,
        }
    else:
        yield sets | {"settings.apiModelId": base, "settings.awsUseCrossRegionInference": False}
    # Roo Code sends an id with a known profile prefix verbatim.
    yield sets | {"settings.apiModelId": model, "settings.awsUseGlobalInference": False}


def _litellm(
    section: Mapping[str, Any], inv: Invocation, model: str | None, region: str | None
) -> Iterator[dict[str, Any]]:
    settings = section.get("settings") or {}
    n = _entry_index(inv)
    if n is not None and isinstance(settings.get("model_list"), list):
        where = f"settings.model_list[{n}].litellm_params."
        entry = settings["model_list"][n]
        params = entry.get("litellm_params") if isinstance(entry, dict) else None
        current = str((params or {}).get("model") or "")
    else:
        where = "settings."
        current = str(settings.get("model") or "")
    sets: dict[str, Any] = {}
    if region is not None and region != inv.region:
        sets[where + "aws_region_name"] = region
        yield dict(sets)
    if model is not None:
        new = current.replace(inv.model, model) if inv.model in current else f"bedrock/converse/{model}"
        yield sets | {where + "model": new}


def _continue(
    section: Mapping[str, Any], inv: Invocation, model: str | None, region: str | None
) -> Iterator[dict[str, Any]]:
    n = _entry_index(inv)
    if n is None:
        return
    where = f"settings.models[{n}]."
    sets: dict[str, Any] = {}
    if region is not None and region != inv.region:
        sets[where + "env.region"] = region
        yield dict(sets)
    if model is not None:
        yield sets | {where + "model": model}


def _sdk(
    section: Mapping[str, Any], inv: Invocation, model: str | None, region: str | None
) -> Iterator[dict[str, Any]]:
    """boto3, the AWS CLI and the Anthropic SDK: constructor or call arguments in ``settings``."""
    kind = section.get("kind")
    settings = section.get("settings") or {}
    n = _entry_index(inv)
    sets: dict[str, Any] = {}
    model_sets: dict[str, Any] = {}
    if model is not None:
        if n is not None and isinstance(settings.get("models"), list):
            item = settings["models"][n]
            model_sets[f"settings.models[{n}]" + (".model" if isinstance(item, dict) else "")] = model
        else:
            model_sets["settings." + _settings_key(settings, ("model", "model_id", "modelId"))] = model
    if region is not None and region != inv.region:
        if kind == "anthropic-sdk":
            yield {"settings.aws_region": region} | model_sets
            return
        var = "AWS_REGION" if kind == "aws-cli" and "AWS_REGION" in (section.get("env") or {}) else None
        yield {f"env.{var or 'AWS_DEFAULT_REGION'}": region} | model_sets
        yield {"settings." + _settings_key(settings, ("region_name", "region")): region} | model_sets
        return
    if model_sets:
        yield sets | model_sets


_EDITORS = {
    "claude-code": _claude_code,
    "cline": _cline,
    "roo-code": _roo,
    "litellm": _litellm,
    "continue": _continue,
    "boto3": _sdk,
    "aws-cli": _sdk,
    "anthropic-sdk": _sdk,
}


def client_edits(
    section: Mapping[str, Any], inv: Invocation, *, model: str | None = None, region: str | None = None
) -> list[Edit]:
    """Candidate edits of ``section`` that make the call ``inv`` send ``model`` (None: whatever the client
    derives) from ``region`` (None: where it goes now), best first."""
    editor = _EDITORS.get(str(section.get("kind")))
    if editor is None:
        return []
    out: list[Edit] = []
    seen: set[str] = set()
    for sets in editor(section, inv, model, region):
        edit = _apply(section, sets)
        if edit is not None and edit.describe() not in seen:
            seen.add(edit.describe())
            out.append(edit)
    return out


def section_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> dict[str, Any]:
    """The settings that differ, as dotted paths (None: removed), for client-settings.json."""
    out: dict[str, Any] = {}

    def walk(a: Any, b: Any, path: str) -> None:
        if isinstance(a, dict) and isinstance(b, dict):
            for k in dict.fromkeys([*a, *b]):
                walk(a.get(k, _DELETE), b.get(k, _DELETE), f"{path}.{k}" if path else str(k))
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for k, (x, y) in enumerate(zip(a, b, strict=True)):
                walk(x, y, f"{path}[{k}]")
        elif a != b:
            out[path] = None if b is _DELETE else b

    walk(dict(before or {}), dict(after), "")
    return out
