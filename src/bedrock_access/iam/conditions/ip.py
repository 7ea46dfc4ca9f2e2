"""IpAddress, NotIpAddress for IPv4 and IPv6. No policy variables.

A policy value without a prefix length is a single address (/32 for IPv4, /128 for IPv6). An IPv4
address never falls in an IPv6 block and vice versa. An unparsable request address decides nothing.
"""

from __future__ import annotations

import ipaddress

from bedrock_access.iam.conditions.base import OperatorSpec, ValueTest
from bedrock_access.iam.variables import Context, Template


def parse_network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    text = text.strip()
    if not text or len(text) > 64:
        return None
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def parse_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if not text or len(text) > 64:
        return None
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _build(templates: tuple[Template, ...]) -> ValueTest:
    parsed = [parse_network("".join(p for p in t.parts if isinstance(p, str))) for t in templates]
    # (version, first address as int, last address as int) for fast membership.
    ranges = [(n.version, int(n.network_address), int(n.broadcast_address)) for n in parsed if n is not None]
    some_bad = any(n is None for n in parsed)

    def test(v: str, _ctx: Context) -> bool | None:
        address = parse_address(v)
        if address is None:
            return None
        version = address.version
        number = int(address)
        for net_version, first, last in ranges:
            if net_version == version and first <= number <= last:
                return True
        return None if some_bad else False

    return test


OPERATORS = {
    spec.name: spec
    for spec in (
        OperatorSpec(name="IpAddress", family="IpAddress", negated=False, variables=False, build=_build),
        OperatorSpec(name="NotIpAddress", family="IpAddress", negated=True, variables=False, build=_build),
    )
}
