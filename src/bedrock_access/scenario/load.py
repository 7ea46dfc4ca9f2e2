"""Reading a scenario file (YAML or JSON): every error names the file, the line and the field.

The accepted shape is documented in docs/scenario.md and, as JSON Schema, in scenario/schema.json;
a test keeps the two in step.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bedrock_access.aws_ids import (
    account_id_problem,
    excerpt,
    organization_id_problem,
    role_arn_problem,
    vpc_endpoint_id_problem,
    vpc_id_problem,
)
from bedrock_access.bedrock.caller import CallerError, caller_from_arn
from bedrock_access.bedrock.checks import Network
from bedrock_access.bedrock.invocation import AUTH_MODES, OPERATIONS, Invocation
from bedrock_access.errors import InputError
from bedrock_access.iam.parse import PolicyError, parse_policy
from bedrock_access.iam.saved_output import unwrap_saved_output
from bedrock_access.io_guard import (
    check_name,
    flow_nesting_problem,
    loads_json,
    require_text,
    safe_display,
    structure_problem,
)
from bedrock_access.redact import echo, quote_safely
from bedrock_access.scenario.model import PolicyRef, Scenario, ScpLevel

MAX_SCENARIO_BYTES = 5_000_000
MAX_NODES = 200_000
# "Did you mean" compares against every known id; beyond this length no id is near, and the comparison
# would cost time in proportion to the value (a 4.9 MB Region took 31 s).
_SUGGEST_MAX = 128
# Top-level keys of saved AWS CLI output that wraps a policy (iam/saved_output.py unwraps them).
_SAVED_OUTPUT_KEYS = frozenset({"PolicyVersion", "PolicyDocument", "Policy"})
_TOP_KEYS = {
    "principal",
    "role_arn",
    "session_name",
    "identity_policies",
    "permission_boundary",
    "session_policy",
    "organization",
    "network",
    "context",
    "application_inference_profiles",
    "invocations",
    "client",
    "description",
}


class _Doc:
    """Walks a loaded document, remembering paths and (when the loader kept them) line numbers."""

    def __init__(self, source: str, base_dir: Path) -> None:
        self.source = source
        self.base_dir = base_dir

    def fail(
        self, path: str, message: str, node: Any = None, parent: Any = None, key: Any = None
    ) -> InputError:
        return InputError(message, source=self.source, field=path or None, line=_line_of(node, parent, key))

    def mapping(
        self, value: Any, path: str, parent: Any = None, key: Any = None, *, like: str | None = None
    ) -> Mapping[str, Any]:
        """``like``: the right form, shown in the message (``{model: ..., region: ...}``)."""
        if not isinstance(value, Mapping):
            form = f"a mapping like {like}" if like else "a mapping"
            raise self.fail(path, f"must be {form}, not {_kind(value)}", value, parent, key)
        return value

    def string(self, value: Any, path: str, parent: Any = None, key: Any = None) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(path, f"must be a non-empty string, not {_kind(value)}", value, parent, key)
        return value.strip()

    def opt_string(self, mapping: Mapping[str, Any], key: str, path: str) -> str | None:
        if key not in mapping or mapping[key] is None:
            return None
        return self.string(mapping[key], f"{path}.{key}" if path else key, mapping, key)

    def listing(
        self, value: Any, path: str, parent: Any = None, key: Any = None, *, like: str | None = None
    ) -> list[Any]:
        """``like``: the right form, shown in the message (``[{file: policy.json}]``)."""
        if not isinstance(value, list):
            form = f"a list like {like}" if like else "a list"
            raise self.fail(path, f"must be {form}, not {_kind(value)}", value, parent, key)
        return value

    def check_keys(self, mapping: Mapping[str, Any], allowed: set[str], path: str) -> None:
        for key in mapping:
            if key not in allowed:
                shown = str(key) if not echo(str(key)).startswith("<") else "<key not shown>"
                where = f"{path}.{shown}" if path else shown
                raise self.fail(
                    where, f"unknown key (expected one of: {', '.join(sorted(allowed))})", None, mapping, key
                )

    def policy(
        self, value: Any, path: str, default_name: str, parent: Any = None, key: Any = None
    ) -> PolicyRef:
        """``{name, document}``, ``{name, file}``, a bare policy document, or saved AWS CLI output."""
        if not isinstance(value, Mapping):
            example = value.strip() if isinstance(value, str) and value.strip() else "policy.json"
            raise self.fail(
                path,
                f"must be a mapping like {{file: {example}}} or {{document: {{...}}}}, not {_kind(value)}",
                value,
                parent,
                key,
            )
        spec = value
        if "Statement" in spec or _SAVED_OUTPUT_KEYS & set(spec):
            return self._parse(spec, default_name, path, spec, None)
        self.check_keys(spec, {"name", "document", "file"}, path)
        name = self.opt_string(spec, "name", path)
        has_doc, has_file = "document" in spec, "file" in spec
        if has_doc == has_file:
            raise self.fail(path, "needs exactly one of `document` or `file`", spec, parent, key)
        if has_file:
            rel = self.string(spec["file"], f"{path}.file", spec, "file")
            try:
                file_path = self.base_dir / check_name(rel)
                text = require_text(file_path, display=safe_display(rel), what=safe_display(rel))
            except InputError as exc:
                raise self.fail(f"{path}.file", exc.message, None, spec, "file") from None
            file_path = _resolved(file_path)
            policy_name = name or Path(rel).stem
            try:
                parsed = parse_policy(text, name=policy_name)
            except PolicyError as exc:
                where = f"{file_path}:{exc.text_line}" if exc.text_line else str(file_path)
                inner = f"{exc.path}: " if exc.path else ""
                raise self.fail(
                    f"{path}.file", f"{where}: {inner}{exc.message}", None, spec, "file"
                ) from None
            return PolicyRef(parsed, unwrap_saved_output(json.loads(text))[0], rel)
        document = spec["document"]
        if isinstance(document, str):
            try:
                document = loads_json(document, self.source)
            except InputError as exc:
                raise self.fail(f"{path}.document", exc.message, None, spec, "document") from None
        return self._parse(document, name or default_name, f"{path}.document", spec, "document")

    def _parse(self, document: Any, name: str, path: str, parent: Any, key: Any) -> PolicyRef:
        plain = _plain(document)
        try:
            parsed = parse_policy(plain, name=name)
        except PolicyError as exc:
            inner = f"{path}.{exc.path}" if exc.path else path
            raise self.fail(inner, exc.message, document, parent, key) from None
        return PolicyRef(parsed, unwrap_saved_output(plain)[0], None)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string" if value.strip() else "an empty string"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


def _line_of(node: Any, parent: Any, key: Any) -> int | None:
    try:
        if parent is not None and key is not None and hasattr(parent, "lc"):
            if isinstance(key, int):
                return int(parent.lc.item(key)[0]) + 1
            return int(parent.lc.key(key)[0]) + 1
        if node is not None and hasattr(node, "lc"):
            return int(node.lc.line) + 1
    except (KeyError, IndexError, TypeError, AttributeError):
        return None
    return None


def _plain(value: Any) -> Any:
    """ruamel's round-trip containers as plain dicts and lists (keeps keys and values)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _count_nodes(value: Any, source: str) -> None:
    """Refuse documents whose aliases expand into more nodes than any real scenario has, or that nest
    deeper than any real one (a self-referencing alias nests without end)."""
    problem = structure_problem(value, max_nodes=MAX_NODES)
    if problem is not None:
        raise InputError(problem, source=source)


