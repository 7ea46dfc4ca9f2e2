"""Client-side fixes: a model id offered from the source Region, an auth mode the policies allow, and the
settings block that pins every role's model.

Which candidate is chosen is the solver's business (it asks the engine); this module only lists them,
best first: a geographic profile of the source Region's own geography, other geographic profiles, the
model on demand, then the global profile (the widest routing).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bedrock_access.bedrock.identifiers import Identifier, IdentifierError, parse_identifier
from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.catalog.model import Catalog
from bedrock_access.clients.claude_code_settings import ROLE_ENV, session_env

AUTH_FALLBACKS: Mapping[str, tuple[str, ...]] = {
    "bearer-long-term": ("bearer-short-term", "sigv4"),
    "bearer-short-term": ("sigv4",),
}


def _identifier(model: str, app_profiles: Mapping[str, str]) -> Identifier | None:
    """The parsed id, an application profile's copied profile in its place."""
    try:
        identifier = parse_identifier(model)
    except IdentifierError:
        return None
    if identifier.kind == "application-profile":
        copied = app_profiles.get(model)
        return _identifier(copied, app_profiles) if copied else None
    return identifier


def base_model(model: str, app_profiles: Mapping[str, str]) -> str | None:
    identifier = _identifier(model, app_profiles)
    return identifier.model_id if identifier is not None else None


def scope_of(model: str, app_profiles: Mapping[str, str]) -> str | None:
    identifier = _identifier(model, app_profiles)
    return identifier.scope if identifier is not None else None


def model_candidates(invocation: Invocation, catalog: Catalog, app_profiles: Mapping[str, str]) -> list[str]:
    """Other ids of the same model that are offered from the invocation's Region, best first."""
    model_id = base_model(invocation.model, app_profiles)
    if model_id is None:
        return []
    region = invocation.region
    region_info = catalog.region(region)
    home = region_info.geography if region_info is not None else None
    ranked: list[tuple[int, str]] = []
    for profile in catalog.profiles_for_model(model_id, region):
        if profile.is_global:
            rank = 3
        else:
            scope_home = catalog.scope_geography(profile.scope).home_regions
            rank = 0 if region in scope_home or (home and profile.scope.upper() == home) else 1
        ranked.append((rank, profile.id))
    model = catalog.model(model_id)
    if model is not None and model.on_demand_in(region) is True:
        ranked.append((2, model_id))
    return [mid for _, mid in sorted(ranked) if mid != invocation.model]


_FAMILIES = ("haiku", "sonnet", "opus", "fable", "lite", "micro", "pro", "premier")
_DATE = re.compile(r"^\d{8}$")


def _family(model_id: str) -> tuple[str, str] | None:
    """(provider, family word) of a model id, e.g. ("anthropic", "haiku"); None when unclear."""
    provider, _, name = model_id.partition(".")
    words = re.split(r"[-.:]", name)
    for family in _FAMILIES:
        if family in words:
            return provider, family
    return None


def _version_key(model_id: str) -> tuple[int, ...]:
    """The numbers of a model's name, without dates and API versions: claude-3-5-haiku-20241022-v1:0 is
    (3, 5), claude-haiku-4-5-20251001-v1:0 is (4, 5)."""
    name = model_id.partition(".")[2].split("-v", 1)[0]
    return tuple(int(p) for p in re.split(r"[-.:]", name) if p.isdigit() and not _DATE.match(p))


def successor_candidates(
    invocation: Invocation, catalog: Catalog, app_profiles: Mapping[str, str]
) -> list[tuple[str, str]]:
    """When no id of the model itself is offered from the Region: ids of newer or other active models of
    the same family (a Haiku for a Haiku), newest first, each as (id, model id)."""
    model_id = base_model(invocation.model, app_profiles)
    if model_id is None:
        return []
    family = _family(model_id)
    if family is None:
        return []
    others = [
        m.model_id
        for m in catalog.models.values()
        if m.model_id != model_id and m.status == "active" and _family(m.model_id) == family
    ]
    out: list[tuple[str, str]] = []
    for other in sorted(others, key=lambda m: (_version_key(m), m), reverse=True):
        probe = Invocation(invocation.label, other, invocation.region, invocation.operation, invocation.auth)
        ids = model_candidates(probe, catalog, app_profiles)
        out.extend((mid, other) for mid in ids)
    return out


def client_settings(
    invocations: Sequence[Invocation],
    *,
    unset_api_key: bool = False,
    kind: str | None = None,
    changes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The settings that pin every role's model: one pin per invocation; for calls a scenario's
    ``client:`` section makes (``kind``), the settings changed in that client's own vocabulary
    (``changes``: dotted paths of the section, None for a removed setting); Claude Code's ``env`` block
    when the calls are Claude Code's, or explicit invocations with Claude Code roles."""
    pins = [
        {
            "label": inv.label,
            "role": inv.role,
            "region": inv.region,
            "model": inv.model,
            "auth": inv.auth,
        }
        for inv in invocations
    ]
    out: dict[str, Any] = {"pins": pins}
    if kind is not None and changes:
        out["client"] = {"kind": kind, "set": dict(changes)}
    if kind in (None, "claude-code") and any(inv.role in ROLE_ENV for inv in invocations):
        env, note = session_env(invocations)
        if note is not None:
            out["note"] = note
        out["claude_code"] = {"env": env}
    if unset_api_key:
        out["unset"] = ["AWS_BEARER_TOKEN_BEDROCK"]
    return out
