"""Every principal of a snapshot × model or profile × source Region, decided exactly as ``check`` does.

Pure. Each cell is an :func:`bedrock_access.bedrock.assess.assess` of one invocation (the same fan-out,
engine and findings as ``check``); nothing here knows an authorization rule. What this module adds is
sharing: principals whose policy stacks are equal (:meth:`StackBuilder.key`) and whose principal-specific
conditions come out the same are decided once, on a representative, and the representative's answer is
re-addressed to each member (its ARN in the error text, its account in ARNs and the account-level SCP).

:func:`decide_snapshot` is the one entry point: snapshot in, :class:`Matrix` out.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from bedrock_access.bedrock.assess import InvocationAssessment, assess
from bedrock_access.bedrock.caller import CallerError, caller_from_arn
from bedrock_access.bedrock.checks import CallerIdentity, Environment, action_for, base_context
from bedrock_access.bedrock.errors import PredictedError
from bedrock_access.bedrock.findings import Finding
from bedrock_access.bedrock.invocation import Invocation, Operation
from bedrock_access.catalog.model import Catalog
from bedrock_access.errors import InputError
from bedrock_access.iam.arn import TypePrefixes
from bedrock_access.iam.engine import Authorizer, Decisive
from bedrock_access.iam.variables import ContextValue
from bedrock_access.org.model import Principal, Snapshot
from bedrock_access.org.stack import StackBuilder

# Context keys whose value depends on who calls (the rest of a request's context does not).
_PRINCIPAL_KEYS = frozenset(
    {
        "aws:principalarn",
        "aws:principalaccount",
        "aws:principaltype",
        "aws:username",
        "aws:userid",
        "aws:principalorgid",
    }
)


def _principal_key(key: str) -> bool:
    return key in _PRINCIPAL_KEYS or key.startswith("aws:principaltag/")


@dataclass(frozen=True, slots=True)
class Hop:
    hop: str
    resource: str
    decision: str
    decided_by: tuple[Decisive, ...]


@dataclass(frozen=True, slots=True)
class Cell:
    account_id: str
    principal_arn: str
    permission_set: str | None
    model: str
    source_region: str
    verdict: str
    authorized_regions: tuple[str, ...]
    denied_regions: tuple[str, ...]
    decided_by: tuple[Decisive, ...]
    findings: tuple[Finding, ...]
    predicted_error: PredictedError | None
    hops: tuple[Hop, ...]
    blocking_hop: str | None
    stack: int  # index of the decided stack it shares


@dataclass(frozen=True, slots=True)
class StackDecision:
    """One decided stack: its representative's assessments for every (model, Region)."""

    index: int
    representative: Principal
    caller: CallerIdentity
    assessments: Mapping[tuple[str, str], InvocationAssessment] = field(hash=False)
    members: tuple[Principal, ...] = ()


@dataclass(frozen=True, slots=True)
class Matrix:
    snapshot: Snapshot
    models: tuple[str, ...]
    regions: tuple[str, ...]
    operation: str
    stacks: tuple[StackDecision, ...]
    rows: tuple[tuple[Principal, CallerIdentity, int], ...]  # principal, its caller, its stack index
    notes: tuple[str, ...] = ()

    @property
    def cell_count(self) -> int:
        return len(self.rows) * len(self.models) * len(self.regions)

    def cells(self) -> Iterator[Cell]:
        """Every cell, principal by principal, then model, then Region (built on demand)."""
        for principal, caller, index in self.rows:
            stack = self.stacks[index]
            for model in self.models:
                for region in self.regions:
                    yield make_cell(stack, principal, caller, stack.assessments[(model, region)])

    def cell(self, principal_arn: str, model: str, region: str) -> Cell | None:
        for principal, caller, index in self.rows:
            if principal.arn == principal_arn:
                stack = self.stacks[index]
                found = stack.assessments.get((model, region))
                return make_cell(stack, principal, caller, found) if found is not None else None
        return None


# ---------------------------------------------------------------------------------------------------
# Cells from a representative's assessment


def cell_decided_by(a: InvocationAssessment) -> tuple[Decisive, ...]:
    """The statements that decided the cell: the blocking check's for a denied call, every distinct
    granting statement for an allowed one, none for an invalid one (Bedrock refuses it before IAM)."""
    if a.verdict == "invalid":
        return ()
    blocking = a.blocking
    if blocking is not None:
        return blocking.decision.decisive
    seen: dict[Decisive, None] = {}
    for outcome in a.outcomes:
        for d in outcome.decision.decisive:
            seen.setdefault(d, None)
    return tuple(seen)