def _load_text(text: str, source: str) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    problem = flow_nesting_problem(text)
    if problem is not None:
        raise InputError(problem, source=source)
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise InputError(f"not valid YAML or JSON: {problem}", source=source, line=line) from None
    except YAMLError as exc:
        raise InputError(
            f"not valid YAML or JSON: {str(exc).splitlines()[0] if str(exc) else 'unreadable'}", source=source
        ) from None
    except RecursionError:
        raise InputError("nested too deeply", source=source) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise InputError(f"not valid YAML or JSON: {str(exc)[:100]}", source=source) from None


def load_scenario(path: str | Path) -> Scenario:
    source = safe_display(check_name(path))
    file_path = Path(path)
    text = require_text(file_path, display=source, limit=MAX_SCENARIO_BYTES, what="scenario")
    return parse_scenario(text, source=source, base_dir=file_path.parent)


def parse_scenario(text: str, *, source: str = "<scenario>", base_dir: Path | None = None) -> Scenario:
    document = _load_text(text, source)
    _count_nodes(document, source)
    doc = _Doc(source, base_dir or Path.cwd())
    top = doc.mapping(document, "", None, None) if document is not None else None
    if top is None:
        raise InputError("the scenario is empty", source=source)
    doc.check_keys(top, _TOP_KEYS, "")

    if "principal" not in top:
        raise doc.fail("principal", "missing (an IAM user, role or assumed-role session ARN)", top)
    principal = doc.string(top["principal"], "principal", top, "principal")
    org = top.get("organization")
    org_map = doc.mapping(org, "organization", top, "organization") if org is not None else None
    org_id = doc.opt_string(org_map, "id", "organization") if org_map is not None else None
    role_arn = doc.opt_string(top, "role_arn", "")
    _format(doc, org_id, organization_id_problem, "organization.id", org_map, "id")
    _format(doc, role_arn, role_arn_problem, "role_arn", top, "role_arn")
    try:
        caller = caller_from_arn(
            principal,
            session_name=doc.opt_string(top, "session_name", ""),
            role_arn=role_arn,
            org_id=org_id,
        )
    except CallerError as exc:
        raise doc.fail("principal", str(exc), None, top, "principal") from None

    identity: list[PolicyRef] = []
    if top.get("identity_policies") is not None:
        items = doc.listing(
            top["identity_policies"],
            "identity_policies",
            top,
            "identity_policies",
            like="[{file: policy.json}]",
        )
        for i, item in enumerate(items):
            identity.append(doc.policy(item, f"identity_policies[{i}]", f"identity[{i}]", items, i))
    boundary = (
        doc.policy(top["permission_boundary"], "permission_boundary", "boundary", top, "permission_boundary")
        if top.get("permission_boundary") is not None
        else None
    )
    session = (
        doc.policy(top["session_policy"], "session_policy", "session", top, "session_policy")
        if top.get("session_policy") is not None
        else None
    )
    if session is not None and caller.principal_type not in ("AssumedRole", "FederatedUser"):
        raise doc.fail(
            "session_policy",
            "a session policy needs a role (session) or federated-user principal",
            None,
            top,
            "session_policy",
        )

    management = None
    scp_levels: tuple[ScpLevel, ...] | None = None
    if org_map is not None:
        doc.check_keys(org_map, {"id", "management_account", "scps"}, "organization")
        management = _account_field(doc, org_map, "management_account", "organization")
        if org_map.get("scps") is not None:
            levels = doc.listing(
                org_map["scps"],
                "organization.scps",
                org_map,
                "scps",
                like="[{target: r-abcd, policies: [{file: scp.json}]}, ...] (root first)",
            )
            built = []
            for i, level in enumerate(levels):
                path = f"organization.scps[{i}]"
                lvl = doc.mapping(
                    level, path, levels, i, like="{target: r-abcd, policies: [{file: scp.json}]}"
                )
                doc.check_keys(lvl, {"target", "policies"}, path)
                if "target" not in lvl:
                    raise doc.fail(f"{path}.target", "missing (the root, OU or account id)", None, levels, i)
                target = doc.string(lvl.get("target"), f"{path}.target", lvl, "target")
                policies = doc.listing(
                    lvl.get("policies", []), f"{path}.policies", lvl, "policies", like="[{file: scp.json}]"
                )
                refs = tuple(
                    doc.policy(p, f"{path}.policies[{j}]", f"{target}[{j}]", policies, j)
                    for j, p in enumerate(policies)
                )
                built.append(ScpLevel(target, refs))
            scp_levels = tuple(built)

    network, vpce_policy = _network(doc, top)
    context = _context(doc, top)
    app_profiles = _app_profiles(doc, top)
    invocations = _invocations(doc, top)
    client = top.get("client")
    client_resolution = None
    if client is not None:
        from bedrock_access.clients import resolve
        from bedrock_access.clients.local import load_client_section

        client = _plain(doc.mapping(client, "client", top, "client"))
        client_resolution = resolve(load_client_section(client, doc.base_dir, source))
        invocations = (*invocations, *client_resolution.invocations)
    if not invocations and client is None:
        raise doc.fail(
            "invocations",
            "the scenario needs `invocations` (or a `client` section)",
            None,
            top,
            "invocations" if "invocations" in top else None,
        )
    return Scenario(
        source=source,
        caller=caller,
        identity_policies=tuple(identity),
        permission_boundary=boundary,
        session_policy=session,
        management_account=management,
        org_id=org_id,
        scp_levels=scp_levels,
        network=network,
        vpc_endpoint_policy=vpce_policy,
        context=context,
        application_profiles=app_profiles,
        invocations=invocations,
        client=client,
        client_resolution=client_resolution,
        raw=_plain(top),
    )


