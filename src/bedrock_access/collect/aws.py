"""Reading an organization with boto3, read-only (the edge: every AWS call of ``collect`` is here).

Credentials come from the ordinary chain (AWS_PROFILE, ...), the Region from AWS_REGION or the profile,
and endpoints from AWS_ENDPOINT_URL and the per-service AWS_ENDPOINT_URL_* variables: no endpoint is
passed in code. Throttling is retried by botocore (standard or adaptive mode). Nothing secret is written:
assumed-role credentials live only in memory.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bedrock_access import __version__
from bedrock_access.collect.writer import check_out, prepare, publish, read_json, write_json
from bedrock_access.org.model import SNAPSHOT_FORMAT, SNAPSHOT_VERSION
from bedrock_access.redact import redact

SESSION_NAME = "bedrock-access-collect"


@dataclass
class CollectResult:
    out: Path
    resumed: bool
    accounts_read: list[str] = field(default_factory=list)
    accounts_reused: list[str] = field(default_factory=list)  # read by the interrupted run
    unreadable: dict[str, str] = field(default_factory=dict)
    permission_sets: int = 0
    assignments: int = 0
    notes: list[str] = field(default_factory=list)


def _reason(exc: BaseException) -> str:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        text = f"{err.get('Code', 'Error')}: {err.get('Message', '')}".strip().rstrip(":")
    else:
        text = f"{type(exc).__name__}: {exc}"
    return redact(text)[:500]


def _config(retry_mode: str, max_attempts: int) -> Any:
    from botocore.config import Config

    return Config(
        retries={"mode": retry_mode, "max_attempts": max_attempts},
        user_agent_extra=f"bedrock-access/{__version__}",
        max_pool_connections=32,
    )


def _pages(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    paginator = client.get_paginator(operation)
    out: list[Any] = []
    for page in paginator.paginate(**kwargs):
        out.extend(page.get(key, []))
    return out


# ---------------------------------------------------------------------------------------------------
# Organizations


def read_organization(orgs: Any) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """(organization.json, the organization's id and management account, notes)."""
    notes: list[str] = []
    org = orgs.describe_organization()["Organization"]
    roots = _pages(orgs, "list_roots", "Roots")
    units: list[dict[str, Any]] = []
    accounts: list[dict[str, Any]] = []
    queue = [r["Id"] for r in roots]
    while queue:
        parent = queue.pop(0)
        for ou in _pages(
            orgs, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent
        ):
            units.append({"id": ou["Id"], "name": ou.get("Name", ou["Id"]), "parent_id": parent})
            queue.append(ou["Id"])
        for acct in _pages(orgs, "list_accounts_for_parent", "Accounts", ParentId=parent):
            accounts.append(
                {
                    "id": acct["Id"],
                    "name": acct.get("Name", acct["Id"]),
                    "parent_id": parent,
                    "status": acct.get("Status"),
                }
            )
    policies: list[dict[str, Any]] = []
    for policy_type in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
        try:
            summaries = _pages(orgs, "list_policies", "Policies", Filter=policy_type)
        except Exception as exc:  # RCPs not enabled, or an older endpoint: the SCPs still count
            notes.append(f"{policy_type} policies not listed: {_reason(exc)}")
            continue
        for summary in summaries:
            described = orgs.describe_policy(PolicyId=summary["Id"])["Policy"]
            targets = _pages(orgs, "list_targets_for_policy", "Targets", PolicyId=summary["Id"])
            policies.append(
                {
                    "id": summary["Id"],
                    "name": summary.get("Name", summary["Id"]),
                    "type": policy_type,
                    "aws_managed": bool(summary.get("AwsManaged", False)),
                    "targets": [t["TargetId"] for t in targets],
                    "document": described["Content"],
                }
            )
    doc = {
        "roots": [{"id": r["Id"], "name": r.get("Name", "Root")} for r in roots],
        "organizational_units": units,
        "accounts": accounts,
        "policies": policies,
    }
    return doc, {"id": org.get("Id"), "management_account_id": org.get("MasterAccountId")}, notes


# ---------------------------------------------------------------------------------------------------
# IAM in each account


def read_account_iam(iam: Any) -> dict[str, Any]:
    merged: dict[str, list[Any]] = {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": [],
        "Policies": [],
    }
    paginator = iam.get_paginator("get_account_authorization_details")
    for page in paginator.paginate():
        for key in merged:
            merged[key].extend(page.get(key, []))
    return merged


# ---------------------------------------------------------------------------------------------------
# IAM Identity Center


def read_identity_center(
    sso: Any, accounts: Iterable[str], workers: int = 8
) -> tuple[dict[str, Any], list[str]]:
    from botocore.exceptions import ClientError

    notes: list[str] = []
    account_ids = set(accounts)
    instances = _pages(sso, "list_instances", "Instances")
    sets: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []
    for instance in instances:
        arn = instance["InstanceArn"]
        for ps_arn in _pages(sso, "list_permission_sets", "PermissionSets", InstanceArn=arn):
            ps = sso.describe_permission_set(InstanceArn=arn, PermissionSetArn=ps_arn)["PermissionSet"]
            inline = sso.get_inline_policy_for_permission_set(InstanceArn=arn, PermissionSetArn=ps_arn).get(
                "InlinePolicy"
            )
            managed = _pages(
                sso,
                "list_managed_policies_in_permission_set",
                "AttachedManagedPolicies",
                InstanceArn=arn,
                PermissionSetArn=ps_arn,
            )
            customer = _pages(
                sso,
                "list_customer_managed_policy_references_in_permission_set",
                "CustomerManagedPolicyReferences",
                InstanceArn=arn,
                PermissionSetArn=ps_arn,
            )
            boundary: dict[str, Any] | None = None
            try:
                pb = sso.get_permissions_boundary_for_permission_set(
                    InstanceArn=arn, PermissionSetArn=ps_arn
                )["PermissionsBoundary"]
                if pb.get("ManagedPolicyArn"):
                    boundary = {"managed_policy_arn": pb["ManagedPolicyArn"]}
                elif pb.get("CustomerManagedPolicyReference"):
                    ref = pb["CustomerManagedPolicyReference"]
                    boundary = {
                        "customer_managed_policy": {"name": ref["Name"], "path": ref.get("Path", "/")}
                    }
            except ClientError as exc:
                if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                    notes.append(
                        f"permissions boundary of permission set {ps.get('Name')} not read: {_reason(exc)}"
                    )
            sets.append(
                {
                    "arn": ps_arn,
                    "name": ps["Name"],
                    "inline_policy": _as_document(inline),
                    "aws_managed_policies": [m["Arn"] for m in managed],
                    "customer_managed_policies": [
                        {"name": c["Name"], "path": c.get("Path", "/")} for c in customer
                    ],
                    "permissions_boundary": boundary,
                }
            )
    names = {ps["arn"] for ps in sets}

    def assigned(pair: tuple[str, str]) -> list[dict[str, Any]]:
        instance_arn, account_id = pair
        out = []
        provisioned = _pages(
            sso,
            "list_permission_sets_provisioned_to_account",
            "PermissionSets",
            InstanceArn=instance_arn,
            AccountId=account_id,
        )
        for ps_arn in dict.fromkeys(provisioned):  # once each, even if listed twice
            if ps_arn not in names:
                continue
            found = _pages(
                sso,
                "list_account_assignments",
                "AccountAssignments",
                InstanceArn=instance_arn,
                AccountId=account_id,
                PermissionSetArn=ps_arn,
            )
            if found:
                # Who is assigned is not needed to decide: one role per permission set and account.
                out.append({"account_id": account_id, "permission_set_arn": ps_arn, "principals": len(found)})
        return out

    pairs = [(i["InstanceArn"], a) for i in instances for a in sorted(account_ids)]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for found in pool.map(assigned, pairs):
            assignments.extend(found)
    doc = {
        "instances": [
            {"instance_arn": i["InstanceArn"], "identity_store_id": i.get("IdentityStoreId")}
            for i in instances
        ],
        "permission_sets": sets,
        "assignments": assignments,
    }
    return doc, notes


def _as_document(text: str | None) -> Any:
    """A policy document as JSON, so that the snapshot reads and diffs well; kept as text if not JSON."""
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def read_aws_managed(iam: Any, arns: Iterable[str]) -> tuple[list[dict[str, Any]], list[str]]:
    out, notes = [], []
    for arn in sorted(set(arns)):
        try:
            policy = iam.get_policy(PolicyArn=arn)["Policy"]
            version = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])[
                "PolicyVersion"
            ]
            out.append(
                {
                    "arn": arn,
                    "name": policy["PolicyName"],
                    "version_id": policy["DefaultVersionId"],
                    "document": version["Document"],
                }
            )
        except Exception as exc:
            notes.append(f"AWS managed policy {arn} not read: {_reason(exc)}")
    return out, notes


