"""What each client's own settings can do about an error, by advice topic.

The explanations of :mod:`bedrock_access.bedrock.error_explain` know nothing of clients; they name the
topics (:data:`~bedrock_access.bedrock.error_causes.ADVICE_TOPICS`) on which a client may have advice
of its own, and :func:`bedrock_access.explaining.explain_error` appends the sentences kept here. Each
sentence is a fact about one client's behaviour, so it lives with the clients, not with Bedrock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ClientAdvice:
    """One sentence of advice: ``client`` is a client kind (``claude-code``, ``litellm`` ...)."""

    client: str
    topic: str
    text: str


ADVICE: tuple[ClientAdvice, ...] = (
    ClientAdvice(
        "claude-code",
        "refresh-credentials",
        "Claude Code refreshes credentials itself with its awsAuthRefresh / awsCredentialExport settings.",
    ),
    ClientAdvice(
        "litellm",
        "api-key-setting",
        "With LiteLLM, do not pass an api_key to the Bedrock provider unless it is a Bedrock API key.",
    ),
    ClientAdvice(
        "claude-code",
        "prompt-caching-off",
        "Claude Code: DISABLE_PROMPT_CACHING=1 turns prompt caching off.",
    ),
    ClientAdvice(
        "litellm",
        "profile-arn-route",
        "With LiteLLM, use the bedrock/converse/ route for inference profile ARNs, application inference "
        "profile ARNs included.",
    ),
    ClientAdvice(
        "claude-code",
        "pin-geographic-profile",
        "Claude Code: set ANTHROPIC_MODEL and the ANTHROPIC_DEFAULT_*_MODEL settings to geographic profile ids.",
    ),
)


def advice_for(topics: Iterable[str]) -> tuple[str, ...]:
    """Every client's advice on ``topics``, topic by topic, in table order."""
    return tuple(advice.text for topic in topics for advice in ADVICE if advice.topic == topic)
