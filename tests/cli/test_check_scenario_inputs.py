"""Scenarios from what people have: saved AWS CLI output as policies, messages that show the right
form, `init`'s starter scenario, `--save-scenario`, and the caller of an IAM Identity Center profile."""

from __future__ import annotations

import json
import os
import urllib.parse
from pathlib import Path

import pytest

from bedrock_access.cli import main

ROOT = Path(__file__).resolve().parents[2]
ALLOW = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "bedrock:InvokeModel*", "Resource": "*"}],
}
DENY_US_EAST_2 = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {
            "Sid": "DenyOhio",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-2"}},
        },
    ],
}


def _scenario(tmp_path: Path, identity_file: str, scp_file: str | None = None) -> Path:
    org = (
        f"organization:\n  scps:\n    - target: r-ab12\n      policies: [{{file: {scp_file}}}]\n"
        if scp_file
        else ""
    )
    path = tmp_path / "s.yaml"
    path.write_text(
        "principal: arn:aws:iam::111122223333:role/Dev\n"
        f"identity_policies:\n  - file: {identity_file}\n{org}"
        "invocations:\n  - {label: main, model: us.anthropic.claude-sonnet-4-6, region: us-east-1}\n",
        encoding="utf-8",
    )
    return path


def _check_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["check", *args, "--format", "json"])
    out = capsys.readouterr()
    return code, json.loads(out.out) if out.out else {"err": out.err}


@pytest.mark.parametrize(
    "saved",
    [
        {"PolicyVersion": {"Document": ALLOW, "VersionId": "v3", "IsDefaultVersion": True}},
        {"PolicyVersion": {"Document": urllib.parse.quote(json.dumps(ALLOW)), "VersionId": "v3"}},
        {"RoleName": "Dev", "PolicyName": "Invoke", "PolicyDocument": ALLOW},
    ],
    ids=["get-policy-version", "get-policy-version-url-encoded", "get-role-policy"],
)
def test_saved_iam_cli_output_is_a_policy(tmp_path, capsys, saved):
    (tmp_path / "p.json").write_text(json.dumps(saved), encoding="utf-8")
    code, doc = _check_json(capsys, str(_scenario(tmp_path, "p.json")))
    assert code == 0, doc
    assert doc["verdict"] == "allowed"


def test_saved_describe_policy_output_with_its_json_string_is_an_scp(tmp_path, capsys):
    (tmp_path / "allow.json").write_text(json.dumps(ALLOW), encoding="utf-8")
    described = {
        "Policy": {
            "PolicySummary": {"Id": "p-abcd1234", "Name": "NoOhio", "Type": "SERVICE_CONTROL_POLICY"},
            "Content": json.dumps(DENY_US_EAST_2),
        }
    }
    (tmp_path / "scp.json").write_text(json.dumps(described), encoding="utf-8")
    code, doc = _check_json(capsys, str(_scenario(tmp_path, "allow.json", "scp.json")))
    assert code == 1
    [call] = doc["invocations"]
    assert call["verdict"] == "denied" and call["denied_regions"] == ["us-east-2"]
    decided = [d for c in call["checks"] for d in c["decided_by"] if d["effect"] == "Deny"]
    assert decided and decided[0]["sid"] == "DenyOhio"


def test_saved_output_on_the_command_line(tmp_path, capsys, monkeypatch):
    (tmp_path / "role.json").write_text(json.dumps({"PolicyDocument": ALLOW}), encoding="utf-8")
    from bedrock_access.cli.policy_args import load_policy_arg

    policy = load_policy_arg(str(tmp_path / "role.json"), "x")
    assert policy.statements[0].actions == ("bedrock:InvokeModel*",)


def test_get_policy_output_says_what_to_save_instead(tmp_path, capsys):
    get_policy = {
        "Policy": {"PolicyName": "X", "Arn": "arn:aws:iam::111122223333:policy/X", "DefaultVersionId": "v4"}
    }
    (tmp_path / "p.json").write_text(json.dumps(get_policy), encoding="utf-8")
    assert main(["check", str(_scenario(tmp_path, "p.json"))]) == 2
    err = capsys.readouterr().err
    assert "get-policy-version" in err and "v4" in err and "Traceback" not in err


