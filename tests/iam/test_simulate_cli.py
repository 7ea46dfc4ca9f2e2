"""The ``simulate`` verb: flags for people (text/JSON, exit codes) and ``--jsonl`` for batches.

Rules: the decisions follow EVAL/DENYALLOW as tested elsewhere; the batch format is the oracle's
(/work/shared/oracle/README.md) as documented in docs/simulate.md. Every test names the AWS rule its
expected decision comes from.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bedrock_access.cli import main

from ._support import (
    ACCOUNT,
    FM,
    FM_EU,
    MANAGEMENT_ACCOUNT,
    OTHER_ACCOUNT,
    PROFILE,
    SLR,
    SLR_SESSION,
    USER,
    allow,
    deny,
    document,
)

FULL = document(allow())
INVOKE = document(allow("bedrock:InvokeModel", "arn:aws:bedrock:*::foundation-model/*", Sid="Invoke"))
DENY_S3 = document(deny("s3:*", Sid="NoS3"))
REGION_DENY = document(
    {
        "Sid": "DenyOutsideApprovedRegions",
        "Effect": "Deny",
        "NotAction": ["iam:*", "sts:*"],
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}},
    }
)


def run(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: str | None = None,
) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(
            sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8")
        )
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, doc: Any) -> str:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return str(path)


def entry(name: str, doc: Any) -> dict[str, Any]:
    return {"name": name, "policy": doc}


def line(
    id_: Any,
    *,
    principal: str = USER,
    action: str = "bedrock:InvokeModel",
    resource: Any = FM,
    context: dict[str, Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    request: dict[str, Any] = {"principal": principal, "action": action, "resource": resource}
    if context is not None:
        request["contextVariables"] = context
    return {"id": id_, "request": request, **fields}


def batch(
    lines: list[Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> tuple[int, list[dict[str, Any]]]:
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    code, out, _ = run(["simulate", "--jsonl", "-"], capsys, monkeypatch, stdin=text)
    return code, [json.loads(o) for o in out.splitlines()]


# --- flags mode ------------------------------------------------------------------------------


def test_flags_allowed_prints_text_and_exits_0(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """EVAL: an identity Allow grants ⇒ Allowed; exit 0 means allowed.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    code, out, _ = run(
        [
            "simulate",
            "--identity",
            write(tmp_path, "BedrockInvoke.json", INVOKE),
            "--action",
            "bedrock:InvokeModel",
            "--resource",
            FM,
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0
    assert "Decision: Allowed" in out
    assert "BedrockInvoke" in out  # the policy is named after its file


def test_flags_implicit_deny_exits_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """EVAL: no applicable Allow ⇒ ImplicitlyDenied; exit 1 means denied.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    code, out, _ = run(
        [
            "simulate",
            "--identity",
            json.dumps(INVOKE),
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::b/k",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 1
    assert "Decision: ImplicitlyDenied" in out


def test_flags_explicit_scp_deny_json_names_level_policy_and_sid(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """SCPEVAL: a Deny at an OU level denies; the JSON output names the level, policy, Sid, index.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html"""
    full = write(tmp_path, "FullAWSAccess.json", FULL)
    region = write(tmp_path, "RegionDeny.json", REGION_DENY)
    argv = [
        "simulate", "--identity", json.dumps(INVOKE), "--action", "bedrock:InvokeModel", "--resource", FM_EU,
        "--context", "aws:RequestedRegion=eu-west-1",
        "--scp", f"r-ab12={full}", "--scp", f"ou-dev={full},{region}", "--scp", f"{ACCOUNT}={full}",
        "--format", "json",
    ]  # fmt: skip
    code, out, _ = run(argv, capsys, monkeypatch)
    assert code == 1
    payload = json.loads(out)
    assert payload["decision"] == "ExplicitlyDenied"
    assert payload["decisive"] == [
        {
            "type": "scp",
            "level": "ou-dev",
            "policy": "RegionDeny",
            "sid": "DenyOutsideApprovedRegions",
            "index": 1,
            "effect": "Deny",
        }
    ]
    assert payload["request"]["action"] == "bedrock:InvokeModel"
    assert payload["request"]["context"] == {"aws:RequestedRegion": "eu-west-1"}


def test_flags_management_account_is_exempt_from_scps(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """SCP "Tasks and entities not restricted by SCPs": the management account.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html"""
    deny_all = write(tmp_path, "DenyAll.json", document(deny()))
    admin = f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:user/admin"
    base = [
        "simulate",
        "--principal",
        admin,
        "--identity",
        json.dumps(FULL),
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--scp",
        f"r-ab12={deny_all}",
    ]
    assert run(base, capsys, monkeypatch)[0] == 1
    assert run([*base, "--management-account", MANAGEMENT_ACCOUNT], capsys, monkeypatch)[0] == 0


def test_flags_service_linked_role_is_exempt_from_scps(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """SLR/SCP: service-linked roles (path /aws-service-role/) are not restricted by SCPs; a session's
    path comes from aws:PrincipalArn.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html"""
    deny_all = write(tmp_path, "DenyAll.json", document(deny()))
    common = [
        "simulate",
        "--identity",
        json.dumps(FULL),
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--scp",
        f"r-ab12={deny_all}",
    ]
    assert run([*common, "--principal", SLR], capsys, monkeypatch)[0] == 0
    assert run([*common, "--principal", SLR_SESSION], capsys, monkeypatch)[0] == 1
    assert (
        run(
            [*common, "--principal", SLR_SESSION, "--context", f"aws:PrincipalArn={SLR}"], capsys, monkeypatch
        )[0]
        == 0
    )


def test_flags_repeated_context_key_is_multivalued(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """MULTI: ForAllValues checks every value of a multivalued key.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"""
    doc = document(allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["project", "owner"]}}))
    base = ["simulate", "--identity", json.dumps(doc), "--action", "bedrock:TagResource", "--resource", FM]
    assert (
        run(
            [*base, "--context", "aws:TagKeys=project", "--context", "aws:TagKeys=owner"], capsys, monkeypatch
        )[0]
        == 0
    )
    assert (
        run(
            [*base, "--context", "aws:TagKeys=project", "--context", "aws:TagKeys=cost"], capsys, monkeypatch
        )[0]
        == 1
    )


def test_flags_boundary_and_session_policy_limit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """BOUND/SESSION: the boundary and the session policy each limit the identity Allow.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    session_arn = f"arn:aws:sts::{ACCOUNT}:assumed-role/Dev/s"
    base = [
        "simulate",
        "--principal",
        session_arn,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--identity",
        json.dumps(FULL),
    ]
    narrow = json.dumps(document(allow("ec2:*")))
    assert (
        run(
            [*base, "--boundary", json.dumps(FULL), "--session-policy", json.dumps(FULL)], capsys, monkeypatch
        )[0]
        == 0
    )
    code, out, _ = run([*base, "--boundary", narrow], capsys, monkeypatch)
    assert code == 1 and "permissions boundary" in out
    code, out, _ = run([*base, "--session-policy", narrow], capsys, monkeypatch)
    assert code == 1 and "session policy" in out


def test_flags_resource_policy_and_resource_account(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """XACCT: across accounts the resource policy and the identity policy must both allow;
    ``--resource-account`` says who owns the resource.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html"""
    caller = f"arn:aws:iam::{OTHER_ACCOUNT}:user/bob"
    rb = json.dumps(document(allow("s3:GetObject", "arn:aws:s3:::b/*", Principal={"AWS": OTHER_ACCOUNT})))
    base = [
        "simulate",
        "--principal",
        caller,
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--identity",
        json.dumps(FULL),
    ]
    assert run([*base, "--resource-policy", rb, "--resource-account", ACCOUNT], capsys, monkeypatch)[0] == 0
    assert run([*base, "--resource-account", ACCOUNT], capsys, monkeypatch)[0] == 1
    # Without --resource-account an S3 object ARN (no account field) belongs to the caller's account.
    assert run(base, capsys, monkeypatch)[0] == 0


def test_flags_vpce_and_rcp_levels(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """EVAL (VPC endpoint policies must allow) and RCPEVAL (an RCP Deny on a supported service denies).
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html"""
    base = [
        "simulate",
        "--action",
        "s3:GetObject",
        "--resource",
        "arn:aws:s3:::b/k",
        "--identity",
        json.dumps(FULL),
    ]
    assert (
        run(
            [*base, "--vpce-policy", json.dumps(document(allow("s3:*", Principal="*")))], capsys, monkeypatch
        )[0]
        == 0
    )
    code, out, _ = run(
        [*base, "--vpce-policy", json.dumps(document(allow("ec2:*", Principal="*")))], capsys, monkeypatch
    )
    assert code == 1 and "VPC endpoint policy" in out
    rcp = write(tmp_path, "Perimeter.json", document(deny("s3:*", Principal="*", Sid="NoS3")))
    code, out, _ = run([*base, "--rcp", f"r-ab12={rcp}", "--format", "json"], capsys, monkeypatch)
    assert code == 1
    assert json.loads(out)["decisive"][0] == {
        "type": "rcp",
        "level": "r-ab12",
        "policy": "Perimeter",
        "sid": "NoS3",
        "index": 1,
        "effect": "Deny",
    }


def test_flags_add_no_context_keys(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """KEYS: aws:PrincipalArn, aws:RequestedRegion … are request-context keys AWS fills in; simulate adds
    none, so a condition on aws:PrincipalArn sees the key absent (positive operator ⇒ false).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"""
    doc = document(allow(Condition={"ArnEquals": {"aws:PrincipalArn": USER}}))
    argv = [
        "simulate",
        "--principal",
        USER,
        "--identity",
        json.dumps(doc),
        "--action",
        "bedrock:InvokeModel",
        "--resource",
        FM,
    ]
    assert run(argv, capsys, monkeypatch)[0] == 1
    assert run([*argv, "--context", f"aws:PrincipalArn={USER}"], capsys, monkeypatch)[0] == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["simulate", "--identity", "{}"],  # no --action
        ["simulate", "--identity", "/nonexistent/policy.json", "--action", "s3:GetObject"],
        [
            "simulate",
            "--identity",
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}',
            "--action",
            "s3:GetObject",
        ],
        ["simulate", "--identity", "{not json", "--action", "s3:GetObject"],
        ["simulate", "--action", "s3:GetObject", "--context", "no-equals-sign"],
        ["simulate", "--action", "s3:GetObject", "--scp", "missing-equals.json"],
        ["simulate", "--jsonl", "/nonexistent/requests.jsonl"],
    ],
)
def test_flags_input_errors_exit_2_with_a_message(
    argv: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """GRAMMAR: an invalid policy (or unusable input) is refused with a located message; exit 2.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    code, out, err = run(argv, capsys, monkeypatch)
    assert code == 2
    assert out == ""
    assert err.startswith("bedrock-access: error:")


def test_flags_policy_error_names_the_file_and_the_path(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """GRAMMAR: Effect is Allow or Deny; the error names the file and ``Statement[1].Effect``.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    bad = write(tmp_path, "bad.json", document(allow(), {"Effect": "Permit", "Action": "*", "Resource": "*"}))
    code, _, err = run(["simulate", "--identity", bad, "--action", "s3:GetObject"], capsys, monkeypatch)
    assert code == 2
    assert bad in err and "Statement[1].Effect" in err


# --- JSON-lines mode -------------------------------------------------------------------------


def test_jsonl_one_output_line_per_request_in_order_exit_0(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """EVAL: each line is decided on its own (allow, implicit deny, explicit deny); the batch exits 0.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    ident = [entry("BedrockInvoke", INVOKE)]
    code, outs = batch(
        [
            line("a", identityPolicies=ident),
            line("b", identityPolicies=ident, action="s3:GetObject", resource="arn:aws:s3:::b/k"),
            line(
                "c",
                identityPolicies=[*ident, entry("NoS3", DENY_S3)],
                action="s3:GetObject",
                resource="arn:aws:s3:::b/k",
            ),
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0
    assert [(o["id"], o["decision"]) for o in outs] == [
        ("a", "Allowed"),
        ("b", "ImplicitlyDenied"),
        ("c", "ExplicitlyDenied"),
    ]
    assert outs[0]["decisive"] == [
        {
            "type": "identity",
            "level": None,
            "policy": "BedrockInvoke",
            "sid": "Invoke",
            "index": 1,
            "effect": "Allow",
        }
    ]
    assert outs[2]["decisive"][0]["policy"] == "NoS3"


def test_jsonl_from_a_file(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """EVAL: the same decisions whether lines come from a file or standard input.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(line(1, identityPolicies=[entry("I", INVOKE)])) + "\n", encoding="utf-8")
    code, out, _ = run(["simulate", "--jsonl", str(path)], capsys, monkeypatch)
    assert code == 0
    assert json.loads(out) == {
        "id": 1,
        "decision": "Allowed",
        "decisive": [
            {"type": "identity", "level": None, "policy": "I", "sid": "Invoke", "index": 1, "effect": "Allow"}
        ],
    }


def test_jsonl_blank_and_comment_lines_are_skipped(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Oracle format: blank lines and lines starting with ``//`` produce no output (EVAL decides the rest).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    code, outs = batch(
        [
            "",
            "// a comment",
            "   ",
            line("x", identityPolicies=[entry("I", INVOKE)]),
            "  // indented comment",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0
    assert [o["id"] for o in outs] == ["x"]


def test_jsonl_bad_lines_give_error_lines_and_the_run_continues(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """GRAMMAR: an invalid policy is refused — per line, as ``{"id", "error", "message"}`` — and the
    following lines are still decided (EVAL).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    bad_policy = document(
        {"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Allow", "Resource": "*"}
    )
    code, outs = batch(
        [
            "{not json",
            "[1, 2]",
            line("bad-policy", identityPolicies=[entry("Broken", bad_policy)]),
            {"id": "no-request"},
            line("no-principal", principal=None, identityPolicies=[]),  # type: ignore[arg-type]
            line("ok", identityPolicies=[entry("I", INVOKE)]),
        ],
        capsys,
        monkeypatch,
    )
    assert code == 0
    assert outs[0] == {"id": None, "error": "invalid-json", "message": outs[0]["message"]}
    assert outs[1]["id"] is None and outs[1]["error"] == "bad-input"
    assert set(outs[2]) == {"id", "error", "message"}
    assert outs[2]["id"] == "bad-policy" and outs[2]["error"] == "bad-input"
    assert "Broken" in outs[2]["message"] and "Statement[1]" in outs[2]["message"]
    assert outs[3]["id"] == "no-request" and outs[3]["error"] == "bad-input"
    assert outs[4]["id"] == "no-principal" and outs[4]["error"] == "bad-input"
    assert outs[5] == {"id": "ok", "decision": "Allowed", "decisive": outs[5]["decisive"]}


def test_jsonl_deeply_nested_line_is_an_error_line_not_a_crash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hostile input: a malformed line produces an error line and never stops the run (oracle contract).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html"""
    deep: Any = "x"
    for _ in range(300):
        deep = {"k": deep}
    code, outs = batch(
        [line("deep", resourcePolicy=deep), line("after", identityPolicies=[entry("I", INVOKE)])],
        capsys,
        monkeypatch,
    )
    assert code == 0
    assert outs[0]["id"] == "deep" and "error" in outs[0]
    assert outs[1]["decision"] == "Allowed"


def test_jsonl_id_is_echoed_whatever_its_type(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Oracle format: ``id`` is any JSON value, echoed back (EVAL decides each line).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    ids: list[Any] = [7, {"case": "R02", "n": 1}, ["a"], None, "s"]
    _, outs = batch([line(i, identityPolicies=[entry("I", INVOKE)]) for i in ids], capsys, monkeypatch)
    assert [o["id"] for o in outs] == ids


# --- conveniences ----------------------------------------------------------------------------


def test_jsonl_bare_policy_documents_are_named_by_position(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Oracle convenience: a policy entry may be a bare document (named ``identity[0]``,
    ``<orgIdentifier>[0]``); EVAL/SCPEVAL decide.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html"""
    _, outs = batch(
        [
            line("bare-identity", identityPolicies=[INVOKE]),
            line(
                "bare-scp",
                identityPolicies=[INVOKE],
                serviceControlPolicies=[
                    {"orgIdentifier": "r-ab12", "policies": [document(deny("bedrock:*"))]}
                ],
            ),
        ],
        capsys,
        monkeypatch,
    )
    assert outs[0]["decisive"][0]["policy"] == "identity[0]"
    assert outs[1]["decision"] == "ExplicitlyDenied"
    assert (outs[1]["decisive"][0]["level"], outs[1]["decisive"][0]["policy"]) == ("r-ab12", "r-ab12[0]")


def test_jsonl_policy_may_be_a_json_string(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Oracle convenience: ``policy`` may be a JSON string (EVAL decides as for the object).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    _, outs = batch([line("s", identityPolicies=[entry("AsText", json.dumps(INVOKE))])], capsys, monkeypatch)
    assert outs[0]["decision"] == "Allowed" and outs[0]["decisive"][0]["policy"] == "AsText"


def test_jsonl_identity_policies_as_an_object(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Oracle convenience: ``identityPolicies`` may be ``{name: document}``.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    _, outs = batch([line("o", identityPolicies={"ByName": INVOKE})], capsys, monkeypatch)
    assert outs[0]["decision"] == "Allowed" and outs[0]["decisive"][0]["policy"] == "ByName"


def test_jsonl_permission_boundary_single_document(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """BOUND: identity ∩ boundary; ``permissionBoundary`` (one document) stands for
    ``permissionBoundaryPolicies``.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"""
    narrow = document(allow("s3:*"))
    _, outs = batch(
        [
            line("single", identityPolicies=[FULL], permissionBoundary=narrow),
            line("list", identityPolicies=[FULL], permissionBoundaryPolicies=[entry("DevBoundary", narrow)]),
        ],
        capsys,
        monkeypatch,
    )
    assert [(o["decision"], o["decisive"][0]["type"], o["decisive"][0]["policy"]) for o in outs] == [
        ("ImplicitlyDenied", "pb", "pb[0]"),
        ("ImplicitlyDenied", "pb", "DevBoundary"),
    ]


def test_jsonl_resource_as_string_and_context_alias(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Oracle convenience: ``request.resource`` may be a plain ARN and ``request.context`` stands for
    ``contextVariables``; CONDLOGIC/OPS decide the condition.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    doc = document(allow(Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}}))
    a = {
        "id": "ctx",
        "identityPolicies": [doc],
        "request": {
            "principal": USER,
            "action": "bedrock:InvokeModel",
            "resource": FM,
            "context": {"aws:RequestedRegion": "us-east-1"},
        },
    }
    b = {
        "id": "res",
        "identityPolicies": [doc],
        "request": {
            "principal": USER,
            "action": "bedrock:InvokeModel",
            "resource": {"resource": FM, "accountId": ACCOUNT},
            "contextVariables": {"aws:RequestedRegion": "eu-west-1"},
        },
    }
    _, outs = batch([a, b], capsys, monkeypatch)
    assert [o["decision"] for o in outs] == ["Allowed", "ImplicitlyDenied"]


def test_jsonl_numbers_and_booleans_in_context_are_stringified(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """KEYS: context values are strings; Numeric and Bool operators read ``5``/``true`` as given.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    doc = document(
        allow(Condition={"NumericLessThan": {"s3:max-keys": "10"}, "Bool": {"aws:SecureTransport": "true"}})
    )
    _, outs = batch(
        [
            line("n", identityPolicies=[doc], context={"s3:max-keys": 5, "aws:SecureTransport": True}),
            line("n2", identityPolicies=[doc], context={"s3:max-keys": 50, "aws:SecureTransport": True}),
            line("b", identityPolicies=[doc], context={"s3:max-keys": 5, "aws:SecureTransport": False}),
        ],
        capsys,
        monkeypatch,
    )
    assert [o["decision"] for o in outs] == ["Allowed", "ImplicitlyDenied", "ImplicitlyDenied"]


def test_jsonl_resource_account_defaults(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """XACCT + iam-evaluation.md §1.1: a missing ``accountId`` defaults to the ARN's account field, else to
    the principal's account. A profile ARN of another account is cross-account (needs a resource
    policy); a foundation model (empty account) is same-account.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html"""
    other_profile = PROFILE.replace(ACCOUNT, OTHER_ACCOUNT)
    _, outs = batch(
        [
            line("fm", identityPolicies=[FULL], resource=FM),
            line("own-profile", identityPolicies=[FULL], resource=PROFILE),
            line("other-profile", identityPolicies=[FULL], resource=other_profile),
            line("explicit", identityPolicies=[FULL], resource={"resource": FM, "accountId": OTHER_ACCOUNT}),
        ],
        capsys,
        monkeypatch,
    )
    assert [o["decision"] for o in outs] == ["Allowed", "Allowed", "ImplicitlyDenied", "ImplicitlyDenied"]


def test_jsonl_unknown_top_level_fields_are_ignored(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Oracle convenience: unknown fields (``awsExpected``, ``why``) do not change the decision.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    _, outs = batch(
        [line("u", identityPolicies=[INVOKE], awsExpected="ExplicitlyDenied", why="for the record")],
        capsys,
        monkeypatch,
    )
    assert outs[0]["decision"] == "Allowed"


def test_jsonl_scp_levels_empty_level_and_absent_scps(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SCPEVAL: a level with no Allow (an empty ``policies`` list) implicitly denies; ``[]`` or no field
    means the account is not under SCPs.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html"""
    levels = [
        {"orgIdentifier": "r-ab12", "policies": [entry("FullAWSAccess", FULL)]},
        {"orgIdentifier": ACCOUNT, "policies": []},
    ]
    _, outs = batch(
        [
            line("empty-level", identityPolicies=[FULL], serviceControlPolicies=levels),
            line("no-scps", identityPolicies=[FULL], serviceControlPolicies=[]),
        ],
        capsys,
        monkeypatch,
    )
    assert outs[0]["decision"] == "ImplicitlyDenied"
    assert outs[0]["decisive"] == [
        {
            "type": "scp",
            "level": ACCOUNT,
            "policy": None,
            "sid": None,
            "index": None,
            "effect": "NoApplicableAllow",
        }
    ]
    assert outs[1]["decision"] == "Allowed"


def test_jsonl_rcps_have_implicit_full_access_and_a_service_list(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """RCP/RCPEVAL: RCPFullAWSAccess is implicit at every level; RCPs apply only to supported services
    (S3 yes, Bedrock no).
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html"""
    rcps = [{"orgIdentifier": "r-ab12", "policies": [entry("DenyAll", document(deny(Principal="*")))]}]
    empty = [{"orgIdentifier": "r-ab12", "policies": []}]
    _, outs = batch(
        [
            line(
                "s3",
                identityPolicies=[FULL],
                action="s3:GetObject",
                resource="arn:aws:s3:::b/k",
                resourceControlPolicies=rcps,
            ),
            line("bedrock", identityPolicies=[FULL], resourceControlPolicies=rcps),
            line(
                "implicit-full",
                identityPolicies=[FULL],
                action="s3:GetObject",
                resource="arn:aws:s3:::b/k",
                resourceControlPolicies=empty,
            ),
        ],
        capsys,
        monkeypatch,
    )
    assert [o["decision"] for o in outs] == ["ExplicitlyDenied", "Allowed", "Allowed"]
    assert outs[0]["decisive"][0]["type"] == "rcp"


def test_jsonl_management_account_id(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SCP "Tasks and entities not restricted by SCPs": the management account — marked per line with
    ``managementAccountId``.
    https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html"""
    admin = f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:user/admin"
    scps = [{"orgIdentifier": "r-ab12", "policies": [entry("DenyAll", document(deny()))]}]
    _, outs = batch(
        [
            line("member", principal=admin, identityPolicies=[FULL], serviceControlPolicies=scps),
            line(
                "mgmt",
                principal=admin,
                identityPolicies=[FULL],
                serviceControlPolicies=scps,
                managementAccountId=MANAGEMENT_ACCOUNT,
            ),
            line("bad", principal=admin, identityPolicies=[FULL], managementAccountId=999988887777),
        ],
        capsys,
        monkeypatch,
    )
    assert [o.get("decision", o.get("error")) for o in outs] == ["ExplicitlyDenied", "Allowed", "bad-input"]


def test_jsonl_service_linked_role_path_from_principal_arn(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SLR/SCP + KEYS aws:PrincipalArn: a session whose aws:PrincipalArn is a role under
    /aws-service-role/ is a service-linked role, exempt from SCPs.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html"""
    scps = [{"orgIdentifier": "r-ab12", "policies": [entry("RegionDeny", REGION_DENY)]}]
    ctx = {"aws:RequestedRegion": "eu-west-1"}
    _, outs = batch(
        [
            line(
                "slr",
                principal=SLR_SESSION,
                identityPolicies=[FULL],
                serviceControlPolicies=scps,
                resource=FM_EU,
                context={**ctx, "aws:PrincipalArn": SLR},
            ),
            line(
                "unknown-path",
                principal=SLR_SESSION,
                identityPolicies=[FULL],
                serviceControlPolicies=scps,
                resource=FM_EU,
                context=ctx,
            ),
        ],
        capsys,
        monkeypatch,
    )
    assert [o["decision"] for o in outs] == ["Allowed", "ExplicitlyDenied"]


def test_jsonl_adds_no_context_keys(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """KEYS: simulate passes only the given context; aws:PrincipalArn is not derived from the principal,
    so ``Null aws:PrincipalArn = true`` holds.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"""
    doc = document(
        allow(
            Condition={
                "Null": {"aws:PrincipalArn": "true", "aws:RequestedRegion": "true", "aws:username": "true"}
            }
        )
    )
    _, outs = batch([line("none", identityPolicies=[doc])], capsys, monkeypatch)
    assert outs[0]["decision"] == "Allowed"


def test_jsonl_repeated_policy_sets_decide_consistently(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """EVAL is a function of policies and request: lines sharing a policy set (compiled once) still get
    per-request answers, and a bad policy set stays an error every time.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    doc = document(allow(Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}}))
    bad = document({"Effect": "Maybe", "Action": "*", "Resource": "*"})
    lines = []
    for i in range(20):
        lines.append(
            line(
                f"r{i}",
                identityPolicies=[doc],
                context={"aws:RequestedRegion": "us-east-1" if i % 2 else "eu-west-1"},
            )
        )
        lines.append(line(f"b{i}", identityPolicies=[bad]))
    _, outs = batch(lines, capsys, monkeypatch)
    assert [o.get("decision") for o in outs if str(o["id"]).startswith("r")] == [
        "ImplicitlyDenied",
        "Allowed",
    ] * 10
    assert all(o["error"] == "bad-input" for o in outs if str(o["id"]).startswith("b"))


def test_console_entry_point_runs_a_batch_end_to_end() -> None:
    """The installed command reads JSON lines on stdin and writes one decision per line (EVAL decides).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"""
    text = "// header\n" + json.dumps(line("e2e", identityPolicies=[INVOKE])) + "\n"
    proc = subprocess.run(
        [sys.executable, "-m", "bedrock_access", "simulate", "--jsonl", "-"],
        input=text.encode(),
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(x)["decision"] for x in proc.stdout.splitlines()] == ["Allowed"]


def test_jsonl_save_time_problems_are_warnings_beside_the_decision(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """VERSION/VARS: a policy without Version is legal (2008-10-17 rules); the line is still decided and
    carries a ``warnings`` list naming the policy; a clean line has no ``warnings`` field.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html"""
    old = {"Statement": [{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}]}
    _, outs = batch(
        [line("old", identityPolicies=[entry("Legacy", old)]), line("clean", identityPolicies=[INVOKE])],
        capsys,
        monkeypatch,
    )
    assert outs[0]["decision"] == "Allowed"
    assert any("Legacy" in w and "no-version" in w for w in outs[0]["warnings"])
    assert "warnings" not in outs[1]


def test_flags_save_time_problems_are_warnings_on_stderr(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """OPS: an unknown operator would be refused by AWS; simulate warns on stderr and still decides (the
    clause never holds, so this Allow grants nothing ⇒ exit 1).
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"""
    doc = document(allow(Condition={"StringEqualz": {"aws:RequestedRegion": "us-east-1"}}))
    code, out, err = run(
        [
            "simulate",
            "--identity",
            json.dumps(doc),
            "--action",
            "s3:GetObject",
            "--context",
            "aws:RequestedRegion=us-east-1",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 1
    assert "Decision: ImplicitlyDenied" in out
    assert err.startswith("bedrock-access: warning:") and "unknown-operator" in err


# --- missing context values, the requested Region (issue 15) ------------------------------------

EU_ONLY = document(
    {
        "Sid": "EuOnly",
        "Effect": "Deny",
        "NotAction": ["iam:*", "sts:*"],
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-central-1", "eu-west-1"]}},
    }
)
FM_EU_CENTRAL = "arn:aws:bedrock:eu-central-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"


def _eu_only_args(tmp_path: Path) -> list[str]:
    full = write(tmp_path, "FullAWSAccess.json", FULL)
    eu = write(tmp_path, "EuOnly.json", EU_ONLY)
    return ["simulate", "--identity", full, "--scp", f"r-ab12={full},{eu}", "--action", "bedrock:InvokeModel"]


def test_missing_context_values_are_reported_in_text_and_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """OPS Important box: a negated operator on an absent key is true, so the EU-only SCP denies a
    request without aws:RequestedRegion. AWS's simulator lists such keys as MissingContextValues
    (SimulatePrincipalPolicy, EvaluationResult); simulate reports them too.
    https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html"""
    code, out, _ = run(_eu_only_args(tmp_path), capsys, monkeypatch)
    assert code == 1 and "ExplicitlyDenied" in out
    assert "missing context values" in out and "aws:RequestedRegion" in out
    code, out, _ = run([*_eu_only_args(tmp_path), "--format", "json"], capsys, monkeypatch)
    assert json.loads(out)["missingContextValues"] == ["aws:RequestedRegion"]
    code, out, _ = run(
        [*_eu_only_args(tmp_path), "--context", "aws:RequestedRegion=eu-west-1", "--format", "json"],
        capsys,
        monkeypatch,
    )
    assert code == 0 and json.loads(out)["missingContextValues"] == []


def test_regional_resource_arn_defaults_the_requested_region_with_a_note(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Global condition keys, aws:RequestedRegion: "the AWS Region that was called in the request"; a
    call on a Regional resource goes to that Region unless told otherwise, so the ARN's Region is the
    default (with a note), and --region overrides it.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion"""
    code, out, _ = run([*_eu_only_args(tmp_path), "--resource", FM_EU_CENTRAL], capsys, monkeypatch)
    assert code == 0 and "Decision: Allowed" in out
    assert "aws:RequestedRegion defaults to eu-central-1" in out
    code, out, _ = run(
        [*_eu_only_args(tmp_path), "--resource", FM_EU_CENTRAL, "--region", "us-east-1", "--format", "json"],
        capsys,
        monkeypatch,
    )
    payload = json.loads(out)
    assert code == 1 and payload["decision"] == "ExplicitlyDenied"
    assert payload["request"]["context"] == {"aws:RequestedRegion": "us-east-1"}
    assert not any("defaults" in n for n in payload["notes"])
    code, _, err = run(
        [*_eu_only_args(tmp_path), "--region", "eu-west-1", "--context", "aws:RequestedRegion=eu-west-1"],
        capsys,
        monkeypatch,
    )
    assert code == 2 and "--region" in err


def test_bool_on_a_non_boolean_value_is_reported_uncertain(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """OPS Boolean operators compare "to true or false"; other request text is undocumented, so the
    answer is marked uncertain.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean"""
    doc = document(allow("bedrock:InvokeModel", Condition={"Bool": {"aws:SecureTransport": "true"}}))
    code, out, _ = run(
        [
            "simulate",
            "--identity",
            write(tmp_path, "Tls.json", doc),
            "--action",
            "bedrock:InvokeModel",
            "--context",
            "aws:SecureTransport=1",
        ],
        capsys,
        monkeypatch,
    )
    assert code == 1 and "uncertain: aws:SecureTransport" in out


def test_kms_key_without_key_policy_says_what_is_missing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """DENYALLOW: KMS key policies must explicitly allow; with none given simulate denies and says so.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html"""
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    code, out, _ = run(
        [
            "simulate",
            "--identity",
            write(tmp_path, "Full.json", FULL),
            "--action",
            "kms:Decrypt",
            "--resource",
            key,
            "--format",
            "json",
        ],
        capsys,
        monkeypatch,
    )
    payload = json.loads(out)
    assert code == 1 and payload["decision"] == "ImplicitlyDenied"
    assert any("no key policy was given" in n for n in payload["notes"])
