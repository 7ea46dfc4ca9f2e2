"""The authorizer: AWS's policy evaluation logic as a pure function of policies and one request.

Specification: docs/iam-engine.md (derived from the AWS IAM User Guide pages it cites). In short:
1. an applicable Deny in any evaluated policy decides ExplicitlyDenied;
2. otherwise every guardrail must hold: each SCP level (member accounts; not service-linked roles)
   and each VPC endpoint policy needs an applicable Allow; RCP levels always carry RCPFullAWSAccess;
3. the principal side must grant: identity policies or the resource-based policy (same account),
   both (cross account), each limited by the permissions boundary and the session policy, except
   where AWS lets a resource-policy grant that names the caller directly stand on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from bedrock_access.iam.arn import TypePrefixes, parse_arn
from bedrock_access.iam.compiled import CompileCache, CompiledPolicy, CompiledStatement, PolicyRef
from bedrock_access.iam.model import Policy, Statement
from bedrock_access.iam.principals import Caller, MatchKind, caller_of, with_principal_arn
from bedrock_access.iam.variables import Context, ContextValue

Outcome = Literal["Allowed", "ImplicitlyDenied", "ExplicitlyDenied"]
LayerType = Literal["identity", "resource", "pb", "session", "scp", "rcp", "vpce"]

# Services whose resource policy must grant even within one account (key policies, role trust).
_RESOURCE_POLICY_REQUIRED_SERVICES = frozenset({"kms"})
_TRUST_ACTION_PREFIX = "sts:assumerole"


def required_resource_policy(action: str, resource: str) -> str | None:
    """The name of the resource's own policy AWS requires for this request, or None.

    DENYALLOW: "IAM role trust policies and KMS key policies are exceptions to this logic, because they
    must explicitly allow access for principals". Every KMS key has a key policy and every role a trust
    policy, so an identity policy alone never grants here: without the document the answer is an
    implicit deny, reported as such (never a silent Allow).
    """
    lowered = action.lower()
    parsed = parse_arn(resource)
    if parsed is None:
        return None
    if lowered.startswith("kms:") and parsed.service == "kms" and parsed.resource_type == "key":
        return "key policy"
    if (
        lowered.startswith(_TRUST_ACTION_PREFIX)
        and parsed.service == "iam"
        and parsed.resource_type == "role"
    ):
        return "trust policy"
    return None


@dataclass(frozen=True, slots=True)
class OrgLevel:
    """One node on the path root → OUs → account, with the policies attached there."""

    identifier: str
    policies: tuple[Policy, ...]


@dataclass(frozen=True, slots=True)
class PolicySet:
    """Every policy that can take part in a decision. ``None`` means the layer is absent
    (no boundary, no session policy, not in an organization); an empty SCP level allows nothing."""

    identity: tuple[Policy, ...] = ()
    resource: Policy | None = None
    boundary: tuple[Policy, ...] | None = None  # AWS allows one; several are read as one (any allows)
    session: Policy | None = None
    scp_levels: tuple[OrgLevel, ...] | None = None
    rcp_levels: tuple[OrgLevel, ...] | None = None
    vpc_endpoint: tuple[Policy, ...] | None = None
    management_account: str | None = None  # SCPs and RCPs do not restrict this account


@dataclass(frozen=True, slots=True)
class Request:
    principal: str
    action: str
    resource: str
    context: Mapping[str, ContextValue] = field(default_factory=dict)
    resource_account: str | None = None  # defaults to the ARN's account, else the principal's


@dataclass(frozen=True, slots=True)
class Decisive:
    """A statement that decided, or (effect ``NoApplicableAllow``) a layer that lacked an Allow."""

    type: LayerType
    level: str | None
    policy: str | None
    sid: str | None
    index: int | None
    effect: Literal["Allow", "Deny", "NoApplicableAllow"]

    def to_json(self) -> dict[str, object]:
        return {
            "type": self.type,
            "level": self.level,
            "policy": self.policy,
            "sid": self.sid,
            "index": self.index,
            "effect": self.effect,
        }


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    decisive: tuple[Decisive, ...]
    cross_account: bool = False
    scps_applied: bool = False
    notes: tuple[str, ...] = ()

    @property
    def allowed(self) -> bool:
        return self.outcome == "Allowed"

    def to_json(self) -> dict[str, object]:
        out: dict[str, object] = {"decision": self.outcome, "decisive": [d.to_json() for d in self.decisive]}
        if self.notes:
            out["notes"] = list(self.notes)
        return out


def _statement_entry(stmt: CompiledStatement) -> Decisive:
    ref = stmt.policy.ref
    return Decisive(
        type=ref.type,  # type: ignore[arg-type]
        level=ref.level,
        policy=ref.name,
        sid=stmt.statement.sid,
        index=stmt.statement.index,
        effect=stmt.effect,
    )


def _missing(layer: LayerType, level: str | None = None, policy: str | None = None) -> Decisive:
    return Decisive(type=layer, level=level, policy=policy, sid=None, index=None, effect="NoApplicableAllow")


def region_from_resource(resource: str) -> str | None:
    """The Region field of a Regional resource ARN (None for ``*``, global ARNs, or no ARN). A call on a
    Regional resource is normally sent to that Region's endpoint, which is what ``aws:RequestedRegion``
    holds ("the AWS Region that was called in the request", global condition keys page)."""
    parsed = parse_arn(resource)
    return parsed.region if parsed is not None and parsed.region else None


def normalize_context(context: Mapping[str, object]) -> dict[str, ContextValue]:
    """Lowercase key names (they are case-insensitive) and read values as AWS does: strings, or
    tuples of strings for multivalued keys."""
    out: dict[str, ContextValue] = {}
    for key, value in context.items():
        out[str(key).lower()] = _context_value(value)
    return out


def _context_value(value: object) -> ContextValue:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_context_value_scalar(v) for v in value)
    return _context_value_scalar(value)


def _context_value_scalar(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return str(value)


_IDENTITY, _BOUNDARY, _SESSION, _RESOURCE, _VPCE, _RCP, _FIRST_SCP = range(7)
_PRINCIPAL_SLOTS = frozenset({_RESOURCE, _VPCE, _RCP})
_MEMO_LIMIT = 8192


class Authorizer:
    """A compiled :class:`PolicySet` that decides requests.

    ``rcp_services`` are the service prefixes RCPs apply to (AWS's list of services that support RCPs);
    with ``None`` RCPs are applied to every service. ``resource_types`` gives each service's literal
    resource-type prefixes (``foundation-model/``...), which a Resource pattern may not wildcard; with
    ``None`` that rule is not applied. :func:`bedrock_access.iam.service_data.resource_type_prefixes`
    provides both from AWS's published data. ``cache`` shares compiled policies between authorizers
    built over the same parsed policies.
    """

    def __init__(
        self,
        policies: PolicySet,
        *,
        rcp_services: frozenset[str] | None = None,
        resource_types: TypePrefixes | None = None,
        cache: CompileCache | None = None,
    ) -> None:
        self.policies = policies
        self.rcp_services = rcp_services
        self._has_boundary = policies.boundary is not None
        self._has_session = policies.session is not None
        self._has_resource = policies.resource is not None
        self._has_vpce = policies.vpc_endpoint is not None
        self._has_scps = policies.scp_levels is not None
        self._has_rcps = policies.rcp_levels is not None
        self._boundary_name = ", ".join(p.name for p in policies.boundary or ()) or None
        self._session_name = policies.session.name if policies.session is not None else None
        self._vpce_name = ", ".join(p.name for p in policies.vpc_endpoint or ()) or None
        self._scp_ids = tuple(level.identifier for level in policies.scp_levels or ())
        self._slot_count = _FIRST_SCP + len(self._scp_ids)

        # Compiled in the order explicit denies are reported: RCP, SCP levels, VPC endpoint,
        # resource-based, identity, boundary, session.
        ordered: list[tuple[Policy, PolicyRef, int]] = []
        for level in policies.rcp_levels or ():
            ordered.extend((p, PolicyRef("rcp", level.identifier, p.name), _RCP) for p in level.policies)
        for i, level in enumerate(policies.scp_levels or ()):
            ordered.extend(
                (p, PolicyRef("scp", level.identifier, p.name), _FIRST_SCP + i) for p in level.policies
            )
        ordered.extend((p, PolicyRef("vpce", None, p.name), _VPCE) for p in policies.vpc_endpoint or ())
        if policies.resource is not None:
            ordered.append(
                (policies.resource, PolicyRef("resource", None, policies.resource.name), _RESOURCE)
            )
        ordered.extend((p, PolicyRef("identity", None, p.name), _IDENTITY) for p in policies.identity)
        ordered.extend((p, PolicyRef("pb", None, p.name), _BOUNDARY) for p in policies.boundary or ())
        if policies.session is not None:
            ordered.append((policies.session, PolicyRef("session", None, policies.session.name), _SESSION))
        self._compiled: list[CompiledPolicy] = []
        for policy, ref, slot in ordered:

            def build(policy: Policy = policy, ref: PolicyRef = ref, slot: int = slot) -> CompiledPolicy:
                compiled = CompiledPolicy(policy, ref, resource_types)
                for stmt in compiled.statements:
                    stmt.slot = slot
                    stmt.decisive = _statement_entry(stmt)
                return compiled

            self._compiled.append(
                build() if cache is None else cache.compiled(policy, ref, slot, resource_types, build)
            )
        self.condition_keys = frozenset(
            condition.clause.key.lower()
            for compiled_policy in self._compiled
            for stmt in compiled_policy.statements
            for condition in stmt.conditions
        )  # every context key some condition reads, lowercased
        self._candidates: dict[str, tuple[CompiledStatement, ...]] = {}
        self._by_resource: dict[tuple[str, str], tuple[CompiledStatement, ...]] = {}
        self._resource_accounts: dict[str, str | None] = {}

    def statements_for(self, action: str) -> tuple[CompiledStatement, ...]:
        """Every statement, in every layer, whose Action/NotAction covers the lowercased action."""
        try:
            return self._candidates[action]
        except KeyError:
            found = tuple(s for policy in self._compiled for s in policy.for_action(action))
            if len(self._candidates) < _MEMO_LIMIT:
                self._candidates[action] = found
            return found

    def statement_of(self, decisive: Decisive) -> Statement | None:
        """The policy statement a decisive entry names (None for a layer without an Allow)."""
        if decisive.index is None:
            return None
        for compiled in self._compiled:
            ref = compiled.ref
            if ref.type == decisive.type and ref.level == decisive.level and ref.name == decisive.policy:
                for stmt in compiled.statements:
                    if stmt.statement.index == decisive.index:
                        return stmt.statement
        return None

    def missing_context_keys(self, action: str, ctx: Context) -> tuple[str, ...]:
        """Context keys that conditions of statements covering ``action`` read but ``ctx`` (lowercased
        keys) lacks, spelled as the policy first wrote them: AWS's simulator returns the same list as
        ``MissingContextValues``. Such a key is *absent*, which decides the condition by the
        missing-key rules, so a caller usually wants to supply it."""
        seen: dict[str, str] = {}
        for stmt in self.statements_for(action.lower()):
            for condition in stmt.conditions:
                key = condition.clause.key
                lowered = key.lower()
                if lowered not in ctx and lowered not in seen:
                    seen[lowered] = key
        return tuple(seen.values())

    def non_boolean_bool_keys(self, action: str, ctx: Context) -> tuple[str, ...]:
        """Keys a ``Bool`` condition (of a statement covering ``action``) compares whose request value is
        not ``true``/``false``: AWS does not document that comparison, so a decision resting on it is
        uncertain (the engine treats it as no match)."""
        found: dict[str, str] = {}
        for stmt in self.statements_for(action.lower()):
            for condition in stmt.conditions:
                parsed = condition.operator
                if parsed is None or parsed.base != "Bool":
                    continue
                lowered = condition.clause.key.lower()
                value = ctx.get(lowered)
                values = (value,) if isinstance(value, str) else (value or ())
                if any(v.lower() not in ("true", "false") for v in values):
                    found.setdefault(lowered, condition.clause.key)
        return tuple(found.values())

    def statements_on(self, action: str, resource: str) -> tuple[CompiledStatement, ...]:
        """The statements of :meth:`statements_for` less those whose variable-free Resource/NotResource
        rules the resource out (a policy of 10,000 statements is filtered once per resource, not once
        per request)."""
        key = (action, resource)
        try:
            return self._by_resource[key]
        except KeyError:
            found = tuple(s for policy in self._compiled for s in policy.on(action, resource))
            if len(self._by_resource) < _MEMO_LIMIT:
                self._by_resource[key] = found
            return found

    # The public entry point ---------------------------------------------------------------------

    def authorize(self, request: Request) -> Decision:
        ctx = normalize_context(request.context)
        return self.authorize_normalized(
            request.principal, request.action, request.resource, ctx, request.resource_account
        )

    def _resource_account(self, resource: str) -> str | None:
        try:
            return self._resource_accounts[resource]
        except KeyError:
            parsed = parse_arn(resource)
            account = parsed.account if parsed is not None and parsed.account else None
            if len(self._resource_accounts) < _MEMO_LIMIT:
                self._resource_accounts[resource] = account
            return account

    def authorize_normalized(
        self,
        principal: str,
        action: str,
        resource: str,
        ctx: Context,
        resource_account: str | None = None,
    ) -> Decision:
        """As :meth:`authorize`, for a context whose keys are already lowercased."""
        action = action.lower()
        caller = caller_of(principal)
        if caller.kind == "session":
            principal_arn = ctx.get("aws:principalarn")
            if isinstance(principal_arn, str):
                caller = with_principal_arn(caller, principal_arn)
        if resource_account is None:
            resource_account = self._resource_account(resource) or caller.account
        service = action.partition(":")[0]
        management = self.policies.management_account

        scp_applies = (
            self._has_scps
            and caller.is_iam
            and not caller.is_service_linked_role
            and (management is None or caller.account != management)
        )
        rcp_applies = (
            self._has_rcps
            and (self.rcp_services is None or service in self.rcp_services)
            and not caller.is_service_linked_role
            and (management is None or resource_account != management)
        )
        session_applies = self._has_session and caller.kind in ("session", "federated")
        active = [True, self._has_boundary, session_applies, self._has_resource, self._has_vpce, rcp_applies]
        active.extend([scp_applies] * len(self._scp_ids))

        # 1. One pass over every statement that names the action, in every layer that takes part.
        denies: list[CompiledStatement] = []
        allows: list[list[CompiledStatement] | None] = [None] * self._slot_count
        resource_grants: list[tuple[CompiledStatement, MatchKind | bool]] = []
        vpce_granted = False
        for stmt in self.statements_on(action, resource):
            slot = stmt.slot
            if not active[slot]:
                continue
            named: MatchKind | bool = True
            if slot in _PRINCIPAL_SLOTS:
                how = stmt.principal_match(caller, self._has_boundary)
                if how is None or how is False:
                    continue
                named = how
            if not (stmt.resource_any or stmt.resource_static) and not stmt.matches_resource(resource, ctx):
                continue
            for evaluate in stmt.evaluators:
                if not evaluate(ctx):
                    break
            else:
                if stmt.effect == "Deny":
                    denies.append(stmt)
                elif slot == _RESOURCE:
                    resource_grants.append((stmt, named))
                elif slot == _VPCE:
                    vpce_granted = True
                else:
                    bucket = allows[slot]
                    if bucket is None:
                        allows[slot] = [stmt]
                    else:
                        bucket.append(stmt)

        cross_account = (
            caller.account is not None and resource_account is not None and caller.account != resource_account
        )

        # 2. An explicit deny anywhere is final.
        if denies:
            return Decision(
                "ExplicitlyDenied",
                tuple(s.decisive for s in denies),  # type: ignore[misc]
                cross_account=cross_account,
                scps_applied=scp_applies,
            )

        # 3. Guardrails: every SCP level and every VPC endpoint policy must allow. RCP levels always
        #    hold RCPFullAWSAccess, so they can only deny.
        missing: list[Decisive] = []
        if scp_applies:
            for i, identifier in enumerate(self._scp_ids):
                if allows[_FIRST_SCP + i] is None:
                    missing.append(_missing("scp", identifier))
        if self._has_vpce and not vpce_granted:
            missing.append(_missing("vpce", None, self._vpce_name))

        # 4. The principal side.
        grants, principal_missing = self._principal_side(
            caller,
            action,
            service,
            cross_account,
            allows[_IDENTITY] or [],
            allows[_BOUNDARY] is not None,
            allows[_SESSION] is not None,
            session_applies,
            resource_grants,
        )
        missing.extend(principal_missing)
        notes: tuple[str, ...] = ()
        if not self._has_resource and caller.is_iam:
            required = required_resource_policy(action, resource)
            if required is not None:
                # The resource's own policy must allow and none was given: decide as AWS would with
                # a policy that does not name the caller (implicit deny), and say what is missing.
                if not any(m.type == "resource" for m in missing):
                    missing.append(_missing("resource"))
                notes = (
                    f"no {required} was given: AWS requires the {required} of {resource} to allow"
                    f" {action}, so an identity policy alone does not grant it",
                )
        if missing:
            return Decision(
                "ImplicitlyDenied",
                tuple(missing),
                cross_account=cross_account,
                scps_applied=scp_applies,
                notes=notes,
            )
        return Decision(
            "Allowed",
            tuple(s.decisive for s in grants),  # type: ignore[misc]
            cross_account=cross_account,
            scps_applied=scp_applies,
        )

    def _principal_side(
        self,
        caller: Caller,
        action: str,
        service: str,
        cross_account: bool,
        identity_allows: list[CompiledStatement],
        boundary_allows: bool,
        session_allows: bool,
        session_applies: bool,
        resource_grants: Sequence[tuple[CompiledStatement, MatchKind | bool]],
    ) -> tuple[list[CompiledStatement], list[Decisive]]:
        """The statements that grant, and the layers that lack an Allow."""
        direct = [s for s, how in resource_grants if how == "direct" or how is True]
        via_role = [s for s, how in resource_grants if how == "role"]
        via_account = [s for s, how in resource_grants if how == "account"]
        missing: list[Decisive] = []

        if not caller.is_iam:
            # Service principals and anonymous callers have no identity: only a resource policy grants.
            if direct or via_role or via_account:
                return [*direct, *via_role, *via_account], []
            return [], [_missing("resource")]

        resource_policy_required = self._has_resource and (
            service in _RESOURCE_POLICY_REQUIRED_SERVICES or action.startswith(_TRUST_ACTION_PREFIX)
        )
        is_root = caller.kind == "root"

        if not cross_account and not resource_policy_required:
            if direct:
                # Same account: a grant naming the user or session ARN is not limited by implicit
                # denies in identity, boundary or session policies.
                return direct, []
            if is_root:
                return [], []
            if not identity_allows and not via_role:
                missing.append(_missing("identity"))
            grants = [*identity_allows, *via_role]
        else:
            if not (direct or via_role or via_account):
                missing.append(_missing("resource"))
            if resource_policy_required and not cross_account and direct:
                return direct, []
            # Same account, key or trust policy naming the caller's role: that grant stands alone
            # (limited by boundary and session policy below); an account principal only delegates.
            role_grant_alone = resource_policy_required and not cross_account and bool(via_role)
            if not is_root and not identity_allows and not role_grant_alone:
                missing.append(_missing("identity"))
            grants = [*identity_allows, *direct, *via_role, *via_account]

        if self._has_boundary and not is_root and not boundary_allows:
            missing.append(_missing("pb", None, self._boundary_name))
        if caller.kind == "session" and session_applies and not session_allows:
            missing.append(_missing("session", None, self._session_name))
        if caller.kind == "federated" and not session_allows:
            missing.append(_missing("session", None, self._session_name))
        return grants, missing
