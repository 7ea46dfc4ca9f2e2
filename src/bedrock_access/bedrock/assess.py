"""Invocations through the IAM engine: a verdict per call, the Regions it is authorized in, the error.

Pure: the caller provides the catalog and a compiled authorizer; nothing is read or written here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from bedrock_access.bedrock.checks import (
    NETWORK_HOP_NOTE,
    UNSPECIFIED,
    VPCE_HOP_NOTE,
    AuthorizationCheck,
    Environment,
    Expansion,
    expand,
)
from bedrock_access.bedrock.errors import (
    PredictedError,
    access_denied_error,
    credentials_rejected_error,
    invalid_model_identifier_error,
    no_endpoint_error,
    on_demand_not_supported_error,
    reported_policy_type,
)
from bedrock_access.bedrock.findings import MODEL_ALLOW_LIST_PROFILE_UNCERTAIN, Finding
from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.catalog.model import Catalog
from bedrock_access.iam.arn import parse_arn
from bedrock_access.iam.engine import Authorizer, Decision

Verdict = Literal["allowed", "denied", "invalid", "unknown"]  # unknown: no policies to decide with

PARTIAL_DENY_NOTE = (
    "AWS documents that a cross-Region call fails when any destination Region is denied; in practice it "
    "may fail only on the requests routed to a denied Region, so the failure can look intermittent"
)


def is_foundation_model_allow_list(not_resources: Sequence[str] | None) -> bool:
    """Whether a NotResource list names only foundation-model ARNs (a model allow-list that names no
    inference profile)."""
    if not not_resources:
        return False
    return all(":foundation-model/" in pattern for pattern in not_resources)


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    check: AuthorizationCheck
    decision: Decision

    @property
    def allowed(self) -> bool:
        return self.decision.allowed


@dataclass(frozen=True, slots=True)
class InvocationAssessment:
    invocation: Invocation
    expansion: Expansion
    outcomes: tuple[CheckOutcome, ...]
    findings: tuple[Finding, ...]
    verdict: Verdict
    predicted_error: PredictedError | None
    authorized_regions: tuple[str, ...]  # destinations whose model check is allowed
    denied_regions: tuple[str, ...]  # destinations whose model check is denied

    @property
    def blocking(self) -> CheckOutcome | None:
        """The first denied check, in the order AWS evaluates them."""
        for outcome in self.outcomes:
            if not outcome.allowed:
                return outcome
        return None


_MODEL_HOPS = frozenset({"source-model", "destination-model", "global-model", "target"})
_GATES = frozenset({"bearer-token", "inference-profile", "application-profile"})


def _has_empty_account(resource: str) -> bool:
    """An ARN without an account field (foundation models): the request names the caller's account."""
    arn = parse_arn(resource)
    return arn is not None and not arn.account


