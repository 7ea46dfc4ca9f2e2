"""From failing invocations to proven alternatives.

The solver works on a :class:`~bedrock_access.fix.draft.Draft`, in rounds: assess every failing
invocation, collect what blocked each denied hop (a Deny statement, or a layer without an Allow),
change the layer that blocked it, and assess again, until everything passes or nothing more can be
done. Each strategy (exempt or approve Regions, pin client ids first, admit a VPC endpoint) gives one
alternative; every alternative is then proven by :mod:`bedrock_access.fix.prove`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from bedrock_access.bedrock.assess import InvocationAssessment, assess
from bedrock_access.bedrock.checks import AuthorizationCheck, base_context, expand
from bedrock_access.bedrock.invocation import AuthMode, Invocation
from bedrock_access.catalog.model import Catalog
from bedrock_access.checking import attach_client_findings
from bedrock_access.clients.editing import section_changes
from bedrock_access.clients.editors import client_edits, pin_all
from bedrock_access.clients.interface import ClientResolution
from bedrock_access.errors import InputError
from bedrock_access.fix.calls import CallState
from bedrock_access.fix.client import (
    AUTH_FALLBACKS,
    base_model,
    client_settings,
    model_candidates,
    scope_of,
    successor_candidates,
)
from bedrock_access.fix.controltower import (
    CONTROL_ID,
    CONTROL_POLICY_NAME,
    GUARD_POLICY_NAME,
    MAX_SCPS_PER_TARGET,
    govern_regions,
    is_landing_zone_region_deny,
    ou_control_plan,
)
from bedrock_access.fix.documents import (
    SIZE_LIMITS,
    actions_cover,
    as_list,
    deep,
    minified_size,
    new_document,
    sids,
    statements,
    with_statements,
)
from bedrock_access.fix.draft import Draft
from bedrock_access.fix.grants import COMPACTION_LEVELS, discovery_statements, grant_statements
from bedrock_access.fix.model import (
    Alternative,
    FailingInvocation,
    FixOptions,
    FixReport,
    Layer,
    Location,
    PolicyChange,
    Unfixable,
)
from bedrock_access.fix.network import ip_clause, ip_guard
from bedrock_access.fix.prove import prove
from bedrock_access.fix.region import Patch, Refusal, approve_regions, exempt_profiles, region_clause
from bedrock_access.fix.resources import extend_allow_list
from bedrock_access.iam.compiled import CompileCache
from bedrock_access.iam.engine import Authorizer, Decisive
from bedrock_access.iam.explain import LAYER_NAMES, describe
from bedrock_access.scenario.model import Scenario

MAX_ROUNDS = 8
_ACCOUNT = re.compile(r"\d{12}")
_LAYER_WORD = {
    "identity": "identity",
    "pb": "boundary",
    "session": "session",
    "scp": "scp",
    "vpce": "vpc-endpoint",
}
_SUMMARIES = {
    "scp-exemption": "exempt Bedrock invocations routed through the needed profiles from the SCP's Region deny",
    "identity-exemption": "exempt Bedrock invocations routed through the needed profiles from the identity "
    "policy's Region deny",
    "boundary-exemption": "exempt Bedrock invocations routed through the needed profiles from the "
    "permissions boundary's Region deny",
    "session-exemption": "exempt Bedrock invocations routed through the needed profiles from the session "
    "policy's Region deny",
    "ct-ou-control": f"govern the destination Regions in the landing zone, enable {CONTROL_ID} on the OU and "
    "attach a custom SCP that admits only profile-routed invocations there",
    "ct-govern-regions": "govern the destination Regions in the landing zone (every action is then allowed there)",
    "approve-regions": "approve the destination Regions in the Region deny (every action is then allowed there)",
    "network-guard": "admit the caller's network in the IP allow-list guard",
    "network-guard-vpce": "admit the caller's network and the named VPC endpoint in the IP allow-list guard",
    "model-allow-list": "add the profile ARNs of approved models to the model allow-list",
    "identity-grant": "grant exactly the missing profile and model ARNs in the identity policy",
    "boundary-grant": "grant exactly the missing profile and model ARNs in the permissions boundary",
    "session-grant": "grant exactly the missing profile and model ARNs in the session policy",
    "vpc-endpoint-grant": "grant exactly the missing profile and model ARNs in the VPC endpoint policy",
    "scp-grant": "allow exactly the missing profile and model ARNs at the SCP level that lacked an Allow",
    "vpc-endpoint-exemption": "exempt Bedrock invocations routed through the needed profiles from the VPC "
    "endpoint policy's Region deny",
    "client-model": "pin each failing role to a model id offered from its source Region and allowed",
    "client-auth": "authenticate the way the organization allows",
    "client-region": "send the failing calls from a Region the policies allow (in the client's own settings "
    "when a client: section makes them)",
}


@dataclass(frozen=True, slots=True)
class Strategy:
    name: str
    region_mode: Literal["exempt", "approve"] = "exempt"
    pin_first: bool = False
    vpce_variant: bool = False
    move_first: bool = False  # move the client's failing calls to another Region first


@dataclass(frozen=True, slots=True)
class _Blocker:
    invocation: int
    check: AuthorizationCheck
    entry: Decisive


@dataclass(frozen=True, slots=True, order=True)
class _Key:
    kind: int  # 0 deny, 1 grant
    layer: str
    level: int
    index: int
    statement: int  # negated statement index for denies (patch later statements first)


def _unique_checks(blockers: Sequence[_Blocker]) -> list[AuthorizationCheck]:
    seen: set[tuple[str, str, str | None, str]] = set()
    out = []
    for b in blockers:
        c = b.check
        key = (c.action, c.resource, c.inference_profile_arn, c.requested_region)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


def _grant_lines(stmts: Sequence[dict[str, Any]]) -> list[str]:
    lines = []
    for st in stmts:
        actions = ", ".join(as_list(st.get("Action")))
        resources = ", ".join(as_list(st.get("Resource")))
        cond = st.get("Condition", {})
        profile = cond.get("StringEquals", {}).get("bedrock:InferenceProfileArn")
        bearer = cond.get("StringEquals", {}).get("bedrock:BearerTokenType")
        text = f"{st['Sid']}: allow {actions} on {resources}"
        if profile:
            text += f" only when reached through {', '.join(as_list(profile))} (bedrock:InferenceProfileArn)"
        if bearer:
            text += f" for {', '.join(as_list(bearer))} API keys"
        lines.append(text)
    return lines


class _Solver:
    def __init__(
        self,
        scenario: Scenario,
        catalog: Catalog,
        options: FixOptions,
        strategy: Strategy,
        original: Sequence[InvocationAssessment],
        targets: Sequence[int],
    ) -> None:
        self.scenario = scenario
        self.catalog = catalog
        self.options = options
        self.strategy = strategy
        self.original = original
        self.original_targets = list(targets)  # indices into the scenario's invocations
        self.draft = Draft(scenario)
        self.env = scenario.environment(now=options.now)
        self.handled_ct: set[int] = set()
        resolution = scenario.client_resolution
        self.n_explicit = len(scenario.invocations) - (len(resolution.invocations) if resolution else 0)
        self.calls = CallState(scenario.invocations, self.n_explicit, targets)
        self.seen: set[tuple[_Key, tuple[tuple[int, str, str], ...]]] = set()
        # Labels of calls whose source Region a Region deny refuses (no exemption can admit them).
        self.region_blocked: set[str] = set()
        self._auth: tuple[Scenario, Authorizer] | None = None

    # The engine -----------------------------------------------------------------------------------

    def _authorizer(self) -> Authorizer:
        built = self.draft.build()
        if self._auth is None or self._auth[0] is not built:
            self._auth = (
                built,
                self.options.authorizer(built.policy_set()),
            )
        return self._auth[1]

    def _assess(self, invocation: Invocation) -> InvocationAssessment:
        return assess(invocation, self.env, self.catalog, self._authorizer())

    def _assess_all(self) -> list[InvocationAssessment]:
        return [self._assess(inv) for inv in self.draft.invocations]

    def key(self, i: int) -> str:
        """The key of the draft's call ``i`` (see :mod:`bedrock_access.fix.calls`)."""
        return self.calls.key(i, self.draft.invocations)

    @property
    def targets(self) -> list[int]:
        return self.calls.targets(self.draft.invocations)

    def _reason(self, i: int, text: str) -> None:
        self.calls.reason(self.key(i), text)

    # The loop -------------------------------------------------------------------------------------

    def run(self) -> _Solver:
        if self.strategy.move_first:
            self._move_clients(failing_only=True)
            self._move_invocations(failing_only=True)
        for i in self.targets:
            if (
                i < len(self.original)
                and self.original[i].verdict == "invalid"
                and self.original[i].invocation.label == self.draft.invocations[i].label
                and self._assess(self.draft.invocations[i]).verdict == "invalid"
            ):
                self._fix_invalid(i)
        if self.strategy.pin_first:
            for i in self.targets:
                if self.original[i].verdict == "denied":
                    self._pin_first(i)
        self._loop()
        for _ in range(3):
            if not (self._sync_client() or self._move_clients() or self._move_invocations()):
                break
            self._loop()
        if self.options.client_lists_models:
            self._discovery()
        return self

    def _sync_client(self) -> bool:
        """Pins of calls a ``client:`` section makes go into its settings, in the client's own vocabulary;
        the section is then read again, so the proof sees exactly the calls the changed client makes (it
        may add or drop some). A pin no setting can express is undone, and the call reported."""
        section = self.draft.client_section
        resolution = self.draft.client_resolution
        if section is None or resolution is None:
            return False
        current = resolution.invocations
        mine = self.draft.invocations[self.n_explicit :]
        changed = [
            (self.n_explicit + k, inv)
            for k, (inv, cur) in enumerate(zip(mine, current, strict=False))
            if inv.model != cur.model or inv.auth != cur.auth
        ]
        if not changed:
            return False
        if self.options.resolve_client is None:
            self._undo_pins(changed, "the client settings cannot be read back here (no client resolver)")
            return False
        if all(inv.auth == cur.auth for inv, cur in zip(mine, current, strict=False)):
            # A client with one setting per role (Claude Code's variables) pins every call at once.
            edit = pin_all(section, [inv for _, inv in changed])
            if edit is not None:
                new = self._resolve(edit.section)
                if new is not None:
                    env = {p.removeprefix("env."): str(v) for p, v in edit.changes if p.startswith("env.")}
                    self._set_client(edit.section, new, env)
                    return True
        patched = deep(section)
        new = resolution
        done: list[tuple[int, Invocation]] = []
        # Each pin is set in turn: an edit may leave the errors of calls not yet pinned, never add one.
        for i, inv in changed:
            cur = current[i - self.n_explicit]
            found = None
            if inv.auth == cur.auth:
                for edit in client_edits(patched, cur, model=inv.model):
                    res = self._resolve(edit.section)
                    if res is None or not set(_errors(res)) <= set(_errors(new)):
                        continue
                    got = next((c for c in res.invocations if c.label == inv.label), None)
                    if got is not None and got.model == inv.model and got.region == inv.region:
                        found = (edit.section, res)
                        break
            if found is None:
                self._undo_pins(
                    [(i, inv)],
                    f"{inv.model} cannot be set for this call in the {section.get('kind')} settings",
                )
                continue
            patched, new = found
            done.append((i, inv))
        if not done:
            return False
        self._set_client(patched, new, {})
        return True

    def _undo_pins(self, changed: Sequence[tuple[int, Invocation]], reason: str) -> None:
        resolution = self.draft.client_resolution
        assert resolution is not None
        for i, inv in changed:
            self.draft.invocations[i] = resolution.invocations[i - self.n_explicit]
            self.calls.unfixable[self.key(i)] = f"{inv.label}: {reason}"
        self.draft.drop_client_changes([i for i, _ in changed])

    def _resolve(self, section: dict[str, Any]) -> ClientResolution | None:
        assert self.options.resolve_client is not None
        try:
            return self.options.resolve_client(section)
        except InputError as exc:
            self.draft.notes.append(f"the changed client settings cannot be read back: {exc.render()}")
            return None

    def _set_client(
        self, patched: dict[str, Any], new: ClientResolution, updates: dict[str, str], why: str = ""
    ) -> None:
        invocations = [*self.draft.invocations[: self.n_explicit], *new.invocations]
        self.draft.set_client(patched, new, invocations, updates, why=why)
        # Per-call state is keyed by label: it follows the client's calls wherever they now stand.
        self.calls.prune(invocations)
        self.seen.clear()

    # Moving a client's calls ----------------------------------------------------------------------

    def _score(self, invocations: Sequence[Invocation]) -> tuple[int, int, int]:
        """(invalid targets, failing targets, regressions) of the client's calls under the current
        policies: targets are the failing calls and any new call; a regression is a call allowed now
        that would not be."""
        target_labels = {self.scenario.invocations[i].label for i in self.original_targets}
        known = {inv.label for inv in self.scenario.invocations}
        allowed_now = {
            inv.label
            for inv in self.draft.invocations[self.n_explicit :]
            if self._assess(inv).verdict == "allowed"
        }
        invalid = failing = regressions = 0
        for inv in invocations:
            verdict = self._assess(inv).verdict
            if inv.label in target_labels or inv.label not in known:
                invalid += verdict == "invalid"
                failing += verdict != "allowed"
            if inv.label in allowed_now and verdict != "allowed":
                regressions += 1
        return invalid, failing, regressions

    def _move_regions(self, inv: Invocation) -> list[str]:
        """Regions to try for a call, the user's own first: Regions named in the client section or in its
        findings, the Regions of the client's other calls, then those its model id is offered from."""
        section = self.draft.client_section or {}
        resolution = self.draft.client_resolution
        partition = self.catalog.partition_of(inv.region)
        known = [r.region for r in self.catalog.regions_in_partition(partition or "aws")]
        texts: list[str] = []

        def walk(value: Any) -> None:
            if isinstance(value, dict):
                for v in value.values():
                    walk(v)
            elif isinstance(value, list):
                for v in value:
                    walk(v)
            elif isinstance(value, str):
                texts.append(value)

        walk(section)
        if resolution is not None:
            texts.extend(f"{f.message} {f.hint}" for f in resolution.findings)
        mentioned = [r for t in texts for r in re.findall(r"\b[a-z]{2}(?:-[a-z]+)+-\d\b", t) if r in known]
        others = [c.region for c in self.draft.invocations[self.n_explicit :] if c.label != inv.label]
        offered: list[str] = []
        profile = self.catalog.profile(inv.model)
        if profile is not None:
            offered.extend(profile.source_regions)
        elif inv.model.startswith("arn:"):
            offered.append(inv.model.split(":")[3])
        regions = [
            r for r in dict.fromkeys([*mentioned, *others, *offered]) if r != inv.region and r in known
        ]
        return regions[:10]

    def _move(self, i: int) -> bool:
        """Change the client's settings so that call ``i`` goes to another Region (with an id of the same
        model offered there), when that leaves fewer of the client's calls failing and none newly failing."""
        section = self.draft.client_section
        if section is None or self.options.resolve_client is None or i < self.n_explicit:
            return False
        inv = self.draft.invocations[i]
        current = self.draft.client_resolution
        cur = current.invocations[i - self.n_explicit] if current is not None else inv
        best: tuple[tuple[int, int], Any, ClientResolution, str] | None = None
        base = self._score(self.draft.invocations[self.n_explicit :])
        for region in self._move_regions(cur):
            moved = replace(cur, region=region)
            apps = self.draft.build().application_profiles
            models: list[str | None] = [None]
            if self._assess(moved).verdict != "invalid":
                models.append(cur.model)
            models.extend(model_candidates(moved, self.catalog, apps)[:3])
            for model in dict.fromkeys(models):
                for edit in client_edits(section, cur, model=model, region=region):
                    res = self._resolve(edit.section)
                    if res is None or not set(_errors(res)) <= set(_errors(current) if current else ()):
                        continue
                    got = next((c for c in res.invocations if c.label == inv.label), None)
                    if got is None or got.region == cur.region:
                        continue
                    invalid, failing, regressions = self._score(res.invocations)
                    if regressions or (invalid, failing) >= base[:2]:
                        continue
                    if best is None or (invalid, failing) < best[0]:
                        best = ((invalid, failing), edit, res, region)
        if best is None:
            return False
        _, edit, res, region = best
        why = f"set {edit.describe()} in the {section.get('kind')} settings"
        self._set_client(edit.section, res, {}, why)
        for j in range(self.n_explicit, len(self.draft.invocations)):
            if self.calls.unfixable.pop(self.key(j), None) is not None:
                self.calls.reasons.pop(self.key(j), None)
        return True

    def _move_clients(self, *, failing_only: bool = False) -> bool:
        """Try moving each client call that is stuck (or, with ``failing_only``, every failing one)."""
        if self.draft.client_section is None or self.options.resolve_client is None:
            return False
        moved = False
        for _ in range(len(self.targets)):
            assessments = self._assess_all()
            stuck = [
                i
                for i in self.targets
                if i >= self.n_explicit
                and assessments[i].verdict != "allowed"
                and (failing_only or self.key(i) in self.calls.unfixable)
            ]
            if not stuck or not any(self._move(i) for i in stuck[:1]):
                break
            moved = True
        return moved

    def _move_invocations(self, *, failing_only: bool = False) -> bool:
        """Move each explicit call a Region deny refuses at its source (or, with ``failing_only``, each
        failing one whose source Region a Region deny refuses) to a Region the policies allow it from."""
        moved = False
        assessments = self._assess_all()
        for i in self.targets:
            if i >= self.n_explicit or assessments[i].verdict == "allowed":
                continue
            label = self.draft.invocations[i].label
            if failing_only:
                if not self._source_region_denied(assessments[i]):
                    continue
            elif self.key(i) not in self.calls.unfixable or label not in self.region_blocked:
                continue
            if self._move_invocation(i):
                self.calls.unfixable.pop(self.key(i), None)
                self.calls.reasons.pop(self.key(i), None)
                moved = True
        return moved

    def _source_region_denied(self, a: InvocationAssessment) -> bool:
        """Whether a Region deny refuses the call's first hop (made in its source Region, with no
        bedrock:InferenceProfileArn): only moving the call can help there."""
        built = self.draft.build()
        for outcome in a.outcomes:
            if outcome.allowed or outcome.check.inference_profile_arn is not None:
                continue
            if outcome.check.region != a.invocation.region:
                continue
            for entry in outcome.decision.decisive:
                loc = self._locate(entry, built) if entry.effect == "Deny" else None
                if loc is None or entry.index is None:
                    continue
                if region_clause(statements(self.draft.document(loc))[entry.index - 1]) is not None:
                    return True
        return False

    def _invocation_regions(self, inv: Invocation) -> list[str]:
        """Regions to move a call to, nearest first: the Regions of the scenario's other calls, the
        Regions of its own geography, then every other Region of the partition."""
        partition = self.catalog.partition_of(inv.region) or "aws"
        known = [r.region for r in self.catalog.regions_in_partition(partition)]
        home = self.catalog.region(inv.region)
        geography = home.geography if home is not None else None
        others = [c.region for c in self.draft.invocations if c.label != inv.label]
        same = [
            r for r in known if (info := self.catalog.region(r)) is not None and info.geography == geography
        ]
        return [r for r in dict.fromkeys([*others, *same, *known]) if r != inv.region]

    def _move_invocation(self, i: int) -> bool:
        """Send call ``i`` from another Region (with an id of the same model offered there when its own is
        not): the first where the policies allow it as they stand, else the first where no Region deny
        refuses its source hop (the other hops are fixed in the next rounds)."""
        inv = self.draft.invocations[i]
        apps = self.draft.build().application_profiles
        fallback: tuple[str, Invocation] | None = None
        for region in self._invocation_regions(inv):
            moved = replace(inv, region=region)
            for model in dict.fromkeys([inv.model, *model_candidates(moved, self.catalog, apps)]):
                candidate = replace(moved, model=model)
                a = self._assess(candidate)
                if a.verdict == "allowed":
                    self._set_region(i, candidate, "the policies allow the call from there as they stand")
                    return True
                if fallback is None and a.verdict == "denied" and not self._source_region_denied(a):
                    fallback = (region, candidate)
        if fallback is None:
            return False
        self._set_region(i, fallback[1], "no Region deny refuses it there (the other layers are fixed next)")
        return True

    def _set_region(self, i: int, new: Invocation, status: str) -> None:
        inv = self.draft.invocations[i]
        why = (
            f"{inv.label}: call from {new.region} instead of {inv.region}: a Region deny refuses {inv.region} "
            f"as the source Region, and {status} (set the client's Region)"
        )
        self.draft.set_invocation(
            i, replace(inv, region=new.region), "region", inv.region, new.region, (why,)
        )
        if new.model != inv.model:
            self.draft.set_invocation(
                i,
                new,
                "model",
                inv.model,
                new.model,
                (f"{inv.label}: send {new.model} instead of {inv.model}: offered from {new.region}",),
            )

    def _loop(self) -> None:
        for _ in range(MAX_ROUNDS):
            assessments = self._assess_all()
            failing = [
                i
                for i in self.targets
                if self.key(i) not in self.calls.unfixable and assessments[i].verdict != "allowed"
            ]
            if not failing:
                break
            for i in failing:
                if assessments[i].verdict == "invalid":
                    self.calls.unfixable[self.key(i)] = "; ".join(
                        f.message for f in assessments[i].findings if f.invalidates
                    )
            groups = self._group(assessments, [i for i in failing if self.key(i) not in self.calls.unfixable])
            progress = False
            for key in sorted(groups):
                if self._handle(key, groups[key]):
                    progress = True
            if not progress:
                for i in failing:
                    if self.key(i) not in self.calls.unfixable:
                        self.calls.unfixable[self.key(i)] = (
                            "; ".join(self.calls.reasons.get(self.key(i), [])) or "no change found"
                        )
                break
        else:
            assessments = self._assess_all()
            for i in self.targets:
                if assessments[i].verdict != "allowed" and self.key(i) not in self.calls.unfixable:
                    self.calls.unfixable[self.key(i)] = "still failing after the maximum number of rounds"

    def _group(
        self, assessments: Sequence[InvocationAssessment], failing: Sequence[int]
    ) -> dict[_Key, list[_Blocker]]:
        groups: dict[_Key, list[_Blocker]] = {}
        built = self.draft.build()
        for i in failing:
            for outcome in assessments[i].outcomes:
                if outcome.allowed:
                    continue
                explicit = outcome.decision.outcome == "ExplicitlyDenied"
                for entry in outcome.decision.decisive:
                    if explicit and entry.effect == "Deny":
                        loc = self._locate(entry, built)
                        if loc is None:
                            self._reason(i, f"cannot find {describe(entry)} in the scenario")
                            continue
                        key = _Key(
                            0,
                            loc.layer,
                            -1 if loc.level is None else loc.level,
                            loc.index,
                            -(entry.index or 0),
                        )
                    elif not explicit and entry.effect == "NoApplicableAllow":
                        if entry.type not in ("identity", "pb", "session", "scp", "vpce"):
                            self._reason(i, describe(entry))
                            continue
                        level = self._level_index(entry.level, built) if entry.type == "scp" else -1
                        key = _Key(1, entry.type, level, 0, 0)
                    else:
                        continue
                    groups.setdefault(key, []).append(_Blocker(i, outcome.check, entry))
        return groups

    def _level_index(self, target: str | None, built: Scenario) -> int:
        for n, level in enumerate(built.scp_levels or ()):
            if level.target == target:
                return n
        return -1

    def _locate(self, entry: Decisive, built: Scenario) -> Location | None:
        def matches(loc: Location) -> bool:
            if self.draft.name(loc) != entry.policy:
                return False
            stmts = statements(self.draft.document(loc))
            if entry.index is None or entry.index > len(stmts):
                return False
            return stmts[entry.index - 1].get("Sid") == entry.sid

        if entry.type == "identity":
            return next((loc for loc in self.draft.identity_locations() if matches(loc)), None)
        if entry.type in ("pb", "session", "vpce"):
            loc = Location(entry.type)
            return loc if self.draft.exists(loc) else None
        if entry.type == "scp":
            level = self._level_index(entry.level, built)
            if level < 0:
                return None
            return next((loc for loc in self.draft.level_locations(level) if matches(loc)), None)
        return None

    # Handlers -------------------------------------------------------------------------------------

    def _handle(self, key: _Key, blockers: list[_Blocker]) -> bool:
        # A change that did not take effect would be made again and again: stop instead.
        signature = (key, tuple(sorted({(b.invocation, b.check.resource, b.check.region) for b in blockers})))
        if signature in self.seen:
            for b in blockers:
                self._reason(b.invocation, f"{describe(b.entry)} still blocks it after a change")
            return False
        self.seen.add(signature)
        if key.kind == 0:
            level = None if key.level < 0 else key.level
            loc = Location(key.layer, level, key.index)  # type: ignore[arg-type]
            return self._handle_deny(loc, -key.statement, blockers)
        return self._handle_grant(key.layer, key.level, blockers)  # type: ignore[arg-type]

    def _account_for(self, loc: Location) -> str:
        if loc.layer == "scp":
            target = self.draft.level_target(loc) or ""
            return target if _ACCOUNT.fullmatch(target) else "*"
        return self.env.caller.account

    def _handle_deny(self, loc: Location, number: int, blockers: list[_Blocker]) -> bool:
        doc = self.draft.document(loc)
        stmts = statements(doc)
        index = number - 1
        stmt = stmts[index]
        name = self.draft.name(loc)
        checks = _unique_checks(blockers)
        invs = sorted({b.invocation for b in blockers})
        what = describe(blockers[0].entry)

        if all(c.purpose == "bearer-token" for c in checks):
            return self._any(self._change_auth(i, what) for i in invs)
        if ip_clause(stmt) is not None:
            vpces = self.options.allow_vpces if self.strategy.vpce_variant else ()
            result: Patch | Refusal = ip_guard(
                doc, index, self.env.network, allow_cidrs=self.options.allow_cidrs, allow_vpces=vpces
            )
            kind = "network-guard-vpce" if vpces else "network-guard"
            return self._apply(loc, result, kind, invs, what)
        if region_clause(stmt) is not None:
            if loc.layer == "scp" and is_landing_zone_region_deny(name, stmt):
                if self.strategy.region_mode == "approve":
                    return self._apply(
                        loc, govern_regions(doc, index, checks), "ct-govern-regions", invs, what
                    )
                return self._control_tower(loc, index, checks, invs, what)
            if self.strategy.region_mode == "approve":
                return self._apply(loc, approve_regions(doc, index, checks), "region-approval", invs, what)
            # Invocations with a hop no exemption can admit (the source Region itself is denied) must not
            # keep the others from being fixed.
            stuck = sorted({b.invocation for b in blockers if b.check.inference_profile_arn is None})
            self.region_blocked.update(self.draft.invocations[i].label for i in stuck)
            if stuck and len(stuck) < len(invs):
                rest = [b for b in blockers if b.invocation not in stuck]
                refusal = exempt_profiles(
                    doc, index, _unique_checks([b for b in blockers if b.invocation in stuck]), account="*"
                )
                reason = refusal.reason if isinstance(refusal, Refusal) else "the source Region is denied"
                pinned = self._pin_or_refuse(stuck, reason, what)
                fixed = self._exempt(
                    loc, index, _unique_checks(rest), sorted({b.invocation for b in rest}), what
                )
                return pinned or fixed
            return self._exempt(loc, index, checks, invs, what)
        if "NotResource" in stmt:
            result = extend_allow_list(
                doc,
                index,
                checks,
                account=self._account_for(loc),
                app_profiles=self.draft.build().application_profiles,
            )
            return self._apply(loc, result, "model-allow-list", invs, what)
        return self._pin_or_refuse(
            invs,
            f"{what} is a deliberate deny (not a Region, network or model allow-list guard); left as is",
            what,
        )

    @staticmethod
    def _any(results: Any) -> bool:
        return any(list(results))

    def _apply(
        self, loc: Location, result: Patch | Refusal, kind: str, invs: Sequence[int], what: str
    ) -> bool:
        if isinstance(result, Refusal):
            return self._pin_or_refuse(invs, result.reason, what)
        self.draft.update(loc, result.document, kind, result.explanation, compaction=result.compaction)
        return True

    def _exempt(
        self, loc: Location, index: int, checks: Sequence[AuthorizationCheck], invs: Sequence[int], what: str
    ) -> bool:
        doc = self.draft.document(loc)
        account = self._account_for(loc)
        exact = loc.layer != "scp"
        result = exempt_profiles(doc, index, checks, account=account, split=True, exact=exact)
        if isinstance(result, Refusal):
            return self._pin_or_refuse(invs, result.reason, what)
        limit = SIZE_LIMITS[loc.layer]
        if minified_size(result.document) <= limit:
            self.draft.update(loc, result.document, "region-exemption", result.explanation)
            return True
        inline = exempt_profiles(doc, index, checks, account=account, split=False, exact=exact)
        if isinstance(inline, Patch) and minified_size(inline.document) <= limit:
            note = (
                f"the split form would be {minified_size(result.document)} characters (limit {limit}): the "
                "exemption is kept in the statement itself"
            )
            self.draft.update(
                loc, inline.document, "region-exemption", inline.explanation, compaction=(note,)
            )
            return True
        if result.added and result.without_added is not None and loc.layer in ("scp", "identity"):
            name = f"{self.draft.name(loc)}-bedrock-profiles"
            note = (
                f"{self.draft.name(loc)} would be {minified_size(result.document)} characters (limit {limit}): "
                f"the new statements go into a new policy {name}, attached {'at the same level' if loc.layer == 'scp' else 'to the same principal'}"
            )
            self.draft.update(
                loc, result.without_added, "region-exemption", result.explanation, compaction=(note,)
            )
            self.draft.add(
                loc.layer,
                loc.level,
                name,
                new_document(result.added),
                "region-exemption",
                result.explanation,
                compaction=(note,),
            )
            return True
        self.draft.update(loc, result.document, "region-exemption", result.explanation)
        return True

    def _control_tower(
        self, loc: Location, index: int, checks: Sequence[AuthorizationCheck], invs: Sequence[int], what: str
    ) -> bool:
        assert loc.level is not None
        if loc.level in self.handled_ct:
            return self._pin_or_refuse(
                invs, "the landing-zone Region deny was already handled at this level", what
            )
        plan = ou_control_plan(self.draft.document(loc), index, checks, account=self._account_for(loc))
        if isinstance(plan, Refusal):
            return self._pin_or_refuse(invs, plan.reason, what)
        self.handled_ct.add(loc.level)
        self.draft.update(loc, plan.governed.document, "ct-govern-regions", plan.governed.explanation)
        cli = (
            f"aws controltower enable-control --control-identifier <{CONTROL_ID} control ARN> "
            f"--target-identifier <ARN of {self.draft.level_target(loc)}> --parameters '"
            + json.dumps([{"key": k, "value": v} for k, v in plan.parameters.items()], separators=(",", ":"))
            + "'"
        )
        self.draft.add(
            "scp",
            loc.level,
            CONTROL_POLICY_NAME,
            plan.control,
            "ct-ou-control",
            (*plan.control_explanation, cli),
            parameters={"control": CONTROL_ID, "parameters": plan.parameters},
        )
        self.draft.add("scp", loc.level, GUARD_POLICY_NAME, plan.guard, "ct-guard", plan.guard_explanation)
        count = len(self.draft.level_locations(loc.level))
        if count > MAX_SCPS_PER_TARGET:
            self.draft.notes.append(
                f"{self.draft.level_target(loc)} would have {count} SCPs attached (quota {MAX_SCPS_PER_TARGET}): "
                f"merge {GUARD_POLICY_NAME} into an existing custom SCP there"
            )
        return True

    def _identity_target(self, actions: Sequence[str]) -> Location | None:
        """Where added grants go: a policy we already added, else the first that grants any of these
        actions (or invoking at all), else None (a new policy)."""
        locs = self.draft.identity_locations()
        for loc in locs:
            if self.draft.original_ref(loc) is None:
                return loc
        actions = [*actions, "bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
        for loc in locs:
            for st in statements(self.draft.document(loc)):
                if st.get("Effect") == "Allow" and any(
                    actions_cover(as_list(st.get("Action")), a) for a in actions
                ):
                    return loc
        return None

    def _handle_grant(self, layer: Layer, level: int, blockers: list[_Blocker]) -> bool:
        checks = _unique_checks(blockers)
        actions = sorted({c.action for c in checks})
        loc: Location | None
        if layer == "identity":
            loc = self._identity_target(actions)
        elif layer == "scp":
            if level < 0:
                return False
            locs = self.draft.level_locations(level)
            loc = locs[0] if locs else None
        else:
            loc = Location(layer)
            if not self.draft.exists(loc):
                return False
        principal = self.env.caller.principal_arn if layer == "vpce" else None
        limit = SIZE_LIMITS[layer]
        doc = self.draft.document(loc) if loc is not None else new_document([])
        chosen = None
        for lvl in range(COMPACTION_LEVELS):
            grant = grant_statements(checks, taken_sids=sids(doc), principal=principal, level=lvl)
            candidate = with_statements(doc, [*statements(doc), *grant.statements])
            chosen = (grant, candidate)
            if minified_size(candidate) <= limit:
                break
        assert chosen is not None
        grant, candidate = chosen
        lines = [
            f"grant exactly what the {LAYER_NAMES[layer]} lacked:",
            *_grant_lines(grant.statements),
        ]
        if (
            loc is not None
            and _app_profile_only(doc)
            and not any(":application-inference-profile/" in c.resource for c in checks)
        ):
            lines.append(
                "this policy otherwise admits only application inference profiles (cost tracking): to keep "
                "that, create an application inference profile copying the profile above, point the client "
                "at it, and grant that ARN instead"
            )
        if loc is None:
            self.draft.add(
                layer,
                None if layer != "scp" else level,
                "BedrockAccessFix",
                candidate,
                "grant",
                lines,
                compaction=grant.compaction,
            )
            return True
        if minified_size(candidate) > limit and layer in ("identity", "scp"):
            exact = grant_statements(checks, taken_sids=(), principal=principal, level=0)
            note = (
                f"{self.draft.name(loc)} would grow to {minified_size(candidate)} characters (limit {limit}): "
                "the statements go into a new policy BedrockAccessFix"
            )
            self.draft.add(
                layer,
                None if layer != "scp" else level,
                "BedrockAccessFix",
                new_document(exact.statements),
                "grant",
                [*lines[:1], *_grant_lines(exact.statements)],
                compaction=(note,),
            )
            return True
        self.draft.update(loc, candidate, "grant", lines, compaction=grant.compaction)
        return True

    # Client changes -------------------------------------------------------------------------------

    def _pin_or_refuse(self, invs: Sequence[int], reason: str, what: str) -> bool:
        changed = False
        for i in invs:
            if self._pin(i, f"{what}: {reason}"):
                changed = True
            else:
                self._reason(i, reason)
        return changed

    def _candidates(self, i: int, *, successors: bool = True) -> list[tuple[str, InvocationAssessment]]:
        """Valid ids for invocation ``i``: other ids of its model offered from its Region, or, when none
        is, ids of the newest models of the same family (a Haiku for a Haiku)."""
        inv = self.draft.invocations[i]
        apps = self.draft.build().application_profiles
        out = []
        for model in model_candidates(inv, self.catalog, apps):
            a = self._assess(replace(inv, model=model))
            if a.verdict != "invalid":
                out.append((model, a))
        if not out and successors:
            for model, _ in successor_candidates(inv, self.catalog, apps):
                a = self._assess(replace(inv, model=model))
                if a.verdict != "invalid":
                    out.append((model, a))
        return out

    def _set_model(self, i: int, model: str, why: str) -> None:
        inv = self.draft.invocations[i]
        apps = self.draft.build().application_profiles
        lines = [f"{inv.label}: send {model} instead of {inv.model} from {inv.region}", why]
        old_base, new_base = base_model(inv.model, apps), base_model(model, apps)
        if old_base != new_base:
            lines.append(
                f"no id of {old_base} is offered from {inv.region}: {new_base} is the newest model of the same "
                "family offered there (a different model: make sure it is enabled in the account)"
            )
        self.draft.set_invocation(i, replace(inv, model=model), "model", inv.model, model, lines)
        self.calls.pinned.add(self.key(i))

    def _pin(self, i: int, why: str) -> bool:
        """Pin to another id of the same model that the current policies allow as they stand."""
        if self.key(i) in self.calls.pinned:
            return False
        for model, a in self._candidates(i):
            if a.verdict == "allowed":
                self._set_model(i, model, f"{why}; {model} is offered from {a.invocation.region} and allowed")
                return True
        return False

    def _pin_first(self, i: int) -> None:
        inv = self.draft.invocations[i]
        candidates = self._candidates(i)
        allowed = [m for m, a in candidates if a.verdict == "allowed"]
        if allowed:
            self._set_model(i, allowed[0], f"{allowed[0]} is allowed by the policies as they stand")
            return
        if scope_of(inv.model, self.draft.build().application_profiles) == "global":
            geo = [m for m, _ in candidates if scope_of(m, {}) not in (None, "global")]
            if geo:
                self._set_model(
                    i, geo[0], f"a geographic profile keeps routing inside {geo[0].split('.', 1)[0]}. Regions"
                )

    def _fix_invalid(self, i: int) -> None:
        a = self.original[i]
        problem = "; ".join(f.message for f in a.findings if f.invalidates) or "the call is invalid"
        candidates = self._candidates(i)
        if not candidates:
            inv = self.draft.invocations[i]
            partition = self.catalog.partition_of(inv.region) or ""
            if not self.catalog.bedrock_regions(partition):
                why = (
                    f"the {partition} partition has no Bedrock Region at all, and credentials do not work "
                    "across partitions: no policy or client setting can make this call work"
                )
            else:
                hints = [f.hint for f in a.findings if f.invalidates and f.hint]
                why = "no id of this model is offered from this Region, and no policy can change that" + (
                    f" ({hints[0]})" if hints else ""
                )
            self.calls.unfixable[self.key(i)] = f"{problem}; {why}"
            return
        allowed = [m for m, r in candidates if r.verdict == "allowed"]
        choice = allowed[0] if allowed else candidates[0][0]
        region = self.draft.invocations[i].region
        status = "and the policies allow it as they stand" if allowed else "(the policies are fixed next)"
        self._set_model(i, choice, f"{problem}; {choice} is offered from {region} {status}")

    def _change_auth(self, i: int, what: str) -> bool:
        """Another authentication the policies allow: one allowed as things stand, else the first whose
        API-key step is not denied (the other layers are fixed in the next rounds)."""
        inv = self.draft.invocations[i]
        options: list[tuple[AuthMode, InvocationAssessment]] = []
        for auth in AUTH_FALLBACKS.get(inv.auth, ()):
            typed: AuthMode = (
                "sigv4"
                if auth == "sigv4"
                else ("bearer-short-term" if auth == "bearer-short-term" else "bearer-long-term")
            )
            options.append((typed, self._assess(replace(inv, auth=typed))))
        usable = [o for o in options if o[1].verdict == "allowed"] or [
            o
            for o in options
            if o[1].verdict == "denied"
            and all(out.allowed for out in o[1].outcomes if out.check.purpose == "bearer-token")
        ]
        for typed, _ in usable[:1]:
            how = (
                "use a short-term Bedrock API key (aws-bedrock-token-generator; valid up to 12 hours, "
                "with the generating identity's permissions) in AWS_BEARER_TOKEN_BEDROCK"
                if typed == "bearer-short-term"
                else "unset AWS_BEARER_TOKEN_BEDROCK and sign requests with SigV4 credentials"
            )
            kind = inv.auth.replace("bearer-", "")
            self.draft.set_invocation(
                i,
                replace(inv, auth=typed),
                "auth",
                inv.auth,
                typed,
                (f"{what} denies {kind} API keys; {how}",),
            )
            return True
        self._reason(i, f"{what}, and no other authentication is allowed either")
        return False

    def _discovery(self) -> None:
        built = self.draft.build()
        region = self.draft.invocations[0].region if self.draft.invocations else "us-east-1"
        ctx = {k.lower(): v for k, v in base_context(self.env).items()}
        ctx["aws:requestedregion"] = region
        decision = self._authorizer().authorize_normalized(
            self.env.caller.principal, "bedrock:ListFoundationModels", "*", ctx, None
        )
        if decision.allowed:
            return
        profiles = sorted(
            {
                c.resource
                for inv in built.invocations
                for c in expand(inv, self.env, self.catalog).checks
                if c.purpose in ("inference-profile", "application-profile")
            }
        )
        loc = self._identity_target(("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"))
        doc = self.draft.document(loc) if loc is not None else new_document([])
        added = discovery_statements(profiles, taken_sids=sids(doc))
        new = with_statements(doc, [*statements(doc), *added])
        lines = [
            "the client lists models and profiles: allow bedrock:ListFoundationModels and "
            'bedrock:ListInferenceProfiles (no resource types, so "*"), and bedrock:GetInferenceProfile on '
            "the profiles it uses"
        ]
        if loc is None:
            self.draft.add("identity", None, "BedrockAccessFix", new, "discovery", lines)
        else:
            self.draft.update(loc, new, "discovery", lines)

    # The result -----------------------------------------------------------------------------------

    def alternative(self) -> Alternative:
        changes = self.draft.policy_changes()
        client_changes = self.draft.client_changes()
        after = self.draft.build()
        proof = prove(
            self.scenario, after, self.original, self.original_targets, changes, self.catalog, self.options
        )
        unfixed: dict[str, tuple[int, str]] = {}
        for key, reason in self.calls.unfixable.items():
            i = self.calls.index_of(key, after.invocations)
            if i is not None:
                unfixed[after.invocations[i].label] = (i, reason)
        for p in proof.fixed.invocations:
            if not p.ok and p.label not in unfixed:
                unfixed[p.label] = (p.index, p.blocked_after or "still failing")
        settings = None
        base_section = deep(self.scenario.client) if self.scenario.client is not None else None
        section = self.draft.client_section
        section_changed = section is not None and section != base_section
        if client_changes:
            unset = any(c.field == "auth" and c.after == "sigv4" for c in client_changes)
            kind = str(section.get("kind")) if section is not None else None
            settings = client_settings(
                after.invocations,
                unset_api_key=unset,
                kind=kind,
                changes=section_changes(base_section, section)
                if section is not None and section_changed
                else None,
            )
            if self.draft.env_updates:
                settings["changed_env"] = dict(self.draft.env_updates)
        name = alternative_name(changes, [c.field for c in client_changes])
        notes = list(self.draft.notes)
        return Alternative(
            name=name,
            summary="; ".join(_SUMMARIES.get(part, part) for part in name.split("+"))
            if name
            else "no change",
            changes=changes,
            client_changes=client_changes,
            client_settings=settings,
            proof=proof,
            notes=tuple(notes),
            unfixed=tuple(
                Unfixable(i, label, r) for label, (i, r) in sorted(unfixed.items(), key=lambda kv: kv[1][0])
            ),
            widens_by_design=self.strategy.region_mode == "approve",
            client_section=section if section_changed else None,
        )

    def used(self, *kinds: str) -> bool:
        return any(k in kinds for k in self.draft.kinds())


def _errors(resolution: ClientResolution) -> list[str]:
    return [f"{f.code}: {f.message}" for f in resolution.findings if f.severity == "error"]


def _app_profile_only(doc: dict[str, Any]) -> bool:
    text = json.dumps(doc)
    return ":application-inference-profile/" in text


def alternative_name(changes: Sequence[PolicyChange], client_fields: Sequence[str]) -> str:
    parts: list[str] = []
    for fld in client_fields:
        parts.append({"model": "client-model", "region": "client-region"}.get(fld, "client-auth"))
    for change in changes:
        layer = _LAYER_WORD[change.location.layer]
        for kind in change.kind.split("+"):
            if kind in ("grant", "discovery"):
                parts.append(f"{layer}-grant")
            elif kind == "region-exemption":
                parts.append(f"{layer}-exemption")
            elif kind == "region-approval":
                parts.append("approve-regions")
            elif kind in ("ct-ou-control", "ct-guard"):
                parts.append("ct-ou-control")
            else:
                parts.append(kind)
    if "ct-ou-control" in parts:
        parts = [p for p in parts if p != "ct-govern-regions"]
    return "+".join(dict.fromkeys(parts))


def _signature(alt: Alternative) -> str:
    return json.dumps(
        [
            [(c.location.path, c.policy_name, dict(c.document)) for c in alt.changes],
            [(c.invocation, c.field, c.after) for c in alt.client_changes],
        ],
        sort_keys=True,
        default=str,
    )


def propose_fixes(scenario: Scenario, catalog: Catalog, options: FixOptions) -> FixReport:
    """Every alternative that makes the scenario's failing invocations work, each with its proof."""
    if options.compile_cache is None:
        options = replace(options, compile_cache=CompileCache())
    env = scenario.environment(now=options.now)
    authorizer = options.authorizer(scenario.policy_set())
    original = [assess(inv, env, catalog, authorizer) for inv in scenario.invocations]
    # Calls the client dooms outside IAM (rejected credentials, a client-side failure), exactly as check
    # decides them. No policy change can help them; they are reported with the client finding as reason.
    clients = (scenario.client_resolution,) if scenario.client_resolution is not None else ()
    seen_by_check = attach_client_findings(original, clients)
    client_doomed = {
        i: _client_reason(seen_by_check[i])
        for i, a in enumerate(original)
        if a.verdict == "allowed" and seen_by_check[i].verdict != "allowed"
    }
    targets = [i for i, a in enumerate(original) if a.verdict != "allowed"]
    failing = tuple(_failing(i, seen_by_check[i]) for i in sorted([*targets, *client_doomed]))
    doomed = tuple(
        Unfixable(i, scenario.invocations[i].label, reason) for i, reason in sorted(client_doomed.items())
    )
    header = {
        "scenario": scenario.source,
        "principal": scenario.caller.principal,
        "snapshot": catalog.snapshot_date,
        "invocation_count": len(scenario.invocations),
    }
    if not targets:
        return FixReport(**header, failing=failing, alternatives=(), unfixable=doomed)  # type: ignore[arg-type]

    def solve(strategy: Strategy) -> _Solver:
        return _Solver(scenario, catalog, options, strategy, original, targets).run()

    default = solve(Strategy("default"))
    solvers: list[tuple[int, _Solver]] = [(0, default)]
    if default.used("region-exemption", "ct-govern-regions") or default.handled_ct:
        solvers.append((2, solve(Strategy("approve", region_mode="approve"))))
    if options.allow_vpces and default.used("network-guard"):
        solvers.append((1, solve(Strategy("vpce", vpce_variant=True))))
    pinned = solve(Strategy("pin", pin_first=True))
    alternatives: list[tuple[int, Alternative]] = [(order, s.alternative()) for order, s in solvers]
    default_alt = alternatives[0][1]
    pinned_alt = pinned.alternative()
    if (
        pinned_alt.client_changes
        and pinned_alt.status == "proven"
        and (default_alt.status != "proven" or len(pinned_alt.changes) < len(default_alt.changes))
    ):
        alternatives.append((3, pinned_alt))
    if (scenario.client is not None and options.resolve_client is not None) or any(
        i < len(scenario.invocations) - _client_call_count(scenario) for i in targets
    ):
        # Move the failing calls to another Region first (a client section's own settings, or the
        # invocation itself), when that passes its checks.
        move_alt = solve(Strategy("move", move_first=True)).alternative()
        if any(c.field == "region" for c in move_alt.client_changes) and move_alt.status == "proven":
            alternatives.append((4, move_alt))

    seen: set[str] = set()
    unique: list[tuple[int, Alternative]] = []
    for order, alt in alternatives:
        if not alt.changes and not alt.client_changes:
            continue
        sig = _signature(alt)
        if sig in seen:
            continue
        seen.add(sig)
        unique.append((order, alt))

    # Proven alternatives first; then ones that widen nothing but leave something failing; then ones
    # that fix everything by widening; anything that fails validation last.
    def rank(alt: Alternative) -> int:
        proof = alt.proof
        if alt.status == "proven":
            return 0
        if proof.unchanged.passed and proof.validation.passed:
            return 1
        if proof.fixed.passed and proof.validation.passed:
            return 2
        return 3

    if any(rank(a) == 0 for _, a in unique):
        unique = [(o, a) for o, a in unique if rank(a) in (0, 2)]
    kept = sorted(unique, key=lambda oa: (rank(oa[1]), oa[0])) or unique[:1]
    names: set[str] = set()
    final: list[Alternative] = []
    for _, alt in kept:
        name = alt.name
        n = 2
        while name in names:
            name = f"{alt.name}-{n}"
            n += 1
        names.add(name)
        final.append(replace(alt, name=name))

    # Fixed means fixed by an alternative that widens nothing and validates.
    fixed_labels = {
        p.label
        for alt in final
        if alt.proof.unchanged.passed and alt.proof.validation.passed
        for p in alt.proof.fixed.invocations
        if p.target and p.verdict_after in ("allowed", "not made")
    }
    reasons: dict[str, str] = {}
    for alt in [*final, default_alt]:
        for u in alt.unfixed:
            reasons.setdefault(u.label, u.reason)
    unfixable = tuple(
        Unfixable(
            i, scenario.invocations[i].label, reasons.get(scenario.invocations[i].label, "no fix found")
        )
        for i in targets
        if scenario.invocations[i].label not in fixed_labels
    )
    return FixReport(**header, failing=failing, alternatives=tuple(final), unfixable=(*unfixable, *doomed))  # type: ignore[arg-type]


def _client_call_count(scenario: Scenario) -> int:
    resolution = scenario.client_resolution
    return len(resolution.invocations) if resolution is not None else 0


def _client_reason(a: InvocationAssessment) -> str:
    message = a.predicted_error.message if a.predicted_error is not None else "the client configuration fails"
    return f"{message}; change the client's configuration (no policy change can help)"


def _failing(i: int, a: InvocationAssessment) -> FailingInvocation:
    blocking = a.blocking
    if blocking is None and a.predicted_error is not None:  # decided by the client, not by IAM
        return FailingInvocation(
            index=i,
            label=a.invocation.label,
            model=a.invocation.model,
            region=a.invocation.region,
            verdict=a.verdict,
            blocked_at=None,
            decided_by=(a.predicted_error.message,),
        )
    if a.verdict == "invalid":
        decided = tuple(f.message for f in a.findings if f.invalidates)
        at = None
    else:
        decided = tuple(describe(d) for d in blocking.decision.decisive) if blocking else ()
        at = blocking.check.hop if blocking else None
    return FailingInvocation(
        index=i,
        label=a.invocation.label,
        model=a.invocation.model,
        region=a.invocation.region,
        verdict=a.verdict,
        blocked_at=at,
        decided_by=decided,
    )
