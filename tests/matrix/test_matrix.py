"""``matrix`` decides each cell exactly as ``check`` decides the same call, shares decisions only between
principals that must get the same answer, and refuses bad input with one line and exit status 2."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from bedrock_access.catalog import load_catalog
from bedrock_access.checking import run_scenario
from bedrock_access.cli import main
from bedrock_access.iam.service_data import rcp_supported_services, resource_type_prefixes
from bedrock_access.matrix import decide_snapshot
from bedrock_access.org import load_snapshot
from bedrock_access.org.scenario import snapshot_scenario
from bedrock_access.report.check_json import invocation_json

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "org-snapshot"
MODELS = [
    "us.anthropic.claude-sonnet-4-6",
    "global.anthropic.claude-sonnet-4-6",
    "eu.anthropic.claude-sonnet-4-6",
    "anthropic.claude-3-haiku-20240307-v1:0",
]
REGIONS = ["us-east-1", "us-west-2", "eu-central-1"]
NOW = "2026-12-04T12:00:00Z"


def test_every_cell_is_what_check_says_for_the_same_call() -> None:
    catalog = load_catalog()
    snap = load_snapshot(EXAMPLE)
    kwargs = {"rcp_services": rcp_supported_services(), "resource_types": resource_type_prefixes, "now": NOW}
    matrix = decide_snapshot(snap, catalog, models=MODELS, regions=REGIONS, **kwargs)  # type: ignore[arg-type]
    assert len(matrix.stacks) < len(snap.principals)  # equal stacks were shared
    cells = list(matrix.cells())
    assert {c.verdict for c in cells} == {"allowed", "denied", "invalid"}
    for principal in snap.principals:
        calls = [(m, r) for m in MODELS for r in REGIONS]
        run = run_scenario(snapshot_scenario(snap, principal.arn, calls), catalog, **kwargs)  # type: ignore[arg-type]
        mine = [c for c in cells if c.principal_arn == principal.arn]
        assert len(mine) == len(run.assessments)
        for cell, assessed in zip(mine, run.assessments, strict=True):
            expected = invocation_json(assessed)
            assert (cell.model, cell.source_region) == (expected["model"], expected["source_region"])
            assert cell.verdict == expected["verdict"], (principal.arn, cell.model, cell.source_region)
            assert list(cell.authorized_regions) == expected["authorized_regions"]
            assert list(cell.denied_regions) == expected["denied_regions"]
            assert [f.to_json() for f in cell.findings] == expected["findings"]
            hops = [[h.hop, h.resource, h.decision, [d.to_json() for d in h.decided_by]] for h in cell.hops]
            assert hops == [
                [c["hop"], c["resource"], c["decision"], c["decided_by"]] for c in expected["checks"]
            ]
            message = cell.predicted_error.message if cell.predicted_error else None
            assert message == (expected["predicted_error"] or {}).get("message")


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "snap"
    shutil.copytree(EXAMPLE, target)
    return target


def _add_role(snap_dir: Path, account: str, name: str, document: dict[str, object]) -> None:
    path = snap_dir / "accounts" / f"{account}.json"
    doc = json.loads(path.read_text())
    doc["RoleDetailList"].append(
        {
            "Path": "/",
            "RoleName": name,
            "Arn": f"arn:aws:iam::{account}:role/{name}",
            "RolePolicyList": [{"PolicyName": "Invoke", "PolicyDocument": document}],
            "AttachedManagedPolicies": [],
        }
    )
    path.write_text(json.dumps(doc))


ALLOW_ALL_BEDROCK = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "bedrock:*", "Resource": "*"}],
}


def test_principal_specific_conditions_split_a_shared_stack(tmp_path: Path) -> None:
    """Same policies, but an SCP exempts one role by aws:PrincipalArn: that role is decided on its own."""
    snap_dir = _copy(tmp_path)
    org = json.loads((snap_dir / "organization.json").read_text())
    exempting = next(p for p in org["policies"] if p["name"] == "aws-guardrails-GRREGIONDENY")
    exempting["document"]["Statement"][0]["Condition"]["ArnNotLike"]["aws:PrincipalARN"].append(
        "arn:aws:iam::*:role/Exempt*"
    )
    (snap_dir / "organization.json").write_text(json.dumps(org))
    for name in ("ExemptOps", "Worker1", "Worker2"):
        _add_role(snap_dir, "444455556666", name, ALLOW_ALL_BEDROCK)
    snap = load_snapshot(snap_dir)
    matrix = decide_snapshot(
        snap, load_catalog(), models=["us.anthropic.claude-sonnet-4-6"], regions=["us-east-1"]
    )
    cells = {c.principal_arn.rsplit("/", 1)[-1]: c for c in matrix.cells()}
    assert cells["ExemptOps"].verdict == "allowed"
    assert cells["Worker1"].verdict == cells["Worker2"].verdict == "denied"
    assert cells["Worker1"].stack == cells["Worker2"].stack != cells["ExemptOps"].stack
    # The shared answer is re-addressed: each worker's own ARN in its error.
    assert "role/Worker2/" in cells["Worker2"].predicted_error.message  # type: ignore[union-attr]


def test_json_cells_have_exactly_the_documented_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["matrix", str(EXAMPLE), "--format", "json", "--model", MODELS[0], "--region", "us-east-1"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    fields = {
        "account_id",
        "principal_arn",
        "permission_set",
        "model",
        "source_region",
        "verdict",
        "authorized_regions",
        "denied_regions",
        "decided_by",
        "findings",
    }
    assert doc["cells"] and all(set(c) == fields for c in doc["cells"])
    types = {d["type"] for c in doc["cells"] for d in c["decided_by"]}
    assert types <= {"identity", "resource", "pb", "session", "scp", "rcp", "vpce"} and "scp" in types
    assert all(
        set(d) == {"type", "level", "policy", "sid", "index", "effect"}
        for c in doc["cells"]
        for d in c["decided_by"]
    )
    sso = [c for c in doc["cells"] if c["permission_set"] == "Developer"]
    assert {c["account_id"] for c in sso} == {"111122223333", "777788889999"}
    assert (
        doc["summary"]["cells"]
        == len(doc["cells"])
        == sum(doc["summary"][v] for v in ("allowed", "denied", "invalid"))
    )


def test_exit_status_zero_when_every_cell_is_allowed(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "matrix",
            str(EXAMPLE),
            "--account",
            "999999999999",
            "--principal",
            "BedrockDeveloper",
            "--model",
            "us.anthropic.claude-sonnet-4-6",
            "--region",
            "us-east-1",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "allowed 1, denied 0, invalid 0" in out


def test_text_summary_comes_first_and_groups_by_cause(capsys: pytest.CaptureFixture[str]) -> None:
    main(["matrix", str(EXAMPLE), "--model", MODELS[0], "--model", MODELS[1], "--region", "us-east-1"])
    out = capsys.readouterr().out
    head, _, rest = out.partition("By account and principal:")
    assert "8 principals in 4 accounts" in head and "Blocked, by cause:" in head
    assert "aws-guardrails-GRREGIONDENY" in head and "777788889999 sandbox: AccessDenied" in head
    assert "999999999999 management (management account: SCPs do not apply)" in rest


def test_csv_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    main(["matrix", str(EXAMPLE), "--format", "csv", "--model", MODELS[0], "--region", "us-east-1"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 8 and {r["verdict"] for r in rows} == {"allowed", "denied"}
    denied = next(r for r in rows if r["principal_arn"].endswith("111122223333:role/BedrockDeveloper"))
    assert "GRREGIONDENY" in denied["cause"] and denied["predicted_error"].startswith(
        "User: arn:aws:sts::111122223333"
    )
    main(["matrix", str(EXAMPLE), "--format", "markdown", "--model", MODELS[0], "--region", "us-east-1"])
    md = capsys.readouterr().out
    assert md.startswith("# Bedrock access matrix") and "| account | principal |" in md


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: (d / "snapshot.json").write_text(
                (d / "snapshot.json").read_text().replace('"version": 1', '"version": 2')
            ),
            "snapshot.json: version: snapshot version 2 is not supported",
        ),
        (lambda d: (d / "organization.json").unlink(), "organization.json: missing"),
        (
            lambda d: (d / "accounts" / "111122223333.json").write_text('{"RoleDetailList": [ }'),
            "111122223333.json:1: not valid JSON",
        ),
        (
            lambda d: (d / "accounts" / "111122223333.json").write_text(
                '{"RoleDetailList": [{"RoleName": 3}]}'
            ),
            "RoleDetailList[0].RoleName: must be a non-empty string",
        ),
    ],
)
def test_bad_snapshots_are_one_line_exit_2_and_write_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    change,
    expected,  # type: ignore[no-untyped-def]
) -> None:
    snap_dir = _copy(tmp_path)
    change(snap_dir)
    out = tmp_path / "m.html"
    assert main(["matrix", str(snap_dir), "--format", "html", "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1 and expected in captured.err
    assert list(tmp_path.iterdir()) == [snap_dir]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--model", "us.anthropic.claude-sonet-4-6"],
            "--model: unknown model id 'us.anthropic.claude-sonet-4-6'",
        ),
        (["--region", "us-east1"], "--region: unknown Region 'us-east1'; did you mean us-east-1"),
        (["--account", "12345"], "--account: '12345' is not a 12-digit account id"),
        (["--principal", "nobody*"], "no principal of the snapshot matches"),
    ],
)
def test_bad_arguments(
    args: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "m.json"
    assert main(["matrix", str(EXAMPLE), *args, "--format", "json", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_fix_works_on_a_matrix_cell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "fix",
            "--snapshot",
            str(EXAMPLE),
            "--principal",
            "arn:aws:iam::111122223333:role/BedrockDeveloper",
            "--model",
            "us.anthropic.claude-sonnet-4-6",
            "--region",
            "us-east-1",
            "--format",
            "json",
            "--out",
            str(tmp_path / "fixed"),
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["alternatives"] and doc["alternatives"][0]["status"] == "proven"
    # The written scenario is an ordinary one: check now allows the call.
    assert main(["check", str(tmp_path / "fixed" / "scenario.yaml")]) == 0


def test_conditions_naming_an_account_split_a_shared_stack(tmp_path: Path) -> None:
    """The profile ARN in bedrock:InferenceProfileArn carries the caller's account: a condition that
    names one account must not let another account's principal share its answer."""
    snap_dir = _copy(tmp_path)
    org = json.loads((snap_dir / "organization.json").read_text())
    for account in org["accounts"]:
        if account["id"] == "444455556666":
            account["parent_id"] = "ou-ab12-workloads"  # the same OU path as 111122223333
    (snap_dir / "organization.json").write_text(json.dumps(org))
    pinned = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "bedrock:InvokeModel",
                "Resource": "arn:aws:bedrock:*:*:inference-profile/*",
            },
            {
                "Effect": "Allow",
                "Action": "bedrock:InvokeModel",
                "Resource": "arn:aws:bedrock:*::foundation-model/*",
                "Condition": {
                    "StringLike": {"bedrock:InferenceProfileArn": "arn:aws:bedrock:*:111122223333:*"}
                },
            },
        ],
    }
    for account in ("111122223333", "444455556666"):
        _add_role(snap_dir, account, "Pinned", pinned)
    snap = load_snapshot(snap_dir)
    catalog = load_catalog()
    calls = [("us.anthropic.claude-sonnet-4-6", "us-east-1")]
    matrix = decide_snapshot(snap, catalog, models=[calls[0][0]], regions=[calls[0][1]])
    cells = {c.principal_arn: c for c in matrix.cells() if c.principal_arn.endswith("/Pinned")}
    assert len({c.stack for c in cells.values()}) == 2
    for arn, cell in cells.items():
        run = run_scenario(snapshot_scenario(snap, arn, calls), catalog, rcp_services=None, now=None)
        assert cell.verdict == run.assessments[0].verdict
        assert cell.decided_by == (
            run.assessments[0].blocking.decision.decisive if run.assessments[0].blocking else cell.decided_by
        )
    assert cells["arn:aws:iam::444455556666:role/Pinned"].decided_by[0].type == "identity"
