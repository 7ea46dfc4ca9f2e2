"""The finite domain the policies themselves name, over which a fix must change no decision.

A request is (principal, action, resource, context). Its domain, for one alternative, is built from the
documents before and after the change, in every layer:

- actions: every action named in an ``Action`` or ``NotAction`` (an action pattern stands for one action
  it matches and no literal names), Bedrock's actions (AWS's published list, when given), and one action
  of a service no policy names;
- Regions: every Region of the caller's partition and ``unspecified`` (each sets ``aws:RequestedRegion``
  and the Region of Region-wildcarded resource patterns);
- resources: every ``Resource`` and ``NotResource`` pattern of a statement that covers the action
  (wildcards filled in), the resources of the scenario's own calls, and one resource no pattern names;
- context: the caller's own context, and for each condition key a covering statement reads, that key
  with each value any policy names (a CIDR stands for an address inside it) and without the key, one key
  at a time;
- principals: the scenario's caller, and every principal ARN a policy names.

Two reductions keep this small and lose nothing:

1. A request's decision depends only on the statements whose ``Action``/``NotAction`` covers its
   action. An action for which the statements a change touched (removed or added, in any layer, up to
   the ``Sid``) cover the same statements with the same effect, resources, principals and conditions
   cannot change decision: it is skipped.
2. Actions covered by exactly the same statements, before and after, are decided alike: one of them
   stands for all (per service).

What this is not: keys are varied one at a time around the caller's context (two non-default values at
once are not tried); a pattern is represented by one filled-in value, so overlapping patterns may hide
a request only their intersection matches; numeric and date conditions are tried only with the values
they name. A symbolic check (an SMT solver over the policy language) could remove these limits: it would
implement :class:`bedrock_access.fix.nonwidening.WideningCheck` beside this one.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from bedrock_access.bedrock.checks import UNSPECIFIED, Environment, base_context
from bedrock_access.iam.compiled import compile_action_pattern
from bedrock_access.iam.engine import PolicySet
from bedrock_access.iam.model import ConditionClause, Policy, PrincipalSpec, Statement
from bedrock_access.iam.variables import ContextValue

UNNAMED_SERVICE_ACTION = "zz-unnamed-service:zzunnamedaction"
NETWORK_KEYS = frozenset({"aws:sourceip", "aws:sourcevpce", "aws:vpcsourceip", "aws:sourcevpc"})
_FILL = "zz"
_VARIABLE = re.compile(r"\$\{[^}]*\}")
LIMITS = (
    "condition keys are varied one at a time around the caller's own context",
    "a wildcard pattern is represented by one value it matches",
    "numeric and date conditions are tried only with the values the policies name",
    "other principals are tried only when a policy names them",
    "statements alike but for their resources, none of them changed, are represented by one of them",
)


@dataclass(frozen=True, slots=True)
class DomainRequest:
    action: str  # lowercased
    resource: str
    region: str
    context: Mapping[str, ContextValue]  # keys lowercased
    principal: str
    label: str
    actions: tuple[str, ...] = ()  # every action this one stands for (reduction 2)


@dataclass(frozen=True, slots=True)
class DomainSize:
    """How big the domain is, for the report: what was checked, dimension by dimension."""

    actions_named: int  # distinct actions and action patterns the domain started from
    actions_affected: int  # actions a changed statement treats differently (reduction 1)
    action_classes: int  # after reduction 2
    regions: int
    resources: int
    condition_values: int  # (key, value) pairs tried, absent included
    principals: int
    requests: int


@dataclass(frozen=True, slots=True)
class Domain:
    requests: tuple[DomainRequest, ...]
    size: DomainSize
    limits: tuple[str, ...] = field(default=LIMITS)


def policies_of(policy_set: PolicySet) -> list[tuple[str, Policy]]:
    """Every policy with its layer slot (identity, boundary, session, VPC endpoint, each SCP level)."""
    out: list[tuple[str, Policy]] = [("identity", p) for p in policy_set.identity]
    out.extend(("pb", p) for p in policy_set.boundary or ())
    if policy_set.session is not None:
        out.append(("session", policy_set.session))
    out.extend(("vpce", p) for p in policy_set.vpc_endpoint or ())
    if policy_set.resource is not None:
        out.append(("resource", policy_set.resource))
    for n, level in enumerate(policy_set.scp_levels or ()):
        out.extend((f"scp{n}", p) for p in level.policies)
    for n, level in enumerate(policy_set.rcp_levels or ()):
        out.extend((f"rcp{n}", p) for p in level.policies)
    return out


def _principal_key(spec: PrincipalSpec | None) -> tuple[object, ...] | None:
    if spec is None:
        return None
    return (spec.wildcard, tuple(sorted((k, tuple(v)) for k, v in spec.entries.items())))


def _body(stmt: Statement) -> tuple[object, ...]:
    """A statement without its Sid and position (what decides), without its actions."""
    return (
        stmt.effect,
        stmt.resources,
        stmt.not_resources,
        _principal_key(stmt.principal),
        _principal_key(stmt.not_principal),
        tuple((c.operator, c.key, c.values) for c in stmt.conditions),
    )


def _whole(stmt: Statement) -> tuple[object, ...]:
    return (stmt.actions, stmt.not_actions, *_body(stmt))


class _ActionIndex:
    """Statements by the service their actions name (``*`` and NotAction: every service)."""

    def __init__(self, statements: Iterable[tuple[str, Statement]]) -> None:
        self.by_service: dict[str, list[tuple[str, Statement]]] = {}
        self.everywhere: list[tuple[str, Statement]] = []
        for slot, stmt in statements:
            if stmt.actions is None:
                self.everywhere.append((slot, stmt))
                continue
            services = {a.lower().partition(":")[0] for a in stmt.actions}
            if "*" in services:
                self.everywhere.append((slot, stmt))
            for service in services - {"*"}:
                self.by_service.setdefault(service, []).append((slot, stmt))

    def covering(self, action: str) -> list[tuple[str, Statement]]:
        service = action.partition(":")[0]
        return [
            (slot, s)
            for slot, s in [*self.by_service.get(service, ()), *self.everywhere]
            if covers(s, action)
        ]


_action_matcher = functools.lru_cache(maxsize=8192)(compile_action_pattern)


def covers(stmt: Statement, action: str) -> bool:
    """Whether the statement's Action (or NotAction) covers the lowercased action."""
    if stmt.actions is not None:
        return any(_action_matcher(a)(action) for a in stmt.actions)
    return not any(_action_matcher(a)(action) for a in stmt.not_actions or ())


