"""Read a CloudFormation template (already parsed, YAML short forms turned into ``Fn::`` mappings) into the
policies it manages.

Intrinsic functions are resolved where the template alone decides them: ``Ref`` to a parameter's default
or a pseudo parameter, ``Fn::Sub``, ``Fn::Join``, ``Fn::Select``, ``Fn::Split``, ``Fn::If`` on a condition
of ``Fn::Equals``/``Fn::Not``/``Fn::And``/``Fn::Or``, and ``Ref``/``Fn::GetAtt`` to a resource whose name is
written in the template. Anything else (``Fn::ImportValue``, generated names) is unknown and never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bedrock_access.errors import InputError
from bedrock_access.iac.model import (
    ORG_POLICY_KINDS,
    IacChange,
    IacPolicy,
    IacSide,
    OrgAttachment,
    PrincipalLayers,
    customer_managed_policy,
    managed_policy_by_arn,
)
from bedrock_access.org.model import PERMISSION_SET_INLINE_POLICY

_SUB_VARIABLE = re.compile(r"\$\{([^}!][^}]*)\}")


class Unknown(Exception):
    """A value the template alone does not decide."""


@dataclass(frozen=True, slots=True)
class Pseudo:
    """Values of the pseudo parameters, from the scenario (the stack is deployed where the caller lives)."""

    account: str
    region: str
    partition: str
    stack_name: str = "stack"

    def get(self, name: str) -> str:
        values = {
            "AWS::AccountId": self.account,
            "AWS::Region": self.region,
            "AWS::Partition": self.partition,
            "AWS::StackName": self.stack_name,
            "AWS::URLSuffix": "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com",
        }
        if name not in values:
            raise Unknown(name)
        return values[name]


_NAME_PROPERTY = {
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::Organizations::Policy": "Name",
    "AWS::SSO::PermissionSet": "Name",
}


class _Resolver:
    def __init__(self, template: Mapping[str, Any], pseudo: Pseudo, parameters: Mapping[str, str]) -> None:
        self.resources: Mapping[str, Any] = template.get("Resources") or {}
        self.parameters: Mapping[str, Any] = template.get("Parameters") or {}
        self.conditions: Mapping[str, Any] = template.get("Conditions") or {}
        self.pseudo = pseudo
        self.given = parameters
        self.depth = 0

    def ref(self, name: str) -> Any:
        if name.startswith("AWS::"):
            return self.pseudo.get(name)
        if name in self.parameters or name in self.given:
            spec = self.parameters.get(name) or {}
            listing = isinstance(spec, dict) and str(spec.get("Type", "")).startswith(
                ("CommaDelimitedList", "List<")
            )
            if name in self.given:
                value: Any = self.given[name]
            elif isinstance(spec, dict) and "Default" in spec:
                value = self.value(spec["Default"])
            else:
                raise Unknown(f"parameter {name} has no default")
            if listing and isinstance(value, str):
                return [part.strip() for part in value.split(",")]
            return value
        resource = self.resources.get(name)
        if isinstance(resource, dict):
            prop = _NAME_PROPERTY.get(str(resource.get("Type")))
            props = resource.get("Properties") or {}
            if prop and prop in props:
                if resource.get("Type") == "AWS::IAM::ManagedPolicy":
                    return f"arn:{self.pseudo.partition}:iam::{self.pseudo.account}:policy/{self.value(props[prop])}"
                return self.value(props[prop])
        raise Unknown(f"Ref {name}")

    def get_att(self, logical: str, attribute: str) -> Any:
        resource = self.resources.get(logical)
        if isinstance(resource, dict) and resource.get("Type") == "AWS::IAM::Role" and attribute == "Arn":
            name = self.ref(logical)
            return f"arn:{self.pseudo.partition}:iam::{self.pseudo.account}:role/{name}"
        raise Unknown(f"Fn::GetAtt {logical}.{attribute}")

    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            raise Unknown(f"condition {name}")
        return bool(self.value(self.conditions[name]))

    def value(self, node: Any) -> Any:
        self.depth += 1
        try:
            if self.depth > 64:
                raise Unknown("intrinsic functions nested too deep")
            return self._value(node)
        finally:
            self.depth -= 1

    def _value(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.value(v) for v in node]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Ref":
                return self.ref(str(arg))
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
                parts = self.value(arg[1])
                return str(self.value(arg[0])).join(str(p) for p in parts)
            if key == "Fn::Select" and isinstance(arg, list) and len(arg) == 2:
                return self.value(arg[1])[int(self.value(arg[0]))]
            if key == "Fn::Split" and isinstance(arg, list) and len(arg) == 2:
                return str(self.value(arg[1])).split(str(self.value(arg[0])))
            if key == "Fn::GetAtt":
                parts = arg.split(".", 1) if isinstance(arg, str) else arg
                return self.get_att(str(parts[0]), str(parts[1]))
            if key == "Fn::If" and isinstance(arg, list) and len(arg) == 3:
                return self.value(arg[1] if self.condition(str(arg[0])) else arg[2])
            if key == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
                return self.value(arg[0]) == self.value(arg[1])
            if key == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
                return not self.value(arg[0])
            if key == "Fn::And" and isinstance(arg, list):
                return all(self.value(a) for a in arg)
            if key == "Fn::Or" and isinstance(arg, list):
                return any(self.value(a) for a in arg)
            if key == "Condition":
                return self.condition(str(arg))
            if key.startswith("Fn::"):
                raise Unknown(key)
        return {k: self.value(v) for k, v in node.items() if v != {"Ref": "AWS::NoValue"}}

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1] if len(arg) > 1 else {})

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in variables:
                return str(self.value(variables[name]))
            if "." in name:
                logical, attribute = name.split(".", 1)
                return str(self.get_att(logical, attribute))
            return str(self.ref(name))

        return _SUB_VARIABLE.sub(one, str(text)).replace("${!", "${")


def read_template(
    template: Any, source: str, pseudo: Pseudo, parameters: Mapping[str, str] | None = None
) -> IacSide:
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise InputError("not a CloudFormation template (no Resources mapping)", source=source)
    resolver = _Resolver(template, pseudo, parameters or {})
    notes: list[str] = []
    org: list[OrgAttachment] = []
    roles: dict[str, dict[str, Any]] = {}
    sets: dict[str, PrincipalLayers] = {}

    def prop(logical: str, props: Mapping[str, Any], key: str) -> Any:
        if key not in props:
            return None
        try:
            return resolver.value(props[key])
        except Unknown as exc:
            notes.append(f"{logical}.{key}: {exc} is known only after deployment")
            return None
        except (TypeError, ValueError, IndexError, AttributeError) as exc:
            raise InputError(
                f"cannot resolve: {exc}", source=source, field=f"Resources.{logical}.Properties.{key}"
            ) from None

    def policy(logical: str, where: str, name: Any, document: Any) -> IacPolicy:
        label = str(name) if name else logical
        if document is None:
            return IacPolicy(
                f"{logical}.{where}", label, None, unknown=f"{logical}.{where} is known only after deployment"
            )
        if not isinstance(document, dict | str):
            raise InputError(
                "expected a policy document", source=source, field=f"Resources.{logical}.Properties.{where}"
            )
        return IacPolicy(f"{logical}.{where}", label, document)

    def role(name: str) -> dict[str, Any]:
        return roles.setdefault(name, {"identity": [], "boundary": None, "managed": False})

    for logical, resource in template["Resources"].items():
        if not isinstance(resource, dict):
            raise InputError("expected a mapping", source=source, field=f"Resources.{logical}")
        kind = resource.get("Type")
        props = resource.get("Properties") or {}
        if "Condition" in resource:
            try:
                if not resolver.condition(str(resource["Condition"])):
                    continue
            except Unknown:
                notes.append(f"{logical}: its Condition is known only after deployment; taken as true")
        if kind == "AWS::Organizations::Policy":
            org_kind = ORG_POLICY_KINDS.get(str(prop(logical, props, "Type") or ""))
            if org_kind is None:
                continue
            doc = policy(logical, "Content", prop(logical, props, "Name"), prop(logical, props, "Content"))
            for target in prop(logical, props, "TargetIds") or []:
                org.append(OrgAttachment(org_kind, str(target), doc, logical))
        elif kind == "AWS::IAM::Role":
            name = prop(logical, props, "RoleName")
            if not isinstance(name, str):
                notes.append(f"{logical}: no RoleName, so its name is generated at deployment; not matched")
                continue
            entry = role(name)
            for i, block in enumerate(prop(logical, props, "Policies") or []):
                if isinstance(block, dict):
                    entry["identity"].append(
                        policy(
                            logical, f"Policies[{i}]", block.get("PolicyName"), block.get("PolicyDocument")
                        )
                    )
            for arn in prop(logical, props, "ManagedPolicyArns") or []:
                entry["identity"].append(_by_arn(template, resolver, logical, str(arn), policy))
            if "PermissionsBoundary" in props:
                entry["managed"] = True
                arn = prop(logical, props, "PermissionsBoundary")
                entry["boundary"] = _by_arn(template, resolver, logical, str(arn), policy) if arn else None
        elif kind in ("AWS::IAM::RolePolicy", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            name_key = "ManagedPolicyName" if kind == "AWS::IAM::ManagedPolicy" else "PolicyName"
            doc = policy(
                logical,
                "PolicyDocument",
                prop(logical, props, name_key),
                prop(logical, props, "PolicyDocument"),
            )
            names = (
                [prop(logical, props, "RoleName")]
                if kind == "AWS::IAM::RolePolicy"
                else prop(logical, props, "Roles") or []
            )
            for role_name in names:
                if isinstance(role_name, str):
                    role(role_name)["identity"].append(doc)
        elif kind == "AWS::SSO::PermissionSet":
            name = prop(logical, props, "Name")
            if not isinstance(name, str):
                continue
            identity: list[IacPolicy] = []
            if "InlinePolicy" in props:
                identity.append(
                    policy(
                        logical,
                        "InlinePolicy",
                        PERMISSION_SET_INLINE_POLICY,
                        prop(logical, props, "InlinePolicy"),
                    )
                )
            for arn in prop(logical, props, "ManagedPolicies") or []:
                identity.append(_arn_only(logical, str(arn)))
            for ref in prop(logical, props, "CustomerManagedPolicyReferences") or []:
                if isinstance(ref, dict) and ref.get("Name"):
                    identity.append(customer_managed_policy(logical, str(ref["Name"])))
            boundary = None
            spec = prop(logical, props, "PermissionsBoundary")
            if isinstance(spec, dict):
                if spec.get("ManagedPolicyArn"):
                    boundary = _arn_only(logical, str(spec["ManagedPolicyArn"]))
                elif isinstance(spec.get("CustomerManagedPolicyReference"), dict):
                    boundary = customer_managed_policy(
                        logical, str(spec["CustomerManagedPolicyReference"].get("Name"))
                    )
            sets[name] = PrincipalLayers(tuple(identity), boundary, "PermissionsBoundary" in props)
    return IacSide(
        org=tuple(org),
        roles={
            n: PrincipalLayers(tuple(e["identity"]), e["boundary"], e["managed"])
            for n, e in sorted(roles.items())
        },
        permission_sets=sets,
        notes=tuple(notes),
    )


def _by_arn(
    template: Mapping[str, Any],
    resolver: _Resolver,
    logical: str,
    arn: str,
    policy: Callable[[str, str, Any, Any], IacPolicy],
) -> IacPolicy:
    """A managed policy ARN: the template's own AWS::IAM::ManagedPolicy when it is one of them."""
    for other, resource in (template.get("Resources") or {}).items():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::IAM::ManagedPolicy":
            try:
                if resolver.ref(other) == arn:
                    props = resource.get("Properties") or {}
                    return policy(
                        other,
                        "PolicyDocument",
                        resolver.value(props.get("ManagedPolicyName")),
                        resolver.value(props.get("PolicyDocument")),
                    )
            except Unknown:
                continue
    return _arn_only(logical, arn)


def _arn_only(logical: str, arn: str) -> IacPolicy:
    return managed_policy_by_arn(logical, arn, "template")


def read_templates(
    before: Any | None,
    after: Any,
    sources: tuple[str | None, str],
    pseudo: Pseudo,
    parameters: Mapping[str, str],
) -> IacChange:
    return IacChange(
        source=sources[1],
        kind="cloudformation",
        before=read_template(before, sources[0] or "", pseudo, parameters) if before is not None else None,
        after=read_template(after, sources[1], pseudo, parameters),
    )
