"""The snapshot loader: IAM listings as AWS returns them, users with groups, encoded documents, and
permission sets turned into principals."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import quote

from bedrock_access.org import StackBuilder, load_snapshot

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org-snapshot"
DEV = "111122223333"


def test_users_get_their_groups_policies_and_encoded_documents_are_read(tmp_path: Path) -> None:
    snap_dir = tmp_path / "snap"
    shutil.copytree(EXAMPLE, snap_dir)
    path = snap_dir / "accounts" / f"{DEV}.json"
    doc = json.loads(path.read_text())
    allow = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}],
    }
    doc["GroupDetailList"] = [
        {
            "GroupName": "ml",
            "Arn": f"arn:aws:iam::{DEV}:group/ml",
            "GroupPolicyList": [{"PolicyName": "GroupInline", "PolicyDocument": quote(json.dumps(allow))}],
            "AttachedManagedPolicies": [
                {"PolicyName": "ClaudeAccess", "PolicyArn": f"arn:aws:iam::{DEV}:policy/ClaudeAccess"}
            ],
        }
    ]
    doc["UserDetailList"] = [
        {
            "UserName": "alice",
            "Arn": f"arn:aws:iam::{DEV}:user/alice",
            "GroupList": ["ml"],
            "UserPolicyList": [],
            "AttachedManagedPolicies": [],
            "Tags": [{"Key": "team", "Value": "ml"}],
        }
    ]
    path.write_text(json.dumps(doc))
    snap = load_snapshot(snap_dir)
    alice = next(p for p in snap.principals if p.name == "alice")
    assert alice.kind == "user" and alice.tags == {"team": "ml"}
    assert [d.name for d in alice.identity] == ["GroupInline", "ClaudeAccess"]
    assert alice.identity[0].document == allow  # URL-encoded, as the raw API sends it
    policies = StackBuilder(snap).policy_set(alice)
    assert [lvl.identifier for lvl in policies.scp_levels or ()] == ["r-ab12", "ou-ab12-workloads", DEV]
    assert policies.management_account == "999999999999"


def test_a_permission_set_role_listed_by_iam_keeps_its_iam_policies() -> None:
    snap = load_snapshot(EXAMPLE)
    listed = next(p for p in snap.principals if p.account_id == DEV and p.permission_set == "Developer")
    assert listed.name == "AWSReservedSSO_Developer_0123456789abcdef"
    assert [d.name for d in listed.identity] == ["InvokeAnthropic"]  # from the IAM listing, not the set
    built = next(p for p in snap.principals if p.account_id == "777788889999")
    assert built.arn.endswith("/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_unknown")
    assert [d.name for d in built.identity] == ["AwsSSOInlinePolicy"]


def test_equal_stacks_share_a_key_across_accounts() -> None:
    snap = load_snapshot(EXAMPLE)
    builder = StackBuilder(snap)
    by_arn = {p.arn: p for p in snap.principals}
    dev = by_arn[f"arn:aws:iam::{DEV}:role/BedrockDeveloper"]
    sso = next(p for p in snap.principals if p.account_id == DEV and p.permission_set)
    mgmt = by_arn["arn:aws:iam::999999999999:role/BedrockDeveloper"]
    assert builder.key(dev) == builder.key(sso)  # same documents, same OU path
    assert builder.key(dev) != builder.key(mgmt)  # the management account is not under SCPs