def _account_field(doc: _Doc, mapping: Mapping[str, Any], key: str, path: str) -> str | None:
    value = mapping.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:012d}"
    text = doc.string(value, f"{path}.{key}", mapping, key)
    _format(doc, text, account_id_problem, f"{path}.{key}", mapping, key)
    return text


def _format(doc: _Doc, value: str | None, problem_of: Any, path: str, parent: Any, key: str) -> None:
    """An AWS identifier of a known format (bedrock_access.aws_ids); the message shows the form."""
    problem = problem_of(value) if value is not None else None
    if problem is not None:
        raise doc.fail(path, problem, None, parent, key)


def _network(doc: _Doc, top: Mapping[str, Any]) -> tuple[Network, PolicyRef | None]:
    raw = top.get("network")
    if raw is None:
        return Network(), None
    net = doc.mapping(raw, "network", top, "network")
    doc.check_keys(
        net, {"source_ip", "vpc_endpoint", "vpc_source_ip", "vpc", "vpc_endpoint_policy"}, "network"
    )
    from bedrock_access.iam.conditions.ip import parse_address

    source_ip = doc.opt_string(net, "source_ip", "network")
    vpc_source_ip = doc.opt_string(net, "vpc_source_ip", "network")
    for key, value in (("source_ip", source_ip), ("vpc_source_ip", vpc_source_ip)):
        if value is not None and parse_address(value) is None:
            raise doc.fail(
                f"network.{key}", f"{excerpt(value)} is not an IPv4 or IPv6 address", None, net, key
            )
    endpoint = doc.opt_string(net, "vpc_endpoint", "network")
    _format(doc, endpoint, vpc_endpoint_id_problem, "network.vpc_endpoint", net, "vpc_endpoint")
    _format(doc, doc.opt_string(net, "vpc", "network"), vpc_id_problem, "network.vpc", net, "vpc")
    if endpoint is not None and source_ip is not None:
        raise doc.fail(
            "network.source_ip",
            "a call through a VPC endpoint carries no aws:SourceIp; give vpc_source_ip instead",
            None,
            net,
            "source_ip",
        )
    if endpoint is None and (vpc_source_ip or net.get("vpc") or net.get("vpc_endpoint_policy")):
        raise doc.fail(
            "network.vpc_endpoint",
            "vpc_source_ip, vpc and vpc_endpoint_policy need vpc_endpoint",
            None,
            net,
            next(k for k in ("vpc_source_ip", "vpc", "vpc_endpoint_policy") if net.get(k)),
        )
    policy = (
        doc.policy(
            net["vpc_endpoint_policy"],
            "network.vpc_endpoint_policy",
            "vpc-endpoint",
            net,
            "vpc_endpoint_policy",
        )
        if net.get("vpc_endpoint_policy") is not None
        else None
    )
    return (
        Network(
            source_ip=source_ip,
            vpc_endpoint=endpoint,
            vpc_source_ip=vpc_source_ip,
            vpc=doc.opt_string(net, "vpc", "network"),
        ),
        policy,
    )


