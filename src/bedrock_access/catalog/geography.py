"""Naming rules that need no snapshot: profile-id prefixes (scopes) and partitions from Region names.

Everything that *can* be read from the snapshot (which Regions a scope routes between, which Regions
offer Bedrock) lives on :class:`bedrock_access.catalog.Catalog` instead; this module only knows the
naming conventions AWS uses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

# Prefixes of system-defined inference profile ids, e.g. ``us.`` in ``us.anthropic.claude-3-haiku-...``.
# ``in`` (India) is newer than AWS's own list (US, EU, APAC, JP, AU, CA, US-GOV) but appears in API scans.
SCOPES: tuple[str, ...] = ("us", "eu", "apac", "jp", "au", "ca", "in", "us-gov", "global")
GLOBAL_SCOPE = "global"

HomeKind = Literal["geography", "country", "partition"]

# How to find the Regions a scope is "about" in the Region table: by the Region's ``geography`` code,
# by its ``country`` (India has no geography code of its own; its Regions are APAC), or, for global
# profiles, by partition (AWS: global destinations are "all commercial Regions").
SCOPE_HOME: Mapping[str, tuple[HomeKind, str]] = MappingProxyType(
    {
        "us": ("geography", "US"),
        "eu": ("geography", "EU"),
        "apac": ("geography", "APAC"),
        "jp": ("geography", "JP"),
        "au": ("geography", "AU"),
        "ca": ("geography", "CA"),
        "in": ("country", "IN"),
        "us-gov": ("geography", "US-GOV"),
        "global": ("partition", "aws"),
    }
)

# Region-name patterns per partition, as botocore's partitions.json ``regionRegex`` writes them (a test
# compares them with the installed botocore's). They are the tool's one rule for "shaped like a Region"
# (:func:`is_region_name`) and place names the snapshot does not list (a Region launched after the
# snapshot); the more specific patterns come first because ``us-gov-*``/``us-iso*-`` would otherwise
# look commercial.
_PARTITION_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("aws-us-gov", re.compile(r"^us-gov-\w+-\d+$")),
    ("aws-iso", re.compile(r"^us-iso-\w+-\d+$")),
    ("aws-iso-b", re.compile(r"^us-isob-\w+-\d+$")),
    ("aws-iso-f", re.compile(r"^us-isof-\w+-\d+$")),
    ("aws-iso-e", re.compile(r"^eu-isoe-\w+-\d+$")),
    ("aws-eusc", re.compile(r"^eusc-(de)-\w+-\d+$")),
    ("aws-cn", re.compile(r"^cn-\w+-\d+$")),
    ("aws", re.compile(r"^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$")),
)


def split_profile_id(profile_id: str) -> tuple[str, str] | None:
    """``"us.anthropic.claude-3-haiku-20240307-v1:0"`` → ``("us", "anthropic.claude-3-haiku-20240307-v1:0")``.

    Returns None when the text does not start with a known scope prefix (a bare model id, an ARN, ...).
    This says nothing about whether the profile exists; ask the catalog for that.
    """
    scope, dot, model_id = profile_id.partition(".")
    if not dot or not model_id or scope not in SCOPE_HOME:
        return None
    return scope, model_id


def scope_of_profile_id(profile_id: str) -> str | None:
    """The scope prefix of a profile id (``us``, ``eu``, ``global``, ...), or None."""
    parts = split_profile_id(profile_id)
    return parts[0] if parts else None


def partition_from_region_name(region: str) -> str | None:
    """Guess the partition from the shape of a Region name alone (botocore's patterns), or None."""
    for partition, pattern in _PARTITION_PATTERNS:
        if pattern.match(region):
            return partition
    return None


def is_region_name(text: str) -> bool:
    """Whether ``text`` is shaped like a Region name of some partition (``eu-west-1``, ``cn-north-1``).

    The one Region-shape rule of the tool: client readers, endpoint host names and error texts all ask
    here. It says nothing about whether the Region exists or offers Bedrock; ask the catalog for that.
    """
    return partition_from_region_name(text) is not None
