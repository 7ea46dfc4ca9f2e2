"""Reading an error someone pasted: which error it is, what AWS said, and what that means.

:func:`parse_error` takes any text (a terminal scroll-back, a log line, a client's wrapped error) and
finds the AWS error in it: the IAM AccessDenied grammar of :mod:`bedrock_access.bedrock.errors`,
with or without its envelopes (botocore, the AWS SDKs for JavaScript, Java and Go, Claude Code's
``API Error: 403 {...}``, LiteLLM's ``BedrockException - {...}``, JSON and Python-dict bodies), and
the non-IAM errors that users report as access problems (credentials, model access, validation,
throttling, connection). :func:`explain_parsed` turns the result into a cause and fixes.

Cost is bounded by design: the input is cut to :data:`MAX_INPUT_CHARS`, the IAM sentence is read in a
window of :data:`IAM_WINDOW_CHARS` around its anchor, and every step is a scan with ``str.find`` or a
single left-to-right walk. No regular expression is applied to the input here.

Every string in a :class:`ParsedError` has passed through :func:`~bedrock_access.bedrock.redact.redact`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote

from bedrock_access.bedrock.errors import (
    ACCESS_DENIED,
    POLICY_PHRASES,
    RUNTIME_OPERATION_PATHS,
    VALIDATION,
    ReportedPolicyType,
)
from bedrock_access.catalog.geography import GLOBAL_SCOPE, scope_of_profile_id, split_profile_id
from bedrock_access.iam.arn import parse_arn
from bedrock_access.redact import redact

MAX_INPUT_CHARS = 1_000_000
"""Longer input is cut to its first million characters before anything else happens."""

IAM_WINDOW_CHARS = 16_000
"""The IAM sentence is read from this many characters around its anchor."""

MAX_MESSAGE_CHARS = 4_000
"""``ParsedError.message`` is cut to this length."""

MAX_TOKEN_CHARS = 2_048
"""The longest ARN, id or other token read (IAM caps ARNs at 2048 characters)."""

Kind = Literal["access-denied", "validation", "throttling", "credentials", "model-access", "other"]

NonIamCause = Literal[
    "expired-token",
    "invalid-token",
    "invalid-api-key",
    "missing-authorization",
    "no-credentials",
    "invalid-signature",
    "clock-skew",
    "marketplace-subscription",
    "marketplace-agreement-pending",
    "use-case-form",
    "no-model-access",
    "account-not-authorized",
    "legacy-model",
    "prompt-caching",
    "on-demand-not-supported",
    "invalid-model-id",
    "throttling",
    "model-overloaded",
    "service-unavailable",
    "no-endpoint",
    "region-missing",
    "unknown-provider",
]

# Each non-IAM cause, the kind it belongs to and the (lower-case) texts that identify it. The first
# cause with a text present in the input wins, so more specific causes come first.
CAUSES: tuple[tuple[NonIamCause, Kind, tuple[str, ...]], ...] = (
    (
        "marketplace-agreement-pending",
        "model-access",
        (
            "mpagreementbeingcreated",
            "subscription for this model is still being processed",
            "marketplace agreement pending",
        ),
    ),
    (
        "marketplace-subscription",
        "model-access",
        (
            "required aws marketplace actions",
            "aws-marketplace:",
            "marketplace agreement failed",
            "model access is denied due to",
        ),
    ),
    (
        "use-case-form",
        "model-access",
        (
            "ftuformnotfilled",
            "use case details",
            "use-case details",
            "use case form",
            "use-case form",
        ),
    ),
    ("legacy-model", "model-access", ("marked by provider as legacy",)),
    (
        "no-model-access",
        "model-access",
        (
            "don't have access to the model",
            "don\u2019t have access to the model",
            "do not have access to the model",
        ),
    ),
    ("account-not-authorized", "model-access", ("account is not authorized to invoke this api operation",)),
    ("prompt-caching", "validation", ("did not allow prompt caching",)),
    (
        "on-demand-not-supported",
        "validation",
        (
            "with on-demand throughput isn't",
            "with on-demand throughput isn\u2019t",
            "on-demand throughput is not",
        ),
    ),
    ("invalid-model-id", "validation", ("provided model identifier is invalid",)),
    (
        "expired-token",
        "credentials",
        (
            "security token included in the request is expired",
            "expiredtoken",
            "token has expired",
            "session associated with this profile has expired",
        ),
    ),
    (
        "invalid-token",
        "credentials",
        (
            "security token included in the request is invalid",
            "unrecognizedclientexception",
            "invalidclienttokenid",
            "session token not found or invalid",
        ),
    ),
    ("invalid-api-key", "credentials", ("invalid api key format", "api key was rejected")),
    (
        "missing-authorization",
        "credentials",
        ("authorization header is missing", "missing authentication token"),
    ),
    (
        "no-credentials",
        "credentials",
        (
            "could not load credentials from any providers",
            "unable to locate credentials",
            "nocredentialserror",
            "credentialsprovidererror",
        ),
    ),
    ("clock-skew", "credentials", ("signature expired", "requestexpired", "requesttimetooskewed")),
    (
        "invalid-signature",
        "credentials",
        (
            "signaturedoesnotmatch",
            "request signature we calculated does not match",
            "incompletesignature",
            "invalidsignatureexception",
            "credential should be scoped to a valid region",
        ),
    ),
    (
        "throttling",
        "throttling",
        (
            "throttlingexception",
            "too many requests",
            "too many tokens",
            "rate exceeded",
            "servicequotaexceeded",
        ),
    ),
    ("model-overloaded", "throttling", ("overloaded_error", "overloaded")),
    ("service-unavailable", "throttling", ("serviceunavailable", "service unavailable")),
    (
        "no-endpoint",
        "other",
        ("could not connect to the endpoint url", "endpointconnectionerror", "enotfound bedrock-runtime"),
    ),
    (
        "region-missing",
        "other",
        (
            "you must specify a region",
            "noregionerror",
            "region is missing",
            "aws_region is a required environment variable",
            "no aws region was provided",
        ),
    ),
    (
        "unknown-provider",
        "other",
        ("unknown provider=", "unsupported model provider", "model does not support chat"),
    ),
)

CAUSE_CODES: tuple[NonIamCause, ...] = tuple(code for code, _, _ in CAUSES)

_CAUSE_KIND: dict[NonIamCause, Kind] = {code: kind for code, kind, _ in CAUSES}

# Causes that come with an IAM sentence of their own (the Marketplace auto-subscription denial) or
# that an IAM sentence elsewhere in the paste does not make less likely. Other causes give way to an
# IAM sentence found in the same text.
_MODEL_ACCESS_CAUSES: frozenset[NonIamCause] = frozenset(
    code for code, kind, _ in CAUSES if kind == "model-access"
)

_STATUS_CAUSES: dict[int, NonIamCause] = {
    429: "throttling",
    529: "model-overloaded",
    503: "service-unavailable",
}

# Exception names we recognise in text, to fill ``error_code`` when no envelope names it.
KNOWN_ERROR_CODES: tuple[str, ...] = (
    "AccessDeniedException",
    "ValidationException",
    "ThrottlingException",
    "ServiceUnavailableException",
    "ServiceQuotaExceededException",
    "ResourceNotFoundException",
    "InternalServerException",
    "ModelNotReadyException",
    "ModelTimeoutException",
    "ModelErrorException",
    "ModelStreamErrorException",
    "UnrecognizedClientException",
    "ExpiredTokenException",
    "ExpiredToken",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "IncompleteSignature",
    "SignatureDoesNotMatch",
    "RequestExpired",
    "MPAgreementBeingCreated",
    "FTUFormNotFilled",
    "AccessDenied",
    "ServiceUnavailable",
    "EndpointConnectionError",
    "NoCredentialsError",
    "NoRegionError",
)

_CODE_KIND: dict[str, Kind] = {
    "AccessDeniedException": "access-denied",
    "AccessDenied": "access-denied",
    "ValidationException": "validation",
}

# error_code filled in when the text names none but the message belongs to one exception only.
_INFERRED_CODE: dict[NonIamCause, str] = {
    "invalid-model-id": VALIDATION,
    "on-demand-not-supported": VALIDATION,
    "marketplace-subscription": ACCESS_DENIED,
    "no-model-access": ACCESS_DENIED,
}

# How each policy type is written after "explicit deny in a/an/the" or "because no": the phrases the
# predictor uses, plus the IAM user guide's "sessions policy" spelling.
_POLICY_PHRASES: tuple[tuple[str, ReportedPolicyType], ...] = (
    *((phrase, policy_type) for policy_type, (_, phrase) in POLICY_PHRASES.items()),
    ("sessions policy", "session"),
)

_ANCHOR = "not authorized to perform:"
_RESOURCE_ANCHOR = " on resource: "
_EXPLICIT = " with an explicit deny in "
_IMPLICIT = " because no "
_TOKEN_END = frozenset(" \t\r\n\"'\\`{}[]|")
_TRIM = ".,;:)"


@dataclass(frozen=True, slots=True)
class ParsedError:
    """What a pasted error says.

    - ``kind``: access-denied, validation, throttling, credentials, model-access or other.
    - ``error_code``: the AWS exception name when the text names one; otherwise inferred only for
      messages that a single exception carries (an IAM denial is always AccessDeniedException, the two
      model-identifier messages always ValidationException).
    - ``http_status``: only when the text shows it (``API Error: 403``, ``Status Code: 403`` ...).
    - ``operation``: the API operation (botocore's "when calling the X operation", the Go SDK's
      "operation error Bedrock Runtime: X", or the bedrock-runtime URL path).
    - ``principal``, ``action``, ``resource``: the three parts of the IAM sentence, as printed.
    - ``region``: the Region field of the resource ARN; ``"unspecified"`` when that field is empty (the
      global profile's Region-less check); None without an ARN resource.
    - ``account``: the caller's account from the principal ARN, else the resource ARN's account.
    - ``policy_type``: identity, scp, rcp, boundary, session, resource, vpce or trust.
    - ``policy_arn``: the deciding policy, when the newer message format appends it.
    - ``explicit``: True for "with an explicit deny", False for "because no ... allows", None when the
      message does not say.
    - ``via_policy_type``: the policy type after "transitively through" (VPC endpoint policy denials
      applied through an SCP).
    - ``authorization_id``: the id for ``GetRequestAuthorizationDetails`` in newer messages.
    - ``model_id``: the model or profile id from a foundation-model or inference-profile ARN, the ARN
      itself for other Bedrock model resources, or an id quoted by the message or the client.
    - ``endpoint_region``: the Region of a bedrock-runtime host name in the text.
    - ``message``: the AWS message itself, without envelopes.
    - ``non_iam_cause``: one of :data:`CAUSE_CODES` when the error is not (only) an IAM decision.
    """

    kind: Kind
    message: str
    error_code: str | None = None
    http_status: int | None = None
    operation: str | None = None
    principal: str | None = None
    action: str | None = None
    resource: str | None = None
    region: str | None = None
    account: str | None = None
    policy_type: ReportedPolicyType | None = None
    policy_arn: str | None = None
    explicit: bool | None = None
    model_id: str | None = None
    non_iam_cause: NonIamCause | None = None
    via_policy_type: ReportedPolicyType | None = None
    authorization_id: str | None = None
    endpoint_region: str | None = None

    @property
    def resource_type(self) -> str | None:
        """The resource type of an ARN resource (``foundation-model``, ``inference-profile`` ...)."""
        arn = parse_arn(self.resource) if self.resource else None
        return arn.resource_type if arn else None

    @property
    def is_iam_denial(self) -> bool:
        """Whether the text carries the IAM "not authorized to perform" sentence."""
        return self.action is not None or self.policy_type is not None


# ---------------------------------------------------------------------------------------------------
# Small scanning helpers (all linear).


def _read_token(text: str, pos: int) -> tuple[str, int]:
    """The run of characters from ``pos`` up to whitespace, a quote, a bracket or a backslash.

    At most :data:`MAX_TOKEN_CHARS` long: ARNs and ids are shorter, and the bound keeps repeated reads
    of hostile text linear.
    """
    end = pos
    limit = min(len(text), pos + MAX_TOKEN_CHARS)
    while end < limit and text[end] not in _TOKEN_END:
        end += 1
    return text[pos:end], end


def _read_token_back(text: str, end: int) -> str:
    start = end
    limit = max(0, end - MAX_TOKEN_CHARS)
    while start > limit and text[start - 1] not in _TOKEN_END:
        start -= 1
    return text[start:end]


def _trim(token: str) -> str:
    """A token without sentence punctuation stuck to its end."""
    while token and token[-1] in _TRIM:
        token = token[:-1]
    return token


def _line_at(text: str, pos: int) -> str:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return text[start : end if end >= 0 else len(text)].strip()


def _rest_of_line(text: str, pos: int) -> str:
    end = text.find("\n", pos)
    return text[pos : end if end >= 0 else len(text)].strip()


def _read_status(text: str, pos: int) -> int | None:
    """Three digits at ``pos`` (after at most three separator characters) forming an HTTP status."""
    skipped = 0
    while pos < len(text) and text[pos] in " :=\"'(" and skipped < 3:
        pos += 1
        skipped += 1
    return _status_at(text, pos)


def _is_word_at(text: str, start: int, length: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[start + length] if start + length < len(text) else " "
    return not (before.isalnum() or after.isalnum())


def _find_word(text: str, word: str) -> int:
    """First index of ``word`` not glued to letters or digits on either side, or -1."""
    start = text.find(word)
    while start >= 0:
        if _is_word_at(text, start, len(word)):
            return start
        start = text.find(word, start + 1)
    return -1


# ---------------------------------------------------------------------------------------------------
# Envelopes.

_JSON = json.JSONDecoder()
_MESSAGE_KEYS = ('"message"', "'message'")
_MAX_KEY_TRIES = 32


def _quoted_value(text: str, pos: int) -> str | None:
    """The string literal starting at ``pos`` (JSON double-quoted, or a Python single-quoted repr)."""
    if pos >= len(text):
        return None
    quote = text[pos]
    if quote == '"':
        try:
            value, _ = _JSON.raw_decode(text, pos)
        except ValueError:
            return None
        return value if isinstance(value, str) else None
    if quote == "'":
        out: list[str] = []
        i = pos + 1
        limit = min(len(text), pos + 1 + MAX_MESSAGE_CHARS * 4)
        while i < limit:
            ch = text[i]
            if ch == "\\" and i + 1 < len(text):
                out.append(text[i + 1])
                i += 2
                continue
            if ch == "'":
                return "".join(out)
            out.append(ch)
            i += 1
    return None


def _json_message(text: str, lower: str) -> str | None:
    """The value of the first non-empty ``message``/``Message`` key of a JSON or dict body."""
    for key in _MESSAGE_KEYS:
        start = lower.find(key)
        tries = 0
        while start >= 0 and tries < _MAX_KEY_TRIES:
            tries += 1
            pos = start + len(key)
            while pos < len(text) and text[pos] in " \t":
                pos += 1
            if pos < len(text) and text[pos] == ":":
                pos += 1
                while pos < len(text) and text[pos] in " \t":
                    pos += 1
                value = _quoted_value(text, pos)
                if value and value.strip():
                    return value.strip()
            start = lower.find(key, start + 1)
    return None


@dataclass(frozen=True, slots=True)
class _Envelope:
    error_code: str | None = None
    operation: str | None = None
    message: str | None = None
    http_status: int | None = None


def _botocore(text: str) -> _Envelope | None:
    """``An error occurred (CODE) when calling the OP operation[ (reached max retries: N)]: MESSAGE``."""
    start = text.find("An error occurred (")
    if start < 0:
        return None
    pos = start + len("An error occurred (")
    close = text.find(")", pos, pos + 128)
    if close < 0:
        return None
    code = text[pos:close].strip()
    status = None
    if code.isdigit():
        status = _read_status(code, 0)
        code = ""
    elif code[:1].islower():
        code = code[0].upper() + code[1:]  # event-stream errors: "(validationException)"
    operation = None
    message = None
    lead = " when calling the "
    if text.startswith(lead, close + 1):
        operation, end = _read_token(text, close + 1 + len(lead))
        if text.startswith(" operation", end):
            end += len(" operation")
            if text.startswith(" (reached max retries", end):
                close_retry = text.find(")", end, end + 64)
                end = close_retry + 1 if close_retry >= 0 else end
            if text.startswith(": ", end):
                message = _rest_of_line(text, end + 2)
    return _Envelope(code or None, operation or None, message or None, status)


def _go_operation(text: str) -> str | None:
    """The Go SDK names the operation as ``operation error Bedrock Runtime: Converse, ...``."""
    lead = "operation error Bedrock Runtime: "
    start = text.find(lead)
    if start < 0:
        return None
    token, _ = _read_token(text, start + len(lead))
    return _trim(token) or None


def _status_at(text: str, pos: int) -> int | None:
    """Three digits exactly at ``pos``, not followed by a fourth, forming an HTTP status."""
    digits = text[pos : pos + 3]
    if len(digits) != 3 or not digits.isdigit() or not digits.isascii():
        return None
    if pos + 3 < len(text) and text[pos + 3].isdigit():
        return None
    status = int(digits)
    return status if 100 <= status <= 599 else None


def _api_error(text: str) -> tuple[int | None, str | None, str | None]:
    """Claude Code's ``API Error: 403 MSG``, ``API Error (MODEL): 400 MSG`` and ``API Error (403 MSG)``.

    Returns (status, model id, message).
    """
    start = text.find("API Error")
    if start < 0:
        return None, None, None
    pos = start + len("API Error")
    model = None
    if text.startswith(" (", pos):
        pos += 1
    if text.startswith("(", pos):
        close = text.find(")", pos + 1, pos + 1 + MAX_TOKEN_CHARS)
        if close < 0:
            return None, None, None
        inner = text[pos + 1 : close].strip()
        status = _status_at(inner, 0)
        if status is not None:
            return status, None, inner[3:].strip() or None
        if not inner or any(ch.isspace() for ch in inner):
            return None, None, None
        model = inner
        pos = close + 1
    if text.startswith(":", pos):
        pos += 1
    while text.startswith(" ", pos):
        pos += 1
    status = _status_at(text, pos)
    if status is None:
        return None, model, None
    return status, model, _rest_of_line(text, pos + 3) or None


# Lower-case texts after which SDKs and wrappers print the status ("Error code: 403", "Status Code: 403",
# "StatusCode: 403", "status_code=403", "httpStatusCode": 403, "HTTP/1.1 403"). Up to three separator
# characters may follow (see _read_status).
_STATUS_MARKERS = ("error code", "status code", "statuscode", "status_code", "http/1.1 ", "http/2 ", "http ")


def _http_status(text: str, lower: str) -> int | None:
    for marker in _STATUS_MARKERS:
        start = lower.find(marker)
        tries = 0
        while start >= 0 and tries < _MAX_KEY_TRIES:
            tries += 1
            found = _read_status(text, start + len(marker))
            if found is not None:
                return found
            start = lower.find(marker, start + 1)
    # A paste that starts with the status: "400 Invocation of model ID ...", "502: Could not ...".
    head = text.lstrip()
    found = _status_at(head, 0)
    if found is not None and (len(head) == 3 or head[3] in " :"):
        return found
    return None


def _known_code(text: str) -> str | None:
    """The earliest exception name of :data:`KNOWN_ERROR_CODES` standing as a word in ``text``."""
    best: tuple[int, str] | None = None
    for code in KNOWN_ERROR_CODES:
        at = _find_word(text, code)
        if at >= 0 and (best is None or at < best[0]):
            best = (at, code)
    return best[1] if best else None


def _after_code(text: str, code: str) -> str | None:
    """The message after ``CODE: `` (the form the AWS SDKs for JavaScript and Java print)."""
    at = _find_word(text, code)
    if at >= 0 and text.startswith(": ", at + len(code)):
        return _rest_of_line(text, at + len(code) + 2) or None
    return None


def _endpoint(text: str) -> tuple[str | None, str | None, str | None]:
    """(Region, model id, operation) from a bedrock-runtime URL or host name in the text."""
    start = text.find("bedrock-runtime")
    tries = 0
    while start >= 0 and tries < _MAX_KEY_TRIES:
        tries += 1
        token, _ = _read_token(text, start)
        host, _, path = token.partition("/")
        labels = host.split(".")
        # bedrock-runtime.REGION.amazonaws.com, bedrock-runtime-fips.REGION..., VPC endpoint names differ.
        if len(labels) >= 3 and labels[0] in ("bedrock-runtime", "bedrock-runtime-fips") and "-" in labels[1]:
            region = labels[1]
            model = operation = None
            segments = path.split("/")
            if len(segments) >= 2 and segments[0] == "model":
                model = unquote(segments[1]) or None
                if len(segments) >= 3:
                    tail = _trim(segments[2].split("?", 1)[0])
                    for name, segment in RUNTIME_OPERATION_PATHS.items():
                        if segment == tail:
                            operation = name
            return region, model, operation
        start = text.find("bedrock-runtime", start + 1)
    return None, None, None


# ---------------------------------------------------------------------------------------------------
# The IAM sentence.


@dataclass(frozen=True, slots=True)
class _Iam:
    message: str
    principal: str | None = None
    action: str | None = None
    resource: str | None = None
    explicit: bool | None = None
    policy_type: ReportedPolicyType | None = None
    via_policy_type: ReportedPolicyType | None = None
    policy_arn: str | None = None
    authorization_id: str | None = None


def _policy_phrase(text: str, pos: int, *, articles: bool) -> tuple[ReportedPolicyType | None, int]:
    if articles:
        for article in ("an ", "a ", "the "):
            if text.startswith(article, pos):
                pos += len(article)
                break
    for phrase, policy_type in _POLICY_PHRASES:
        if text.startswith(phrase, pos):
            return policy_type, pos + len(phrase)
    return None, pos


def _context(
    text: str, pos: int
) -> tuple[bool | None, ReportedPolicyType | None, ReportedPolicyType | None, str | None, int]:
    """Read the reason clause at ``pos``: (explicit, type, via type, policy ARN, end)."""
    if text.startswith(_EXPLICIT, pos):
        policy_type, pos = _policy_phrase(text, pos + len(_EXPLICIT), articles=True)
        via = None
        lead = " transitively through "
        if text.startswith(lead, pos):
            via, pos = _policy_phrase(text, pos + len(lead), articles=True)
        policy_arn = None
        if text.startswith(": arn:", pos):
            token, _ = _read_token(text, pos + 2)
            policy_arn = _trim(token)
            pos += 2 + len(policy_arn)
        return True, policy_type, via, policy_arn, pos
    if text.startswith(_IMPLICIT, pos):
        policy_type, pos = _policy_phrase(text, pos + len(_IMPLICIT), articles=False)
        lead = " allows the "
        if policy_type is not None and text.startswith(lead, pos):
            after = pos + len(lead)
            if text.startswith("action", after):
                pos = after + len("action")
            else:
                token, end = _read_token(text, after)
                if text.startswith(" action", end):
                    pos = end + len(" action")
        elif policy_type is not None and text.startswith(" allows", pos):
            pos += len(" allows")  # a quote cut right after "allows"
        return False, policy_type, None, None, pos
    return None, None, None, None, pos


def _authorization_id(text: str, pos: int) -> str | None:
    for lead in ("authorization id: ", "#/authorization-details/"):
        at = text.find(lead, pos)
        if at >= 0:
            token, _ = _read_token(text, at + len(lead))
            token = _trim(token)
            if token.isalnum():
                return token
    return None


def _resource_at(text: str, pos: int) -> tuple[str, int]:
    """The resource after "on resource: ", which newer messages may put in double quotes."""
    if text.startswith('"', pos):
        close = text.find('"', pos + 1, pos + 2049)
        if close > pos:
            return text[pos + 1 : close], close + 1
    token, _ = _read_token(text, pos)
    trimmed = _trim(token)
    return trimmed, pos + len(trimmed)


def _collapse(text: str) -> str:
    """Runs of white space as single spaces: wrapped pastes read like the one-line original."""
    return " ".join(text.split())


def _principal_before(window: str, anchor: int) -> tuple[str | None, int]:
    """The principal printed before "is not authorized", and where the sentence starts."""
    if not window.startswith("is ", anchor - 3):
        return None, anchor
    start = anchor - 3
    token = _read_token_back(window, anchor - 4) if window.startswith(" ", anchor - 4) else ""
    if not token or token in ("User", "\u2026", "..."):
        return None, start
    start = anchor - 4 - len(token)
    for lead in ("User: ", "Model access is denied due to "):
        if window.startswith(lead, start - len(lead)):
            return token, start - len(lead)
    return token, start


def _context_anchor(text: str) -> int:
    """The earliest reason clause whose policy phrase we know, or -1."""
    best = -1
    for lead in (_EXPLICIT, _IMPLICIT):
        at = text.find(lead)
        tries = 0
        while at >= 0 and tries < _MAX_KEY_TRIES:
            tries += 1
            explicit, policy_type, _, _, _ = _context(text, at)
            if explicit is not None and policy_type is not None:
                if best < 0 or at < best:
                    best = at
                break
            at = text.find(lead, at + 1)
    return best


def _parse_iam(text: str) -> _Iam | None:
    """The IAM sentence in ``text``, read around its first anchor.

    Quotes often cut the sentence's start ("… on resource: ARN with an explicit deny in ..." or just
    "… with an explicit deny in an identity-based policy"), so without "not authorized to perform:" the
    resource and then the reason clause serve as anchors.
    """
    mode = "full"
    raw = text.find(_ANCHOR)
    if raw < 0:
        mode = "resource"
        raw = text.find(_RESOURCE_ANCHOR.lstrip())
    if raw < 0:
        mode = "context"
        raw = _context_anchor(text)
        if raw < 0:
            # The reason clause may be wrapped over lines; look again in the collapsed head of the text.
            window = _collapse(text[:IAM_WINDOW_CHARS])
            if _context_anchor(window) < 0:
                return None
        else:
            lo = max(0, raw - MAX_TOKEN_CHARS)
            window = _collapse(text[lo : raw + IAM_WINDOW_CHARS])
    else:
        lo = max(0, raw - IAM_WINDOW_CHARS // 4)
        window = _collapse(text[lo : raw + IAM_WINDOW_CHARS])
    principal = action = resource = None
    if mode == "full":
        anchor = window.find(_ANCHOR)
        principal, start = _principal_before(window, anchor)
        pos = anchor + len(_ANCHOR)
        if window.startswith(" ", pos):
            pos += 1
        token, _ = _read_token(window, pos)
        action = _trim(token) or None
        pos += len(action or "")
    elif mode == "resource":
        pos = window.find(_RESOURCE_ANCHOR)
        if pos < 0:
            return None
        start = pos + 1
    else:
        pos = _context_anchor(window)
        before = _read_token_back(window, pos)
        resource = _trim(before) if before.startswith("arn:") else None
        # Keep a resource-like fragment ("inference-profile/eu.…") in the message, not other words.
        start = pos - len(before) if before and ("/" in before or ":" in before) else pos + 1
    if window.startswith(_RESOURCE_ANCHOR, pos):
        resource, pos = _resource_at(window, pos + len(_RESOURCE_ANCHOR))
        resource = resource or None
    explicit, policy_type, via, policy_arn, end = _context(window, pos)
    if mode != "full" and explicit is None:
        return None  # "on resource:" alone is not an IAM sentence
    return _Iam(
        message=window[start:end].strip(),
        principal=principal,
        action=action,
        resource=resource,
        explicit=explicit,
        policy_type=policy_type,
        via_policy_type=via,
        policy_arn=policy_arn or None,
        authorization_id=_authorization_id(window, end),
    )


# ---------------------------------------------------------------------------------------------------
# Model ids.


def _model_from_resource(resource: str | None) -> str | None:
    arn = parse_arn(resource) if resource else None
    if arn is None or arn.service != "bedrock":
        return None
    kind, _, rest = arn.resource.partition("/")
    if kind in ("foundation-model", "inference-profile"):
        return rest or None
    if kind.endswith("model") or kind.endswith("-profile") or kind.endswith("deployment"):
        return resource
    return None


def _model_after(text: str, lead: str) -> str | None:
    at = text.find(lead)
    if at < 0:
        return None
    token, _ = _read_token(text, at + len(lead))
    return _trim(token) or None


def _model_id(
    text: str, lower: str, resource: str | None, api_model: str | None, url_model: str | None
) -> str | None:
    found = _model_from_resource(resource) or _model_after(text, "Invocation of model ID ") or api_model
    if found:
        return found
    at = lower.find('"modelid"')
    if at >= 0:
        colon = text.find(":", at + len('"modelid"'), at + len('"modelid"') + 4)
        if colon >= 0:
            pos = colon + 1
            while pos < len(text) and text[pos] == " ":
                pos += 1
            value = _quoted_value(text, pos)
            if value:
                return value
    return url_model or _model_after(text, "model=")


# ---------------------------------------------------------------------------------------------------
# Classification.


def _cause(lower: str, http_status: int | None, has_iam: bool) -> NonIamCause | None:
    for code, _, markers in CAUSES:
        if has_iam and code not in _MODEL_ACCESS_CAUSES:
            continue
        if any(marker in lower for marker in markers):
            return code
    if not has_iam and http_status is not None:
        return _STATUS_CAUSES.get(http_status)
    return None


def _first_meaningful_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _has_marker(lower: str, cause: NonIamCause) -> bool:
    return any(marker in lower for code, _, markers in CAUSES if code == cause for marker in markers)


def _marker_line(text: str, lower: str, cause: NonIamCause) -> str | None:
    for code, _, markers in CAUSES:
        if code != cause:
            continue
        for marker in markers:
            at = lower.find(marker)
            if at >= 0:
                return _line_at(text, at)
    return None


def _account(principal: str | None, resource: str | None) -> str | None:
    """A 12-digit account id from the principal, else from the resource (quotes often elide it)."""
    for candidate in (principal, resource):
        arn = parse_arn(candidate) if candidate else None
        if arn and arn.account.isdigit() and arn.account.isascii():
            return arn.account
    return None


def _region(resource: str | None) -> str | None:
    """The resource ARN's Region; ``unspecified`` for a Bedrock ARN with an empty Region field."""
    arn = parse_arn(resource) if resource else None
    if arn is None:
        return None
    if arn.region:
        return arn.region
    return "unspecified" if arn.service == "bedrock" else None


