"""One Bedrock runtime call as a client will make it: the input to the authorization model."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

Operation = Literal[
    "InvokeModel", "InvokeModelWithResponseStream", "Converse", "ConverseStream", "CountTokens"
]
AuthMode = Literal["sigv4", "bearer-short-term", "bearer-long-term"]

OPERATIONS: tuple[Operation, ...] = (
    "InvokeModel",
    "InvokeModelWithResponseStream",
    "Converse",
    "ConverseStream",
    "CountTokens",
)
AUTH_MODES: tuple[AuthMode, ...] = ("sigv4", "bearer-short-term", "bearer-long-term")

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Invocation:
    """A call to bedrock-runtime.

    ``model`` is the identifier exactly as the client sends it (model id, profile id or an ARN);
    ``region`` is the Region of the bedrock-runtime endpoint called (the source Region).
    ``origin`` says where each value came from, keyed by field name ("model", "region", "auth", ...),
    for example ``{"model": "env ANTHROPIC_MODEL", "region": "~/.aws/config [profile dev] region"}``.
    ``role`` names the client's purpose for the call (main, background, subagent, ...), if known.
    ``endpoint`` is a custom endpoint URL when the client does not use the regional default.
    """

    label: str
    model: str
    region: str
    operation: Operation = "InvokeModel"
    auth: AuthMode = "sigv4"
    role: str | None = None
    endpoint: str | None = None
    origin: Mapping[str, str] = field(default_factory=lambda: _EMPTY, hash=False)
