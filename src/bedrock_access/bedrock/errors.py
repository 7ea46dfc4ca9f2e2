"""The error a client will see when a Bedrock call fails: AWS's exact texts, predicted.

IAM denials follow the general grammar of the IAM user guide ("Troubleshoot access denied error
messages"), which Bedrock uses unchanged::

    User: <principal> is not authorized to perform: <action>[ on resource: <resource>] <context>

    <context> = "with an explicit deny in " <article> <policy phrase>[": " <policy ARN>]
              | "because no " <policy phrase> " allows the " <action> " action"

The principal is printed as AWS prints it: an assumed-role session as
``arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`` (see :func:`session_principal_arn`).

Wording decisions (docs/errors.md has the sources):

- The IAM guide's own example says "with an explicit deny in a sessions policy"; messages seen from
  real services say "session policy", matching the implicit form "because no session policy allows".
  We emit "session policy"; the parser accepts both.
- When several policy types deny one request, AWS names only one and does not say which it picks.
  :func:`reported_policy_type` picks the first in :data:`REPORTING_ORDER`, the order of AWS's policy
  evaluation flow chart (RCP, SCP, resource-based, identity-based, boundary, session), with the VPC
  endpoint policy, which that chart does not place, after the SCP: it is another perimeter that no
  grant can widen.
- The on-demand throughput message uses the typographic apostrophe (U+2019) in "isn’t", as the
  responses quoted in client code and logs do; the research notes transcribe it with ``'``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from bedrock_access.iam.arn import parse_arn
from bedrock_access.iam.engine import LayerType

EnginePolicyType = LayerType
"""Policy types as the IAM engine names them (identity, resource, pb, session, scp, rcp, vpce)."""

ReportedPolicyType = Literal["identity", "resource", "boundary", "session", "scp", "rcp", "vpce", "trust"]
"""Policy types as error parsing and JSON output name them (``pb`` becomes ``boundary``; ``trust`` is the
role trust policy of ``sts:AssumeRole`` denials, which the engine does not produce)."""

ENGINE_POLICY_TYPES: tuple[EnginePolicyType, ...] = (
    "identity",
    "resource",
    "pb",
    "session",
    "scp",
    "rcp",
    "vpce",
)

REPORTING_ORDER: tuple[EnginePolicyType, ...] = (
    "rcp",
    "scp",
    "vpce",
    "resource",
    "identity",
    "pb",
    "session",
)
"""Which policy type a message names when several deny: the first of these among them."""

_TO_REPORTED: dict[EnginePolicyType, ReportedPolicyType] = {
    "identity": "identity",
    "resource": "resource",
    "pb": "boundary",
    "session": "session",
    "scp": "scp",
    "rcp": "rcp",
    "vpce": "vpce",
}

# How each policy type is named in messages: (article for the explicit form, phrase).
POLICY_PHRASES: dict[ReportedPolicyType, tuple[str, str]] = {
    "identity": ("an", "identity-based policy"),
    "resource": ("a", "resource-based policy"),
    "boundary": ("a", "permissions boundary"),
    "session": ("a", "session policy"),
    "scp": ("a", "service control policy"),
    "rcp": ("a", "resource control policy"),
    "vpce": ("a", "VPC endpoint policy"),
    "trust": ("the", "role trust policy"),
}

ACCESS_DENIED = "AccessDeniedException"
VALIDATION = "ValidationException"

INVALID_MODEL_IDENTIFIER = "The provided model identifier is invalid."
ON_DEMAND_TEMPLATE = (
    "Invocation of model ID {model_id} with on-demand throughput isn\u2019t supported. "
    "Retry your request with the ID or ARN of an inference profile that contains this model."
)

RUNTIME_OPERATION_PATHS: dict[str, str] = {
    "InvokeModel": "invoke",
    "InvokeModelWithResponseStream": "invoke-with-response-stream",
    "Converse": "converse",
    "ConverseStream": "converse-stream",
    "CountTokens": "count-tokens",
}
"""The last path segment of each bedrock-runtime operation (``/model/{modelId}/<segment>``)."""


def reported_type(policy_type: EnginePolicyType) -> ReportedPolicyType:
    """The engine's type name in the parser's vocabulary (``pb`` -> ``boundary``)."""
    return _TO_REPORTED[policy_type]


def engine_type(policy_type: ReportedPolicyType) -> EnginePolicyType | None:
    """The parser's type name in the engine's vocabulary; None for ``trust``, which the engine lacks."""
    for engine, reported in _TO_REPORTED.items():
        if reported == policy_type:
            return engine
    return None


def reported_policy_type(denying: Iterable[EnginePolicyType]) -> EnginePolicyType:
    """The one policy type a message names when all of ``denying`` deny the request.

    Raises ValueError when ``denying`` is empty.
    """
    present = set(denying)
    for candidate in REPORTING_ORDER:
        if candidate in present:
            return candidate
    raise ValueError("no denying policy type given")


def session_principal_arn(role_arn: str, session_name: str) -> str:
    """How AWS prints a role session: ``arn:aws:iam::A:role/path/R`` -> ``arn:aws:sts::A:assumed-role/R/S``.

    The role's path is dropped, as in AWS's own session ARNs. A string that is not a role ARN is
    returned unchanged.
    """
    arn = parse_arn(role_arn)
    if arn is None or arn.service != "iam" or not arn.resource.startswith("role/"):
        return role_arn
    role_name = arn.resource.rsplit("/", 1)[-1]
    return f"arn:{arn.partition}:sts::{arn.account}:assumed-role/{role_name}/{session_name}"


def access_denied_message(
    principal: str,
    action: str,
    resource: str | None,
    *,
    explicit: bool,
    policy_type: EnginePolicyType,
    policy_arn: str | None = None,
) -> str:
    """AWS's AccessDenied message text for one denied authorization.

    ``resource`` None gives the form without "on resource:" (actions without resource types).
    ``policy_arn`` appends ``: <ARN>`` to an explicit deny, as newer messages do; AWS does not do it
    for every service or request, so the default is the classic form. It is ignored for implicit denies,
    which have no deciding policy.
    """
    article, phrase = POLICY_PHRASES[reported_type(policy_type)]
    head = f"User: {principal} is not authorized to perform: {action}"
    if resource is not None:
        head += f" on resource: {resource}"
    if explicit:
        tail = f"with an explicit deny in {article} {phrase}"
        if policy_arn:
            tail += f": {policy_arn}"
        return f"{head} {tail}"
    return f"{head} because no {phrase} allows the {action} action"


@dataclass(frozen=True, slots=True)
class PredictedError:
    """What the client receives.

    ``error_code`` and ``http_status`` are the AWS exception and its status; both are None for a
    connection error, where no AWS response exists. ``message`` is the exception's message, exactly
    as AWS sends it, or for a connection error our own description. ``client_text`` is, where we know
    it, the text a client library prints around it (botocore's form).
    """

    error_code: str | None
    http_status: int | None
    message: str
    connection_error: bool = False
    client_text: str | None = None


def _botocore_text(error_code: str, operation: str | None, message: str) -> str | None:
    if operation is None:
        return None
    return f"An error occurred ({error_code}) when calling the {operation} operation: {message}"


def access_denied_error(
    principal: str,
    action: str,
    resource: str | None,
    *,
    explicit: bool,
    policy_type: EnginePolicyType,
    policy_arn: str | None = None,
    operation: str | None = None,
) -> PredictedError:
    """The AccessDeniedException (HTTP 403) a denied invocation returns; ``operation`` adds botocore's text."""
    message = access_denied_message(
        principal, action, resource, explicit=explicit, policy_type=policy_type, policy_arn=policy_arn
    )
    return PredictedError(
        ACCESS_DENIED, 403, message, client_text=_botocore_text(ACCESS_DENIED, operation, message)
    )


def invalid_model_identifier_error(*, operation: str | None = None) -> PredictedError:
    """ValidationException (400) for an identifier the source Region's endpoint does not know."""
    return PredictedError(
        VALIDATION,
        400,
        INVALID_MODEL_IDENTIFIER,
        client_text=_botocore_text(VALIDATION, operation, INVALID_MODEL_IDENTIFIER),
    )


def on_demand_not_supported_error(model_id: str, *, operation: str | None = None) -> PredictedError:
    """ValidationException (400) for a bare model id of a model that runs only through inference profiles."""
    message = ON_DEMAND_TEMPLATE.format(model_id=model_id)
    return PredictedError(
        VALIDATION, 400, message, client_text=_botocore_text(VALIDATION, operation, message)
    )


def credentials_rejected_error(*, operation: str | None = None) -> PredictedError:
    """UnrecognizedClientException (403): credentials of another partition are unknown to the endpoint,
    so authentication fails before any policy is evaluated."""
    message = "The security token included in the request is invalid."
    return PredictedError(
        "UnrecognizedClientException",
        403,
        message,
        client_text=_botocore_text("UnrecognizedClientException", operation, message),
    )


def runtime_endpoint_host(region: str) -> str:
    """The bedrock-runtime host name of ``region`` (China Regions use ``amazonaws.com.cn``)."""
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"bedrock-runtime.{region}.{suffix}"


def no_endpoint_error(
    region: str, *, model_id: str | None = None, operation: str | None = None
) -> PredictedError:
    """A call to a Region without a Bedrock runtime endpoint: a connection failure, not an AWS error.

    The host name does not resolve, so no request reaches AWS and no IAM check happens. botocore raises
    EndpointConnectionError with the ``client_text`` given here (when ``model_id`` and ``operation`` are
    known); the AWS SDK for JavaScript reports a DNS failure (``getaddrinfo ENOTFOUND <host>``).
    """
    host = runtime_endpoint_host(region)
    message = (
        f"No Amazon Bedrock runtime endpoint in {region}: {host} does not exist, so the client cannot "
        "connect. This is a connection error raised by the client, not an error response from AWS."
    )
    client_text = None
    if model_id is not None and operation in RUNTIME_OPERATION_PATHS:
        # botocore percent-encodes the model id path label (":" -> %3A, "/" -> %2F).
        url = f"https://{host}/model/{quote(model_id, safe='-._~')}/{RUNTIME_OPERATION_PATHS[operation]}"
        client_text = f'Could not connect to the endpoint URL: "{url}"'
    return PredictedError(None, None, message, connection_error=True, client_text=client_text)
