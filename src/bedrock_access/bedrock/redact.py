"""Finding and masking AWS and Bedrock credentials in text we did not write.

Anything a user pastes (an error, a log, an environment dump) may carry credentials. Every string
this package returns from such text goes through :func:`redact` first.

What counts as a secret here:

- access key ids: ``AKIA`` (long-term) and ``ASIA`` (temporary) followed by 16 upper-case letters or
  digits. The four-letter prefix is kept (it tells long-term from temporary keys), the rest is masked;
- secret access keys and session tokens, when they follow a name that says what they are
  (``aws_secret_access_key = ...``, ``"SessionToken": "..."``, ``AWS_SESSION_TOKEN=...``,
  ``X-Amz-Security-Token=...``). A bare 40-character string with no such name is left alone: it
  cannot be told apart from a hash or an id;
- Bedrock API keys: long-term keys start with ``ABSK``, short-term keys with ``bedrock-api-key-``;
- bearer tokens after ``Authorization: Bearer`` or in ``AWS_BEARER_TOKEN_BEDROCK=...``, and bare
  ``Bearer <token>`` when the token is at least 20 characters long;
- other API keys: ``api_key=...``/``x-api-key: ...`` values and Anthropic ``sk-ant-`` keys;
- SigV4 signatures in pre-signed URLs (``X-Amz-Signature=...``): a short-term API key is such a URL.

All patterns are linear: fixed-width or single character classes with bounded gaps, no nested
repetition, so time grows with the length of the text and nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

SecretKind = Literal[
    "access-key-id",
    "secret-access-key",
    "session-token",
    "bedrock-api-key",
    "bearer-token",
    "api-key",
    "signature",
]

MASK = "[REDACTED]"

# A name, an optional closing quote, a separator (= or :) with a little room around it, an optional
# opening quote, then the value.
_SEP = r"""["']?[ \t]{0,8}[:=][ \t]{0,8}["']?"""

_PATTERNS: tuple[tuple[SecretKind, re.Pattern[str], str], ...] = (
    (
        "access-key-id",
        re.compile(r"(?<![A-Za-z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])"),
        r"\1" + MASK,
    ),
    (
        "secret-access-key",
        re.compile(r"(?i)((?:(?:aws_?)?secret_?access_?key|secret_?key)" + _SEP + r")[A-Za-z0-9/+=]{16,}"),
        r"\1" + MASK,
    ),
    (
        "session-token",
        re.compile(r"(?i)((?:aws_?|x-amz-)?(?:session|security)[_-]?token" + _SEP + r")[A-Za-z0-9/+=%]{16,}"),
        r"\1" + MASK,
    ),
    (
        "bedrock-api-key",
        re.compile(r"(?<![A-Za-z0-9])ABSK[A-Za-z0-9+/=]{8,}"),
        "ABSK" + MASK,
    ),
    (
        "bedrock-api-key",
        re.compile(r"bedrock-api-key-[A-Za-z0-9+/=%._-]{8,}"),
        "bedrock-api-key-" + MASK,
    ),
    (
        "bearer-token",
        re.compile(r"(?i)(aws_bearer_token_bedrock" + _SEP + r")[^\s\"']{8,}"),
        r"\1" + MASK,
    ),
    (
        "bearer-token",
        re.compile(r"(?i)(authorization" + _SEP + r"bearer[ \t]{1,8})[A-Za-z0-9+/=._~-]{8,}"),
        r"\1" + MASK,
    ),
    (
        # A bare "Bearer <token>": at least 20 token characters, so that prose ("bearer authentication")
        # stays readable.
        "bearer-token",
        re.compile(r"(?i)(\bbearer[ \t]{1,8})[A-Za-z0-9+/=._~-]{20,}"),
        r"\1" + MASK,
    ),
    (
        "api-key",
        re.compile(r"(?i)(\b(?:x-)?api[_-]?key" + _SEP + r")[^\s\"',}]{8,}"),
        r"\1" + MASK,
    ),
    (
        "api-key",
        re.compile(r"(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]{8,}"),
        "sk-ant-" + MASK,
    ),
    (
        # SigV4 signatures: in an Authorization header and in pre-signed URLs (X-Amz-Signature=), which is
        # what a short-term Bedrock API key is.
        "signature",
        re.compile(r"(?i)(\b(?:x-amz-)?signature=)[0-9a-f]{16,}"),
        r"\1" + MASK,
    ),
)

# Names of settings and environment variables whose whole value is a credential.
_SECRET_NAMES = frozenset(
    {
        "aws_secret_access_key",
        "aws_session_token",
        "aws_security_token",
        "aws_bearer_token_bedrock",
        "secretaccesskey",
        "sessiontoken",
        "awssecretkey",
        "awssessiontoken",
        "awsapikey",
        "awsbedrockapikey",
        "api_key",
        "apikey",
        "anthropic_api_key",
        "anthropic_auth_token",
        "authorization",
    }
)


@dataclass(frozen=True, slots=True)
class SecretFinding:
    """One credential found in a text: what it is and where (``start``/``end`` index the input)."""

    kind: SecretKind
    start: int
    end: int


def find_secrets(text: str) -> tuple[SecretFinding, ...]:
    """Every credential :func:`redact` would mask, in order of position (overlaps are kept)."""
    found = [
        SecretFinding(kind, match.start(), match.end())
        for kind, pattern, _ in _PATTERNS
        for match in pattern.finditer(text)
    ]
    return tuple(sorted(found, key=lambda f: (f.start, f.end)))


def contains_secret(text: str) -> bool:
    return any(pattern.search(text) for _, pattern, _ in _PATTERNS)


def redact(text: str) -> str:
    """``text`` with every credential masked; the words around them are kept."""
    for _, pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def is_secret_name(name: str) -> bool:
    """Whether a setting or environment variable named ``name`` holds a credential as its whole value.

    Case, dashes and underscores are ignored (``awsSecretKey``, ``AWS_SECRET_ACCESS_KEY``).
    """
    folded = name.lower().replace("-", "_")
    return folded in _SECRET_NAMES or folded.replace("_", "") in _SECRET_NAMES


def redact_value(name: str, value: str) -> str:
    """A setting's value made safe to show: masked whole when the name says it is a credential."""
    if is_secret_name(name) and value:
        return MASK
    return redact(value)


def redact_mapping(values: Mapping[str, str]) -> dict[str, str]:
    """An environment or settings mapping made safe to show (see :func:`redact_value`)."""
    return {name: redact_value(name, value) for name, value in values.items()}
