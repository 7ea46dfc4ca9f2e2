"""bedrock-runtime endpoint host names: which Region a host serves, and whether it is FIPS.

``bedrock-runtime.REGION.amazonaws.com``, ``bedrock-runtime-fips.REGION.amazonaws.com``, the dual-stack
``bedrock-runtime.REGION.api.aws`` and interface VPC endpoints
``vpce-ID.bedrock-runtime.REGION.vpce.amazonaws.com``. Region names are recognised by the one rule of
:func:`bedrock_access.catalog.geography.is_region_name`.
"""

from __future__ import annotations

from dataclasses import dataclass

from bedrock_access.catalog.geography import is_region_name

_SERVICE_LABELS = ("bedrock-runtime", "bedrock-runtime-fips")
_AWS_DOMAINS = (
    ("amazonaws", "com"),
    ("amazonaws", "com", "cn"),
    ("vpce", "amazonaws", "com"),
    ("api", "aws"),
)


@dataclass(frozen=True, slots=True)
class RuntimeHost:
    """A bedrock-runtime host name taken apart: ``region`` is None when the name is not AWS's form."""

    host: str
    region: str | None
    fips: bool


def runtime_host(host: str, *, aws_domain_only: bool = True) -> RuntimeHost:
    """Read ``host`` (a host name, lower or upper case).

    With ``aws_domain_only`` the name must end in an AWS domain after the Region (a custom DNS name such
    as ``bedrock-runtime.eu-west-1.corp.example`` names no Region); without it, any
    ``bedrock-runtime.REGION.`` label pair counts (for host names quoted in error texts).
    """
    labels = host.lower().split(".")
    for i, label in enumerate(labels[:-1]):
        if label not in _SERVICE_LABELS or not is_region_name(labels[i + 1]):
            continue
        if aws_domain_only and tuple(labels[i + 2 :]) not in _AWS_DOMAINS:
            continue
        return RuntimeHost(host, labels[i + 1], label.endswith("-fips"))
    return RuntimeHost(host, None, False)
