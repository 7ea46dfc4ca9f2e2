"""One ``check`` run, composed: where invocations come from (a scenario, a client section, this
machine), what is known of the organization, and the assessments. The CLI only parses arguments and
prints; the rules live in ``bedrock/`` and ``iam/``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bedrock_access.bedrock.assess import InvocationAssessment, assess
from bedrock_access.bedrock.checks import CallerIdentity, Environment, Network
from bedrock_access.bedrock.errors import PredictedError
from bedrock_access.bedrock.findings import Finding
from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.catalog.model import Catalog
from bedrock_access.clients.codes import effect_of
from bedrock_access.clients.interface import ClientResolution, ConfigFinding
from bedrock_access.iam.arn import TypePrefixes
from bedrock_access.iam.engine import Authorizer, PolicySet
from bedrock_access.iam.validate import validate_policy_set
from bedrock_access.scenario.model import Scenario

UNKNOWN_ACCOUNT = "000000000000"


@dataclass(frozen=True, slots=True)
class CheckRun:
    source: str | None  # scenario path, or None for this machine
    caller: CallerIdentity
    assessments: tuple[InvocationAssessment, ...]
    clients: tuple[ClientResolution, ...]
    policies_known: bool
    notes: tuple[str, ...] = ()
    policy_issues: tuple[str, ...] = ()  # what AWS would refuse or warn about in the policies given

    @property
    def client_errors(self) -> tuple[ConfigFinding, ...]:
        """Error findings of the clients that make calls (a client with no model, such as a bare AWS
        profile, only informs)."""
        return tuple(f for c in self.clients if c.invocations for f in c.findings if f.severity == "error")


def _client_finding(f: ConfigFinding) -> Finding:
    hint = f.hint or None
    message = f"{f.message} ({f.origin})" if f.origin else f.message
    return Finding(f.code, f.severity, message, hint)


def _client_verdict(a: InvocationAssessment, found: Sequence[ConfigFinding]) -> InvocationAssessment:
    """A call IAM would allow still fails when its client sends unusable credentials or none at all
    (the effect each finding code has is stored with the code, in :mod:`bedrock_access.clients.codes`)."""
    if a.verdict not in ("allowed", "unknown"):
        return a
    for f in found:
        if f.severity != "error":
            continue
        effect = effect_of(f.code)
        if effect == "credentials-rejected":
            message = (
                "AWS rejects the request's credentials before any policy is evaluated "
                f"(exact wording not documented): {f.message}"
            )
            return replace(a, verdict="denied", predicted_error=PredictedError(None, 403, message))
        if effect == "fails-before-request":
            message = f"The client fails before sending the request: {f.message}"
            return replace(
                a,
                verdict="invalid",
                predicted_error=PredictedError(None, None, message, connection_error=True),
            )
    return a


def attach_client_findings(
    assessments: Sequence[InvocationAssessment], clients: Sequence[ClientResolution]
) -> tuple[InvocationAssessment, ...]:
    """Each client finding that names invocations joins those invocations' findings, and decides their
    verdict when it means the call fails outside IAM."""
    by_label: dict[str, list[ConfigFinding]] = {}
    for client in clients:
        for f in client.findings:
            # A finding naming no call is about the whole client; one that decides a fate reaches all calls.
            deciding = effect_of(f.code) is not None
            labels = f.invocations or (tuple(i.label for i in client.invocations) if deciding else ())
            for label in labels:
                by_label.setdefault(label, []).append(f)
    out = []
    for a in assessments:
        found = by_label.get(a.invocation.label)
        if not found:
            out.append(a)
            continue
        extended = replace(a, findings=(*a.findings, *(_client_finding(f) for f in found)))
        out.append(_client_verdict(extended, found))
    return tuple(out)


def run(
    *,
    source: str | None,
    caller: CallerIdentity,
    invocations: Sequence[Invocation],
    policies: PolicySet | None,
    catalog: Catalog,
    network: Network | None = None,
    context: dict[str, str | tuple[str, ...]] | None = None,
    application_profiles: dict[str, str] | None = None,
    clients: Sequence[ClientResolution] = (),
    rcp_services: frozenset[str] | None = None,
    resource_types: TypePrefixes | None = None,
    now: str | None = None,
    notes: Sequence[str] = (),
) -> CheckRun:
    env = Environment(
        caller=caller,
        network=network or Network(),
        extra_context=context or {},
        application_profiles=application_profiles or {},
        now=now,
    )
    authorizer = (
        Authorizer(policies, rcp_services=rcp_services, resource_types=resource_types)
        if policies is not None
        else None
    )
    assessments = tuple(assess(inv, env, catalog, authorizer) for inv in invocations)
    return CheckRun(
        source=source,
        caller=caller,
        assessments=attach_client_findings(assessments, clients),
        clients=tuple(clients),
        policies_known=policies is not None,
        notes=tuple(notes),
        policy_issues=validate_policy_set(policies) if policies is not None else (),
    )


def caller_from_hints(clients: Sequence[ClientResolution]) -> tuple[str, str | None]:
    """The caller ARN a local check assumes, from what the clients' AWS configuration says, and a note
    when it had to guess."""
    for client in clients:
        hints = client.principal_hints
        role_arn = hints.get("role_arn")
        if role_arn:
            return role_arn, None
    for client in clients:
        account = client.principal_hints.get("account")
        if account:
            role = client.principal_hints.get("sso_role_name") or "unknown-role"
            return (
                f"arn:aws:iam::{account}:role/{role}",
                f"caller assumed to be a session of role {role} in account {account}",
            )
    return (
        f"arn:aws:iam::{UNKNOWN_ACCOUNT}:role/unknown-role",
        f"the caller's account is unknown; inference profile ARNs use {UNKNOWN_ACCOUNT} "
        "(give --principal to name the caller)",
    )


def run_scenario(
    scenario: Scenario,
    catalog: Catalog,
    *,
    rcp_services: frozenset[str] | None,
    now: str | None,
    resource_types: TypePrefixes | None = None,
) -> CheckRun:
    return run(
        source=scenario.source,
        caller=scenario.caller,
        invocations=scenario.invocations,
        policies=scenario.policy_set(),
        catalog=catalog,
        network=scenario.network,
        context=dict(scenario.context),
        application_profiles=dict(scenario.application_profiles),
        clients=(scenario.client_resolution,) if scenario.client_resolution is not None else (),
        rcp_services=rcp_services,
        resource_types=resource_types,
        now=now,
    )
