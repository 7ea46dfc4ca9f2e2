"""The batch interface: one request per JSON line, in the shape of the differential oracle's input.

See docs/simulate.md for the format. Each line carries its whole policy set; identical policy sets are
compiled once and reused (keyed by their serialized form), which is what makes large batches fast.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import orjson

from bedrock_access.iam.engine import Authorizer, OrgLevel, PolicySet
from bedrock_access.iam.model import Policy
from bedrock_access.iam.parse import PolicyError, parse_policy
from bedrock_access.iam.service_data import rcp_supported_services, resource_type_prefixes
from bedrock_access.iam.validate import validate_policy_set

MAX_LINE_BYTES = 8_000_000
_POLICY_FIELDS = (
    "identityPolicies",
    "serviceControlPolicies",
    "resourceControlPolicies",
    "permissionBoundaryPolicies",
    "permissionBoundary",
    "resourcePolicy",
    "sessionPolicy",
    "vpcEndpointPolicies",
    "managementAccountId",
)


class BadLine(Exception):
    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        self.message = message
        super().__init__(message)


def _policy(entry: Any, default_name: str, where: str) -> Policy:
    name = default_name
    document: Any = entry
    if isinstance(entry, Mapping) and "policy" in entry and "Statement" not in entry:
        raw_name = entry.get("name")
        if raw_name is not None:
            if not isinstance(raw_name, str):
                raise BadLine("bad-input", f"{where}.name must be a string")
            name = raw_name
        document = entry["policy"]
    if not isinstance(document, str | Mapping):
        raise BadLine("bad-input", f"{where}: a policy must be a JSON object or a JSON string")
    try:
        return parse_policy(document, name=name)
    except PolicyError as exc:
        raise BadLine(
            "bad-input", f"{where} ({name}): {exc.path + ': ' if exc.path else ''}{exc.message}"
        ) from None


def _policy_list(value: Any, prefix: str, where: str) -> tuple[Policy, ...]:
    if isinstance(value, Mapping) and "Statement" not in value and "policy" not in value:
        return tuple(_policy(doc, str(name), f"{where}.{name}") for name, doc in value.items())
    if isinstance(value, Mapping | str):
        value = [value]
    if not isinstance(value, list):
        raise BadLine("bad-input", f"{where} must be a list of policies")
    return tuple(_policy(item, f"{prefix}[{i}]", f"{where}[{i}]") for i, item in enumerate(value))


def _levels(value: Any, where: str) -> tuple[OrgLevel, ...]:
    if not isinstance(value, list):
        raise BadLine("bad-input", f"{where} must be a list of {{orgIdentifier, policies}} levels")
    levels = []
    for i, level in enumerate(value):
        if not isinstance(level, Mapping):
            raise BadLine("bad-input", f"{where}[{i}] must be an object with orgIdentifier and policies")
        identifier = level.get("orgIdentifier", f"level{i}")
        if not isinstance(identifier, str):
            raise BadLine("bad-input", f"{where}[{i}].orgIdentifier must be a string")
        policies = level.get("policies", [])
        levels.append(OrgLevel(identifier, _policy_list(policies, identifier, f"{where}[{i}].policies")))
    return tuple(levels)


def policy_set_from_line(line: Mapping[str, Any]) -> PolicySet:
    identity = _policy_list(line.get("identityPolicies") or [], "identity", "identityPolicies")
    boundary: tuple[Policy, ...] | None = None
    if line.get("permissionBoundaryPolicies") is not None:
        boundary = (
            _policy_list(line["permissionBoundaryPolicies"], "pb", "permissionBoundaryPolicies") or None
        )
    elif line.get("permissionBoundary") is not None:
        boundary = (_policy(line["permissionBoundary"], "pb[0]", "permissionBoundary"),)
    resource = (
        _policy(line["resourcePolicy"], "resource", "resourcePolicy") if line.get("resourcePolicy") else None
    )
    session = (
        _policy(line["sessionPolicy"], "session", "sessionPolicy") if line.get("sessionPolicy") else None
    )
    scps = (
        _levels(line["serviceControlPolicies"], "serviceControlPolicies")
        if line.get("serviceControlPolicies")
        else None
    )
    rcps = (
        _levels(line["resourceControlPolicies"], "resourceControlPolicies")
        if line.get("resourceControlPolicies")
        else None
    )
    vpce = (
        _policy_list(line["vpcEndpointPolicies"], "vpce", "vpcEndpointPolicies")
        if line.get("vpcEndpointPolicies")
        else None
    )
    management = line.get("managementAccountId")
    if management is not None and not isinstance(management, str):
        raise BadLine("bad-input", "managementAccountId must be a string (a 12-digit account id)")
    return PolicySet(
        identity=identity,
        resource=resource,
        boundary=boundary,
        session=session,
        scp_levels=scps,
        rcp_levels=rcps,
        vpc_endpoint=vpce,
        management_account=management,
    )


def _scalar(key: str, value: Any) -> str:
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        return str(value)
    if value is None:
        return ""
    raise BadLine("bad-input", f"context value for {key} must be a string, number, boolean or a list of them")


def _context(context: dict[str, Any]) -> dict[str, str | tuple[str, ...]]:
    """Lowercased keys; numbers and booleans as strings; lists as tuples (multivalued keys)."""
    out: dict[str, str | tuple[str, ...]] = {}
    for key, value in context.items():
        if type(value) is str:
            out[key.lower()] = value
        elif value is None:
            continue  # null: the key is absent from the request
        elif type(value) is list:
            out[key.lower()] = tuple(_scalar(key, v) for v in value)
        else:
            out[key.lower()] = _scalar(key, value)
    return out


class BatchSimulator:
    """Decides oracle-format lines; remembers compiled policy sets by content."""

    def __init__(self, *, cache_size: int = 256) -> None:
        self._cache: OrderedDict[bytes, tuple[Authorizer, tuple[str, ...]] | BadLine] = OrderedDict()
        self._cache_size = cache_size
        self._rcp_services = rcp_supported_services()

    def _authorizer(self, line: Mapping[str, Any]) -> tuple[Authorizer, tuple[str, ...]]:
        try:
            key = orjson.dumps([line.get(f) for f in _POLICY_FIELDS])
        except (orjson.JSONEncodeError, RecursionError):
            raise BadLine("bad-input", "policies nested too deeply") from None
        cached = self._cache.get(key)
        if cached is None:
            try:
                policies = policy_set_from_line(line)
                cached = (
                    Authorizer(
                        policies, rcp_services=self._rcp_services, resource_types=resource_type_prefixes
                    ),
                    validate_policy_set(policies),
                )
            except BadLine as exc:
                cached = exc
            self._cache[key] = cached
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        if isinstance(cached, BadLine):
            raise cached
        return cached

    def decide_line(self, raw: bytes | str) -> dict[str, Any] | None:
        """One output object for one input line; None for blank and ``//`` comment lines."""
        text = raw.strip()
        if not text or (text.startswith(b"//") if isinstance(text, bytes) else text.startswith("//")):
            return None
        if len(text) > MAX_LINE_BYTES:
            return {"id": None, "error": "bad-input", "message": f"line longer than {MAX_LINE_BYTES} bytes"}
        try:
            line = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            return {"id": None, "error": "invalid-json", "message": str(exc)}
        if not isinstance(line, dict):
            return {"id": None, "error": "bad-input", "message": "each line must be a JSON object"}
        line_id = line.get("id")
        if type(line_id) is float:
            line_id = _exact_number(text, line_id)
        try:
            return {"id": line_id, **self._decide(line)}
        except BadLine as exc:
            return {"id": line_id, "error": exc.kind, "message": exc.message}
        except RecursionError:
            return {"id": line_id, "error": "bad-input", "message": "input nested too deeply"}
        except Exception as exc:
            return {"id": line_id, "error": "internal", "message": _internal(exc)}

    def _decide(self, line: Mapping[str, Any]) -> dict[str, Any]:
        # orjson yields plain dicts and lists: exact type checks keep this hot path cheap.
        request = line.get("request")
        if type(request) is not dict:
            raise BadLine("bad-input", "request must be an object")
        principal = request.get("principal")
        action = request.get("action")
        if type(principal) is not str:
            raise BadLine("bad-input", "request.principal must be a string")
        if type(action) is not str or not action:
            raise BadLine("bad-input", "request.action must be a non-empty string")
        resource_field = request.get("resource")
        account: Any = None
        if type(resource_field) is dict:
            resource = resource_field.get("resource")
            account = resource_field.get("accountId")
        else:
            resource = resource_field
        if type(resource) is not str or not resource:
            raise BadLine("bad-input", "request.resource must be an ARN string or {resource, accountId}")
        if account is not None and type(account) is not str:
            raise BadLine("bad-input", "request.resource.accountId must be a string")
        context = request.get("contextVariables", request.get("context")) or {}
        if type(context) is not dict:
            raise BadLine("bad-input", "request.contextVariables must be an object")
        authorizer, warnings = self._authorizer(line)
        decision = authorizer.authorize_normalized(principal, action, resource, _context(context), account)
        out = decision.to_json()
        if warnings:
            out["warnings"] = list(warnings)
        return out

    def run(self, lines: Iterable[bytes | None]) -> Iterator[bytes]:
        """One output line per input line; ``None`` stands for a line the reader cut for its length."""
        for raw in lines:
            if raw is None:
                out: dict[str, Any] | None = {
                    "id": None,
                    "error": "bad-input",
                    "message": f"line longer than {MAX_LINE_BYTES} bytes",
                }
            else:
                out = self.decide_line(raw)
            if out is not None:
                yield dump_line(out)


