"""Reading a snapshot folder (docs/collect.md): every error names the file and the field, on one line.

The folder holds:
- ``snapshot.json``: format, version, when and how it was collected, each account's read status;
- ``organization.json``: roots, OUs, accounts and every SCP and RCP with its targets and document;
- ``accounts/<account-id>.json``: ``get-account-authorization-details`` exactly as boto3 or the AWS CLI
  returns it (pages merged);
- ``identity-center.json`` (optional): permission sets and account assignments;
- ``aws-managed-policies.json`` (optional): AWS managed policy documents the accounts did not list.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from bedrock_access.errors import InputError, value_kind
from bedrock_access.org.model import (
    PERMISSION_SET_INLINE_POLICY,
    SNAPSHOT_FORMAT,
    SNAPSHOT_VERSION,
    AccountRecord,
    OrgNode,
    OrgPolicy,
    PolicyDocument,
    Principal,
    Snapshot,
)

MAX_FILE_BYTES = 200_000_000
_ACCOUNT = re.compile(r"^\d{12}$")
SSO_ROLE_PATH = "/aws-reserved/sso.amazonaws.com/"
SSO_ROLE_PREFIX = "AWSReservedSSO_"
SERVICE_ROLE_PATH = "/aws-service-role/"
UNKNOWN_SSO_SUFFIX = "unknown"


class _File:
    """One JSON file of the snapshot, for typed reads with messages that name it."""

    def __init__(self, path: Path, label: str) -> None:
        self.path = path
        self.label = label

    def fail(self, field: str | None, message: str) -> InputError:
        return InputError(message, source=self.label, field=field or None)

    def load(self) -> Any:
        from bedrock_access.io_guard import read_bytes

        # Regular files only, the cap applied while reading (st_size is 0 for devices).
        data = read_bytes(self.path, display=self.label, limit=MAX_FILE_BYTES, missing_ok=True)
        if data is None:
            raise self.fail(None, "missing (is this a bedrock-access snapshot folder?)")
        try:
            return json.loads(data)
        except UnicodeDecodeError:
            raise self.fail(None, "not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", source=f"{self.label}:{exc.lineno}") from None
        except RecursionError:
            raise self.fail(None, "JSON nested too deeply") from None

    def mapping(self, value: Any, field: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(field, f"must be an object, not {value_kind(value)}")
        return value

    def listing(self, value: Any, field: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(field, f"must be a list, not {value_kind(value)}")
        return value

    def string(self, value: Any, field: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(field, f"must be a non-empty string, not {value_kind(value)}")
        return value

    def opt_string(self, value: Any, field: str) -> str | None:
        return None if value is None else self.string(value, field)

    def account_id(self, value: Any, field: str) -> str:
        text = self.string(value, field)
        if not _ACCOUNT.match(text):
            raise self.fail(field, f"{text!r} is not a 12-digit account id")
        return text

    def document(self, value: Any, field: str) -> Mapping[str, Any]:
        """A policy document as boto3 (decoded), the AWS CLI (decoded) or the raw API (URL-encoded
        JSON text) gives it."""
        if isinstance(value, str):
            text = unquote(value) if value.lstrip().startswith("%") or "%22" in value else value
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise self.fail(field, f"policy document is not valid JSON: {exc.msg}") from None
        return self.mapping(value, field)


def document_key(name: str, document: Mapping[str, Any] | None) -> str:
    """Equal names with equal documents share a key (and so a decision)."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":")) if document is not None else "?"
    return hashlib.sha256(f"{name}\0{canonical}".encode()).hexdigest()[:24]


def _policy_doc(name: str, document: Mapping[str, Any] | None, arn: str | None = None) -> PolicyDocument:
    return PolicyDocument(name, document_key(name, document), document, arn)


# ---------------------------------------------------------------------------------------------------
# The manifest and the organization


def _manifest(folder: Path) -> tuple[Mapping[str, Any], _File]:
    f = _File(folder / "snapshot.json", str(folder / "snapshot.json"))
    doc = f.mapping(f.load(), "")
    if doc.get("format") != SNAPSHOT_FORMAT:
        raise f.fail("format", f"expected {SNAPSHOT_FORMAT!r}, not {doc.get('format')!r}")
    version = doc.get("version")
    if version != SNAPSHOT_VERSION:
        raise f.fail(
            "version",
            f"snapshot version {version!r} is not supported (this bedrock-access reads version "
            f"{SNAPSHOT_VERSION}); collect it again with this version",
        )
    return doc, f


