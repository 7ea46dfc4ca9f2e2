"""explain --cloudtrail --snapshot: each group decided again for its caller, as the snapshot holds it."""

from __future__ import annotations

import json
from pathlib import Path

from bedrock_access.cli import main
from bedrock_access.cloudtrail.snapshot_namer import principal_of_caller
from bedrock_access.org import load_snapshot

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
LOGS = str(EXAMPLES / "cloudtrail/AWSLogs")
SNAPSHOT = str(EXAMPLES / "org-snapshot")


def test_groups_name_the_statement_from_the_snapshot(capsys):
    code = main(["explain", "--cloudtrail", LOGS, "--snapshot", SNAPSHOT, "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    named = [g["scenario"] for g in doc["groups"] if g["scenario"].get("evaluated")]
    assert named, "some group's caller is in the snapshot"
    region_deny = [n for n in named if n.get("hop") == "model in us-east-2"]
    assert region_deny and region_deny[0]["statements"] == [
        "Deny by service control policy at ou-ab12-workloads aws-guardrails-GRREGIONDENY, statement 1, Sid GRREGIONDENY"
    ]
    assert region_deny[0]["principal"].endswith("/AWSReservedSSO_Developer_0123456789abcdef")
    # an API-key user the snapshot does not hold is said so, not guessed
    missing = [g["scenario"] for g in doc["groups"] if not g["scenario"].get("evaluated")]
    assert any("none of the group's principals is in the snapshot" in m["note"] for m in missing)


def test_caller_arns_find_their_principal():
    snapshot = load_snapshot(SNAPSHOT)
    session = "arn:aws:sts::111122223333:assumed-role/BedrockDeveloper/ci-run-7"
    found = principal_of_caller(snapshot, session)
    assert found is not None and found.arn == "arn:aws:iam::111122223333:role/BedrockDeveloper"
    assert principal_of_caller(snapshot, "arn:aws:sts::111122223333:assumed-role/NoSuchRole/x") is None
    assert principal_of_caller(snapshot, "not an arn") is None


def test_scenario_and_snapshot_exclude_each_other(capsys):
    scenario = str(EXAMPLES / "control-tower-region-deny.yaml")
    assert main(["explain", "--cloudtrail", LOGS, "--snapshot", SNAPSHOT, "--scenario", scenario]) == 2
    assert "not both" in capsys.readouterr().err


def test_snapshot_without_cloudtrail_is_refused(capsys):
    assert main(["explain", "AccessDeniedException", "--snapshot", SNAPSHOT]) == 2
    assert "need --cloudtrail" in capsys.readouterr().err
