"""Does a change widen anything? The checks that answer it, behind one small interface.

A :class:`WideningCheck` is given a :class:`WideningQuestion` (the scenario before and after, the calls
the fix is about) and reports every request whose decision changed, with what it covered in words
(:class:`~bedrock_access.fix.model.CheckSummary`). Two checks exist:

- ``policy-domain`` (:class:`DomainCheck`): every request of the finite domain the policies themselves
  name (:mod:`bedrock_access.fix.domain`), for every principal a policy names and the caller. This is
  the systematic check; its limits are listed in the report.
- ``probes`` (:class:`ProbeCheck`): requests the policies need not name, chosen from the catalog
  (other services, other geographies' profiles, other networks, API keys; :mod:`bedrock_access.fix.probes`).

A symbolic check (an SMT solver over the policy language, which would decide every request, not a
finite set) is the direction for later: it implements the same protocol and is added to
:data:`DEFAULT_CHECKS`.

Both checks share the by-design scope of a fix: the fixed calls' own requests are meant to change and
are not compared; a request routed through a profile of a scope the fix chose (``bedrock:InferenceProfileArn``
or the resource naming such a profile) is compared in the principal-side views only, because a Region
exemption in a guardrail is scope-wide by design and least privilege is enforced by the identity grant.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.bedrock.checks import Environment, expand
from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.catalog.model import Catalog
from bedrock_access.fix.client import scope_of
from bedrock_access.fix.domain import DomainRequest, build_domain
from bedrock_access.fix.model import CheckSummary, UnchangedProof
from bedrock_access.fix.probes import (
    PRINCIPAL_VIEWS,
    Probe,
    build_probes,
    compare,
    outside_envs,
    request_key,
)
from bedrock_access.iam.arn import compile_arn_atoms
from bedrock_access.iam.engine import Authorizer, PolicySet
from bedrock_access.iam.variables import ContextValue
from bedrock_access.iam.wildcard import atoms_of
from bedrock_access.scenario.model import Scenario


@dataclass(frozen=True, slots=True)
class WideningQuestion:
    """Everything a check may use: the scenario before and after the change, the calls the fix is about
    (``fixed``, as the patched scenario makes them), the original assessments, and the options."""

    before: Scenario
    after: Scenario
    fixed: Sequence[Invocation]
    original: Sequence[InvocationAssessment]
    catalog: Catalog
    now: str | None
    network_changed: bool  # the fix admits the caller's network on purpose
    admits_unspecified: bool  # a change could admit aws:RequestedRegion "unspecified"
    bedrock_actions: frozenset[str]
    make_authorizer: Callable[[PolicySet], Authorizer]
    exempt_by_design: tuple[str, ...] = ()  # principal ARN patterns a modelled AWS control always exempts
    requested_actions: frozenset[str] = frozenset()  # lowercased actions the user asked to grant

    def intended(self) -> list[tuple[str, str, dict[str, ContextValue]]]:
        """The fixed calls' own requests (action, resource, lowercased context): meant to change, so never
        compared."""
        env = self.after.environment(now=self.now)
        return [
            (c.action, c.resource, {k.lower(): v for k, v in c.context.items()})
            for inv in self.fixed
            for c in expand(inv, env, self.catalog).checks
        ]

    def chosen_scopes(self) -> set[str]:
        apps = {**self.before.application_profiles, **self.after.application_profiles}
        return {s for s in (scope_of(inv.model, apps) for inv in self.fixed) if s}


class WideningCheck(Protocol):
    """One way to find requests a change decides differently."""

    name: str

    def run(self, question: WideningQuestion) -> UnchangedProof: ...


class ProbeCheck:
    """Requests chosen from the catalog and the scenario (see :mod:`bedrock_access.fix.probes`)."""

    name = "probes"

    def run(self, question: WideningQuestion) -> UnchangedProof:
        probes = build_probes(
            question.before,
            question.after,
            question.fixed,
            question.original,
            question.catalog,
            now=question.now,
            network_changed=question.network_changed,
            admits_unspecified=question.admits_unspecified,
        )
        proof = compare(question.before, question.after, probes, make_authorizer=question.make_authorizer)
        summary = CheckSummary(
            name=self.name,
            checked=f"{proof.probes:,} requests chosen from the catalog and the scenario "
            f"({', '.join(name for name, _ in proof.categories)})",
            requests=proof.probes,
            evaluations=proof.evaluations,
            differences=len(proof.differences),
            limits=("a sample: requests outside it are not decided",),
        )
        return _with_checks(proof, (summary,))


class DomainCheck:
    """Every request of the finite domain the policies name (see :mod:`bedrock_access.fix.domain`)."""

    name = "policy-domain"

    def run(self, question: WideningQuestion) -> UnchangedProof:
        before, after = question.before, question.after
        env = before.environment(now=question.now)
        partition = env.caller.partition
        regions = [r.region for r in question.catalog.regions_in_partition(partition)]
        calls = [
            (c.action, c.resource)
            for scenario in (before, after)
            for inv in scenario.invocations
            for c in expand(inv, scenario.environment(now=question.now), question.catalog).checks
        ]
        baselines: list[Environment] | None = None
        if question.network_changed:
            baselines = outside_envs(before, after, env)
        domain = build_domain(
            before.policy_set(),
            after.policy_set(),
            env,
            regions=regions,
            partition=partition,
            extra_actions=question.bedrock_actions,
            call_resources=calls,
            baselines=baselines,
            vary_network=not question.network_changed,
        )
        own = question.intended()
        intended = {request_key(a, r, c) for a, r, c in own}
        intended_hops = {request_key(a, r, _without_profile_key(c)) for a, r, c in own}
        # An action AWS authorizes on "*" only (bedrock:CallWithBearerToken) has no resource or Region to
        # scope a grant by: granting it for a fixed call grants it everywhere, by design.
        anywhere = {request_key(a, "*", _without_region(c)) for a, r, c in own if r == "*"}
        chosen = question.chosen_scopes()
        apps = {**before.application_profiles, **after.application_profiles}
        scopes = set(question.catalog.scopes())
        probes: list[Probe] = []
        infeasible = by_design = 0
        exempt = [compile_arn_atoms(atoms_of(p)) for p in question.exempt_by_design]
        # Only the actions of the fixed calls can meet these: look at those of each request alone.
        own_actions = {a for a, _, _ in intended}

        def meets(
            keys: set[tuple[str, str, str]],
            request: DomainRequest,
            resource: str,
            ctx: Mapping[str, ContextValue],
        ) -> bool:
            actions = own_actions.intersection(request.actions)
            if not actions:
                return False
            _, _, context = request_key("", resource, ctx)
            return any((a, resource, context) in keys for a in actions)

        for request in domain.requests:
            if meets(intended, request, request.resource, request.context):
                continue
            if meets(anywhere, request, "*", _without_region(request.context)):
                continue
            if set(request.actions) <= question.requested_actions:
                continue  # asked for (--client-lists-models)
            if _is_profile(request.resource) and meets(
                intended_hops, request, request.resource, _without_profile_key(request.context)
            ):
                continue  # a fixed call's own profile hop: Bedrock, not the caller, sets the profile key
            if not _feasible(request.context, request.resource, question.catalog, apps):
                infeasible += 1
                continue
            who = request.context.get("aws:principalarn")
            if isinstance(who, str) and who != env.caller.principal_arn and any(m(who) for m in exempt):
                by_design += 1
                continue
            in_scope = _routed_through(request.context, request.resource, chosen, scopes, apps)
            probes.append(
                Probe(
                    category=self.name,
                    label=request.label,
                    action=request.action,
                    resource=request.resource,
                    region=request.region,
                    context=request.context,
                    resource_account=env.caller.account if request.resource.split(":")[4:5] == [""] else None,
                    views=PRINCIPAL_VIEWS if in_scope else None,
                    principal=request.principal,
                )
            )
        proof = compare(before, after, probes, make_authorizer=question.make_authorizer, access_only=True)
        size = domain.size
        checked = (
            f"{len(probes):,} requests: {size.action_classes:,} action classes standing for "
            f"{size.actions_affected:,} actions a changed statement treats differently (of {size.actions_named:,} "
            f"named, Bedrock's included) x {size.regions} Regions x {size.resources:,} resources x "
            f"{size.condition_values:,} condition values (each key with every named value and without it) x "
            f"{size.principals} principal(s); a decision counts as changed when it is allowed on one side "
            f"only; {infeasible:,} requests Bedrock never makes left out (a profile key naming a profile that "
            "does not serve the resource's model)"
            + (
                f"; {by_design:,} requests as principals the modelled control always exempts (its own service "
                "roles) left out"
                if by_design
                else ""
            )
        )
        summary = CheckSummary(
            name=self.name,
            checked=checked,
            requests=len(probes),
            evaluations=proof.evaluations,
            differences=len(proof.differences),
            limits=domain.limits,
        )
        return _with_checks(proof, (summary,))


def _system_profile(name: str, app_profiles: Mapping[str, str]) -> str | None:
    """The system profile id a profile ARN stands for (an application profile: the one it copies)."""
    if ":application-inference-profile/" in name:
        copied = app_profiles.get(name)
        return copied.rsplit("/", 1)[-1] if copied else None
    if ":inference-profile/" in name:
        return name.rsplit("/", 1)[-1]
    return None


def _routed_through(
    context: Mapping[str, object],
    resource: str,
    chosen: set[str],
    scopes: set[str],
    app_profiles: Mapping[str, str],
) -> bool:
    """Whether the request goes through a profile of a scope the fix chose (by design, scope-wide)."""
    for name in (str(context.get("bedrock:inferenceprofilearn") or ""), resource):
        profile = _system_profile(name, app_profiles)
        if profile is None:
            continue
        prefix = profile.split(".", 1)[0]
        if prefix in scopes and prefix in chosen:
            return True
    return False


def _is_profile(resource: str) -> bool:
    return ":inference-profile/" in resource or ":application-inference-profile/" in resource


def _without_region(context: Mapping[str, ContextValue]) -> dict[str, ContextValue]:
    return {k: v for k, v in context.items() if k != "aws:requestedregion"}


def _without_profile_key(context: Mapping[str, ContextValue]) -> dict[str, ContextValue]:
    return {k: v for k, v in context.items() if k != "bedrock:inferenceprofilearn"}


def _feasible(
    context: Mapping[str, object], resource: str, catalog: Catalog, app_profiles: Mapping[str, str]
) -> bool:
    """False for a request Bedrock never makes: ``bedrock:InferenceProfileArn`` naming a profile of the
    catalog (or an application profile copying one) while the resource is neither that profile nor a
    model it serves."""
    value = context.get("bedrock:inferenceprofilearn")
    if not isinstance(value, str):
        return True
    system = _system_profile(value, app_profiles)
    profile = catalog.profile(system) if system is not None else None
    if profile is None:
        return True
    if resource == value or (":inference-profile/" in resource and resource.rsplit("/", 1)[-1] == profile.id):
        return True
    if not resource.endswith(f":foundation-model/{profile.model_id}"):
        return False
    region = resource.split(":")[3] if resource.count(":") >= 5 else ""
    if not region:
        return profile.is_global  # only a global profile reaches the Region-less model ARN
    source = value.split(":")[3] if value.count(":") >= 5 else ""
    destinations = set(profile.routing.get(source, ())) or {d for ds in profile.routing.values() for d in ds}
    return not region or not destinations or region in destinations


def _with_checks(proof: UnchangedProof, checks: tuple[CheckSummary, ...]) -> UnchangedProof:
    return UnchangedProof(
        probes=proof.probes,
        evaluations=proof.evaluations,
        views=proof.views,
        categories=proof.categories,
        differences=proof.differences,
        checks=checks,
    )


DEFAULT_CHECKS: tuple[WideningCheck, ...] = (DomainCheck(), ProbeCheck())


def check_unchanged(
    question: WideningQuestion, checks: Sequence[WideningCheck] = DEFAULT_CHECKS
) -> UnchangedProof:
    """Run every check and merge what they found."""
    results = [check.run(question) for check in checks]
    views: dict[str, None] = {}
    categories: dict[str, int] = {}
    for r in results:
        views.update(dict.fromkeys(r.views))
        for name, count in r.categories:
            categories[name] = categories.get(name, 0) + count
    return UnchangedProof(
        probes=sum(r.probes for r in results),
        evaluations=sum(r.evaluations for r in results),
        views=tuple(views),
        categories=tuple(sorted(categories.items())),
        differences=tuple(d for r in results for d in r.differences),
        checks=tuple(c for r in results for c in r.checks),
    )