def test_a_policy_given_as_a_string_shows_the_right_form(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(
        "principal: arn:aws:iam::111122223333:role/Dev\nidentity_policies:\n  - policies/role.json\n"
        "invocations:\n  - {model: us.anthropic.claude-sonnet-4-6, region: us-east-1}\n",
        encoding="utf-8",
    )
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith(
        "identity_policies[0]: must be a mapping like {file: policies/role.json} or {document: {...}}, "
        "not a string"
    )
    assert ":3:" in err  # the line


def test_an_invocation_given_as_a_string_shows_the_right_form(tmp_path, capsys):
    path = tmp_path / "s.yaml"
    path.write_text(
        "principal: arn:aws:iam::111122223333:role/Dev\ninvocations:\n  - us.anthropic.claude-sonnet-4-6\n",
        encoding="utf-8",
    )
    assert main(["check", str(path)]) == 2
    assert "must be a mapping like {label: main, model: " in capsys.readouterr().err


def test_init_writes_a_starter_that_checks_and_never_overwrites(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    text = (tmp_path / "scenario.yaml").read_text(encoding="utf-8")
    assert text.startswith("#") and "bedrock-access check scenario.yaml" in text
    capsys.readouterr()
    code, doc = _check_json(capsys, "scenario.yaml")
    assert code == 0 and doc["verdict"] == "allowed"
    assert main(["init"]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err
    assert (tmp_path / "scenario.yaml").read_text(encoding="utf-8") == text


# --- this machine: an IAM Identity Center profile ---------------------------------------------------


def _sso_home(tmp_path: Path, sso_region: str) -> Path:
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text(
        "[profile platform]\nsso_session = corp\nsso_account_id = 111122223333\n"
        "sso_role_name = PlatformDev\nregion = us-east-1\n\n"
        f"[sso-session corp]\nsso_region = {sso_region}\nsso_start_url = https://example.awsapps.com/start\n",
        encoding="utf-8",
    )
    (home / ".claude").mkdir()
    (home / ".claude" / "settings.json").write_text(
        json.dumps(
            {
                "env": {
                    "CLAUDE_CODE_USE_BEDROCK": "1",
                    "AWS_PROFILE": "platform",
                    "AWS_REGION": "us-east-1",
                    "ANTHROPIC_MODEL": "us.anthropic.claude-sonnet-4-6",
                    "ANTHROPIC_SMALL_FAST_MODEL": "us.anthropic.claude-haiku-4-5-20251001-v1:0",
                }
            }
        ),
        encoding="utf-8",
    )
    return home


def _isolate(monkeypatch: pytest.MonkeyPatch, home: Path, cwd: Path) -> None:
    for key in list(os.environ):
        if key.startswith(("AWS_", "ANTHROPIC_", "CLAUDE_", "LITELLM")):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(cwd)


def _sso_scp(tmp_path: Path, pattern: str) -> str:
    """Deny Bedrock to everyone but the PlatformDev permission set's role."""
    scp = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OnlyPlatformDev",
                "Effect": "Deny",
                "Action": "bedrock:*",
                "Resource": "*",
                "Condition": {"ArnNotLike": {"aws:PrincipalArn": pattern}},
            }
        ],
    }
    (tmp_path / "scp.json").write_text(json.dumps(scp), encoding="utf-8")
    (tmp_path / "full.json").write_text(
        json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        ),
        encoding="utf-8",
    )
    (tmp_path / "role.json").write_text(json.dumps(ALLOW), encoding="utf-8")
    return "r-root=full.json,scp.json"


def test_sso_profile_gives_the_awsreservedsso_session_with_unknown_parts_marked(
    tmp_path, capsys, monkeypatch
):
    home = _sso_home(tmp_path, "us-east-1")
    _isolate(monkeypatch, home, tmp_path)
    code, doc = _check_json(capsys, "--client-version", "2.1.250")
    assert code == 0, doc
    assert (
        doc["principal"] == "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_PlatformDev_<hash>/<user>"
    )
    assert any("IAM Identity Center" in n for n in doc["notes"])


@pytest.mark.parametrize(
    ("sso_region", "pattern", "verdict"),
    [
        # Identity Center in us-east-1: the role path has no Region.
        (
            "us-east-1",
            "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_PlatformDev_*",
            "allowed",
        ),
        # Elsewhere the path names its Region, and a pattern without it does not match.
        (
            "eu-west-1",
            "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_PlatformDev_*",
            "denied",
        ),
        (
            "eu-west-1",
            "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_PlatformDev_*",
            "allowed",
        ),
        ("us-east-1", "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_*", "denied"),
    ],
)
def test_scp_conditions_on_the_sso_role_are_judged(
    tmp_path, capsys, monkeypatch, sso_region, pattern, verdict
):
    home = _sso_home(tmp_path, sso_region)
    _isolate(monkeypatch, home, tmp_path)
    scp = _sso_scp(tmp_path, pattern)
    code, doc = _check_json(capsys, "--client-version", "2.1.250", "--scp", scp, "--policies", "role.json")
    assert doc["verdict"] == verdict
    assert code == (0 if verdict == "allowed" else 1)
    assert not any(n.startswith("uncertain:") for n in doc["notes"])  # the hash does not matter here


def test_a_literal_sso_hash_in_a_policy_makes_the_answer_uncertain(tmp_path, capsys, monkeypatch):
    home = _sso_home(tmp_path, "us-east-1")
    _isolate(monkeypatch, home, tmp_path)
    scp = _sso_scp(
        tmp_path,
        "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_PlatformDev_0a1b2c3d4e5f6a7b",
    )
    _, doc = _check_json(capsys, "--client-version", "2.1.250", "--scp", scp, "--policies", "role.json")
    uncertain = [n for n in doc["notes"] if n.startswith("uncertain:")]
    assert len(uncertain) == 1
    assert "0a1b2c3d4e5f6a7b" in uncertain[0] and "--principal" in uncertain[0]