def _clip_redacted(message: str) -> str:
    """Redact before cutting, so that a credential straddling the cut cannot leave a readable prefix."""
    return redact(message[: MAX_MESSAGE_CHARS + 8 * MAX_TOKEN_CHARS])[:MAX_MESSAGE_CHARS]


def _clean(value: str | None) -> str | None:
    return redact(value) if value is not None else None


def parse_error(text: str) -> ParsedError:
    """Find and read the AWS error in ``text``; never raises on any string.

    Input longer than :data:`MAX_INPUT_CHARS` is cut first. When the paste holds several errors the
    first IAM sentence wins; without one, the first cause in :data:`CAUSES` order.
    """
    text = text[:MAX_INPUT_CHARS]
    lower = text.lower()
    body = _json_message(text, lower)
    if body is None and '\\"' in text:
        # A JSON body inside a JSON string (a log of a log): read it with one level of escaping removed.
        text = text.replace('\\"', '"')
        lower = text.lower()
        body = _json_message(text, lower)

    iam = _parse_iam(body) if body else None
    if iam is None:
        iam = _parse_iam(text)

    # Causes are looked for in the raw text and in the decoded body (which has its escapes resolved).
    haystack = f"{lower}\n{body.lower()}" if body else lower
    boto = _botocore(text)
    api_status, api_model, api_message = _api_error(text)
    http_status = api_status if api_status is not None else _http_status(text, lower)
    if http_status is None and boto is not None:
        http_status = boto.http_status
    endpoint_region, url_model, url_operation = _endpoint(text)

    error_code = boto.error_code if boto and boto.error_code else _known_code(text)
    cause = _cause(haystack, http_status, iam is not None)

    kind: Kind
    if cause is not None:
        kind = _CAUSE_KIND[cause]
    elif iam is not None:
        kind = "access-denied"
    elif error_code in _CODE_KIND:
        kind = _CODE_KIND[error_code]
    elif http_status == 403:
        kind = "access-denied"
    else:
        kind = "other"

    if error_code is None:
        if iam is not None and cause in (None, "marketplace-subscription"):
            error_code = ACCESS_DENIED
        elif cause is not None:
            error_code = _INFERRED_CODE.get(cause)

    if iam is not None:
        message = iam.message
    else:
        # A JSON "message" elsewhere in a log (an unrelated log record) is not the error's message.
        if (
            body is not None
            and cause is not None
            and _has_marker(lower, cause)
            and not _has_marker(body.lower(), cause)
        ):
            body = None
        message = (
            body
            or (boto.message if boto else None)
            or api_message
            or (_after_code(text, error_code) if error_code else None)
            or (_marker_line(text, lower, cause) if cause else None)
            or _first_meaningful_line(text)
        )
        if http_status is not None and message.startswith(str(http_status)) and message[3:4] in (" ", ":"):
            message = message[4:].lstrip(" :") or message

    resource = iam.resource if iam else None
    principal = iam.principal if iam else None
    return ParsedError(
        kind=kind,
        message=_clip_redacted(message),
        error_code=_clean(error_code),
        http_status=http_status,
        operation=_clean((boto.operation if boto else None) or _go_operation(text) or url_operation),
        principal=_clean(principal),
        action=_clean(iam.action if iam else None),
        resource=_clean(resource),
        region=_clean(_region(resource)),
        account=_clean(_account(principal, resource)),
        policy_type=iam.policy_type if iam else None,
        policy_arn=_clean(iam.policy_arn if iam else None),
        explicit=iam.explicit if iam else None,
        model_id=_clean(_model_id(text, lower, resource, api_model, url_model)),
        non_iam_cause=cause,
        via_policy_type=iam.via_policy_type if iam else None,
        authorization_id=_clean(iam.authorization_id if iam else None),
        endpoint_region=_clean(endpoint_region),
    )


