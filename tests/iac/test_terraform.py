"""check --terraform-plan: the plan supplies the policies it manages, the scenario the rest; every call is
decided before (prior_state) and after (planned_values)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.iac._plans import EXAMPLES, plan, policy_text, resource, scenario, write

from bedrock_access.cli import main

REGION_DENY_WITH_CRIS = policy_text("scp-us-east-1-us-west-2-with-us-cris-exemption.json")
REGION_DENY = policy_text("scp-us-east-1-us-west-2-only.json")
CLAUDE = policy_text("claude-us-profiles.json")


def _check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", *argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def _scp(
    content: str,
    *,
    name: str = "RegionDeny",
    pid: str = "p-rd1",
    address: str = "aws_organizations_policy.deny",
) -> dict[str, Any]:
    return resource(address, {"id": pid, "name": name, "type": "SERVICE_CONTROL_POLICY", "content": content})


def _attach(
    target: str, pid: str = "p-rd1", address: str = "aws_organizations_policy_attachment.deny"
) -> dict[str, Any]:
    return resource(address, {"policy_id": pid, "target_id": target})


def test_shipped_example_reports_the_regression_with_the_terraform_address(capsys):
    code, doc = _check(
        capsys,
        str(EXAMPLES / "terraform/workloads-developer.yaml"),
        "--terraform-plan",
        str(EXAMPLES / "terraform/region-deny-drops-cris-exemption.plan.json"),
    )
    assert code == 1
    changes = {c["label"]: c for c in doc["changes"]}
    assert changes["main"]["before"] == "allowed" and changes["main"]["after"] == "denied"
    decided = changes["main"]["decided_by_after"][0]
    assert decided["type"] == "scp" and decided["policy"] == "RegionDenyWithCris"
    assert decided["address"] == "aws_organizations_policy.region_deny"
    # the after-plan decisions are the invocations, as check reports them
    assert [i["verdict"] for i in doc["invocations"]] == ["denied", "denied"]
    # the for_each attachment to an OU created by the plan is unknown, and said so
    assert any('region_deny["sandbox"]' in n and "after apply" in n for n in doc["iac"]["unknown"])


def test_text_puts_the_changed_calls_first(capsys):
    code = main(
        [
            "check",
            str(EXAMPLES / "terraform/workloads-developer.yaml"),
            "--terraform-plan",
            str(EXAMPLES / "terraform/region-deny-drops-cris-exemption.plan.json"),
        ]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out[0].startswith("2 call(s) change")
    assert out[1].strip().startswith("allowed → denied: main (us.anthropic.claude-sonnet-4-6 from us-east-1)")
    assert "now denied in us-east-2 by SCP RegionDenyWithCris" in out[1]
    assert out[1].endswith("(aws_organizations_policy.region_deny)")


def test_fail_on_regression_exits_1_only_for_allowed_to_denied(tmp_path, capsys):
    path = scenario(tmp_path)
    better = plan(
        prior=[_scp(REGION_DENY), _attach("ou-ab12-workloads")],
        planned=[_scp(REGION_DENY_WITH_CRIS), _attach("ou-ab12-workloads")],
    )
    code, doc = _check(capsys, path, "--terraform-plan", write(tmp_path, better), "--fail-on", "regression")
    assert code == 0
    assert [(c["before"], c["after"]) for c in doc["changes"]] == [("denied", "allowed")]
    worse = plan(
        prior=[_scp(REGION_DENY_WITH_CRIS), _attach("ou-ab12-workloads")],
        planned=[_scp(REGION_DENY), _attach("ou-ab12-workloads")],
    )
    code, doc = _check(capsys, path, "--terraform-plan", write(tmp_path, worse), "--fail-on", "regression")
    assert code == 1
    assert [(c["before"], c["after"]) for c in doc["changes"]] == [("allowed", "denied")]


def test_created_and_deleted_policies(tmp_path, capsys):
    path = scenario(tmp_path)
    created = plan(prior=[], planned=[_scp(REGION_DENY), _attach("ou-ab12-workloads")])
    _, doc = _check(capsys, path, "--terraform-plan", write(tmp_path, created))
    assert [(c["before"], c["after"]) for c in doc["changes"]] == [("allowed", "denied")]
    deleted = plan(prior=[_scp(REGION_DENY), _attach("ou-ab12-workloads")], planned=[])
    code, doc = _check(capsys, path, "--terraform-plan", write(tmp_path, deleted))
    assert code == 0
    assert [(c["before"], c["after"]) for c in doc["changes"]] == [("denied", "allowed")]


def test_a_policy_of_the_same_name_at_the_same_target_replaces_the_scenarios(tmp_path, capsys):
    # The scenario's FullAWSAccess at the OU is replaced by the plan's policy of that name, which allows
    # only Bedrock in us-east-1: the us-east-2/us-west-2 hops lose their SCP Allow at that level.
    only_use1 = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "bedrock:*",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
                }
            ],
        }
    )
    replaced = plan(planned=[_scp(only_use1, name="FullAWSAccess"), _attach("ou-ab12-workloads")])
    _, doc = _check(capsys, scenario(tmp_path), "--terraform-plan", write(tmp_path, replaced))
    (change,) = doc["changes"]
    assert change["after"] == "denied"
    assert change["decided_by_after"][0]["effect"] == "NoApplicableAllow"
    assert change["decided_by_after"][0]["level"] == "ou-ab12-workloads"


def test_unknown_policy_content_is_never_guessed(tmp_path, capsys):
    unknown_content = plan(
        planned=[
            resource(
                "aws_organizations_policy.deny",
                {"id": "p-rd1", "name": "RegionDeny", "type": "SERVICE_CONTROL_POLICY"},
            ),
            _attach("ou-ab12-workloads"),
        ],
        unknown={"aws_organizations_policy.deny": {"content": True}},
    )
    code, doc = _check(capsys, scenario(tmp_path), "--terraform-plan", write(tmp_path, unknown_content))
    assert code == 0
    assert any(
        "aws_organizations_policy.deny.content is known only after apply" in n for n in doc["iac"]["unknown"]
    )


def test_unknown_ids_resolve_through_configuration_references(tmp_path, capsys):
    """A new policy's id is unknown in the plan; the attachment's expression refers to the policy resource."""
    new_policy = resource(
        "aws_organizations_policy.deny",
        {"name": "RegionDeny", "type": "SERVICE_CONTROL_POLICY", "content": REGION_DENY},
    )
    attachment = resource("aws_organizations_policy_attachment.deny", {"target_id": "ou-ab12-workloads"})
    config = [
        {
            "address": "aws_organizations_policy_attachment.deny",
            "mode": "managed",
            "type": "aws_organizations_policy_attachment",
            "name": "deny",
            "expressions": {
                "policy_id": {
                    "references": ["aws_organizations_policy.deny.id", "aws_organizations_policy.deny"]
                },
                "target_id": {"constant_value": "ou-ab12-workloads"},
            },
        }
    ]
    doc_plan = plan(
        planned=[new_policy, attachment],
        unknown={
            "aws_organizations_policy.deny": {"id": True},
            "aws_organizations_policy_attachment.deny": {"policy_id": True},
        },
        config=config,
    )
    _, doc = _check(capsys, scenario(tmp_path), "--terraform-plan", write(tmp_path, doc_plan))
    assert [(c["before"], c["after"]) for c in doc["changes"]] == [("allowed", "denied")]


def test_attachment_to_a_target_off_the_scenarios_path_is_a_note(tmp_path, capsys):
    doc_plan = plan(planned=[_scp(REGION_DENY), _attach("ou-zz99-sandbox")])
    code, doc = _check(capsys, scenario(tmp_path), "--terraform-plan", write(tmp_path, doc_plan))
    assert code == 0 and doc["changes"] == []
    assert any("ou-zz99-sandbox" in n and "not on this scenario's path" in n for n in doc["iac"]["unknown"])


def test_role_policies_boundary_and_managed_attachments(tmp_path, capsys):
    """aws_iam_role (inline_policy, permissions_boundary), aws_iam_policy + role attachment → the caller's layers."""
    path = scenario(tmp_path)
    boundary_use1 = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "bedrock:*",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
                }
            ],
        }
    )
    role = resource(
        "aws_iam_role.dev",
        {
            "name": "BedrockDev",
            "arn": "arn:aws:iam::111122223333:role/BedrockDev",
            "inline_policy": [{"name": "Extra", "policy": CLAUDE}],
            "managed_policy_arns": [],
            "permissions_boundary": "arn:aws:iam::111122223333:policy/DevBoundary",
        },
    )
    boundary = resource(
        "aws_iam_policy.boundary",
        {
            "name": "DevBoundary",
            "arn": "arn:aws:iam::111122223333:policy/DevBoundary",
            "policy": boundary_use1,
        },
    )
    _, doc = _check(capsys, path, "--terraform-plan", write(tmp_path, plan(planned=[role, boundary])))
    (change,) = doc["changes"]
    assert change["after"] == "denied"
    assert change["decided_by_after"][0]["type"] == "pb"
    # no Allow in the boundary: the layer's policy is named, with the address that writes it
    assert change["decided_by_after"][0]["address"] == "aws_iam_policy.boundary"
    # the same boundary through an aws_iam_role_policy_attachment names its address when it denies explicitly
    deny_use2 = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "NoUsEast2",
                    "Effect": "Deny",
                    "Action": "bedrock:*",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-2"}},
                }
            ],
        }
    )
    managed = resource(
        "module.iam.aws_iam_policy.deny",
        {"name": "NoUsEast2", "arn": "arn:aws:iam::111122223333:policy/NoUsEast2", "policy": deny_use2},
    )
    attach = resource(
        "module.iam.aws_iam_role_policy_attachment.deny",
        {"role": "BedrockDev", "policy_arn": "arn:aws:iam::111122223333:policy/NoUsEast2"},
    )
    _, doc = _check(
        capsys,
        path,
        "--terraform-plan",
        write(tmp_path, plan(child_modules={"module.iam": [managed, attach]})),
    )
    (change,) = doc["changes"]
    assert change["after"] == "denied"
    assert change["decided_by_after"][0]["address"] == "module.iam.aws_iam_policy.deny"
    assert change["decided_by_after"][0]["sid"] == "NoUsEast2"


