"""Scenario input errors: each names the file, the line and the field, and the CLI turns it into one line
on stderr with exit status 2 and no traceback (docs/scenario.md, docs/check.md)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from bedrock_access.cli import main
from bedrock_access.errors import InputError
from bedrock_access.scenario import load_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PRINCIPAL = "arn:aws:iam::111122223333:user/alice"
CALL = "invocations:\n  - model: us.anthropic.claude-sonnet-4-6\n    region: us-east-1\n"
ALLOW = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"}]}'
)


def scenario(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def cli_error(capsys: pytest.CaptureFixture[str], path: Path) -> str:
    """Runs check in both formats; returns the one error line (without the program prefix)."""
    lines = []
    for fmt in ("text", "json"):
        code = main(["check", str(path), "--format", fmt])
        out, err = capsys.readouterr()
        assert code == 2, err or out
        assert out == ""
        assert "Traceback" not in err
        assert err.endswith("\n") and err.count("\n") == 1, err
        assert err.startswith("bedrock-access: error: ")
        lines.append(err[len("bedrock-access: error: ") : -1])
    assert lines[0] == lines[1]
    return lines[0]


def assert_located(message: str, path: Path, line: int | None, field: str | None, *fragments: str) -> None:
    where = str(path) + (f":{line}" if line is not None else "")
    prefix = f"{where}: {field}: " if field else f"{where}: "
    assert message.startswith(prefix), message
    for fragment in fragments:
        assert fragment in message, message


# (name, scenario text, line, field, fragments of the message). Lines are 1-based, as editors show them.
CASES: list[tuple[str, str, int | None, str | None, tuple[str, ...]]] = [
    (
        "malformed-yaml",
        f"principal: {PRINCIPAL}\ninvocations:\n  - model: [unclosed\n    region: us-east-1\n",
        4,  # the ':' of "region:" cannot appear inside the unclosed flow sequence
        None,
        ("not valid YAML or JSON",),
    ),
    ("tab-indent", f"principal: {PRINCIPAL}\ninvocations:\n\t- model: x\n", 3, None, ("not valid YAML",)),
    (
        "duplicate-key",
        f"principal: {PRINCIPAL}\nprincipal: {PRINCIPAL}\n{CALL}",
        2,
        None,
        ("duplicate key", "principal"),
    ),
    ("top-level-list", "- principal\n- invocations\n", 1, None, ("must be a mapping, not a list",)),
    (
        "invocations-mapping",
        f"principal: {PRINCIPAL}\ninvocations:\n  model: x\n",
        2,
        "invocations",
        ("must be a list",),
    ),
    (
        "invocation-string",
        f"principal: {PRINCIPAL}\ninvocations:\n  - us.anthropic.claude-sonnet-4-6\n",
        3,
        "invocations[0]",
        ("must be a mapping like {label: main, model: ", "not a string"),
    ),
    (
        "principal-number",
        f"principal: 12\n{CALL}",
        1,
        "principal",
        ("must be a non-empty string, not a number",),
    ),
    (
        "region-number",
        f"principal: {PRINCIPAL}\ninvocations:\n  - model: us.anthropic.claude-sonnet-4-6\n    region: 1\n",
        4,
        "invocations[0].region",
        ("must be a non-empty string, not a number",),
    ),
    (
        "identity-policies-string",
        f"principal: {PRINCIPAL}\nidentity_policies: policies.json\n{CALL}",
        2,
        "identity_policies",
        ("must be a list",),
    ),
    (
        "context-mapping",
        f"principal: {PRINCIPAL}\ncontext:\n  aws:PrincipalTag/team: {{a: b}}\n{CALL}",
        3,
        "context.aws:PrincipalTag/team",
        ("must be a string, number, boolean or list of them",),
    ),
    (
        "unknown-top-key",
        f"principal: {PRINCIPAL}\nprincipals: x\n{CALL}",
        2,
        "principals",
        ("unknown key", "principal"),
    ),
    (
        "unknown-invocation-key",
        f"principal: {PRINCIPAL}\n{CALL}    regoin: us-east-2\n",
        5,
        "invocations[0].regoin",
        ("unknown key", "region"),
    ),
    (
        "unknown-organization-key",
        f"principal: {PRINCIPAL}\norganization:\n  scp: []\n{CALL}",
        3,
        "organization.scp",
        ("unknown key", "scps"),
    ),
    (
        "unknown-network-key",
        f"principal: {PRINCIPAL}\nnetwork:\n  sourceip: 203.0.113.1\n{CALL}",
        3,
        "network.sourceip",
        ("unknown key", "source_ip"),
    ),
    (
        "unknown-scp-level-key",
        f"principal: {PRINCIPAL}\norganization:\n  scps:\n    - target: r-ab12\n      policy: []\n{CALL}",
        5,
        "organization.scps[0].policy",
        ("unknown key", "policies"),
    ),
    (
        "unknown-policy-ref-key",
        f"principal: {PRINCIPAL}\nidentity_policies:\n  - name: a\n    files: a.json\n{CALL}",
        4,
        "identity_policies[0].files",
        ("unknown key", "file"),
    ),
    ("missing-principal", f"description: x\n{CALL}", 1, "principal", ("missing",)),
    (
        "missing-model",
        f"principal: {PRINCIPAL}\ninvocations:\n  - region: us-east-1\n",
        3,
        "invocations[0].model",
        ("missing",),
    ),
    (
        "missing-region",
        f"principal: {PRINCIPAL}\ninvocations:\n  - model: us.anthropic.claude-sonnet-4-6\n",
        3,
        "invocations[0].region",
        ("missing",),
    ),
    (
        "unknown-region",
        f"principal: {PRINCIPAL}\ninvocations:\n  - model: us.anthropic.claude-sonnet-4-6\n    region: useast1\n",
        4,
        "invocations[0].region",
        ("unknown Region 'useast1'", "did you mean us-east-1"),
    ),
    (
        "unknown-region-no-suggestion",
        f"principal: {PRINCIPAL}\ninvocations:\n  - model: us.anthropic.claude-sonnet-4-6\n    region: paris\n",
        4,
        "invocations[0].region",
        ("unknown Region 'paris'",),
    ),
    (
        "unknown-model",
        f"principal: {PRINCIPAL}\ninvocations:\n  - model: us.anthropic.claude-sonet-4-6\n    region: us-east-1\n",
        3,
        "invocations[0].model",
        ("unknown model id 'us.anthropic.claude-sonet-4-6'", "did you mean us.anthropic.claude-sonnet-4-6"),
    ),
    (
        "invalid-model-arn",
        f'principal: {PRINCIPAL}\ninvocations:\n  - model: "arn:aws:bedrock:us-east-1"\n    region: us-east-1\n',
        3,
        "invocations[0].model",
        ("is not a valid ARN",),
    ),
    (
        "non-bedrock-arn",
        f"principal: {PRINCIPAL}\ninvocations:\n  - model: arn:aws:s3:::bucket/key\n    region: us-east-1\n",
        3,
        "invocations[0].model",
        ("is not a Bedrock ARN",),
    ),
    (
        "not-a-model-id",
        f"principal: {PRINCIPAL}\ninvocations:\n  - model: claude sonnet\n    region: us-east-1\n",
        3,
        "invocations[0].model",
        ("is neither a model id",),
    ),
    (
        "invalid-principal-arn",
        f"principal: arn:aws:s3:::bucket\n{CALL}",
        1,
        "principal",
        ("is not an IAM user, role, assumed-role session or root ARN",),
    ),
    (
        "bad-source-ip",
        f"principal: {PRINCIPAL}\nnetwork:\n  source_ip: 300.1.2.3\n{CALL}",
        3,
        "network.source_ip",
        ("'300.1.2.3' is not an IPv4 or IPv6 address",),
    ),
    (
        "bad-vpc-source-ip",
        f"principal: {PRINCIPAL}\nnetwork:\n  vpc_endpoint: vpce-0a1b2c3d\n  vpc_source_ip: 10.0.0\n{CALL}",
        4,
        "network.vpc_source_ip",
        ("is not an IPv4 or IPv6 address",),
    ),
    (
        "bad-vpc-endpoint-id",
        f"principal: {PRINCIPAL}\nnetwork:\n  vpc_endpoint: endpoint-1\n{CALL}",
        3,
        "network.vpc_endpoint",
        ("expected a VPC endpoint id",),
    ),
    (
        "source-ip-through-endpoint",
        f"principal: {PRINCIPAL}\nnetwork:\n  vpc_endpoint: vpce-0a1b2c3d\n  source_ip: 203.0.113.1\n{CALL}",
        4,
        "network.source_ip",
        ("carries no aws:SourceIp",),
    ),
    (
        "bad-operation",
        f"principal: {PRINCIPAL}\n{CALL}    operation: Invoke\n",
        5,
        "invocations[0].operation",
        ("must be one of InvokeModel",),
    ),
    (
        "bad-auth",
        f"principal: {PRINCIPAL}\n{CALL}    auth: apikey\n",
        5,
        "invocations[0].auth",
        ("must be one of sigv4, bearer-short-term, bearer-long-term",),
    ),
    (
        "bad-management-account",
        f"principal: {PRINCIPAL}\norganization:\n  management_account: '12345'\n{CALL}",
        3,
        "organization.management_account",
        ("12-digit account id",),
    ),
    (
        "session-policy-for-a-user",
        f"principal: {PRINCIPAL}\nsession_policy: {ALLOW}\n{CALL}",
        2,
        "session_policy",
        ("needs a role (session) or federated-user principal",),
    ),
    (
        "application-profile-key-not-an-arn",
        f"principal: {PRINCIPAL}\napplication_inference_profiles:\n  us.anthropic.claude-sonnet-4-6: x\n{CALL}",
        3,
        "application_inference_profiles.us.anthropic.claude-sonnet-4-6",
        ("keys must be application inference profile ARNs",),
    ),
    (
        "policy-without-document-or-file",
        f"principal: {PRINCIPAL}\nidentity_policies:\n  - name: a\n{CALL}",
        3,
        "identity_policies[0]",
        ("needs exactly one of `document` or `file`",),
    ),
    (
        "policy-document-bad-json-text",
        f"principal: {PRINCIPAL}\nidentity_policies:\n  - name: a\n    document: '{{\"Version\": '\n{CALL}",
        4,
        "identity_policies[0].document",
        ("not valid JSON",),
    ),
    (
        "policy-document-bad-effect",
        f"principal: {PRINCIPAL}\nidentity_policies:\n  - name: a\n    document:\n      Statement:\n"
        f"        - {{Effect: Allwo, Action: 'bedrock:*', Resource: '*'}}\n{CALL}",
        4,
        "identity_policies[0].document.Statement[0].Effect",
        ("must be Allow or Deny",),
    ),
    (
        "policy-file-missing",
        f"principal: {PRINCIPAL}\nidentity_policies:\n  - file: policies/nope.json\n{CALL}",
        3,
        "identity_policies[0].file",
        ("cannot read policies/nope.json",),
    ),
]


@pytest.mark.parametrize(("name", "text", "line", "field", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_input_error_names_file_line_and_field(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    text: str,
    line: int | None,
    field: str | None,
    fragments: tuple[str, ...],
) -> None:
    path = scenario(tmp_path, text)
    message = cli_error(capsys, path)
    assert_located(message, path, line, field, *fragments)
    with pytest.raises(InputError) as caught:
        load_scenario(path)
    assert (caught.value.source, caught.value.line, caught.value.field) == (str(path), line, field)


def test_malformed_json_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (
        "{\n"
        f'  "principal": "{PRINCIPAL}"\n'
        '  "invocations": [{"model": "us.anthropic.claude-sonnet-4-6", "region": "us-east-1"}]\n'
        "}\n"
    )
    path = scenario(tmp_path, text, "scenario.json")
    message = cli_error(capsys, path)
    assert message.startswith(f"{path}:3: not valid YAML or JSON"), message


def test_json_scenario_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = {
        "principal": PRINCIPAL,
        "identity_policies": [{"name": "AllowBedrock", "document": json.loads(ALLOW)}],
        "invocations": [{"model": "us.anthropic.claude-sonnet-4-6", "region": "us-east-1"}],
    }
    path = scenario(tmp_path, json.dumps(doc, indent=2), "scenario.json")
    assert main(["check", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["verdict"] == "allowed"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("", "the scenario is empty"), ("# only a comment\n", "the scenario is empty")],
)
def test_empty_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, fragment: str) -> None:
    path = scenario(tmp_path, text)
    assert cli_error(capsys, path) == f"{path}: {fragment}"


def test_scenario_file_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "absent.yaml"
    assert cli_error(capsys, path) == f"{path}: cannot read scenario: No such file or directory"


def test_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"principal: \xe9t\xe9\n")
    assert cli_error(capsys, path) == f"{path}: scenario is not UTF-8 text"


def test_yaml_alias_bomb_is_refused_quickly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Nine levels of ten aliases each expand to 10**9 values; the loader must refuse, not expand them.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    path = scenario(tmp_path, "\n".join(lines) + f"\nprincipal: {PRINCIPAL}\n")
    started = time.monotonic()
    message = cli_error(capsys, path)
    assert time.monotonic() - started < 10
    assert message.startswith(f"{path}: more than ") and "aliases" in message


def test_huge_file_is_refused_unread(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(f"principal: {PRINCIPAL}\n")
        handle.write(("# padding " + "x" * 1000 + "\n") * 6000)
    message = cli_error(capsys, path)
    assert message.startswith(f"{path}: scenario is ") and "refusing more than" in message


def test_policy_file_is_read_relative_to_the_scenario(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "allow.json").write_text(ALLOW, encoding="utf-8")
    path = scenario(
        tmp_path, f"principal: {PRINCIPAL}\nidentity_policies:\n  - file: policies/allow.json\n{CALL}"
    )
    assert main(["check", str(path)]) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("name", "body", "fragment"),
    [
        (
            "broken.json",
            '{"Version": "2012-10-17",\n "Statement": [\n  {"Effect": "Allow",}\n ]\n}',
            "not valid JSON",
        ),
        (
            "bad-effect.json",
            '{"Version": "2012-10-17",\n "Statement": [\n  {"Effect": "Allwo", "Action": "*", "Resource": "*"}\n ]\n}',
            "must be Allow or Deny",
        ),
    ],
)
def test_bad_policy_file_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, body: str, fragment: str
) -> None:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / name).write_text(body, encoding="utf-8")
    path = scenario(
        tmp_path, f"principal: {PRINCIPAL}\nidentity_policies:\n  - file: policies/{name}\n{CALL}"
    )
    message = cli_error(capsys, path)
    assert name in message and fragment in message


def test_bad_policy_file_error_is_located(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "policies").mkdir()
    broken = tmp_path / "policies" / "broken.json"
    broken.write_text(
        '{"Version": "2012-10-17",\n "Statement": [\n  {"Effect": "Allow",}\n ]\n}', encoding="utf-8"
    )
    path = scenario(
        tmp_path, f"principal: {PRINCIPAL}\nidentity_policies:\n  - file: policies/broken.json\n{CALL}"
    )
    message = cli_error(capsys, path)
    assert f"{broken}:3" in message  # the policy file as found, with the line
    assert str(path) in message and "identity_policies[0].file" in message  # who referenced it


MISSING_LINE_CASES = [
    ("empty-invocations", f"principal: {PRINCIPAL}\ninvocations: []\n", 2, "invocations"),
    (
        "vpc-keys-without-endpoint",
        f"principal: {PRINCIPAL}\nnetwork:\n  vpc_source_ip: 10.0.0.1\n{CALL}",
        3,
        "network.vpc_endpoint",
    ),
    (
        "scp-level-without-target",
        f"principal: {PRINCIPAL}\norganization:\n  scps:\n    - policies: []\n{CALL}",
        4,
        "organization.scps[0].target",
    ),
]


@pytest.mark.parametrize(
    ("name", "text", "line", "field"), MISSING_LINE_CASES, ids=[c[0] for c in MISSING_LINE_CASES]
)
def test_errors_that_name_a_field_also_name_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, line: int, field: str
) -> None:
    path = scenario(tmp_path, text)
    assert_located(cli_error(capsys, path), path, line, field)


@pytest.mark.parametrize("region", ["us-est-1", "eu-west-9"])
def test_region_typo_matching_the_partition_pattern(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], region: str
) -> None:
    text = f"principal: {PRINCIPAL}\ninvocations:\n  - model: us.anthropic.claude-sonnet-4-6\n    region: {region}\n"
    path = scenario(tmp_path, text)
    assert_located(cli_error(capsys, path), path, 4, "invocations[0].region", f"unknown Region '{region}'")


def test_statement_without_resource_is_not_silently_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        f"principal: {PRINCIPAL}\nidentity_policies:\n  - name: NoResource\n"
        "    document: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 'bedrock:*'}]}\n" + CALL
    )
    path = scenario(tmp_path, text)
    code = main(["check", str(path)])
    out, err = capsys.readouterr()
    assert code != 0 or "Resource" in out + err


def test_client_only_scenario_is_not_reported_allowed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = scenario(tmp_path, f"principal: {PRINCIPAL}\nclient:\n  name: claude-code\n")
    code = main(["check", str(path), "--format", "json"])
    out, _ = capsys.readouterr()
    assert not (code == 0 and json.loads(out)["invocations"] == [])


def test_every_example_loads() -> None:
    for path in sorted(EXAMPLES.glob("*.yaml")):
        loaded = load_scenario(path)
        assert loaded.invocations, path
        # every invocation remembers where its model and Region came from
        written = len(loaded.raw.get("invocations") or [])
        for i, inv in enumerate(loaded.invocations):
            if i < written:
                assert inv.origin["model"] == f"{path} invocations[{i}].model"
            else:  # resolved from the client section: the origin names the client's own setting
                assert inv.origin["model"] and inv.origin["region"], inv
