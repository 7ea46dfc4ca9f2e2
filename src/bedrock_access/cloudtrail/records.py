"""From one CloudTrail record to one failed Bedrock call, or nothing (pure).

A record is kept when it is a Bedrock inference call that failed: ``eventSource`` bedrock.amazonaws.com
with a runtime ``eventName`` (InvokeModel, InvokeModelWithResponseStream, Converse, ConverseStream,
CountTokens), or bedrock-mantle.amazonaws.com with CreateInference, and an ``errorCode``. Everything
else (successes, other services, Bedrock control-plane calls) is passed over without a word.

The ``eventName`` is the API operation; the IAM action that was authorized is a different name for
two of them (Converse is authorized as bedrock:InvokeModel, ConverseStream as
bedrock:InvokeModelWithResponseStream): :func:`bedrock_access.bedrock.checks.action_for` says which.

Every string taken from a record passes through :func:`bedrock_access.redact.redact`: records carry
access key ids, and request parameters may carry tokens. The access key id itself is never read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from bedrock_access.bedrock.checks import action_for
from bedrock_access.redact import redact

BEDROCK_SOURCE = "bedrock.amazonaws.com"
MANTLE_SOURCE = "bedrock-mantle.amazonaws.com"

RUNTIME_EVENTS = frozenset(
    {"InvokeModel", "InvokeModelWithResponseStream", "Converse", "ConverseStream", "CountTokens"}
)
MANTLE_EVENTS = frozenset({"CreateInference"})
MANTLE_ACTION = "bedrock-mantle:CreateInference"

MAX_MESSAGE_CHARS = 8_000
"""An errorMessage longer than this is cut before it is read (CloudTrail keeps them far shorter)."""

MAX_FIELD_CHARS = 2_048
"""Any other string taken from a record (ARNs, ids, host names) is cut to this length."""

IDENTITY_CENTER_ROLE_PREFIX = "AWSReservedSSO_"
API_KEY_USER_PREFIX = "BedrockAPIKey_"


class RecordError(ValueError):
    """A Bedrock failure record that lacks a field the explanation needs; ``field`` names it."""

    def __init__(self, field: str, problem: str = "missing") -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


@dataclass(frozen=True, slots=True)
class Caller:
    """Who made the call, as far as the record says.

    ``kind`` is a short description: ``IAM user``, ``API-key IAM user``, ``role session``,
    ``Identity Center (permission set X)``, ``root``, ``AWS service`` or the record's own type.
    """

    principal: str
    kind: str
    account: str | None
    identity_center_permission_set: str | None = None
    api_key: bool | None = None
    bearer_token_type: str | None = None


@dataclass(frozen=True, slots=True)
class FailedCall:
    """One failed Bedrock inference call and the context its record gives."""

    event_time: datetime
    operation: str  # the API operation (eventName)
    action: str  # the IAM action authorized for it
    service: str  # eventSource
    error_code: str
    raw_message: str  # errorMessage as recorded, NOT redacted: only the adapter reads it
    caller: Caller
    source_region: str  # awsRegion: the Region the client called
    model_id: str | None  # requestParameters.modelId (or model, for bedrock-mantle)
    endpoint: str | None  # tlsDetails.clientProvidedHostHeader
    source_ip: str | None
    vpc_endpoint: str | None
    inference_region: str | None  # additionalEventData.inferenceRegion, when Bedrock recorded one
    event_id: str | None
    source: str  # where the record was read: file and position

    @property
    def account(self) -> str | None:
        return self.caller.account


# Control characters in a record (a model id is whatever the client sent) must not reach a terminal
# as escape sequences: they become spaces. Messages keep their line breaks and tabs.
_CONTROL = {code: " " for code in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_MESSAGE_CONTROL = {code: sub for code, sub in _CONTROL.items() if code not in (0x09, 0x0A, 0x0D)}


# Event ids (UUIDs) and IP addresses differ on every record; made only of these characters a value
# cannot hold any credential redact() knows (each needs a letter outside a-f), so it skips the cache.
_PLAIN = frozenset("0123456789abcdefABCDEF-.:")


@lru_cache(maxsize=65_536)
def _redacted(value: str) -> str:
    # Records repeat the same principals, models and hosts; redacting each distinct value once keeps a
    # million records fast. The cache is bounded and holds only redacted output keyed by its input.
    return redact(value.translate(_CONTROL))


def _text(value: Any, limit: int = MAX_FIELD_CHARS) -> str | None:
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, bool | int | float):
        text = str(value)
    else:
        return None
    if not text or text.lower() == "null":
        return None
    text = text[:limit]
    if _PLAIN.issuperset(text):
        return text
    return _redacted(text)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def parse_time(value: Any) -> datetime | None:
    """An eventTime as CloudTrail writes it (``2026-11-02T10:00:00Z``), or as query tools export it
    (``2026-11-02 10:00:00.000``, with or without an offset); always returned in UTC."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _role_name_from_assumed_role(arn: str) -> str | None:
    # arn:aws:sts::111122223333:assumed-role/ROLE/SESSION
    marker = ":assumed-role/"
    at = arn.find(marker)
    if at < 0:
        return None
    return arn[at + len(marker) :].split("/", 1)[0] or None