def test_vpc_endpoint_policy_for_bedrock_runtime(tmp_path, capsys):
    path = scenario(tmp_path, "network:\n  vpc_endpoint: vpce-0a1b2c3d4e5f60718")
    only_haiku = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "bedrock:*",
                    "Resource": "arn:aws:bedrock:*::foundation-model/anthropic.claude-haiku-*",
                }
            ],
        }
    )
    endpoint = resource(
        "aws_vpc_endpoint.bedrock",
        {
            "id": "vpce-0a1b2c3d4e5f60718",
            "service_name": "com.amazonaws.us-east-1.bedrock-runtime",
            "policy": only_haiku,
        },
    )
    _, doc = _check(capsys, path, "--terraform-plan", write(tmp_path, plan(planned=[endpoint])))
    (change,) = doc["changes"]
    assert change["after"] == "denied"
    assert change["decided_by_after"][0]["type"] == "vpce"


def test_resource_control_policy_is_laid_on_the_same_path(tmp_path, capsys):
    from bedrock_access.iam.service_data import rcp_supported_services

    deny_all = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "NoBedrock",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "bedrock:*",
                    "Resource": "*",
                }
            ],
        }
    )
    rcp = resource(
        "aws_organizations_policy.rcp",
        {"id": "p-rcp1", "name": "NoBedrock", "type": "RESOURCE_CONTROL_POLICY", "content": deny_all},
    )
    _, doc = _check(
        capsys,
        scenario(tmp_path),
        "--terraform-plan",
        write(tmp_path, plan(planned=[rcp, _attach("r-ab12", "p-rcp1")])),
    )
    # RCPs apply only to the services AWS lists for them; the plan's RCP is laid at the root either way,
    # beside the RCPFullAWSAccess that AWS attaches everywhere.
    if "bedrock" in rcp_supported_services():
        assert doc["changes"][0]["decided_by_after"][0]["address"] == "aws_organizations_policy.rcp"
    else:
        assert doc["changes"] == [] and doc["invocations"][0]["verdict"] == "allowed"


