"""``probe`` with real boto3 clients against the stand-in on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bedrock_access.cli import main

from .conftest import ACCOUNT, CALLER_ARN, FAKE_KEY_ID, FAKE_SECRET, Behaviour

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CT_DENY = EXAMPLES / "control-tower-region-deny.yaml"
SONNET_46 = "us.anthropic.claude-sonnet-4-6"
HAIKU_45 = "us.anthropic.claude-haiku-4-5-20251001-v1:0"
US_SONNET_45 = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
RESULT_KEYS = [
    "label",
    "model",
    "source_region",
    "predicted",
    "actual",
    "agree",
    "error_code",
    "error_message",
    "explanation",
]
# AWS's exact wording for an SCP deny, as the control-tower example's prediction spells it.
SCP_DENY = (
    "User: arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/alice@example.com "
    "is not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: "
    "arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-6 with an explicit deny in a "
    "service control policy"
)


def probe_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    code = main(["probe", *argv, "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


def test_without_yes_nothing_is_called(
    standin: Any, behaviour: Behaviour, capsys: pytest.CaptureFixture[str]
) -> None:
    code, doc, _ = probe_json(capsys, "--model", US_SONNET_45, "--region", "us-east-1")
    assert code == 0
    assert doc["called"] is False and doc["results"] == [] and doc["caller"] is None
    assert [c["api"] for c in doc["planned_calls"]] == ["sts:GetCallerIdentity", "bedrock-runtime:Converse"]
    assert 0 < doc["estimated_cost_usd_at_most"] < 0.01
    assert main(["probe", str(CT_DENY)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Nothing was called.") and "ConverseStream in us-east-1" in out
    assert behaviour.requests == []


def test_allowed_call_agrees(standin: Any, behaviour: Behaviour, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc, _ = probe_json(capsys, "--model", US_SONNET_45, "--region", "us-east-1", "--yes")
    assert code == 0
    assert doc["caller"] == {"arn": CALLER_ARN, "account": ACCOUNT, "user_id": "AROAEXAMPLEID:alice"}
    [result] = doc["results"]
    assert list(result) == RESULT_KEYS
    assert result["predicted"] == "allowed" and result["actual"] == "allowed" and result["agree"] is True
    assert result["error_code"] is None and result["explanation"] is None
    assert [(s, r, m) for s, r, m, _ in behaviour.requests] == [
        ("sts", "us-east-1", "POST"),
        ("bedrock-runtime", "us-east-1", "POST"),
    ]


def test_scenario_denial_agrees_and_unexpected_answer_is_reported(
    standin: Any, behaviour: Behaviour, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # AWS denies the main model with its exact message; it lets the background model through, which the
    # scenario predicted denied: one agreement, one disagreement.
    behaviour.converse[("us-east-1", SONNET_46)] = (403, "AccessDeniedException", SCP_DENY)
    reports = tmp_path / "reports"
    code, doc, err = probe_json(capsys, str(CT_DENY), "--yes", "--report-dir", str(reports))
    assert code == 1
    first, second = doc["results"]
    # Disagreements first.
    assert (first["model"], first["predicted"], first["actual"], first["agree"]) == (
        HAIKU_45,
        "denied",
        "allowed",
        False,
    )
    assert (second["model"], second["actual"], second["agree"]) == (SONNET_46, "denied", True)
    assert second["error_code"] == "AccessDeniedException" and second["error_message"] == SCP_DENY
    assert "service control policy" in second["explanation"] and "us-east-2" in second["explanation"]
    [report] = list(reports.iterdir())
    assert str(report) in err
    data = json.loads(report.read_text())
    assert data["scenario"]["path"] == str(CT_DENY) and "GRREGIONDENY" in data["scenario"]["text"]
    assert data["catalog"]["snapshot_date"] == "2026-11-22"
    [disagreement] = data["disagreements"]
    assert disagreement["model"] == HAIKU_45 and disagreement["prediction"]["verdict"] == "denied"
    assert main(["probe", str(CT_DENY), "--yes", "--report-dir", str(reports)]) == 1
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[1].split()[:2] == ["LABEL", "MODEL"] or "LABEL" in lines[1]
    assert lines[2].startswith("DISAGREE")
    assert "1 of 2 prediction(s) agree with AWS." in out
    assert f"but AWS answered for {CALLER_ARN}" in out


def test_secrets_never_printed_or_written(
    standin: Any, behaviour: Behaviour, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    leaky = f"The request signature we calculated does not match. Key {FAKE_KEY_ID} secret {FAKE_SECRET}"
    behaviour.converse[("us-east-1", US_SONNET_45)] = (403, "InvalidSignatureException", leaky)
    reports = tmp_path / "reports"
    code, doc, err = probe_json(
        capsys, "--model", US_SONNET_45, "--region", "us-east-1", "--yes", "--report-dir", str(reports)
    )
    assert code == 1 and doc["results"][0]["actual"] == "denied"
    written = "".join(p.read_text() for p in reports.iterdir())
    for text in (json.dumps(doc), err, written):
        assert FAKE_SECRET not in text and FAKE_KEY_ID not in text
    assert "redacted" in written


def test_throttling_and_network_failures_are_reported_per_call(
    standin: Any, behaviour: Behaviour, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    behaviour.converse[("us-east-1", US_SONNET_45)] = (
        429,
        "ThrottlingException",
        "Too many requests, please wait before trying again.",
    )
    code, doc, _ = probe_json(capsys, "--model", US_SONNET_45, "--region", "us-east-1", "--yes")
    assert code == 1
    [result] = doc["results"]
    assert (
        result["actual"] == "error" and result["error_code"] == "ThrottlingException" and not result["agree"]
    )
    runtime_calls = [r for r in behaviour.requests if r[0] == "bedrock-runtime"]
    assert 1 < len(runtime_calls) <= 4  # botocore retried, then gave up
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")  # the user's own retry setting is honoured
    code, doc, _ = probe_json(capsys, "--model", US_SONNET_45, "--region", "us-east-1", "--yes")
    assert code == 1
    assert doc["caller"]["error_code"] == "NetworkError"
    assert doc["results"][0]["actual"] == "error" and doc["results"][0]["error_code"] == "NetworkError"


def test_this_machines_clients_are_probed_as_check_reads_them(
    standin: Any, behaviour: Behaviour, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDE_CODE_USE_BEDROCK", "1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("ANTHROPIC_MODEL", US_SONNET_45)
    code, doc, _ = probe_json(capsys, "--yes")
    assert code == 0
    labels = [r["label"] for r in doc["results"]]
    assert "claude-code main" in labels and all(r["model"] == US_SONNET_45 for r in doc["results"])
    # Identical requests are asked once.
    assert len([r for r in behaviour.requests if r[0] == "bedrock-runtime"]) == 1


def test_bad_input(
    aws_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["probe", "--model", US_SONNET_45]) == 2
    assert "--region" in capsys.readouterr().err
    assert main(["probe", str(aws_env / "missing.yaml")]) == 2
    capsys.readouterr()
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert main(["probe", "--model", US_SONNET_45, "--region", "us-east-1", "--yes"]) == 2
    assert "no AWS credentials" in capsys.readouterr().err


def test_a_timeout_is_reported_for_that_call(
    standin: Any, behaviour: Behaviour, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    behaviour.converse_delay = 1.5
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    code, doc, _ = probe_json(
        capsys, "--model", US_SONNET_45, "--region", "us-east-1", "--yes", "--timeout", "0.5"
    )
    assert code == 1
    [result] = doc["results"]
    assert (result["actual"], result["error_code"], result["agree"]) == ("error", "Timeout", False)
    assert doc["caller"]["arn"] == CALLER_ARN  # the other call still answered
    assert main(["probe", "--model", US_SONNET_45, "--region", "us-east-1", "--timeout", "0"]) == 2


def test_runtime_and_sts_endpoint_variables_are_honoured(
    standin: Any, behaviour: Behaviour, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", standin.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", standin.url)
    code, doc, _ = probe_json(capsys, "--model", US_SONNET_45, "--region", "us-east-1", "--yes")
    assert code == 0 and doc["caller"]["arn"] == CALLER_ARN and doc["results"][0]["actual"] == "allowed"
