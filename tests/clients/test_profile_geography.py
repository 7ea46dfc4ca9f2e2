"""Readers and the catalog agree on where every system inference profile can be called from.

The readers keep no geography table of their own (clients/_ids.py asks the catalog), so every
(profile, source Region) pair of the shipped catalog must resolve, in every reader that passes a pinned
profile id through, to a call of that id from that Region with no error finding: before, 77 pairs per
reader (``in.`` ids, ``au.`` from ap-southeast-6, ``apac.`` from me-central-1, ``us.`` from Canada ...)
were reported as a 400 while the check authorized them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bedrock_access.catalog import load_catalog
from bedrock_access.clients import resolve
from bedrock_access.clients.interface import ClientResolution
from bedrock_access.clients.local import load_client_section

Section = Callable[[str, str], dict[str, Any]]

SECTIONS: dict[str, Section] = {
    "claude-code": lambda pid, region: {
        "kind": "claude-code",
        "version": "2.1.250",
        "env": {
            "CLAUDE_CODE_USE_BEDROCK": "1",
            "AWS_REGION": region,
            "ANTHROPIC_MODEL": pid,
            "ANTHROPIC_DEFAULT_HAIKU_MODEL": pid,
        },
    },
    "boto3": lambda pid, region: {
        "kind": "boto3",
        "version": "1.44.5",
        "env": {"AWS_DEFAULT_REGION": region},
        "settings": {"model": pid, "operation": "Converse"},
    },
    "aws-cli": lambda pid, region: {
        "kind": "aws-cli",
        "env": {"AWS_DEFAULT_REGION": region},
        "settings": {"model": pid},
    },
    "litellm": lambda pid, region: {
        "kind": "litellm",
        "version": "1.109.1",
        "settings": {
            "model_list": [
                {
                    "model_name": "m",
                    "litellm_params": {"model": f"bedrock/converse/{pid}", "aws_region_name": region},
                }
            ]
        },
    },
    "anthropic-sdk": lambda pid, region: {
        "kind": "anthropic-sdk",
        "version": "0.125.0",
        "settings": {"model": pid, "aws_region": region},
    },
    **{
        f"cline-{version}": (
            lambda pid, region, version=version: {
                "kind": "cline",
                "version": version,
                "settings": {
                    "actModeApiProvider": "bedrock",
                    "planModeApiProvider": "bedrock",
                    "actModeApiModelId": pid,
                    "planModeApiModelId": pid,
                    "awsRegion": region,
                    "awsAuthentication": "profile",
                    "awsProfile": "default",
                },
            }
        )
        for version in ("4.0.12", "4.1.13")
    },
    "roo-code": lambda pid, region: {
        "kind": "roo-code",
        "version": "3.50.0",
        "settings": {
            "apiProvider": "bedrock",
            "apiModelId": pid,
            "awsRegion": region,
            "awsUseProfile": True,
            "awsProfile": "default",
        },
    },
    "continue": lambda pid, region: {
        "kind": "continue",
        "version": "1.2.0",
        "settings": {
            "name": "a",
            "version": "1.0.0",
            "schema": "v1",
            "models": [
                {
                    "name": "m",
                    "provider": "bedrock",
                    "model": pid,
                    "env": {"region": region},
                    "roles": ["chat"],
                }
            ],
        },
    },
}


def _resolve(client: str, pid: str, region: str) -> ClientResolution:
    return resolve(load_client_section(SECTIONS[client](pid, region), Path("."), "scenario.yaml"))


@pytest.mark.parametrize("client", sorted(SECTIONS))
def test_every_catalog_profile_and_source_region_is_accepted_by_every_reader(client: str) -> None:
    catalog = load_catalog()
    pairs = [(profile.id, region) for profile in catalog.profiles.values() for region in profile.routing]
    assert len(pairs) > 1000
    contradictions = []
    for pid, region in pairs:
        res = _resolve(client, pid, region)
        calls = [inv for inv in res.invocations if inv.model == pid]
        assert calls and all(inv.region == region for inv in calls), (pid, region, res.invocations)
        errors = sorted({f.code for f in res.findings if f.severity == "error"})
        if errors:
            contradictions.append((pid, region, errors))
    assert not contradictions, f"{len(contradictions)} pairs, e.g. {contradictions[:5]}"


@pytest.mark.parametrize("client", sorted(SECTIONS))
@pytest.mark.parametrize(
    ("pid", "region", "code"),
    [
        ("us.anthropic.claude-sonnet-4-6", "eu-central-1", "PROFILE_GEO_MISMATCH"),
        ("au.anthropic.claude-sonnet-4-6", "ap-northeast-1", "PROFILE_GEO_MISMATCH"),
        ("in.anthropic.claude-sonnet-4-6", "us-east-1", "PROFILE_GEO_MISMATCH"),
        ("sa.anthropic.claude-sonnet-4-6", "sa-east-1", "PROFILE_PREFIX_UNKNOWN"),
    ],
)
def test_a_prefix_outside_its_source_regions_is_still_reported(
    client: str, pid: str, region: str, code: str
) -> None:
    assert code in {f.code for f in _resolve(client, pid, region).findings}
