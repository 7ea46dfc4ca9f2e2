"""boto3 sessions and clients as every live verb builds them, and AWS errors in one shape.

Clients get botocore's ``standard`` retry mode (it retries throttling and transient errors with backoff)
and bounded timeouts; no endpoint is passed, so boto3 honours ``AWS_ENDPOINT_URL`` and the per-service
``AWS_ENDPOINT_URL_BEDROCK`` / ``_BEDROCK_RUNTIME`` / ``_STS`` variables.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bedrock_access import __version__
from bedrock_access.errors import InputError

THROTTLING_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ServiceQuotaExceededException",
        "ServiceUnavailableException",
    }
)
# The credentials are not valid in that Region: what a disabled opt-in Region answers.
NOT_RECOGNISED_CODES = frozenset({"UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure"})


@dataclass(frozen=True, slots=True)
class AwsFailure:
    """Why a call did not return data: an AWS error code and message, or a local/network failure."""

    code: str  # AWS error code, or a local kind: "Timeout", "NetworkError", "NoCredentials", ...
    message: str
    http_status: int | None = None
    from_aws: bool = True  # False: the request never got an AWS answer

    @property
    def throttled(self) -> bool:
        return self.code in THROTTLING_CODES

    def render(self) -> str:
        status = f" (HTTP {self.http_status})" if self.http_status else ""
        return f"{self.code}{status}: {self.message}"


Scrub = Callable[[str], str]


def secret_scrubber(session: Any) -> Scrub:
    """Redacts secret-shaped text and, by value, this session's credentials and the secrets in the
    environment: AWS echoes nothing secret on purpose, but a message is never trusted to stay so."""
    import os

    from bedrock_access.redact import Scrubber, collect_secrets, redact

    values = set(collect_secrets(os.environ.items()))
    credentials = session.get_credentials()
    if credentials is not None:
        frozen = credentials.get_frozen_credentials()
        values.update(v for v in (frozen.access_key, frozen.secret_key, frozen.token) if v)
    scrubber = Scrubber(values)
    return lambda text: redact(scrubber(text))


def failure_from_exception(exc: BaseException, scrub: Scrub | None = None) -> AwsFailure:
    """Turn anything a boto3 call raises into an :class:`AwsFailure` (secrets redacted from messages)."""
    from botocore import exceptions as be

    from bedrock_access.redact import redact as redact_shapes

    def redact(text: str) -> str:
        return scrub(text) if scrub is not None else redact_shapes(text)

    if isinstance(exc, be.ClientError):
        error = exc.response.get("Error", {})
        meta = exc.response.get("ResponseMetadata", {})
        return AwsFailure(
            str(error.get("Code") or "Unknown"),
            redact(str(error.get("Message") or "")),
            meta.get("HTTPStatusCode"),
        )
    if isinstance(exc, be.ConnectTimeoutError | be.ReadTimeoutError):
        return AwsFailure("Timeout", redact(str(exc)), from_aws=False)
    if isinstance(exc, be.NoCredentialsError | be.PartialCredentialsError):
        return AwsFailure(
            "NoCredentials", "no AWS credentials found by the default credential chain", from_aws=False
        )
    if isinstance(exc, be.ProfileNotFound | be.NoRegionError):
        return AwsFailure(type(exc).__name__, redact(str(exc)), from_aws=False)
    if isinstance(exc, be.EndpointConnectionError | be.ConnectionError | be.HTTPClientError):
        return AwsFailure("NetworkError", redact(str(exc)), from_aws=False)
    if isinstance(exc, be.BotoCoreError):
        return AwsFailure(type(exc).__name__, redact(str(exc)), from_aws=False)
    return AwsFailure(type(exc).__name__, redact(str(exc)), from_aws=False)


def new_session(profile: str | None = None) -> Any:
    """A boto3 session on the ordinary credential chain (environment, files, SSO, instance role...)."""
    try:
        import boto3
        from botocore import exceptions as be
    except ImportError:  # pragma: no cover - boto3 is a dependency; kept for stripped installs
        raise InputError("the live verbs need boto3: pip install boto3") from None
    try:
        return boto3.session.Session(profile_name=profile)
    except be.ProfileNotFound as exc:
        raise InputError(str(exc), field="--profile") from None


def client(
    session: Any,
    service: str,
    region: str,
    *,
    max_attempts: int = 5,
    connect_timeout: float = 5.0,
    read_timeout: float = 30.0,
) -> Any:
    import os

    from botocore.config import Config

    # The user's own retry settings (AWS_MAX_ATTEMPTS / AWS_RETRY_MODE, or ~/.aws/config) win over ours.
    user_retries = "AWS_MAX_ATTEMPTS" in os.environ or "AWS_RETRY_MODE" in os.environ
    config = Config(
        region_name=region,
        retries=None if user_retries else {"mode": "standard", "max_attempts": max_attempts},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        user_agent_extra=f"bedrock-access/{__version__}",
    )
    return session.client(service, region_name=region, config=config)


def bedrock_regions(session: Any, partition: str) -> tuple[str, ...]:
    """Every Region of the partition that lists the ``bedrock`` service in botocore's endpoint data."""
    return tuple(sorted(session.get_available_regions("bedrock", partition_name=partition)))
