"""Read the JSON that ``terraform show -json PLANFILE`` writes (format_version 1.x) into both sides of a change.

The documented format (https://developer.hashicorp.com/terraform/internals/json-format): ``prior_state``
holds the values before apply, ``planned_values`` after; ``resource_changes[].change.after_unknown`` marks
the attributes known only after apply; ``configuration`` keeps each argument's expression, whose
``references`` name the resources an unknown value comes from. Resources nest in ``child_modules``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from bedrock_access.errors import InputError
from bedrock_access.iac.model import (
    ORG_POLICY_KINDS,
    EndpointPolicy,
    IacChange,
    IacPolicy,
    IacSide,
    OrgAttachment,
    PrincipalLayers,
    customer_managed_policy,
    managed_policy_by_arn,
)
from bedrock_access.org.model import PERMISSION_SET_INLINE_POLICY

_INDEX = re.compile(r"\[[^\]]*\]")
_OWN_KEY = re.compile(r"\[[^\]]*\]$")
_UNKNOWN = object()  # an attribute whose value is known only after apply


@dataclass(frozen=True, slots=True)
class _Resource:
    address: str  # instance address, e.g. module.org.aws_organizations_policy.deny["eu"]
    module: str  # instance address of its module ("" for the root module)
    type: str
    mode: str
    values: Mapping[str, Any]
    unknown: Mapping[str, Any]  # after_unknown, for the planned side


def _config_address(address: str) -> str:
    """The configuration address of an instance: the same without count/for_each keys."""
    return _INDEX.sub("", address)


class _Side:
    """The resources of one side, with the lookups a reference needs."""

    def __init__(self, resources: list[_Resource], config: Mapping[str, Mapping[str, Any]]) -> None:
        self.by_address = {r.address: r for r in resources}
        self.config = config

    def of_type(self, *types: str) -> Iterator[_Resource]:
        for r in self.by_address.values():
            if r.mode == "managed" and r.type in types:
                yield r

    def value(self, resource: _Resource, attribute: str) -> Any:
        if resource.unknown.get(attribute) is True:
            return _UNKNOWN
        return resource.values.get(attribute)

    def referenced(self, resource: _Resource, attribute: str) -> list[_Resource]:
        """The resources an argument's expression refers to, in the referring resource's module."""
        expressions = self.config.get(_config_address(resource.address), {}).get("expressions", {})
        refs = expressions.get(attribute, {}).get("references", []) if isinstance(expressions, dict) else []
        found: list[_Resource] = []
        prefix = f"{resource.module}." if resource.module else ""
        for ref in refs if isinstance(refs, list) else []:
            if not isinstance(ref, str):
                continue
            parts = ref.split(".")
            base = ".".join(parts[:3]) if parts[0] == "data" else ".".join(parts[:2])
            own_index = _OWN_KEY.search(resource.address)
            candidates = [
                r
                for r in self.by_address.values()
                if _config_address(r.address) == _config_address(prefix + base)
                and r.module == resource.module
            ]
            if len(candidates) > 1:
                # count.index / each.key: the instance with the referring resource's own key, if any
                same = [r for r in candidates if own_index and r.address.endswith(own_index.group(0))]
                candidates = same or candidates
            for c in candidates:
                if c not in found:
                    found.append(c)
        return found

    def resolve(self, resource: _Resource, attribute: str, *, depth: int = 0) -> Any:
        """An attribute's value, following the configuration's references when it is unknown."""
        value = self.value(resource, attribute)
        if value is not _UNKNOWN and value is not None:
            return value
        if depth > 4:
            return _UNKNOWN
        expressions = self.config.get(_config_address(resource.address), {}).get("expressions", {})
        refs = expressions.get(attribute, {}).get("references", []) if isinstance(expressions, dict) else []
        for ref in refs if isinstance(refs, list) else []:
            parts = str(ref).split(".")
            offset = 3 if parts[0] == "data" else 2
            if len(parts) <= offset:
                continue
            for target in self.referenced(resource, attribute):
                if _config_address(target.address).endswith(".".join(parts[:offset])):
                    got = self.resolve(target, parts[offset], depth=depth + 1)
                    if got is not _UNKNOWN and got is not None:
                        return got
        return _UNKNOWN if value is _UNKNOWN or refs else None


def _walk(module: Any, module_address: str, unknown: Mapping[str, Mapping[str, Any]]) -> Iterator[_Resource]:
    if not isinstance(module, dict):
        return
    for raw in module.get("resources", []) or []:
        if not isinstance(raw, dict) or not isinstance(raw.get("address"), str):
            continue
        values = raw.get("values")
        yield _Resource(
            address=raw["address"],
            module=module_address,
            type=str(raw.get("type", "")),
            mode=str(raw.get("mode", "managed")),
            values=values if isinstance(values, dict) else {},
            unknown=unknown.get(raw["address"], {}),
        )
    for child in module.get("child_modules", []) or []:
        if isinstance(child, dict):
            yield from _walk(child, str(child.get("address", "")), unknown)


def _configuration(module: Any, prefix: str, out: dict[str, Mapping[str, Any]]) -> None:
    if not isinstance(module, dict):
        return
    for raw in module.get("resources", []) or []:
        if isinstance(raw, dict) and isinstance(raw.get("address"), str):
            out[prefix + raw["address"]] = raw
    for name, call in (module.get("module_calls") or {}).items():
        if isinstance(call, dict):
            _configuration(call.get("module"), f"{prefix}module.{name}.", out)


def read_plan(plan: Any, source: str) -> IacChange:
    """Both sides of a plan. Raises InputError for anything that is not a 1.x plan."""
    if not isinstance(plan, dict) or "format_version" not in plan:
        raise InputError(
            "not a Terraform plan (expected the output of `terraform show -json PLANFILE`)", source=source
        )
    version = str(plan.get("format_version"))
    if not version.startswith("1."):
        raise InputError(
            f"plan format_version {version!r} is not supported (this tool reads 1.x)",
            source=source,
            field="format_version",
        )
    if "planned_values" not in plan and "resource_changes" not in plan:
        raise InputError(
            "this is Terraform state, not a plan: save a plan (`terraform plan -out=PLANFILE`) and give "
            "`terraform show -json PLANFILE`",
            source=source,
        )
    unknown: dict[str, Mapping[str, Any]] = {}
    for change in plan.get("resource_changes", []) or []:
        if isinstance(change, dict) and isinstance(change.get("change"), dict):
            after_unknown = change["change"].get("after_unknown")
            if isinstance(after_unknown, dict):
                unknown[str(change.get("address"))] = after_unknown
    config: dict[str, Mapping[str, Any]] = {}
    _configuration((plan.get("configuration") or {}).get("root_module"), "", config)

    prior_root = ((plan.get("prior_state") or {}).get("values") or {}).get("root_module")
    prior = list(_walk(prior_root, "", {}))
    planned = list(_walk((plan.get("planned_values") or {}).get("root_module"), "", unknown))
    # Data sources (aws_iam_policy_document) are read during plan and stored in prior_state only.
    data = [r for r in prior if r.mode == "data"]
    planned += [r for r in data if r.address not in {p.address for p in planned}]
    before = _side(_Side(prior, config), source, "before")
    after = _side(_Side(planned, config), source, "after")
    return IacChange(source=source, kind="terraform", before=before, after=after)


def _document(side: _Side, resource: _Resource, attribute: str, name: str) -> IacPolicy:
    value = side.resolve(resource, attribute)
    if value is _UNKNOWN or value is None:
        return IacPolicy(
            resource.address,
            name,
            None,
            unknown=f"{resource.address}.{attribute} is known only after apply",
        )
    if not isinstance(value, str | dict):
        raise InputError(
            f"expected a JSON policy document, found {type(value).__name__}",
            field=f"{resource.address}.{attribute}",
        )
    return IacPolicy(resource.address, name, value)


def _name(side: _Side, resource: _Resource, attribute: str = "name") -> str:
    value = side.resolve(resource, attribute)
    if isinstance(value, str) and value:
        return value
    return resource.address


def _side(side: _Side, source: str, which: str) -> IacSide:
    notes: list[str] = []
    try:
        org = _org(side, notes)
        roles = _roles(side, notes)
        permission_sets = _permission_sets(side, notes)
        endpoints = _endpoints(side)
    except InputError as exc:
        raise InputError(exc.message, source=source, field=exc.field) from None
    return IacSide(
        org=org, roles=roles, permission_sets=permission_sets, endpoints=endpoints, notes=tuple(notes)
    )


def _org(side: _Side, notes: list[str]) -> tuple[OrgAttachment, ...]:
    policies = {r.address: r for r in side.of_type("aws_organizations_policy")}
    out: list[OrgAttachment] = []
    for attachment in side.of_type("aws_organizations_policy_attachment"):
        policy_id = side.value(attachment, "policy_id")
        matches = [
            p
            for p in policies.values()
            if policy_id is not _UNKNOWN and policy_id and side.value(p, "id") == policy_id
        ] or [r for r in side.referenced(attachment, "policy_id") if r.address in policies]
        if not matches:
            notes.append(
                f"{attachment.address}: attaches policy {policy_id!r}, which this plan does not manage; "
                "the scenario's own SCPs stand for it"
            )
            continue
        policy_resource = matches[0]
        kind = ORG_POLICY_KINDS.get(str(side.value(policy_resource, "type") or "SERVICE_CONTROL_POLICY"))
        if kind is None:
            continue  # tag, backup and AI opt-out policies do not authorize
        target = side.resolve(attachment, "target_id")
        policy = _document(side, policy_resource, "content", _name(side, policy_resource))
        out.append(
            OrgAttachment(kind, target if isinstance(target, str) else None, policy, attachment.address)
        )
    return tuple(out)


def _policy_by_arn(side: _Side, owner: _Resource, attribute: str) -> IacPolicy | None:
    """A managed policy named by ARN: the plan's own aws_iam_policy when it has it, else an unknown."""
    arn = side.value(owner, attribute)
    for r in side.of_type("aws_iam_policy"):
        if arn is not _UNKNOWN and arn and side.value(r, "arn") == arn:
            return _document(side, r, "policy", _name(side, r))
    for r in side.referenced(owner, attribute):
        if r.type == "aws_iam_policy":
            return _document(side, r, "policy", _name(side, r))
    if isinstance(arn, str) and arn:
        return _arn_only(owner.address, arn)
    return None