class _Readdress:
    """Re-address a representative's answer to another principal of the same stack."""

    def __init__(self, rep: CallerIdentity, member: CallerIdentity) -> None:
        self.identity = rep.principal == member.principal and rep.account == member.account
        self.rep, self.member = rep, member

    def text(self, value: str) -> str:
        if self.identity:
            return value
        value = value.replace(self.rep.principal, self.member.principal)
        return value.replace(f":{self.rep.account}:", f":{self.member.account}:")

    def decisive(self, entries: Sequence[Decisive]) -> tuple[Decisive, ...]:
        if self.identity:
            return tuple(entries)
        return tuple(
            replace(d, level=self.member.account) if d.level == self.rep.account else d for d in entries
        )


def make_cell(
    stack: StackDecision, principal: Principal, caller: CallerIdentity, a: InvocationAssessment
) -> Cell:
    r = _Readdress(stack.caller, caller)
    error = a.predicted_error
    if error is not None and not r.identity:
        error = replace(
            error,
            message=r.text(error.message),
            client_text=r.text(error.client_text) if error.client_text else None,
        )
    blocking = a.blocking if a.verdict == "denied" else None
    return Cell(
        account_id=principal.account_id,
        principal_arn=principal.arn,
        permission_set=principal.permission_set,
        model=a.invocation.model,
        source_region=a.invocation.region,
        verdict=a.verdict,
        authorized_regions=a.authorized_regions,
        denied_regions=a.denied_regions,
        decided_by=r.decisive(cell_decided_by(a)),
        findings=tuple(replace(f, message=r.text(f.message)) for f in a.findings)
        if not r.identity
        else a.findings,
        predicted_error=error,
        hops=tuple(
            Hop(o.check.hop, r.text(o.check.resource), o.decision.outcome, r.decisive(o.decision.decisive))
            for o in a.outcomes
        ),
        blocking_hop=blocking.check.hop if blocking is not None else None,
        stack=stack.index,
    )


# ---------------------------------------------------------------------------------------------------
# Choosing models and Regions


def default_models(catalog: Catalog, regions: Sequence[str]) -> tuple[str, ...]:
    """The catalog's Anthropic Claude inference profiles offered from at least one of ``regions`` (a
    profile offered from none of them would only fill the matrix with invalid cells)."""
    return tuple(
        sorted(
            pid
            for pid, p in catalog.profiles.items()
            if p.model_id.startswith("anthropic.claude") and any(r in p.routing for r in regions)
        )
    )


def scp_named_regions(snapshot: Snapshot, catalog: Catalog) -> tuple[str, ...]:
    """Bedrock Regions that the organization's SCPs name in an ``aws:RequestedRegion`` condition (the
    allowed list of a Region deny, or a Region denied on its own); patterns are expanded."""
    bedrock = catalog.bedrock_regions("aws")
    named: set[str] = set()
    for policy in snapshot.policies:
        if policy.type != "SERVICE_CONTROL_POLICY":
            continue
        statements = policy.document.get("Statement", [])
        for statement in statements if isinstance(statements, list) else [statements]:
            conditions = statement.get("Condition", {}) if isinstance(statement, Mapping) else {}
            for block in conditions.values() if isinstance(conditions, Mapping) else ():
                if not isinstance(block, Mapping):
                    continue
                for key, values in block.items():
                    if str(key).lower() != "aws:requestedregion":
                        continue
                    for value in values if isinstance(values, list) else [values]:
                        named.update(r for r in bedrock if fnmatch.fnmatchcase(r, str(value)))
    return tuple(sorted(named)) or bedrock


def check_models(models: Sequence[str], catalog: Catalog) -> None:
    for model in models:
        if model.startswith("arn:") or catalog.profile(model) or catalog.model(model):
            continue
        near = catalog.closest_ids(model)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise InputError(
            f"unknown model id {model!r} (catalog snapshot {catalog.snapshot_date}){hint}", field="--model"
        )


def check_regions(regions: Sequence[str], catalog: Catalog) -> None:
    for region in regions:
        if catalog.region(region) is None:
            near = catalog.closest_regions(region)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise InputError(f"unknown Region {region!r}{hint}", field="--region")


# ---------------------------------------------------------------------------------------------------
# Deciding


def caller_of(principal: Principal, org_id: str | None) -> CallerIdentity:
    try:
        return caller_from_arn(principal.arn, org_id=org_id)
    except CallerError as exc:
        raise InputError(str(exc), field=f"principal {principal.arn}") from None


def _environment(principal: Principal, caller: CallerIdentity, now: str | None) -> Environment:
    tags: dict[str, ContextValue] = {f"aws:PrincipalTag/{k}": v for k, v in principal.tags.items()}
    return Environment(caller=caller, extra_context=tags, now=now)