def _organization(
    folder: Path, manifest: Mapping[str, Any], mf: _File
) -> tuple[dict[str, OrgNode], list[AccountRecord], list[OrgPolicy]]:
    f = _File(folder / "organization.json", str(folder / "organization.json"))
    doc = f.mapping(f.load(), "")
    nodes: dict[str, OrgNode] = {}
    for i, raw in enumerate(f.listing(doc.get("roots"), "roots")):
        item = f.mapping(raw, f"roots[{i}]")
        rid = f.string(item.get("id"), f"roots[{i}].id")
        nodes[rid] = OrgNode(rid, str(item.get("name") or "Root"), "root", None)
    for i, raw in enumerate(f.listing(doc.get("organizational_units"), "organizational_units")):
        where = f"organizational_units[{i}]"
        item = f.mapping(raw, where)
        oid = f.string(item.get("id"), f"{where}.id")
        nodes[oid] = OrgNode(
            oid, str(item.get("name") or oid), "ou", f.string(item.get("parent_id"), f"{where}.parent_id")
        )
    status: dict[str, tuple[str, str | None]] = {}
    for i, raw in enumerate(mf.listing(manifest.get("accounts"), "accounts")):
        item = mf.mapping(raw, f"accounts[{i}]")
        aid = mf.account_id(item.get("id"), f"accounts[{i}].id")
        state = item.get("status")
        if state not in ("read", "unreadable", "skipped"):
            raise mf.fail(f"accounts[{i}].status", f"must be read, unreadable or skipped, not {state!r}")
        status[aid] = (state, mf.opt_string(item.get("reason"), f"accounts[{i}].reason"))
    accounts: list[AccountRecord] = []
    for i, raw in enumerate(f.listing(doc.get("accounts"), "accounts")):
        where = f"accounts[{i}]"
        item = f.mapping(raw, where)
        aid = f.account_id(item.get("id"), f"{where}.id")
        parent = f.opt_string(item.get("parent_id"), f"{where}.parent_id")
        nodes[aid] = OrgNode(aid, str(item.get("name") or aid), "account", parent)
        state, reason = status.get(aid, ("skipped", "not in snapshot.json"))
        accounts.append(AccountRecord(aid, str(item.get("name") or aid), parent, state, reason))  # type: ignore[arg-type]
    for node in nodes.values():
        if node.parent_id is not None and node.parent_id not in nodes:
            where = "organizational_units" if node.kind == "ou" else "accounts"
            raise f.fail(f"{where}[id={node.id}].parent_id", f"unknown parent {node.parent_id!r}")
    policies: list[OrgPolicy] = []
    for i, raw in enumerate(f.listing(doc.get("policies"), "policies")):
        where = f"policies[{i}]"
        item = f.mapping(raw, where)
        ptype = item.get("type")
        if ptype not in ("SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"):
            raise f.fail(
                f"{where}.type", f"must be SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY, not {ptype!r}"
            )
        targets = tuple(
            f.string(t, f"{where}.targets[{j}]")
            for j, t in enumerate(f.listing(item.get("targets"), f"{where}.targets"))
        )
        policies.append(
            OrgPolicy(
                id=f.string(item.get("id"), f"{where}.id"),
                name=f.string(item.get("name"), f"{where}.name"),
                type=ptype,
                targets=targets,
                document=f.document(item.get("document"), f"{where}.document"),
                aws_managed=bool(item.get("aws_managed", False)),
            )
        )
    return nodes, accounts, policies


# ---------------------------------------------------------------------------------------------------
# IAM in each account


