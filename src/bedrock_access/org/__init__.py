"""An AWS organization as a snapshot: the model, the folder loader, and principals as policy stacks."""

from __future__ import annotations

from bedrock_access.org.load import load_snapshot
from bedrock_access.org.model import (
    SNAPSHOT_FORMAT,
    SNAPSHOT_VERSION,
    AccountRecord,
    OrgNode,
    OrgPolicy,
    PolicyDocument,
    Principal,
    Snapshot,
)
from bedrock_access.org.stack import StackBuilder

__all__ = [
    "SNAPSHOT_FORMAT",
    "SNAPSHOT_VERSION",
    "AccountRecord",
    "OrgNode",
    "OrgPolicy",
    "PolicyDocument",
    "Principal",
    "Snapshot",
    "StackBuilder",
    "load_snapshot",
]
