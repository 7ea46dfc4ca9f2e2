"""matrix SNAPSHOT --terraform-plan: the organization decided before and after a plan; the cells that change."""

from __future__ import annotations

import json

from tests.iac._plans import EXAMPLES, plan, resource, write

from bedrock_access.cli import main

SNAPSHOT = str(EXAMPLES / "org-snapshot")
SANDBOX_PLAN = str(EXAMPLES / "terraform/sandbox-drops-cris-exemption.plan.json")
MODEL = ["--model", "us.anthropic.claude-sonnet-4-6", "--region", "us-east-1", "--region", "us-west-2"]


def _json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(["matrix", SNAPSHOT, *argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_the_cells_a_plan_breaks_name_the_terraform_address(capsys):
    code, doc = _json(capsys, "--terraform-plan", SANDBOX_PLAN, *MODEL, "--fail-on", "regression")
    assert code == 1
    changes = doc["changes"]
    # only the sandbox account's principal (the Developer permission set) is under the edited SCP
    assert {c["account_id"] for c in changes} == {"777788889999"}
    assert {(c["source_region"], c["before"], c["after"]) for c in changes} == {
        ("us-east-1", "allowed", "denied"),
        ("us-west-2", "allowed", "denied"),
    }
    decided = changes[0]["decided_by_after"][0]
    assert decided["policy"] == "DenyOutsideApprovedRegionsWithCris"
    assert decided["address"] == "aws_organizations_policy.sandbox_region_deny"
    assert changes[0]["denied_regions_after"] == ["us-east-2"]


def test_no_change_exits_on_the_after_verdicts_or_regressions(tmp_path, capsys):
    unchanged = json.loads((EXAMPLES / "terraform/sandbox-drops-cris-exemption.plan.json").read_text())
    unchanged["planned_values"] = {"root_module": unchanged["prior_state"]["values"]["root_module"]}
    path = write(tmp_path, unchanged)
    code, doc = _json(capsys, "--terraform-plan", path, *MODEL, "--fail-on", "regression")
    assert code == 0 and doc["changes"] == []
    code, _ = _json(capsys, "--terraform-plan", path, *MODEL)
    assert code == 1  # some cells of the organization are denied after the plan (as before)


def test_a_permission_set_change_reaches_every_account_it_is_assigned_to(tmp_path, capsys):
    permission_set = resource(
        "aws_ssoadmin_permission_set.developer",
        {"name": "Developer", "arn": "arn:aws:sso:::permissionSet/ssoins-1/ps-1"},
    )

    def inline(statement: dict) -> dict:
        return resource(
            "aws_ssoadmin_permission_set_inline_policy.developer",
            {
                "permission_set_arn": "arn:aws:sso:::permissionSet/ssoins-1/ps-1",
                "inline_policy": json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
            },
        )

    bedrock = {"Effect": "Allow", "Action": "bedrock:InvokeModel*", "Resource": "*"}
    s3_only = {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}
    doc_plan = plan(prior=[permission_set, inline(bedrock)], planned=[permission_set, inline(s3_only)])
    _, doc = _json(capsys, "--terraform-plan", write(tmp_path, doc_plan), *MODEL)
    changed = {(c["account_id"], c["permission_set"], c["before"], c["after"]) for c in doc["changes"]}
    # the sandbox Developer loses its Bedrock grant: the plan's inline policy replaces the snapshot's
    assert ("777788889999", "Developer", "allowed", "denied") in changed
    assert all(c["permission_set"] == "Developer" for c in doc["changes"])


def test_text_and_markdown(capsys):
    assert main(["matrix", SNAPSHOT, "--terraform-plan", SANDBOX_PLAN, *MODEL]) == 1
    out = capsys.readouterr().out
    assert out.startswith("2 of ")
    assert "(aws_organizations_policy.sandbox_region_deny)" in out
    main(["matrix", SNAPSHOT, "--terraform-plan", SANDBOX_PLAN, *MODEL, "--format", "markdown"])
    md = capsys.readouterr().out
    assert md.startswith("### bedrock-access:") and "| principal | model |" in md


def test_html_is_refused_with_a_plan(capsys):
    assert (
        main(["matrix", SNAPSHOT, "--terraform-plan", SANDBOX_PLAN, "--format", "html", "-o", "x.html"]) == 2
    )
    assert "text, json and markdown" in capsys.readouterr().err