def test_rcp_overlay_holds_full_access_and_the_plans_policy(tmp_path):
    from bedrock_access.iac.overlay import overlay
    from bedrock_access.iac.terraform import read_plan
    from bedrock_access.scenario import load_scenario

    rcp = resource(
        "aws_organizations_policy.rcp",
        {"id": "p-rcp1", "name": "NoBedrock", "type": "RESOURCE_CONTROL_POLICY", "content": REGION_DENY},
    )
    change = read_plan(plan(planned=[rcp, _attach("r-ab12", "p-rcp1")]), "plan.json")
    result = overlay(load_scenario(scenario(tmp_path)), change, change.after).scenario
    assert result.rcp_levels is not None
    root, ou, _account = result.rcp_levels
    assert [p.policy.name for p in root.policies] == ["RCPFullAWSAccess", "NoBedrock"]
    assert [p.policy.name for p in ou.policies] == ["RCPFullAWSAccess"]
    assert result.policy_set().rcp_levels is not None


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"hello": "world"}, "not a Terraform plan"),
        ({"format_version": "2.0", "planned_values": {}}, "format_version '2.0' is not supported"),
        ({"format_version": "1.0", "values": {"root_module": {}}}, "this is Terraform state, not a plan"),
    ],
)
def test_bad_plans_are_one_line_and_exit_2(tmp_path, capsys, doc, message):
    code = main(["check", scenario(tmp_path), "--terraform-plan", write(tmp_path, doc)])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1


