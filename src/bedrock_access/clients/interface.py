"""The one small interface every client reader implements.

A reader turns a :class:`ClientConfig` (environment, already-parsed settings layers, version, AWS shared
files as text) into a :class:`ClientResolution`: the Bedrock runtime calls the client will make
(:class:`~bedrock_access.bedrock.invocation.Invocation`), plus configuration findings it can tell without
the model catalogue or any policy. Readers are pure: they never touch the file system, the network or the
process environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, Protocol

from bedrock_access.bedrock.invocation import AuthMode, Invocation, Operation

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

KINDS: tuple[str, ...] = (
    "claude-code",
    "cline",
    "roo-code",
    "boto3",
    "aws-cli",
    "litellm",
    "anthropic-sdk",
    "continue",
)

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, repr=False)
class SourceText:
    """The text of one file, already read, with the name it is reported under (e.g. ``~/.aws/config``)."""

    source: str
    text: str

    def __repr__(self) -> str:  # the text may hold secrets (credentials file)
        return f"SourceText(source={self.source!r}, chars={len(self.text)})"


@dataclass(frozen=True, repr=False)
class SettingsLayer:
    """One already-parsed settings document.

    ``scope`` places it in the client's precedence order. Claude Code: ``managed``, ``cli``, ``local``,
    ``project``, ``user``. Cline: ``state`` (globalState.json), ``secrets`` (secrets.json),
    ``providers`` (4.1 providers.json). Others: ``config`` (their config file or constructor arguments).
    """

    source: str
    data: Mapping[str, Any]
    scope: str = "config"

    def __repr__(self) -> str:  # values may be secrets
        return f"SettingsLayer(source={self.source!r}, scope={self.scope!r}, keys={sorted(self.data)!r})"


@dataclass(frozen=True, repr=False)
class ClientConfig:
    """Everything a reader needs, already gathered by the I/O edge (:mod:`bedrock_access.clients.local`).

    ``env`` is the launch environment (a shell, an IDE, a scenario's ``env:`` block), labelled in
    origins with ``env_source`` (``"env"`` by default). ``settings`` are the client's own documents.
    ``version`` is the client version as text, or None when unknown (the reader then assumes the newest
    behaviour it models and says so).
    """

    kind: str
    env: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    settings: tuple[SettingsLayer, ...] = ()
    version: str | None = None
    aws_config: SourceText | None = None
    aws_credentials: SourceText | None = None
    env_source: str = "env"

    def __repr__(self) -> str:  # never show env values: they include keys and tokens
        return (
            f"ClientConfig(kind={self.kind!r}, version={self.version!r}, env_keys={sorted(self.env)!r}, "
            f"settings={list(self.settings)!r}, aws_config={self.aws_config!r}, "
            f"aws_credentials={self.aws_credentials!r})"
        )


@dataclass(frozen=True)
class ConfigFinding:
    """Something a reader can tell from the configuration alone.

    ``code`` is stable (catalogue in :mod:`bedrock_access.clients.codes`); ``origin`` names the setting
    that causes it; ``invocations`` lists the labels of the affected invocations, if any.
    """

    code: str
    severity: Severity
    message: str
    hint: str = ""
    origin: str = ""
    invocations: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
            "origin": self.origin,
            "invocations": list(self.invocations),
        }


@dataclass(frozen=True)
class ClientResolution:
    """What a client will do with its configuration.

    ``region``/``auth``/``endpoint`` describe the session defaults (useful for clients such as boto3 that
    have no model of their own: see :meth:`invocation_for`). ``credential_source`` is a redacted
    description; ``principal_hints`` carries non-secret identity hints (``aws_profile``, ``account``,
    ``role_arn``, ``credential_kind``, ...).
    """

    kind: str
    version: str | None
    invocations: tuple[Invocation, ...]
    findings: tuple[ConfigFinding, ...]
    credential_source: str
    principal_hints: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    region: str | None = None
    region_origin: str | None = None
    auth: AuthMode = "sigv4"
    endpoint: str | None = None

    def invocation_for(
        self,
        model: str,
        *,
        operation: Operation = "InvokeModel",
        role: str | None = None,
        label: str | None = None,
    ) -> Invocation:
        """An invocation of ``model`` with this session's region, auth and endpoint."""
        if self.region is None:
            raise ValueError(f"{self.kind}: no region resolved, so no invocation can be built")
        origin = {
            "model": "given by caller",
            "region": self.region_origin or "",
            "auth": self.credential_source,
        }
        return Invocation(
            label=label or f"{self.kind} {role or 'call'}",
            model=model,
            region=self.region,
            operation=operation,
            auth=self.auth,
            role=role,
            endpoint=self.endpoint,
            origin=MappingProxyType(origin),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "version": self.version,
            "region": self.region,
            "region_origin": self.region_origin,
            "auth": self.auth,
            "endpoint": self.endpoint,
            "credential_source": self.credential_source,
            "principal_hints": dict(self.principal_hints),
            "invocations": [invocation_to_dict(inv) for inv in self.invocations],
            "findings": [f.to_dict() for f in self.findings],
        }


def invocation_to_dict(inv: Invocation) -> dict[str, Any]:
    return {
        "label": inv.label,
        "model": inv.model,
        "region": inv.region,
        "operation": inv.operation,
        "auth": inv.auth,
        "role": inv.role,
        "endpoint": inv.endpoint,
        "origin": dict(inv.origin),
    }


class ClientReader(Protocol):
    """One module per client implements this."""

    @property
    def kind(self) -> str: ...

    def resolve(self, config: ClientConfig) -> ClientResolution: ...
