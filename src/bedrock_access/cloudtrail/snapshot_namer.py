"""Name the statement behind each group of CloudTrail failures from an organization snapshot.

The record says who called (a role session, a user); the snapshot holds that principal's policies and
the SCPs above its account. One of the group's principals found in the snapshot is decided again, as
``explain --scenario`` decides a scenario's calls, for the group's model and source Region.
"""

from __future__ import annotations

from typing import Any

from bedrock_access.catalog.model import Catalog
from bedrock_access.cloudtrail.adapter import ScenarioNamer
from bedrock_access.cloudtrail.grouping import FailureGroup
from bedrock_access.errors import InputError
from bedrock_access.iam.arn import parse_arn
from bedrock_access.org.model import Principal, Snapshot


def principal_of_caller(snapshot: Snapshot, caller_arn: str) -> Principal | None:
    """The snapshot principal behind a caller ARN: a role session's role, or the user itself."""
    parsed = parse_arn(caller_arn)
    if parsed is None or not parsed.account:
        return None
    pieces = parsed.resource.split("/")
    if parsed.service == "sts" and pieces[0] == "assumed-role" and len(pieces) >= 2:
        kind, name = "role", pieces[1]
    elif parsed.service == "iam" and pieces[0] in ("role", "user"):
        kind, name = pieces[0], pieces[-1]
    else:
        return None
    for principal in snapshot.principals:
        if principal.account_id == parsed.account and principal.kind == kind and principal.name == name:
            return principal
    return None


class SnapshotNamer:
    def __init__(self, path: str, catalog: Catalog) -> None:
        from bedrock_access.org import load_snapshot

        self.path = path
        self.snapshot = load_snapshot(path)
        self.catalog = catalog

    def name(self, group: FailureGroup) -> dict[str, Any]:
        from bedrock_access.org.scenario import snapshot_scenario

        model = group.explanation.model or (group.models[0] if group.models else None)
        region = group.source_regions[0] if group.source_regions else None
        for caller in group.principals:
            principal = principal_of_caller(self.snapshot, caller)
            if principal is None:
                continue
            if model is None or region is None:
                break
            try:
                scenario = snapshot_scenario(self.snapshot, principal.arn, [(model, region)])
            except InputError as exc:
                return {"path": self.path, "evaluated": False, "note": f"{principal.arn}: {exc.message}"}
            named = ScenarioNamer(f"{self.path} [{principal.arn}]", self.catalog, scenario).name(
                group.explanation
            )
            named["principal"] = principal.arn
            return named
        return {
            "path": self.path,
            "evaluated": False,
            "note": "none of the group's principals is in the snapshot (or the records name no model and Region)",
        }
