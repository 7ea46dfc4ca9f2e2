"""What each client's own settings can do about an error, by advice topic, and which client a paste
came from.

The explanations of :mod:`bedrock_access.bedrock.error_explain` know nothing of clients; they name the
topics (:data:`~bedrock_access.bedrock.error_causes.ADVICE_TOPICS`) on which a client may have advice
of its own, and :func:`bedrock_access.explaining.explain_error` appends the sentences kept here. Each
sentence is a fact about one client's behaviour (shared/domain/clients.md), so it lives with the
clients, not with Bedrock. When the paste shows which wrapper printed it (:func:`wrapper_of`), only that
client's advice is given.
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
        "api-key-setting",
        "Claude Code sends AWS_BEARER_TOKEN_BEDROCK as a Bedrock API key whenever it is set (it wins over "
        "AWS credentials); unset it to sign with IAM credentials, and check that no wrapper or IDE passes an "
        "Anthropic API key instead.",
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
    ClientAdvice(
        "claude-code",
        "background-models",
        "Claude Code calls more than the main model: the background (small/fast) model "
        "(ANTHROPIC_DEFAULT_HAIKU_MODEL, formerly ANTHROPIC_SMALL_FAST_MODEL, sent to "
        "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION when that is set) and subagents (CLAUDE_CODE_SUBAGENT_MODEL). "
        "If the failing id is not your ANTHROPIC_MODEL, pin those to ids your policies allow.",
    ),
    ClientAdvice(
        "claude-code",
        "region-setting",
        "Claude Code takes the Region from AWS_REGION, then AWS_DEFAULT_REGION; releases up to 2.1.171 never "
        "read the region in ~/.aws/config (and AWS_REGION_NAME is not read at all), so set AWS_REGION "
        "explicitly, also in settings.json env.",
    ),
    ClientAdvice(
        "cline",
        "region-setting",
        "Cline uses the Region chosen in its Bedrock provider settings, not AWS_REGION.",
    ),
    ClientAdvice(
        "roo-code",
        "region-setting",
        "Roo Code uses the Region of its Bedrock provider settings; an empty Region leaves it to the AWS SDK.",
    ),
    ClientAdvice(
        "continue",
        "region-setting",
        "Continue: set region on the Bedrock model in config.yaml; without it the host name is built with "
        "no Region.",
    ),
    ClientAdvice(
        "litellm",
        "region-setting",
        "LiteLLM: pass aws_region_name (or set AWS_REGION_NAME / AWS_REGION) for the Bedrock model.",
    ),
)

# Texts a client prints around the errors it shows; the first that matches names the wrapper.
_WRAPPER_SIGNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "claude-code",
        (
            "claude code",
            "claude_code",
            "api error (",
            "api error:",
            "please run /login",
            "anthropic_model",
            "claude-code",
        ),
    ),
    ("roo-code", ("roo code", "roo-code", "roocode")),
    ("cline", ("cline",)),
    ("litellm", ("litellm",)),
    ("continue", ("continuedev", "continue.dev")),
)


def wrapper_of(text: str) -> str | None:
    """The client kind whose wrapping the pasted text shows, or None."""
    lowered = text.lower()
    for client, signs in _WRAPPER_SIGNS:
        if any(sign in lowered for sign in signs):
            return client
    return None


# Topics whose advice only helps when we know which client printed the error: every client has its
# own answer, and listing all of them for an unknown client would bury the fix.
_NEEDS_KNOWN_CLIENT = frozenset({"background-models", "region-setting"})


def advice_for(topics: Iterable[str], client: str | None = None) -> tuple[str, ...]:
    """Every client's advice on ``topics``, topic by topic, in table order; only ``client``'s when the
    paste shows which client printed it (some topics are given only then)."""
    return tuple(
        advice.text
        for topic in topics
        if client is not None or topic not in _NEEDS_KNOWN_CLIENT
        for advice in ADVICE
        if advice.topic == topic and (client is None or advice.client == client)
    )
