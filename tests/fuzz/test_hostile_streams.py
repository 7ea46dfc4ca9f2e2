"""Closed or full standard streams, for every verb: the run ends quietly (no "Exception ignored", no
traceback); a full output device is one error line and exit 2; a closed standard input read as `-` is
one error line."""

from __future__ import annotations

import os
import subprocess

import pytest
from hostile_support import REPO, Result, assert_clean, run_process

SCENARIO = str(REPO / "examples" / "control-tower-region-deny.yaml")
VERBS = {
    "check": ["check", SCENARIO],
    "check json": ["check", SCENARIO, "--format", "json"],
    "fix": ["fix", SCENARIO],
    "explain": ["explain", str(REPO / "README.md")],
    "simulate": ["simulate", "--action", "s3:GetObject"],
    "catalog": ["catalog", "regions"],
    "help": ["--help"],
}


def _close_stdout() -> None:
    os.close(1)


def _close_stdin() -> None:
    os.close(0)


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_closed_stdout_ends_quietly(verb: str) -> None:
    result = run_process(VERBS[verb], stdout=None, preexec=_close_stdout)
    assert "Exception ignored" not in result.err and "Traceback" not in result.err, result.err
    assert result.err.count("\n") <= 1, result.err


@pytest.mark.parametrize("verb", sorted(VERBS))
def test_full_device_is_one_error_line(verb: str) -> None:
    with open("/dev/full", "wb") as full:
        result = run_process(VERBS[verb], stdout=full.fileno())
    assert_clean(Result(result.code, "", result.err), (2,))
    assert "no space left" in result.err.lower(), result.err


@pytest.mark.parametrize("argv", [["explain", "-"], ["explain"], ["simulate", "--jsonl", "-"]])
def test_closed_stdin_is_one_error_line(argv: list[str]) -> None:
    result = run_process(argv, stdin=None, preexec=_close_stdin)
    assert_clean(result, (2,))
    assert "standard input" in result.err


def test_broken_pipe_is_quiet() -> None:
    proc = subprocess.Popen(
        ["python", "-m", "bedrock_access", "catalog", "models"],
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Exception ignored" not in err and "Traceback" not in err, err
