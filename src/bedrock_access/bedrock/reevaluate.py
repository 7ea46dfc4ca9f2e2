"""An error the user got, decided again under a scenario: which check it was, and which statement."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.bedrock.checks import UNSPECIFIED, Environment, base_context
from bedrock_access.bedrock.error_scan import ParsedError
from bedrock_access.catalog.model import Catalog
from bedrock_access.iam.arn import parse_arn
from bedrock_access.iam.engine import Authorizer, Decision


@dataclass(frozen=True, slots=True)
class Reevaluation:
    decision: Decision
    invocation_label: str | None  # the scenario invocation that makes this check, if any
    hop: str | None
    reproduced: bool  # the scenario denies it the way the error says (same explicitness and policy type)
    note: str | None = None


def destinations_of(catalog: Catalog, model_id: str, region: str) -> list[tuple[str, str]]:
    """(profile id, source Region) pairs whose routing sends ``model_id`` to ``region``."""
    routes: list[tuple[str, str]] = []
    for profile in catalog.profiles_for_model(model_id):
        if profile.is_global:
            continue
        for source, destinations in sorted(profile.routing.items()):
            if region in destinations:
                routes.append((profile.id, source))
    return routes


_ENGINE_TYPE = {"boundary": "pb"}


def reevaluate(
    parsed: ParsedError,
    assessments: Sequence[InvocationAssessment],
    env: Environment,
    authorizer: Authorizer,
) -> Reevaluation | None:
    if not parsed.action or not parsed.resource:
        return None
    action = parsed.action.lower()
    for assessment in assessments:
        for outcome in assessment.outcomes:
            check = outcome.check
            if check.action.lower() == action and check.resource == parsed.resource:
                return Reevaluation(
                    outcome.decision,
                    assessment.invocation.label,
                    check.hop,
                    _reproduced(parsed, outcome.decision),
                )
    arn = parse_arn(parsed.resource)
    region = (arn.region or UNSPECIFIED) if arn is not None else None
    ctx = base_context(env)
    if region is not None:
        ctx["aws:RequestedRegion"] = region
    decision = authorizer.authorize_normalized(
        env.caller.principal,
        action,
        parsed.resource,
        {k.lower(): v for k, v in ctx.items()},
        env.caller.account if arn is not None and not arn.account else None,
    )
    return Reevaluation(
        decision,
        None,
        None,
        _reproduced(parsed, decision),
        "no invocation in the scenario makes this check; it was decided as a direct call without "
        "bedrock:InferenceProfileArn",
    )


def _reproduced(parsed: ParsedError, decision: Decision) -> bool:
    if decision.allowed:
        return False
    if parsed.explicit is not None and parsed.explicit != (decision.outcome == "ExplicitlyDenied"):
        return False
    if parsed.policy_type is None:
        return True
    wanted = _ENGINE_TYPE.get(parsed.policy_type, parsed.policy_type)
    return any(d.type == wanted for d in decision.decisive)
