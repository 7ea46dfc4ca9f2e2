"""``bedrock-access fix`` on the command line: formats, exit codes, ``--out``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bedrock_access.cli import main

from .conftest import FIXTURES

CT = FIXTURES / "ex-control-tower-region-deny.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["fix", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_text_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(CT))
    assert code == 0
    assert "Alternative 1 (recommended): ct-ou-control - CHECKED" in out
    assert "Alternative 2: ct-govern-regions - WIDENS" in out
    assert "control CT.MULTISERVICE.PV.1 parameters:" in out
    assert "--- a/policies/control-tower-region-deny-us-east-1.json" in out
    assert "fixed: yes: 2 of 2 failing invocations now allowed" in out
    assert "unchanged: yes:" in out
    assert "valid: yes:" in out
    assert out.rstrip().endswith("Result: fixed: every failing invocation has a checked fix")


def test_json_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(CT), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["schema_version"] == 1 and doc["status"] == "fixed"
    best = doc["alternatives"][0]
    assert best["recommended"] and best["status"] == "proven" and best["proof"]["passed"]
    control = next(c for c in best["changes"] if c["kind"] == "ct-ou-control")
    assert control["control"]["control"] == "CT.MULTISERVICE.PV.1"
    assert control["original"] is None and control["action"] == "add"
    assert control["diff"].startswith("--- /dev/null")
    assert best["proof"]["unchanged"]["probes"] > 300


def test_secrets_in_labels_are_masked(capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("text", "json"):
        code, out, _ = run(
            capsys, str(FIXTURES / "ex-s14-scp-denies-long-term-api-keys.yaml"), "--format", fmt
        )
        assert code == 0
        assert "ABSK" not in out


def test_exit_codes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, str(FIXTURES / "deliberate-deny.yaml"))[0] == 1
    assert run(capsys, str(FIXTURES / "ex-ide-assistant-least-privilege.yaml"))[0] == 0
    code, _, err = run(capsys, str(tmp_path / "missing.yaml"))
    assert code == 2 and "cannot read scenario" in err
    code, _, err = run(capsys, str(CT), "--allow-cidr", "10.0.0.300/8")
    assert code == 2 and "--allow-cidr" in err
    code, _, err = run(capsys, str(CT), "--allow-vpce", "endpoint-1")
    assert code == 2 and "--allow-vpce" in err


def test_out_writes_a_checkable_scenario(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "fixed"
    code, text, _ = run(capsys, str(CT), "--out", str(out))
    assert code == 0
    names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert "scenario.yaml" in names and "fix.json" in names and "APPLY.md" in names
    # Control Tower-managed SCPs are modelled for the proof only, apart from the documents to apply
    assert "proof-only/aws-guardrails-CTMULTISERVICEPV1.json" in names
    assert "proof-only/aws-guardrails-GRREGIONDENY.json" in names
    assert not any(n.startswith("policies/aws-guardrails-") for n in names)
    # each alternative once: the recommended one at the top, the others in their folder
    assert "ct-govern-regions/scenario.yaml" in names and "ct-govern-regions/APPLY.md" in names
    assert not any(n.startswith("ct-ou-control/") for n in names)
    assert [p.name for p in tmp_path.iterdir()] == ["fixed"]  # no temporary directory left behind
    # the report says what each written file is
    written = {line.split()[0]: line for line in text.splitlines() if line.startswith(f"  {out}")}
    assert "the patched scenario" in written[str(out / "scenario.yaml")]
    assert "do not apply by hand" in written[str(out / "proof-only" / "aws-guardrails-GRREGIONDENY.json")]
    assert "new: apply it" in written[str(out / "policies" / "BedrockInvokeThroughProfilesOnly.json")]
    assert "copy of an unchanged document" in written[str(out / "policies" / "FullAWSAccess.json")]
    assert main(["check", str(out / "scenario.yaml")]) == 0
    control = json.loads((out / "proof-only" / "aws-guardrails-CTMULTISERVICEPV1.json").read_text())
    assert control["Statement"][0]["Sid"] == "CTMULTISERVICEPV1"
    capsys.readouterr()


def test_out_with_client_change_writes_settings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "fixed"
    assert run(capsys, str(FIXTURES / "ex-s06-us-prefix-outside-us.yaml"), "--out", str(out))[0] == 0
    settings = json.loads((out / "client-settings.json").read_text())
    assert [p["model"] for p in settings["pins"]] == [
        "eu.anthropic.claude-sonnet-4-6",
        "global.anthropic.claude-sonnet-4-6",
    ]
    assert "eu.anthropic.claude-sonnet-4-6" in (out / "scenario.yaml").read_text()
    assert main(["check", str(out / "scenario.yaml")]) == 0
    capsys.readouterr()


def test_out_refuses_a_non_empty_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    code, _, err = run(capsys, str(CT), "--out", str(tmp_path))
    assert code == 2 and "not an empty directory" in err
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_out_into_an_empty_directory(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "empty"
    out.mkdir()
    assert run(capsys, str(FIXTURES / "ex-s04-iam-source-region-only.yaml"), "--out", str(out))[0] == 0
    assert (out / "scenario.yaml").is_file()


def test_out_is_not_written_for_nothing_to_fix(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "fixed"
    code, _, err = run(capsys, str(FIXTURES / "ex-ide-assistant-least-privilege.yaml"), "--out", str(out))
    assert code == 0 and "nothing to write" in err
    assert not out.exists()


def test_help_stays_lazy() -> None:
    code = (
        "import sys, bedrock_access.cli.fix as f, argparse;"
        "p = argparse.ArgumentParser(); f.add_parser(p.add_subparsers());"
        "heavy = [m for m in sys.modules if m.startswith(('bedrock_access.fix', 'bedrock_access.iam', 'ruamel'))];"
        "print(heavy)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
