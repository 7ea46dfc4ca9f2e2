"""Every file the tool reads, given something that is not a readable regular file: a device that never
ends, a FIFO with no writer, a directory, a symbolic-link loop, a NUL byte in the name, a missing file.
Each must end in one error line naming the file (exit 2), or be skipped as absent where the tool only
looks for an optional file; never a hang, a memory blow-up or a traceback."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_support import ALLOW_ALL, PRINCIPAL, REPO, Result, assert_clean, scenario_text

HOSTILE_KINDS = (
    "dev-zero",
    "dev-urandom",
    "symlink-to-dev-zero",
    "fifo",
    "directory",
    "symlink-loop",
    "nul-in-name",
    "missing",
)


def hostile_path(kind: str, tmp: Path) -> str:
    if kind == "dev-zero":
        return "/dev/zero"
    if kind == "dev-urandom":
        return "/dev/urandom"
    if kind == "symlink-to-dev-zero":
        link = tmp / "zero-link.json"
        link.symlink_to("/dev/zero")
        return str(link)
    if kind == "fifo":
        fifo = tmp / "pipe.json"
        os.mkfifo(fifo)
        return str(fifo)
    if kind == "directory":
        directory = tmp / "adir.json"
        directory.mkdir()
        return str(directory)
    if kind == "symlink-loop":
        loop = tmp / "loop.json"
        loop.symlink_to(loop)
        return str(loop)
    if kind == "nul-in-name":
        return str(tmp / "bad\x00name.json")
    assert kind == "missing"
    return str(tmp / "absent.json")


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty home and working directory, and no client variables: only what a test adds is read."""
    home = tmp_path / "home"
    home.mkdir()
    for name in list(os.environ):
        if name.startswith(("AWS_", "CLAUDE_", "ANTHROPIC_", "LITELLM_", "CLINE_")) or name in (
            "CONFIG_FILE_PATH",
        ):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    return home


def _write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def _yaml_quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\x00", "\\0") + '"'


LOCAL = ("--principal", PRINCIPAL, "--client-version", "2.1.250")

# slot name -> builds argv for a hostile path (tmp dir, hostile path, home, monkeypatch)
Slot = Callable[[Path, str, Path, pytest.MonkeyPatch], list[str]]


def _scenario_policy(tmp: Path, bad: str, home: Path, mp: pytest.MonkeyPatch) -> list[str]:
    text = scenario_text(f"identity_policies:\n  - file: {_yaml_quoted(bad)}\n")
    return ["check", _write(tmp / "s.yaml", text)]


def _scenario_settings_file(tmp: Path, bad: str, home: Path, mp: pytest.MonkeyPatch) -> list[str]:
    text = scenario_text(
        f"client:\n  kind: claude-code\n  version: '2.1.250'\n  settings_files:\n    - {_yaml_quoted(bad)}\n",
        invocations=False,
    )
    return ["check", _write(tmp / "s.yaml", text)]


def _scenario_aws_config(tmp: Path, bad: str, home: Path, mp: pytest.MonkeyPatch) -> list[str]:
    text = scenario_text(f"client:\n  kind: boto3\n  aws_config: {_yaml_quoted(bad)}\n")
    return ["check", _write(tmp / "s.yaml", text)]


def _aws_config_file(tmp: Path, bad: str, home: Path, mp: pytest.MonkeyPatch) -> list[str]:
    if "\x00" in bad:  # an environment variable cannot hold a NUL byte
        bad = bad.replace("\x00", "")
    mp.setenv("AWS_CONFIG_FILE", bad)
    mp.setenv("AWS_REGION", "us-east-1")
    return ["check", *LOCAL]


def _litellm_config(tmp: Path, bad: str, home: Path, mp: pytest.MonkeyPatch) -> list[str]:
    mp.setenv("LITELLM_CONFIG", bad.replace("\x00", ""))
    return ["check", *LOCAL]


