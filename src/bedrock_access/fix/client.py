"""Client-side fixes: a model id offered from the source Region, an auth mode the policies allow, and the
settings block that pins every role's model.

Which candidate is chosen is the solver's business (it asks the engine); this module only lists them,
best first: a geographic profile of the source Region's own geography, other geographic profiles, the
model on demand, then the global profile (the widest routing).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bedrock_access.bedrock.identifiers import IdentifierError, parse_identifier
from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.catalog.model import Catalog

AUTH_FALLBACKS: Mapping[str, tuple[str, ...]] = {
    "bearer-long-term": ("bearer-short-term", "sigv4"),
    "bearer-short-term": ("sigv4",),
}

# Claude Code's settings for each role an invocation plays (docs: code.claude.com amazon-bedrock).
ROLE_ENV: Mapping[str, str] = {
    "main": "ANTHROPIC_MODEL",
    "background": "ANTHROPIC_DEFAULT_HAIKU_MODEL",
    "haiku": "ANTHROPIC_DEFAULT_HAIKU_MODEL",
    "small-fast": "ANTHROPIC_DEFAULT_HAIKU_MODEL",
    "sonnet": "ANTHROPIC_DEFAULT_SONNET_MODEL",
    "opus": "ANTHROPIC_DEFAULT_OPUS_MODEL",
    "subagent": "CLAUDE_CODE_SUBAGENT_MODEL",
}


def base_model(model: str, app_profiles: Mapping[str, str]) -> str | None:
    try:
        identifier = parse_identifier(model)
    except IdentifierError:
        return None
    if identifier.kind == "application-profile":
        copied = app_profiles.get(model)
        return base_model(copied, app_profiles) if copied else None
    return identifier.model_id


def scope_of(model: str, app_profiles: Mapping[str, str]) -> str | None:
    try:
        identifier = parse_identifier(model)
    except IdentifierError:
        return None
    if identifier.kind == "application-profile":
        copied = app_profiles.get(model)
        return scope_of(copied, app_profiles) if copied else None
    return identifier.scope


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


def client_settings(invocations: Sequence[Invocation], *, unset_api_key: bool = False) -> dict[str, Any]:
    """The settings that pin every role's model: Claude Code's ``env`` block when the roles are known,
    and one pin per invocation for any other client."""
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
    roles = [inv for inv in invocations if inv.role in ROLE_ENV]
    if roles:
        env: dict[str, str] = {"CLAUDE_CODE_USE_BEDROCK": "1"}
        regions = sorted({inv.region for inv in roles})
        main = next((inv for inv in roles if inv.role == "main"), roles[0])
        env["AWS_REGION"] = main.region
        for inv in roles:
            assert inv.role is not None
            env.setdefault(ROLE_ENV[inv.role], inv.model)
            if inv.role in ("background", "haiku", "small-fast") and inv.region != main.region:
                env["ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION"] = inv.region
        if len(regions) > 2:
            out["note"] = (
                "the roles call from more than two Regions; Claude Code takes one Region per session"
            )
        out["claude_code"] = {"env": env}
    if unset_api_key:
        out["unset"] = ["AWS_BEARER_TOKEN_BEDROCK"]
    return out
