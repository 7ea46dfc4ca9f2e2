"""Client moves: what the client should send instead (another id of the same model, another
authentication, another Region), written into a ``client:`` section's own settings when the calls come
from one (through the client's settings editor, :mod:`bedrock_access.clients.editors`) and read back."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.bedrock.invocation import AuthMode, Invocation
from bedrock_access.clients.editors import client_edits, pin_all
from bedrock_access.clients.interface import ClientResolution
from bedrock_access.errors import InputError
from bedrock_access.fix.client import (
    AUTH_FALLBACKS,
    base_model,
    model_candidates,
    scope_of,
    successor_candidates,
)
from bedrock_access.fix.documents import (
    deep,
    statements,
)
from bedrock_access.fix.region import region_clause
from bedrock_access.fix.solver_base import SolverBase


def _errors(resolution: ClientResolution) -> list[str]:
    return [f"{f.code}: {f.message}" for f in resolution.findings if f.severity == "error"]


class ClientMoves(SolverBase):
    """Client-side changes: pins to another id, another authentication, Region moves, and keeping a
    ``client:`` section's settings in step with them."""

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
