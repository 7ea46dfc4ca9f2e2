"""Region-deny statements: exempt profile-routed Bedrock invocations, or approve the Regions.

A Region deny reads ``aws:RequestedRegion``: an allow-list (``StringNotEquals [approved]``) or a
deny-list (``StringEquals [denied]``). The exemption follows AWS's own pattern (aws-samples
service-control-policy-examples, PR #26; shared/domain section 3.4): the invoke actions leave the general
deny and get their own deny in the same Regions unless ``bedrock:InferenceProfileArn`` matches a profile
of the needed geography. Model hops of those profiles then pass in every destination Region, while a
direct model call or a profile's own check in a denied Region (neither carries
``bedrock:InferenceProfileArn``) stays denied.

A global profile's Region-less hop carries ``aws:RequestedRegion = "unspecified"``; that value is
admitted only for the global profiles wanted, by a second statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bedrock_access.bedrock.checks import UNSPECIFIED, AuthorizationCheck
from bedrock_access.fix.documents import (
    actions_cover,
    as_list,
    condition_entries,
    deep,
    replace_key,
    set_condition,
    sids,
    statements,
    unique_sid,
    with_statements,
)
from bedrock_access.iam.arn import parse_arn
from bedrock_access.iam.wildcard import glob_match

REGION_KEY = "aws:RequestedRegion"
PROFILE_KEY = "bedrock:InferenceProfileArn"
_ALLOW_LIST_OPS = {"stringnotequals", "stringnotequalsignorecase", "stringnotlike"}
_DENY_LIST_OPS = {"stringequals", "stringequalsignorecase", "stringlike"}


@dataclass(frozen=True, slots=True)
class RegionClause:
    operator: str
    key: str
    values: tuple[str, ...]
    allow_list: bool  # True: StringNotEquals [approved Regions]; False: StringEquals [denied Regions]


def region_clause(stmt: dict[str, Any]) -> RegionClause | None:
    for entry in condition_entries(stmt):
        if entry.key.lower() != REGION_KEY.lower() or ":" in entry.operator:
            continue  # ForAnyValue/ForAllValues forms are not Region denies we can reason about
        if entry.base_operator in _ALLOW_LIST_OPS:
            return RegionClause(entry.operator, entry.key, entry.values, True)
        if entry.base_operator in _DENY_LIST_OPS:
            return RegionClause(entry.operator, entry.key, entry.values, False)
    return None


@dataclass(frozen=True, slots=True)
class Patch:
    """A patched document, and the statements a split patch added (so they can move to a new policy)."""

    document: dict[str, Any]
    explanation: tuple[str, ...]
    added: tuple[dict[str, Any], ...] = ()
    without_added: dict[str, Any] | None = None  # the document with only the in-place change
    compaction: tuple[str, ...] = ()
    regions: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: str


def _region_deny(
    doc: dict[str, Any], index: int
) -> tuple[list[dict[str, Any]], dict[str, Any], str, RegionClause] | Refusal:
    """The document's statements, the Region deny at ``index``, its label and its Region condition."""
    stmts = statements(doc)
    stmt = stmts[index]
    label = _label(stmt, index)
    clause = region_clause(stmt)
    if clause is None:
        return Refusal(f"{label} has no aws:RequestedRegion condition")
    return stmts, stmt, label, clause


