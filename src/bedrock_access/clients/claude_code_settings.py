"""Claude Code's settings editor, beside its reader (:mod:`bedrock_access.clients.claude_code`).

Claude Code takes one variable per model role (docs: code.claude.com amazon-bedrock) and ``AWS_REGION``
(with ``ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION`` for the small/fast model) in its ``env`` settings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.clients.editing import DELETE, Sets

# The variable that pins each role an invocation plays.
ROLE_ENV: Mapping[str, str] = {
    "main": "ANTHROPIC_MODEL",
    "background": "ANTHROPIC_DEFAULT_HAIKU_MODEL",
    "haiku": "ANTHROPIC_DEFAULT_HAIKU_MODEL",
    "small-fast": "ANTHROPIC_DEFAULT_HAIKU_MODEL",
    "sonnet": "ANTHROPIC_DEFAULT_SONNET_MODEL",
    "opus": "ANTHROPIC_DEFAULT_OPUS_MODEL",
    "subagent": "CLAUDE_CODE_SUBAGENT_MODEL",
}
SMALL_ROLES = ("background", "haiku", "small-fast")


def env_var_for(role: str | None, env: Mapping[str, Any]) -> str | None:
    """The Claude Code variable that pins a role's model (the one the client reads first)."""
    if role in ("background", "small-fast"):
        return (
            "ANTHROPIC_SMALL_FAST_MODEL"
            if "ANTHROPIC_SMALL_FAST_MODEL" in env
            else "ANTHROPIC_DEFAULT_HAIKU_MODEL"
        )
    if role == "explore":
        return "ANTHROPIC_DEFAULT_HAIKU_MODEL"
    if role == "plan":
        return "ANTHROPIC_DEFAULT_OPUS_MODEL"
    if role == "fable":
        return "ANTHROPIC_DEFAULT_FABLE_MODEL"
    return ROLE_ENV.get(role or "")


def env_updates(env: Mapping[str, Any], changed: Sequence[Invocation]) -> dict[str, str]:
    """Variables to set so that Claude Code sends each changed invocation's model (first pin wins)."""
    out: dict[str, str] = {}
    for inv in changed:
        var = env_var_for(inv.role, env)
        if var is not None and var not in out:
            out[var] = inv.model
    return out


def session_env(invocations: Sequence[Invocation]) -> tuple[dict[str, str], str | None]:
    """The ``env`` block that pins every role of these calls (for client-settings.json), and a note when
    one session cannot express them all."""
    roles = [inv for inv in invocations if inv.role in ROLE_ENV]
    env: dict[str, str] = {"CLAUDE_CODE_USE_BEDROCK": "1"}
    if not roles:
        return env, None
    regions = sorted({inv.region for inv in roles})
    main = next((inv for inv in roles if inv.role == "main"), roles[0])
    env["AWS_REGION"] = main.region
    for inv in roles:
        assert inv.role is not None
        env.setdefault(ROLE_ENV[inv.role], inv.model)
        if inv.role in SMALL_ROLES and inv.region != main.region:
            env["ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION"] = inv.region
    note = (
        "the roles call from more than two Regions; Claude Code takes one Region per session"
        if len(regions) > 2
        else None
    )
    return env, note


def _model_sets(env: Mapping[str, Any], inv: Invocation, model: str | None) -> Sets:
    if model is None:
        return {}
    var = env_var_for(inv.role, env)
    return {f"env.{var}": model} if var is not None else {}


class ClaudeCodeEditor:
    def candidates(
        self, section: Mapping[str, Any], inv: Invocation, model: str | None, region: str | None
    ) -> Iterator[Sets]:
        env = dict(section.get("env") or {})
        sets: Sets = {}
        if region is not None and region != inv.region:
            if (
                inv.role in ("background", "small-fast", "haiku")
                and "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION" in env
            ):
                yield {"env.ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION": region} | _model_sets(env, inv, model)
                yield {"env.ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION": DELETE} | _model_sets(env, inv, model)
                return
            sets["env.AWS_REGION"] = region
            yield dict(sets)
        if model is not None:
            yield sets | _model_sets(env, inv, model)

    def pin_all(self, section: Mapping[str, Any], changed: Sequence[Invocation]) -> Sets:
        env = dict(section.get("env") or {})
        return {f"env.{var}": value for var, value in env_updates(env, changed).items()}


EDITOR = ClaudeCodeEditor()
