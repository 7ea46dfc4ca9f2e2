"""One rule for Region names (catalog/geography.py), taken from botocore's partition data, and the
host names that use it (bedrock/endpoints.py)."""

from __future__ import annotations

import json
from pathlib import Path

import botocore
import pytest

from bedrock_access.bedrock.endpoints import runtime_host
from bedrock_access.catalog import load_catalog
from bedrock_access.catalog.geography import _PARTITION_PATTERNS, is_region_name, partition_from_region_name


def test_region_patterns_are_botocores() -> None:
    data = json.loads((Path(botocore.__file__).parent / "data" / "partitions.json").read_text())
    theirs = {p["id"]: p["regionRegex"].replace("\\-", "-") for p in data["partitions"]}
    ours = {partition: pattern.pattern for partition, pattern in _PARTITION_PATTERNS}
    assert ours == theirs


def test_every_catalog_region_is_region_shaped_and_in_its_partition() -> None:
    catalog = load_catalog()
    for name, region in catalog.regions.items():
        assert is_region_name(name), name
        assert partition_from_region_name(name) == region.partition, name


@pytest.mark.parametrize(
    "text", ["Europe", "eu-west", "us_east_1", "EU-WEST-1", "xx-east-1", "", "eu-west-1 "]
)
def test_not_region_shaped(text: str) -> None:
    assert not is_region_name(text)


@pytest.mark.parametrize(
    ("host", "region", "fips"),
    [
        ("bedrock-runtime.eu-west-1.amazonaws.com", "eu-west-1", False),
        ("BEDROCK-RUNTIME-FIPS.us-east-1.amazonaws.com", "us-east-1", True),
        ("bedrock-runtime.us-west-2.api.aws", "us-west-2", False),
        ("vpce-0a1b-x2y3.bedrock-runtime.eu-central-1.vpce.amazonaws.com", "eu-central-1", False),
        ("bedrock-runtime.cn-north-1.amazonaws.com.cn", "cn-north-1", False),
        ("bedrock-runtime.eu-west-1.corp.example", None, False),
        ("bedrock-runtime.localhost.amazonaws.com", None, False),
        ("gateway.example.com", None, False),
    ],
)
def test_runtime_host(host: str, region: str | None, fips: bool) -> None:
    found = runtime_host(host)
    assert (found.region, found.fips) == (region, fips)


def test_error_texts_may_quote_hosts_outside_aws_domains() -> None:
    assert runtime_host("bedrock-runtime.eu-west-1.corp.example", aws_domain_only=False).region == "eu-west-1"