def _arn_only(address: str, arn: str) -> IacPolicy:
    return managed_policy_by_arn(address, arn, "plan")


def _roles(side: _Side, notes: list[str]) -> dict[str, PrincipalLayers]:
    identity: dict[str, list[IacPolicy]] = {}
    boundaries: dict[str, IacPolicy | None] = {}
    for role in side.of_type("aws_iam_role"):
        name = _name(side, role)
        items = identity.setdefault(name, [])
        for block in side.value(role, "inline_policy") or []:
            if isinstance(block, dict) and block.get("name"):
                items.append(
                    IacPolicy(
                        role.address,
                        str(block["name"]),
                        block.get("policy") or None,
                        None
                        if block.get("policy")
                        else f"{role.address}.inline_policy is known only after apply",
                    )
                )
        arns = side.value(role, "managed_policy_arns")
        for arn in sorted(arns) if isinstance(arns, list) else []:
            found = next((r for r in side.of_type("aws_iam_policy") if side.value(r, "arn") == arn), None)
            items.append(
                _document(side, found, "policy", _name(side, found))
                if found
                else _arn_only(role.address, str(arn))
            )
        if "permissions_boundary" in role.values or role.unknown.get("permissions_boundary") is True:
            boundaries[name] = _policy_by_arn(side, role, "permissions_boundary")
    for inline in side.of_type("aws_iam_role_policy"):
        role_name = side.resolve(inline, "role")
        if not isinstance(role_name, str):
            notes.append(f"{inline.address}: the role it belongs to is known only after apply")
            continue
        identity.setdefault(role_name, []).append(_document(side, inline, "policy", _name(side, inline)))
    for attachment in side.of_type("aws_iam_role_policy_attachment"):
        role_name = side.resolve(attachment, "role")
        policy = _policy_by_arn(side, attachment, "policy_arn")
        if isinstance(role_name, str) and policy is not None:
            identity.setdefault(role_name, []).append(policy)
        else:
            notes.append(f"{attachment.address}: its role or policy is known only after apply")
    for attachment in side.of_type("aws_iam_policy_attachment"):
        policy = _policy_by_arn(side, attachment, "policy_arn")
        role_names = side.resolve(attachment, "roles")
        if policy is None or not isinstance(role_names, list):
            notes.append(f"{attachment.address}: its roles or policy are known only after apply")
            continue
        for role_name in role_names:
            identity.setdefault(str(role_name), []).append(policy)
    names = set(identity) | set(boundaries)
    return {
        n: PrincipalLayers(
            identity=_unique(identity.get(n, [])),
            boundary=boundaries.get(n),
            boundary_managed=n in boundaries,
        )
        for n in sorted(names)
    }