def fill(pattern: str, region: str | None = None, *, partition: str = "aws", account: str = "") -> str:
    """One value a pattern matches: ``*`` and ``?`` filled in, ``${...}`` variables too. In an ARN a
    wildcarded partition becomes ``partition``, a wildcarded account ``account`` (when given) and, with
    ``region``, a wildcarded Region that Region (empty for ``unspecified``)."""
    text = _VARIABLE.sub(_FILL, pattern)
    parts = text.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        wild = [("*" in x or "?" in x) for x in parts]
        if wild[1]:
            parts[1] = partition
        if region is not None and wild[3]:
            parts[3] = "" if region == UNSPECIFIED else region
        if account and wild[4]:
            parts[4] = account
        text = ":".join(parts)
    return text.replace("*", _FILL).replace("?", "z")


def _value_witness(clause: ConditionClause, value: str, partition: str, account: str) -> str:
    op = clause.operator.lower()
    if "ipaddress" in op:
        try:
            return str(ipaddress.ip_network(value, strict=False).network_address)
        except ValueError:
            return value
    if "like" in op:
        return fill(value, partition=partition, account=account)
    return value


def _resource_region(resource: str) -> str | None:
    parts = resource.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return parts[3] or UNSPECIFIED


def _touched(
    before: Sequence[tuple[str, Policy]], after: Sequence[tuple[str, Policy]]
) -> list[tuple[str, Statement]]:
    """The statements a change removed or added (up to the Sid), on either side."""
    old = Counter((slot, _whole(s)) for slot, p in before for s in p.statements)
    new = Counter((slot, _whole(s)) for slot, p in after for s in p.statements)
    return [*(_statement(before, k) for k in old - new), *(_statement(after, k) for k in new - old)]


