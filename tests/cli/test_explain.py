"""The `explain` verb: parse a pasted error, explain it, and re-decide it under a scenario.

Error texts follow shared/domain/bedrock-authorization.md section 4 and the failure scenarios S1, S2, S5
of shared/domain/peers-and-failure-scenarios.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bedrock_access.cli import main

ROOT = Path(__file__).resolve().parents[2]
CT_EXAMPLE = ROOT / "examples" / "control-tower-region-deny.yaml"
PRINCIPAL = (
    "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/alice@example.com"
)
S1_TEXT = (
    'API Error: 403 {"Message":"User: ' + PRINCIPAL + " is not authorized to perform: "
    "bedrock:InvokeModelWithResponseStream on resource: "
    "arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-sonnet-4-6 "
    'with an explicit deny in a service control policy"}'
)


def _explain(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, *extra: str) -> tuple[int, dict]:
    err = tmp_path / "error.txt"
    err.write_text(text, encoding="utf-8")
    code = main(["explain", str(err), "--format", "json", *extra])
    return code, json.loads(capsys.readouterr().out)


def test_s1_destination_region_denied_by_scp_names_the_profile(tmp_path, capsys):
    # S1: the us. profile routes to us-east-2 and a Region-deny SCP blocks the foundation-model check there.
    code, doc = _explain(tmp_path, capsys, S1_TEXT)
    assert code == 0
    assert doc["kind"] == "access-denied"
    assert doc["action"] == "bedrock:InvokeModelWithResponseStream"
    assert doc["region"] == "us-east-2"
    assert doc["policy_type"] == "scp"
    assert doc["explicit"] is True
    assert doc["principal"] == PRINCIPAL
    assert "us-east-2 is a destination Region" in doc["cause"]
    assert "us.anthropic.claude-sonnet-4-6" in doc["cause"]
    assert any("bedrock:InferenceProfileArn" in fix for fix in doc["fixes"])


def test_scenario_reevaluation_names_the_blocking_statement(tmp_path, capsys):
    code, doc = _explain(tmp_path, capsys, S1_TEXT, "--scenario", str(CT_EXAMPLE))
    assert code == 0
    scenario = doc["scenario"]
    assert scenario["evaluated"] is True
    assert scenario["decision"] == "ExplicitlyDenied"
    assert scenario["reproduced"] is True
    assert scenario["hop"] == "model in us-east-2"
    [entry] = scenario["decided_by"]
    assert (entry["type"], entry["level"], entry["policy"], entry["sid"], entry["index"]) == (
        "scp",
        "ou-ab12-workloads",
        "aws-guardrails-GRREGIONDENY",
        "GRREGIONDENY",
        1,
    )


def test_scenario_that_allows_the_check_does_not_reproduce(tmp_path, capsys):
    # The profile check in us-east-1 is allowed by the Control Tower example; an error claiming it was
    # denied cannot come from these policies.
    text = (
        f"User: {PRINCIPAL} is not authorized to perform: bedrock:InvokeModelWithResponseStream on resource: "
        "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-6 "
        "because no identity-based policy allows the bedrock:InvokeModelWithResponseStream action"
    )
    _, doc = _explain(tmp_path, capsys, text, "--scenario", str(CT_EXAMPLE))
    assert doc["scenario"]["decision"] == "Allowed"
    assert doc["scenario"]["reproduced"] is False


def test_global_regionless_resource_reports_unspecified_region(tmp_path, capsys):
    # S2: the global profile's Region-less check has no Region in its ARN.
    text = (
        "An error occurred (AccessDeniedException) when calling the ConverseStream operation: User: "
        "arn:aws:iam::111122223333:user/dev is not authorized to perform: bedrock:InvokeModelWithResponseStream "
        "on resource: arn:aws:bedrock:::foundation-model/anthropic.claude-opus-4-6-v1 "
        "with an explicit deny in a service control policy"
    )
    _, doc = _explain(tmp_path, capsys, text)
    assert doc["region"] == "unspecified"
    assert doc["operation"] == "ConverseStream"
    assert "unspecified" in doc["cause"]


def test_validation_error_is_not_an_iam_problem(tmp_path, capsys):
    # S5: a bare id of a model that runs only through inference profiles.
    text = (
        "ValidationException: Invocation of model ID anthropic.claude-sonnet-4-20250514-v1:0 with on-demand "
        "throughput isn't supported. Retry your request with the ID or ARN of an inference profile that "
        "contains this model."
    )
    _, doc = _explain(tmp_path, capsys, text)
    assert doc["kind"] == "validation"
    assert doc["non_iam_cause"] == "on-demand-not-supported"
    assert doc["policy_type"] is None


def test_text_output_reads_as_sentences(tmp_path, capsys):
    err = tmp_path / "e.txt"
    err.write_text(S1_TEXT, encoding="utf-8")
    assert main(["explain", str(err), "--scenario", str(CT_EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "explicit deny in a service control policy" in out
    assert "Sid GRREGIONDENY" in out
    assert "this reproduces the error" in out


def test_empty_input_is_an_input_error(tmp_path, capsys):
    err = tmp_path / "empty.txt"
    err.write_text("   \n", encoding="utf-8")
    assert main(["explain", str(err)]) == 2
    assert "no error text given" in capsys.readouterr().err


def test_missing_file_is_an_input_error(tmp_path, capsys):
    assert main(["explain", str(tmp_path / "nope.txt")]) == 2
    message = capsys.readouterr().err
    assert "nope.txt" in message and "Traceback" not in message


def test_secrets_in_pasted_text_are_redacted(tmp_path, capsys):
    text = S1_TEXT + "\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
    err = tmp_path / "e.txt"
    err.write_text(text, encoding="utf-8")
    main(["explain", str(err), "--format", "json"])
    assert "AKIAIOSFODNN7EXAMPLE" not in capsys.readouterr().out


# --- pastes as people paste them (issue 15) ----------------------------------------------------------


def test_text_given_as_an_argument_is_explained(capsys):
    code = main(["explain", "ValidationException: Operation not allowed", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["explanation_code"] == "account-operation-not-allowed"
    # Several words without quotes are one text too.
    code = main(["explain", "An", "error", "occurred", "(ThrottlingException):", "Too", "many", "tokens"])
    assert code == 0 and "throttled" in capsys.readouterr().out


def test_unrecognised_text_exits_1(capsys):
    assert main(["explain", "the build is green"]) == 1
    assert "does not contain an AWS error" in capsys.readouterr().out


def test_on_a_terminal_with_no_input_it_prompts(monkeypatch, capsys):
    import io
    import sys

    class Tty(io.TextIOWrapper):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(sys, "stdin", Tty(io.BytesIO(b"Unable to locate credentials\n"), encoding="utf-8"))
    assert main(["explain"]) == 0
    out, err = capsys.readouterr()
    assert "Paste the error" in err
    assert "no AWS credentials" in out


def test_json_has_the_endpoint_region_client_and_no_placeholders(capsys):
    text = (
        'API Error: 403 {"Message":"User: arn:aws:sts::<account id>:assumed-role/Dev/kim is not authorized '
        "to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:eu-west-1::foundation-model/"
        "anthropic.claude-3-haiku-20240307-v1:0 because no identity-based policy allows the bedrock:InvokeModel "
        'action"} https://bedrock-runtime.eu-west-1.amazonaws.com/model/x/invoke'
    )
    assert main(["explain", text, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["endpoint_region"] == "eu-west-1"
    assert doc["client"] == "claude-code"
    assert doc["redacted"] == ["account"]
    assert doc["principal"] == "arn:aws:sts::(redacted account):assumed-role/Dev/kim"
    assert "<account id>" not in json.dumps(doc) and "__redacted" not in json.dumps(doc)
    # The endpoint Region equals the ARN's: a direct call, not a profile's destination.
    assert "direct call" in doc["cause"]


def test_region_option_fills_the_region_called(capsys):
    assert (
        main(["explain", "An error occurred: Could not connect to the endpoint URL", "--region", "ap-east-1"])
        == 0
    )
    assert "ap-east-1" in capsys.readouterr().out
