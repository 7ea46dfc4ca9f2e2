"""The typed catalog API, pinned to facts from the shared research data and the AWS documentation.

Routing facts: AWS "Supported Regions and models for inference profiles"
(https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html), as quoted in
shared/domain/bedrock-authorization.md §2.0.7, and shared/domain/catalog-notes.md ("Region facts").
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from bedrock_access.catalog import (
    INFERRED_DESTINATIONS_NOTE,
    PROFILE_STATUSES,
    SCOPES,
    Catalog,
    load_catalog,
    parse_catalog,
    partition_from_region_name,
    scope_of_profile_id,
    split_profile_id,
)
from bedrock_access.errors import InputError

HAIKU3_US = "us.anthropic.claude-3-haiku-20240307-v1:0"
SONNET45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
SONNET45_US = f"us.{SONNET45}"
SONNET45_GLOBAL = f"global.{SONNET45}"
SONNET45_EU = f"eu.{SONNET45}"


# Routing --------------------------------------------------------------------------------------------


def test_destinations_depend_on_the_source_region(catalog: Catalog) -> None:
    # §2.0.7: from us-east-2 → us-east-1, us-east-2, us-west-2; from us-west-2 → only us-east-1, us-west-2
    assert catalog.destinations(HAIKU3_US, "us-east-2") == ("us-east-1", "us-east-2", "us-west-2")
    assert catalog.destinations(HAIKU3_US, "us-west-2") == ("us-east-1", "us-west-2")
    assert catalog.destinations(HAIKU3_US, "us-east-2") != catalog.destinations(HAIKU3_US, "us-west-2")


def test_sonnet_45_us_profile_from_us_east_1(catalog: Catalog) -> None:
    assert catalog.destinations(SONNET45_US, "us-east-1") == ("us-east-1", "us-east-2", "us-west-2")


def test_canadian_source_routes_to_itself_and_the_us(catalog: Catalog) -> None:
    # catalog-notes: ca-central-1 is a source of us. profiles and its destinations include itself
    dests = catalog.destinations(SONNET45_US, "ca-central-1")
    assert dests is not None
    assert "ca-central-1" in dests and "us-east-1" in dests


def test_eu_profiles_are_not_offered_from_us_east_1(catalog: Catalog) -> None:
    eu_profiles = [p for p in catalog.profiles.values() if p.scope == "eu"]
    assert eu_profiles
    for profile in eu_profiles:
        assert catalog.destinations(profile.id, "us-east-1") is None
    assert catalog.destinations(SONNET45_EU, "eu-west-1") is not None


def test_unknown_profile_or_source_gives_none(catalog: Catalog) -> None:
    assert catalog.destinations("us.nope.model-v1:0", "us-east-1") is None
    assert catalog.destinations(SONNET45_US, "ap-northeast-1") is None


def test_global_profiles_route_to_every_commercial_bedrock_region(catalog: Catalog) -> None:
    commercial = catalog.bedrock_regions("aws")
    assert len(commercial) == 33  # catalog-notes: "Commercial Regions with Bedrock (33)"
    globals_ = [p for p in catalog.profiles.values() if p.scope == "global"]
    assert globals_
    for profile in globals_:
        assert profile.routing_kind == "all_commercial"
        assert profile.destinations_inferred
        assert INFERRED_DESTINATIONS_NOTE in profile.caveats
        assert profile.routing
        for source in profile.source_regions:
            assert profile.destinations(source) == commercial


def test_explicit_profiles_are_not_marked_inferred(catalog: Catalog) -> None:
    profile = catalog.profile(SONNET45_US)
    assert profile is not None
    assert not profile.destinations_inferred
    assert profile.caveats == ()
    assert profile.verified


def test_govcloud_profile_routes_only_inside_govcloud(catalog: Catalog) -> None:
    # Corrected (tools/catalog_corrections.json, issue 12): the current AWS model card routes GovCloud
    # Sonnet 4.5 to both GovCloud Regions from either; the older doc copy said us-gov-west-1 only.
    gov = catalog.profile(f"us-gov.{SONNET45}")
    assert gov is not None
    assert gov.destinations("us-gov-east-1") == ("us-gov-east-1", "us-gov-west-1")
    assert gov.destinations("us-gov-west-1") == ("us-gov-east-1", "us-gov-west-1")
    assert not gov.verified
    assert gov.status == "doc_only_govcloud"


# Uncertain statuses stay visible -----------------------------------------------------------------------


def test_every_status_is_present_and_explained(catalog: Catalog) -> None:
    seen = {p.status for p in catalog.profiles.values()}
    assert seen == set(PROFILE_STATUSES)
    for profile in catalog.profiles.values():
        assert profile.verified == (profile.status == "active")
        if not profile.verified:
            assert any(c.startswith(f"status {profile.status}") for c in profile.caveats)


def test_not_listed_profile_keeps_its_last_routing(catalog: Catalog) -> None:
    haiku = catalog.profile(HAIKU3_US)
    assert haiku is not None
    assert haiku.status == "not_listed"
    assert haiku.last_seen_in_scan is not None
    assert haiku.routing


def test_unverified_govcloud_profiles_have_no_routing(catalog: Catalog) -> None:
    unknown = [p for p in catalog.profiles.values() if p.status == "unverified_govcloud"]
    assert len(unknown) == 14  # catalog-notes: 14 LiteLLM-only us-gov. ids
    for profile in unknown:
        assert profile.routing_kind == "unknown"
        assert profile.routing == {}
        assert profile.scope == "us-gov"


def test_unverified_ids_are_kept_apart_from_profiles(catalog: Catalog) -> None:
    assert len(catalog.unverified_profile_ids) == 32
    assert catalog.is_unverified_profile("apac.anthropic.claude-opus-4-7")
    assert catalog.profile("apac.anthropic.claude-opus-4-7") is None
    assert not catalog.is_unverified_profile(SONNET45_US)
    assert not set(catalog.unverified_profile_ids) & set(catalog.profiles)


# Profiles per model ------------------------------------------------------------------------------------


def test_profiles_for_model_from_a_region(catalog: Catalog) -> None:
    ids = [p.id for p in catalog.profiles_for_model(SONNET45, "us-east-1")]
    assert ids == [SONNET45_GLOBAL, SONNET45_US]
    everywhere = {p.id for p in catalog.profiles_for_model(SONNET45)}
    assert {SONNET45_US, SONNET45_EU, SONNET45_GLOBAL} <= everywhere
    assert all(p.model_id == SONNET45 for p in catalog.profiles_for_model(SONNET45))


def test_profiles_for_model_matches_model_profile_ids(catalog: Catalog) -> None:
    for model in catalog.models.values():
        assert tuple(p.id for p in catalog.profiles_for_model(model.model_id)) == model.profile_ids


def test_unknown_routing_profiles_only_on_request(catalog: Catalog) -> None:
    opus5 = "anthropic.claude-opus-5"
    assert catalog.profiles_for_model(opus5, "us-gov-west-1") == ()
    with_unknown = catalog.profiles_for_model(opus5, "us-gov-west-1", include_unknown_routing=True)
    assert [p.id for p in with_unknown] == ["us-gov.anthropic.claude-opus-5"]
    # a commercial Region is not in the us-gov home, so the GovCloud id is not offered as a maybe
    commercial = catalog.profiles_for_model(opus5, "us-east-1", include_unknown_routing=True)
    assert all(p.routing_kind != "unknown" for p in commercial)


def test_no_profiles_from_a_region_without_bedrock(catalog: Catalog) -> None:
    assert catalog.profiles_for_model(SONNET45, "cn-north-1", include_unknown_routing=True) == ()


# Models --------------------------------------------------------------------------------------------------


def test_model_facts(catalog: Catalog) -> None:
    sonnet = catalog.model(SONNET45)
    assert sonnet is not None
    assert sonnet.requires_profile is True
    assert sonnet.on_demand_in("us-east-1") is False
    assert catalog.model(SONNET45_US) is None


def test_sonnet_46_is_on_demand_in_london_only(catalog: Catalog) -> None:
    # catalog-notes: Sonnet 4.6 has bedrock-runtime ON_DEMAND in eu-west-2, so requires_profile is false
    model = catalog.model("anthropic.claude-sonnet-4-6")
    assert model is not None
    assert model.requires_profile is False
    assert model.on_demand_in("eu-west-2") is True
    assert model.on_demand_in("us-east-1") is False
    assert "us-east-1" in model.profile_only_in


def test_mantle_regions_make_on_demand_unknown(catalog: Catalog) -> None:
    model = next(m for m in catalog.models.values() if m.mantle_regions and m.in_region_on_demand is not None)
    region = next(r for r in model.mantle_regions if r not in (model.in_region_on_demand or ()))
    assert model.on_demand_in(region) is None


def test_mantle_only_models_have_unknown_on_demand(catalog: Catalog) -> None:
    mantle_only = [m for m in catalog.models.values() if m.endpoints == ("bedrock-mantle",)]
    assert mantle_only
    for model in mantle_only:
        assert model.in_region_on_demand is None
        assert model.on_demand_in("us-east-1") is None


# Regions and partitions -----------------------------------------------------------------------------


def test_china_has_no_bedrock_runtime(catalog: Catalog) -> None:
    for name in ("cn-north-1", "cn-northwest-1"):
        region = catalog.region(name)
        assert region is not None
        assert region.partition == "aws-cn"
        assert region.bedrock_runtime is False
    assert catalog.bedrock_regions("aws-cn") == ()


def test_commercial_regions_without_bedrock(catalog: Catalog) -> None:
    without = {r.region for r in catalog.regions_in_partition("aws") if not r.bedrock_runtime}
    assert without == {"ap-east-1", "me-west-1", "sa-west-1"}


def test_bedrock_regions_agree_with_partition_lists(catalog: Catalog) -> None:
    for name, partition in catalog.partitions.items():
        assert catalog.bedrock_regions(name) == partition.bedrock_regions
    assert catalog.bedrock_regions("aws-us-gov") == ("us-gov-east-1", "us-gov-west-1")
    assert catalog.bedrock_regions("no-such-partition") == ()


def test_regions_in_partition_is_sorted_and_complete(catalog: Catalog) -> None:
    gov = catalog.regions_in_partition("aws-us-gov")
    assert [r.region for r in gov] == ["us-gov-east-1", "us-gov-west-1"]
    total = sum(len(catalog.regions_in_partition(p)) for p in catalog.partitions)
    assert total == len(catalog.regions)


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("cn-northwest-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("eusc-de-east-1", "aws-eusc"),
        # not in the snapshot: recognised from the shape of the name
        ("cn-south-7", "aws-cn"),
        ("us-gov-central-1", "aws-us-gov"),
        ("us-iso-south-2", "aws-iso"),
        ("us-isob-west-2", "aws-iso-b"),
        ("us-isof-north-1", "aws-iso-f"),
        ("eusc-de-west-1", "aws-eusc"),
        ("ap-southeast-9", "aws"),
        ("mars-north-1", None),
        ("", None),
    ],
)
def test_partition_of(catalog: Catalog, region: str, partition: str | None) -> None:
    assert catalog.partition_of(region) == partition


def test_name_patterns_agree_with_the_region_table(catalog: Catalog) -> None:
    for region in catalog.regions.values():
        assert partition_from_region_name(region.region) == region.partition, region.region


# Geography -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile_id", "expected"),
    [
        (SONNET45_US, ("us", SONNET45)),
        (f"us-gov.{SONNET45}", ("us-gov", SONNET45)),
        (SONNET45_GLOBAL, ("global", SONNET45)),
        ("in.anthropic.claude-haiku-4-5-20251001-v1:0", ("in", "anthropic.claude-haiku-4-5-20251001-v1:0")),
        (SONNET45, None),  # provider prefix is not a scope
        ("us.", None),
        ("arn:aws:bedrock:us-east-1::foundation-model/x", None),
    ],
)
def test_split_profile_id(profile_id: str, expected: tuple[str, str] | None) -> None:
    assert split_profile_id(profile_id) == expected
    assert scope_of_profile_id(profile_id) == (expected[0] if expected else None)


def test_every_profile_id_splits_into_its_scope_and_model(catalog: Catalog) -> None:
    for profile in catalog.profiles.values():
        assert split_profile_id(profile.id) == (profile.scope, profile.model_id)
    assert set(catalog.scopes()) <= set(SCOPES)


def test_scope_geography_from_table_and_routing(catalog: Catalog) -> None:
    us = catalog.scope_geography("us")
    assert us.home_regions == ("us-east-1", "us-east-2", "us-west-1", "us-west-2")
    # Canadian Regions are sources of us. profiles although their geography is CA
    assert {"ca-central-1", "ca-west-1"} <= set(us.source_regions)
    assert set(us.home_regions) <= set(us.regions)

    eu = catalog.scope_geography("eu")
    assert "il-central-1" in eu.source_regions  # Israel (geography ME) is an eu. source
    assert "il-central-1" not in eu.home_regions

    india = catalog.scope_geography("in")
    assert india.home_regions == ("ap-south-1", "ap-south-2")
    assert set(india.source_regions) == {"ap-south-1", "ap-south-2"}

    au = catalog.scope_geography("au")
    assert "ap-southeast-6" in au.source_regions  # New Zealand is an au. source

    world = catalog.scope_geography("global")
    assert world.home_regions == catalog.bedrock_regions("aws")
    assert world.destination_regions == catalog.bedrock_regions("aws")


def test_scope_geography_of_unknown_scope_is_empty(catalog: Catalog) -> None:
    nowhere = catalog.scope_geography("mars")
    assert nowhere.regions == ()


# Suggestions ---------------------------------------------------------------------------------------------


def test_closest_ids_suggests_the_intended_id(catalog: Catalog) -> None:
    assert catalog.closest_ids("anthropic.claude-sonet-4-5-20250929-v1:0", kind="model")[0] == SONNET45
    assert catalog.closest_ids("us.anthropic.claude-sonnet-4-5-20250929", kind="profile")[0] == SONNET45_US
    # a partial id is matched by containment even though it is far shorter than the full id
    assert SONNET45 in catalog.closest_ids("claude-sonnet-4-5", kind="model")


def test_closest_ids_respects_kind_and_count(catalog: Catalog) -> None:
    models = catalog.closest_ids("claude-3-haiku", n=5, kind="model")
    assert 0 < len(models) <= 5
    assert all(m in catalog.models for m in models)
    profiles = catalog.closest_ids("claude-3-haiku", n=2, kind="profile")
    assert len(profiles) == 2
    assert all(p in catalog.profiles for p in profiles)
    assert catalog.closest_ids("claude", n=0) == ()
    assert catalog.closest_ids("zzzzzzzzzzzzzzzzzzzz") == ()


def test_closest_regions(catalog: Catalog) -> None:
    assert catalog.closest_regions("us-east-9")[0] in {"us-east-1", "us-east-2"}
    assert catalog.closest_regions("eu-west-l")[0] == "eu-west-1"


# Loader and immutability -----------------------------------------------------------------------------


def test_load_catalog_is_cached(catalog: Catalog) -> None:
    assert load_catalog() is load_catalog()
    assert catalog.snapshot_date == "2026-11-22"


def test_values_are_immutable(catalog: Catalog) -> None:
    profile = catalog.profile(SONNET45_US)
    assert profile is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        profile.status = "active"  # type: ignore[misc]
    with pytest.raises(TypeError):
        profile.routing["us-east-1"] = ()  # type: ignore[index]
    with pytest.raises(TypeError):
        catalog.profiles["x"] = profile  # type: ignore[index]
    assert isinstance(profile.source_regions, tuple)
    assert isinstance(hash(profile), int)


def _minimal_document() -> dict[str, Any]:
    return {
        "format": "bedrock-access-catalog/1",
        "snapshot_date": "2030-01-01",
        "partitions": {"aws": {"bedrock_regions": ["us-east-1", "us-west-2"]}},
        "regions": {
            "us-east-1": {"name": "E", "partition": "aws", "geography": "US", "bedrock_runtime": True},
            "us-west-2": {"name": "W", "partition": "aws", "geography": "US", "bedrock_runtime": True},
        },
        "destination_sets": [["us-east-1", "us-west-2"]],
        "profiles": {
            "us.x.m-v1:0": {
                "scope": "us",
                "model_id": "x.m-v1:0",
                "status": "active",
                "routing_kind": "explicit",
                "routing": {"us-east-1": 0},
            }
        },
        "models": {
            "x.m-v1:0": {
                "provider": "x",
                "status": "active",
                "lifecycle": "ACTIVE",
                "endpoints": ["bedrock-runtime"],
                "in_region_on_demand": [],
                "requires_profile": True,
            }
        },
    }


def test_parse_minimal_document() -> None:
    small = parse_catalog(_minimal_document(), source="t.json")
    assert small.destinations("us.x.m-v1:0", "us-east-1") == ("us-east-1", "us-west-2")
    assert small.model("x.m-v1:0") is not None
    assert small.models["x.m-v1:0"].profile_ids == ("us.x.m-v1:0",)
    assert small.unverified_profile_ids == {}


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("format",), "other/9", "format"),
        (("profiles", "us.x.m-v1:0", "status"), "gone", "profiles.us.x.m-v1:0.status"),
        (("profiles", "us.x.m-v1:0", "routing"), {"us-east-1": 5}, "profiles.us.x.m-v1:0.routing.us-east-1"),
        (("profiles", "us.x.m-v1:0", "routing"), {"xx-1": 0}, "profiles.us.x.m-v1:0.routing.xx-1"),
        (("regions", "us-east-1", "bedrock_runtime"), "yes", "regions.us-east-1.bedrock_runtime"),
        (("regions", "us-east-1", "partition"), "aws-moon", "regions.us-east-1.partition"),
        (("destination_sets",), [["us-east-1", "nowhere-1"]], "destination_sets[0]"),
        (("models", "x.m-v1:0", "endpoints"), "bedrock-runtime", "models.x.m-v1:0.endpoints"),
    ],
)
def test_malformed_document_names_the_field(path: tuple[str, ...], value: object, field: str) -> None:
    document = _minimal_document()
    target: dict[str, Any] = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(InputError) as info:
        parse_catalog(document, source="t.json")
    assert info.value.field == field
    assert info.value.source == "t.json"


def test_non_object_document_is_rejected() -> None:
    with pytest.raises(InputError):
        parse_catalog([1, 2], source="t.json")
