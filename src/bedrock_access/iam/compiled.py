"""Statements compiled once into fast predicates; per-action and per-resource answers remembered.

Everything here is derived from the immutable policy model, so a compiled policy can serve any number
of requests. The memo tables are bounded and only ever hold answers that depend on their key alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bedrock_access.iam.arn import TypePrefixes, compile_arn_atoms
from bedrock_access.iam.conditions import CompiledCondition, compile_clause
from bedrock_access.iam.model import Policy, PrincipalSpec, Statement
from bedrock_access.iam.principals import Caller, MatchKind, not_principal_exempts, principal_match
from bedrock_access.iam.variables import Context, Template, literal_template, parse_template
from bedrock_access.iam.wildcard import Matcher, compile_glob

_MEMO_LIMIT = 8192
_RESOURCELESS_OK = frozenset({"resource", "rcp", "vpce"})
# AWS completes an incomplete Resource ARN (arn:aws:sqs = arn:aws:sqs:*:*:*) "in an identity-based
# policy" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html); a permissions boundary
# is a managed identity policy. Session policies with one are refused (MalformedPolicyDocument); for
# SCPs, RCPs, resource and endpoint policies AWS says nothing, so the pattern is read as written.
_PADDED_TYPES = frozenset({"identity", "pb"})
_NO_CONTEXT: Context = {}


def compile_action_pattern(pattern: str) -> Matcher:
    """``*``, or ``service:NamePattern`` compared without regard to case. A wildcard in the service
    prefix is not supported by AWS: such a pattern matches nothing."""
    if pattern == "*":
        return lambda _a: True
    service, sep, name = pattern.lower().partition(":")
    if not sep or not service or "*" in service or "?" in service:
        return lambda _a: False
    prefix = service + ":"
    name_matcher = compile_glob(name)

    def match(action: str) -> bool:
        return action.startswith(prefix) and name_matcher(action[len(prefix) :])

    return match


ResourceTest = Callable[[str, Context], bool]


def _resource_template(pattern: str) -> Template:
    """Variables are substituted only in the resource part, after the fifth colon (AWS: "only in the
    resource portion of the ARN"); elsewhere ``${...}`` is literal text."""
    parts = pattern.split(":", 5)
    if len(parts) != 6:
        return parse_template(pattern) if not pattern.startswith("arn:") else literal_template(pattern)
    head = ":".join(parts[:5]) + ":"
    return Template((head, *parse_template(parts[5]).parts))


def _resource_test(
    patterns: tuple[str, ...],
    variables_enabled: bool,
    *,
    negated: bool = False,
    type_prefixes: TypePrefixes | None = None,
    pad: bool = True,
) -> ResourceTest:
    templates = [_resource_template(p) if variables_enabled else literal_template(p) for p in patterns]
    if not any(t.has_variables for t in templates):
        matchers = [compile_arn_atoms(t.plain_atoms(), type_prefixes, pad=pad) for t in templates]
        memo: dict[str, bool] = {}

        def constant(resource: str, _ctx: Context) -> bool:
            try:
                return memo[resource]
            except KeyError:
                result = any(m(resource) for m in matchers)
                if len(memo) < _MEMO_LIMIT:
                    memo[resource] = result
                return result

        return constant

    def with_variables(resource: str, ctx: Context) -> bool:
        for template in templates:
            atoms = template.resolve_atoms(ctx)
            if atoms is None:
                if negated:
                    # A NotResource pattern that cannot be resolved must not widen the statement to
                    # every resource: AWS says such a variable may make the statement invalid.
                    return True
                continue
            if compile_arn_atoms(atoms, type_prefixes, pad=pad)(resource):
                return True
        return False

    return with_variables


class CompiledStatement:
    __slots__ = (
        "_actions",
        "_not_actions",
        "_not_resources",
        "_resources",
        "conditions",
        "decisive",
        "effect",
        "evaluators",
        "not_principal",
        "policy",
        "principal",
        "resource_any",
        "resource_static",
        "slot",
        "statement",
    )

    def __init__(
        self,
        policy: CompiledPolicy,
        statement: Statement,
        variables_enabled: bool,
        type_prefixes: TypePrefixes | None = None,
    ) -> None:
        self.policy = policy
        self.statement = statement
        self.effect = statement.effect
        self._actions = [compile_action_pattern(a) for a in statement.actions or ()]
        self._not_actions = [compile_action_pattern(a) for a in statement.not_actions or ()]
        pad = policy.ref.type in _PADDED_TYPES
        self._resources = (
            _resource_test(statement.resources, variables_enabled, type_prefixes=type_prefixes, pad=pad)
            if statement.resources is not None
            else None
        )
        self._not_resources = (
            _resource_test(
                statement.not_resources,
                variables_enabled,
                negated=True,
                type_prefixes=type_prefixes,
                pad=pad,
            )
            if statement.not_resources is not None
            else None
        )
        self.principal: PrincipalSpec | None = statement.principal
        self.not_principal: PrincipalSpec | None = statement.not_principal
        self.conditions: tuple[CompiledCondition, ...] = tuple(
            compile_clause(c, variables_enabled=variables_enabled) for c in statement.conditions
        )
        self.evaluators = tuple(c.evaluate for c in self.conditions)
        # The common ``"Resource": "*"`` needs no matching at all.
        self.resource_any = (
            statement.resources is not None
            and "*" in statement.resources
            and (statement.not_resources is None)
        )
        # Resource patterns without policy variables: whether they match depends on the resource alone.
        self.resource_static = (
            not any("${" in p for p in (*(statement.resources or ()), *(statement.not_resources or ())))
            or not variables_enabled
        )
        self.slot = -1  # position of its layer in the owning authorizer, set there
        self.decisive: object = None  # the Decisive entry naming this statement, set by the authorizer

    def matches_action(self, action: str) -> bool:
        if self.statement.actions is not None:
            return any(m(action) for m in self._actions)
        return not any(m(action) for m in self._not_actions)

    def matches_resource(self, resource: str, ctx: Context) -> bool:
        if self.resource_any:
            return True
        if self._resources is None and self._not_resources is None:
            # Trust and other resource-based policies may omit both elements and then cover their own
            # resource; identity, boundary, session and SCP statements need one (AWS refuses them
            # otherwise, and validate.py says so), so there such a statement matches nothing.
            return self.policy.ref.type in _RESOURCELESS_OK
        if self._resources is not None and not self._resources(resource, ctx):
            return False
        return not (self._not_resources is not None and self._not_resources(resource, ctx))

    def principal_match(self, caller: Caller, has_boundary: bool) -> MatchKind | bool | None:
        """For resource-based policies: how the statement names the caller. True means "applies"
        without naming (NotPrincipal), False that it does not apply."""
        if self.principal is not None:
            return principal_match(self.principal, caller)
        if self.not_principal is not None:
            if has_boundary and self.effect == "Deny" and caller.is_iam:
                # AWS: a Deny with NotPrincipal always denies principals that have a permissions boundary.
                return True
            if self.effect == "Deny":
                return not not_principal_exempts(self.not_principal, caller)
            # NotPrincipal with Allow is unsupported (validate.py reports it); read it literally.
            return principal_match(self.not_principal, caller) is None
        return True


@dataclass(frozen=True, slots=True)
class PolicyRef:
    type: str  # identity | resource | pb | session | scp | rcp | vpce
    level: str | None  # org identifier for scp and rcp levels
    name: str


class CompileCache:
    """Compiled policies shared by several authorizers over the same parsed policies (``fix`` builds one
    authorizer per draft and per proof view, and most of their policies are the same objects).

    An entry is keyed by the policy object itself (held here, so its id stays unique), where it sits
    (``ref``) and its layer slot, which fix a compiled statement's decisive entry.
    """

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[tuple[int, PolicyRef, int, int], tuple[Policy, CompiledPolicy]] = {}

    def compiled(
        self,
        policy: Policy,
        ref: PolicyRef,
        slot: int,
        type_prefixes: TypePrefixes | None,
        build: Callable[[], CompiledPolicy],
    ) -> CompiledPolicy:
        key = (id(policy), ref, slot, id(type_prefixes))
        found = self._entries.get(key)
        if found is not None and found[0] is policy:
            return found[1]
        compiled = build()
        self._entries[key] = (policy, compiled)
        return compiled


class CompiledPolicy:
    __slots__ = ("_by_action", "_by_request", "policy", "ref", "statements")

    def __init__(self, policy: Policy, ref: PolicyRef, type_prefixes: TypePrefixes | None = None) -> None:
        self.policy = policy
        self.ref = ref
        self.statements = tuple(
            CompiledStatement(self, s, policy.variables_enabled, type_prefixes) for s in policy.statements
        )
        self._by_action: dict[str, tuple[CompiledStatement, ...]] = {}
        self._by_request: dict[tuple[str, str], tuple[CompiledStatement, ...]] = {}

    def on(self, action: str, resource: str) -> tuple[CompiledStatement, ...]:
        """Statements of :meth:`for_action` less those whose variable-free Resource/NotResource rules
        the resource out."""
        key = (action, resource)
        try:
            return self._by_request[key]
        except KeyError:
            found = tuple(
                s
                for s in self.for_action(action)
                if s.resource_any or not s.resource_static or s.matches_resource(resource, _NO_CONTEXT)
            )
            if len(self._by_request) < _MEMO_LIMIT:
                self._by_request[key] = found
            return found

    def for_action(self, action: str) -> tuple[CompiledStatement, ...]:
        """Statements whose Action/NotAction covers the (lowercased) action."""
        try:
            return self._by_action[action]
        except KeyError:
            found = tuple(s for s in self.statements if s.matches_action(action))
            if len(self._by_action) < _MEMO_LIMIT:
                self._by_action[action] = found
            return found