def _context(doc: _Doc, top: Mapping[str, Any]) -> dict[str, str | tuple[str, ...]]:
    raw = top.get("context")
    if raw is None:
        return {}
    mapping = doc.mapping(raw, "context", top, "context")
    out: dict[str, str | tuple[str, ...]] = {}
    for key, value in mapping.items():
        path = f"context.{key}"
        if isinstance(value, bool):
            out[str(key)] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            out[str(key)] = str(value)
        elif isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
            out[str(key)] = tuple(str(v) for v in value)
        else:
            raise doc.fail(
                path,
                f"must be a string, number, boolean or list of them, not {_kind(value)}",
                None,
                mapping,
                key,
            )
    return out


def _app_profiles(doc: _Doc, top: Mapping[str, Any]) -> dict[str, str]:
    raw = top.get("application_inference_profiles")
    if raw is None:
        return {}
    mapping = doc.mapping(raw, "application_inference_profiles", top, "application_inference_profiles")
    out = {}
    for key, value in mapping.items():
        path = f"application_inference_profiles.{key}"
        if not str(key).startswith("arn:") or ":application-inference-profile/" not in str(key):
            raise doc.fail(path, "keys must be application inference profile ARNs", None, mapping, key)
        out[str(key)] = doc.string(value, path, mapping, key)
    return out


