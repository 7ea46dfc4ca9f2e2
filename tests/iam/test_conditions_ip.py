"""IpAddress and NotIpAddress, IPv4 and IPv6.

Rules: OPS "IP address condition operators": policy values are CIDR blocks; "If you specify an IP
address without the associated routing prefix, IAM uses the default prefix value of /32"; no policy
variables. iam-evaluation.md §4.3 (IPv6 details UNDOCUMENTED).
"""

from __future__ import annotations

import pytest

from bedrock_access.iam import PolicySet

from ._support import allow, condition_holds, decide, deny, policy

KEY = "aws:SourceIp"


@pytest.mark.parametrize(
    ("cidr", "address", "expected"),
    [
        ("203.0.113.0/24", "203.0.113.0", True),
        ("203.0.113.0/24", "203.0.113.255", True),
        ("203.0.113.0/24", "203.0.113.77", True),
        ("203.0.113.0/24", "203.0.114.1", False),
        ("10.0.0.0/8", "10.255.255.255", True),
        ("10.0.0.0/8", "11.0.0.0", False),
        ("0.0.0.0/0", "198.51.100.1", True),
    ],
)
def test_ipv4_cidr_membership(cidr: str, address: str, expected: bool) -> None:
    """OPS IpAddress: "The specified IP address or range"; a CIDR block includes its first and last
    addresses.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"IpAddress": {KEY: cidr}}, {KEY: address}) is expected
    assert condition_holds({"NotIpAddress": {KEY: cidr}}, {KEY: address}) is not expected


def test_bare_ipv4_address_is_a_slash_32() -> None:
    """OPS: "If you specify an IP address without the associated routing prefix, IAM uses the default
    prefix value of /32".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"IpAddress": {KEY: "203.0.113.10"}}, {KEY: "203.0.113.10"})
    assert not condition_holds({"IpAddress": {KEY: "203.0.113.10"}}, {KEY: "203.0.113.11"})


@pytest.mark.parametrize(
    ("cidr", "address", "expected"),
    [
        ("2001:DB8:1234:5678::/64", "2001:db8:1234:5678::1", True),
        ("2001:DB8:1234:5678::/64", "2001:DB8:1234:5678:FFFF:FFFF:FFFF:FFFF", True),
        ("2001:db8:1234:5678::/64", "2001:0db8:1234:5678:0000:0000:0000:0abc", True),
        ("2001:DB8:1234:5678::/64", "2001:db8:1234:5679::1", False),
        ("::/0", "2001:db8::1", True),
    ],
)
def test_ipv6_cidr_membership(cidr: str, address: str, expected: bool) -> None:
    """OPS example ``2001:DB8:1234:5678::/64``: IPv6 blocks, in any letter case and ``::`` compression.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"IpAddress": {KEY: cidr}}, {KEY: address}) is expected


def test_bare_ipv6_address_is_a_single_address() -> None:
    """iam-evaluation.md §4.3: a bare IPv6 address is /128 (UNDOCUMENTED; the /32 wording predates IPv6).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert condition_holds({"IpAddress": {KEY: "2001:db8::1"}}, {KEY: "2001:DB8::1"})
    assert not condition_holds({"IpAddress": {KEY: "2001:db8::1"}}, {KEY: "2001:db8::2"})


def test_ipv4_never_falls_in_an_ipv6_block_and_vice_versa() -> None:
    """iam-evaluation.md §4.3: IPv4 never matches an IPv6 block and vice versa.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert not condition_holds({"IpAddress": {KEY: "::/0"}}, {KEY: "203.0.113.10"})
    assert not condition_holds({"IpAddress": {KEY: "0.0.0.0/0"}}, {KEY: "2001:db8::1"})
    assert condition_holds({"NotIpAddress": {KEY: "0.0.0.0/0"}}, {KEY: "2001:db8::1"})


@pytest.mark.parametrize(
    ("address", "expected"),
    [("203.0.113.5", True), ("2001:db8::5", True), ("198.51.100.1", False), ("2001:db9::1", False)],
)
def test_mixed_ipv4_and_ipv6_values_are_ored(address: str, expected: bool) -> None:
    """OPS example lists IPv4 and IPv6 ranges together; CONDLOGIC: values are ORed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    cond = {"IpAddress": {KEY: ["203.0.113.0/24", "2001:DB8::/32"]}}
    assert condition_holds(cond, {KEY: address}) is expected


@pytest.mark.parametrize(
    ("address", "expected"), [("203.0.113.5", False), ("198.51.100.9", False), ("192.0.2.1", True)]
)
def test_not_ip_address_multiple_values_nor(address: str, expected: bool) -> None:
    """CONDLOGIC: NotIpAddress with several blocks is true only outside all of them.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html"""
    cond = {"NotIpAddress": {KEY: ["203.0.113.0/24", "198.51.100.0/24"]}}
    assert condition_holds(cond, {KEY: address}) is expected


def test_missing_source_ip() -> None:
    """OPS Important box: IpAddress with a missing key is false, NotIpAddress true, IfExists true.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert not condition_holds({"IpAddress": {KEY: "203.0.113.0/24"}}, {})
    assert condition_holds({"NotIpAddress": {KEY: "203.0.113.0/24"}}, {})
    assert condition_holds({"IpAddressIfExists": {KEY: "203.0.113.0/24"}}, {})


def test_I07_deny_not_ip_address_with_source_ip_absent_denies() -> None:
    """§9 case I07: Deny with ``NotIpAddress aws:SourceIp`` and the key absent (e.g. a call through a
    VPC endpoint): negated operator on a missing key ⇒ true (OPS Important box) ⇒ the Deny applies
    ⇒ ExplicitlyDenied.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    p = PolicySet(
        identity=(
            policy(
                allow("bedrock:*"),
                deny(
                    "bedrock:*", Sid="DenyOutsideOffice", Condition={"NotIpAddress": {KEY: "203.0.113.0/24"}}
                ),
            ),
        )
    )
    from ._support import FM

    assert decide(p, action="bedrock:InvokeModel", resource=FM, context={}).outcome == "ExplicitlyDenied"
    inside = decide(p, action="bedrock:InvokeModel", resource=FM, context={KEY: "203.0.113.9"})
    assert inside.outcome == "Allowed"


def test_unparsable_request_address_never_satisfies() -> None:
    """iam-evaluation.md §4.3 (UNDOCUMENTED): a request value that is no IP address decides nothing;
    we choose "condition false" for both operators.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    assert not condition_holds({"IpAddress": {KEY: "0.0.0.0/0"}}, {KEY: "not-an-ip"})
    assert not condition_holds({"NotIpAddress": {KEY: "203.0.113.0/24"}}, {KEY: "not-an-ip"})


def test_variables_are_not_substituted_in_ip_values() -> None:
    """OPS IP: "Policy variables – Not supported".
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    cond = {"IpAddress": {KEY: "${aws:PrincipalTag/office}"}}
    assert not condition_holds(cond, {KEY: "203.0.113.1", "aws:PrincipalTag/office": "203.0.113.0/24"})