def test_policy_document_that_is_not_json_names_the_address(tmp_path, capsys):
    bad = plan(planned=[_scp("{not json"), _attach("ou-ab12-workloads")])
    code = main(["check", scenario(tmp_path), "--terraform-plan", write(tmp_path, bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert "aws_organizations_policy.deny" in err and "not valid JSON" in err
    assert len(err.strip().splitlines()) == 1


def test_plan_that_is_not_json_or_missing(tmp_path, capsys):
    bad = tmp_path / "plan.json"
    bad.write_text("Terraform will perform the following actions:")
    assert main(["check", scenario(tmp_path), "--terraform-plan", str(bad)]) == 2
    assert "not JSON" in capsys.readouterr().err
    assert main(["check", scenario(tmp_path), "--terraform-plan", str(tmp_path / "nope.json")]) == 2
    assert "nope.json" in capsys.readouterr().err


def test_plan_needs_a_scenario(capsys, tmp_path):
    assert main(["check", "--terraform-plan", write(tmp_path, plan())]) == 2
    assert "needs a SCENARIO" in capsys.readouterr().err


def test_markdown_is_a_pull_request_comment(capsys):
    code = main(
        [
            "check",
            str(EXAMPLES / "terraform/workloads-developer.yaml"),
            "--terraform-plan",
            str(EXAMPLES / "terraform/region-deny-drops-cris-exemption.plan.json"),
            "--format",
            "markdown",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith("### bedrock-access:")
    assert "| main (us.anthropic.claude-sonnet-4-6 from us-east-1) |" in out
    assert "(aws_organizations_policy.region_deny)" in out
    assert "<details>" in out


def test_for_each_instances_resolve_their_own_key(tmp_path: Path, capsys):
    """Two instances of one for_each policy and attachment: each attachment refers to its own instance."""
    policies = [
        resource(
            'aws_organizations_policy.deny["a"]',
            {"name": "DenyA", "type": "SERVICE_CONTROL_POLICY", "content": REGION_DENY},
            index="a",
        ),
        resource(
            'aws_organizations_policy.deny["b"]',
            {"name": "DenyB", "type": "SERVICE_CONTROL_POLICY", "content": REGION_DENY_WITH_CRIS},
            index="b",
        ),
    ]
    attachments = [
        resource('aws_organizations_policy_attachment.deny["a"]', {"target_id": "ou-zz99-other"}, index="a"),
        resource(
            'aws_organizations_policy_attachment.deny["b"]', {"target_id": "ou-ab12-workloads"}, index="b"
        ),
    ]
    config = [
        {
            "address": "aws_organizations_policy_attachment.deny",
            "mode": "managed",
            "type": "aws_organizations_policy_attachment",
            "name": "deny",
            "expressions": {
                "policy_id": {
                    "references": [
                        'aws_organizations_policy.deny["each.key"].id',
                        "aws_organizations_policy.deny",
                    ]
                }
            },
        }
    ]
    doc_plan = plan(
        planned=policies + attachments,
        config=config,
        unknown={a["address"]: {"policy_id": True} for a in attachments},
    )
    _, doc = _check(capsys, scenario(tmp_path), "--terraform-plan", write(tmp_path, doc_plan))
    # DenyB (with the cross-Region exemption) lands on the scenario's OU; DenyA goes elsewhere
    assert doc["invocations"][0]["verdict"] == "allowed"
    assert any("ou-zz99-other" in n for n in doc["iac"]["unknown"])
