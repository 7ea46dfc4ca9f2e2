"""The pure overlay: API answers → scans → overlay → catalog, and the diff against the shipped data."""

from __future__ import annotations

from types import MappingProxyType

from bedrock_access.catalog import Catalog
from bedrock_access.catalog.diff import diff_catalogs
from bedrock_access.catalog.overlay import (
    EMPTY_OVERLAY,
    apply_overlay,
    merge_scans,
    overlay_to_json,
    parse_overlay,
    scan_from_api,
)

AT = "2026-12-04T10:00:00Z"
NOVA_LITE_CA = "ca.amazon.nova-lite-v1:0"


def _scan(
    region: str, profiles: list[dict[str, object]], models: list[dict[str, object]] | None = None
) -> object:
    return scan_from_api(region, AT, models or [], profiles)


def test_api_answers_become_a_scan() -> None:
    scan = scan_from_api(
        "us-east-1",
        AT,
        [
            {
                "modelId": "anthropic.x-v1:0",
                "providerName": "Anthropic",
                "inferenceTypesSupported": ["INFERENCE_PROFILE", "ON_DEMAND"],
                "modelLifecycle": {"status": "LEGACY"},
            },
            {"providerName": "no id: ignored"},
        ],
        [
            {
                "inferenceProfileId": "global.anthropic.x-v1:0",
                "models": [{"modelArn": "arn:aws:bedrock:::foundation-model/anthropic.x-v1:0"}],
            },
            {
                "inferenceProfileId": "us.anthropic.x-v1:0",
                "models": [
                    {"modelArn": "arn:aws:bedrock:us-west-2::foundation-model/anthropic.x-v1:0"},
                    {"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.x-v1:0"},
                ],
            },
        ],
    )
    assert list(scan.models) == ["anthropic.x-v1:0"]
    model = scan.models["anthropic.x-v1:0"]
    assert (model.provider, model.lifecycle, model.on_demand) == ("anthropic", "LEGACY", True)
    assert scan.profiles["global.anthropic.x-v1:0"].destinations is None
    assert scan.profiles["us.anthropic.x-v1:0"].destinations == ("us-east-1", "us-west-2")
    assert scan.profiles["us.anthropic.x-v1:0"].model_id == "anthropic.x-v1:0"
    assert scan.scan_date == "2026-12-04"


def test_overlay_round_trips_through_json() -> None:
    scan = _scan(
        "us-east-1",
        [
            {
                "inferenceProfileId": "us.a.b",
                "models": [{"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/a.b"}],
            }
        ],
    )
    overlay = merge_scans(
        EMPTY_OVERLAY, [scan], at=AT, failed={"eu-west-1": "AccessDeniedException: no"}, skipped={}
    )
    again = parse_overlay(overlay_to_json(overlay), source="mem")
    assert overlay_to_json(again) == overlay_to_json(overlay)
    assert dict(again.failed) == {"eu-west-1": "AccessDeniedException: no"}
    # A later refresh of another Region keeps this one.
    later = merge_scans(again, [_scan("us-west-2", [])], at="2026-12-05T00:00:00Z", failed={}, skipped={})
    assert set(later.regions) == {"us-east-1", "us-west-2"} and not later.failed


def test_a_profile_listed_nowhere_any_more_is_not_listed_and_keeps_its_routing(catalog: Catalog) -> None:
    nova = catalog.profiles[NOVA_LITE_CA]
    sources = nova.source_regions
    assert sources  # ca. exists only for Nova Lite, from the Canadian Regions
    scans = [_scan(region, []) for region in sources]
    after = apply_overlay(catalog, merge_scans(EMPTY_OVERLAY, scans, at=AT, failed={}, skipped={}))
    gone = after.profiles[NOVA_LITE_CA]
    assert gone.status == "not_listed" and gone.routing == nova.routing
    changes = diff_catalogs(catalog, after)
    assert NOVA_LITE_CA in changes.removed_profiles
    # Other profiles offered from those Regions lost them as sources.
    us_profiles = [p for p in catalog.profiles.values() if "ca-central-1" in p.routing and p.scope == "us"]
    assert us_profiles
    assert all("ca-central-1" not in after.profiles[p.id].routing for p in us_profiles)


def test_scans_of_regions_the_snapshot_does_not_know_are_ignored(catalog: Catalog) -> None:
    scan = _scan(
        "xx-new-1",
        [
            {
                "inferenceProfileId": "us.brand.new",
                "models": [{"modelArn": "arn:aws:bedrock:xx-new-1::foundation-model/brand.new"}],
            }
        ],
    )
    after = apply_overlay(catalog, merge_scans(EMPTY_OVERLAY, [scan], at=AT, failed={}, skipped={}))
    assert "us.brand.new" not in after.profiles
    assert diff_catalogs(catalog, after).empty


def test_an_empty_overlay_changes_nothing(catalog: Catalog) -> None:
    assert apply_overlay(catalog, EMPTY_OVERLAY) is catalog
    overlay = merge_scans(
        EMPTY_OVERLAY, [], at=AT, failed={}, skipped=MappingProxyType({"me-central-1": "x"})
    )
    assert apply_overlay(catalog, overlay) is catalog