# ---------------------------------------------------------------------------------------------------
# Explanations.

DestinationsOf = Callable[[str, str], Sequence[tuple[str, str]]]
"""``(model id, Region) -> [(profile id, source Region), ...]``: the system inference profiles that route
that model to that Region, each with a source Region it does so from."""

_LAYER_NAME: dict[ReportedPolicyType, str] = {
    "identity": "the caller's identity-based policies",
    "scp": "a service control policy",
    "rcp": "a resource control policy",
    "boundary": "the permissions boundary",
    "session": "the session policy",
    "resource": "a resource-based policy",
    "vpce": "the VPC endpoint policy",
    "trust": "the role trust policy",
}


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why the error happened and what to do about it.

    ``code`` names the explanation that applied (a cause code from :data:`CAUSE_CODES`, or one of
    :data:`IAM_EXPLANATION_CODES`), stable for tests and JSON output.
    """

    code: str
    cause: str
    fixes: tuple[str, ...]


IAM_EXPLANATION_CODES: tuple[str, ...] = (
    "bearer-token-denied",
    "global-regionless-check",
    "cris-destination-check",
    "foundation-model-check",
    "inference-profile-check",
    "application-profile-check",
    "discovery-denied",
    "iam-denial",
    "access-denied-unparsed",
    "validation-unparsed",
    "unrecognized",
)


def _base_model(profile_id: str) -> str:
    split = split_profile_id(profile_id)
    return split[1] if split else profile_id


def _partition(resource: str | None) -> str:
    arn = parse_arn(resource) if resource else None
    return arn.partition if arn else "aws"


def _layer_cause(p: ParsedError) -> str:
    """One sentence: which layer decided, and how, for any IAM denial."""
    action = p.action or "the action"
    target = f" on {p.resource}" if p.resource else ""
    if p.policy_type is None:
        return "AWS's message does not say which policy type decided."
    via = f" (applied through {_LAYER_NAME[p.via_policy_type]})" if p.via_policy_type else ""
    if p.explicit:
        texts: dict[ReportedPolicyType, str] = {
            "scp": "A Deny statement in a service control policy of the AWS Organization matches the request. "
            "No IAM Allow can override it; only the organization's administrators can change the SCP.",
            "identity": "A Deny statement in the caller's identity-based policies (role or user policies, group "
            "policies, or an IAM Identity Center permission set) matches the request. Common shapes: a Region "
            "restriction on aws:RequestedRegion, or a network restriction on aws:SourceIp (which is absent when "
            "the call goes through a VPC endpoint, so a NotIpAddress deny then always fires).",
            "boundary": "A Deny statement in the permissions boundary of the user or role matches the request.",
            "session": "A Deny statement in the session policy, passed when the role session was created, matches "
            "the request.",
            "vpce": "The request went through a VPC interface endpoint whose endpoint policy denies it.",
            "rcp": "A resource control policy denies the request. RCPs do not apply to Amazon Bedrock, so this "
            "denial comes from another service.",
            "resource": "A resource-based policy of the target denies the request. Amazon Bedrock has no "
            "resource-based policies, so this denial comes from another service.",
            "trust": "The role's trust policy denies this caller the right to assume it.",
        }
        return texts[p.policy_type].replace("the request", f"the request{via}", 1)
    texts = {
        "scp": f"At some level of the organization (root, an OU or the account) no service control policy "
        f"allows {action}: an allow-list SCP leaves it out.",
        "identity": f"None of the caller's identity-based policies allows {action}{target}.",
        "boundary": f"The permissions boundary does not allow {action}{target}; a boundary caps what "
        "identity policies can grant.",
        "session": f"The session policy does not allow {action}{target}; a session policy caps what the "
        "role's own policies grant for that session.",
        "vpce": f"The policy of the VPC endpoint the request went through does not allow {action}{target}.",
        "rcp": f"No resource control policy allows {action}. RCPs do not apply to Amazon Bedrock.",
        "resource": f"No resource-based policy allows {action}{target}, and the caller's own policies do "
        "not either.",
        "trust": "The role's trust policy does not allow this caller to assume it.",
    }
    return texts[p.policy_type] + via


def _layer_fixes(p: ParsedError) -> list[str]:
    action = p.action or "the action"
    target = f" on {p.resource}" if p.resource else ""
    if p.policy_type is None:
        return ["Find the full message (client debug output, or the errorMessage of the CloudTrail event)."]
    if p.policy_type == "scp":
        return [
            "Ask the organization's administrators to change or exempt the SCP statement that matches; "
            "changing IAM policies in the account cannot help."
        ]
    if p.policy_type == "vpce":
        return [
            f"Allow {action}{target} in the bedrock-runtime VPC endpoint's policy, or call Bedrock without "
            "that endpoint."
        ]
    layer = _LAYER_NAME[p.policy_type]
    if p.explicit:
        return [
            f"Find the Deny statement in {layer} that matches and narrow its conditions or exempt this request."
        ]
    return [f"Allow {action}{target} in {layer}."]


def _references(p: ParsedError) -> list[str]:
    notes = []
    if p.policy_arn:
        notes.append(f"The deciding policy, as AWS names it: {p.policy_arn}")
    if p.authorization_id:
        notes.append(
            f"AWS recorded the evaluation as authorization id {p.authorization_id}: "
            "GetRequestAuthorizationDetails (or the console link in the message) shows it."
        )
    return notes


def _bearer(p: ParsedError) -> Explanation:
    denial = "denies" if p.explicit else "does not allow"
    layer = _LAYER_NAME[p.policy_type] if p.policy_type else "a policy"
    cause = (
        "The request was made with a Bedrock API key (a bearer token), and using an API key is itself "
        f"authorized as bedrock:CallWithBearerToken, which {layer} {denial}. Organizations often block API "
        "keys on purpose, all of them or only long-term ones (condition bedrock:BearerTokenType)."
    )
    fixes = [
        "Sign requests with IAM credentials instead: unset AWS_BEARER_TOKEN_BEDROCK (or the client's API key "
        "setting) so the client uses the AWS credential chain."
    ]
    if p.policy_type == "scp":
        fixes.append(
            "If API keys should be allowed, ask the organization's administrators for an exemption "
            "(for example short-term keys only, with bedrock:BearerTokenType = SHORT_TERM)."
        )
    elif not p.explicit:
        fixes.append(
            "Allow bedrock:CallWithBearerToken on * for the identity behind the key (the IAM user of a "
            "long-term key, or the role that generated a short-term key)."
        )
    else:
        fixes.extend(_layer_fixes(p))
    return Explanation("bearer-token-denied", cause, tuple(fixes))


def _global(p: ParsedError, model: str) -> Explanation:
    partition = _partition(p.resource)
    regionless = f"arn:{partition}:bedrock:::foundation-model/{model}"
    cause = (
        f"The denied check is on the Region-less foundation-model ARN {regionless}. Bedrock makes this check "
        f"only for a global cross-Region inference profile (global.{model}), and evaluates it with "
        'aws:RequestedRegion = "unspecified" rather than a Region name. '
    )
    layer = _LAYER_NAME[p.policy_type] if p.policy_type else "a policy"
    if p.policy_type == "scp" and p.explicit:
        cause += (
            "The service control policy's Region deny (a StringNotEquals allow-list of Regions, as in "
            'Control Tower\'s Region deny) does not list "unspecified", so every global-profile call fails.'
        )
        fixes = [
            'Add "unspecified" to the SCP\'s approved Regions for Bedrock, limited to global profiles with '
            "ArnLike bedrock:InferenceProfileArn arn:aws:bedrock:*:*:inference-profile/global.*.",
            'Under AWS Control Tower the landing-zone Region deny cannot list "unspecified": use the OU-level '
            "Region deny control with Bedrock invoke actions exempted, or a customized SCP.",
            "Or use a geographic profile (us., eu., ...) whose destination Regions are all approved.",
        ]
    elif p.explicit:
        cause += (
            f"A Deny in {layer} matches it, typically a Region restriction on aws:RequestedRegion that does "
            'not list "unspecified".'
        )
        fixes = [
            f'Exempt "unspecified" from the Region restriction in {layer}, limited to checks whose '
            "bedrock:InferenceProfileArn is a global profile.",
            "Or use a geographic profile instead of the global one.",
        ]
    else:
        cause += (
            f"{layer[0].upper()}{layer[1:]} do{'es' if not layer.endswith('policies') else ''} not allow it: "
            "an Allow for named Regions, or with an aws:RequestedRegion condition naming a Region, does not "
            "match this check."
        )
        fixes = [
            f"Allow {p.action or 'bedrock:InvokeModel'} on {regionless} with the conditions "
            'aws:RequestedRegion = "unspecified" and bedrock:InferenceProfileArn = the global profile ARN, '
            "next to the profile ARN and the source Region's foundation model.",
            "Or use a geographic profile instead of the global one.",
        ]
    return Explanation("global-regionless-check", cause, tuple(fixes))


def _profiles_phrase(routes: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """('the us. cross-Region inference profile', 'us.model (called from us-east-1 or us-west-2)')."""
    sources: dict[str, list[str]] = {}
    for profile, source in routes:
        sources.setdefault(profile, [])
        if source not in sources[profile]:
            sources[profile].append(source)
    prefixes: list[str] = []
    for profile in sources:
        prefix = profile.partition(".")[0] + "."
        if prefix not in prefixes:
            prefixes.append(prefix)
    plural = "s" if len(prefixes) > 1 else ""
    named = f"the {' and '.join(prefixes)} cross-Region inference profile{plural}"
    detail = "; ".join(
        f"{profile} called from {' or '.join(regions)}" for profile, regions in sources.items()
    )
    return named, detail


def _cris_destination(
    p: ParsedError, model: str, region: str, routes: Sequence[tuple[str, str]]
) -> Explanation:
    named, detail = _profiles_phrase(routes)
    prefix = routes[0][0].partition(".")[0]
    action = p.action or "bedrock:InvokeModel"
    partition = _partition(p.resource)
    cause = f"{region} is a destination Region of {named} ({detail}); "
    layer = _LAYER_NAME[p.policy_type] if p.policy_type else "a policy"
    if p.policy_type == "scp" and p.explicit:
        cause += "the service control policy's Region deny blocks the foundation-model check there."
        fixes = [
            f"Exempt cross-Region routing in the SCP: deny Bedrock invoke actions in {region} only when "
            f"bedrock:InferenceProfileArn does not match arn:aws:bedrock:*:*:inference-profile/{prefix}.* "
            "(the profile's own check in the source Region stays under the Region deny).",
            f"Under AWS Control Tower the landing-zone Region deny cannot exempt Bedrock: govern {region}, or "
            "use the OU-level Region deny control (CT.MULTISERVICE.PV.1) with bedrock:Invoke* exempted.",
            f"Or approve {region}, or use a profile whose destination Regions are all approved.",
        ]
    elif p.policy_type == "identity" and not p.explicit:
        cause += (
            "no identity-based policy allows the foundation model there. A profile call needs the profile "
            "ARN and the foundation-model ARN in every destination Region; this policy covers only some of "
            "them, so calls fail whenever that Region is checked."
        )
        fixes = [
            f"Allow {action} on arn:{partition}:bedrock:*::foundation-model/{model} (or list every destination "
            "Region), optionally with the condition bedrock:InferenceProfileArn = the profile ARN.",
        ]
    elif p.explicit:
        cause += (
            f"a Deny in {layer}, typically a Region restriction, blocks the foundation-model check there."
        )
        fixes = [
            f"Exempt checks that carry bedrock:InferenceProfileArn from the Region restriction in {layer}, "
            f"or allow {region} there.",
        ]
    else:
        cause += f"{layer} does not allow the foundation model in that Region."
        fixes = [f"Allow {action} on arn:{partition}:bedrock:{region}::foundation-model/{model} in {layer}."]
    cause += (
        " Bedrock checks the model in every destination Region, with aws:RequestedRegion set to that Region, "
        "even for requests served elsewhere."
    )
    return Explanation("cris-destination-check", cause, tuple(fixes))


def _foundation_model(
    p: ParsedError, model: str, region: str, routes: Sequence[tuple[str, str]] | None
) -> Explanation:
    cause = f"The check on the foundation model {model} in {region} is denied. {_layer_cause(p)}"
    if routes is None:
        cause += (
            f" If the call used a cross-Region inference profile, {region} may be one of its destination "
            "Regions rather than the Region the client called: Bedrock checks the model in every destination."
        )
    else:
        cause += (
            f" No system inference profile we know routes this model to {region}, so this is the check of a "
            f"call made in {region} itself."
        )
    fixes = _layer_fixes(p)
    if p.policy_type == "scp":
        fixes.append(f"Or call the model from an approved Region instead of {region}.")
    return Explanation("foundation-model-check", cause, tuple(fixes))


def _inference_profile(p: ParsedError, profile: str, region: str) -> Explanation:
    base = _base_model(profile)
    action = p.action or "bedrock:InvokeModel"
    partition = _partition(p.resource)
    fixes: tuple[str, ...]
    if p.policy_type == "scp" and p.explicit:
        cause = (
            f"The service control policy denies the inference-profile check itself ({p.resource}), which is "
            f"made in the source Region {region} and carries no bedrock:InferenceProfileArn. Two SCP shapes "
            "do this: a model allow-list (Deny with NotResource) that lists only foundation-model ARNs, so an "
            "approved model is still denied through a profile because the profile ARN is not in the list; or a "
            f"Region deny covering {region}, which an InferenceProfileArn exemption cannot lift on this check."
        )
        fixes = (
            "If the SCP is a model allow-list, add the approved inference-profile (and application-inference-"
            f"profile) ARNs to its NotResource, e.g. arn:aws:bedrock:*:*:inference-profile/*.{base}.",
            f"If {region} is outside the approved Regions, call the profile from an approved Region.",
        )
    elif p.policy_type == "session":
        cause = (
            f"The session policy of the role session {'denies' if p.explicit else 'does not allow'} "
            f"{action} on the inference profile {profile}. A session policy limits the session whatever the "
            "role's own policies grant; it often misses a model the client picks by itself, such as a "
            "background or small/fast model called directly instead of through the intended profile."
        )
        fixes = (
            f"Add the profile ARN (and arn:{partition}:bedrock:*::foundation-model/{base}) to the session policy "
            "your credential broker or gateway passes when it creates the session.",
            "Or pin the client's background, small/fast and subagent models to ones the session policy allows.",
        )
    elif p.policy_type == "identity" and not p.explicit:
        cause = (
            f"No identity-based policy allows {action} on the inference profile {p.resource}. A call through a "
            "profile needs the profile ARN in the source Region and the foundation model in every destination "
            "Region. If you did not choose this profile, a client's background, subagent or small/fast model "
            "may be using it."
        )
        fixes = (
            f"Allow {action} on arn:{partition}:bedrock:*:*:inference-profile/{profile} and on "
            f"arn:{partition}:bedrock:*::foundation-model/{base}.",
            "Or pin every model the client uses to profiles the policy already grants.",
        )
    else:
        cause = (
            f"The check on the inference profile {profile}, made in the source Region {region}, is denied. "
            + _layer_cause(p)
        )
        fix_list = _layer_fixes(p)
        if scope_of_profile_id(profile) == GLOBAL_SCOPE:
            cause += (
                " Organizations that keep data inside one geography often forbid global profiles on purpose, "
                "and some clients pick a global profile by themselves."
            )
            fix_list.append(
                "Pin the client's model ids to a geographic profile (for example Claude Code's "
                "ANTHROPIC_DEFAULT_*_MODEL settings), or turn off the client's global-inference option."
            )
        fixes = tuple(fix_list)
    return Explanation("inference-profile-check", cause, fixes)


def _application_profile(p: ParsedError) -> Explanation:
    cause = (
        f"The check on the application inference profile {p.resource} is denied. {_layer_cause(p)} A call "
        "through an application inference profile needs its ARN and the foundation models it routes to (and, "
        "conservatively, the system profile it was copied from)."
    )
    fixes = _layer_fixes(p)
    fixes.append(
        "Grant the application inference profile ARN, the system profile it was copied from and "
        "arn:aws:bedrock:*::foundation-model/<model> together."
    )
    return Explanation("application-profile-check", cause, tuple(fixes))


_INVOKE_ACTIONS = frozenset(
    {"bedrock:invokemodel", "bedrock:invokemodelwithresponsestream", "bedrock:counttokens"}
)
_DISCOVERY_ACTIONS = frozenset(
    {
        "bedrock:listinferenceprofiles",
        "bedrock:getinferenceprofile",
        "bedrock:listfoundationmodels",
        "bedrock:getfoundationmodel",
        "bedrock:getfoundationmodelavailability",
    }
)


def _discovery(p: ParsedError) -> Explanation:
    cause = (
        f"The caller may not use {p.action}, a read-only call that clients and setup wizards make to list or "
        "describe models and inference profiles. Without it they fall back to built-in model ids, which may "
        f"be wrong for your Region or policy and fail later. {_layer_cause(p)}"
    )
    fixes = [
        "Allow bedrock:ListInferenceProfiles, bedrock:GetInferenceProfile and bedrock:ListFoundationModels "
        "to the runtime role, or pin every model id in the client's settings.",
    ]
    if p.policy_type == "scp":
        fixes.extend(_layer_fixes(p))
    return Explanation("discovery-denied", cause, tuple(fixes))


def _iam(p: ParsedError, destinations_of: DestinationsOf | None) -> Explanation:
    action = (p.action or "").lower()
    if action == "bedrock:callwithbearertoken":
        return _bearer(p)
    if action in _DISCOVERY_ACTIONS:
        return _discovery(p)
    arn = parse_arn(p.resource) if p.resource else None
    # A sentence cut before its action ("… on resource: ARN ...") is read as an invocation.
    if arn is not None and arn.service == "bedrock" and (action in _INVOKE_ACTIONS or not action):
        kind, _, ident = arn.resource.partition("/")
        if kind == "foundation-model" and ident:
            if not arn.region:
                return _global(p, ident)
            routes = None
            if destinations_of is not None:
                routes = list(destinations_of(ident, arn.region))
                if routes:
                    return _cris_destination(p, ident, arn.region, routes)
            return _foundation_model(p, ident, arn.region, routes)
        if kind == "inference-profile" and ident:
            return _inference_profile(p, ident, arn.region)
        if kind == "application-inference-profile":
            return _application_profile(p)
    return Explanation("iam-denial", _layer_cause(p), tuple(_layer_fixes(p)))


def _prefix_note(model: str | None, region: str | None) -> str:
    if not model:
        return ""
    if model.startswith("."):
        return f" The id {model} starts with a dot: the client built it with an empty Region prefix."
    prefix = scope_of_profile_id(model)
    if prefix is not None and prefix != GLOBAL_SCOPE:
        where = f", and the client called {region}" if region else ""
        return (
            f" The id {model} is a {prefix}. geographic profile, which is valid only when called from a source "
            f"Region of that geography{where}."
        )
    return ""


def _non_iam(p: ParsedError, cause: NonIamCause) -> Explanation:
    model = p.model_id or "<model>"
    region = p.endpoint_region or p.region
    texts: dict[NonIamCause, tuple[str, tuple[str, ...]]] = {
        "expired-token": (
            "The temporary credentials the client signed with (an STS or SSO session) have expired. Bedrock "
            "rejects the request before evaluating any policy; clients that do not refresh keep failing.",
            (
                "Refresh the credentials (aws sso login, or re-run the command that produced them) and retry.",
                "Let the client refresh on its own: a credential_process profile, or Claude Code's "
                "awsAuthRefresh / awsCredentialExport settings.",
                "Use longer sessions where the role's maximum session duration allows.",
            ),
        ),
        "invalid-token": (
            "AWS does not recognise the credentials: the access key or session token is wrong, truncated or "
            "from another account or partition, or temporary keys are sent without their session token. A "
            "client that cannot resolve an SSO or role-chaining profile may fall back to stale keys.",
            (
                "Check what the client really uses: run aws sts get-caller-identity with the same environment "
                "and profile.",
                "Remove stale AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN from the "
                "environment: environment keys win over AWS_PROFILE.",
                "For SSO or chained profiles the client cannot read, use credential_process = aws configure "
                "export-credentials --profile NAME, or upgrade the client.",
            ),
        ),
        "invalid-api-key": (
            "The client sent a bearer token that Bedrock does not accept as an API key: not a Bedrock key, "
            "expired (short-term keys last at most 12 hours), revoked, or a short-term key used outside the "
            "Region that generated it.",
            (
                "Check AWS_BEARER_TOKEN_BEDROCK and the client's API key setting: replace the key with a valid "
                "one for this Region, or unset it to use IAM credentials.",
            ),
        ),
        "missing-authorization": (
            "The request reached Bedrock with neither a SigV4 signature nor a usable bearer token: the client "
            "skipped AWS signing (or an API key setting is empty), or a proxy dropped the header.",
            (
                "Give the client credentials: a Bedrock API key in AWS_BEARER_TOKEN_BEDROCK, or remove the "
                "setting that skips AWS authentication so requests are signed.",
                "Upgrade the client if a release note mentions this error.",
            ),
        ),
        "no-credentials": (
            "The client found no AWS credentials, so no request was sent. Clients differ in where they look "
            "(some read only ~/.aws/credentials); on EC2 or EKS, a container behind an IMDSv2 hop limit of 1 "
            "cannot reach the instance role.",
            (
                "Provide credentials to the process that calls Bedrock (AWS_PROFILE, exported keys, or a role).",
                "On EC2/EKS containers raise the instance metadata hop limit to 2, or use task or pod roles.",
                "With LiteLLM, do not pass an api_key to the Bedrock provider unless it is a Bedrock API key.",
            ),
        ),
        "invalid-signature": (
            "AWS could not verify the request signature: the secret key does not belong to the access key, or "
            "the request was signed for another Region or service than the endpoint it was sent to (for "
            "example a VPC endpoint URL of one Region with the client set to another).",
            (
                "Check the secret access key paired with the access key id.",
                "Make the client's Region match the endpoint URL it uses.",
            ),
        ),
        "clock-skew": (
            "The signed request's time is too far from AWS's clock (more than about five minutes).",
            ("Synchronise the machine's clock (NTP) and retry.",),
        ),
        "marketplace-subscription": (
            "The first call to this third-party model in the account triggers an AWS Marketplace subscription "
            "made with the caller's permissions, and the caller may not subscribe (aws-marketplace:Subscribe "
            "and ViewSubscriptions), or an SCP denies aws-marketplace actions. Until the model is enabled once, "
            "every call fails this way.",
            (
                "Have an administrator enable the model once (console, or one call by a role that may "
                "subscribe); after that every role in the account can invoke it.",
                "Do not give runtime roles Marketplace permissions; if unavoidable, restrict them with "
                "aws:CalledViaLast = bedrock.amazonaws.com.",
                "Check SCPs for denies on aws-marketplace:*.",
            ),
        ),
        "marketplace-agreement-pending": (
            "The AWS Marketplace subscription for this model is still being set up (this can take up to about "
            "15 minutes); if it failed instead, the account's payment method or location blocked it.",
            (
                "Wait a few minutes and retry.",
                "If it does not clear, check the account's payment method and the model's Marketplace agreement.",
            ),
        ),
        "use-case-form": (
            "Anthropic models need a one-time use-case submission for the account (or once in the "
            "organization's management account, inherited by member accounts); it has not been made.",
            (
                "Submit the Anthropic use-case details in the Amazon Bedrock console (or with "
                "PutUseCaseForModelAccess), then retry.",
            ),
        ),
        "no-model-access": (
            f"The account cannot use {model} in the Region called: the model is not offered there, or access to "
            "it has not been enabled for the account (Marketplace subscription, use-case form).",
            (
                "Check that the model is offered in that Region (aws bedrock list-foundation-models).",
                "Enable the model for the account, in every Region a profile can route it to.",
                "A model blocked by IAM or an SCP stays blocked after enabling: check those too.",
            ),
        ),
        "account-not-authorized": (
            "Bedrock refuses the account rather than the caller's policies: the account is not enabled for "
            "this operation or model (new or restricted accounts, or model access not granted). The same text "
            "is reported as AccessDeniedException in some sources and ValidationException in others.",
            (
                "Check model access and quotas for the account in the Bedrock console.",
                "If nothing is missing, ask AWS Support to enable the account.",
            ),
        ),
        "legacy-model": (
            "The provider has marked the model Legacy, and accounts that have not used it in the last 15 days "
            "lose access. This is not an IAM problem.",
            ("Move to a current model version and pin it in the client's settings.",),
        ),
        "prompt-caching": (
            "The request asked for prompt caching, which this model, or this way of calling it, does not "
            "support. This is not an IAM problem.",
            (
                "Turn prompt caching off in the client (Claude Code: DISABLE_PROMPT_CACHING=1), or use a model "
                "that supports it.",
            ),
        ),
        "on-demand-not-supported": (
            f"{model} has no on-demand capacity of its own: it runs only through an inference profile (or "
            "Provisioned Throughput). Bedrock rejects the bare model id before any IAM check.",
            (
                f"Call a cross-Region inference profile instead, e.g. us.{model}, eu.{model} or global.{model}, "
                "choosing one offered in your source Region.",
                "Then allow the profile ARN and the foundation model in each of its destination Regions in IAM, "
                "and check SCP Region denies for those Regions.",
            ),
        ),
        "invalid-model-id": (
            "The bedrock-runtime endpoint of the Region called does not know this model identifier. Usual "
            "reasons: a geographic profile prefix that does not serve that Region (a us. id sent to an EU "
            "Region), a typo or missing prefix, a model not offered there, or a client sending an application "
            "inference profile ARN down a route that does not accept it." + _prefix_note(p.model_id, region),
            (
                "List the profiles and models of the Region you call (aws bedrock list-inference-profiles "
                "--region REGION) and use an id from that list.",
                "Check the Region each client call uses: background, subagent and small/fast models may use "
                "other ids or Regions than the main model.",
                "With LiteLLM and application inference profile ARNs, use the bedrock/converse/ route.",
            ),
        ),
        "throttling": (
            "Bedrock throttled the request: a quota (requests or tokens per minute) for this model in this "
            "Region is used up. This is not an access problem.",
            (
                "Retry with backoff.",
                "Spread load with a cross-Region inference profile.",
                "Ask for a higher quota in Service Quotas.",
            ),
        ),
        "model-overloaded": (
            "The model is temporarily overloaded. This is not an access problem.",
            ("Retry later, or use a cross-Region inference profile to reach more capacity.",),
        ),
        "service-unavailable": (
            "Bedrock was temporarily unavailable. This is not an access problem.",
            ("Retry with backoff; check the AWS Health Dashboard if it persists.",),
        ),
        "no-endpoint": (
            "The client could not connect to the bedrock-runtime endpoint"
            + (f" of {region}" if region else "")
            + ". Usually the Region has no Amazon Bedrock runtime endpoint or its name is mistyped, or a custom "
            "endpoint or proxy setting points somewhere unreachable. No request reached AWS, so no policy was "
            "evaluated.",
            (
                "Call a Region where Amazon Bedrock runtime is available.",
                "Check custom endpoint settings (AWS_ENDPOINT_URL_BEDROCK_RUNTIME, the client's endpoint option).",
            ),
        ),
        "region-missing": (
            "The client could not determine which Region to call. Clients read the Region from different places "
            "(AWS_REGION, AWS_DEFAULT_REGION, the profile's region), and some ignore ~/.aws/config.",
            ("Set AWS_REGION explicitly for the client, and its own Region setting if it has one.",),
        ),
        "unknown-provider": (
            "The client library could not tell which model provider the id belongs to: older releases do not "
            "understand profile prefixes (us., eu., apac. ...) or application inference profile ARNs. The "
            "request never reached AWS.",
            (
                "Upgrade the client library.",
                "With LiteLLM, use the bedrock/converse/ route for inference profile ARNs.",
                "Set the provider explicitly where the client allows it.",
            ),
        ),
    }
    cause_text, fixes = texts[cause]
    if cause == "marketplace-subscription" and p.principal:
        cause_text += f" The caller was {p.principal}."
    return Explanation(cause, cause_text, fixes)


def explain_parsed(parsed: ParsedError, destinations_of: DestinationsOf | None = None) -> Explanation:
    """The cause of a parsed error in plain words, and what to do.

    ``destinations_of`` lets the explanation name the inference profiles that make a Region a
    destination (see :data:`DestinationsOf`); without it, a denied foundation model in a Region is
    explained with both readings (direct call, or destination of a profile).
    """
    if parsed.non_iam_cause is not None:
        return _non_iam(parsed, parsed.non_iam_cause)
    if parsed.is_iam_denial:
        explanation = _iam(parsed, destinations_of)
        extra = tuple(_references(parsed))
        return Explanation(explanation.code, explanation.cause, explanation.fixes + extra)
    if parsed.kind == "access-denied":
        return Explanation(
            "access-denied-unparsed",
            "The request was denied, but the text does not include AWS's sentence naming the action, the "
            "resource and the policy type that decided.",
            (
                "Find the full message: the client's debug output, or the errorMessage of the call's CloudTrail event.",
            ),
        )
    if parsed.kind == "validation":
        return Explanation(
            "validation-unparsed",
            "Bedrock rejected the request as invalid before authorizing it; this is not an IAM problem.",
            ("Read the message for the field it names (model id, request body, parameters).",),
        )
    return Explanation(
        "unrecognized",
        "The text does not contain an AWS error this tool recognises.",
        ("Paste the whole error, including the message returned by AWS.",),
    )