def profile_patterns(
    checks: Iterable[AuthorizationCheck], account: str, *, exact: bool = False
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The ``bedrock:InferenceProfileArn`` patterns of the geographies the checks were routed through:
    ``arn:P:bedrock:*:ACCOUNT:inference-profile/SCOPE.*`` for system profiles (geographic, global), the
    exact ARN for application profiles. With ``exact`` (a policy of one principal, where least privilege
    is enforced), the profile ARNs themselves. Returns (geographic and application, global)."""
    geo: set[str] = set()
    glob: set[str] = set()
    for check in checks:
        arn_text = check.inference_profile_arn
        if arn_text is None:
            continue
        arn = parse_arn(arn_text)
        if arn is None:
            continue
        kind, _, ident = arn.resource.partition("/")
        if kind == "inference-profile" and "." in ident:
            scope = ident.split(".", 1)[0]
            pattern = (
                arn_text if exact else f"arn:{arn.partition}:bedrock:*:{account}:inference-profile/{scope}.*"
            )
            (glob if scope == "global" else geo).add(pattern)
        else:
            geo.add(arn_text)
    return tuple(sorted(geo)), tuple(sorted(glob))


def _needs_profile(checks: Sequence[AuthorizationCheck], where: str) -> Refusal | None:
    for check in checks:
        if check.inference_profile_arn is None:
            return Refusal(
                f"the {check.hop} check ({check.resource}) is made in {check.region}, which {where} denies, "
                "and carries no bedrock:InferenceProfileArn: no exemption can admit it without lifting "
                "the Region deny for direct calls there"
            )
    return None


def _existing_profile_exemption(stmt: dict[str, Any]) -> tuple[str | None, list[str]]:
    for entry in condition_entries(stmt):
        if entry.key.lower() == PROFILE_KEY.lower() and entry.base_operator == "arnnotlike":
            return entry.operator, list(entry.values)
    return None, []


def _with_profile_exemption(stmt: dict[str, Any], patterns: Sequence[str]) -> dict[str, Any]:
    operator, existing = _existing_profile_exemption(stmt)
    values = list(dict.fromkeys([*existing, *patterns]))
    if not values:
        return deep(stmt)
    out = deep(stmt)
    if operator is not None:
        cond = dict(out["Condition"])
        block = dict(cond[operator])
        key = next(k for k in block if k.lower() == PROFILE_KEY.lower())
        block[key] = values[0] if len(values) == 1 else values
        cond[operator] = block
        out["Condition"] = cond
        return out
    return set_condition(out, "ArnNotLike", PROFILE_KEY, values)


def _with_regions(stmt: dict[str, Any], clause: RegionClause, values: Sequence[str]) -> dict[str, Any]:
    return set_condition(stmt, clause.operator, clause.key, list(values))


def _scope_of(stmt: dict[str, Any]) -> dict[str, Any]:
    """Resource / NotResource / Principal elements of a statement, to copy onto a split-off one."""
    return {
        k: deep({"v": stmt[k]})["v"]
        for k in ("Principal", "NotPrincipal", "Resource", "NotResource")
        if k in stmt
    }


def _label(stmt: dict[str, Any], index: int) -> str:
    sid = stmt.get("Sid")
    return f"Sid {sid}" if isinstance(sid, str) and sid else f"statement {index + 1}"


def exempt_profiles(
    doc: dict[str, Any],
    index: int,
    checks: Sequence[AuthorizationCheck],
    *,
    account: str,
    split: bool = True,
    exact: bool = False,
) -> Patch | Refusal:
    """Exempt the checks' profiles from the Region deny at ``Statement[index]``: the whole geography's
    profiles (an SCP), or exactly the profiles used (``exact``, for identity-side policies)."""
    found = _region_deny(doc, index)
    if isinstance(found, Refusal):
        return found
    stmts, stmt, label, clause = found
    refused = _needs_profile(checks, label)
    if refused is not None:
        return refused
    actions = sorted({c.action for c in checks}, key=str.lower)
    geo, glob = profile_patterns(checks, account, exact=exact)
    _, existing = _existing_profile_exemption(stmt)
    exempt_all = list(dict.fromkeys([*existing, *geo, *glob]))
    exempt_geo = list(dict.fromkeys([*existing, *geo]))
    taken = sids(doc)
    base_sid = str(stmt.get("Sid") or "DenyOutsideApprovedRegions")
    two_step = bool(glob) and clause.allow_list  # "unspecified" only for the global profiles wanted

    explanation: list[str] = []
    names = ", ".join(actions)
    listed = ", ".join(clause.values)
    kept = f"outside {listed}" if clause.allow_list else f"in {listed}"

    can_split = split and ("NotAction" in stmt or "*" in as_list(stmt.get("Action")))
    if can_split:
        if "NotAction" in stmt:
            current = as_list(stmt["NotAction"])
            missing = [a for a in actions if not actions_cover(current, a)]
            first = replace_key(stmt, "NotAction", "NotAction", [*current, *missing])
        else:
            first = replace_key(stmt, "Action", "NotAction", list(actions))
        explanation.append(
            f"{names} leave{'s' if len(actions) == 1 else ''} the general Region deny of {label} (NotAction)"
        )
        invoke: dict[str, Any] = {"Effect": "Deny", "Action": actions[0] if len(actions) == 1 else actions}
        invoke.update(_scope_of(stmt))
        if "Condition" in stmt:
            invoke["Condition"] = deep(stmt["Condition"])
        second = _with_profile_exemption(invoke, exempt_all)
        sid2 = unique_sid(f"{base_sid}BedrockInvokeUnlessProfile", taken)
        taken.add(sid2)
        second = {"Sid": sid2, **second}
        explanation.append(
            f"new statement {sid2} denies {'it' if len(actions) == 1 else 'them'} {kept} unless "
            f"bedrock:InferenceProfileArn matches {', '.join(exempt_all)}: the model hops of those profiles "
            "pass in every destination Region"
        )
        added = [second]
    else:
        first = _with_profile_exemption(stmt, exempt_all)
        explanation.append(
            f"{label} no longer applies when bedrock:InferenceProfileArn matches {', '.join(exempt_all)} "
            "(only model hops routed through those profiles carry that key)"
        )
        added = []
    if two_step:
        third_base: dict[str, Any] = (
            {"Effect": "Deny", "Action": actions[0] if len(actions) == 1 else actions, **_scope_of(stmt)}
            if can_split
            else {k: deep({"v": v})["v"] for k, v in stmt.items() if k not in ("Sid", "Condition")}
        )
        if "Condition" in stmt:
            third_base["Condition"] = deep(stmt["Condition"])
        third = _with_regions(third_base, clause, [*clause.values, UNSPECIFIED])
        third = _drop_profile_exemption(third)
        if exempt_geo:
            third = set_condition(third, "ArnNotLike", PROFILE_KEY, exempt_geo)
        sid3 = unique_sid(f"{base_sid}GlobalOnlyUnspecified", taken)
        taken.add(sid3)
        added.append({"Sid": sid3, **third})
        explanation.append(
            f"new statement {sid3} keeps global profiles to their Region-less hop: aws:RequestedRegion "
            f'"unspecified" is admitted only through {", ".join(glob)}'
        )
    explanation.append(
        "direct model calls and each profile's own check in a denied Region carry no "
        "bedrock:InferenceProfileArn and stay denied; everything else the statement denied stays denied"
    )
    out_stmts = [*stmts[:index], first, *added, *stmts[index + 1 :]]
    only_first = [*stmts[:index], first, *stmts[index + 1 :]]
    return Patch(
        document=with_statements(doc, out_stmts),
        explanation=tuple(explanation),
        added=tuple(added),
        without_added=with_statements(doc, only_first),
    )


def _drop_profile_exemption(stmt: dict[str, Any]) -> dict[str, Any]:
    operator, _ = _existing_profile_exemption(stmt)
    if operator is None:
        return stmt
    out = deep(stmt)
    cond = dict(out["Condition"])
    block = {k: v for k, v in dict(cond[operator]).items() if k.lower() != PROFILE_KEY.lower()}
    if block:
        cond[operator] = block
    else:
        cond.pop(operator)
    out["Condition"] = cond
    return out


def approve_regions(
    doc: dict[str, Any], index: int, checks: Sequence[AuthorizationCheck], *, governed: bool = False
) -> Patch | Refusal:
    """Approve the Regions the checks were denied in: add them to the allow-list (or take them out of
    the deny-list). This widens the statement for every action in those Regions, by design."""
    found = _region_deny(doc, index)
    if isinstance(found, Refusal):
        return found
    stmts, stmt, label, clause = found
    regions = sorted({c.region for c in checks})
    if governed and UNSPECIFIED in regions:
        return Refusal(
            'Control Tower cannot govern the Region "unspecified" that a global profile\'s Region-less hop '
            "carries, so the landing-zone Region deny always denies global profiles"
        )
    ignore_case = "ignorecase" in clause.operator.lower()
    if clause.allow_list:
        new_values = list(clause.values)
        for region in regions:
            if not any(glob_match(v, region, ignore_case=ignore_case) for v in new_values):
                new_values.append(region)
        added = [r for r in new_values if r not in clause.values]
    else:
        blocked = [
            v for v in clause.values if any(glob_match(v, r, ignore_case=ignore_case) for r in regions)
        ]
        if any(("*" in v or "?" in v) for v in blocked):
            return Refusal(f"{label} denies the Regions by pattern ({', '.join(blocked)}); not narrowed")
        new_values = [v for v in clause.values if v not in blocked]
        added = blocked
        if not new_values:
            return Refusal(f"{label} would deny no Region at all")
    patched = _with_regions(stmt, clause, new_values)
    verb = "govern" if governed else "approve"
    text = (
        f"{verb} {', '.join(added)} in {label}: every action is then allowed there, not only Bedrock "
        "(this widens the Region deny by design)"
    )
    return Patch(
        document=with_statements(doc, [*stmts[:index], patched, *stmts[index + 1 :]]),
        explanation=(text,),
        regions=tuple(added),
    )