def dump_line(out: Mapping[str, Any]) -> bytes:
    """One JSON output line. orjson refuses lone surrogates (text that came through ``\\ud800`` escapes)
    and integers beyond 64 bits; the standard library writes both as valid JSON, so no line is lost."""
    try:
        return orjson.dumps(out)
    except (TypeError, orjson.JSONEncodeError):
        pass
    try:
        return json.dumps(out, separators=(",", ":")).encode("ascii")
    except (TypeError, ValueError, RecursionError) as exc:
        line_id = out.get("id")
        safe_id = line_id if type(line_id) in (str, int) else None
        try:
            return json.dumps({"id": safe_id, "error": "internal", "message": _internal(exc)}).encode("ascii")
        except (TypeError, ValueError):
            return json.dumps({"id": None, "error": "internal", "message": _internal(exc)}).encode("ascii")


def _exact_number(text: bytes | str, approximate: float) -> Any:
    """orjson reads integers beyond 64 bits as floats (``1e+30``); ids must come back exactly."""
    try:
        exact = json.loads(text).get("id")
    except (ValueError, RecursionError, AttributeError):
        return approximate
    return exact if type(exact) in (int, float) else approximate


def _internal(exc: BaseException) -> str:
    # Short and on one line; the output stream is redacted on its way out (bedrock_access.output_guard).
    detail = str(exc)[:160].replace("\n", " ")
    return f"this line could not be decided ({type(exc).__name__}: {detail}); please report it"
