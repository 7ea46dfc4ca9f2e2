"""The Bedrock catalog: partitions, Regions, foundation models and system-defined inference profiles.

Start with :func:`load_catalog`, which reads the snapshot shipped in ``catalog/data/catalog.json``
on first use. See docs/catalog.md for what the snapshot contains and where it is uncertain.
"""

from __future__ import annotations

from bedrock_access.catalog.geography import (
    GLOBAL_SCOPE,
    SCOPE_HOME,
    SCOPES,
    partition_from_region_name,
    scope_of_profile_id,
    split_profile_id,
)
from bedrock_access.catalog.loader import (
    load_catalog,
    load_catalog_file,
    load_packaged_catalog,
    parse_catalog,
    parse_catalog_bytes,
)
from bedrock_access.catalog.model import (
    INFERRED_DESTINATIONS_NOTE,
    MODEL_STATUSES,
    PROFILE_STATUS_MEANING,
    PROFILE_STATUSES,
    ROUTING_KINDS,
    Catalog,
    IdKind,
    Model,
    ModelStatus,
    Partition,
    Profile,
    ProfileStatus,
    Region,
    RoutingKind,
    ScopeGeography,
    UnverifiedProfileId,
    closest_matches,
)

__all__ = [
    "GLOBAL_SCOPE",
    "INFERRED_DESTINATIONS_NOTE",
    "MODEL_STATUSES",
    "PROFILE_STATUSES",
    "PROFILE_STATUS_MEANING",
    "ROUTING_KINDS",
    "SCOPES",
    "SCOPE_HOME",
    "Catalog",
    "IdKind",
    "Model",
    "ModelStatus",
    "Partition",
    "Profile",
    "ProfileStatus",
    "Region",
    "RoutingKind",
    "ScopeGeography",
    "UnverifiedProfileId",
    "closest_matches",
    "load_catalog",
    "load_catalog_file",
    "load_packaged_catalog",
    "parse_catalog",
    "parse_catalog_bytes",
    "partition_from_region_name",
    "scope_of_profile_id",
    "split_profile_id",
]
