"""How each proposed change is applied in AWS: by hand (CLI), by Terraform, or not at all because Control
Tower owns the document. Pure: the renderers (``fix/apply_doc.py`` for APPLY.md, ``report/fix_terraform.py``)
turn these steps into text.

Control Tower-managed SCPs (``aws-guardrails-*``: the landing zone's GRREGIONDENY, and the SCP that
CT.MULTISERVICE.PV.1 writes) are modelled only so that the proof can evaluate them; they are applied
through Control Tower (landing-zone settings, ``enable-control``), never attached or edited by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bedrock_access.fix.model import PolicyChange

CONTROL_TOWER_PREFIX = "aws-guardrails-"
CONTROL_TOWER_KINDS = frozenset({"ct-govern-regions", "ct-ou-control"})
OU_REGION_DENY_CONTROL = "CT.MULTISERVICE.PV.1"
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")


def managed_by_control_tower(change: PolicyChange) -> bool:
    """The document is one Control Tower writes: shown for the proof only, never applied by hand."""
    return change.kind in CONTROL_TOWER_KINDS or change.policy_name.startswith(CONTROL_TOWER_PREFIX)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def regions_added(change: PolicyChange) -> tuple[str, ...]:
    """Regions the changed document names and the original did not (the Regions to govern)."""
    before = set(_strings(change.original or {}))
    return tuple(sorted({s for s in _strings(change.document) if _REGION.match(s) and s not in before}))


def control_parameters(change: PolicyChange) -> tuple[str | None, Mapping[str, Any]]:
    params = change.parameters or {}
    control = params.get("control")
    inner = params.get("parameters")
    return (str(control) if control else None), (inner if isinstance(inner, Mapping) else {})


@dataclass(frozen=True, slots=True)
class Principal:
    """Where identity policies attach: an IAM role or user, or an IAM Identity Center permission set."""

    kind: str  # "role" | "user" | "permission-set" | "unknown"
    name: str
    account: str


# AWSReservedSSO_<permission set>_<16 hex digits>, or the placeholder a local check uses for the hash.
_SSO_ROLE = re.compile(r"^AWSReservedSSO_(?P<set>.+)_(?:[0-9a-f]{16}|<hash>)$")


def principal_of(principal_arn: str, account: str) -> Principal:
    resource = principal_arn.split(":", 5)[-1] if principal_arn.count(":") >= 5 else ""
    name = resource.rsplit("/", 1)[-1]
    if resource.startswith("role/"):
        sso = _SSO_ROLE.match(name)
        if sso is not None or "/aws-reserved/sso.amazonaws.com/" in resource:
            return Principal("permission-set", sso.group("set") if sso else name, account)
        return Principal("role", name, account)
    if resource.startswith("user/"):
        return Principal("user", name, account)
    return Principal("unknown", name or "CALLER", account)


def terraform_name(name: str) -> str:
    """A Terraform resource name: letters, digits and underscores, starting with a letter."""
    clean = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_").lower() or "policy"
    return clean if clean[0].isalpha() else f"p_{clean}"