def _claude_settings(tmp: Path, bad: str, home: Path, mp: pytest.MonkeyPatch) -> list[str]:
    (home / ".claude").mkdir()
    if "\x00" not in bad:
        (home / ".claude" / "settings.json").symlink_to(bad)
    mp.setenv("CLAUDE_CODE_USE_BEDROCK", "1")
    return ["check", *LOCAL]


def _continue_config(tmp: Path, bad: str, home: Path, mp: pytest.MonkeyPatch) -> list[str]:
    (home / ".continue").mkdir()
    if "\x00" not in bad:
        (home / ".continue" / "config.yaml").symlink_to(bad)
    mp.setenv("AWS_REGION", "us-east-1")
    return ["check", *LOCAL]


def _cline_state(tmp: Path, bad: str, home: Path, mp: pytest.MonkeyPatch) -> list[str]:
    data = home / ".cline" / "data"
    data.mkdir(parents=True)
    if "\x00" not in bad:
        (data / "globalState.json").symlink_to(bad)
    mp.setenv("AWS_REGION", "us-east-1")
    return ["check", *LOCAL]


SLOTS: dict[str, Slot] = {
    "check SCENARIO": lambda tmp, bad, home, mp: ["check", bad],
    "fix SCENARIO": lambda tmp, bad, home, mp: ["fix", bad],
    "explain FILE": lambda tmp, bad, home, mp: ["explain", bad],
    "explain --scenario": lambda tmp, bad, home, mp: [
        "explain",
        _write(tmp / "err.txt", "AccessDeniedException: not authorized to perform: bedrock:InvokeModel"),
        "--scenario",
        bad,
    ],
    "check --scenario": lambda tmp, bad, home, mp: ["check", "--scenario", bad, *LOCAL],
    "scenario policy file:": _scenario_policy,
    "scenario client settings_files": _scenario_settings_file,
    "scenario client aws_config": _scenario_aws_config,
    "check --policies": lambda tmp, bad, home, mp: (
        mp.setenv("AWS_REGION", "us-east-1"),
        ["check", "--policies", bad, *LOCAL],
    )[1],
    "check --scp": lambda tmp, bad, home, mp: (
        mp.setenv("AWS_REGION", "us-east-1"),
        ["check", "--scp", f"r-root={bad}", *LOCAL],
    )[1],
    "check --cline-settings": lambda tmp, bad, home, mp: ["check", "--cline-settings", bad, *LOCAL],
    "simulate --identity": lambda tmp, bad, home, mp: [
        "simulate",
        "--identity",
        bad,
        "--action",
        "s3:GetObject",
    ],
    "simulate --scp": lambda tmp, bad, home, mp: [
        "simulate",
        "--identity",
        ALLOW_ALL,
        "--scp",
        f"r-root={bad}",
        "--action",
        "s3:GetObject",
    ],
    "simulate --jsonl": lambda tmp, bad, home, mp: ["simulate", "--jsonl", bad],
    "explain --cloudtrail": lambda tmp, bad, home, mp: ["explain", "--cloudtrail", bad],
    "--catalog": lambda tmp, bad, home, mp: [
        "check",
        "--catalog",
        bad,
        str(REPO / "examples" / "control-tower-region-deny.yaml"),
    ],
    "check --terraform-plan": lambda tmp, bad, home, mp: [
        "check",
        "--terraform-plan",
        bad,
        str(REPO / "examples" / "control-tower-region-deny.yaml"),
    ],
    "AWS_CONFIG_FILE": _aws_config_file,
    "LITELLM_CONFIG": _litellm_config,
    "~/.claude/settings.json": _claude_settings,
    "~/.continue/config.yaml": _continue_config,
    "~/.cline/data/globalState.json": _cline_state,
}
# Files the tool only looks for: absent (or a directory in their place) means "not configured".
OPTIONAL = {"~/.claude/settings.json", "~/.continue/config.yaml", "~/.cline/data/globalState.json"}
FROM_ENVIRONMENT = {"AWS_CONFIG_FILE", "LITELLM_CONFIG"} | OPTIONAL