def _representatives(stmts: Sequence[Statement], touched: set[int]) -> list[Statement]:
    """The statements whose resources stand in the domain: every touched one, and of the others one per
    group alike but for their resources (10,000 statements that each allow one bucket are decided
    alike: one bucket stands for them)."""
    out: list[Statement] = []
    seen: set[tuple[object, ...]] = set()
    for stmt in stmts:
        if id(stmt) in touched:
            out.append(stmt)
            continue
        body = (stmt.effect, _principal_key(stmt.principal), _principal_key(stmt.not_principal))
        key = (
            *body,
            tuple((c.operator, c.key, c.values) for c in stmt.conditions),
            stmt.not_resources is None,
        )
        if key not in seen:
            seen.add(key)
            out.append(stmt)
    return out


def affected_actions(
    before: Sequence[tuple[str, Policy]], after: Sequence[tuple[str, Policy]], actions: Iterable[str]
) -> list[str]:
    """The actions whose covering statements a change touched (reduction 1)."""
    old = Counter((slot, _whole(s)) for slot, p in before for s in p.statements)
    new = Counter((slot, _whole(s)) for slot, p in after for s in p.statements)
    removed = [_statement(before, k) for k in (old - new)]
    added = [_statement(after, k) for k in (new - old)]
    out = []
    for action in actions:
        gone = Counter((slot, _body(st)) for slot, st in removed if covers(st, action))
        came = Counter((slot, _body(st)) for slot, st in added if covers(st, action))
        if gone != came:
            out.append(action)
    return out


def _statement(
    policies: Sequence[tuple[str, Policy]], key: tuple[str, tuple[object, ...]]
) -> tuple[str, Statement]:
    slot, whole = key
    for s, p in policies:
        if s != slot:
            continue
        for stmt in p.statements:
            if _whole(stmt) == whole:
                return slot, stmt
    raise KeyError(key)  # pragma: no cover - the key was taken from these policies


def named_actions(policies: Iterable[tuple[str, Policy]], extra: Iterable[str]) -> list[str]:
    """Every action named (a pattern filled in to one action it matches), lowercased and deduplicated."""
    names: dict[str, None] = {}
    for _, p in policies:
        for stmt in p.statements:
            for a in (*(stmt.actions or ()), *(stmt.not_actions or ())):
                if a == "*":
                    continue
                names[fill(a.lower())] = None
    for a in sorted(extra):  # a frozenset: sorted, so that every run names the same representative
        names[a.lower()] = None
    names[UNNAMED_SERVICE_ACTION] = None
    return list(names)


