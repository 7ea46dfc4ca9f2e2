"""Writes examples/org-snapshot/, the small organization the docs' commands run on.

Run from the repository root: ``python tools/make_example_snapshot.py``. The snapshot is checked in; this
script documents how it was made and regenerates it after a format change.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "examples" / "org-snapshot"
POLICIES = ROOT / "examples" / "policies"

MGMT, DEV, PROD, SANDBOX = "999999999999", "111122223333", "444455556666", "777788889999"


def policy(name: str) -> Any:
    return json.loads((POLICIES / name).read_text())


def invoke_anthropic(account: str) -> dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "InvokeAnthropic",
                "Effect": "Allow",
                "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
                "Resource": [
                    f"arn:aws:bedrock:*:{account}:inference-profile/*",
                    "arn:aws:bedrock:*::foundation-model/anthropic.*",
                ],
            }
        ],
    }


BOUNDARY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "BedrockInUsOnly",
            "Effect": "Allow",
            "Action": "bedrock:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": ["us-east-1", "us-east-2", "us-west-2"]}},
        }
    ],
}


def role(
    account: str,
    name: str,
    inline: dict[str, Any] | None,
    attached: list[str],
    boundary: str | None = None,
    path: str = "/",
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "Path": path,
        "RoleName": name,
        "RoleId": "AROA" + (account + name.upper().replace("_", ""))[:17],
        "Arn": f"arn:aws:iam::{account}:role{path}{name}",
        "CreateDate": "2026-01-05T10:00:00Z",
        "AssumeRolePolicyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        },
        "InstanceProfileList": [],
        "RolePolicyList": [{"PolicyName": "InvokeAnthropic", "PolicyDocument": inline}] if inline else [],
        "AttachedManagedPolicies": [{"PolicyName": a.rsplit("/", 1)[-1], "PolicyArn": a} for a in attached],
        "Tags": [],
    }
    if boundary:
        item["PermissionsBoundary"] = {
            "PermissionsBoundaryType": "Policy",
            "PermissionsBoundaryArn": boundary,
        }
    return item


def managed(account: str, name: str, document: dict[str, Any]) -> dict[str, Any]:
    return {
        "PolicyName": name,
        "PolicyId": "ANPA" + (account + name.upper())[:17],
        "Arn": f"arn:aws:iam::{account}:policy/{name}",
        "Path": "/",
        "DefaultVersionId": "v1",
        "AttachmentCount": 1,
        "IsAttachable": True,
        "PolicyVersionList": [{"Document": document, "VersionId": "v1", "IsDefaultVersion": True}],
    }


def write(path: Path, doc: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2) + "\n")


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    full = policy("full-aws-access.json")
    write(
        OUT / "snapshot.json",
        {
            "format": "bedrock-access-snapshot",
            "version": 1,
            "collected_at": "2026-12-01T09:00:00Z",
            "collector": "hand-written example (tools/make_example_snapshot.py)",
            "organization": {"id": "o-ab12cd34ef", "management_account_id": MGMT},
            "accounts": [
                {"id": MGMT, "status": "read", "reason": None},
                {"id": DEV, "status": "read", "reason": None},
                {"id": PROD, "status": "read", "reason": None},
                {
                    "id": SANDBOX,
                    "status": "unreadable",
                    "reason": "AccessDenied: sts:AssumeRole on OrganizationAccountAccessRole",
                },
            ],
            "notes": [],
        },
    )
    write(
        OUT / "organization.json",
        {
            "roots": [{"id": "r-ab12", "name": "Root"}],
            "organizational_units": [
                {"id": "ou-ab12-workloads", "name": "Workloads", "parent_id": "r-ab12"},
                {"id": "ou-ab12-prod", "name": "Prod", "parent_id": "ou-ab12-workloads"},
                {"id": "ou-ab12-sandbox", "name": "Sandbox", "parent_id": "r-ab12"},
            ],
            "accounts": [
                {"id": MGMT, "name": "management", "parent_id": "r-ab12"},
                {"id": DEV, "name": "dev", "parent_id": "ou-ab12-workloads"},
                {"id": PROD, "name": "prod", "parent_id": "ou-ab12-prod"},
                {"id": SANDBOX, "name": "sandbox", "parent_id": "ou-ab12-sandbox"},
            ],
            "policies": [
                {
                    "id": "p-FullAWSAccess",
                    "name": "FullAWSAccess",
                    "type": "SERVICE_CONTROL_POLICY",
                    "aws_managed": True,
                    "targets": [
                        "r-ab12",
                        "ou-ab12-workloads",
                        "ou-ab12-prod",
                        "ou-ab12-sandbox",
                        MGMT,
                        DEV,
                        PROD,
                        SANDBOX,
                    ],
                    "document": full,
                },
                {
                    "id": "p-guardrails1",
                    "name": "aws-guardrails-GRREGIONDENY",
                    "type": "SERVICE_CONTROL_POLICY",
                    "targets": ["ou-ab12-workloads"],
                    "document": policy("control-tower-region-deny-us-east-1.json"),
                },
                {
                    "id": "p-cris1",
                    "name": "DenyOutsideApprovedRegionsWithCris",
                    "type": "SERVICE_CONTROL_POLICY",
                    "targets": ["ou-ab12-sandbox"],
                    "document": policy("scp-us-east-1-us-west-2-with-us-cris-exemption.json"),
                },
            ],
        },
    )
    for account in (MGMT, DEV, PROD):
        roles = [
            role(account, "BedrockDeveloper", invoke_anthropic(account), []),
            role(
                account,
                "DataScientist",
                None,
                [f"arn:aws:iam::{account}:policy/ClaudeAccess"],
                boundary=f"arn:aws:iam::{account}:policy/BedrockUsBoundary",
            ),
        ]
        if account == DEV:
            roles.append(
                role(
                    account,
                    "AWSReservedSSO_Developer_0123456789abcdef",
                    invoke_anthropic(account),
                    [],
                    path="/aws-reserved/sso.amazonaws.com/",
                )
            )
        write(
            OUT / "accounts" / f"{account}.json",
            {
                "UserDetailList": [],
                "GroupDetailList": [],
                "RoleDetailList": roles,
                "Policies": [
                    managed(account, "ClaudeAccess", invoke_anthropic(account)),
                    managed(account, "BedrockUsBoundary", BOUNDARY),
                ],
            },
        )
    write(
        OUT / "identity-center.json",
        {
            "instances": [
                {
                    "instance_arn": "arn:aws:sso:::instance/ssoins-0123456789abcdef",
                    "identity_store_id": "d-0123456789",
                }
            ],
            "permission_sets": [
                {
                    "arn": "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef",
                    "name": "Developer",
                    "inline_policy": invoke_anthropic("*"),
                    "aws_managed_policies": [],
                    "customer_managed_policies": [],
                    "permissions_boundary": None,
                }
            ],
            "assignments": [
                {
                    "account_id": DEV,
                    "permission_set_arn": "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef",
                },
                {
                    "account_id": SANDBOX,
                    "permission_set_arn": "arn:aws:sso:::permissionSet/ssoins-0123456789abcdef/ps-0123456789abcdef",
                },
            ],
        },
    )


def cli_output() -> None:
    """examples/collect/cli-output/: the same organization as saved AWS CLI output (for --from-cli)."""
    cli = ROOT / "examples" / "collect" / "cli-output"
    if cli.exists():
        shutil.rmtree(cli)
    org = json.loads((OUT / "organization.json").read_text())
    write(
        cli / "describe-organization.json",
        {
            "Organization": {
                "Id": "o-ab12cd34ef",
                "Arn": f"arn:aws:organizations::{MGMT}:organization/o-ab12cd34ef",
                "FeatureSet": "ALL",
                "MasterAccountArn": f"arn:aws:organizations::{MGMT}:account/o-ab12cd34ef/{MGMT}",
                "MasterAccountId": MGMT,
            }
        },
    )
    write(
        cli / "list-roots.json",
        {
            "Roots": [
                {
                    "Id": "r-ab12",
                    "Arn": f"arn:aws:organizations::{MGMT}:root/o-ab12cd34ef/r-ab12",
                    "Name": "Root",
                    "PolicyTypes": [],
                }
            ]
        },
    )
    parents = ["r-ab12", *(ou["id"] for ou in org["organizational_units"])]
    for parent in parents:
        write(
            cli / "ous" / f"{parent}.json",
            {
                "OrganizationalUnits": [
                    {"Id": ou["id"], "Name": ou["name"]}
                    for ou in org["organizational_units"]
                    if ou["parent_id"] == parent
                ]
            },
        )
        write(
            cli / "accounts" / f"{parent}.json",
            {
                "Accounts": [
                    {"Id": a["id"], "Name": a["name"], "Status": "ACTIVE"}
                    for a in org["accounts"]
                    if a["parent_id"] == parent
                ]
            },
        )
    for policy in org["policies"]:
        write(
            cli / "policies" / f"{policy['id']}.json",
            {
                "Policy": {
                    "PolicySummary": {
                        "Id": policy["id"],
                        "Name": policy["name"],
                        "Type": policy["type"],
                        "AwsManaged": policy.get("aws_managed", False),
                    },
                    "Content": json.dumps(policy["document"]),
                }
            },
        )
        write(
            cli / "policies" / f"{policy['id']}.targets.json",
            {
                "Targets": [
                    {
                        "TargetId": t,
                        "Type": "ROOT"
                        if t.startswith("r-")
                        else "ORGANIZATIONAL_UNIT"
                        if t.startswith("ou-")
                        else "ACCOUNT",
                    }
                    for t in policy["targets"]
                ]
            },
        )
    (cli / "iam").mkdir()
    for path in sorted((OUT / "accounts").glob("*.json")):
        shutil.copy(path, cli / "iam" / path.name)


if __name__ == "__main__":
    main()
    cli_output()
