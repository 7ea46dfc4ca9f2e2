"""Scanning a pasted error: any text in, one structured :class:`ParsedError` out.

:func:`parse_error` takes any text (a terminal scroll-back, a log line, a client's wrapped error) and
finds the AWS error in it: the IAM AccessDenied grammar of :mod:`bedrock_access.bedrock.errors`,
with or without its envelopes (botocore, the AWS SDKs for JavaScript, Java and Go, the ``API Error:
403 {...}`` and ``BedrockException - {...}`` wrappers, JSON and Python-dict bodies), and the non-IAM
errors that users report as access problems, recognised by the markers of the cause table
:data:`bedrock_access.bedrock.error_causes.CAUSES`. What a parsed error means is
:mod:`bedrock_access.bedrock.error_explain`'s business.

Cost is bounded by design: the input is cut to :data:`MAX_INPUT_CHARS`, the IAM sentence is read in a
window of :data:`IAM_WINDOW_CHARS` around its anchor, and every step is a scan with ``str.find`` or a
single left-to-right walk. No regular expression is applied to the input here.

Every string in a :class:`ParsedError` has passed through :func:`~bedrock_access.redact.redact`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from bedrock_access.bedrock.endpoints import runtime_host
from bedrock_access.bedrock.error_causes import CAUSE_BY_CODE, CAUSES, Kind, NonIamCause
from bedrock_access.bedrock.errors import (
    ACCESS_DENIED,
    POLICY_PHRASES,
    RUNTIME_OPERATION_PATHS,
    ReportedPolicyType,
)
from bedrock_access.bedrock.paste import CleanPaste, Redaction, clean_paste, is_redacted
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

# Causes that come with an IAM sentence of their own (the Marketplace auto-subscription denial) or
# that an IAM sentence elsewhere in the paste does not make less likely. Other causes give way to an
# IAM sentence found in the same text.
_MODEL_ACCESS_CAUSES: frozenset[NonIamCause] = frozenset(
    cause.code for cause in CAUSES if cause.kind == "model-access"
)

_STATUS_CAUSES: dict[int, NonIamCause] = {status: cause.code for cause in CAUSES for status in cause.statuses}

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
    - ``non_iam_cause``: one of :data:`CAUSE_CODES` when the error is not (only) an IAM decision; when
      the paste holds several errors, the root one (a request that never reached AWS explains the rest).
    - ``other_causes``: the other causes found in the same paste.
    - ``redactions``: the placeholders the user put in place of values (see
      :mod:`bedrock_access.bedrock.paste`); fields holding one contain its opaque token.
    - ``truncated``: the paste seems cut off.
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
    other_causes: tuple[NonIamCause, ...] = ()
    redactions: tuple[Redaction, ...] = ()
    truncated: bool = False

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


def _occurrences(haystack: str, needle: str) -> Iterator[int]:
    """The first :data:`_MAX_KEY_TRIES` positions of ``needle``: hostile text repeating a key cannot make
    a scan quadratic."""
    at = haystack.find(needle)
    tries = 0
    while at >= 0 and tries < _MAX_KEY_TRIES:
        tries += 1
        yield at
        at = haystack.find(needle, at + 1)


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
        for start in _occurrences(lower, key):
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
        for start in _occurrences(lower, marker):
            found = _read_status(text, start + len(marker))
            if found is not None:
                return found
    # "403 Forbidden", "HTTP 403 Forbidden", "Forbidden: {...}": the status by its reason phrase.
    for phrase, status in (("403 forbidden", 403), ("forbidden:", 403), ("401 unauthorized", 401)):
        if phrase in lower:
            return status
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


_RUNTIME_LABELS = ("bedrock-runtime", "bedrock-runtime-fips")


def _endpoint(text: str) -> tuple[str | None, str | None, str | None]:
    """(Region, model id, operation) from a bedrock-runtime URL or host name in the text."""
    for start in _occurrences(text, "bedrock-runtime"):
        token, _ = _read_token(text, start)
        host, _, path = token.partition("/")
        # bedrock-runtime.REGION.amazonaws.com, bedrock-runtime-fips.REGION..., VPC endpoint names differ.
        labels = host.lower().split(".")
        region = runtime_host(host, aws_domain_only=False).region if len(labels) >= 2 else None
        if region is None and len(labels) >= 2 and labels[0] in _RUNTIME_LABELS and is_redacted(labels[1]):
            region = labels[1]  # a redacted Region ("<region>"): opaque, read both ways by the explainer
        if region is not None:
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
        for at in _occurrences(text, lead):
            explicit, policy_type, _, _, _ = _context(text, at)
            if explicit is not None and policy_type is not None:
                if best < 0 or at < best:
                    best = at
                break
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


def _causes(lower: str, http_status: int | None, has_iam: bool) -> tuple[NonIamCause, ...]:
    """Every cause whose marker is in the text, root first: a cause whose request never reached AWS
    (no endpoint, no Region, no credentials) explains the other errors of the same paste; otherwise the
    table's order decides."""
    found = [
        cause
        for cause in CAUSES
        if not (has_iam and cause.code not in _MODEL_ACCESS_CAUSES)
        and any(marker in lower for marker in cause.markers)
    ]
    found.sort(key=lambda cause: cause.reaches_aws)  # stable: table order within each group
    codes = tuple(cause.code for cause in found)
    if not codes and not has_iam and http_status is not None and http_status in _STATUS_CAUSES:
        return (_STATUS_CAUSES[http_status],)
    return codes


def _first_meaningful_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def _has_marker(lower: str, cause: NonIamCause) -> bool:
    return any(marker in lower for marker in CAUSE_BY_CODE[cause].markers)


def _marker_line(text: str, lower: str, cause: NonIamCause) -> str | None:
    for marker in CAUSE_BY_CODE[cause].markers:
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
    first IAM sentence wins; without one, the first cause in the cause table's order
    (:data:`~bedrock_access.bedrock.error_causes.CAUSES`).
    """
    cleaned = clean_paste(text[:MAX_INPUT_CHARS])
    text = cleaned.text
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
    causes = _causes(haystack, http_status, iam is not None)
    if endpoint_region is None and _endpoint_without_region(lower):
        # "bedrock-runtime.undefined.amazonaws.com": the client built the host name without a Region.
        causes = ("region-missing", *(c for c in causes if c not in ("region-missing", "no-endpoint")))
    cause = causes[0] if causes else None

    kind: Kind
    if cause is not None:
        kind = CAUSE_BY_CODE[cause].kind
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
            error_code = CAUSE_BY_CODE[cause].error_code

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
        other_causes=causes[1:],
        redactions=cleaned.redactions,
        truncated=_truncated(cleaned, iam),
    )


def _truncated(cleaned: CleanPaste, iam: _Iam | None) -> bool:
    """Cut off: the paste says so, or AWS's sentence stops before the policy type that decided."""
    if cleaned.truncated:
        return True
    return iam is not None and iam.action is not None and iam.policy_type is None


_NO_REGION_LABELS = (
    "bedrock-runtime.undefined.",
    "bedrock-runtime.null.",
    "bedrock-runtime.none.",
    "bedrock-runtime..",
)


def _endpoint_without_region(lower: str) -> bool:
    return any(label in lower for label in _NO_REGION_LABELS)