def _unique(policies: list[IacPolicy]) -> tuple[IacPolicy, ...]:
    seen: dict[str, IacPolicy] = {}
    for p in policies:
        seen.setdefault(p.name, p)
    return tuple(seen.values())


def _permission_sets(side: _Side, notes: list[str]) -> dict[str, PrincipalLayers]:
    sets = list(side.of_type("aws_ssoadmin_permission_set"))

    def owner(resource: _Resource) -> str | None:
        arn = side.value(resource, "permission_set_arn")
        for ps in sets:
            if arn is not _UNKNOWN and arn and side.value(ps, "arn") == arn:
                return _name(side, ps)
        for ref in side.referenced(resource, "permission_set_arn"):
            if ref.type == "aws_ssoadmin_permission_set":
                return _name(side, ref)
        notes.append(f"{resource.address}: its permission set is not managed by this plan; ignored")
        return None

    identity: dict[str, list[IacPolicy]] = {_name(side, ps): [] for ps in sets}
    boundaries: dict[str, IacPolicy | None] = {}
    for inline in side.of_type("aws_ssoadmin_permission_set_inline_policy"):
        name = owner(inline)
        if name:
            identity.setdefault(name, []).append(
                _document(side, inline, "inline_policy", PERMISSION_SET_INLINE_POLICY)
            )
    for managed in side.of_type("aws_ssoadmin_managed_policy_attachment"):
        name = owner(managed)
        arn = side.value(managed, "managed_policy_arn")
        if name and isinstance(arn, str):
            identity.setdefault(name, []).append(_arn_only(managed.address, arn))
    for customer in side.of_type("aws_ssoadmin_customer_managed_policy_attachment"):
        name = owner(customer)
        ref = side.value(customer, "customer_managed_policy_reference")
        ref = ref[0] if isinstance(ref, list) and ref else ref
        if name and isinstance(ref, dict) and ref.get("name"):
            identity.setdefault(name, []).append(customer_managed_policy(customer.address, str(ref["name"])))
    for attachment in side.of_type("aws_ssoadmin_permissions_boundary_attachment"):
        name = owner(attachment)
        block = side.value(attachment, "permissions_boundary")
        block = block[0] if isinstance(block, list) and block else block
        if not name or not isinstance(block, dict):
            continue
        arn = block.get("managed_policy_arn")
        ref = block.get("customer_managed_policy_reference")
        ref = ref[0] if isinstance(ref, list) and ref else ref
        if isinstance(arn, str) and arn:
            boundaries[name] = _arn_only(attachment.address, arn)
        elif isinstance(ref, dict) and ref.get("name"):
            boundaries[name] = customer_managed_policy(attachment.address, str(ref["name"]))
    names = set(identity) | set(boundaries)
    return {
        n: PrincipalLayers(
            identity=_unique(identity.get(n, [])),
            boundary=boundaries.get(n),
            boundary_managed=n in boundaries,
        )
        for n in sorted(names)
    }


def _endpoints(side: _Side) -> tuple[EndpointPolicy, ...]:
    out: list[EndpointPolicy] = []
    for endpoint in side.of_type("aws_vpc_endpoint"):
        service = side.resolve(endpoint, "service_name")
        if not isinstance(service, str) or not service.endswith(".bedrock-runtime"):
            continue
        endpoint_id = side.value(endpoint, "id")
        policy = side.value(endpoint, "policy")
        if policy is None and endpoint.unknown.get("policy") is not True:
            continue  # no policy argument: the default full-access policy, as the scenario assumes
        out.append(
            EndpointPolicy(
                endpoint_id if isinstance(endpoint_id, str) else None,
                _document(side, endpoint, "policy", endpoint.address),
            )
        )
    for ep_policy in side.of_type("aws_vpc_endpoint_policy"):
        endpoint_id = side.resolve(ep_policy, "vpc_endpoint_id")
        out.append(
            EndpointPolicy(
                endpoint_id if isinstance(endpoint_id, str) else None,
                _document(side, ep_policy, "policy", ep_policy.address),
            )
        )
    return tuple(out)