def build_domain(
    before: PolicySet,
    after: PolicySet,
    env: Environment,
    *,
    regions: Sequence[str],
    partition: str,
    extra_actions: Iterable[str] = (),
    call_resources: Iterable[tuple[str, str]] = (),
    baselines: Sequence[Environment] | None = None,
    vary_network: bool = True,
) -> Domain:
    """The requests to decide before and after (see the module docstring).

    ``call_resources``: (action, resource) pairs of the scenario's own calls; ``baselines``: the networks
    requests come from (default: the caller's); ``vary_network``: whether network keys are varied too
    (not when the fix admits the caller's network on purpose).
    """
    old, new = policies_of(before), policies_of(after)
    named = named_actions([*old, *new], extra_actions)
    affected = affected_actions(old, new, named)
    touched = {id(s) for _, s in _touched(old, new)}
    index_old = _ActionIndex((slot, s) for slot, p in old for s in p.statements)
    index_new = _ActionIndex((slot, s) for slot, p in new for s in p.statements)

    # Reduction 2: one action per (service, covering statements before, covering statements after).
    classes: dict[tuple[str, tuple[int, ...], tuple[int, ...]], tuple[list[str], list[Statement]]] = {}
    for action in affected:
        o, n = index_old.covering(action), index_new.covering(action)
        signature = (action.partition(":")[0], tuple(id(s) for _, s in o), tuple(id(s) for _, s in n))
        classes.setdefault(signature, ([], [s for _, s in (*o, *n)]))[0].append(action)

    calls: dict[str, set[str]] = {}
    for action, resource in call_resources:
        calls.setdefault(action.lower(), set()).add(resource)

    account = env.caller.account
    bases = list(baselines or [env])
    all_regions = [*dict.fromkeys([*regions, UNSPECIFIED])]
    requests: dict[tuple[object, ...], DomainRequest] = {}
    resources_seen: set[str] = set()
    values_seen: set[tuple[str, str]] = set()
    principals_seen: set[str] = {env.caller.principal}
    for (service, _, _), (members, stmts) in classes.items():
        action = members[0]
        patterns = sorted(
            {
                p
                for s in _representatives(stmts, touched)
                for p in (*(s.resources or ()), *(s.not_resources or ()))
                if p != "*"
            }
        )
        clauses = [c for s in stmts for c in s.conditions]
        variations: list[tuple[str, str | None]] = []
        for clause in clauses:
            k = clause.key.lower()
            if k == "aws:requestedregion" or (not vary_network and k in NETWORK_KEYS):
                continue
            variations.append((k, None))
            variations.extend((k, _value_witness(clause, v, partition, account)) for v in clause.values)
        variations = list(dict.fromkeys(variations))
        principals = sorted(
            {
                arn
                for s in stmts
                for spec in (s.principal, s.not_principal)
                if spec is not None
                for arn in spec.entries.get("AWS", ())
                if arn.startswith("arn:") and "*" not in arn
            }
        )
        for region in all_regions:
            resources = {fill(p, region, partition=partition, account=account) for p in patterns}
            resources = {r for r in resources if _resource_region(r) in (None, region)}
            resources |= {r for m in members for r in calls.get(m, ()) if _resource_region(r) == region}
            resources.add(
                f"arn:{partition}:{service}:{'' if region == UNSPECIFIED else region}:{account}:{_FILL}"
            )
            resources_seen |= resources
            for base_env in bases:
                base = {k.lower(): v for k, v in base_context(base_env).items()}
                base["aws:requestedregion"] = region
                contexts: list[tuple[str, dict[str, ContextValue]]] = [("", base)]
                for k, v in variations:
                    ctx = dict(base)
                    if v is None:
                        if k not in ctx:
                            continue
                        del ctx[k]
                        contexts.append((f" without {k}", ctx))
                    else:
                        ctx[k] = v
                        contexts.append((f" with {k}={v}", ctx))
                    values_seen.add((k, v or ""))
                for p in principals:
                    ctx = dict(base)
                    ctx["aws:principalarn"] = p
                    contexts.append((f" as {p}", ctx))
                    principals_seen.add(p)
                for resource in sorted(resources):
                    for note, ctx in contexts:
                        principal = ctx.get("aws:principalarn") if note.startswith(" as ") else None
                        who = str(principal) if principal else base_env.caller.principal
                        rkey = (action, resource, who, tuple(sorted((a, str(b)) for a, b in ctx.items())))
                        if rkey in requests:
                            continue
                        requests[rkey] = DomainRequest(
                            action=action,
                            resource=resource,
                            region=region,
                            context=ctx,
                            principal=who,
                            label=f"{action} on {resource} in {region}{note}",
                            actions=tuple(members),
                        )
    size = DomainSize(
        actions_named=len(named),
        actions_affected=len(affected),
        action_classes=len(classes),
        regions=len(all_regions),
        resources=len(resources_seen),
        condition_values=len(values_seen),
        principals=len(principals_seen),
        requests=len(requests),
    )
    return Domain(tuple(requests.values()), size)
