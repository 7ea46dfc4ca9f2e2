"""Readable files with hostile content: nesting past any parser's recursion limit (JSON, YAML, JSON text
inside YAML), self-referencing YAML aliases, billion-laughs aliases, binary and non-UTF-8 bytes, lone
surrogates, integers of thousands of digits, files over the size cap. One error line, exit 2 (or a
normal verdict where the content is valid), never a traceback."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_support import ALLOW_ALL, PRINCIPAL, Result, assert_clean, scenario_text

DEEP = 5000
CONTENTS: dict[str, bytes] = {
    "deep JSON arrays": b"[" * DEEP + b"]" * DEEP,
    "deep JSON objects": b'{"a":' * DEEP + b"1" + b"}" * DEEP,
    "deep YAML flow": b"a: " + b"[" * DEEP + b"]" * DEEP + b"\n",
    "deep YAML block": "".join(f"{'  ' * i}k{i}:\n" for i in range(1500)).encode() + b"  " * 1500 + b"x: 1\n",
    "self-referencing alias": b"a: &a [*a]\nb: &b {k: *b}\n",
    "billion laughs": b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + b"".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n".encode() for i in range(8)
    ),
    "binary": bytes(range(256)) * 64,
    "not UTF-8": "é".encode("latin-1") * 100,
    "huge integer": b'{"Version": "2012-10-17", "n": ' + b"9" * 5000 + b"}",
    "lone surrogate escape": b'{"Statement": [{"Sid": "\\ud800", "Effect": "Allow", "Action": "*", "Resource": "*"}]}',
    "over the size cap": b"#" + b"x" * 5_100_000 + b"\n",
    "empty": b"",
    "NUL bytes": b"\x00" * 1000,
}


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    for name in list(os.environ):
        if name.startswith(("AWS_", "CLAUDE_", "ANTHROPIC_", "LITELLM_", "CLINE_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    return home


LOCAL = ("--principal", PRINCIPAL, "--client-version", "2.1.250")


def _slots(tmp: Path, home: Path, mp: pytest.MonkeyPatch, path: Path) -> dict[str, list[str]]:
    names = iter(range(100))

    def scenario(extra: str, invocations: bool = True) -> str:
        file = tmp / f"s{next(names)}.yaml"
        file.write_text(scenario_text(extra, invocations=invocations), encoding="utf-8")
        return str(file)

    return {
        "scenario": ["check", str(path)],
        "fix scenario": ["fix", str(path)],
        "policy file:": ["check", scenario(f"identity_policies:\n  - file: {path}\n")],
        "settings_files": [
            "check",
            scenario(
                f"client:\n  kind: claude-code\n  version: '2.1.250'\n  settings_files: [{path}]\n", False
            ),
        ],
        "continue settings_files": [
            "check",
            scenario(f"client:\n  kind: continue\n  settings_files: [{path}]\n", False),
        ],
        "aws_config": ["check", scenario(f"client:\n  kind: boto3\n  aws_config: {path}\n")],
        "--policies": ["check", "--policies", str(path), *LOCAL],
        "--cline-settings": ["check", "--cline-settings", str(path), *LOCAL],
        "simulate --identity": ["simulate", "--identity", str(path), "--action", "s3:GetObject"],
        "simulate --jsonl": ["simulate", "--jsonl", str(path)],
        "explain": ["explain", str(path)],
    }


SLOT_NAMES = (
    "scenario",
    "fix scenario",
    "policy file:",
    "settings_files",
    "continue settings_files",
    "aws_config",
    "--policies",
    "--cline-settings",
    "simulate --identity",
    "simulate --jsonl",
    "explain",
)


@pytest.mark.parametrize("content", sorted(CONTENTS))
@pytest.mark.parametrize("slot", SLOT_NAMES)
def test_hostile_content_never_raises(
    slot: str,
    content: str,
    tmp_path: Path,
    machine: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_main: Callable[..., Result],
) -> None:
    path = tmp_path / "input.yaml"
    path.write_bytes(CONTENTS[content])
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    argv = _slots(tmp_path, machine, monkeypatch, path)[slot]
    result = run_main(*argv)
    # Batch mode reports bad lines in its output and goes on; explain explains whatever text it got.
    codes = (0, 1, 2) if slot in ("simulate --jsonl", "explain", "aws_config") or content == "empty" else (2,)
    if content == "lone surrogate escape" and slot not in ("scenario", "fix scenario"):
        codes = (0, 1, 2)  # a valid policy whose Sid is an escaped lone surrogate
    assert_clean(result, codes)
    if slot == "simulate --jsonl" and CONTENTS[content].strip():
        assert result.out, "every batch line gets an output line"


def test_json_text_inside_yaml_nested_deeply(tmp_path: Path, run_main: Callable[..., Result]) -> None:
    document = "[" * 3000 + "]" * 3000
    path = tmp_path / "s.yaml"
    path.write_text(
        scenario_text(f"identity_policies:\n  - name: deep\n    document: {json.dumps(document)}\n"),
        encoding="utf-8",
    )
    result = run_main("check", str(path))
    assert_clean(result, (2,))
    assert "identity_policies[0].document" in result.err and "nested" in result.err


def test_lone_surrogate_in_every_verb(tmp_path: Path, run_main: Callable[..., Result]) -> None:
    """A Sid holding an escaped lone surrogate (valid JSON, not valid Unicode) must not crash check
    --format json, fix or simulate in text; the batch keeps every line."""
    policy = '{"Version": "2012-10-17", "Statement": [{"Sid": "\\ud800", "Effect": "Deny", "Action": "bedrock:*", "Resource": "*"}]}'
    (tmp_path / "p.json").write_text(policy, encoding="utf-8")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        scenario_text("identity_policies:\n  - file: p.json\n  - document: " + json.dumps(ALLOW_ALL) + "\n"),
        encoding="utf-8",
    )
    for argv in (
        ["check", str(scenario), "--format", "json"],
        ["check", str(scenario), "--format", "sarif"],
        ["check", str(scenario), "--format", "junit"],
        ["check", str(scenario), "--format", "markdown"],
        ["check", str(scenario)],
        ["fix", str(scenario)],
        ["fix", str(scenario), "--format", "json"],
        ["explain", "/dev/null", "--scenario", str(scenario)],
        ["simulate", "--identity", str(tmp_path / "p.json"), "--action", "bedrock:InvokeModel"],
        [
            "simulate",
            "--identity",
            str(tmp_path / "p.json"),
            "--action",
            "bedrock:InvokeModel",
            "--format",
            "json",
        ],
    ):
        assert_clean(run_main(*argv), (0, 1, 2))
    line = {
        "id": 1,
        "request": {"principal": PRINCIPAL, "action": "bedrock:InvokeModel", "resource": "*"},
        "identityPolicies": [policy],
    }
    good = {**line, "id": 2, "identityPolicies": [ALLOW_ALL]}
    batch = tmp_path / "b.jsonl"
    batch.write_text("\n".join(json.dumps(x) for x in [line, good] * 160) + "\n", encoding="utf-8")
    result = run_main("simulate", "--jsonl", str(batch))
    assert_clean(result, (0,))
    out = [json.loads(x) for x in result.out.splitlines()]
    assert len(out) == 320
    assert [o["id"] for o in out] == [1, 2] * 160
    assert all(o["decision"] == "Allowed" for o in out if o["id"] == 2)
