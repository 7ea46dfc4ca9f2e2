"""Client configuration → Bedrock invocations.

Each supported client has one pure reader module; :data:`READERS` maps a client kind to its reader.
I/O (reading this machine's files, a scenario's files, running ``claude --version``) lives only in
:mod:`bedrock_access.clients.local`. This package knows nothing of IAM evaluation: it produces
:class:`~bedrock_access.bedrock.invocation.Invocation` values and configuration findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from bedrock_access.clients import anthropic_sdk, boto3, claude_code, cline, continue_dev, litellm, roo_code
from bedrock_access.clients.codes import CODES
from bedrock_access.clients.interface import (
    KINDS,
    ClientConfig,
    ClientReader,
    ClientResolution,
    ConfigFinding,
    SettingsLayer,
    Severity,
    SourceText,
)
from bedrock_access.errors import InputError
from bedrock_access.redact import echo

READERS: Mapping[str, ClientReader] = MappingProxyType(
    {
        "claude-code": claude_code.READER,
        "cline": cline.READER,
        "roo-code": roo_code.READER,
        "boto3": boto3.READER,
        "aws-cli": boto3.AWS_CLI_READER,
        "litellm": litellm.READER,
        "anthropic-sdk": anthropic_sdk.READER,
        "continue": continue_dev.READER,
    }
)


def resolve(config: ClientConfig) -> ClientResolution:
    """Resolve ``config`` with the reader for its kind."""
    reader = READERS.get(config.kind)
    if reader is None:
        raise InputError(
            f"unknown client kind {echo(str(config.kind))} (expected one of {', '.join(KINDS)})",
            field="client.kind",
        )
    return reader.resolve(config)


__all__ = [
    "CODES",
    "KINDS",
    "READERS",
    "ClientConfig",
    "ClientReader",
    "ClientResolution",
    "ConfigFinding",
    "SettingsLayer",
    "Severity",
    "SourceText",
    "resolve",
]
