"""Only ``catalog refresh`` and ``probe --yes`` may touch the network: every other verb runs with
sockets that refuse to connect, and must not notice."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from bedrock_access.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
ERROR_TEXT = (
    "An error occurred (AccessDeniedException) when calling the InvokeModel operation: User: "
    "arn:aws:iam::111122223333:user/dev is not authorized to perform: bedrock:InvokeModel on resource: "
    "arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-5-20250929-v1:0 with an explicit "
    "deny in a service control policy"
)


class NetworkUsed(AssertionError):
    pass


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch, aws_env: Path) -> list[str]:
    attempts: list[str] = []

    def refuse(self: socket.socket, address: Any, *args: Any) -> Any:
        attempts.append(repr(address))
        raise NetworkUsed(f"network used: connect to {address!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


@pytest.mark.parametrize(
    "argv",
    [
        ["check", str(EXAMPLES / "control-tower-region-deny.yaml")],
        ["check", str(EXAMPLES / "s02-global-profile-region-deny-scp.yaml"), "--format", "json"],
        ["check"],
        ["explain", "ERROR_FILE"],
        ["fix", str(EXAMPLES / "s02-global-profile-region-deny-scp.yaml")],
        ["simulate", "--jsonl", str(EXAMPLES / "simulate" / "cris-region-deny.jsonl")],
        ["catalog", "info"],
        ["catalog", "route", SONNET, "--region", "us-east-1"],
        ["catalog", "diff"],
        ["probe", "--model", SONNET, "--region", "us-east-1"],
        ["probe", str(EXAMPLES / "control-tower-region-deny.yaml")],
    ],
    ids=lambda argv: " ".join(a if "/" not in a else Path(a).name for a in argv),
)
def test_offline_verbs_never_connect(
    argv: list[str],
    no_network: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLAUDE_CODE_USE_BEDROCK", "1")
    monkeypatch.setenv("ANTHROPIC_MODEL", SONNET)
    error_file = tmp_path / "error.txt"
    error_file.write_text(ERROR_TEXT)
    argv = [str(error_file) if a == "ERROR_FILE" else a for a in argv]
    code = main(argv)
    capsys.readouterr()
    assert code in (0, 1)
    assert no_network == []


def test_the_guard_catches_a_connection(no_network: list[str], standin_url: str = "127.0.0.1") -> None:
    with socket.socket() as sock, pytest.raises(NetworkUsed):
        sock.connect((standin_url, 9))
    assert no_network
