"""No secret written anywhere: standard output and error of every verb, error messages, and every file
`fix --out` writes (a secret in a client section becomes a placeholder of the same kind, with a note)."""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_support import (
    ABSK_KEY,
    ANTHROPIC_KEY,
    DENY_BEDROCK,
    PRINCIPAL,
    SECRET_KEY,
    SECRETS,
    SESSION_TOKEN,
    SIGNATURE,
    SRC,
    URL_PASSWORD,
    URL_TOKEN,
    Result,
    all_text_under,
    assert_clean,
)

from bedrock_access.redact import classify_bearer

SHORT_TERM_URL = (
    "bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=ASIAEXAMPLEEXAMPLE12%2F20260101%2Feu-west-1%2Fbedrock%2Faws4_request"
    f"&X-Amz-Date=20260101T000000Z&X-Amz-Expires=43200&X-Amz-Security-Token={SESSION_TOKEN}"
    f"&X-Amz-Signature={SIGNATURE}&Version=1"
)
SHORT_TERM_KEY = "bedrock-api-key-" + base64.b64encode(SHORT_TERM_URL.encode()).decode()
ENDPOINT = f"https://admin:{URL_PASSWORD}@bedrock-runtime.us-east-1.amazonaws.com/?{URL_TOKEN}&X-Amz-Signature={SIGNATURE}"


def _failing_client_scenario(tmp: Path, env: dict[str, str]) -> Path:
    """A Claude Code client whose calls a Region-deny SCP blocks (fix proposes a client move or an SCP
    change), with secrets in its environment section."""
    lines = "\n".join(f"    {k}: {json.dumps(v)}" for k, v in env.items())
    path = tmp / "scenario.yaml"
    path.write_text(
        f"principal: {PRINCIPAL}\n"
        "identity_policies:\n"
        '  - document: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"}]}\n'
        "organization:\n"
        "  scps:\n"
        "    - target: r-root\n"
        "      policies:\n"
        '        - document: {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}\n'
        '        - document: {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}}}]}\n'
        "client:\n"
        "  kind: claude-code\n"
        "  version: '2.1.250'\n"
        "  env:\n"
        "    CLAUDE_CODE_USE_BEDROCK: '1'\n"
        "    AWS_REGION: us-east-1\n"
        "    ANTHROPIC_MODEL: us.anthropic.claude-sonnet-4-6\n"
        f"{lines}\n",
        encoding="utf-8",
    )
    return path


CLIENT_SECRETS = {
    "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
    "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
    "AWS_SESSION_TOKEN": SESSION_TOKEN,
    "ANTHROPIC_API_KEY": ANTHROPIC_KEY,
    "MY_PASSWORD": URL_PASSWORD,
}


def test_fix_out_writes_placeholders_not_secrets(tmp_path: Path, run_main: Callable[..., Result]) -> None:
    scenario = _failing_client_scenario(tmp_path, CLIENT_SECRETS)
    out = tmp_path / "fixed"
    result = run_main("fix", str(scenario), "--out", str(out))
    assert_clean(result, (0,))
    written = all_text_under(out)
    assert written
    for secret in (*SECRETS, "AKIAIOSFODNN7EXAMPLE"):
        assert secret not in written
    scenario_yaml = (out / "scenario.yaml").read_text(encoding="utf-8")
    assert "Secrets are not copied" in scenario_yaml
    assert "AKIA-REDACTED" in scenario_yaml
    # The patched scenario still checks (placeholders keep the kind of credential).
    assert_clean(run_main("check", str(out / "scenario.yaml")), (0, 1))


def test_fix_out_keeps_the_region_of_a_short_term_key(
    tmp_path: Path, run_main: Callable[..., Result]
) -> None:
    # Spare keys kept in the client's environment (not the one it signs with, so the scenario stays fixable).
    spare = {"SPARE_BEDROCK_TOKEN": SHORT_TERM_KEY, "ABSK_COPY": ABSK_KEY}
    scenario = _failing_client_scenario(tmp_path, {**CLIENT_SECRETS, **spare})
    out = tmp_path / "fixed"
    result = run_main("fix", str(scenario), "--out", str(out))
    assert_clean(result, (0,), secrets=(*SECRETS, SHORT_TERM_KEY))
    written = all_text_under(out)
    for secret in (*SECRETS, SHORT_TERM_KEY, SHORT_TERM_KEY[20:60]):
        assert secret not in written
    from ruamel.yaml import YAML

    doc = YAML(typ="safe").load((out / "scenario.yaml").read_text(encoding="utf-8"))
    placeholder = doc["client"]["env"]["SPARE_BEDROCK_TOKEN"]
    assert classify_bearer(placeholder).kind == "short-term"
    assert classify_bearer(placeholder).region == "eu-west-1"
    assert doc["client"]["env"]["ABSK_COPY"] == "ABSK-REDACTED"


def test_check_json_hides_url_credentials(tmp_path: Path, run_main: Callable[..., Result]) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        f"principal: {PRINCIPAL}\n"
        "client:\n"
        "  kind: claude-code\n"
        "  version: '2.1.250'\n"
        "  env:\n"
        "    CLAUDE_CODE_USE_BEDROCK: '1'\n"
        "    AWS_REGION: us-east-1\n"
        f"    ANTHROPIC_BEDROCK_BASE_URL: {json.dumps(ENDPOINT)}\n",
        encoding="utf-8",
    )
    for fmt in ("json", "text"):
        result = run_main("check", str(path), "--format", fmt)
        assert_clean(result, (0, 1))
        if fmt == "json":
            json.loads(result.out)  # redaction keeps the document valid JSON
            assert "bedrock-runtime.us-east-1.amazonaws.com" in result.out


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("version", SECRET_KEY),
        ("version", ABSK_KEY),
        ("kind", SESSION_TOKEN),
        ("kind", URL_PASSWORD),
        (ANTHROPIC_KEY, "x"),
        (URL_TOKEN, "x"),
    ],
)
def test_errors_do_not_echo_secrets(
    field: str, value: str, tmp_path: Path, run_main: Callable[..., Result]
) -> None:
    section = {"kind": "claude-code", field: value}
    path = tmp_path / "s.yaml"
    path.write_text(f"principal: {PRINCIPAL}\nclient: {json.dumps(section)}\n", encoding="utf-8")
    result = run_main("check", str(path))
    assert_clean(result, (2,))