@pytest.mark.parametrize("kind", HOSTILE_KINDS)
@pytest.mark.parametrize("slot", sorted(SLOTS))
def test_hostile_file_is_refused_in_one_line(
    slot: str,
    kind: str,
    tmp_path: Path,
    machine: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_main: Callable[..., Result],
) -> None:
    if kind == "nul-in-name" and slot in FROM_ENVIRONMENT:
        pytest.skip("file names from the environment or a fixed place cannot hold a NUL byte")
    bad = hostile_path(kind, tmp_path)
    argv = SLOTS[slot](tmp_path, bad, machine, monkeypatch)
    result = run_main(*argv)
    if slot in OPTIONAL and kind in ("directory", "missing"):
        assert_clean(result, (0, 1))
        return
    if slot == "explain --cloudtrail" and kind == "directory":
        assert_clean(result, (0, 1, 2))  # a folder of logs is walked; this one is empty
        return
    if slot == "AWS_CONFIG_FILE" and kind in ("directory", "missing"):
        assert_clean(result, (0, 1))  # botocore too treats a missing config file as empty
        return
    assert_clean(result, (2,))
    if kind in ("dev-zero", "dev-urandom", "fifo", "symlink-to-dev-zero"):
        assert "not a regular file" in result.err, result.err
    if kind == "symlink-loop" and slot not in ("explain --cloudtrail", "--catalog"):  # "not found" there
        assert "symbolic" in result.err, result.err


def test_stdin_dash_is_read_for_explain_and_jsonl(run_main: Callable[..., Result]) -> None:
    # '-' is the explicit way to read a stream; it is read (bounded), not refused.
    import subprocess

    from hostile_support import run_process

    result = run_process(["explain", "-"], stdin=b"AccessDeniedException: User is not authorized")
    assert_clean(result, (0, 1))
    result = run_process(["simulate", "--jsonl", "-"], stdin=b"{}\n" * 3)
    assert_clean(result, (0,))
    assert result.out.count("\n") == 3
    del subprocess


def test_dev_zero_on_stdin_is_bounded() -> None:
    """`explain -` and `simulate --jsonl -` with an endless stream: explain keeps the first megabyte,
    the batch reader skips over-long lines without keeping them (bounded memory), and stops with the
    stream. /dev/zero never ends, so the batch is given a finite but huge single line instead."""
    from hostile_support import run_process

    with open("/dev/zero", "rb") as zero:
        result = run_process(["explain", "-"], stdin=zero.fileno())
    assert_clean(result, (0, 1, 2))  # 1: no AWS error in a megabyte of NUL bytes
    line = b"x" * 9_000_000 + b"\n" + b"{}\n"
    result = run_process(["simulate", "--jsonl", "-"], stdin=line)
    assert_clean(result, (0,))
    out = result.out.splitlines()
    assert len(out) == 2 and "longer than" in out[0] and '"error"' in out[1]


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "symlink-loop", "directory"])
def test_matrix_snapshot_files(kind: str, tmp_path: Path, run_main: Callable[..., Result]) -> None:
    """A snapshot folder (docs of `collect`/`matrix`) whose organization file is hostile."""
    import shutil

    snapshot = tmp_path / "snapshot"
    shutil.copytree(REPO / "examples" / "org-snapshot", snapshot)
    target = snapshot / "organization.json"
    target.unlink()
    bad = hostile_path(kind, tmp_path)
    if kind == "fifo" or kind == "symlink-loop" or kind == "dev-zero":
        target.symlink_to(bad)
    else:
        target.mkdir()
    result = run_main("matrix", str(snapshot))
    assert_clean(result, (2,))
    assert "organization.json" in result.err