def _region_split(outcomes: Sequence[CheckOutcome]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Regions the model may be served in, split by whether the call is authorized there.

    A denied gate (the API-key check, the profile's own check) blocks the call wherever it would be
    served, so then no Region is authorized."""
    gate_denied = any(o.check.purpose in _GATES and not o.allowed for o in outcomes)
    allowed: list[str] = []
    denied: list[str] = []
    for outcome in outcomes:
        if outcome.check.purpose not in _MODEL_HOPS:
            continue
        if gate_denied:
            if outcome.check.region not in denied:
                denied.append(outcome.check.region)
            continue
        region = outcome.check.region
        bucket = allowed if outcome.allowed else denied
        if region not in allowed and region not in denied:
            bucket.append(region)
        elif not outcome.allowed and region in allowed:
            allowed.remove(region)
            denied.append(region)
    return tuple(allowed), tuple(denied)


def _profile_blocked_by_model_allow_list(blocking: CheckOutcome, authorizer: Authorizer) -> bool:
    """A profile hop denied by a Deny whose NotResource lists only foundation-model ARNs."""
    if blocking.check.purpose not in ("inference-profile", "application-profile"):
        return False
    if blocking.decision.outcome != "ExplicitlyDenied":
        return False
    for decisive in blocking.decision.decisive:
        statement = authorizer.statement_of(decisive)
        if statement is not None and is_foundation_model_allow_list(statement.not_resources):
            return True
    return False


def _access_denied(principal: str, outcome: CheckOutcome, operation: str) -> PredictedError:
    decision = outcome.decision
    explicit = decision.outcome == "ExplicitlyDenied"
    types = [d.type for d in decision.decisive if (d.effect == "Deny") == explicit]
    policy_type = reported_policy_type(types) if types else "identity"
    return access_denied_error(
        principal,
        outcome.check.action,
        None if outcome.check.resource == "*" else outcome.check.resource,
        explicit=explicit,
        policy_type=policy_type,
        operation=operation,
    )


def _validation_error(expansion: Expansion, findings: Sequence[Finding]) -> PredictedError | None:
    invocation = expansion.invocation
    codes = {f.code for f in findings if f.invalidates}
    if "partition-mismatch" in codes:
        return credentials_rejected_error(operation=invocation.operation)
    if "no-bedrock-in-region" in codes:
        return no_endpoint_error(invocation.region, model_id=invocation.model, operation=invocation.operation)
    if "on-demand-not-supported" in codes:
        model_id = expansion.identifier.model_id if expansion.identifier else invocation.model
        return on_demand_not_supported_error(model_id or invocation.model, operation=invocation.operation)
    if codes:
        return invalid_model_identifier_error(operation=invocation.operation)
    return None


_NETWORK_KEYS = frozenset(
    {"aws:sourceip", "aws:sourcevpce", "aws:vpcsourceip", "aws:sourcevpc", "aws:sourcevpcarn"}
)


def _without_irrelevant_notes(expansion: Expansion, authorizer: Authorizer) -> Expansion:
    # Only when some condition reads a network key does the undocumented hop context matter.
    keep_network = not _NETWORK_KEYS.isdisjoint(authorizer.condition_keys)
    keep_vpce = authorizer.policies.vpc_endpoint is not None
    checks = tuple(
        replace(
            c,
            notes=tuple(
                n
                for n in c.notes
                if (n != NETWORK_HOP_NOTE or keep_network) and (n != VPCE_HOP_NOTE or keep_vpce)
            ),
        )
        for c in expansion.checks
    )
    return replace(expansion, checks=checks)


def assess(
    invocation: Invocation,
    env: Environment,
    catalog: Catalog,
    authorizer: Authorizer | None,
) -> InvocationAssessment:
    """Expand and decide one invocation. Without an authorizer (no policies known) the checks are
    listed but not decided, and the verdict is ``unknown`` unless the call is invalid anyway."""
    if authorizer is None:
        expansion = expand(invocation, env, catalog)
        validation = _validation_error(expansion, expansion.findings)
        return InvocationAssessment(
            invocation=invocation,
            expansion=expansion,
            outcomes=(),
            findings=expansion.findings,
            verdict="invalid" if validation is not None else "unknown",
            predicted_error=validation,
            authorized_regions=(),
            denied_regions=(),
        )
    expansion = _without_irrelevant_notes(expand(invocation, env, catalog), authorizer)
    outcomes = tuple(
        CheckOutcome(
            check,
            authorizer.authorize_normalized(
                env.caller.principal,
                check.action,
                check.resource,
                {k.lower(): v for k, v in check.context.items()},
                env.caller.account if _has_empty_account(check.resource) else None,
            ),
        )
        for check in expansion.checks
    )
    findings = list(expansion.findings)
    allowed_regions, denied_regions = _region_split(outcomes)
    routed = any(o.check.purpose == "destination-model" for o in outcomes)
    if denied_regions and allowed_regions and routed:
        findings.append(
            Finding(
                "partial-destination-deny",
                "warning",
                f"denied in {', '.join(denied_regions)} but allowed in {', '.join(allowed_regions)}: "
                + PARTIAL_DENY_NOTE,
                None,
            )
        )
    if any(o.check.region == UNSPECIFIED and not o.allowed for o in outcomes):
        findings.append(
            Finding(
                "global-hop-denied",
                "info",
                'the global profile\'s Region-less check is evaluated with aws:RequestedRegion = "unspecified"; '
                "policies that allow-list Region names deny it",
                'allow "unspecified" for this profile only, or use a geographic profile',
            )
        )

    blocking = next((o for o in outcomes if not o.allowed), None)
    if blocking is not None and _profile_blocked_by_model_allow_list(blocking, authorizer):
        findings.append(
            Finding(
                "model-allow-list-profile-uncertain",
                "warning",
                MODEL_ALLOW_LIST_PROFILE_UNCERTAIN,
                "add the inference-profile ARNs of the approved models to the NotResource list (bedrock-access "
                "fix does), which is right under both readings",
            )
        )
    validation = _validation_error(expansion, findings)
    verdict: Verdict
    if validation is not None:
        verdict = "invalid"
        predicted: PredictedError | None = validation
    elif blocking is not None:
        verdict = "denied"
        predicted = _access_denied(env.caller.principal, blocking, invocation.operation)
    else:
        verdict = "allowed"
        predicted = None
    return InvocationAssessment(
        invocation=invocation,
        expansion=expansion,
        outcomes=outcomes,
        findings=tuple(findings),
        verdict=verdict,
        predicted_error=predicted,
        authorized_regions=allowed_regions,
        denied_regions=denied_regions,
    )
