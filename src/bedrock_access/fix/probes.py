"""The probe set: requests whose decisions a fix must not change.

Categories (every probe is the scenario's caller, with the scenario's context):
- ``non-bedrock``: a few actions of other services in every Region of the caller's partition and in
  ``unspecified`` (so every Region the original denied);
- ``bedrock-other``: Bedrock actions that are not the invocations fixed (batch jobs, agents,
  customization, guardrails), everywhere: catches a ``bedrock:*`` exemption;
- ``direct-model``: the fixed models called directly in every Bedrock Region of the partition (so every
  Region the original denied and every destination), without ``bedrock:InferenceProfileArn``;
- ``outside-geography``: the fixed models through every profile of another scope (other geographies,
  global when it was not chosen), each from a Region it is offered from;
- ``outside-network``: the fixed invocations from an address outside every allowed CIDR and through a
  VPC endpoint nobody admitted (when any policy reads network keys);
- ``api-key``: the fixed invocations with long-term and short-term API keys (when any policy reads
  ``bedrock:CallWithBearerToken``);
- ``same-geography``: other models through the chosen geography's profiles, and the same profiles from
  other source Regions. These are compared in the principal-side views only (identity policies,
  boundary, session and VPC endpoint policies): an SCP exemption is geography-wide by design, and the
  identity grant is where least privilege is enforced.

Views: each probe is decided by the whole policy set (``full``) and by each layer alone (the other
layers replaced by "allow everything"), before and after. A fix must leave every decision unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.bedrock.checks import UNSPECIFIED, Environment, Network, action_for, base_context, expand
from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.catalog.model import Catalog
from bedrock_access.fix.client import base_model, scope_of
from bedrock_access.fix.documents import condition_entries, statements
from bedrock_access.fix.model import ProbeDifference, UnchangedProof
from bedrock_access.fix.network import covered
from bedrock_access.iam.engine import Authorizer, PolicySet
from bedrock_access.iam.parse import parse_policy
from bedrock_access.iam.variables import ContextValue
from bedrock_access.scenario.model import PolicyRef, Scenario

NON_BEDROCK_ACTIONS = (
    "ec2:RunInstances",
    "s3:GetObject",
    "lambda:InvokeFunction",
    "dynamodb:PutItem",
    "sagemaker:InvokeEndpoint",
)
BEDROCK_OTHER_ACTIONS = (
    "bedrock:CreateModelInvocationJob",
    "bedrock:CreateModelCustomizationJob",
    "bedrock:InvokeAgent",
    "bedrock:ApplyGuardrail",
)
PRINCIPAL_VIEWS = frozenset({"identity", "pb", "session", "vpce"})
OUTSIDE_ADDRESSES = ("198.18.0.77", "192.0.2.201", "100.64.0.9", "8.8.4.4", "2001:db8::77")
FOREIGN_ENDPOINT = "vpce-0ffffffffffffff00"
_MAX_OTHER_MODELS = 3
_MAX_OTHER_SOURCES = 2

ALLOW_ALL = parse_policy(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]},
    name="(allow everything)",
)


@dataclass(frozen=True, slots=True)
class Probe:
    category: str
    label: str
    action: str
    resource: str
    region: str
    context: Mapping[str, ContextValue]  # keys lowercased
    resource_account: str | None
    views: frozenset[str] | None = None  # None: every view
    principal: str | None = None  # None: the scenario's caller


def _refs(scenario: Scenario) -> list[PolicyRef]:
    """Every policy of the scenario, in every layer."""
    refs = [*scenario.identity_policies]
    for ref in (scenario.permission_boundary, scenario.session_policy, scenario.vpc_endpoint_policy):
        if ref is not None:
            refs.append(ref)
    for level in scenario.scp_levels or ():
        refs.extend(level.policies)
    return refs


def _network_values(scenario: Scenario, key: str, operator: str) -> list[str]:
    out: list[str] = []
    for ref in _refs(scenario):
        for stmt in statements(ref.document):
            for entry in condition_entries(stmt):
                if entry.key.lower() == key.lower() and entry.base_operator == operator:
                    out.extend(entry.values)
    return out


def _reads_key(scenario: Scenario, keys: Iterable[str]) -> bool:
    wanted = {k.lower() for k in keys}
    return any(
        clause.key.lower() in wanted
        for ref in _refs(scenario)
        for st in ref.policy.statements
        for clause in st.conditions
    )


def _mentions_action(scenario: Scenario, action: str) -> bool:
    lowered = action.lower()
    return any(
        lowered in [a.lower() for a in (*(st.actions or ()), *(st.not_actions or ()))]
        for ref in _refs(scenario)
        for st in ref.policy.statements
    )


class _Builder:
    """Adds each probe once per network context (the caller's, or the outside ones when the fix admits
    the caller's network on purpose)."""

    def __init__(self, envs: Sequence[Environment], catalog: Catalog, *, outside: bool = False) -> None:
        self.envs = list(envs)
        self.outside = outside
        self.catalog = catalog
        self.account = envs[0].caller.account
        self.partition = envs[0].caller.partition
        self.probes: list[Probe] = []
        self.seen: set[tuple[str, str, str, tuple[tuple[str, str], ...]]] = set()

    def add(
        self,
        category: str,
        label: str,
        action: str,
        resource: str,
        region: str,
        context: Mapping[str, ContextValue],
        views: frozenset[str] | None = None,
    ) -> None:
        ctx = {k.lower(): v for k, v in context.items()}
        key = (category, action, resource, tuple(sorted((k, str(v)) for k, v in ctx.items())))
        if key in self.seen:
            return
        self.seen.add(key)
        account = self.account if resource.split(":")[4:5] == [""] else None
        self.probes.append(Probe(category, label, action, resource, region, ctx, account, views))

    def request(self, category: str, action: str, resource: str, region: str) -> None:
        for env in self.envs:
            ctx = base_context(env)
            ctx["aws:RequestedRegion"] = region
            self.add(category, f"{action} in {region}{_where(env)}", action, resource, region, ctx)

    def invocation(
        self,
        category: str,
        inv: Invocation,
        envs: Sequence[Environment] | None = None,
        views: frozenset[str] | None = None,
    ) -> None:
        if envs is not None or self.outside:
            # Issued from another network: not through the client's own VPC endpoint (its URL would put
            # aws:SourceVpce back on the request).
            inv = replace(inv, endpoint=None)
        for env in envs or self.envs:
            expansion = expand(inv, env, self.catalog)
            auth = f" ({inv.auth})" if inv.auth != "sigv4" else ""
            for check in expansion.checks:
                self.add(
                    category,
                    f"{inv.model} from {inv.region}{auth}{_where(env)}: {check.hop}",
                    check.action,
                    check.resource,
                    check.region,
                    check.context,
                    views,
                )


def _where(env: Environment) -> str:
    net = env.network
    if net.vpc_endpoint:
        return f" via {net.vpc_endpoint}"
    if net.source_ip:
        return f" from {net.source_ip}"
    return ""


def build_probes(
    before: Scenario,
    after: Scenario,
    fixed: Sequence[Invocation],
    original: Sequence[InvocationAssessment],
    catalog: Catalog,
    *,
    now: str | None = None,
    network_changed: bool = False,
    admits_unspecified: bool = False,
) -> tuple[Probe, ...]:
    """The probes for one alternative. With ``network_changed`` the fix admits the caller's network on
    purpose, so every probe is issued from outside the allowed networks instead of from the caller's.
    With ``admits_unspecified`` a change could admit ``aws:RequestedRegion`` ``unspecified``: the
    ``global-profile`` probes are added."""
    env = before.environment(now=now)
    outside = outside_envs(before, after, env)
    b = _Builder(outside if network_changed else [env], catalog, outside=network_changed)
    app_profiles = {**before.application_profiles, **after.application_profiles}

    regions = [r.region for r in catalog.regions_in_partition(env.caller.partition)]
    denied = sorted({o.check.region for a in original for o in a.outcomes if not o.allowed} | {UNSPECIFIED})
    for region in sorted({*regions, *denied}):
        for action in NON_BEDROCK_ACTIONS:
            b.request("non-bedrock", action, "*", region)
        for action in BEDROCK_OTHER_ACTIONS:
            b.request("bedrock-other", action, "*", region)

    models = sorted({m for m in (base_model(inv.model, app_profiles) for inv in fixed) if m})
    actions = sorted({action_for(inv.operation) for inv in fixed})
    destinations = {o.check.region for a in original for o in a.outcomes if o.check.region != UNSPECIFIED} | {
        inv.region for inv in fixed
    }
    bedrock_regions = set(catalog.bedrock_regions(env.caller.partition))
    direct_regions = sorted((set(denied) - {UNSPECIFIED}) | destinations | bedrock_regions)
    for model in models:
        for region in direct_regions:
            arn = f"arn:{b.partition}:bedrock:{region}::foundation-model/{model}"
            for action in actions:
                b.request("direct-model", action, arn, region)

    chosen_scopes = {s for s in (scope_of(inv.model, app_profiles) for inv in fixed) if s}
    for inv in fixed:
        base = base_model(inv.model, app_profiles)
        if base is None:
            continue
        for profile in catalog.profiles_for_model(base):
            if profile.scope in chosen_scopes or not profile.routing:
                continue
            source = inv.region if inv.region in profile.routing else profile.source_regions[0]
            b.invocation("outside-geography", replace(inv, model=profile.id, region=source, auth="sigv4"))
        scope = scope_of(inv.model, app_profiles)
        if scope is None:
            # A model called directly: the same call from the Regions of other geographies.
            home = catalog.region(inv.region)
            offered = catalog.model(base)
            for region in sorted(bedrock_regions):
                info = catalog.region(region)
                if (
                    offered is not None
                    and offered.on_demand_in(region) is True
                    and info is not None
                    and home is not None
                    and info.geography != home.geography
                ):
                    b.invocation("outside-geography", replace(inv, region=region, auth="sigv4"))
            continue
        # Same geography, for the principal-side views: the profile from other sources, other models.
        own = next((p for p in catalog.profiles_for_model(base) if p.scope == scope), None)
        if own is not None:
            others = [r for r in own.source_regions if r != inv.region][:_MAX_OTHER_SOURCES]
            for source in others:
                b.invocation(
                    "same-geography",
                    replace(inv, model=own.id, region=source, auth="sigv4"),
                    views=PRINCIPAL_VIEWS,
                )
        other_models = sorted(
            p.id
            for p in catalog.profiles.values()
            if p.scope == scope and p.model_id != base and inv.region in p.routing
        )[:_MAX_OTHER_MODELS]
        for pid in other_models:
            b.invocation("same-geography", replace(inv, model=pid, auth="sigv4"), views=PRINCIPAL_VIEWS)

    if admits_unspecified:
        _global_probes(b, fixed, catalog, app_profiles, chosen_scopes)

    network_keys = ("aws:SourceIp", "aws:SourceVpce", "aws:VpcSourceIp", "aws:SourceVpc")
    if network_changed or _reads_key(before, network_keys) or _reads_key(after, network_keys):
        for inv in fixed:
            b.invocation("outside-network", inv, outside)

    if _mentions_action(before, "bedrock:CallWithBearerToken") or any(inv.auth != "sigv4" for inv in fixed):
        for inv in fixed:
            for auth in ("bearer-long-term", "bearer-short-term"):
                if auth != inv.auth:
                    b.invocation("api-key", replace(inv, auth=auth))
    # The fixed invocations' own requests are meant to change: a probe that repeats one is not a probe.
    intended = {
        request_key(c.action, c.resource, {k.lower(): v for k, v in c.context.items()})
        for inv in fixed
        for c in expand(inv, after.environment(now=now), catalog).checks
    }
    return tuple(p for p in b.probes if request_key(p.action, p.resource, p.context) not in intended)


def _global_probes(
    b: _Builder,
    fixed: Sequence[Invocation],
    catalog: Catalog,
    app_profiles: Mapping[str, str],
    chosen_scopes: set[str],
) -> None:
    """Calls in ``unspecified``: through the global profile of each fixed model (when global was not
    chosen) and of other models, and the Region-less model ARN with no profile at all.

    The global profile of another model is compared in the principal-side views only (like
    ``same-geography``: an SCP exemption for global profiles is scope-wide by design); the Region-less
    model called without a profile is compared in every view, so approving ``unspecified`` in a Region
    deny shows as widening.
    """
    models = sorted({m for m in (base_model(inv.model, app_profiles) for inv in fixed) if m})
    globals_ = sorted(
        (p for p in catalog.profiles.values() if p.is_global and p.source_regions), key=lambda p: p.id
    )
    own = [p for p in globals_ if p.model_id in models]
    others = [p for p in globals_ if p.model_id not in models][:_MAX_OTHER_MODELS]
    for inv in fixed[:1]:
        for profile in [*own, *others]:
            source = inv.region if inv.region in profile.source_regions else profile.source_regions[0]
            views = None if profile in own and "global" not in chosen_scopes else PRINCIPAL_VIEWS
            b.invocation(
                "global-profile", replace(inv, model=profile.id, region=source, auth="sigv4"), views=views
            )
        for model in [*models, *(p.model_id for p in others)]:
            arn = f"arn:{b.partition}:bedrock:::foundation-model/{model}"
            for action in sorted({action_for(i.operation) for i in fixed}) or ["bedrock:InvokeModel"]:
                b.request("global-profile", action, arn, UNSPECIFIED)


def request_key(action: str, resource: str, context: Mapping[str, ContextValue]) -> tuple[str, str, str]:
    return (action.lower(), resource, repr(sorted((k, str(v)) for k, v in context.items())))


def outside_envs(before: Scenario, after: Scenario, env: Environment) -> list[Environment]:
    """The caller's identity from an address outside every allowed CIDR, and through a VPC endpoint
    no policy admits."""
    cidrs = [
        *_network_values(before, "aws:SourceIp", "notipaddress"),
        *_network_values(after, "aws:SourceIp", "notipaddress"),
        *_network_values(after, "aws:SourceIp", "ipaddress"),
    ]
    caller_ip = env.network.source_ip
    outside = next(
        (a for a in OUTSIDE_ADDRESSES if not covered(a, cidrs) and a != caller_ip), OUTSIDE_ADDRESSES[-1]
    )
    admitted = {
        *_network_values(before, "aws:SourceVpce", "stringnotequals"),
        *_network_values(after, "aws:SourceVpce", "stringnotequals"),
    }
    foreign = FOREIGN_ENDPOINT if FOREIGN_ENDPOINT not in admitted else "vpce-0eeeeeeeeeeeeee00"
    return [
        replace(env, network=Network(source_ip=outside)),
        replace(env, network=Network(vpc_endpoint=foreign, vpc_source_ip="10.255.255.7")),
    ]


def views_of(scenario: Scenario) -> dict[str, PolicySet]:
    full = scenario.policy_set()
    allow = (ALLOW_ALL,)
    out = {"full": full, "identity": PolicySet(identity=full.identity)}
    if full.boundary is not None:
        out["pb"] = PolicySet(identity=allow, boundary=full.boundary)
    if full.session is not None:
        out["session"] = PolicySet(identity=allow, session=full.session)
    if full.scp_levels is not None:
        out["scp"] = PolicySet(
            identity=allow, scp_levels=full.scp_levels, management_account=full.management_account
        )
    if full.vpc_endpoint is not None:
        out["vpce"] = PolicySet(identity=allow, vpc_endpoint=full.vpc_endpoint)
    return out


def compare(
    before: Scenario,
    after: Scenario,
    probes: Sequence[Probe],
    *,
    make_authorizer: Callable[[PolicySet], Authorizer] = Authorizer,
    access_only: bool = False,
) -> UnchangedProof:
    """Decide every probe before and after in every view. A decision counts as changed when its outcome
    differs or, with ``access_only``, when it is allowed on one side only (an explicit deny that becomes
    an implicit one refuses the request just the same)."""
    principal = before.caller.principal
    views_before = views_of(before)
    views_after = views_of(after)
    names = [
        n
        for n in ("full", "identity", "pb", "session", "scp", "vpce")
        if n in views_before or n in views_after
    ]
    neutral = PolicySet(identity=(ALLOW_ALL,))
    differences: list[ProbeDifference] = []
    evaluations = 0
    for name in names:
        auth_before = make_authorizer(views_before.get(name, neutral))
        auth_after = make_authorizer(views_after.get(name, neutral))
        for probe in probes:
            if probe.views is not None and name not in probe.views:
                continue
            who = probe.principal or principal
            d1 = auth_before.authorize_normalized(
                who, probe.action, probe.resource, probe.context, probe.resource_account
            )
            d2 = auth_after.authorize_normalized(
                who, probe.action, probe.resource, probe.context, probe.resource_account
            )
            evaluations += 1
            changed = (
                (d1.outcome == "Allowed") != (d2.outcome == "Allowed")
                if access_only
                else d1.outcome != d2.outcome
            )
            if changed:
                differences.append(
                    ProbeDifference(
                        probe.category,
                        probe.label,
                        name,
                        probe.action,
                        probe.resource,
                        probe.region,
                        d1.outcome,
                        d2.outcome,
                    )
                )
    counts: dict[str, int] = {}
    for probe in probes:
        counts[probe.category] = counts.get(probe.category, 0) + 1
    return UnchangedProof(
        probes=len(probes),
        evaluations=evaluations,
        views=tuple(names),
        categories=tuple(sorted(counts.items())),
        differences=tuple(differences),
    )
