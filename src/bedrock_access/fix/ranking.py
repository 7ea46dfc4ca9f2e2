"""Naming, deduplicating and ranking the alternatives of one run."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from bedrock_access.fix.controltower import (
    CONTROL_ID,
)
from bedrock_access.fix.model import (
    Alternative,
    PolicyChange,
)

_LAYER_WORD = {
    "identity": "identity",
    "pb": "boundary",
    "session": "session",
    "scp": "scp",
    "vpce": "vpc-endpoint",
}
SUMMARIES = {
    "scp-exemption": "exempt Bedrock invocations routed through the needed profiles from the SCP's Region deny",
    "identity-exemption": "exempt Bedrock invocations routed through the needed profiles from the identity "
    "policy's Region deny",
    "boundary-exemption": "exempt Bedrock invocations routed through the needed profiles from the "
    "permissions boundary's Region deny",
    "session-exemption": "exempt Bedrock invocations routed through the needed profiles from the session "
    "policy's Region deny",
    "ct-ou-control": f"govern the destination Regions in the landing zone, enable {CONTROL_ID} on the OU and "
    "attach a custom SCP that admits only profile-routed invocations there",
    "ct-govern-regions": "govern the destination Regions in the landing zone (every action is then allowed there)",
    "approve-regions": "approve the destination Regions in the Region deny (every action is then allowed there)",
    "network-guard": "admit the caller's network in the IP allow-list guard",
    "network-guard-vpce": "admit the caller's network and the named VPC endpoint in the IP allow-list guard",
    "model-allow-list": "add the profile ARNs of approved models to the model allow-list",
    "identity-grant": "grant exactly the missing profile and model ARNs in the identity policy",
    "boundary-grant": "grant exactly the missing profile and model ARNs in the permissions boundary",
    "session-grant": "grant exactly the missing profile and model ARNs in the session policy",
    "vpc-endpoint-grant": "grant exactly the missing profile and model ARNs in the VPC endpoint policy",
    "scp-grant": "allow exactly the missing profile and model ARNs at the SCP level that lacked an Allow",
    "vpc-endpoint-exemption": "exempt Bedrock invocations routed through the needed profiles from the VPC "
    "endpoint policy's Region deny",
    "client-model": "pin each failing role to a model id offered from its source Region and allowed",
    "client-auth": "authenticate the way the organization allows",
    "client-region": "send the failing calls from a Region the policies allow (in the client's own settings "
    "when a client: section makes them)",
}


def alternative_name(changes: Sequence[PolicyChange], client_fields: Sequence[str]) -> str:
    parts: list[str] = []
    for fld in client_fields:
        parts.append({"model": "client-model", "region": "client-region"}.get(fld, "client-auth"))
    for change in changes:
        layer = _LAYER_WORD[change.location.layer]
        for kind in change.kind.split("+"):
            if kind in ("grant", "discovery"):
                parts.append(f"{layer}-grant")
            elif kind == "region-exemption":
                parts.append(f"{layer}-exemption")
            elif kind == "region-approval":
                parts.append("approve-regions")
            elif kind in ("ct-ou-control", "ct-guard"):
                parts.append("ct-ou-control")
            else:
                parts.append(kind)
    if "ct-ou-control" in parts:
        parts = [p for p in parts if p != "ct-govern-regions"]
    return "+".join(dict.fromkeys(parts))


def signature(alt: Alternative) -> str:
    return json.dumps(
        [
            [(c.location.path, c.policy_name, dict(c.document)) for c in alt.changes],
            [(c.invocation, c.field, c.after) for c in alt.client_changes],
        ],
        sort_keys=True,
        default=str,
    )


def rank_alternatives(alternatives: Sequence[tuple[int, Alternative]]) -> list[Alternative]:
    """Alternatives without repeats, best first, each with a unique name. ``alternatives`` pairs each with
    its strategy's order (the default first); checked ones come first, then ones that fix everything by
    widening, and ones that widen nothing but leave something failing only when nothing is checked."""
    seen: set[str] = set()
    unique: list[tuple[int, Alternative]] = []
    for order, alt in alternatives:
        if not alt.changes and not alt.client_changes:
            continue
        sig = signature(alt)
        if sig in seen:
            continue
        seen.add(sig)
        unique.append((order, alt))

    # Proven alternatives first; then ones that widen nothing but leave something failing; then ones
    # that fix everything by widening; anything that fails validation last.
    def rank(alt: Alternative) -> int:
        proof = alt.proof
        if alt.status == "proven":
            return 0
        if proof.unchanged.passed and proof.validation.passed:
            return 1
        if proof.fixed.passed and proof.validation.passed:
            return 2
        return 3

    if any(rank(a) == 0 for _, a in unique):
        unique = [(o, a) for o, a in unique if rank(a) in (0, 2)]
    kept = sorted(unique, key=lambda oa: (rank(oa[1]), oa[0])) or unique[:1]
    names: set[str] = set()
    final: list[Alternative] = []
    for _, alt in kept:
        name = alt.name
        n = 2
        while name in names:
            name = f"{alt.name}-{n}"
            n += 1
        names.add(name)
        final.append(replace(alt, name=name))

    return final
