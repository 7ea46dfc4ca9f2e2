"""A pasted error explained for the user: Bedrock's explanation joined with the clients' advice.

:mod:`bedrock_access.bedrock` explains errors without knowing any client; its explanations name advice
topics, and :mod:`bedrock_access.clients.advice` holds what each client's settings can do on a topic
and recognises which client printed a paste. This module (above both packages) puts the two together
for ``explain``, and offers :func:`explain_message`, the one call for "explain one error message"
(used by ``explain`` and by bulk readers such as CloudTrail explain).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bedrock_access.bedrock.error_explain import DestinationsOf, Explanation, explain_parsed
from bedrock_access.bedrock.error_scan import ParsedError, parse_error
from bedrock_access.bedrock.paste import readable
from bedrock_access.catalog.model import Catalog
from bedrock_access.clients.advice import advice_for, wrapper_of
from bedrock_access.scenario.model import Scenario


def explain_error(
    parsed: ParsedError, destinations_of: DestinationsOf | None = None, client: str | None = None
) -> Explanation:
    """:func:`~bedrock_access.bedrock.error_explain.explain_parsed`, with the clients' advice appended
    (only ``client``'s when the paste shows which client printed it)."""
    explanation = explain_parsed(parsed, destinations_of)
    return replace(explanation, fixes=explanation.fixes + advice_for(explanation.advice, client))


@dataclass(frozen=True, slots=True)
class ExplainedMessage:
    """One error message read and explained: what it says, who printed it, why, and what to do. Every
    text is free of redaction placeholders (a redacted value reads ``(redacted account)``)."""

    parsed: ParsedError
    client: str | None
    explanation: Explanation


def explain_message(
    text: str,
    *,
    source_region: str | None = None,
    model_id: str | None = None,
    caller: str | None = None,
    destinations_of: DestinationsOf | None = None,
    client: str | None = None,
) -> ExplainedMessage:
    """Explain one error message, with what the caller knows besides the text.

    ``source_region`` is the Region the request was sent to (a CloudTrail event's awsRegion),
    ``model_id`` the model id the client asked for and ``caller`` the principal ARN; each fills in what
    the message itself does not show (the message wins where it does). ``client`` names the client kind
    when known; otherwise it is recognised from the text. Never raises on any string.
    """
    parsed = parse_error(text)
    parsed = replace(
        parsed,
        endpoint_region=parsed.endpoint_region or source_region,
        model_id=parsed.model_id or model_id,
        principal=parsed.principal or caller,
    )
    who = client or wrapper_of(text)
    explanation = explain_error(parsed, destinations_of, who)
    explanation = replace(
        explanation,
        cause=readable(explanation.cause),
        fixes=tuple(readable(fix) for fix in explanation.fixes),
    )
    return ExplainedMessage(parsed, who, explanation)


class ScenarioReevaluation:
    """A parsed denial decided again under a scenario, naming the statement (``explain --scenario``).
    The scenario's calls are assessed once, so many errors can be named against it."""

    def __init__(self, path: str, scenario: Scenario, catalog: Catalog) -> None:
        from bedrock_access.bedrock.assess import assess
        from bedrock_access.iam.service_data import aws_authorizer

        self.path = path
        self._authorizer = aws_authorizer(scenario.policy_set())
        self._env = scenario.environment()
        self._assessments = [
            assess(inv, self._env, catalog, self._authorizer) for inv in scenario.invocations
        ]

    def of(self, parsed: ParsedError) -> dict[str, Any]:
        from bedrock_access.bedrock.reevaluate import reevaluate
        from bedrock_access.iam.explain import describe

        result = reevaluate(parsed, self._assessments, self._env, self._authorizer)
        if result is None:
            return {
                "path": self.path,
                "evaluated": False,
                "note": "the error names no action and resource to re-evaluate",
            }
        return {
            "path": self.path,
            "evaluated": True,
            "decision": result.decision.outcome,
            "reproduced": result.reproduced,
            "invocation": result.invocation_label,
            "hop": result.hop,
            "decided_by": [d.to_json() for d in result.decision.decisive],
            "statements": [describe(d) for d in result.decision.decisive],
            "note": result.note,
        }
