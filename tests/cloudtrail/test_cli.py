"""`bedrock-access explain --cloudtrail`: the shipped examples in every form, the outputs, exit codes,
bad input and secrets."""

from __future__ import annotations

import csv
import filecmp
import io
import json
import re
from pathlib import Path

import pytest

from bedrock_access.cli import main

from ._samples import (
    ACCESS_KEY_ID,
    FAILED_CALLS,
    LONG_TERM_KEY_ID,
    record,
    s3_file_bytes,
    sample_records,
    write_examples,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "cloudtrail"
CT_SCENARIO = ROOT / "examples" / "control-tower-region-deny.yaml"
FORMS = {
    "s3-folder": EXAMPLES / "AWSLogs",
    "lookup-events": EXAMPLES / "lookup-events.json",
    "athena-csv": EXAMPLES / "athena-results.csv",
}
GROUP_FIELDS = {
    "explanation_code",
    "kind",
    "count",
    "principals",
    "accounts",
    "models",
    "source_regions",
    "denied_regions",
    "policy_type",
    "cause",
    "fixes",
    "first_seen",
    "last_seen",
}
SECRET = re.compile(r"(AKIA|ASIA)[A-Z0-9]{16}")


def _run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["explain", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_examples_are_the_samples(tmp_path):
    write_examples(tmp_path)
    for path in [Path("lookup-events.json"), Path("athena-results.csv")]:
        assert filecmp.cmp(tmp_path / path, EXAMPLES / path, shallow=False), path
    [shipped] = list((EXAMPLES / "AWSLogs").rglob("*.json.gz"))
    [made] = list((tmp_path / "AWSLogs").rglob("*.json.gz"))
    assert shipped.read_bytes() == made.read_bytes()


@pytest.mark.parametrize("form", sorted(FORMS))
def test_json_report_in_every_form(capsys, form):
    code, out, _ = _run(capsys, "--cloudtrail", str(FORMS[form]), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert set(doc) == {"records_read", "failed_calls", "groups"}
    assert doc["failed_calls"] == FAILED_CALLS
    assert doc["records_read"] == (12 if form == "s3-folder" else 11)
    for group in doc["groups"]:
        assert set(group) == GROUP_FIELDS
    counts = [g["count"] for g in doc["groups"]]
    assert counts == sorted(counts, reverse=True)
    top = doc["groups"][0]
    assert top["explanation_code"] == "cris-destination-check"
    assert top["count"] == 3
    assert top["denied_regions"] == ["us-east-2"]
    assert top["source_regions"] == ["us-east-1"]
    assert top["models"] == ["us.anthropic.claude-sonnet-4-6"]
    assert top["policy_type"] == "scp"
    assert top["first_seen"] == "2026-11-02T10:05:00Z" and top["last_seen"] == "2026-11-04T12:30:00Z"
    assert any("bedrock:InferenceProfileArn" in fix for fix in top["fixes"])
    assert SECRET.search(out) is None


def test_text_report_largest_first(capsys):
    code, out, _ = _run(capsys, "--cloudtrail", str(FORMS["s3-folder"]))
    assert code == 1
    assert out.startswith(
        "CloudTrail: 12 records read from 1 file; 8 Bedrock calls failed, in 6 groups by cause."
    )
    titles = [line for line in out.splitlines() if line.startswith("[")]
    assert titles[0].startswith(
        "[1] 3 calls · cris-destination-check · explicit deny in a service control policy"
    )
    assert "Identity Center (permission set Developer)" in out
    assert "made with a Bedrock API key: 1 call" in out
    assert SECRET.search(out) is None


def test_markdown_report(capsys):
    code, out, _ = _run(capsys, "--cloudtrail", str(FORMS["lookup-events"]), "--format", "markdown")
    assert code == 1
    assert out.startswith("# Bedrock calls that failed, by cause")
    assert "| 1 | 3 | cris-destination-check | explicit deny in a service control policy | us-east-2 |" in out
    assert out.count("\n## ") == 6


def test_csv_lists_each_failure(capsys):
    code, out, _ = _run(capsys, "--cloudtrail", str(FORMS["s3-folder"]), "--format", "csv")
    assert code == 1
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == FAILED_CALLS
    converse = next(r for r in rows if r["event_id"] == "e0000001-0000-4000-8000-000000000003")
    assert (converse["operation"], converse["action"]) == ("Converse", "bedrock:InvokeModel")
    assert converse["explanation_code"] == "cris-destination-check"
    assert converse["denied_region"] == "us-east-2"
    assert converse["principal"].endswith("/bob@example.com")
    bearer = next(r for r in rows if r["explanation_code"] == "bearer-token-denied")
    assert bearer["api_key"] == "true" and bearer["caller"] == "API-key IAM user"
    assert SECRET.search(out) is None


def test_scenario_names_the_statement(capsys):
    code, out, _ = _run(
        capsys, "--cloudtrail", str(FORMS["s3-folder"]), "--scenario", str(CT_SCENARIO), "--format", "json"
    )
    assert code == 1
    top = json.loads(out)["groups"][0]
    assert set(top) == GROUP_FIELDS | {"scenario"}
    scenario = top["scenario"]
    assert scenario["evaluated"] is True and scenario["reproduced"] is True
    assert scenario["hop"] == "model in us-east-2"
    assert scenario["statements"] == [
        "Deny by service control policy at ou-ab12-workloads aws-guardrails-GRREGIONDENY, statement 1, Sid GRREGIONDENY"
    ]


def test_filters_on_the_command_line(capsys):
    code, out, _ = _run(
        capsys, "--cloudtrail", str(FORMS["s3-folder"]), "--since", "2026-11-03", "--format", "json"
    )
    assert json.loads(out)["failed_calls"] == 3
    code, out, _ = _run(
        capsys, "--cloudtrail", str(FORMS["s3-folder"]), "--until", "2026-11-02", "--format", "json"
    )
    assert json.loads(out)["failed_calls"] == 5  # a date alone includes the whole day
    code, out, _ = _run(
        capsys, "--cloudtrail", str(FORMS["s3-folder"]), "--principal", "bob@example.com", "--format", "json"
    )
    assert json.loads(out)["failed_calls"] == 2
    code, out, _ = _run(
        capsys, "--cloudtrail", str(FORMS["s3-folder"]), "--account", "444455556666", "--format", "json"
    )
    assert code == 0 and json.loads(out)["failed_calls"] == 0


def test_no_failure_exits_0(tmp_path, capsys):
    path = tmp_path / "ok.json.gz"
    path.write_bytes(s3_file_bytes([record(), record(event="Converse")]))
    code, out, _ = _run(capsys, "--cloudtrail", str(path))
    assert code == 0
    assert "no Bedrock call failed" in out


def test_bad_input_is_reported_and_the_run_goes_on(tmp_path, capsys):
    good = tmp_path / "logs" / "good.json.gz"
    good.parent.mkdir()
    good.write_bytes(s3_file_bytes(sample_records()))
    (tmp_path / "logs" / "notes.json").write_text("this is not CloudTrail")
    data = s3_file_bytes(sample_records())
    (tmp_path / "logs" / "cut.json.gz").write_bytes(data[: len(data) - 50])
    broken = sample_records()
    del broken[0]["awsRegion"]
    (tmp_path / "logs" / "z.json").write_text(json.dumps({"Records": broken}))
    code, out, err = _run(capsys, "--cloudtrail", str(tmp_path / "logs"), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    # good.json.gz and z.json (less its broken record) count in full; the cut file up to the cut
    salvaged = doc["failed_calls"] - (FAILED_CALLS + FAILED_CALLS - 1)
    assert 0 < salvaged <= FAILED_CALLS
    assert "notes.json: not CloudTrail" in err
    assert re.search(r"cut\.json\.gz: gzip stream is truncated; read [1-9]\d* records before the cut", err)
    assert "z.json: record 1: awsRegion: missing" in err
    assert "bad input: 1 file not read, 1 file read only in part, 1 record skipped" in err


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--cloudtrail", "/nonexistent/logs"], "no such file or folder"),
        (["--cloudtrail", str(EXAMPLES), "--since", "last week"], "--since: not a date"),
        (
            ["--cloudtrail", str(EXAMPLES), "--since", "2026-11-05", "--until", "2026-11-01"],
            "--since must be before",
        ),
        (["--format", "csv"], "need --cloudtrail"),
    ],
)
def test_usage_errors_exit_2(capsys, args, words):
    code, out, err = _run(capsys, *args)
    assert code == 2
    assert out == ""
    assert words in err


def test_nothing_readable_exits_2(tmp_path, capsys):
    (tmp_path / "a.json").write_text("not CloudTrail at all")
    code, out, err = _run(capsys, "--cloudtrail", str(tmp_path / "a.json"), "--format", "csv")
    assert code == 2
    assert out == ""
    assert "no CloudTrail records could be read" in err


def test_secrets_in_records_never_appear(tmp_path, capsys):
    token = "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbg"
    rec = record(
        error_code="AccessDeniedException",
        message=f"User: {LONG_TERM_KEY_ID} is not authorized, request header Authorization: Bearer {token}",
        model=f"us.anthropic.claude-sonnet-4-6?key={token}",
    )
    rec["userIdentity"]["accessKeyId"] = ACCESS_KEY_ID
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"Records": [rec]}))
    for fmt in ("text", "json", "markdown", "csv"):
        code, out, err = _run(capsys, "--cloudtrail", str(path), "--format", fmt)
        assert code == 1
        assert "YmVkcm9jay5hbWF6b25hd3Mu" not in out + err, fmt
        assert SECRET.search(out + err) is None, fmt


