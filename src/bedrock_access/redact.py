"""Keeping AWS and Bedrock credentials out of everything this package shows.

Two kinds of input, two sets of tools:

**Text we did not write** (an error, a log, an environment dump a user pastes). Every string this
package returns from such text goes through :func:`redact` first. What counts as a secret there:

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

All these patterns are linear: fixed-width or single character classes with bounded gaps, no nested
repetition, so time grows with the length of the text and nothing else. :func:`is_secret_name`,
:func:`redact_value` and :func:`redact_mapping` cover settings and environment maps whose whole value
is a credential.

**Client configuration we hold** (:mod:`bedrock_access.clients`). There the values are known, so
:func:`describe_secret` says *what kind* of secret a value is without showing it, :func:`echo` repeats
only plain short values, :func:`collect_secrets` gathers every secret value of a configuration (by a
secret-like name, :func:`looks_like_secret_name`, or a secret-like value, :func:`looks_like_secret`), and
:class:`Scrubber` replaces any of them that slipped into a string.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote

# --------------------------------------------------------------------------------------------------
# Text we did not write

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
        # STS session tokens begin with the base64 of their own header, whatever names them (or nothing).
        "session-token",
        re.compile(r"(?<![A-Za-z0-9+/])(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9/+=]{16,}"),
        MASK,
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
    return any(pattern.search(text) for _, pattern, _ in _PATTERNS) or redact(text) != text


def redact(text: str) -> str:
    """``text`` with every credential masked; the words around them are kept. URLs lose their user-info
    (``https://user:password@host``) and secret query parameters (:func:`redact_url`)."""
    for _, pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    if "://" in text:
        text = _URL_RE.sub(lambda m: redact_url(m.group(0)), text)
    return text


# A URL in free text: a scheme, ``://`` and everything up to white space, a quote, a bracket that closes
# markup or a backslash (a JSON escape must stay whole). Single character class: linear.
_URL_RE = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]{0,30}://[^\s\"'<>`\\]{1,8192}")
# Query parameters whose value is a credential: SigV4 pre-signed URL parts and the usual token names.
_SECRET_PARAM_RE = re.compile(
    r"(?i)(signature|sig$|token|secret|password|passwd|pwd|credential|api[_-]?key|apikey|^key$|auth|session|"
    r"^code$|access[_-]?key)"
)
_UNNAMED_TOKEN_MIN = 8


def redact_url(url: str) -> str:
    """``url`` without user-info, and with the values of secret-named query parameters (and of unnamed
    query tokens of :data:`_UNNAMED_TOKEN_MIN` characters or more) masked."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    cut = len(rest)
    for mark in "/?#":
        found = rest.find(mark)
        if 0 <= found < cut:
            cut = found
    at = rest.rfind("@", 0, min((i for i in (rest.find("?"), rest.find("#")) if i >= 0), default=len(rest)))
    if at >= 0:
        # user-info ends at the last "@" before the query; a password may hold "/" (unencoded, by mistake)
        slash, colon = rest.find("/"), rest.find(":")
        if slash < 0 or slash > at or 0 <= colon < slash:
            rest = MASK + rest[at:]
            cut = len(rest)
            for mark in "/?#":
                found = rest.find(mark, len(MASK) + 1)
                if 0 <= found < cut:
                    cut = found
    authority, tail = rest[:cut], rest[cut:]
    path, qmark, query = tail.partition("?")
    if qmark:
        query, hashmark, fragment = query.partition("#")
        params = []
        for param in query.split("&"):
            name, eq, value = param.partition("=")
            if eq and not value.strip("="):  # a bare base64 token ending in padding, not name=value
                name, eq, value = param, "", ""
            if eq:
                if value and (_SECRET_PARAM_RE.search(unquote(name)) or looks_like_secret(unquote(value))):
                    value = MASK
                params.append(f"{name}={value}")
            else:
                params.append(MASK if len(name) >= _UNNAMED_TOKEN_MIN else name)
        tail = path + "?" + "&".join(params) + (hashmark + fragment if hashmark else "")
    return f"{scheme}://{authority}{tail}"


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


# --------------------------------------------------------------------------------------------------
# Client configuration we hold

REDACTED = "<redacted>"

# Names whose values are treated as secrets wherever they appear (env vars and settings keys). Looser than
# is_secret_name (any part of the name counts), which is safe because a value found this way is only
# scrubbed from text, and only when it is at least MIN_SCRUB_LENGTH long.
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


def looks_like_secret_name(name: str) -> bool:
    """Whether a configuration key or variable name suggests a secret value (``tokenFile`` does not)."""
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
            if value and (looks_like_secret_name(name) or looks_like_secret(value)):
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


def quote_safely(value: str, limit: int = 80) -> str:
    """A bad value for an error message: quoted and cut to ``limit`` characters, or not shown at all when
    it is, or holds, a credential."""
    if looks_like_secret(value) or contains_secret(value):
        return "<value not shown>"
    if len(value) <= limit:
        return repr(value)
    return f"{value[: limit - 20]!r}… ({len(value)} characters)"
