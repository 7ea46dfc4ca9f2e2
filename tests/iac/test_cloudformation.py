"""check --cloudformation: a template's SCPs, roles and permission sets over a scenario, with intrinsic
functions resolved where the template alone decides them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.iac._plans import EXAMPLES, scenario

from bedrock_access.cli import main
from bedrock_access.errors import InputError
from bedrock_access.iac.cloudformation import Pseudo, read_template
from bedrock_access.iac.load import load_template

SCENARIO = str(EXAMPLES / "terraform/workloads-developer.yaml")
TEMPLATES = EXAMPLES / "cloudformation"


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict]:
    code = main(["check", *argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_before_and_after_templates_report_the_regression(capsys):
    code, doc = _json(
        capsys,
        SCENARIO,
        "--cloudformation",
        str(TEMPLATES / "guardrails-proposed.template"),
        "--cloudformation-before",
        str(TEMPLATES / "guardrails.template"),
    )
    assert code == 1
    assert [(c["label"], c["before"], c["after"]) for c in doc["changes"]] == [
        ("main", "allowed", "denied"),
        ("background", "allowed", "denied"),
    ]
    decided = doc["changes"][0]["decided_by_after"][0]
    assert (decided["policy"], decided["sid"], decided["address"]) == (
        "RegionDenyWithCris",
        "DenyUnapprovedRegions",
        "RegionDeny.Content",
    )


def test_single_template_is_compared_with_the_scenario_as_written(capsys):
    code, doc = _json(capsys, SCENARIO, "--cloudformation", str(TEMPLATES / "guardrails.template"))
    assert code == 0
    assert doc["iac"]["before"] == "the scenario as written"
    # the scenario has no identity policy; the permission set's inline policy (with !Sub of the account)
    # grants the calls, and the list parameter keeps us-east-1 and us-west-2 approved
    assert {(c["before"], c["after"]) for c in doc["changes"]} == {("denied", "allowed")}


def _pseudo() -> Pseudo:
    return Pseudo("111122223333", "us-east-1", "aws")


def test_short_forms_and_intrinsics_resolve(tmp_path: Path):
    template = tmp_path / "t.yaml"
    template.write_text(
        """
Parameters:
  Env: {Type: String, Default: prod}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: !Join ["-", [dev, !Ref Env, boundary]]
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Action: bedrock:*
            Resource: !Sub
              - "arn:${AWS::Partition}:bedrock:${Region}::foundation-model/*"
              - Region: !Select [0, !Split [",", "us-east-1,us-west-2"]]
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: !If [IsProd, BedrockDev, BedrockDevTest]
      PermissionsBoundary: !Ref Boundary
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess]
      Policies:
        - PolicyName: Invoke
          PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "bedrock:Invoke*", Resource: "*"}]}
"""
    )
    side = read_template(load_template(str(template)), str(template), _pseudo())
    layers = side.roles["BedrockDev"]
    assert [p.name for p in layers.identity] == ["Invoke", "AmazonBedrockLimitedAccess"]
    assert layers.identity[1].document is None and "not in the template" in (layers.identity[1].unknown or "")
    assert layers.boundary is not None and layers.boundary.name == "dev-prod-boundary"
    statement = layers.boundary.document["Statement"][0]  # type: ignore[index]
    assert statement["Resource"] == "arn:aws:bedrock:us-east-1::foundation-model/*"


def test_import_value_is_unknown_never_guessed(tmp_path: Path):
    template = tmp_path / "t.json"
    template.write_text(
        json.dumps(
            {
                "Resources": {
                    "Deny": {
                        "Type": "AWS::Organizations::Policy",
                        "Properties": {
                            "Name": "Deny",
                            "Type": "SERVICE_CONTROL_POLICY",
                            "TargetIds": [{"Fn::ImportValue": "workloads-ou"}],
                            "Content": "{}",
                        },
                    }
                }
            }
        )
    )
    side = read_template(load_template(str(template)), str(template), _pseudo())
    assert side.org == ()
    assert any("Deny.TargetIds" in n and "Fn::ImportValue" in n for n in side.notes)


def test_permission_set_with_managed_and_customer_policies(tmp_path: Path, capsys):
    template = tmp_path / "ps.yaml"
    template.write_text(
        """
Resources:
  Developer:
    Type: AWS::SSO::PermissionSet
    Properties:
      InstanceArn: arn:aws:sso:::instance/ssoins-1
      Name: Developer
      ManagedPolicies: [arn:aws:iam::aws:policy/AmazonBedrockFullAccess]
      CustomerManagedPolicyReferences: [{Name: BedrockBoundary}]
      PermissionsBoundary:
        CustomerManagedPolicyReference: {Name: DevBoundary, Path: /}
"""
    )
    code, doc = _json(capsys, SCENARIO, "--cloudformation", str(template))
    unknown = " ".join(doc["iac"]["unknown"])
    assert "AmazonBedrockFullAccess is not in the template" in unknown
    assert "customer managed policy BedrockBoundary lives in each account" in unknown
    assert "customer managed policy DevBoundary" in unknown
    assert code == 1  # nothing known grants the calls


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("just: [a, list", "not valid YAML or JSON"),
        ("AWSTemplateFormatVersion: '2010-09-09'\n", "not a CloudFormation template"),
    ],
)
def test_bad_templates(tmp_path: Path, capsys, text: str, message: str):
    template = tmp_path / "bad.yaml"
    template.write_text(text)
    assert main(["check", scenario(tmp_path), "--cloudformation", str(template)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_before_without_after_is_refused(tmp_path, capsys):
    assert main(["check", SCENARIO, "--cloudformation-before", str(TEMPLATES / "guardrails.template")]) == 2
    assert "needs --cloudformation" in capsys.readouterr().err


def test_deep_templates_are_refused(tmp_path: Path):
    template = tmp_path / "deep.json"
    template.write_text("[" * 300 + "]" * 300)
    with pytest.raises(InputError, match="nested deeper"):
        load_template(str(template))