# ---------------------------------------------------------------------------------------------------
# The run


Progress = Callable[[str], None]  # called once per account finished


def collect(
    out: Path,
    *,
    role_name: str = "OrganizationAccountAccessRole",
    accounts: Sequence[str] = (),
    workers: int = 8,
    retry_mode: str = "adaptive",
    max_attempts: int = 10,
    identity_center: bool = True,
    progress: Callable[[int], Progress] | None = None,
    session: Any = None,
) -> CollectResult:
    import boto3

    check_out(out)
    config = _config(retry_mode, max_attempts)
    # botocore reads AWS_DEFAULT_REGION; the other SDKs and the CLI also read AWS_REGION, first.
    base = session or boto3.Session(region_name=os.environ.get("AWS_REGION") or None)
    orgs = base.client("organizations", config=config)
    sts = base.client("sts", config=config)
    me = sts.get_caller_identity()
    partition = me["Arn"].split(":")[1]

    org_doc, org_info, notes = read_organization(orgs)
    work, resumed = prepare(out)  # only once the organization could be read
    result = CollectResult(out=out, resumed=resumed)
    result.notes.extend(notes)
    write_json(work / "organization.json", org_doc)
    wanted = [a["id"] for a in org_doc["accounts"] if not accounts or a["id"] in accounts]
    missing = sorted(set(accounts) - {a["id"] for a in org_doc["accounts"]})
    for account_id in missing:
        result.unreadable[account_id] = "not an account of this organization"

    lock = threading.Lock()

    def read_one(account_id: str) -> tuple[str, str | None]:
        done = work / "accounts" / f"{account_id}.json"
        if done.exists() and read_json(done) is not None:
            return account_id, "reused"
        try:
            if account_id == me["Account"]:
                iam = base.client("iam", config=config)
            else:
                creds = sts.assume_role(
                    RoleArn=f"arn:{partition}:iam::{account_id}:role/{role_name}",
                    RoleSessionName=SESSION_NAME,
                )["Credentials"]
                member = boto3.Session(
                    aws_access_key_id=creds["AccessKeyId"],
                    aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["SessionToken"],
                    region_name=base.region_name,
                )
                iam = member.client("iam", config=config)
            details = read_account_iam(iam)
        except Exception as exc:
            return account_id, _reason(exc)  # retried by the next run; the rest goes on
        write_json(done, details)
        return account_id, None

    tick = progress(len(wanted)) if progress is not None else None
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = [pool.submit(read_one, a) for a in wanted]
        for future in as_completed(futures):
            account_id, outcome = future.result()
            with lock:
                if outcome == "reused":
                    result.accounts_reused.append(account_id)
                elif outcome is None:
                    result.accounts_read.append(account_id)
                else:
                    result.unreadable[account_id] = outcome
            if tick is not None:
                tick(account_id)

    managed_arns: list[str] = []
    if identity_center:
        try:
            sso = base.client("sso-admin", config=config)
            ic_doc, ic_notes = read_identity_center(sso, wanted, workers)
            write_json(work / "identity-center.json", ic_doc)
            result.notes.extend(ic_notes)
            result.permission_sets = len(ic_doc["permission_sets"])
            result.assignments = len(ic_doc["assignments"])
            for ps in ic_doc["permission_sets"]:
                managed_arns.extend(ps["aws_managed_policies"])
                pb = ps.get("permissions_boundary") or {}
                if pb.get("managed_policy_arn", "").split(":")[4:5] == ["aws"]:
                    managed_arns.append(pb["managed_policy_arn"])
        except Exception as exc:
            result.notes.append(f"IAM Identity Center not read: {_reason(exc)}")
    if managed_arns:
        policies, managed_notes = read_aws_managed(base.client("iam", config=config), managed_arns)
        result.notes.extend(managed_notes)
        write_json(work / "aws-managed-policies.json", {"policies": policies})

    statuses = []
    for a in org_doc["accounts"]:
        if a["id"] in result.unreadable:
            statuses.append({"id": a["id"], "status": "unreadable", "reason": result.unreadable[a["id"]]})
        elif a["id"] in wanted:
            statuses.append({"id": a["id"], "status": "read", "reason": None})
        else:
            statuses.append({"id": a["id"], "status": "skipped", "reason": "not in --accounts"})
    write_json(
        work / "snapshot.json",
        {
            "format": SNAPSHOT_FORMAT,
            "version": SNAPSHOT_VERSION,
            "collected_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "collector": f"bedrock-access {__version__} collect",
            "role_name": role_name,
            "organization": org_info,
            "accounts": statuses,
            "notes": result.notes,
        },
    )
    publish(work, out)
    return result