def _invocations(doc: _Doc, top: Mapping[str, Any]) -> tuple[Invocation, ...]:
    raw = top.get("invocations")
    if raw is None:
        return ()
    items = doc.listing(
        raw,
        "invocations",
        top,
        "invocations",
        like="[{model: us.anthropic.claude-sonnet-4-6, region: us-east-1}]",
    )
    out = []
    from bedrock_access.catalog import load_catalog

    catalog = load_catalog()
    for i, item in enumerate(items):
        path = f"invocations[{i}]"
        inv = doc.mapping(
            item,
            path,
            items,
            i,
            like="{label: main, model: us.anthropic.claude-sonnet-4-6, region: us-east-1}",
        )
        doc.check_keys(inv, {"label", "model", "region", "operation", "auth", "role"}, path)
        if "model" not in inv:
            raise doc.fail(f"{path}.model", "missing", None, items, i)
        if "region" not in inv:
            raise doc.fail(
                f"{path}.region",
                "missing (the Region of the bedrock-runtime endpoint called)",
                None,
                items,
                i,
            )
        model = doc.string(inv["model"], f"{path}.model", inv, "model")
        region = doc.string(inv["region"], f"{path}.region", inv, "region")
        if catalog.region(region) is None:
            near = catalog.closest_regions(region) if len(region) <= _SUGGEST_MAX else ()
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise doc.fail(f"{path}.region", f"unknown Region {excerpt(region)}{hint}", None, inv, "region")
        _known_model(doc, catalog, model, f"{path}.model", inv)
        operation = doc.opt_string(inv, "operation", path) or "InvokeModel"
        if operation not in OPERATIONS:
            raise doc.fail(
                f"{path}.operation",
                f"must be one of {', '.join(OPERATIONS)}, not {quote_safely(operation)}",
                None,
                inv,
                "operation",
            )
        auth = doc.opt_string(inv, "auth", path) or "sigv4"
        if auth not in AUTH_MODES:
            raise doc.fail(
                f"{path}.auth",
                f"must be one of {', '.join(AUTH_MODES)}, not {quote_safely(auth)}",
                None,
                inv,
                "auth",
            )
        label = doc.opt_string(inv, "label", path) or f"{model} in {region}"
        out.append(
            Invocation(
                label=label,
                model=model,
                region=region,
                operation=operation,
                auth=auth,
                role=doc.opt_string(inv, "role", path),
                origin={"model": f"{doc.source} {path}.model", "region": f"{doc.source} {path}.region"},
            )
        )
    return tuple(out)


def _known_model(doc: _Doc, catalog: Any, model: str, path: str, parent: Mapping[str, Any]) -> None:
    """An id the catalog has never heard of is an input error here (a typo, most likely)."""
    from bedrock_access.bedrock.identifiers import IdentifierError, parse_identifier

    try:
        identifier = parse_identifier(model)
    except IdentifierError as exc:
        raise doc.fail(path, str(exc), None, parent, "model") from None
    if identifier.arn is not None and identifier.kind != "foundation-model" and not identifier.is_profile:
        return  # account resources (application profiles, provisioned models...) are not in the catalog
    known = (
        catalog.profile(identifier.profile_id)
        if identifier.is_profile
        else catalog.model(identifier.model_id)
    )
    if known is None and not (identifier.is_profile and catalog.is_unverified_profile(identifier.profile_id)):
        wanted = identifier.profile_id or identifier.model_id or model
        near = catalog.closest_ids(wanted) if len(wanted) <= _SUGGEST_MAX else ()
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise doc.fail(
            path,
            f"unknown model id {_id_excerpt(model)} (catalog snapshot {catalog.snapshot_date}){hint}",
            None,
            parent,
            "model",
        )


def _id_excerpt(value: str) -> str:
    """Model ids are long but plain: quote up to 120 characters of one."""
    if len(value) <= 120 and value.isprintable():
        return repr(value)
    return excerpt(value)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link loop appearing after the read: keep the name as given
        return path
