"""One failed call explained the way ``bedrock-access explain`` explains a pasted error.

This is the only module of the package that imports the error reading modules
(:mod:`bedrock_access.bedrock.error_scan` for ``parse_error`` and :mod:`bedrock_access.explaining` for
``explain_error``, the explanation with the clients' advice that ``explain`` prints); when they move,
only the imports below change.

The record's errorMessage is read with ``parse_error`` inside botocore's envelope built from the
record (``An error occurred (errorCode) when calling the eventName operation: errorMessage``), so the
exception name and the operation are known even when the message names neither. What the message
leaves out is then taken from the record: the model or profile the client sent
(``requestParameters.modelId``) and the Region it called (``awsRegion``). The explanation itself is
``explain_error`` with the catalog's routing, as ``explain`` runs it; the record adds notes where it
knows more (an Identity Center permission set, a VPC endpoint).

Explanations are cached per distinct message and context, so a month of logs with the same few
denials repeated costs a few parses, not one per record.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bedrock_access.bedrock.error_scan import ParsedError, parse_error
from bedrock_access.catalog.model import Catalog
from bedrock_access.cloudtrail.records import FailedCall
from bedrock_access.explaining import ScenarioReevaluation, explain_error
from bedrock_access.scenario.model import Scenario

MAX_CACHED = 16_384
"""Distinct (message, context) explanations kept; the oldest is dropped beyond this."""


@dataclass(frozen=True, slots=True)
class CallExplanation:
    """What ``explain`` says about one failed call, with the parts the grouping needs.

    ``denied_action`` is the action of the IAM sentence, else the IAM action of the record's
    operation; ``denied_region`` is the Region of the denied resource (``unspecified`` for the global
    profile's Region-less check); ``model`` is what the client sent, else the model the message names.
    """

    code: str
    kind: str
    cause: str
    fixes: tuple[str, ...]
    error_code: str | None
    policy_type: str | None
    explicit: bool | None
    policy_arn: str | None
    denied_action: str
    denied_resource: str | None
    denied_region: str | None
    model: str | None
    message: str
    parsed: ParsedError
    caller_in_message: str | None = None  # the caller's ARN as the message printed it, if it did

    def for_caller(self, principal: str) -> CallExplanation:
        """This explanation as another caller's identical message would give it (their ARN in place)."""
        if self.caller_in_message is None or self.caller_in_message == principal:
            return self
        return replace(
            self,
            message=self.message.replace(self.caller_in_message, principal),
            cause=self.cause.replace(self.caller_in_message, principal),
            caller_in_message=principal,
        )


def _envelope(call: FailedCall) -> str:
    return f"An error occurred ({call.error_code}) when calling the {call.operation} operation: {call.raw_message}"


def _record_notes(call: FailedCall, parsed: ParsedError) -> tuple[str, ...]:
    notes: list[str] = []
    permission_set = call.caller.identity_center_permission_set
    if permission_set and parsed.policy_type in ("identity", "session", "boundary"):
        notes.append(
            f"The caller is an IAM Identity Center role: its policies come from the permission set "
            f"{permission_set}. Change the permission set in IAM Identity Center; AWS manages the "
            "AWSReservedSSO_ role and reverts edits made to it."
        )
    if call.vpc_endpoint and parsed.policy_type in ("vpce", "identity"):
        notes.append(
            f"The call came through the VPC endpoint {call.vpc_endpoint}: its endpoint policy applies, and "
            "aws:SourceIp is absent (aws:VpcSourceIp and aws:SourceVpce are set instead)."
        )
    return tuple(notes)


class Explainer:
    """Explains failed calls against one catalog, caching by message and context."""

    def __init__(self, catalog: Catalog) -> None:
        from bedrock_access.bedrock.reevaluate import destinations_of

        self._catalog = catalog
        self._destinations = lambda model, region: destinations_of(catalog, model, region)
        self._cache: dict[tuple[Any, ...], CallExplanation] = {}
        self.parsed_messages = 0

    def explain(self, call: FailedCall) -> CallExplanation:
        principal = call.caller.principal
        # Messages name the caller, so the same denial differs per developer; with the caller's ARN
        # masked out of the key it is parsed once for all of them.
        shared_message = call.raw_message.replace(principal, "\0") if principal in call.raw_message else None
        key = (
            call.error_code,
            call.operation,
            shared_message if shared_message is not None else call.raw_message,
            call.model_id,
            call.source_region,
            call.caller.identity_center_permission_set,
            call.vpc_endpoint,
        )
        cached = self._cache.get(key)
        if cached is not None:
            return cached.for_caller(principal)
        result = self._explain(call)
        if shared_message is not None and principal in result.message:
            result = replace(result, caller_in_message=principal)
        if len(self._cache) >= MAX_CACHED:
            del self._cache[next(iter(self._cache))]
        self._cache[key] = result
        return result

    def _explain(self, call: FailedCall) -> CallExplanation:
        self.parsed_messages += 1
        parsed = parse_error(_envelope(call))
        updates: dict[str, Any] = {}
        if parsed.model_id is None and call.model_id:
            updates["model_id"] = call.model_id
        if parsed.endpoint_region is None:
            updates["endpoint_region"] = call.source_region
        if updates:
            parsed = replace(parsed, **updates)
        explanation = explain_error(parsed, self._destinations)
        return CallExplanation(
            code=explanation.code,
            kind=parsed.kind,
            cause=explanation.cause,
            fixes=explanation.fixes + _record_notes(call, parsed),
            error_code=parsed.error_code,
            policy_type=parsed.policy_type,
            explicit=parsed.explicit,
            policy_arn=parsed.policy_arn,
            denied_action=parsed.action or call.action,
            denied_resource=parsed.resource,
            denied_region=parsed.region,
            model=call.model_id or parsed.model_id,
            message=parsed.message,
            parsed=parsed,
        )


class ScenarioNamer:
    """Decides a denial again under a scenario and names the statement, as ``explain --scenario`` does."""

    def __init__(self, path: str, catalog: Catalog, scenario: Scenario | None = None) -> None:
        """``scenario``: one already built (a snapshot principal's); else the file at ``path``."""
        from bedrock_access.scenario import load_scenario

        scenario = scenario if scenario is not None else load_scenario(path)
        self._reevaluation = ScenarioReevaluation(path, scenario, catalog)

    def name(self, explanation: CallExplanation) -> dict[str, Any]:
        return self._reevaluation.of(explanation.parsed)
