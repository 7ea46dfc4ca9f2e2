"""``probe``: check predictions against AWS's own answer, one tiny real call per invocation.

The prediction is ``check``'s (a :class:`~bedrock_access.checking.CheckRun`, built by the CLI exactly as
``check`` builds it). This module plans the calls, estimates their cost, makes them (only when the CLI
was given ``--yes``), classifies AWS's answers and compares. Every call's failure — AWS error, throttling,
timeout, no network — is caught and reported for that call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.live.aws import THROTTLING_CODES, AwsFailure, Scrub, client, failure_from_exception

Predicted = Literal["allowed", "denied", "invalid"]
Actual = Literal["allowed", "denied", "invalid", "error"]

PROMPT = "Hi"  # the one-word prompt
MAX_TOKENS = 16  # the ceiling; the answer is cut after at most this many tokens
# Cost ceiling per call: a few input tokens and at most MAX_TOKENS output tokens, priced at USD 15 per
# million input and USD 75 per million output tokens (the highest on-demand Claude list price, Opus 4/4.1);
# most models cost far less.
INPUT_TOKENS_ESTIMATE = 10
CEILING_USD_PER_MTOK = (15.0, 75.0)

# Error codes AWS answers before or instead of running the model.
DENIED_CODES = frozenset(
    {
        "AccessDeniedException",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "ExpiredTokenException",
    }
)
INVALID_CODES = frozenset({"ValidationException", "ResourceNotFoundException"})


@dataclass(frozen=True, slots=True)
class PlannedCall:
    label: str
    model: str  # the identifier the client sends
    source_region: str
    operation: str  # the boto3 operation used: converse | converse_stream
    predicted: Predicted
    assessment: InvocationAssessment

    @property
    def api_name(self) -> str:
        return "ConverseStream" if self.operation == "converse_stream" else "Converse"


@dataclass(frozen=True, slots=True)
class ProbeResult:
    call: PlannedCall
    actual: Actual
    failure: AwsFailure | None
    explanation: str | None

    @property
    def agree(self) -> bool:
        return self.actual == self.call.predicted

    @property
    def disagreement(self) -> bool:
        """A real disagreement: AWS answered, and not as predicted (an error answer settles nothing)."""
        return self.actual != "error" and not self.agree


def predicted_of(assessment: InvocationAssessment) -> Predicted:
    """``check``'s verdict in the probe's three words. Without policies ``check`` says "unknown" and
    still passes the call (exit 0: nothing wrong found); the probe predicts what ``check`` would let
    through: "allowed"."""
    verdict = assessment.verdict
    if verdict == "denied":
        return "denied"
    if verdict == "invalid":
        return "invalid"
    return "allowed"


def operation_for(assessment: InvocationAssessment) -> str:
    """Converse needs bedrock:InvokeModel, ConverseStream bedrock:InvokeModelWithResponseStream: the
    probe calls the one that needs the same action as the client's own operation."""
    op = assessment.invocation.operation
    return "converse_stream" if op in ("InvokeModelWithResponseStream", "ConverseStream") else "converse"


def plan(assessments: Sequence[InvocationAssessment]) -> tuple[PlannedCall, ...]:
    return tuple(
        PlannedCall(
            label=a.invocation.label,
            model=a.invocation.model,
            source_region=a.invocation.region,
            operation=operation_for(a),
            predicted=predicted_of(a),
            assessment=a,
        )
        for a in assessments
    )


def cost_ceiling_usd(calls: int) -> float:
    per_call = (INPUT_TOKENS_ESTIMATE * CEILING_USD_PER_MTOK[0] + MAX_TOKENS * CEILING_USD_PER_MTOK[1]) / 1e6
    return round(calls * per_call, 6)


def classify(failure: AwsFailure | None) -> Actual:
    if failure is None:
        return "allowed"
    if not failure.from_aws or failure.code in THROTTLING_CODES:
        return "error"
    if failure.code in DENIED_CODES:
        return "denied"
    if failure.code in INVALID_CODES:
        return "invalid"
    return "error"


def caller_identity(session: Any, region: str, scrub: Scrub) -> Mapping[str, str] | AwsFailure:
    """sts:GetCallerIdentity (needs no permission); the ARN, account and user id, or why it failed."""
    try:
        answer = client(session, "sts", region, max_attempts=3).get_caller_identity()
    except Exception as exc:
        return failure_from_exception(exc, scrub)
    return {
        "arn": str(answer.get("Arn", "")),
        "account": str(answer.get("Account", "")),
        "user_id": str(answer.get("UserId", "")),
    }


def _call(runtime: Any, call: PlannedCall, scrub: Scrub) -> AwsFailure | None:
    request = {
        "modelId": call.model,
        "messages": [{"role": "user", "content": [{"text": PROMPT}]}],
        "inferenceConfig": {"maxTokens": MAX_TOKENS},
    }
    try:
        if call.operation == "converse_stream":
            answer = runtime.converse_stream(**request)
            for _event in answer.get("stream", ()):  # errors can arrive inside the stream
                pass
        else:
            runtime.converse(**request)
    except Exception as exc:
        return failure_from_exception(exc, scrub)
    return None


def execute(
    session: Any,
    calls: Sequence[PlannedCall],
    explain: Callable[[AwsFailure, PlannedCall], str | None],
    scrub: Scrub,
    *,
    timeout: float = 60.0,
) -> tuple[ProbeResult, ...]:
    """Make each distinct planned call once (botocore retries throttling a few times) and compare."""
    runtimes: dict[str, Any] = {}
    results: list[ProbeResult] = []
    answered: dict[tuple[str, str, str], tuple[Actual, AwsFailure | None, str | None]] = {}
    for call in calls:
        key = (call.model, call.source_region, call.operation)
        if key in answered:  # the same request twice (e.g. two client roles on one model): ask once
            actual, failure, explanation = answered[key]
            results.append(ProbeResult(call, actual, failure, explanation))
            continue
        try:
            runtime = runtimes.get(call.source_region) or client(
                session,
                "bedrock-runtime",
                call.source_region,
                max_attempts=3,
                connect_timeout=min(5.0, timeout),
                read_timeout=timeout,
            )
            runtimes[call.source_region] = runtime
            failure = _call(runtime, call, scrub)
        except Exception as exc:  # building the client failed (bad Region name...): report, go on
            failure = failure_from_exception(exc, scrub)
        actual = classify(failure)
        explanation = explain(failure, call) if failure is not None and failure.from_aws else None
        answered[key] = (actual, failure, explanation)
        results.append(ProbeResult(call, actual, failure, explanation))
    return tuple(results)


def result_json(result: ProbeResult) -> dict[str, Any]:
    failure = result.failure
    return {
        "label": result.call.label,
        "model": result.call.model,
        "source_region": result.call.source_region,
        "predicted": result.call.predicted,
        "actual": result.actual,
        "agree": result.agree,
        "error_code": failure.code if failure else None,
        "error_message": failure.message if failure else None,
        "explanation": result.explanation,
    }


def ordered(results: Sequence[ProbeResult]) -> tuple[ProbeResult, ...]:
    """Disagreements first, then calls AWS could not answer, then agreements; stable otherwise."""
    return tuple(sorted(results, key=lambda r: 0 if r.disagreement else (1 if r.actual == "error" else 2)))