def test_every_example_command_in_the_docs_runs(capsys):
    commands = [
        line.split()[1:]
        for path in (ROOT / "docs" / "cloudtrail.md", ROOT / "README.md")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("bedrock-access explain --cloudtrail examples/")
    ]
    assert len(commands) >= 6
    for command in commands:
        args = command[: command.index("#")] if "#" in command else command
        assert main(args) == 1, args  # the examples hold failed calls
        capsys.readouterr()


def test_client_controlled_values_cannot_inject_escapes_or_formulas(tmp_path, capsys):
    # A model id is whatever the client sent: an invalid one is logged as a ValidationException.
    rec = record(
        model='=HYPERLINK("http://example.com")\x1b[31m',
        error_code="ValidationException",
        message="The provided model identifier is invalid.\x1b]0;title\x07",
    )
    path = tmp_path / "v.json"
    path.write_text(json.dumps({"Records": [rec]}))
    for fmt in ("text", "json", "markdown", "csv"):
        code, out, _ = _run(capsys, "--cloudtrail", str(path), "--format", fmt)
        assert code == 1
        assert "\x1b" not in out and "\x07" not in out, fmt
    _, out, _ = _run(capsys, "--cloudtrail", str(path), "--format", "csv")
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert row["model_id"].startswith("'=HYPERLINK")
    assert row["explanation_code"] == "invalid-model-id"