class _AccountIam:
    """One account's ``get-account-authorization-details``, indexed."""

    def __init__(self, f: _File, doc: Mapping[str, Any]) -> None:
        self.f = f
        self.doc = doc
        self.managed: dict[str, PolicyDocument] = {}
        for i, raw in enumerate(f.listing(doc.get("Policies"), "Policies")):
            where = f"Policies[{i}]"
            item = f.mapping(raw, where)
            arn = f.string(item.get("Arn"), f"{where}.Arn")
            # AWS always sends PolicyName; moto leaves it out, and the ARN ends with it anyway.
            name = str(item.get("PolicyName") or arn.rsplit("/", 1)[-1])
            default = item.get("DefaultVersionId")
            found: Mapping[str, Any] | None = None
            for j, vraw in enumerate(f.listing(item.get("PolicyVersionList"), f"{where}.PolicyVersionList")):
                version = f.mapping(vraw, f"{where}.PolicyVersionList[{j}]")
                if version.get("IsDefaultVersion") or (default and version.get("VersionId") == default):
                    found = f.document(version.get("Document"), f"{where}.PolicyVersionList[{j}].Document")
                    break
            self.managed[arn] = _policy_doc(name, found, arn)
        self.groups: dict[str, Mapping[str, Any]] = {}
        for i, raw in enumerate(f.listing(doc.get("GroupDetailList"), "GroupDetailList")):
            item = f.mapping(raw, f"GroupDetailList[{i}]")
            self.groups[f.string(item.get("GroupName"), f"GroupDetailList[{i}].GroupName")] = item

    def inline(self, items: Any, field: str) -> list[PolicyDocument]:
        out = []
        for i, raw in enumerate(self.f.listing(items, field)):
            item = self.f.mapping(raw, f"{field}[{i}]")
            name = self.f.string(item.get("PolicyName"), f"{field}[{i}].PolicyName")
            out.append(
                _policy_doc(name, self.f.document(item.get("PolicyDocument"), f"{field}[{i}].PolicyDocument"))
            )
        return out

    def attached(self, items: Any, field: str, shared: Mapping[str, PolicyDocument]) -> list[PolicyDocument]:
        out = []
        for i, raw in enumerate(self.f.listing(items, field)):
            item = self.f.mapping(raw, f"{field}[{i}]")
            arn = self.f.string(item.get("PolicyArn"), f"{field}[{i}].PolicyArn")
            name = str(item.get("PolicyName") or arn.rsplit("/", 1)[-1])
            out.append(self.managed.get(arn) or shared.get(arn) or _policy_doc(name, None, arn))
        return out

    def boundary(
        self, item: Mapping[str, Any], field: str, shared: Mapping[str, PolicyDocument]
    ) -> PolicyDocument | None:
        raw = item.get("PermissionsBoundary")
        if not raw:
            return None
        pb = self.f.mapping(raw, f"{field}.PermissionsBoundary")
        arn = self.f.string(
            pb.get("PermissionsBoundaryArn"), f"{field}.PermissionsBoundary.PermissionsBoundaryArn"
        )
        return self.managed.get(arn) or shared.get(arn) or _policy_doc(arn.rsplit("/", 1)[-1], None, arn)


def _tags(f: _File, item: Mapping[str, Any], field: str) -> dict[str, str]:
    out = {}
    for i, raw in enumerate(f.listing(item.get("Tags"), f"{field}.Tags")):
        tag = f.mapping(raw, f"{field}.Tags[{i}]")
        out[str(tag.get("Key"))] = str(tag.get("Value", ""))
    return out


def _unreadable_notes(policies: list[PolicyDocument], boundary: PolicyDocument | None) -> tuple[str, ...]:
    missing = [p.arn or p.name for p in (*policies, *((boundary,) if boundary else ())) if p.document is None]
    return tuple(f"policy document not in the snapshot, left out: {m}" for m in missing)