def _permission_set(role_name: str) -> str:
    """``AWSReservedSSO_Developer_0123456789abcdef`` -> ``Developer`` (the suffix is a hash)."""
    name = role_name[len(IDENTITY_CENTER_ROLE_PREFIX) :]
    head, sep, tail = name.rpartition("_")
    return head if sep and tail.isalnum() else name


def read_caller(record: Mapping[str, Any], bearer: bool | None, bearer_type: str | None) -> Caller:
    """The caller from ``userIdentity``; Identity Center roles and API-key users are named as such."""
    identity = _mapping(record.get("userIdentity"))
    identity_type = _text(identity.get("type")) or "Unknown"
    principal = _text(identity.get("arn"))
    issuer = _mapping(_mapping(identity.get("sessionContext")).get("sessionIssuer"))
    user_name = _text(identity.get("userName"))
    if principal is None:
        principal = (
            _text(issuer.get("arn"))
            or _text(identity.get("invokedBy"))
            or _text(identity.get("principalId"))
            or user_name
            or "(not recorded)"
        )
    account = _text(identity.get("accountId")) or _text(record.get("recipientAccountId"))

    role_name = _text(issuer.get("userName")) or _role_name_from_assumed_role(principal)
    permission_set = None
    if role_name and role_name.startswith(IDENTITY_CENTER_ROLE_PREFIX):
        permission_set = _permission_set(role_name)
        kind = f"Identity Center (permission set {permission_set})"
    elif identity_type == "IAMUser" and user_name and user_name.startswith(API_KEY_USER_PREFIX):
        kind = "API-key IAM user"
        bearer = True if bearer is None else bearer
    elif identity_type == "IAMUser":
        kind = "IAM user"
    elif identity_type == "AssumedRole":
        kind = "role session"
    elif identity_type == "Root":
        kind = "root"
    elif identity_type == "AWSService":
        kind = "AWS service"
    else:
        kind = identity_type
    return Caller(
        principal=principal,
        kind=kind,
        account=account,
        identity_center_permission_set=permission_set,
        api_key=bearer,
        bearer_token_type=bearer_type,
    )


def is_bedrock_failure(record: Mapping[str, Any]) -> bool:
    """The cheap test run on every record: a failed Bedrock inference call?"""
    if not record.get("errorCode"):
        return False
    source = record.get("eventSource")
    if source == BEDROCK_SOURCE:
        return record.get("eventName") in RUNTIME_EVENTS
    if source == MANTLE_SOURCE:
        return record.get("eventName") in MANTLE_EVENTS
    return False


def failed_call(record: Mapping[str, Any], source: str) -> FailedCall | None:
    """The failed Bedrock call in ``record``, None when the record is anything else.

    Raises :class:`RecordError` when the record is a Bedrock failure but lacks a field needed to
    explain it (eventTime, awsRegion) or has one in the wrong shape.
    """
    if not is_bedrock_failure(record):
        return None
    operation = str(record["eventName"])
    service = str(record["eventSource"])
    error_code = _text(record.get("errorCode"))
    if error_code is None:
        raise RecordError("errorCode", "not a string")
    event_time = parse_time(record.get("eventTime"))
    if event_time is None:
        raise RecordError("eventTime", "missing" if record.get("eventTime") is None else "not a time")
    region = _text(record.get("awsRegion"))
    if region is None:
        raise RecordError("awsRegion")
    if record.get("userIdentity") is not None and not isinstance(record.get("userIdentity"), Mapping):
        raise RecordError("userIdentity", "not an object")

    request = _mapping(record.get("requestParameters"))
    extra = _mapping(record.get("additionalEventData"))
    # bedrock-runtime records the bearer flag in additionalEventData; bedrock-mantle in requestParameters.
    bearer = _flag(extra.get("callWithBearerToken"))
    if bearer is None:
        bearer = _flag(request.get("callWithBearerToken"))
    bearer_type = _text(extra.get("bearerTokenType")) or _text(request.get("bearerTokenType"))
    model = _text(request.get("modelId")) or _text(request.get("model"))
    tls = _mapping(record.get("tlsDetails"))
    message = record.get("errorMessage")
    return FailedCall(
        event_time=event_time,
        operation=operation,
        action=MANTLE_ACTION if service == MANTLE_SOURCE else action_for(operation),
        service=service,
        error_code=error_code,
        raw_message=(
            message[:MAX_MESSAGE_CHARS].translate(_MESSAGE_CONTROL) if isinstance(message, str) else ""
        ),
        caller=read_caller(record, bearer, bearer_type),
        source_region=region,
        model_id=model,
        endpoint=_text(tls.get("clientProvidedHostHeader")),
        source_ip=_text(record.get("sourceIPAddress")),
        vpc_endpoint=_text(record.get("vpcEndpointId")),
        inference_region=_text(extra.get("inferenceRegion")),
        event_id=_text(record.get("eventID")),
        source=source,
    )


def looks_like_record(value: Any) -> bool:
    """Whether ``value`` has the two fields every CloudTrail API-call record has."""
    return isinstance(value, Mapping) and "eventSource" in value and "eventName" in value
