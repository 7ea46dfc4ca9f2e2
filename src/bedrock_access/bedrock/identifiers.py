"""Model identifiers as clients send them: which kind each is, and what it names.

Pure syntax: whether an id exists, and where a profile routes, is the catalog's business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bedrock_access.catalog.geography import GLOBAL_SCOPE, split_profile_id
from bedrock_access.iam.arn import Arn, parse_arn

IdentifierKind = Literal[
    "foundation-model",
    "geographic-profile",
    "global-profile",
    "application-profile",
    "provisioned-model",
    "custom-model-deployment",
    "imported-model",
    "custom-model",
    "prompt-router",
    "other",
]

# Resource types of ARNs accepted as a modelId, mapped to our kinds.
_ARN_KINDS: dict[str, IdentifierKind] = {
    "foundation-model": "foundation-model",
    "application-inference-profile": "application-profile",
    "provisioned-model": "provisioned-model",
    "custom-model-deployment": "custom-model-deployment",
    "imported-model": "imported-model",
    "custom-model": "custom-model",
    "prompt-router": "prompt-router",
    "default-prompt-router": "prompt-router",
}


@dataclass(frozen=True, slots=True)
class Identifier:
    """A parsed model identifier.

    ``model_id`` is the foundation model it names (for system profiles, the id after the prefix);
    ``profile_id`` the system-defined profile id; ``arn`` the ARN when one was given.
    """

    raw: str
    kind: IdentifierKind
    model_id: str | None = None
    profile_id: str | None = None
    scope: str | None = None
    arn: Arn | None = None

    @property
    def is_profile(self) -> bool:
        return self.kind in ("geographic-profile", "global-profile")


class IdentifierError(ValueError):
    """The text cannot be a model identifier at all (for example a malformed ARN)."""


def parse_identifier(text: str) -> Identifier:
    text = text.strip()
    if not text:
        raise IdentifierError("the model identifier is empty")
    if len(text) > 2048:
        raise IdentifierError("the model identifier is longer than 2048 characters")
    if text.startswith("arn:"):
        arn = parse_arn(text)
        if arn is None:
            raise IdentifierError(
                f"{text!r} is not a valid ARN (arn:PARTITION:bedrock:REGION:ACCOUNT:TYPE/ID)"
            )
        if arn.service != "bedrock":
            raise IdentifierError(f"{text!r} is not a Bedrock ARN (service {arn.service!r})")
        rtype = arn.resource_type
        name = arn.resource[len(rtype) + 1 :]
        if rtype == "inference-profile":
            split = split_profile_id(name)
            if split is None:
                return Identifier(text, "other", arn=arn)
            scope, model_id = split
            kind: IdentifierKind = "global-profile" if scope == GLOBAL_SCOPE else "geographic-profile"
            return Identifier(text, kind, model_id=model_id, profile_id=name, scope=scope, arn=arn)
        kind = _ARN_KINDS.get(rtype, "other")
        return Identifier(text, kind, model_id=name if kind == "foundation-model" else None, arn=arn)
    split = split_profile_id(text)
    if split is not None:
        scope, model_id = split
        kind = "global-profile" if scope == GLOBAL_SCOPE else "geographic-profile"
        return Identifier(text, kind, model_id=model_id, profile_id=text, scope=scope)
    if "." not in text or any(ch.isspace() for ch in text) or "/" in text:
        raise IdentifierError(
            f"{text!r} is neither a model id (provider.model), an inference profile id (us.provider.model) nor an ARN"
        )
    return Identifier(text, "foundation-model", model_id=text)
