"""Helpers of the hostile-input suite (tests/fuzz): run the real CLI (in process through ``main``, or as a
subprocess where the streams themselves are the hostile part) and check the contract of issue 9:
the expected exit status, at most one line on standard error, no traceback, no secret anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bedrock_access.cli import main

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
PRINCIPAL = "arn:aws:sts::111122223333:assumed-role/Dev/alice"
CALL = "  - model: us.anthropic.claude-sonnet-4-6\n    region: us-east-1\n"
ALLOW_ALL = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
DENY_BEDROCK = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "bedrock:*", "Resource": "*"}]}'
)

# Secrets planted in hostile inputs; none may appear in any output or written file.
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQDexampleexampleSESSIONTOKEN0123456789"
ABSK_KEY = "ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLWtleS1ub3QtcmVhbA=="
ANTHROPIC_KEY = "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
URL_PASSWORD = "Hunter2PasswordXyz"
URL_TOKEN = "UnnamedQueryTokenValue0123456789"
SIGNATURE = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
SECRETS = (SECRET_KEY, SESSION_TOKEN, ABSK_KEY, ANTHROPIC_KEY, URL_PASSWORD, URL_TOKEN, SIGNATURE)


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


def assert_clean(
    result: Result, codes: Iterable[int], *, secrets: Sequence[str] = SECRETS, error_line: bool = True
) -> None:
    """The issue-9 contract for one run."""
    allowed = tuple(codes)
    assert result.code in allowed, (result.code, result.err[-2000:], result.out[-500:])
    for marker in ("Traceback", "Exception ignored", 'File "'):
        assert marker not in result.err, result.err[-2000:]
        assert marker not in result.out, result.out[-2000:]
    if result.code == 2 and error_line:
        assert result.err.count("\n") == 1 and result.err.endswith("\n"), result.err[-2000:]
        assert result.err.startswith("bedrock-access: error: "), result.err[-2000:]
        assert len(result.err) < 1200, result.err[:300]
    for secret in secrets:
        assert secret not in result.out, secret
        assert secret not in result.err, secret


def run_in_process(argv: Sequence[str], capsys: object) -> Result:
    """``main(argv)`` in this process; ``capsys`` is pytest's capture fixture."""
    code = main(list(argv))
    captured = capsys.readouterr()  # type: ignore[attr-defined]
    return Result(code, captured.out, captured.err)


def run_process(
    argv: Sequence[str],
    *,
    stdin: int | bytes | None = subprocess.DEVNULL,
    stdout: int | None = subprocess.PIPE,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
    pass_fds: Sequence[int] = (),
    preexec: Callable[[], None] | None = None,
) -> Result:
    """``python -m bedrock_access ARGV`` as a separate process (the streams are part of the test)."""
    full_env = {**os.environ, "PYTHONPATH": str(SRC), **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "bedrock_access", *argv],
        input=stdin if isinstance(stdin, bytes) else None,
        stdin=None if isinstance(stdin, bytes) else stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=full_env,
        cwd=cwd or REPO,
        timeout=timeout,
        check=False,
        pass_fds=pass_fds,
        preexec_fn=preexec,
    )
    out = proc.stdout.decode("utf-8", "replace") if isinstance(proc.stdout, bytes) else ""
    return Result(proc.returncode, out, proc.stderr.decode("utf-8", "replace"))


def scenario_text(extra: str = "", *, invocations: bool = True) -> str:
    return f"principal: {PRINCIPAL}\n" + (f"invocations:\n{CALL}" if invocations else "") + extra


def all_text_under(directory: Path) -> str:
    """Every file below ``directory``, hidden ones included, as one string."""
    parts = []
    for path in directory.rglob("*"):
        if path.is_file():
            parts.append(path.read_text(encoding="utf-8", errors="replace"))
    return "\n".join(parts)
