"""A snapshot from saved AWS CLI output, for people who cannot run ``collect`` themselves.

The folder SRC holds (docs/collect.md shows the commands that write it):
- ``describe-organization.json``      ``aws organizations describe-organization``
- ``list-roots.json``                 ``aws organizations list-roots``
- ``ous/<parent-id>.json``            ``aws organizations list-organizational-units-for-parent --parent-id P``
- ``accounts/<parent-id>.json``       ``aws organizations list-accounts-for-parent --parent-id P``
- ``policies/<policy-id>.json``       ``aws organizations describe-policy --policy-id ID``
- ``policies/<policy-id>.targets.json`` ``aws organizations list-targets-for-policy --policy-id ID``
- ``iam/<account-id>.json``           ``aws iam get-account-authorization-details`` run in that account
- ``identity-center.json`` (optional) the snapshot's own Identity Center file, copied as is
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bedrock_access import __version__
from bedrock_access.collect.writer import prepare, publish, write_json
from bedrock_access.errors import InputError
from bedrock_access.org.model import SNAPSHOT_FORMAT, SNAPSHOT_VERSION


def _read(path: Path, required: bool = True) -> Any:
    from bedrock_access.io_guard import loads_json, read_text

    try:
        text = read_text(path, display=str(path), missing_ok=True)
        if text is None:
            raise FileNotFoundError(path)
        return loads_json(text, str(path))
    except FileNotFoundError:
        if required:
            raise InputError(
                "missing (see docs/collect.md, 'From saved AWS CLI output')", source=str(path)
            ) from None
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", source=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", source=f"{path}:{exc.lineno}") from None


def _get(doc: Any, key: str, path: Path) -> Any:
    if not isinstance(doc, dict) or key not in doc:
        raise InputError("missing", source=str(path), field=key)
    return doc[key]


def build_from_cli(src: Path, out: Path) -> dict[str, int]:
    """Write the snapshot ``out`` from the CLI outputs in ``src``; returns counts for the summary."""
    if not src.is_dir():
        raise InputError("not a folder", source=str(src), field="--from-cli")
    org_path = src / "describe-organization.json"
    org = _get(_read(org_path), "Organization", org_path)
    roots_path = src / "list-roots.json"
    roots = _get(_read(roots_path), "Roots", roots_path)
    units: list[dict[str, Any]] = []
    accounts: list[dict[str, Any]] = []
    queue = [r["Id"] for r in roots]
    while queue:
        parent = queue.pop(0)
        ous_path = src / "ous" / f"{parent}.json"
        for ou in _get(
            _read(ous_path, required=False) or {"OrganizationalUnits": []}, "OrganizationalUnits", ous_path
        ):
            units.append({"id": ou["Id"], "name": ou.get("Name", ou["Id"]), "parent_id": parent})
            queue.append(ou["Id"])
        acc_path = src / "accounts" / f"{parent}.json"
        for acct in _get(_read(acc_path, required=False) or {"Accounts": []}, "Accounts", acc_path):
            accounts.append({"id": acct["Id"], "name": acct.get("Name", acct["Id"]), "parent_id": parent})
    policies = []
    for path in sorted((src / "policies").glob("*.json")):
        if path.name.endswith(".targets.json"):
            continue
        described = _get(_read(path), "Policy", path)
        summary = _get(described, "PolicySummary", path)
        targets_path = path.with_name(path.stem + ".targets.json")
        targets = _get(_read(targets_path), "Targets", targets_path)
        policies.append(
            {
                "id": summary["Id"],
                "name": summary.get("Name", summary["Id"]),
                "type": summary.get("Type", "SERVICE_CONTROL_POLICY"),
                "aws_managed": bool(summary.get("AwsManaged", False)),
                "targets": [t["TargetId"] for t in targets],
                "document": _get(described, "Content", path),
            }
        )
    work, _resumed = prepare(out)
    statuses = []
    for acct in accounts:
        iam_path = src / "iam" / f"{acct['id']}.json"
        details = _read(iam_path, required=False)
        if details is None:
            statuses.append(
                {"id": acct["id"], "status": "skipped", "reason": f"no saved IAM listing ({iam_path})"}
            )
            continue
        write_json(work / "accounts" / f"{acct['id']}.json", details)
        statuses.append({"id": acct["id"], "status": "read", "reason": None})
    ic = _read(src / "identity-center.json", required=False)
    if ic is not None:
        write_json(work / "identity-center.json", ic)
    write_json(
        work / "organization.json",
        {
            "roots": [{"id": r["Id"], "name": r.get("Name", "Root")} for r in roots],
            "organizational_units": units,
            "accounts": accounts,
            "policies": policies,
        },
    )
    write_json(
        work / "snapshot.json",
        {
            "format": SNAPSHOT_FORMAT,
            "version": SNAPSHOT_VERSION,
            "collected_at": None,
            "collector": f"bedrock-access {__version__} collect --from-cli {src}",
            "organization": {"id": org.get("Id"), "management_account_id": org.get("MasterAccountId")},
            "accounts": statuses,
            "notes": [],
        },
    )
    publish(work, out)
    return {
        "accounts": len(accounts),
        "read": sum(1 for s in statuses if s["status"] == "read"),
        "policies": len(policies),
    }
