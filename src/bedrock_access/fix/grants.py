"""Least-privilege Allow statements for exactly the authorization checks that lacked one.

The shapes follow AWS's published cross-Region inference policies (shared/domain section 3.1, 3.2):
the inference profile ARN in the source Region without conditions, and the foundation-model ARNs in
each destination Region (or the Region-less ARN of a global profile) only when reached through that
profile (``bedrock:InferenceProfileArn``). Direct model calls get the model ARN in the source Region.
Invoke actions are never granted on ``"*"``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bedrock_access.bedrock.checks import AuthorizationCheck
from bedrock_access.fix.documents import unique_sid
from bedrock_access.iam.arn import parse_arn

PROFILE_KEY = "bedrock:InferenceProfileArn"
BEARER_KEY = "bedrock:BearerTokenType"
DISCOVERY_LIST_ACTIONS = ("bedrock:ListFoundationModels", "bedrock:ListInferenceProfiles")
DISCOVERY_GET_ACTION = "bedrock:GetInferenceProfile"

# How far a grant may be compacted, in order; each step is re-proven by the caller.
COMPACTION_LEVELS = 4


@dataclass(frozen=True, slots=True)
class Grant:
    statements: tuple[dict[str, Any], ...]
    compaction: tuple[str, ...]


def _short(text: str, limit: int = 40) -> str:
    clean = "".join(ch for ch in text.title() if ch.isalnum())
    return clean[:limit]


def _actions(values: Iterable[str]) -> list[str] | str:
    ordered = sorted(set(values))
    return ordered[0] if len(ordered) == 1 else ordered


def _resources(values: Iterable[str]) -> list[str] | str:
    ordered = sorted(set(values))
    return ordered[0] if len(ordered) == 1 else ordered


def _wildcard_region(arn: str) -> str:
    parsed = parse_arn(arn)
    if parsed is None or parsed.region == "":
        return arn
    return f"arn:{parsed.partition}:{parsed.service}:*:{parsed.account}:{parsed.resource}"


def grant_statements(
    checks: Sequence[AuthorizationCheck],
    *,
    taken_sids: Iterable[str] = (),
    principal: str | None = None,
    level: int = 0,
) -> Grant:
    """Statements that allow every check in ``checks`` and nothing beyond what they name.

    ``principal`` adds ``"Principal": {"AWS": principal}`` (VPC endpoint policies need one).
    ``level`` compacts: 1 merges model statements across profiles, 2 wildcards the Region of model
    ARNs that a ``bedrock:InferenceProfileArn`` condition already pins, 3 wildcards the source Region
    of profile ARNs.
    """
    taken = set(taken_sids)
    notes: list[str] = []
    out: list[dict[str, Any]] = []

    def emit(sid: str, stmt: dict[str, Any]) -> None:
        name = unique_sid(sid, taken)
        taken.add(name)
        full: dict[str, Any] = {"Sid": name, "Effect": "Allow"}
        if principal is not None:
            full["Principal"] = {"AWS": principal}
        full.update(stmt)
        out.append(full)

    bearer = [c for c in checks if c.purpose == "bearer-token"]
    plain = [c for c in checks if c.purpose != "bearer-token" and c.inference_profile_arn is None]
    routed = [c for c in checks if c.purpose != "bearer-token" and c.inference_profile_arn is not None]

    if bearer:
        types = sorted({str(c.context.get(BEARER_KEY, "")) for c in bearer} - {""})
        stmt: dict[str, Any] = {"Action": "bedrock:CallWithBearerToken", "Resource": "*"}
        if types:
            stmt["Condition"] = {"StringEquals": {BEARER_KEY: types[0] if len(types) == 1 else types}}
        emit("BedrockAccessFixApiKeys", stmt)

    # Resources checked without a profile: the profile itself, direct model calls, other targets.
    by_resource: dict[str, set[str]] = {}
    for c in plain:
        resource = c.resource
        if level >= 3 and ":inference-profile/" in resource:
            resource = _wildcard_region(resource)
            notes.append("profile ARNs name every source Region (`*`) instead of the one used")
        by_resource.setdefault(resource, set()).add(c.action)
    by_actions: dict[tuple[str, ...], list[str]] = {}
    for resource, action_set in by_resource.items():
        by_actions.setdefault(tuple(sorted(action_set)), []).append(resource)
    for plain_actions, plain_resources in sorted(by_actions.items()):
        emit(
            "BedrockAccessFixInvoke",
            {"Action": _actions(plain_actions), "Resource": _resources(plain_resources)},
        )

    # Models reached through a profile: conditioned on that profile's ARN.
    per_profile: dict[str, dict[str, set[str]]] = {}
    for c in routed:
        assert c.inference_profile_arn is not None
        resource = c.resource
        if level >= 2:
            resource = _wildcard_region(resource)
        per_profile.setdefault(c.inference_profile_arn, {}).setdefault(resource, set()).add(c.action)
    if level >= 2 and routed:
        notes.append(
            "model ARNs name every Region (`*`): the bedrock:InferenceProfileArn condition still limits "
            "them to the Regions that profile routes to"
        )
    groups: list[tuple[tuple[str, ...], list[str], list[str]]] = []  # actions, resources, profiles
    for profile_arn, resources_map in sorted(per_profile.items()):
        inner: dict[tuple[str, ...], list[str]] = {}
        for resource, action_set in resources_map.items():
            inner.setdefault(tuple(sorted(action_set)), []).append(resource)
        for key, resources in sorted(inner.items()):
            groups.append((key, resources, [profile_arn]))
    if level >= 1 and len(groups) > 1:
        merged: dict[tuple[str, ...], tuple[set[str], set[str]]] = {}
        for key, resources, profiles in groups:
            res_set, prof_set = merged.setdefault(key, (set(), set()))
            res_set.update(resources)
            prof_set.update(profiles)
        if len(merged) < len(groups):
            notes.append(
                f"merged {len(groups)} model statements into {len(merged)}: each lists every profile's "
                "models and every profile ARN"
            )
        groups = [(key, sorted(r), sorted(p)) for key, (r, p) in sorted(merged.items())]
    for key, resources, profiles in groups:
        label = profiles[0].rsplit("/", 1)[-1] if len(profiles) == 1 else "Profiles"
        emit(
            f"BedrockAccessFixModelsVia{_short(label)}",
            {
                "Action": _actions(key),
                "Resource": _resources(resources),
                "Condition": {"StringEquals": {PROFILE_KEY: profiles[0] if len(profiles) == 1 else profiles}},
            },
        )
    return Grant(tuple(out), tuple(dict.fromkeys(notes)))


def discovery_statements(
    profile_arns: Sequence[str], *, taken_sids: Iterable[str] = ()
) -> tuple[dict[str, Any], ...]:
    """What a client that lists models needs: the two List actions (no resource types, so ``*``) and
    GetInferenceProfile on the profiles it uses."""
    taken = set(taken_sids)
    out: list[dict[str, Any]] = []
    sid = unique_sid("BedrockAccessFixDiscovery", taken)
    taken.add(sid)
    out.append({"Sid": sid, "Effect": "Allow", "Action": list(DISCOVERY_LIST_ACTIONS), "Resource": "*"})
    if profile_arns:
        sid = unique_sid("BedrockAccessFixDescribeProfiles", taken)
        out.append(
            {
                "Sid": sid,
                "Effect": "Allow",
                "Action": DISCOVERY_GET_ACTION,
                "Resource": _resources(profile_arns),
            }
        )
    return tuple(out)
