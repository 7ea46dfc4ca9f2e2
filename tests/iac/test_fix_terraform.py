"""fix --terraform-plan / --terraform: fixes of the calls a plan breaks, written as Terraform keyed by the
plan's addresses."""

from __future__ import annotations

import json

import hcl2
from hypothesis import given
from hypothesis import strategies as st
from tests.iac._plans import EXAMPLES, plan, policy_text, resource, scenario, write

from bedrock_access.cli import main
from bedrock_access.report.fix_terraform_plan import hcl, resource_type


def _literal(text: str) -> str:
    """An HCL string literal as Terraform reads it (python-hcl2 keeps the quotes and the escapes)."""
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return json.loads(text).replace("$${", "${").replace("%%{", "%{")
    return text


def _unquoted(value):
    if isinstance(value, dict):
        return {_literal(k): _unquoted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unquoted(v) for v in value]
    if isinstance(value, str):
        return _literal(value)
    return value


def _read_back(text: str):
    return _unquoted(hcl2.loads("x = " + text)["x"])


PLAN = str(EXAMPLES / "terraform/region-deny-drops-cris-exemption.plan.json")
SCENARIO = str(EXAMPLES / "terraform/workloads-developer.yaml")


def test_fix_of_a_plan_sets_the_attribute_of_the_resource_the_plan_names(capsys):
    code = main(["fix", SCENARIO, "--terraform-plan", PLAN, "--terraform"])
    out = capsys.readouterr().out
    assert code == 0
    assert "# aws_organizations_policy.region_deny: set\ncontent = jsonencode({" in out
    parsed = hcl2.loads(out.split("\n\n\n")[0])  # the first alternative is valid HCL
    assert "content" in parsed


def test_the_written_fix_passes_when_put_back_into_the_plan(tmp_path, capsys):
    """Apply the first alternative's document to the plan's resource, and check the plan again."""
    code = main(["fix", SCENARIO, "--terraform-plan", PLAN, "--terraform"])
    out = capsys.readouterr().out
    assert code == 0
    first = out.split("\n\n\n")[0]
    expression = first[first.index("jsonencode(") + len("jsonencode(") : first.rindex(")")]
    document = _read_back(expression)
    fixed = json.loads((EXAMPLES / "terraform/region-deny-drops-cris-exemption.plan.json").read_text())
    for r in fixed["planned_values"]["root_module"]["resources"]:
        if r["address"] == "aws_organizations_policy.region_deny":
            r["values"]["content"] = json.dumps(document)
    assert main(["check", SCENARIO, "--terraform-plan", write(tmp_path, fixed), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {i["verdict"] for i in doc["invocations"]} == {"allowed"}


def test_policies_the_plan_does_not_manage_become_new_resources(tmp_path, capsys):
    """The scenario's own identity policy is missing a grant: a new resource, not an address of the plan."""
    path = scenario(tmp_path)
    deny = resource(
        "aws_organizations_policy.deny",
        {
            "id": "p-1",
            "name": "RegionDeny",
            "type": "SERVICE_CONTROL_POLICY",
            "content": policy_text("scp-us-east-1-us-west-2-only.json"),
        },
    )
    attach = resource(
        "aws_organizations_policy_attachment.deny", {"policy_id": "p-1", "target_id": "ou-ab12-workloads"}
    )
    code = main(
        ["fix", path, "--terraform-plan", write(tmp_path, plan(planned=[deny, attach])), "--terraform"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "aws_organizations_policy.deny: set" in out


def test_out_is_refused_with_a_plan(tmp_path, capsys):
    code = main(["fix", SCENARIO, "--terraform-plan", PLAN, "--out", str(tmp_path / "o")])
    assert code == 2
    assert "use --terraform" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_policy_variables_stay_literal_in_terraform():
    text = hcl({"Resource": "arn:aws:s3:::bucket/${aws:username}/*", "x": "%{if}"})
    assert "$${aws:username}" in text and "%%{if}" in text


def test_resource_type_of_module_and_indexed_addresses():
    assert (
        resource_type('module.org.module.scps.aws_organizations_policy.deny["eu"]')
        == "aws_organizations_policy"
    )
    assert resource_type("aws_iam_role_policy.dev[0]") == "aws_iam_role_policy"


_json = st.recursive(
    st.one_of(st.booleans(), st.integers(-1000, 1000), st.text(alphabet='abc:/*-_ {}\\"', max_size=12)),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(alphabet="abcAB:", min_size=1, max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.text(alphabet="abcAB:", min_size=1, max_size=8), _json, min_size=1, max_size=4))
def test_hcl_reads_back_as_the_same_document(document):
    # "$" and "%" stay out of the alphabet: python-hcl2 cannot parse every form of Terraform's $${ and %%{
    # escapes (test_policy_variables_stay_literal_in_terraform checks them).
    assert _read_back(hcl(document)) == document
