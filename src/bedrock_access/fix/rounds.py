"""Policy rounds: assess every failing invocation, collect what blocked each denied hop (a Deny
statement, or a layer without an Allow), change the layer that blocked it, and assess again, until
everything passes or nothing more can be done."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bedrock_access.bedrock.assess import InvocationAssessment
from bedrock_access.bedrock.checks import AuthorizationCheck, base_context, expand
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
    minified_size,
    new_document,
    sids,
    statements,
    with_statements,
)
from bedrock_access.fix.grants import COMPACTION_LEVELS, discovery_statements, grant_statements
from bedrock_access.fix.model import (
    Layer,
    Location,
)
from bedrock_access.fix.moves import ClientMoves
from bedrock_access.fix.network import ip_clause, ip_guard
from bedrock_access.fix.region import Patch, Refusal, approve_regions, exempt_profiles, region_clause
from bedrock_access.fix.resources import extend_allow_list
from bedrock_access.fix.solver_base import RoundKey
from bedrock_access.iam.engine import Decisive
from bedrock_access.iam.explain import LAYER_NAMES, describe

MAX_ROUNDS = 8
_ACCOUNT = re.compile(r"\d{12}")


@dataclass(frozen=True, slots=True)
class _Blocker:
    invocation: int
    check: AuthorizationCheck
    entry: Decisive


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


def _app_profile_only(doc: dict[str, Any]) -> bool:
    text = json.dumps(doc)
    return ":application-inference-profile/" in text


class PolicyRounds(ClientMoves):
    """Policy rounds: assess, group what blocked each denied hop, change that layer, again."""

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
    ) -> dict[RoundKey, list[_Blocker]]:
        groups: dict[RoundKey, list[_Blocker]] = {}
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
                        key = RoundKey(
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
                        key = RoundKey(1, entry.type, level, 0, 0)
                    else:
                        continue
                    groups.setdefault(key, []).append(_Blocker(i, outcome.check, entry))
        return groups

    # Handlers -------------------------------------------------------------------------------------

    def _handle(self, key: RoundKey, blockers: list[_Blocker]) -> bool:
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
