"""Keep secrets out of everything the readers produce (private; the lead may merge it with
``bedrock_access.bedrock.redact`` later).

Two tools: :func:`describe_secret` says *what kind* of secret a value is without showing it, and
:class:`Scrubber` replaces any known secret value that slipped into a string.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote

REDACTED = "<redacted>"

# Names whose values are treated as secrets wherever they appear (env vars and settings keys).
_SECRET_NAME_RE = re.compile(
    r"(secret|token|password|passwd|api[_-]?key|access[_-]?key|bearer|custom[_-]?headers)", re.IGNORECASE
)
_NOT_SECRET_NAME_RE = re.compile(r"(file|path|source|name|use|enabled)$", re.IGNORECASE)
# Secrets shorter than this are not scrubbed from free text (real keys are far longer; short values such
# as "manual" under "tokenSource" would otherwise vanish from every message).
MIN_SCRUB_LENGTH = 10
_ACCESS_KEY_ID_RE = re.compile(r"^(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,}$")

BearerKind = Literal["short-term", "long-term", "unknown"]


_PLAIN_VALUE_RE = re.compile(r"^[A-Za-z0-9._:/@ -]{0,32}$")
_UNBROKEN_RE = re.compile(r"^[A-Za-z0-9/+=]{16,}$")


def echo(value: str) -> str:
    """``repr(value)`` for short plain values (Regions, profile names, flags); a placeholder otherwise, so a
    secret pasted into the wrong variable is never repeated in a message."""
    if _PLAIN_VALUE_RE.match(value) and not looks_like_secret(value) and not _UNBROKEN_RE.match(value):
        return repr(value)
    return "<value not shown>"


def is_secret_name(name: str) -> bool:
    return bool(_SECRET_NAME_RE.search(name)) and not _NOT_SECRET_NAME_RE.search(name)


# A 40-character secret access key, or a long base64 blob (session tokens, other keys).
_SECRET_SHAPE_RE = re.compile(r"^(?:[A-Za-z0-9/+=]{40}|[A-Za-z0-9/+=]{60,})$")


def _mixed(value: str) -> bool:
    return (
        any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
    )


def looks_like_secret(value: str) -> bool:
    """Values that are credentials whatever key holds them, by prefix or by shape."""
    value = value.strip()
    return bool(
        _ACCESS_KEY_ID_RE.match(value)
        or value.startswith("ABSK")
        or value.startswith("bedrock-api-key-")
        or (_SECRET_SHAPE_RE.match(value) and _mixed(value))
    )


def access_key_kind(value: str) -> str:
    if value.startswith("AKIA"):
        return "long-term access key id (AKIA…)"
    if value.startswith("ASIA"):
        return "temporary access key id (ASIA…)"
    return "access key id"


@dataclass(frozen=True)
class BearerInfo:
    """What can be told about a Bedrock API key without showing it."""

    kind: BearerKind
    region: str | None = None

    def describe(self) -> str:
        if self.kind == "long-term":
            return "long-term Bedrock API key (ABSK…)"
        if self.kind == "short-term":
            where = f", generated for {self.region}" if self.region else ""
            return f"short-term Bedrock API key{where}"
        return "bearer token of unrecognised format"


_CREDENTIAL_SCOPE_RE = re.compile(r"X-Amz-Credential=[^&/]+/\d{8}/([a-z0-9-]+)/bedrock/aws4_request")


def classify_bearer(token: str) -> BearerInfo:
    """``ABSK…`` → long-term; ``bedrock-api-key-<base64 presigned URL>`` → short-term, with the Region of
    its SigV4 credential scope (short-term keys only work in that Region)."""
    token = token.strip()
    if token.startswith("ABSK"):
        return BearerInfo("long-term")
    prefix = "bedrock-api-key-"
    if token.startswith(prefix):
        body = token[len(prefix) :]
        try:
            decoded = base64.b64decode(body + "=" * (-len(body) % 4), validate=False).decode(
                "utf-8", "replace"
            )
        except (binascii.Error, ValueError):
            return BearerInfo("short-term")
        match = _CREDENTIAL_SCOPE_RE.search(unquote(decoded))
        return BearerInfo("short-term", match.group(1) if match else None)
    return BearerInfo("unknown")


def describe_secret(name: str, value: str) -> str:
    """A safe stand-in for a secret value, e.g. ``"long-term access key id (AKIA…)"``."""
    if _ACCESS_KEY_ID_RE.match(value):
        return access_key_kind(value)
    if value.startswith("ABSK") or value.startswith("bedrock-api-key-"):
        return classify_bearer(value).describe()
    return REDACTED


def collect_secrets(values: Iterable[tuple[str, Any]]) -> set[str]:
    """Secret string values found in ``(name, value)`` pairs, walking nested mappings and lists."""
    found: set[str] = set()

    def walk(name: str, value: Any) -> None:
        if isinstance(value, str):
            if value and (is_secret_name(name) or looks_like_secret(value)):
                found.add(value)
        elif isinstance(value, Mapping):
            for key, item in value.items():
                walk(str(key), item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(name, item)

    for name, value in values:
        walk(name, value)
    return found


class Scrubber:
    """Replaces every known secret value found inside a string."""

    def __init__(self, secrets: Iterable[str]) -> None:
        usable = sorted({s for s in secrets if len(s) >= MIN_SCRUB_LENGTH}, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(s) for s in usable)) if usable else None

    def __call__(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        return self._pattern.sub(REDACTED, text)

    def mapping(self, data: Mapping[str, str]) -> dict[str, str]:
        return {self(k): self(v) for k, v in data.items()}
