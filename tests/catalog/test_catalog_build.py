"""tools/build_catalog.py: the shipped snapshot is exactly what the script builds, and nothing is lost."""

from __future__ import annotations

import copy
import json
from importlib.resources import files
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bedrock_access.catalog import Catalog, parse_catalog_bytes


def _shipped_bytes() -> bytes:
    return (files("bedrock_access.catalog") / "data" / "catalog.json").read_bytes()


def test_shipped_file_equals_build_output(build_module: ModuleType, shared_source_path: Path) -> None:
    assert build_module.build(shared_source_path) == _shipped_bytes(), (
        "catalog.json is stale: run `python tools/build_catalog.py`"
    )


def test_check_mode_reports_stale_output(
    build_module: ModuleType, shared_source_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "catalog.json"
    source = str(shared_source_path)
    assert build_module.main([source, "--output", str(out), "--check"]) == 1
    assert build_module.main([source, "--output", str(out)]) == 0
    assert build_module.main([source, "--output", str(out), "--check"]) == 0
    assert out.read_bytes() == _shipped_bytes()


def test_build_is_independent_of_source_order(
    build_module: ModuleType, shared_source: dict[str, Any]
) -> None:
    shuffled = copy.deepcopy(shared_source)
    for key in ("regions", "profiles", "models", "unverified_profile_ids"):
        shuffled[key].reverse()
    for profile in shuffled["profiles"]:
        profile["routing"] = {src: list(reversed(d)) for src, d in reversed(list(profile["routing"].items()))}
    assert build_module.render(build_module.convert(shuffled)) == _shipped_bytes()


def test_output_is_plain_json_with_one_entry_per_line() -> None:
    raw = _shipped_bytes()
    document = json.loads(raw)
    lines = raw.decode().splitlines()
    # every profile sits on its own line, so a changed profile is a one-line diff
    for pid in document["profiles"]:
        starts = [line for line in lines if line.startswith(json.dumps(pid) + ":{")]
        assert len(starts) == 1, pid
    assert raw.endswith(b"}\n")


def test_global_destination_list_is_stored_once() -> None:
    document = json.loads(_shipped_bytes())
    sets = [tuple(s) for s in document["destination_sets"]]
    assert len(sets) == len(set(sets))
    commercial = tuple(document["partitions"]["aws"]["bedrock_regions"])
    assert sets.count(commercial) == 1


def test_every_shared_profile_survives_the_round_trip(
    catalog: Catalog, corrected_source: dict[str, Any]
) -> None:
    assert set(catalog.profiles) == {p["id"] for p in corrected_source["profiles"]}
    for record in corrected_source["profiles"]:
        profile = catalog.profiles[record["id"]]
        assert profile.scope == record["scope"]
        assert profile.model_id == record["model_id"]
        assert profile.status == record["status"]
        assert profile.routing_kind == record["routing_kind"]
        assert profile.provenance == tuple(record["provenance"])
        assert profile.note == record.get("note")
        assert profile.last_seen_in_scan == record.get("last_seen_in_scan")
        assert profile.first_seen_in_scan == record.get("first_seen_in_scan")
        assert {s: list(d) for s, d in profile.routing.items()} == {
            s: sorted(d) for s, d in record["routing"].items()
        }


def test_every_shared_model_survives_the_round_trip(
    catalog: Catalog, corrected_source: dict[str, Any]
) -> None:
    assert set(catalog.models) == {m["model_id"] for m in corrected_source["models"]}
    for record in corrected_source["models"]:
        model = catalog.models[record["model_id"]]
        assert model.status == record["status"]
        assert model.lifecycle == record["lifecycle"]
        assert model.provider == record["provider"]
        assert model.endpoints == tuple(record["endpoints"])
        expected_on_demand = record["in_region_on_demand"]
        assert model.in_region_on_demand == (
            None if expected_on_demand is None else tuple(expected_on_demand)
        )
        assert model.requires_profile is record["requires_profile"]
        assert model.profile_only_in == tuple(record.get("profile_only_in", ()))
        assert model.mantle_regions == tuple(record.get("mantle_regions") or ())
        # profile_ids are not stored in the compact file: the loader derives them from the profiles
        assert model.profile_ids == tuple(sorted(record["profile_ids"]))
        assert model.note == record.get("note")


def test_regions_partitions_and_unverified_ids_survive(
    catalog: Catalog, corrected_source: dict[str, Any]
) -> None:
    for record in corrected_source["regions"]:
        region = catalog.regions[record["region"]]
        assert (region.name, region.partition, region.geography) == (
            record["name"],
            record["partition"],
            record["geography"],
        )
        assert region.opt_in is record["opt_in"]
        assert region.bedrock_runtime is record["bedrock_runtime"]
    for name, regions in corrected_source["partitions"].items():
        assert catalog.partitions[name].bedrock_regions == tuple(sorted(regions))
        assert catalog.partitions[name].note == corrected_source["partition_notes"].get(name)
    assert set(catalog.unverified_profile_ids) == {
        u["id"] for u in corrected_source["unverified_profile_ids"]
    }
    assert catalog.snapshot_date == corrected_source["snapshot_date"]
    corrections = {"catalog corrections (tools/catalog_corrections.json)": "2026-12-04"}
    assert dict(catalog.data_as_of) == {**corrected_source["data_as_of"], **corrections}


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda s: s["profiles"][0]["routing"].update({"xx-nowhere-1": ["us-east-1"]}), "unknown source"),
        (lambda s: s["profiles"].append(copy.deepcopy(s["profiles"][0])), "duplicate profile"),
        (lambda s: s["models"][0]["profile_ids"].append("us.bogus"), "profile_ids do not match"),
        (lambda s: s["partitions"]["aws"].append("zz-east-1"), "unknown region"),
    ],
)
def test_inconsistent_source_is_rejected(
    build_module: ModuleType, shared_source: dict[str, Any], mutate: Any, message: str
) -> None:
    broken = copy.deepcopy(shared_source)
    mutate(broken)
    with pytest.raises(build_module.BuildError, match=message):
        build_module.convert(broken)


