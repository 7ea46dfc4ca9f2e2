"""What every ``check`` output format says about one call: a one-line summary, a rule id (the finding
or deny code that failed it), the help text with the fix, and where in the scenario the call comes from.
Pure: the scenario's field lines are read by the caller (``scenario/locate.py``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.checking import CheckRun
from bedrock_access.iam.explain import describe
from bedrock_access.redact import redact as redact_text
from bedrock_access.scenario.locate import line_of_origin

FAILING = frozenset({"denied", "invalid"})


@dataclass(frozen=True, slots=True)
class LocatedRun:
    """One checked scenario (or this machine), with the line of every field of its file."""

    run: CheckRun
    lines: Mapping[str, int] = field(default_factory=dict, hash=False)

    @property
    def source(self) -> str:
        return self.run.source or "this machine"


def failing(a: InvocationAssessment) -> bool:
    return a.verdict in FAILING


def deny_code(a: InvocationAssessment) -> str | None:
    """``explicit-deny-scp``, ``implicit-deny-identity``...: how the blocking check was denied."""
    blocking = a.blocking
    if blocking is None or a.verdict != "denied":
        return None
    kind = "explicit" if blocking.decision.outcome == "ExplicitlyDenied" else "implicit"
    layers = [d.type for d in blocking.decision.decisive if d.effect != "Allow"]
    return f"{kind}-deny-{layers[0]}" if layers else f"{kind}-deny"


def rule_id(a: InvocationAssessment) -> str:
    """The code that failed the call: an error finding's code (it decides before IAM), else how IAM
    denied it; ``ok`` for a call that did not fail."""
    errors = [f.code for f in a.findings if f.severity == "error"]
    if a.verdict == "invalid" and errors:
        return errors[0]
    code = deny_code(a)
    if code is not None:
        return code
    if errors:
        return errors[0]
    return a.verdict if a.verdict != "allowed" else "ok"


def blocked_by(a: InvocationAssessment) -> str:
    """The statement (or missing Allow) that blocked the call, in words; empty when nothing did."""
    blocking = a.blocking
    if blocking is None or a.verdict != "denied":
        return ""
    decisive = [d for d in blocking.decision.decisive if d.effect != "Allow"]
    return f"{blocking.check.hop}: " + "; ".join(describe(d) for d in decisive)


def one_line(a: InvocationAssessment, *, with_verdict: bool = True) -> str:
    """``denied: main (global.anthropic... from eu-west-1): Deny by scp at ou-dev region-deny, statement 1``."""
    inv = a.invocation
    head = f"{inv.label} ({inv.model} from {inv.region})"
    if with_verdict:
        head = f"{a.verdict}: {head}"
    if a.verdict == "denied":
        reason = blocked_by(a)
        if not reason and a.predicted_error is not None:
            reason = a.predicted_error.message
        return f"{head}: {reason}" if reason else head
    if a.verdict == "invalid":
        errors = [f for f in a.findings if f.severity == "error"]
        reason = errors[0].message if errors else (a.predicted_error.message if a.predicted_error else "")
        return f"{head}: {redact_text(reason)}" if reason else head
    return head


def help_text(a: InvocationAssessment, source: str | None) -> str:
    """What to do about a failing call: the finding's hint, and `fix` for a policy denial."""
    parts: list[str] = []
    for f in a.findings:
        if f.severity == "error" and f.hint:
            parts.append(redact_text(f.hint))
    if a.verdict == "denied" and a.predicted_error is not None and a.predicted_error.error_code:
        parts.append(f"AWS answers: {a.predicted_error.message.rstrip('.')}.")
    if a.verdict == "denied" and source:
        parts.append(
            f"Run `bedrock-access fix {source}` for least-privilege changes, each checked by the engine."
        )
    return " ".join(parts) or "See the `check` text report for the checks and their decisions."


def call_line(a: InvocationAssessment, located: LocatedRun) -> int:
    """The scenario line a call comes from: its invocation entry, or the client setting that made it;
    1 when unknown."""
    source = located.run.source
    if not source:
        return 1
    for key in ("model", "region"):
        origin = a.invocation.origin.get(key)
        if origin:
            line = line_of_origin(origin, source, located.lines)
            if line is not None:
                return line
    return located.lines.get("client") or located.lines.get("invocations") or 1


def counts(assessments: Sequence[InvocationAssessment]) -> dict[str, int]:
    out = {"allowed": 0, "denied": 0, "invalid": 0, "unknown": 0}
    for a in assessments:
        out[a.verdict] += 1
    return out
