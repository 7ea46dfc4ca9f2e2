"""Hostile values inside otherwise valid input: huge or malformed identifiers, URLs that do not parse,
numbers beyond every limit, control characters in keys and paths, empty names. One error line with a
short excerpt (exit 2), or a normal answer where the value is valid."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_support import (
    CALL,
    PRINCIPAL,
    REPO,
    URL_PASSWORD,
    Result,
    assert_clean,
    run_process,
    scenario_text,
)


def _scenario(tmp: Path, text: str) -> str:
    path = tmp / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_huge_region_is_refused_with_a_short_excerpt(tmp_path: Path, run_main: Callable[..., Result]) -> None:
    # 1 MB keeps the suite fast (the YAML parser reads about 1 MB/s); the did-you-mean search is skipped
    # beyond 128 characters whatever the size (4.9 MB took 31 s before).
    region = "us-east-" + "x" * 1_000_000
    text = f"principal: {PRINCIPAL}\ninvocations:\n  - model: us.anthropic.claude-sonnet-4-6\n    region: {region}\n"
    result = run_main("check", _scenario(tmp_path, text))
    assert_clean(result, (2,))
    assert "unknown Region" in result.err and len(result.err) < 400


def test_huge_model_id_is_refused_with_a_short_excerpt(
    tmp_path: Path, run_main: Callable[..., Result]
) -> None:
    text = f"principal: {PRINCIPAL}\ninvocations:\n  - model: us.anthropic.{'y' * 2_000_000}\n    region: us-east-1\n"
    result = run_main("check", _scenario(tmp_path, text))
    assert_clean(result, (2,))
    assert len(result.err) < 500


@pytest.mark.parametrize(
    ("extra", "field", "form"),
    [
        ("role_arn: x\n", "role_arn", "IAM role ARN"),
        ("role_arn: arn:aws:iam::12345:role/R\n", "role_arn", "IAM role ARN"),
        ("organization:\n  id: x\n", "organization.id", "o- followed by"),
        ("organization:\n  id: o-ABC\n", "organization.id", "o- followed by"),
        ("organization:\n  management_account: '12345'\n", "organization.management_account", "12-digit"),
        ("network:\n  vpc_endpoint: vpce-xyz\n", "network.vpc_endpoint", "vpce- followed by"),
        ("network:\n  vpc_endpoint: vpce-0a1b2c3d\n  vpc: x\n", "network.vpc", "vpc- followed by"),
    ],
)
def test_aws_identifier_formats(
    extra: str, field: str, form: str, tmp_path: Path, run_main: Callable[..., Result]
) -> None:
    result = run_main("check", _scenario(tmp_path, scenario_text(extra)))
    assert_clean(result, (2,))
    assert field in result.err and form in result.err, result.err


def test_valid_identifiers_are_accepted(tmp_path: Path, run_main: Callable[..., Result]) -> None:
    extra = (
        "role_arn: arn:aws:iam::111122223333:role/team/Dev\n"
        "organization:\n  id: o-a1b2c3d4e5\n  management_account: '999988887777'\n"
        "network:\n  vpc_endpoint: vpce-0a1b2c3d4e5f67890\n  vpc: vpc-0a1b2c3d\n"
    )
    assert_clean(run_main("check", _scenario(tmp_path, scenario_text(extra))), (0, 1))


URLS = [
    "http://[::1",
    "https://[zz]/",
    "http://a:b:c@[::1/x",
    "https://" + "a" * 70000,
    "://",
    "http://:99999999",
]


@pytest.mark.parametrize("url", URLS, ids=[f"url{i}" for i in range(len(URLS))])
def test_unparseable_endpoint_urls(url: str, tmp_path: Path, run_main: Callable[..., Result]) -> None:
    for kind, key in (
        ("claude-code", "ANTHROPIC_BEDROCK_BASE_URL"),
        ("boto3", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME"),
    ):
        text = (
            f"principal: {PRINCIPAL}\nclient:\n  kind: {kind}\n  version: '2.1.250'\n  env:\n"
            f"    CLAUDE_CODE_USE_BEDROCK: '1'\n    AWS_REGION: us-east-1\n    {key}: {json.dumps(url)}\n"
        )
        for fmt in ("text", "json"):
            assert_clean(run_main("check", _scenario(tmp_path, text), "--format", fmt), (0, 1, 2))
    settings = tmp_path / "cline.json"
    settings.write_text(
        json.dumps(
            {
                "apiProvider": "bedrock",
                "awsRegion": "us-east-1",
                "apiModelId": "us.anthropic.claude-sonnet-4-6",
                "awsBedrockEndpoint": url,
                "awsBedrockEndpointEnabled": True,
            }
        ),
        encoding="utf-8",
    )
    text = f"principal: {PRINCIPAL}\nclient:\n  kind: cline\n  settings_files: [{settings}]\n"
    assert_clean(run_main("check", _scenario(tmp_path, text)), (0, 1, 2))


def test_client_version_of_thousands_of_digits(tmp_path: Path, run_main: Callable[..., Result]) -> None:
    version = "1" * 5000 + ".2.3"
    result = run_main("check", "--client-version", version, "--principal", PRINCIPAL)
    assert_clean(result, (2,))
    text = f"principal: {PRINCIPAL}\nclient:\n  kind: claude-code\n  version: '{version}'\n"
    assert_clean(run_main("check", _scenario(tmp_path, text)), (2,))


def test_empty_names(tmp_path: Path, run_main: Callable[..., Result]) -> None:
    assert_clean(run_main("check", ""), (2,))
    assert_clean(
        run_main("fix", str(REPO / "examples" / "control-tower-region-deny.yaml"), "--out", ""), (2,)
    )
    assert_clean(run_main("fix", ""), (2,))
    assert_clean(run_main("explain", ""), (2,))
    assert_clean(run_main("simulate", "--jsonl", ""), (2,))
    assert_clean(run_main("check", "--policies", "", "--principal", PRINCIPAL), (2,))


def test_fix_out_under_a_parent_that_cannot_be_written(run_main: Callable[..., Result]) -> None:
    scenario = str(REPO / "examples" / "control-tower-region-deny.yaml")
    for out in ("/proc/bedrock-access-out", "/dev/null/out", "/sys/bedrock-access-out"):
        result = run_main("fix", scenario, "--out", out)
        assert_clean(result, (1, 2))


def test_control_characters_in_keys_and_paths_stay_on_one_line(
    tmp_path: Path, run_main: Callable[..., Result]
) -> None:
    text = f'principal: {PRINCIPAL}\ninvocations:\n{CALL}"bad\\nkey\\r\\u2028x": 1\n'
    assert_clean(run_main("check", _scenario(tmp_path, text)), (2,))
    text = scenario_text('identity_policies:\n  - file: "a\\nb\\u001b[31m.json"\n')
    result = run_main("check", _scenario(tmp_path, text))
    assert_clean(result, (2,))
    assert "\x1b" not in result.err
    assert_clean(run_main("check", str(tmp_path / "new\nline.yaml")), (2,))


def test_usage_errors_are_one_line(run_main: Callable[..., Result]) -> None:
    for argv in (
        ["check", "--format", "xml"],
        ["nonsense"],
        ["simulate", "--identity"],
        ["catalog", "route"],
    ):
        assert_clean(run_main(*argv), (2,))


def test_batch_ids_beyond_64_bits_come_back_exactly(tmp_path: Path) -> None:
    request = {"principal": PRINCIPAL, "action": "s3:GetObject", "resource": "*"}
    ids = [2**64 + 1, 10**30, -(2**70), 3]
    text = "\n".join(json.dumps({"id": i, "request": request}) for i in ids) + "\n"
    result = run_process(["simulate", "--jsonl", "-"], stdin=text.encode())
    assert_clean(result, (0,))
    assert [json.loads(line)["id"] for line in result.out.splitlines()] == ids


def test_batch_line_of_hostile_json_keeps_the_rest(tmp_path: Path) -> None:
    request = {"principal": PRINCIPAL, "action": "s3:GetObject", "resource": "*"}
    good = json.dumps({"id": "good", "request": request})
    hostile = [
        "[" * 100000,
        '{"id": 1, "request": ' + "[" * 5000 + "]" * 5000 + "}",
        '{"id": 2, "request": {"principal": "\\ud800", "action": "a:b", "resource": "*"}}',
        '{"id": ' + "9" * 5000 + "}",
        "\x00\x01\x02",
        '{"id": 3, "identityPolicies": ["'
        + "[" * 3000
        + '"], "request": {"principal": "p", "action": "a:b", "resource": "*"}}',
    ]
    lines = [x for h in hostile for x in (h, good)]
    result = run_process(
        ["simulate", "--jsonl", "-"], stdin=("\n".join(lines) + "\n").encode("utf-8", "surrogatepass")
    )
    assert_clean(result, (0,))
    out = result.out.splitlines()
    assert len(out) == len(lines)
    assert all(json.loads(o)["id"] == "good" for o in out[1::2])


def test_question_mark_wildcards_on_huge_context_values(
    tmp_path: Path, run_main: Callable[..., Result]
) -> None:
    """A VPC endpoint policy just under AWS's 20,480-character limit, full of `?`, against a 4.8 MB
    context value: decided (this took 46 s before the matcher became linear)."""
    pattern = "*" + "a?" * 10000 + "b*"
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringLike": {"aws:Referer": pattern}},
            }
        ],
    }
    (tmp_path / "p.json").write_text(json.dumps(policy), encoding="utf-8")
    result = run_main(
        "simulate",
        "--identity",
        str(tmp_path / "p.json"),
        "--action",
        "s3:GetObject",
        "--context",
        "aws:Referer=" + "a" * 4_800_000,
    )
    assert_clean(result, (1,))


def test_huge_region_in_client_settings_is_reported_briefly(
    tmp_path: Path, run_main: Callable[..., Result]
) -> None:
    region = "us-east-" + "z" * 300_000
    text = (
        f"principal: {PRINCIPAL}\nclient:\n  kind: claude-code\n  version: '2.1.250'\n  env:\n"
        f"    CLAUDE_CODE_USE_BEDROCK: '1'\n    AWS_REGION: {region}\n"
    )
    for fmt in ("text", "json"):
        result = run_main("check", _scenario(tmp_path, text), "--format", fmt)
        assert_clean(result, (1, 2))
        assert region not in result.out


def test_an_internal_error_is_one_line_and_debug_adds_the_traceback(
    monkeypatch: pytest.MonkeyPatch, run_main: Callable[..., Result]
) -> None:
    import bedrock_access.cli.catalog as verb

    def broken(args: object) -> int:
        raise KeyError(f"boom https://user:{URL_PASSWORD}@example.com/")

    monkeypatch.setattr(verb, "run", broken)
    result = run_main("catalog", "regions")
    assert_clean(result, (2,))
    assert "internal error (KeyError" in result.err and "--debug" in result.err
    debug = run_main("--debug", "catalog", "regions")
    assert debug.code == 2 and "Traceback" in debug.err and "KeyError" in debug.err
    assert URL_PASSWORD not in debug.err  # the traceback goes through the redactor too


def test_names_too_long_for_the_file_system(tmp_path: Path, run_main: Callable[..., Result]) -> None:
    name = "n" * 5000
    for argv in (
        ["check", name],
        ["check", "-", name],
        ["fix", name],
        ["simulate", "--jsonl", name],
        ["simulate", "--identity", name, "--action", "s3:GetObject"],
        ["explain", "--cloudtrail", name],
    ):
        result = run_main(*argv)
        assert_clean(result, (2,))
    # explain reads words that name no file as the error text itself
    assert_clean(run_main("explain", name), (1,))
    # the process's standard output still works afterwards (no stream was pointed at /dev/null)
    assert_clean(run_main("catalog", "regions"), (0,))
