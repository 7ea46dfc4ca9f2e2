"""A scenario document from what a local ``check`` resolved, for ``check --save-scenario`` (so that ``fix``
can work on this machine's setup). Policies are written inline, calls as plain invocations; nothing
from the clients' settings is copied, so no key, token or secret can reach the file (labels and
values are redacted all the same)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bedrock_access.bedrock.checks import CallerIdentity, Network
from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.redact import redact

SavedPolicy = tuple[str, Mapping[str, Any]]  # (name, document)


def _policy(saved: SavedPolicy) -> dict[str, Any]:
    name, document = saved
    return {"name": name, "document": dict(document)}


def resolved_scenario(
    *,
    caller: CallerIdentity,
    invocations: Sequence[Invocation],
    identity: Sequence[SavedPolicy] = (),
    boundary: SavedPolicy | None = None,
    session: SavedPolicy | None = None,
    scp_levels: Sequence[tuple[str, Sequence[SavedPolicy]]] | None = None,
    management_account: str | None = None,
    org_id: str | None = None,
    network: Network | None = None,
    vpc_endpoint_policy: SavedPolicy | None = None,
    context: Mapping[str, str | tuple[str, ...]] | None = None,
    application_profiles: Mapping[str, str] | None = None,
    description: str = "Resolved by `bedrock-access check --save-scenario` from this machine's clients",
) -> dict[str, Any]:
    doc: dict[str, Any] = {"description": description, "principal": caller.principal}
    if caller.principal_type == "AssumedRole" and caller.principal_arn != caller.principal:
        doc["role_arn"] = caller.principal_arn
    if identity:
        doc["identity_policies"] = [_policy(p) for p in identity]
    if boundary is not None:
        doc["permission_boundary"] = _policy(boundary)
    if session is not None:
        doc["session_policy"] = _policy(session)
    organization: dict[str, Any] = {}
    if org_id:
        organization["id"] = org_id
    if management_account:
        organization["management_account"] = management_account
    if scp_levels is not None:
        organization["scps"] = [
            {"target": target, "policies": [_policy(p) for p in policies]} for target, policies in scp_levels
        ]
    if organization:
        doc["organization"] = organization
    if network is not None:
        net: dict[str, Any] = {
            key: value
            for key, value in (
                ("source_ip", network.source_ip),
                ("vpc_endpoint", network.vpc_endpoint),
                ("vpc_source_ip", network.vpc_source_ip),
                ("vpc", network.vpc),
            )
            if value
        }
        if vpc_endpoint_policy is not None and network.vpc_endpoint:
            net["vpc_endpoint_policy"] = _policy(vpc_endpoint_policy)
        if net:
            doc["network"] = net
    if context:
        doc["context"] = {k: list(v) if isinstance(v, tuple) else v for k, v in context.items()}
    if application_profiles:
        doc["application_inference_profiles"] = dict(application_profiles)
    calls = []
    for inv in invocations:
        call: dict[str, Any] = {"label": redact(inv.label), "model": inv.model, "region": inv.region}
        if inv.operation != "InvokeModel":
            call["operation"] = inv.operation
        if inv.auth != "sigv4":
            call["auth"] = inv.auth
        if inv.role:
            call["role"] = inv.role
        calls.append(call)
    doc["invocations"] = calls
    return doc


def scenario_yaml(doc: Mapping[str, Any], header: Sequence[str] = ()) -> str:
    import io

    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip: keys keep their order
    yaml.default_flow_style = False
    yaml.width = 4096  # ARNs stay on one line
    buffer = io.StringIO()
    yaml.dump(dict(doc), buffer)
    comments = "".join(f"# {line}\n" for line in header)
    return comments + buffer.getvalue()