def _sensitivity(authorizer: Authorizer, actions: Sequence[str]) -> tuple[list[object], bool]:
    """The conditions and resource patterns of a stack whose outcome depends on who calls, and whether
    any depends on it in a way only a per-principal decision captures (a policy variable)."""
    probes: list[object] = []
    unique = False
    for action in actions:
        for stmt in authorizer.statements_for(action.lower()):
            for cond in stmt.conditions:
                key = cond.clause.key.lower()
                if not _principal_key(key):
                    # Request values that are ARNs carry the caller's account (the inference profile ARN
                    # in bedrock:InferenceProfileArn): a condition naming an account splits by it.
                    probes.extend(_account_fields(cond.clause.values))
                    continue
                if any("${" in v for v in cond.clause.values):
                    unique = True
                probes.append(cond)
            for pattern in (*(stmt.statement.resources or ()), *(stmt.statement.not_resources or ())):
                if "${" in pattern:
                    unique = True
                probes.extend(_account_fields((pattern,)))
    return probes, unique


def _account_fields(values: Sequence[str]) -> list[object]:
    """The account fields of ARN patterns that name an account (not empty, not ``*``)."""
    found: list[object] = []
    for value in values:
        parts = value.split(":")
        if value.startswith("arn:") and len(parts) > 4 and parts[4] not in ("", "*"):
            found.append(parts[4])
    return found


def _signature(probes: Sequence[object], unique: bool, principal: Principal, env: Environment) -> Hashable:
    if unique:
        return principal.arn
    if not probes:
        return ()
    ctx = {k.lower(): v for k, v in base_context(env).items()}
    out: list[bool] = []
    for probe in probes:
        if isinstance(probe, str):
            out.append(fnmatch.fnmatchcase(principal.account_id, probe))
        else:
            out.append(bool(probe.evaluate(ctx)))  # type: ignore[attr-defined]
    return tuple(out)


def select_principals(
    snapshot: Snapshot, principal_globs: Sequence[str], accounts: Sequence[str]
) -> tuple[Principal, ...]:
    chosen = []
    for p in snapshot.principals:
        if accounts and p.account_id not in accounts:
            continue
        if principal_globs and not any(
            fnmatch.fnmatchcase(p.arn, g) or fnmatch.fnmatchcase(p.name, g) for g in principal_globs
        ):
            continue
        chosen.append(p)
    return tuple(chosen)


def decide_snapshot(
    snapshot: Snapshot,
    catalog: Catalog,
    *,
    models: Sequence[str],
    regions: Sequence[str],
    principals: Sequence[Principal] | None = None,
    operation: Operation = "InvokeModel",
    rcp_services: frozenset[str] | None = None,
    resource_types: TypePrefixes | None = None,
    now: str | None = None,
) -> Matrix:
    """Decide every chosen principal × model × Region; each distinct stack once."""
    builder = StackBuilder(snapshot)
    chosen = snapshot.principals if principals is None else tuple(principals)
    actions = (action_for(operation),)
    invocations = [
        Invocation(label=f"{m} in {r}", model=m, region=r, operation=operation)
        for m in models
        for r in regions
    ]
    # Principals by stack key; then, inside a stack, by what its principal-specific conditions say.
    authorizers: dict[Hashable, tuple[Authorizer, list[object], bool]] = {}
    groups: dict[tuple[Hashable, Hashable], list[tuple[Principal, CallerIdentity, Environment]]] = {}
    for principal in chosen:
        caller = caller_of(principal, snapshot.org_id)
        env = _environment(principal, caller, now)
        key = builder.key(principal)
        compiled = authorizers.get(key)
        if compiled is None:
            authorizer = Authorizer(
                builder.policy_set(principal), rcp_services=rcp_services, resource_types=resource_types
            )
            probes, unique = _sensitivity(authorizer, actions)
            compiled = (authorizer, probes, unique)
            authorizers[key] = compiled
        signature = _signature(compiled[1], compiled[2], principal, env)
        groups.setdefault((key, signature), []).append((principal, caller, env))

    stacks: list[StackDecision] = []
    placed: dict[str, tuple[CallerIdentity, int]] = {}
    for (key, _signature_value), members in groups.items():
        rep, rep_caller, rep_env = members[0]
        authorizer = authorizers[key][0]
        assessments = {
            (inv.model, inv.region): assess(inv, rep_env, catalog, authorizer) for inv in invocations
        }
        index = len(stacks)
        stacks.append(StackDecision(index, rep, rep_caller, assessments, tuple(m[0] for m in members)))
        for member, caller, _env in members:
            placed[member.arn] = (caller, index)
    rows = tuple((p, *placed[p.arn]) for p in chosen)
    return Matrix(
        snapshot=snapshot,
        models=tuple(models),
        regions=tuple(regions),
        operation=operation,
        stacks=tuple(stacks),
        rows=rows,
    )