def test_cline_boolean_field_does_not_echo(tmp_path: Path, run_main: Callable[..., Result]) -> None:
    state = tmp_path / "globalState.json"
    state.write_text(
        json.dumps(
            {
                "apiProvider": "bedrock",
                "awsRegion": "us-east-1",
                "apiModelId": "us.anthropic.claude-sonnet-4-6",
                "awsUseCrossRegionInference": URL_PASSWORD,
                "awsBedrockUsePromptCache": SECRET_KEY,
            }
        ),
        encoding="utf-8",
    )
    path = tmp_path / "s.yaml"
    path.write_text(
        f"principal: {PRINCIPAL}\nclient:\n  kind: cline\n  settings_files: [{state}]\n", encoding="utf-8"
    )
    assert_clean(run_main("check", str(path)), (0, 1, 2))


def test_explain_and_simulate_redact(tmp_path: Path, run_main: Callable[..., Result]) -> None:
    error = tmp_path / "err.txt"
    error.write_text(
        f"AccessDeniedException: User: {PRINCIPAL} is not authorized to perform bedrock:InvokeModel "
        f"(request https://u:{URL_PASSWORD}@x.amazonaws.com/?X-Amz-Signature={SIGNATURE}&{URL_TOKEN} "
        f"aws_secret_access_key={SECRET_KEY} token {SESSION_TOKEN})",
        encoding="utf-8",
    )
    for fmt in ("text", "json"):
        assert_clean(run_main("explain", str(error), "--format", fmt), (0,))
    policy = DENY_BEDROCK.replace('"Effect"', f'"Sid": "{SIGNATURE[:20]}x", "Effect"')
    result = run_main(
        "simulate",
        "--identity",
        policy,
        "--action",
        "bedrock:InvokeModel",
        "--context",
        f"aws:Referer=https://a:{URL_PASSWORD}@example.com/?sig={SIGNATURE}",
        "--format",
        "json",
    )
    assert_clean(result, (0, 1))


def test_kill_9_leaves_no_secret_in_temporary_directories(tmp_path: Path) -> None:
    """kill -9 at random moments of `fix --out`: whatever is left holds no secret, and the next run
    removes what dead runs left."""
    scenario = _failing_client_scenario(tmp_path, CLIENT_SECRETS)
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    for attempt, delay in enumerate((0.6, 0.9, 1.2, 1.5)):
        out = tmp_path / f"out{attempt}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "bedrock_access", "fix", str(scenario), "--out", str(out)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    leftovers = all_text_under(tmp_path).replace(scenario.read_text(encoding="utf-8"), "")
    for secret in SECRETS:
        assert secret not in leftovers
    # Stale temporary directories of dead processes are cleaned by the next run into the same place.
    stale = tmp_path / f".out-next.tmp-{2**22 + 12345}-abc"  # above Linux's pid_max: a dead process
    stale.mkdir()
    (stale / "scenario.yaml").write_text("stale\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "bedrock_access", "fix", str(scenario), "--out", str(tmp_path / "out-next")],
        env=env,
        capture_output=True,
        check=False,
    )
    assert not stale.exists()


@pytest.mark.parametrize(
    "sample",
    [
        "AKIAIOSFODNN7EXAMPLE",
        "ASIAIOSFODNN7EXAMPLE",
        f"aws_secret_access_key={SECRET_KEY}",
        f"SessionToken: {SESSION_TOKEN}",
        f"X-Amz-Security-Token={SESSION_TOKEN}",
        SESSION_TOKEN,
        ABSK_KEY,
        SHORT_TERM_KEY,
        "AWS_BEARER_TOKEN_BEDROCK=abcdefghij",
        "Authorization: Bearer abcdefghijkl",
        "Bearer abcdefghijklmnopqrstuvwx",
        "x-api-key: abcdefghij",
        ANTHROPIC_KEY,
        f"Signature={SIGNATURE}",
        ENDPOINT,
    ],
)
def test_the_output_prefilter_never_skips_a_secret(sample: str) -> None:
    """The stream redactor skips text without any marker word; every kind of secret has one."""
    from bedrock_access.output_guard import scrub_bytes, scrub_text
    from bedrock_access.redact import redact

    text = f"before {sample} after"
    assert redact(text) != text
    assert scrub_text(text) == redact(text)
    assert scrub_bytes(text.encode()) == redact(text).encode()


@pytest.mark.parametrize("secret", [SECRET_KEY, SESSION_TOKEN, ABSK_KEY])
def test_a_secret_as_the_principal_is_not_echoed(
    secret: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_main: Callable[..., Result]
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "s.yaml"
    path.write_text(
        f"principal: {json.dumps(secret)}\ninvocations:\n  - model: us.anthropic.claude-sonnet-4-6\n    region: us-east-1\n",
        encoding="utf-8",
    )
    assert_clean(run_main("check", str(path)), (2,))
    assert_clean(run_main("check", "--principal", secret, "--client-version", "2.1.250"), (2,))