def _account_principals(
    iam: _AccountIam, account_id: str, shared: Mapping[str, PolicyDocument]
) -> list[Principal]:
    f = iam.f
    out: list[Principal] = []
    for i, raw in enumerate(f.listing(iam.doc.get("RoleDetailList"), "RoleDetailList")):
        where = f"RoleDetailList[{i}]"
        item = f.mapping(raw, where)
        path = str(item.get("Path") or "/")
        if path.startswith(SERVICE_ROLE_PATH):
            continue  # service-linked roles: AWS services act through them, people do not call Bedrock with them
        name = f.string(item.get("RoleName"), f"{where}.RoleName")
        policies = [
            *iam.inline(item.get("RolePolicyList"), f"{where}.RolePolicyList"),
            *iam.attached(item.get("AttachedManagedPolicies"), f"{where}.AttachedManagedPolicies", shared),
        ]
        boundary = iam.boundary(item, where, shared)
        out.append(
            Principal(
                arn=f.string(item.get("Arn"), f"{where}.Arn"),
                account_id=account_id,
                kind="role",
                name=name,
                identity=tuple(policies),
                boundary=boundary,
                tags=_tags(f, item, where),
                notes=_unreadable_notes(policies, boundary),
            )
        )
    for i, raw in enumerate(f.listing(iam.doc.get("UserDetailList"), "UserDetailList")):
        where = f"UserDetailList[{i}]"
        item = f.mapping(raw, where)
        policies = [
            *iam.inline(item.get("UserPolicyList"), f"{where}.UserPolicyList"),
            *iam.attached(item.get("AttachedManagedPolicies"), f"{where}.AttachedManagedPolicies", shared),
        ]
        for j, group_name in enumerate(f.listing(item.get("GroupList"), f"{where}.GroupList")):
            group = iam.groups.get(str(group_name))
            if group is None:
                raise f.fail(f"{where}.GroupList[{j}]", f"group {group_name!r} is not in GroupDetailList")
            gwhere = f"GroupDetailList[{group_name}]"
            policies.extend(iam.inline(group.get("GroupPolicyList"), f"{gwhere}.GroupPolicyList"))
            policies.extend(
                iam.attached(
                    group.get("AttachedManagedPolicies"), f"{gwhere}.AttachedManagedPolicies", shared
                )
            )
        boundary = iam.boundary(item, where, shared)
        out.append(
            Principal(
                arn=f.string(item.get("Arn"), f"{where}.Arn"),
                account_id=account_id,
                kind="user",
                name=f.string(item.get("UserName"), f"{where}.UserName"),
                identity=tuple(policies),
                boundary=boundary,
                tags=_tags(f, item, where),
                notes=_unreadable_notes(policies, boundary),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------------
# IAM Identity Center


def _identity_center(
    folder: Path,
    principals: list[Principal],
    account_iam: Mapping[str, _AccountIam],
    shared: Mapping[str, PolicyDocument],
    partition_of: Mapping[str, str],
) -> list[Principal]:
    path = folder / "identity-center.json"
    if not path.exists():
        return principals
    f = _File(path, str(path))
    doc = f.mapping(f.load(), "")
    sets: dict[str, Mapping[str, Any]] = {}
    for i, raw in enumerate(f.listing(doc.get("permission_sets"), "permission_sets")):
        item = f.mapping(raw, f"permission_sets[{i}]")
        sets[f.string(item.get("arn"), f"permission_sets[{i}].arn")] = item
        f.string(item.get("name"), f"permission_sets[{i}].name")
    by_arn = {p.arn: i for i, p in enumerate(principals)}
    out = list(principals)
    seen: set[tuple[str, str]] = set()
    for i, raw in enumerate(f.listing(doc.get("assignments"), "assignments")):
        where = f"assignments[{i}]"
        item = f.mapping(raw, where)
        account_id = f.account_id(item.get("account_id"), f"{where}.account_id")
        ps_arn = f.string(item.get("permission_set_arn"), f"{where}.permission_set_arn")
        if ps_arn not in sets:
            raise f.fail(f"{where}.permission_set_arn", f"{ps_arn!r} is not in permission_sets")
        if (account_id, ps_arn) in seen:
            continue  # one role per permission set and account, however many users are assigned
        seen.add((account_id, ps_arn))
        ps = sets[ps_arn]
        name = str(ps["name"])
        prefix = f"{SSO_ROLE_PREFIX}{name}_"
        existing = [
            p
            for p in out
            if p.account_id == account_id
            and p.kind == "role"
            and p.name.startswith(prefix)
            and len(p.name) == len(prefix) + 16
        ]
        if existing:
            # The account's IAM listing holds the provisioned role: its policies are what AWS evaluates.
            for p in existing:
                out[by_arn[p.arn]] = Principal(
                    p.arn, p.account_id, p.kind, p.name, p.identity, p.boundary, name, p.tags, p.notes
                )
            continue
        iam = account_iam.get(account_id)
        policies, boundary, notes = _permission_set_policies(
            f, ps, account_id, iam, shared, partition_of.get(account_id, "aws")
        )
        role_name = f"{prefix}{UNKNOWN_SSO_SUFFIX}"
        arn = f"arn:{partition_of.get(account_id, 'aws')}:iam::{account_id}:role{SSO_ROLE_PATH}{role_name}"
        notes = (
            *notes,
            "built from the permission set: the account's IAM listing has no AWSReservedSSO role for it, "
            "so the role's id suffix is unknown",
        )
        by_arn[arn] = len(out)
        out.append(Principal(arn, account_id, "role", role_name, tuple(policies), boundary, name, {}, notes))
    return out


def _permission_set_policies(
    f: _File,
    ps: Mapping[str, Any],
    account_id: str,
    iam: _AccountIam | None,
    shared: Mapping[str, PolicyDocument],
    partition: str,
) -> tuple[list[PolicyDocument], PolicyDocument | None, tuple[str, ...]]:
    name = str(ps["name"])
    where = f"permission_sets[{name}]"
    policies: list[PolicyDocument] = []
    notes: list[str] = []
    inline = ps.get("inline_policy")
    if inline:
        policies.append(
            _policy_doc(PERMISSION_SET_INLINE_POLICY, f.document(inline, f"{where}.inline_policy"))
        )

    def managed(arn: str) -> PolicyDocument:
        found = (iam.managed.get(arn) if iam else None) or shared.get(arn)
        if found is None:
            notes.append(f"policy document not in the snapshot, left out: {arn}")
            return _policy_doc(arn.rsplit("/", 1)[-1], None, arn)
        return found

    for j, arn in enumerate(f.listing(ps.get("aws_managed_policies"), f"{where}.aws_managed_policies")):
        policies.append(managed(f.string(arn, f"{where}.aws_managed_policies[{j}]")))
    for j, raw in enumerate(
        f.listing(ps.get("customer_managed_policies"), f"{where}.customer_managed_policies")
    ):
        ref = f.mapping(raw, f"{where}.customer_managed_policies[{j}]")
        cname = f.string(ref.get("name"), f"{where}.customer_managed_policies[{j}].name")
        cpath = str(ref.get("path") or "/")
        policies.append(managed(f"arn:{partition}:iam::{account_id}:policy{cpath}{cname}"))
    boundary: PolicyDocument | None = None
    raw_pb = ps.get("permissions_boundary")
    if raw_pb:
        pb = f.mapping(raw_pb, f"{where}.permissions_boundary")
        if pb.get("managed_policy_arn"):
            boundary = managed(
                f.string(pb.get("managed_policy_arn"), f"{where}.permissions_boundary.managed_policy_arn")
            )
        else:
            ref = f.mapping(
                pb.get("customer_managed_policy"), f"{where}.permissions_boundary.customer_managed_policy"
            )
            cname = f.string(ref.get("name"), f"{where}.permissions_boundary.customer_managed_policy.name")
            boundary = managed(f"arn:{partition}:iam::{account_id}:policy{ref.get('path') or '/'}{cname}")
    return (
        [p for p in policies if p.document is not None],
        (boundary if boundary and boundary.document is not None else None),
        tuple(notes),
    )


# ---------------------------------------------------------------------------------------------------


def load_snapshot(folder: str | Path) -> Snapshot:
    """Read and check a snapshot folder; any problem is an :class:`InputError` naming file and field."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError("not a snapshot folder (no such directory)", source=str(folder))
    manifest, mf = _manifest(root)
    org = mf.mapping(manifest.get("organization") or {}, "organization")
    management = org.get("management_account_id")
    if management is not None:
        management = mf.account_id(management, "organization.management_account_id")
    nodes, accounts, policies = _organization(root, manifest, mf)

    shared: dict[str, PolicyDocument] = {}
    managed_path = root / "aws-managed-policies.json"
    if managed_path.exists():
        f = _File(managed_path, str(managed_path))
        doc = f.mapping(f.load(), "")
        for i, raw in enumerate(f.listing(doc.get("policies"), "policies")):
            item = f.mapping(raw, f"policies[{i}]")
            arn = f.string(item.get("arn"), f"policies[{i}].arn")
            shared[arn] = _policy_doc(
                f.string(item.get("name"), f"policies[{i}].name"),
                f.document(item.get("document"), f"policies[{i}].document"),
                arn,
            )
    account_iam: dict[str, _AccountIam] = {}
    for record in accounts:
        if record.status != "read":
            continue
        path = root / "accounts" / f"{record.id}.json"
        f = _File(path, str(path))
        account_iam[record.id] = _AccountIam(f, f.mapping(f.load(), ""))
    # AWS managed policies listed by any account serve every account (their documents are global).
    for iam in account_iam.values():
        for arn, listed in iam.managed.items():
            if arn.split(":")[4:5] == ["aws"] and listed.document is not None:
                shared.setdefault(arn, listed)
    principals: list[Principal] = []
    partitions: dict[str, str] = {}
    for account_id, iam in account_iam.items():
        found = _account_principals(iam, account_id, shared)
        for p in found:
            partitions.setdefault(account_id, p.arn.split(":")[1])
        principals.extend(found)
    principals = _identity_center(root, principals, account_iam, shared, partitions)
    return Snapshot(
        source=str(folder),
        version=SNAPSHOT_VERSION,
        collected_at=str(manifest.get("collected_at")) if manifest.get("collected_at") else None,
        org_id=str(org.get("id")) if org.get("id") else None,
        management_account=management,
        nodes=nodes,
        accounts=tuple(accounts),
        policies=tuple(policies),
        principals=tuple(principals),
        notes=tuple(str(n) for n in mf.listing(manifest.get("notes"), "notes")),
    )
