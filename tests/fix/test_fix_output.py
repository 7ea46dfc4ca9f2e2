"""`fix` output people can act on: the alternatives first, each document once, and `--out` with an
APPLY.md per alternative (ready AWS CLI commands and Terraform) that never applies a Control
Tower-managed SCP by hand."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bedrock_access.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CT = EXAMPLES / "control-tower-region-deny.yaml"


def _fix(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["fix", *args])
    return code, capsys.readouterr().out


def _bash_blocks(markdown: str) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", markdown, flags=re.S)


def test_alternatives_are_listed_one_line_each_before_the_details(capsys):
    code, text = _fix(capsys, str(CT))
    assert code == 0
    lines = text.splitlines()
    listed = lines.index("Alternatives: 2")
    assert lines[listed + 1].startswith("  1. ct-ou-control (recommended): CHECKED:")
    assert any(line.startswith("  2. ct-govern-regions: WIDENS:") for line in lines[listed : listed + 6])
    assert listed < lines.index(next(line for line in lines if line.startswith("Alternative 1 ")))


def test_each_document_once_as_a_diff_by_default(capsys):
    _, text = _fix(capsys, str(CT))
    assert text.count('"Sid": "GRREGIONDENY"') == 0  # the landing-zone SCP only as a diff
    assert text.count('+            "us-east-2",') == 1  # its diff once, though two alternatives change it
    assert "document: the same as change 1 of alternative 1" in text
    assert text.count('"Sid": "CTMULTISERVICEPV1"') == 0  # written by Control Tower from the parameters
    assert len(text.splitlines()) < 200  # was 452 lines with every document in full and again as a diff
    _, full = _fix(capsys, str(CT), "--show-documents")
    assert full.count('"Sid": "GRREGIONDENY"') == 1
    assert full.count('"Sid": "CTMULTISERVICEPV1"') == 1


def test_managed_scps_are_marked_and_no_placeholder_command_is_printed(capsys):
    _, text = _fix(capsys, str(CT))
    assert text.count("managed by Control Tower") == 3  # GRREGIONDENY twice, the control's SCP once
    assert "<CT.MULTISERVICE.PV.1 control ARN>" not in text


def test_apply_md_for_control_tower(tmp_path, capsys):
    out = tmp_path / "out"
    code, _ = _fix(capsys, str(CT), "--out", str(out))
    assert code == 0
    apply = (out / "APPLY.md").read_text(encoding="utf-8")
    assert "## Managed by Control Tower: not to be applied by hand" in apply
    assert "proof-only/aws-guardrails-GRREGIONDENY.json" in apply
    blocks = _bash_blocks(apply)
    commands = "\n".join(blocks)
    assert "<" not in commands.replace("<<", "")  # no placeholders left to fill in
    # the OU Region deny control, by its real identifier (looked up in the Control Catalog by its alias)
    assert "aws controlcatalog list-controls" in commands and "'CT.MULTISERVICE.PV.1'" in commands
    assert 'aws controltower enable-control --control-identifier "$CONTROL_ARN"' in commands
    assert '"key":"AllowedRegions","value":["us-east-1"]' in commands
    assert "update-landing-zone" in commands and '["us-east-2", "us-west-2"]' in commands
    # the custom SCP is created and attached; the managed ones never are
    assert (
        "aws organizations create-policy --type SERVICE_CONTROL_POLICY --name BedrockInvokeThroughProfilesOnly"
        in commands
    )
    assert 'attach-policy --policy-id "$POLICY_ID" --target-id ou-ab12-workloads' in commands
    assert "aws-guardrails" not in re.sub(
        r"#.*",
        "",
        "\n".join(
            line
            for line in commands.splitlines()
            if "create-policy" in line or "attach-policy" in line or "update-policy" in line
        ),
    )
    terraform = re.search(r"```hcl\n(.*?)```", apply, flags=re.S)
    assert terraform is not None
    hcl = terraform.group(1)
    assert (
        'resource "aws_controltower_control"' in hcl
        and 'resource "aws_organizations_policy_attachment"' in hcl
    )
    assert hcl.count('resource "aws_organizations_policy" ') == 1  # only the custom SCP
    assert hcl.count("{") == hcl.count("}")
    # the other alternative has its own APPLY.md
    assert "update-landing-zone" in (out / "ct-govern-regions" / "APPLY.md").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash to check the syntax")
@pytest.mark.parametrize(
    ("example", "expected"),
    [
        ("control-tower-region-deny.yaml", "aws controltower enable-control"),
        ("eu-data-residency-paris-only-iam.yaml", "aws iam put-role-policy --role-name paris-rag-app"),
        ("s01-custom-region-deny-scp.yaml", 'aws organizations update-policy --policy-id "$POLICY_ID"'),
        (
            "s17-identity-region-restriction-blocks-global.yaml",
            "aws sso-admin put-inline-policy-to-permission-set",
        ),
        ("s19-ip-allow-list-home.yaml", "aws iam put-user-policy --user-name erin"),
    ],
)
def test_apply_commands_are_valid_bash(tmp_path, capsys, example, expected):
    out = tmp_path / "out"
    assert main(["fix", str(EXAMPLES / example), "--out", str(out)]) == 0
    capsys.readouterr()
    apply = (out / "APPLY.md").read_text(encoding="utf-8")
    blocks = _bash_blocks(apply)
    assert blocks and expected in "\n".join(blocks)
    for block in blocks:
        check = subprocess.run(["bash", "-n"], input=block, text=True, capture_output=True, check=False)
        assert check.returncode == 0, (block, check.stderr)
    for path in re.findall(r"file://(\S+)", "\n".join(blocks)):
        if path != "manifest.json":
            assert (out / path).is_file(), path  # every document a command reads is written


def test_json_says_what_each_written_file_is(tmp_path, capsys):
    import json

    out = tmp_path / "out"
    assert main(["fix", str(CT), "--out", str(out), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    roles = {Path(f["path"]).relative_to(out).as_posix(): f["role"] for f in doc["written_files"]}
    assert roles["scenario.yaml"] == "scenario" and roles["APPLY.md"] == "apply"
    assert roles["proof-only/aws-guardrails-GRREGIONDENY.json"] == "proof-only"
    assert roles["policies/BedrockInvokeThroughProfilesOnly.json"] == "added"
    assert roles["policies/FullAWSAccess.json"] == "copy"
    assert len(roles) == len(doc["written_files"])  # nothing written twice


@pytest.mark.parametrize(
    ("example", "resource"),
    [
        ("eu-data-residency-paris-only-iam.yaml", 'resource "aws_iam_role_policy"'),
        (
            "s17-identity-region-restriction-blocks-global.yaml",
            'resource "aws_ssoadmin_permission_set_inline_policy"',
        ),
        ("s19-ip-allow-list-home.yaml", 'resource "aws_iam_user_policy"'),
        ("s01-custom-region-deny-scp.yaml", 'resource "aws_organizations_policy"'),
    ],
)
def test_terraform_names_the_resource_and_reads_the_written_document(tmp_path, capsys, example, resource):
    out = tmp_path / "out"
    assert main(["fix", str(EXAMPLES / example), "--out", str(out)]) == 0
    capsys.readouterr()
    apply = (out / "APPLY.md").read_text(encoding="utf-8")
    hcl = re.search(r"```hcl\n(.*?)```", apply, flags=re.S)
    assert hcl is not None
    text = hcl.group(1)
    assert resource in text
    assert text.count("{") == text.count("}")
    for path in re.findall(r'file\("\$\{path.module\}/([^"]+)"\)', text):
        assert (out / path).is_file(), path
    for variable in re.findall(r"var\.(\w+)", text):
        assert f'variable "{variable}"' in text  # every variable used is declared, with where to find it
