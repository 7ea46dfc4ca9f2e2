"""``catalog refresh`` / ``catalog diff`` with real boto3 clients against the stand-in on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bedrock_access.catalog import Catalog, load_catalog
from bedrock_access.cli import main

from .conftest import Behaviour, model_summary, profile_summary, region_as_shipped

SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
US_SONNET_45 = f"us.{SONNET_45}"
NEW_MODEL = "anthropic.claude-standin-9-v1:0"
NEW_PROFILE = f"us.{NEW_MODEL}"


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any], str]:
    code = main([*argv, "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out), err


@pytest.fixture
def changed_world(behaviour: Behaviour, shipped: Catalog) -> Behaviour:
    """us-east-1: Sonnet 4.5's us. profile re-routed (adds us-west-1) and a new profile for a new model;
    us-west-2: as shipped, but throttled twice first; eu-west-1: refuses the scan."""
    east = region_as_shipped(shipped, "us-east-1")
    for summary in east["profiles"]:
        if summary["inferenceProfileId"] == US_SONNET_45:
            summary.update(
                profile_summary(US_SONNET_45, SONNET_45, ["us-east-1", "us-east-2", "us-west-1", "us-west-2"])
            )
    east["profiles"].append(profile_summary(NEW_PROFILE, NEW_MODEL, ["us-east-1", "us-west-2"]))
    east["models"].append(model_summary(NEW_MODEL, "INFERENCE_PROFILE"))
    behaviour.regions["us-east-1"] = east
    behaviour.regions["us-west-2"] = region_as_shipped(shipped, "us-west-2")
    behaviour.throttle["us-west-2"] = 2
    behaviour.fail["eu-west-1"] = (
        403,
        "AccessDeniedException",
        "User: arn:aws:sts::123456789012:assumed-role/BedrockDev/alice is not authorized to perform: "
        "bedrock:ListFoundationModels because no identity-based policy allows the bedrock:ListFoundationModels action",
    )
    behaviour.enabled = ["us-east-1", "us-west-2", "eu-west-1"]
    behaviour.bare_summaries.add(NEW_PROFILE)  # its destinations come from GetInferenceProfile
    return behaviour


def test_refresh_scans_retries_reports_and_keeps_failed_region(
    standin: Any, changed_world: Behaviour, capsys: pytest.CaptureFixture[str], shipped: Catalog
) -> None:
    code, doc, _ = run_json(
        capsys,
        "catalog",
        "refresh",
        "--region",
        "us-east-1",
        "--region",
        "us-west-2",
        "--region",
        "eu-west-1",
    )
    assert code == 1  # a Region failed
    assert doc["scanned"] == ["us-east-1", "us-west-2"]
    assert doc["failed"]["eu-west-1"]["code"] == "AccessDeniedException"
    assert doc["changes"]["new_profiles"] == 1 and doc["changes"]["rerouted"] == 1
    overlay = json.loads(Path(doc["overlay"]).read_text())
    assert overlay["format"] == "bedrock-access-catalog-overlay/1"
    assert set(overlay["regions"]) == {"us-east-1", "us-west-2"}
    assert overlay["regions"]["us-east-1"]["scanned_at"] == doc["scanned_at"]
    assert "eu-west-1" in overlay["last_refresh"]["failed"]
    # Throttled twice, then answered: botocore retried the same call.
    west_listings = [
        r for r in changed_world.requests if r[1] == "us-west-2" and r[3] == "/foundation-models"
    ]
    assert len(west_listings) == 3
    # A summary without model ARNs was completed with GetInferenceProfile, and only that one.
    gets = [r[3] for r in changed_world.requests if r[3].startswith("/inference-profiles/")]
    assert len(gets) == 1 and NEW_PROFILE.split(":")[0] in gets[0]
    # The profile listing was paginated and nothing else was called (no writes, no runtime).
    assert {r[0] for r in changed_world.requests} == {"bedrock", "account"}
    assert {r[2] for r in changed_world.requests if r[0] == "bedrock"} == {"GET"}

    # Every verb now uses the newest data per Region, and says so.
    code, route, err = run_json(capsys, "catalog", "route", US_SONNET_45, "--region", "us-east-1")
    assert code == 0
    assert route["routes"][0]["destinations"] == ["us-east-1", "us-east-2", "us-west-1", "us-west-2"]
    assert "refreshed data for 2 Region(s)" in err and "shipped snapshot 2026-11-22" in err
    # A Region that failed keeps the shipped data.
    catalog = load_catalog()
    assert catalog.profiles[f"eu.{SONNET_45}"].routing == shipped.profiles[f"eu.{SONNET_45}"].routing
    # Other sources of the re-routed profile keep their shipped routing.
    assert catalog.destinations(US_SONNET_45, "us-east-2") == shipped.destinations(US_SONNET_45, "us-east-2")
    new = catalog.profiles[NEW_PROFILE]
    assert new.status == "active" and new.source_regions == ("us-east-1",)
    assert catalog.models[NEW_MODEL].requires_profile is True

    code, diff, _ = run_json(capsys, "catalog", "diff")
    assert code == 0
    assert [p["id"] for p in diff["new_profiles"]] == [NEW_PROFILE]
    assert diff["rerouted"] == [
        {
            "profile_id": US_SONNET_45,
            "source_region": "us-east-1",
            "before": ["us-east-1", "us-east-2", "us-west-2"],
            "after": ["us-east-1", "us-east-2", "us-west-1", "us-west-2"],
        }
    ]
    assert diff["removed_profiles"] == [] and diff["new_models"] == [NEW_MODEL]
    assert set(diff["region_scans"]) == {"us-east-1", "us-west-2"}

    assert main(["catalog", "diff"]) == 0
    text = capsys.readouterr().out
    assert f"re-routed        {US_SONNET_45} from us-east-1: +us-west-1" in text


def test_catalog_option_and_environment_select_another_catalog(
    standin: Any,
    changed_world: Behaviour,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = tmp_path / "elsewhere.json"
    code, doc, _ = run_json(capsys, "catalog", "refresh", "--region", "us-east-1", "--output", str(other))
    assert code == 0 and Path(doc["overlay"]) == other
    # The default overlay was not written: without --catalog the shipped data is used.
    assert main(["catalog", "diff"]) == 1
    capsys.readouterr()
    assert main(["catalog", "diff", "--catalog", str(other)]) == 0
    out, err = capsys.readouterr()
    assert NEW_PROFILE in out and str(other) in err
    assert main(["--catalog", str(other), "catalog", "route", NEW_PROFILE]) == 0
    capsys.readouterr()
    monkeypatch.setenv("BEDROCK_ACCESS_CATALOG", str(other))
    assert main(["catalog", "route", NEW_PROFILE]) == 0
    capsys.readouterr()
    # A whole catalog file (packaged format) works too.
    from bedrock_access.catalog.loader import PACKAGED_SOURCE  # noqa: F401  (documented constant)

    packaged = (
        Path(__file__).resolve().parents[2] / "src" / "bedrock_access" / "catalog" / "data" / "catalog.json"
    )
    monkeypatch.setenv("BEDROCK_ACCESS_CATALOG", str(packaged))
    assert main(["catalog", "route", NEW_PROFILE]) == 2  # unknown there
    assert "catalog file" in capsys.readouterr().err


def test_malformed_overlay_is_one_line_exit_2(
    aws_env: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"format": "bedrock-access-catalog-overlay/1", "regions": {"us-east-1": {"scanned_at": 5}}}'
    )
    assert main(["--catalog", str(bad), "catalog", "info"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "regions.us-east-1.scanned_at" in err and str(bad) in err


def test_whole_partition_skips_opt_in_regions_not_enabled(
    standin: Any, behaviour: Behaviour, shipped: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    for region in shipped.partitions["aws"].bedrock_regions:
        behaviour.regions[region] = region_as_shipped(shipped, region)
    behaviour.enabled = [
        r.region for r in shipped.regions_in_partition("aws") if not r.opt_in or r.region == "eu-south-1"
    ]
    code, doc, _ = run_json(capsys, "catalog", "refresh")
    assert code == 0
    skipped = set(doc["skipped"])
    assert "me-central-1" in skipped and "af-south-1" in skipped and "eu-south-1" not in skipped
    assert "us-east-1" in doc["scanned"] and "eu-south-1" in doc["scanned"]
    assert not skipped & {s[1] for s in behaviour.requests if s[0] == "bedrock"}  # never called
    # A scan that agrees with the snapshot changes nothing about routing.
    code, diff, _ = run_json(capsys, "catalog", "diff")
    assert diff["rerouted"] == [] and diff["new_profiles"] == [] and diff["removed_profiles"] == []
    assert main(["catalog", "refresh"]) == 0
    assert "skipped me-central-1: opt-in Region not enabled" in capsys.readouterr().out


def test_without_list_regions_a_disabled_opt_in_region_is_named_from_its_answer(
    standin: Any, behaviour: Behaviour, shipped: Catalog, capsys: pytest.CaptureFixture[str]
) -> None:
    behaviour.enabled = None  # account:ListRegions refused
    behaviour.regions["us-east-1"] = region_as_shipped(shipped, "us-east-1")
    behaviour.fail["me-central-1"] = (
        403,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )
    code, doc, _ = run_json(capsys, "catalog", "refresh", "--region", "us-east-1", "--region", "me-central-1")
    assert code == 0
    assert doc["scanned"] == ["us-east-1"]
    assert "not enabled" in doc["skipped"]["me-central-1"]


def test_refresh_input_errors(
    aws_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["catalog", "refresh", "--region", "us-esat-1"]) == 2
    assert "did you mean: us-east-1" in capsys.readouterr().err
    assert main(["catalog", "refresh", "--region", "us-east-1", "--region", "us-gov-west-1"]) == 2
    capsys.readouterr()
    assert main(["catalog", "refresh", "--region", "ap-east-1"]) == 2  # Hong Kong: no Bedrock
    assert "no Bedrock endpoint" in capsys.readouterr().err
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    assert main(["catalog", "refresh", "--region", "us-east-1"]) == 2
    assert "no AWS credentials" in capsys.readouterr().err


def test_unreachable_endpoint_is_reported_per_region(
    aws_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    code, doc, _ = run_json(capsys, "catalog", "refresh", "--region", "us-east-1")
    assert code == 1
    assert doc["failed"]["us-east-1"]["code"] == "NetworkError"


def test_per_service_endpoint_variables_are_honoured(
    standin: Any,
    behaviour: Behaviour,
    shipped: Catalog,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

    with socket.socket() as sock:  # the generic endpoint goes nowhere...
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setenv("AWS_ENDPOINT_URL", dead)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", standin.url)  # ...Bedrock's own variable wins
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    behaviour.regions["us-east-1"] = region_as_shipped(shipped, "us-east-1")
    code, doc, _ = run_json(capsys, "catalog", "refresh", "--region", "us-east-1")
    assert code == 0 and doc["scanned"] == ["us-east-1"]
    assert {r[0] for r in behaviour.requests} == {"bedrock"}  # account:ListRegions went to the dead endpoint


def test_a_broken_overlay_in_the_cache_stops_verbs_until_refresh_rewrites_it(
    standin: Any, behaviour: Behaviour, shipped: Catalog, capsys: pytest.CaptureFixture[str], aws_env: Path
) -> None:
    overlay = aws_env / "cache" / "catalog-overlay.json"
    overlay.parent.mkdir(parents=True, exist_ok=True)
    overlay.write_text("{not json")
    assert main(["catalog", "info"]) == 2
    err = capsys.readouterr().err
    assert str(overlay) in err and "catalog refresh" in err and err.count("\n") == 1
    behaviour.regions["us-east-1"] = region_as_shipped(shipped, "us-east-1")
    assert main(["catalog", "refresh", "--region", "us-east-1"]) == 0
    assert "replacing an unreadable overlay" in capsys.readouterr().err
    assert main(["catalog", "info"]) == 0
    assert "refreshed data for 1 Region(s)" in capsys.readouterr().err
