"""IP allow-list guards (shared/domain section 5; failure S19).

AWS's pattern is a Deny on ``NotIpAddress aws:SourceIp`` with ``Bool aws:ViaAWSService false``. A call
through a VPC endpoint carries no ``aws:SourceIp``, so the negated operator matches and the Deny fires;
such calls are admitted by also requiring ``StringNotEquals aws:SourceVpce [endpoint]`` (false for the
named endpoint, true when the key is absent, so public calls are still checked against the CIDRs).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from typing import Any

from bedrock_access.bedrock.checks import Network
from bedrock_access.fix.documents import condition_entries, set_condition, statements, with_statements
from bedrock_access.fix.region import Patch, Refusal
from bedrock_access.iam.conditions.ip import parse_address, parse_network

SOURCE_IP = "aws:SourceIp"
SOURCE_VPCE = "aws:SourceVpce"
VIA_SERVICE = "aws:ViaAWSService"


def ip_clause(stmt: dict[str, Any]) -> tuple[str, str, tuple[str, ...]] | None:
    for entry in condition_entries(stmt):
        if entry.key.lower() == SOURCE_IP.lower() and entry.base_operator == "notipaddress":
            return entry.operator, entry.key, entry.values
    return None


def covered(address: str, cidrs: Sequence[str]) -> bool:
    ip = parse_address(address)
    if ip is None:
        return False
    for cidr in cidrs:
        net = parse_network(cidr)
        if net is not None and net.version == ip.version and ip in net:
            return True
    return False


def ip_guard(
    doc: dict[str, Any],
    index: int,
    network: Network,
    *,
    allow_cidrs: Sequence[str] = (),
    allow_vpces: Sequence[str] = (),
) -> Patch | Refusal:
    """Patch the IP allow-list Deny at ``Statement[index]`` to admit the caller's network."""
    stmts = statements(doc)
    stmt = stmts[index]
    clause = ip_clause(stmt)
    if clause is None:
        return Refusal("the statement has no NotIpAddress aws:SourceIp condition")
    operator, key, cidrs = clause
    explanation: list[str] = []
    new_cidrs = list(cidrs)
    endpoints: list[str] = list(allow_vpces)
    if network.through_endpoint:
        assert network.vpc_endpoint is not None
        endpoints.insert(0, network.vpc_endpoint)
    elif network.source_ip is not None:
        if allow_cidrs:
            if not covered(network.source_ip, [*cidrs, *allow_cidrs]):
                return Refusal(
                    f"the caller's address {network.source_ip} is in none of the allowed CIDRs "
                    f"({', '.join([*cidrs, *allow_cidrs])}); pass --allow-cidr with a range that contains it"
                )
            new_cidrs.extend(c for c in allow_cidrs if c not in new_cidrs)
            explanation.append(f"admit {', '.join(allow_cidrs)} (--allow-cidr) besides {', '.join(cidrs)}")
        else:
            single = str(ipaddress.ip_network(network.source_ip))
            new_cidrs.append(single)
            explanation.append(
                f"admit only the caller's current address {single} (no --allow-cidr given; home addresses "
                "change: pass --allow-cidr with the VPN or office egress range instead)"
            )
    else:
        return Refusal("the scenario gives no source address or VPC endpoint for the call")
    patched = set_condition(stmt, operator, key, new_cidrs)
    if endpoints:
        existing: list[str] = []
        vpce_op = "StringNotEquals"
        for entry in condition_entries(stmt):
            if entry.key.lower() == SOURCE_VPCE.lower() and entry.base_operator == "stringnotequals":
                existing, vpce_op = list(entry.values), entry.operator
        values = list(dict.fromkeys([*existing, *endpoints]))
        patched = set_condition(patched, vpce_op, SOURCE_VPCE, values)
        explanation.append(
            f"admit calls through the VPC endpoint {', '.join(endpoints)} (StringNotEquals aws:SourceVpce): "
            "such calls carry no aws:SourceIp; calls through any other endpoint stay denied"
        )
    if not any(e.key.lower() == VIA_SERVICE.lower() for e in condition_entries(stmt)):
        patched = set_condition(patched, "Bool", VIA_SERVICE, ["false"])
        explanation.append(
            "add Bool aws:ViaAWSService false (AWS's recommended form): calls AWS services make on the "
            "caller's behalf are no longer checked against the caller's address"
        )
    explanation.append("calls from every other address keep being denied")
    return Patch(
        document=with_statements(doc, [*stmts[:index], patched, *stmts[index + 1 :]]),
        explanation=tuple(explanation),
    )