def test_save_scenario_writes_what_the_local_check_resolved(tmp_path, capsys, monkeypatch):
    home = _sso_home(tmp_path, "eu-west-1")
    _isolate(monkeypatch, home, tmp_path)
    secret = "ABSKQmVkcm9ja0FQSUtleS1zecretsecretsecretsecretsecretsecret"
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzz")
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK_UNUSED", secret)
    _sso_scp(tmp_path, "*")
    region_deny = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OnlyUsEast1",
                "Effect": "Deny",
                "NotAction": ["iam:*", "sts:*", "organizations:*"],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1"]}},
            }
        ],
    }
    (tmp_path / "region-deny.json").write_text(json.dumps({"Policy": {"Content": json.dumps(region_deny)}}))
    args = [
        "--client-version",
        "2.1.250",
        "--scp",
        "r-root=full.json,region-deny.json",
        "--policies",
        "role.json",
    ]
    code, local = _check_json(capsys, *args, "--save-scenario", "saved.yaml")
    assert code == 1 and local["verdict"] == "denied"
    text = (tmp_path / "saved.yaml").read_text(encoding="utf-8")
    assert "wJalrXUtnFEMI" not in text and secret not in text
    assert text.startswith("#")
    code, saved = _check_json(capsys, "saved.yaml")
    assert code == 1
    assert saved["principal"] == local["principal"]
    assert [(i["model"], i["source_region"], i["verdict"]) for i in saved["invocations"]] == [
        (i["model"], i["source_region"], i["verdict"]) for i in local["invocations"]
    ]
    # fix works on it: the Region deny gets a proven exemption
    assert main(["fix", "saved.yaml", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["alternatives"]
    # never overwritten
    assert main(["check", *args, "--save-scenario", "saved.yaml"]) == 2
    assert "refusing to overwrite" in capsys.readouterr().err


def test_save_scenario_needs_a_local_check(capsys):
    assert (
        main(["check", str(ROOT / "examples" / "s18-model-allow-list-scp.yaml"), "--save-scenario", "x.yaml"])
        == 2
    )


def test_local_text_reads_as_a_person_wants(tmp_path, capsys, monkeypatch):
    # Claude Code with an SSO profile: ~/.aws/config makes boto3 visible, though nothing uses it.
    home = _sso_home(tmp_path, "us-east-1")
    _isolate(monkeypatch, home, tmp_path)
    monkeypatch.setenv("COLUMNS", "100")
    assert main(["check", "--client-version", "2.1.250"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("Verdict: unknown")
    assert [line.split("]")[0].strip() for line in lines[1:4]] == ["[?"] * 3  # one line per call, first
    boto = [line for line in lines if line.startswith("Client boto3")]
    assert len(boto) == 1 and "makes no Bedrock call here, not checked" in boto[0] and "NO_REGION" in boto[0]
    assert "error:" not in out  # the idle client's NO_REGION is not an error
    # identical hop tables are printed once: the subagent's is main's; the background model's differs
    assert sum(1 for line in lines if line.strip().startswith("inference profile in us-east-1")) == 2
    assert out.count("hops and decisions: the same as for claude-code main") == 1
    assert all(len(line) <= 100 or " " not in line.strip() for line in lines)


def test_save_scenario_with_nothing_to_save_is_an_input_error(tmp_path, capsys, monkeypatch):
    home = tmp_path / "empty-home"
    home.mkdir()
    _isolate(monkeypatch, home, tmp_path)
    assert main(["check", "--client-version", "2.1.250", "--save-scenario", "s.yaml"]) == 2
    assert "nothing to save" in capsys.readouterr().err
    assert not (tmp_path / "s.yaml").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "identity_policies:\n  file: p.json\n",
            "identity_policies: must be a list like [{file: policy.json}], not a mapping",
        ),
        (
            "organization:\n  scps: {target: r-ab12}\n",
            "organization.scps: must be a list like [{target: r-abcd, policies:",
        ),
        (
            "organization:\n  scps:\n    - r-ab12\n",
            "organization.scps[0]: must be a mapping like {target: r-abcd, policies:",
        ),
    ],
)
def test_scenario_mistakes_show_the_right_form(tmp_path, capsys, text, expected):
    path = tmp_path / "s.yaml"
    path.write_text(
        f"principal: arn:aws:iam::111122223333:role/Dev\n{text}"
        "invocations:\n  - {model: us.anthropic.claude-sonnet-4-6, region: us-east-1}\n",
        encoding="utf-8",
    )
    assert main(["check", str(path)]) == 2
    assert expected in capsys.readouterr().err
