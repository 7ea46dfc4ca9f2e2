"""`check` on client configuration: a scenario's `client:` section, and this machine's files.

Client rules come from shared/domain/clients.md (Claude Code section 1, Cline section 2); the checks
they feed are those of shared/domain/bedrock-authorization.md section 2.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bedrock_access.cli import main

ROOT = Path(__file__).resolve().parents[2]
S07 = ROOT / "examples" / "s07-claude-code-eu-background-model.yaml"

SECRET_KEY_ID = "AKIAZZZZZZZZZZZZZZZZ"
SECRET_ACCESS_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKENzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
BEARER = "ABSKQmVkcm9ja0FQSUtleS1zecretsecretsecretsecretsecretsecret"
SECRETS = (SECRET_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN, BEARER)


def _json(capsys: pytest.CaptureFixture[str], args: list[str]) -> tuple[int, dict]:
    code = main([*args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_scenario_client_section_checks_every_role(capsys):
    # clients.md 1.5/1.6: Claude Code 2.0.x keeps the built-in us. Haiku for background calls and its
    # subagents do not inherit an eu. main model (fixed in 2.1.0); called from eu-west-1 those ids are
    # not offered (400), while the eu. main model passes the EU-only SCP.
    code, doc = _json(capsys, ["check", str(S07)])
    assert code == 1
    by_role = {inv["role"]: inv for inv in doc["invocations"]}
    assert by_role["main"]["verdict"] == "allowed"
    assert by_role["main"]["model"] == "eu.anthropic.claude-sonnet-4-6"
    assert by_role["background"]["verdict"] == "invalid"
    assert by_role["background"]["model"].startswith("us.anthropic.claude-3-5-haiku")
    assert by_role["background"]["predicted_error"]["message"] == "The provided model identifier is invalid."
    assert by_role["subagent"]["verdict"] == "invalid"
    assert "client.env ANTHROPIC_MODEL" in by_role["main"]["origin"]["model"]
    [client] = doc["clients"]
    assert client["kind"] == "claude-code" and client["version"] == "2.0.30"
    codes = {f["code"] for f in client["findings"]}
    assert {"CC_SUBAGENT_GEO_BUG", "MIXED_GEOGRAPHIES"} <= codes
    background_codes = {f["code"] for f in by_role["background"]["findings"]}
    assert "profile-not-offered-in-region" in background_codes


def test_client_section_errors_are_input_errors(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text("principal: arn:aws:iam::111122223333:user/a\nclient:\n  kind: vim\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "client.kind" in err and "Traceback" not in err


def _home_with_claude(tmp_path: Path, env: dict[str, str]) -> Path:
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True)
    (home / ".claude" / "settings.json").write_text(json.dumps({"env": env}), encoding="utf-8")
    return home


def _isolate(monkeypatch: pytest.MonkeyPatch, home: Path, cwd: Path) -> None:
    for key in list(__import__("os").environ):
        if key.startswith(("AWS_", "ANTHROPIC_", "CLAUDE_", "LITELLM")):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(cwd)


def test_no_configuration_says_so_and_exits_0(tmp_path, capsys, monkeypatch):
    home = tmp_path / "empty-home"
    home.mkdir()
    _isolate(monkeypatch, home, tmp_path)
    assert main(["check", "--client-version", "2.1.250"]) == 0
    out = capsys.readouterr()
    assert "No Bedrock client configuration found" in out.out
    assert "Traceback" not in out.err


def test_local_claude_code_without_policies_lists_the_grants(tmp_path, capsys, monkeypatch):
    home = _home_with_claude(
        tmp_path,
        {
            "CLAUDE_CODE_USE_BEDROCK": "1",
            "AWS_REGION": "us-east-1",
            "ANTHROPIC_MODEL": "us.anthropic.claude-sonnet-4-6",
            "ANTHROPIC_SMALL_FAST_MODEL": "us.anthropic.claude-haiku-4-5-20251001-v1:0",
        },
    )
    _isolate(monkeypatch, home, tmp_path)
    code, doc = _json(
        capsys, ["check", "--client-version", "2.1.250", "--principal", "arn:aws:iam::111122223333:role/Dev"]
    )
    assert code == 0  # nothing wrong is known without policies
    assert doc["policies_known"] is False
    main_call = next(i for i in doc["invocations"] if i["role"] == "main")
    assert main_call["verdict"] == "unknown"
    assert main_call["source_region"] == "us-east-1"
    assert main_call["destinations"] == ["us-east-1", "us-east-2", "us-west-2"]
    assert all(c["decision"] == "NotEvaluated" for c in main_call["checks"])
    resources = [c["resource"] for c in main_call["checks"]]
    assert (
        "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-6" in resources
    )
    assert "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-sonnet-4-6" in resources


def test_local_check_with_scp_decides_and_names_the_statement(tmp_path, capsys, monkeypatch):
    home = _home_with_claude(
        tmp_path,
        {
            "CLAUDE_CODE_USE_BEDROCK": "1",
            "AWS_REGION": "us-east-1",
            "ANTHROPIC_MODEL": "us.anthropic.claude-sonnet-4-6",
        },
    )
    _isolate(monkeypatch, home, tmp_path)
    policies = ROOT / "examples" / "policies"
    code, doc = _json(
        capsys,
        [
            "check",
            "--client-version",
            "2.1.250",
            "--principal",
            "arn:aws:iam::111122223333:role/Dev",
            "--policies",
            str(policies / "claude-us-profiles.json"),
            "--scp",
            f"r-root={policies / 'full-aws-access.json'},{policies / 'control-tower-region-deny-us-east-1.json'}",
        ],
    )
    assert code == 1
    main_call = next(i for i in doc["invocations"] if i["role"] == "main")
    assert main_call["verdict"] == "denied"
    assert main_call["denied_regions"] == ["us-east-2", "us-west-2"]
    blocked = next(c for c in main_call["checks"] if c["decision"] != "Allowed")
    assert blocked["decided_by"][0]["type"] == "scp"
    assert blocked["decided_by"][0]["sid"] == "GRREGIONDENY"


def test_scenario_and_local_flags_do_not_mix(capsys):
    assert main(["check", str(S07), "--policies", "x.json"]) == 2
    assert "--policies applies only when no SCENARIO is given" in capsys.readouterr().err


def test_no_secret_reaches_any_output(tmp_path, capsys, monkeypatch):
    # Issue 4: access keys, secret keys, session and bearer tokens never appear in text or JSON.
    home = _home_with_claude(
        tmp_path,
        {
            "CLAUDE_CODE_USE_BEDROCK": "1",
            "AWS_REGION": "us-east-1",
            "ANTHROPIC_MODEL": "us.anthropic.claude-sonnet-4-6",
            "AWS_ACCESS_KEY_ID": SECRET_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "AWS_SESSION_TOKEN": SESSION_TOKEN,
            "AWS_BEARER_TOKEN_BEDROCK": BEARER,
        },
    )
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text(
        f"[default]\naws_access_key_id = {SECRET_KEY_ID}\naws_secret_access_key = {SECRET_ACCESS_KEY}\n",
        encoding="utf-8",
    )
    _isolate(monkeypatch, home, tmp_path)
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "principal: arn:aws:iam::111122223333:user/dev\n"
        "client:\n  kind: claude-code\n  version: '2.1.250'\n  env:\n"
        "    CLAUDE_CODE_USE_BEDROCK: '1'\n    AWS_REGION: us-east-1\n"
        f"    AWS_BEARER_TOKEN_BEDROCK: {BEARER}\n    AWS_SECRET_ACCESS_KEY: {SECRET_ACCESS_KEY}\n",
        encoding="utf-8",
    )
    outputs = []
    for args in (
        ["check", "--client-version", "2.1.250"],
        ["check", "--client-version", "2.1.250", "--format", "json"],
        ["check", str(scenario)],
        ["check", str(scenario), "--format", "json"],
    ):
        main(args)
        captured = capsys.readouterr()
        outputs.append(captured.out + captured.err)
    for text in outputs:
        assert text.strip()
        for secret in SECRETS:
            assert secret not in text
            assert secret[:16] not in text