def test_global_destinations_must_match_the_commercial_list(
    build_module: ModuleType, shared_source: dict[str, Any]
) -> None:
    broken = copy.deepcopy(shared_source)
    profile = next(p for p in broken["profiles"] if p["routing_kind"] == "all_commercial")
    source = next(iter(profile["routing"]))
    profile["routing"][source] = profile["routing"][source][:-1]
    with pytest.raises(build_module.BuildError, match="global destinations"):
        build_module.convert(broken)


def test_build_output_loads(build_module: ModuleType, shared_source: dict[str, Any]) -> None:
    rebuilt = parse_catalog_bytes(build_module.render(build_module.convert(shared_source)), source="rebuilt")
    assert len(rebuilt.profiles) == len(shared_source["profiles"])


def test_corrections_are_applied_with_provenance_and_the_winner(
    catalog: Catalog, build_module: ModuleType, shared_source: dict[str, Any]
) -> None:
    corrections = build_module.load_corrections()["corrections"]
    shipped = json.loads(_shipped_bytes())["corrections"]
    assert [c["id"] for c in shipped] == [c["id"] for c in corrections]
    for entry in shipped:
        assert entry["source"].startswith("AWS ")
        if entry["kind"] == "agreement":  # a check that changed nothing is kept as a record
            assert entry["agreement"] and "conflict" not in entry
        else:
            assert entry["conflict"] and entry["winner"]
    opus = catalog.profiles["global.anthropic.claude-opus-4-8"]
    assert {"me-central-1", "me-south-1"} <= set(opus.routing)
    assert opus.destinations("me-south-1") == catalog.partitions["aws"].bedrock_regions
    assert any("correction global-opus-4-8-middle-east-sources" in p for p in opus.provenance)
    assert opus.note is not None and "won: AWS model card" in opus.note
    before = {p["id"]: p for p in shared_source["profiles"]}["global.anthropic.claude-opus-4-8"]
    assert "me-central-1" not in before["routing"]  # the research file is left as it was


def test_a_correction_without_a_winner_is_refused(
    build_module: ModuleType, shared_source: dict[str, Any]
) -> None:
    bad = {
        "corrections": [
            {
                "id": "x",
                "kind": "model_note",
                "model": "anthropic.claude-opus-4-8",
                "source": "AWS",
                "conflict": "c",
            }
        ]
    }
    with pytest.raises(build_module.BuildError, match="winner missing"):
        build_module.convert(shared_source, bad)
