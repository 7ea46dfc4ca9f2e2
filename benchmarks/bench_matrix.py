"""``matrix`` on a large synthetic organization: snapshot load, decisions and the text report, timed.

python benchmarks/bench_matrix.py [--accounts 5000] [--roles 10] [--ous 4] [--profiles 20]

Writes a snapshot folder (to a temporary directory) of ACCOUNTS accounts with ROLES roles each, spread
over OUS OUs that carry different SCPs (Control Tower's Region deny with its AWSControlTowerExecution
exemption, a Region deny with the us. CRIS exemption, a model allow-list, none). The roles use ROLES
identity-policy variants shared across accounts, so the organization has about OUS × ROLES distinct
policy stacks. Then runs ``matrix`` (the same functions as the CLI) over the PROFILES most used Claude
profiles × every commercial Region with Bedrock, and prints where the time went.
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bedrock_access.catalog import load_catalog
from bedrock_access.iam.service_data import rcp_supported_services, resource_type_prefixes
from bedrock_access.matrix import decide_snapshot
from bedrock_access.org import load_snapshot
from bedrock_access.report.matrix_text import write_text

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ROOT / "examples" / "policies"

# The Claude profiles most called (current Sonnet, Haiku and Opus through every geography), in order.
MOST_USED = [
    f"{scope}.anthropic.{model}"
    for model in (
        "claude-sonnet-4-5-20250929-v1:0",
        "claude-haiku-4-5-20251001-v1:0",
        "claude-sonnet-4-6",
        "claude-opus-4-6-v1",
        "claude-sonnet-4-20250514-v1:0",
        "claude-opus-4-5-20251101-v1:0",
        "claude-3-7-sonnet-20250219-v1:0",
    )
    for scope in ("us", "global", "eu", "apac", "jp", "au")
]


def identity_variant(i: int) -> dict[str, Any]:
    """Role policy variants: different actions, model families and Region conditions."""
    families = ["anthropic.*", "anthropic.claude-sonnet*", "anthropic.claude-haiku*", "*"]
    regions = [None, ["us-east-1", "us-west-2"], ["eu-central-1", "eu-west-1"], ["us-east-1", "unspecified"]]
    statement: dict[str, Any] = {
        "Sid": f"Variant{i}",
        "Effect": "Allow",
        "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"][: 1 + i % 2],
        "Resource": [
            "arn:aws:bedrock:*:*:inference-profile/*",
            f"arn:aws:bedrock:*::foundation-model/{families[i % 4]}",
        ],
    }
    region = regions[(i // 2) % 4]
    if region:
        statement["Condition"] = {"StringEquals": {"aws:RequestedRegion": region}}
    return {"Version": "2012-10-17", "Statement": [statement]}


def write_snapshot(folder: Path, accounts: int, roles: int, ous: int) -> None:
    scps = [
        (
            "aws-guardrails-GRREGIONDENY",
            json.loads((POLICIES / "control-tower-region-deny-us-east-1.json").read_text()),
        ),
        (
            "DenyOutsideApprovedRegionsWithCris",
            json.loads((POLICIES / "scp-us-east-1-us-west-2-with-us-cris-exemption.json").read_text()),
        ),
        (
            "ApprovedModelsOnly",
            json.loads((POLICIES / "scp-approved-foundation-models-only.json").read_text()),
        ),
    ]
    full = json.loads((POLICIES / "full-aws-access.json").read_text())
    ou_ids = [f"ou-root-{i:08d}" for i in range(ous)]
    account_ids = [f"{100000000000 + i:012d}" for i in range(accounts)]
    policies = [
        {
            "id": "p-FullAWSAccess",
            "name": "FullAWSAccess",
            "type": "SERVICE_CONTROL_POLICY",
            "aws_managed": True,
            "targets": ["r-root", *ou_ids, *account_ids],
            "document": full,
        }
    ]
    for i, (name, doc) in enumerate(scps):
        targets = [ou for j, ou in enumerate(ou_ids) if j % (len(scps) + 1) == i]
        policies.append(
            {
                "id": f"p-scp{i}",
                "name": name,
                "type": "SERVICE_CONTROL_POLICY",
                "targets": targets,
                "document": doc,
            }
        )
    (folder / "accounts").mkdir(parents=True)
    (folder / "organization.json").write_text(
        json.dumps(
            {
                "roots": [{"id": "r-root", "name": "Root"}],
                "organizational_units": [
                    {"id": ou, "name": f"OU{i}", "parent_id": "r-root"} for i, ou in enumerate(ou_ids)
                ],
                "accounts": [
                    {"id": a, "name": f"acct{i}", "parent_id": ou_ids[i % ous]}
                    for i, a in enumerate(account_ids)
                ],
                "policies": policies,
            }
        )
    )
    (folder / "snapshot.json").write_text(
        json.dumps(
            {
                "format": "bedrock-access-snapshot",
                "version": 1,
                "collected_at": "2026-12-01T00:00:00Z",
                "organization": {"id": "o-bench", "management_account_id": "999999999999"},
                "accounts": [{"id": a, "status": "read"} for a in account_ids],
            }
        )
    )
    variants = [identity_variant(i) for i in range(roles)]
    for a in account_ids:
        role_list = [
            {
                "Path": "/",
                "RoleName": f"Role{i}",
                "Arn": f"arn:aws:iam::{a}:role/Role{i}",
                "RolePolicyList": [{"PolicyName": f"Variant{i}", "PolicyDocument": variants[i]}],
                "AttachedManagedPolicies": [],
            }
            for i in range(roles)
        ]
        (folder / "accounts" / f"{a}.json").write_text(
            json.dumps(
                {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": role_list, "Policies": []}
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--roles", type=int, default=10)
    parser.add_argument("--ous", type=int, default=4)
    parser.add_argument("--profiles", type=int, default=20)
    args = parser.parse_args()
    catalog = load_catalog()
    models = [m for m in MOST_USED if catalog.profile(m)][: args.profiles]
    regions = catalog.bedrock_regions("aws")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "snap"
        start = time.perf_counter()
        write_snapshot(folder, args.accounts, args.roles, args.ous)
        written = time.perf_counter()
        snap = load_snapshot(folder)
        loaded = time.perf_counter()
        matrix = decide_snapshot(
            snap,
            catalog,
            models=models,
            regions=regions,
            rcp_services=rcp_supported_services(),
            resource_types=resource_type_prefixes,
            now="2026-12-04T00:00:00Z",
        )
        decided = time.perf_counter()
        out = io.StringIO()
        write_text(matrix, out, catalog_snapshot=catalog.snapshot_date)
        reported = time.perf_counter()
    print(
        f"{len(snap.accounts)} accounts, {len(snap.principals)} principals, {len(matrix.stacks)} distinct stacks"
    )
    print(f"{len(models)} profiles x {len(regions)} source Regions = {matrix.cell_count:,} cells")
    print(f"write synthetic snapshot: {written - start:6.2f} s (not part of matrix)")
    print(f"load snapshot:            {loaded - written:6.2f} s")
    print(f"decide:                   {decided - loaded:6.2f} s")
    print(f"text report:              {reported - decided:6.2f} s ({len(out.getvalue()) / 1e6:.1f} MB)")
    print(f"matrix total:             {reported - written:6.2f} s")


if __name__ == "__main__":
    main()
