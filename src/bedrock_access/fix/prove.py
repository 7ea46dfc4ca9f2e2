"""The two proofs, run by the engine on a patched copy of the scenario, plus document validation.

1. Fixed: every invocation is assessed again on the patched scenario (with any client change); the
   failing ones must be allowed now and the allowed ones must stay allowed.
2. Unchanged: every request of the finite domain the policies name, and a probe set chosen from the
   catalog, get the same decision before and after, in the whole policy set and in each layer alone
   (:mod:`bedrock_access.fix.nonwidening`).
3. Valid: each changed document parses, passes the validator when one is available, and fits AWS's
   size limit for its policy type.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from bedrock_access.bedrock.assess import InvocationAssessment, assess
from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.catalog.model import Catalog
from bedrock_access.errors import InputError
from bedrock_access.fix.documents import VALIDATOR_TYPES, condition_entries, statements
from bedrock_access.fix.grants import DISCOVERY_GET_ACTION, DISCOVERY_LIST_ACTIONS
from bedrock_access.fix.model import (
    FixedProof,
    FixOptions,
    InvocationProof,
    PolicyChange,
    Proof,
    ValidationProof,
)
from bedrock_access.fix.nonwidening import WideningQuestion, check_unchanged
from bedrock_access.iam.explain import describe
from bedrock_access.iam.parse import PolicyError, parse_policy
from bedrock_access.scenario.model import Scenario


def _blocked(a: InvocationAssessment) -> str | None:
    if a.verdict == "allowed":
        return None
    if a.verdict == "invalid":
        codes = [f.message for f in a.findings if f.invalidates]
        return codes[0] if codes else "invalid"
    blocking = a.blocking
    if blocking is None:
        return None
    who = "; ".join(describe(d) for d in blocking.decision.decisive)
    return f"{blocking.check.hop}: {who}"


def prove_fixed(
    before: Scenario,
    after: Scenario,
    original: Sequence[InvocationAssessment],
    targets: Sequence[int],
    catalog: Catalog,
    options: FixOptions,
) -> tuple[FixedProof, list[InvocationAssessment]]:
    """Assess every invocation of the patched scenario. Invocations are matched to the original by
    position, or by label for those a changed ``client:`` section makes (it may add or drop some)."""
    authorizer = options.authorizer(after.policy_set())
    env = after.environment(now=options.now)
    now = [assess(inv, env, catalog, authorizer) for inv in after.invocations]
    by_label: dict[str, int] = {}
    for k, inv in enumerate(before.invocations):
        by_label.setdefault(inv.label, k)
    target_labels = {before.invocations[i].label for i in targets}
    proofs: list[InvocationProof] = []
    matched: set[int] = set()
    for j, inv in enumerate(after.invocations):
        if j < len(before.invocations) and before.invocations[j].label == inv.label:
            i: int | None = j
        else:
            i = by_label.get(inv.label)
        if i is not None:
            matched.add(i)
        old = before.invocations[i] if i is not None else None
        proofs.append(
            InvocationProof(
                index=j,
                label=inv.label,
                model_before=old.model if old is not None else "(none)",
                model_after=inv.model,
                auth_before=old.auth if old is not None else inv.auth,
                auth_after=inv.auth,
                verdict_before=original[i].verdict if i is not None else "new",
                verdict_after=now[j].verdict,
                target=i in targets if i is not None else False,
                blocked_after=_blocked(now[j]),
            )
        )
    for t in targets:
        if t not in matched and before.invocations[t].label in target_labels:
            old = before.invocations[t]
            proofs.append(
                InvocationProof(
                    index=t,
                    label=old.label,
                    model_before=old.model,
                    model_after="(not called)",
                    auth_before=old.auth,
                    auth_after=old.auth,
                    verdict_before=original[t].verdict,
                    verdict_after="not made",
                    target=True,
                )
            )
    return FixedProof(tuple(proofs), client_errors=client_errors(before, after, options)), now


def _call(inv: Invocation) -> tuple[str, str, str, str, str]:
    return (inv.label, inv.model, inv.region, inv.operation, inv.auth)


def client_errors(before: Scenario, after: Scenario, options: FixOptions) -> tuple[str, ...]:
    """What keeps the patched scenario's ``client:`` section from being the one proven: its error
    findings (a changed section is read back again, as written), and any call the proof assumed that
    the section as written does not make."""
    section = after.client
    resolution = after.client_resolution
    if section is None or resolution is None:
        return ()
    explicit = len(after.invocations) - len(resolution.invocations)
    if options.resolve_client is not None and section != before.client:
        try:
            resolution = options.resolve_client(section)
        except InputError as exc:
            return (f"the changed client section cannot be read back: {exc.render()}",)
    out = [
        f"{f.code}: {f.message}" + ("" if section != before.client else " (the client section is unchanged)")
        for f in resolution.findings
        if f.severity == "error" and resolution.invocations
    ]
    written = [_call(inv) for inv in resolution.invocations]
    proven = [_call(inv) for inv in after.invocations[explicit:]]
    for call in proven:
        if call not in written:
            out.append(
                f"{call[0]}: the proof assumes {call[1]} from {call[2]} ({call[4]}), which the client section "
                "as written does not send"
            )
    for call in written:
        if call not in proven:
            out.append(
                f"{call[0]}: the client section as written sends {call[1]} from {call[2]}, not checked"
            )
    return tuple(out)


def fixed_invocations(before: Scenario, after: Scenario, targets: Sequence[int]) -> list[Invocation]:
    """The invocations of the patched scenario that this fix is about: the failing ones (after any
    client change) and any call the changed client settings add."""
    target_labels = {before.invocations[i].label for i in targets}
    known = {inv.label for inv in before.invocations}
    out = []
    for j, inv in enumerate(after.invocations):
        same = j < len(before.invocations) and before.invocations[j].label == inv.label
        if (same and j in targets) or (not same and (inv.label in target_labels or inv.label not in known)):
            out.append(inv)
    return out


def validate_changes(changes: Sequence[PolicyChange], options: FixOptions) -> ValidationProof:
    errors: list[str] = []
    warnings: list[str] = []
    over: list[str] = []
    for change in changes:
        name = change.policy_name
        try:
            policy = parse_policy(dict(change.document), name=name)
        except PolicyError as exc:
            errors.append(f"{name}: {exc.render()}")
            continue
        if options.validator is not None:
            for note in options.validator(policy, VALIDATOR_TYPES[change.location.layer]):
                (errors if note.severity == "error" else warnings).append(note.text)
        if not change.within_limit:
            over.append(f"{name}: {change.size} characters, over the limit of {change.limit}")
    return ValidationProof(
        validator=options.validator is not None,
        errors=tuple(errors),
        warnings=tuple(warnings),
        over_limit=tuple(over),
    )


def _control_exemptions(changes: Sequence[PolicyChange]) -> tuple[str, ...]:
    """Principal ARN patterns a modelled Control Tower control exempts whatever its parameters (its own
    service roles): the control admits them by AWS's design, not by this fix's choice."""
    out: list[str] = []
    for change in changes:
        if "ct-ou-control" not in change.kind.split("+") or change.parameters is None:
            continue
        for stmt in statements(change.document):
            for entry in condition_entries(stmt):
                if entry.key.lower() == "aws:principalarn" and entry.base_operator in (
                    "arnnotlike",
                    "stringnotlike",
                ):
                    out.extend(entry.values)
    return tuple(dict.fromkeys(out))


def prove(
    before: Scenario,
    after: Scenario,
    original: Sequence[InvocationAssessment],
    targets: Sequence[int],
    changes: Sequence[PolicyChange],
    catalog: Catalog,
    options: FixOptions,
) -> Proof:
    fixed, _ = prove_fixed(before, after, original, targets, catalog, options)
    network_changed = any("network-guard" in c.kind for c in changes)
    admits_unspecified = any(
        k in ("region-exemption", "region-approval", "ct-govern-regions", "ct-ou-control", "ct-guard")
        for c in changes
        for k in c.kind.split("+")
    ) or any("unspecified" in json.dumps(dict(c.document)) for c in changes)
    question = WideningQuestion(
        before=before,
        after=after,
        fixed=fixed_invocations(before, after, targets),
        original=original,
        catalog=catalog,
        now=options.now,
        network_changed=network_changed,
        admits_unspecified=admits_unspecified,
        bedrock_actions=options.bedrock_actions,
        make_authorizer=options.authorizer,
        exempt_by_design=_control_exemptions(changes),
        requested_actions=frozenset(a.lower() for a in (*DISCOVERY_LIST_ACTIONS, DISCOVERY_GET_ACTION))
        if options.client_lists_models
        else frozenset(),
    )
    unchanged = check_unchanged(question)
    return Proof(fixed=fixed, unchanged=unchanged, validation=validate_changes(changes, options))
