"""``bedrock-access catalog``: JSON shape, text output and exit codes (see docs/catalog.md)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

from bedrock_access.catalog import Catalog
from bedrock_access.cli import main

SONNET45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
SONNET45_US = f"us.{SONNET45}"

PROFILE_KEYS = {
    "id",
    "scope",
    "model_id",
    "status",
    "verified",
    "routing_kind",
    "destinations_inferred",
    "source_regions",
    "caveats",
    "note",
    "provenance",
    "first_seen_in_scan",
    "last_seen_in_scan",
}
REGION_KEYS = {"region", "name", "partition", "geography", "country", "opt_in", "bedrock_runtime", "note"}


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code = main(["catalog", "--format", "json", *argv])
    out = capsys.readouterr().out
    data: dict[str, Any] = json.loads(out)
    return code, data


def run_text(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["catalog", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# route ------------------------------------------------------------------------------------------------


def test_route_json(capsys: pytest.CaptureFixture[str], catalog: Catalog) -> None:
    code, data = run_json(capsys, "route", SONNET45_US, "--region", "us-east-1")
    assert code == 0
    assert data["query"] == "route"
    assert data["snapshot_date"] == catalog.snapshot_date
    assert data["offered"] is True
    assert data["source_region"] == "us-east-1"
    assert data["routes"] == [
        {"source_region": "us-east-1", "destinations": ["us-east-1", "us-east-2", "us-west-2"]}
    ]
    assert set(data["profile"]) == PROFILE_KEYS
    assert data["profile"]["verified"] is True
    assert data["unverified"] is None


def test_route_without_region_lists_every_source(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "route", "us.anthropic.claude-3-haiku-20240307-v1:0")
    assert code == 0
    routes = {r["source_region"]: r["destinations"] for r in data["routes"]}
    assert routes["us-east-2"] == ["us-east-1", "us-east-2", "us-west-2"]
    assert routes["us-west-2"] == ["us-east-1", "us-west-2"]
    assert data["profile"]["status"] == "not_listed"
    assert data["profile"]["verified"] is False
    assert data["profile"]["caveats"]


def test_route_not_offered_from_region(capsys: pytest.CaptureFixture[str]) -> None:
    profile = f"eu.{SONNET45}"
    code, data = run_json(capsys, "route", profile, "--region", "us-east-1")
    assert code == 1
    assert data["offered"] is False
    assert data["routes"] == []
    assert "eu-west-1" in data["profile"]["source_regions"]

    code, text, _ = run_text(capsys, "route", profile, "--region", "us-east-1")
    assert code == 1
    assert "not offered from us-east-1" in text
    assert "eu-central-1" in text  # the Regions it is offered from are listed
    assert "2026-11-22" in text


def test_route_global_says_destinations_are_inferred(
    capsys: pytest.CaptureFixture[str], catalog: Catalog
) -> None:
    code, data = run_json(capsys, "route", f"global.{SONNET45}", "--region", "eu-west-1")
    assert code == 0
    assert data["profile"]["destinations_inferred"] is True
    assert data["profile"]["routing_kind"] == "all_commercial"
    assert data["routes"][0]["destinations"] == list(catalog.bedrock_regions("aws"))
    code, text, _ = run_text(capsys, "route", f"global.{SONNET45}", "--region", "eu-west-1")
    assert "inferred" in text


def test_route_unknown_routing_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "route", "us-gov.anthropic.claude-opus-5", "--region", "us-gov-west-1")
    assert code == 1
    assert data["offered"] is None
    assert data["profile"]["routing_kind"] == "unknown"


def test_route_unverified_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "route", "us.deepseek.v3.2")
    assert code == 1
    assert data["profile"] is None
    assert data["offered"] is None
    assert data["unverified"]["id"] == "us.deepseek.v3.2"
    assert "LiteLLM" in data["unverified"]["source"]


def test_route_unknown_id_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_text(capsys, "route", "us.anthropic.claude-sonet-4-5-20250929-v1:0")
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1  # one line, no traceback
    assert "PROFILE_ID" in err
    assert "did you mean" in err and SONNET45_US in err


def test_route_given_a_model_id_names_its_profiles(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_text(capsys, "route", SONNET45)
    assert code == 2
    assert "base model id" in err and SONNET45_US in err


# profiles ---------------------------------------------------------------------------------------------


def test_profiles_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "profiles", "--model", SONNET45, "--region", "us-east-1")
    assert code == 0
    assert data["query"] == "profiles"
    assert data["model_id"] == SONNET45
    assert data["source_region"] == "us-east-1"
    assert data["in_region_on_demand"] is False
    assert data["bedrock_runtime_in_region"] is True
    by_id = {p["id"]: p for p in data["profiles"]}
    assert set(by_id) == {SONNET45_US, f"global.{SONNET45}"}
    assert by_id[SONNET45_US]["destinations"] == ["us-east-1", "us-east-2", "us-west-2"]
    for item in data["profiles"]:
        assert set(item) == PROFILE_KEYS | {"destinations"}
    assert data["routing_unknown"] == []


def test_profiles_without_region(capsys: pytest.CaptureFixture[str], catalog: Catalog) -> None:
    code, data = run_json(capsys, "profiles", "--model", SONNET45)
    assert code == 0
    assert data["source_region"] is None
    assert data["in_region_on_demand"] is None
    model = catalog.model(SONNET45)
    assert model is not None
    assert [p["id"] for p in data["profiles"]] == list(model.profile_ids)
    assert all(p["destinations"] is None for p in data["profiles"])


def test_profiles_region_without_bedrock(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "profiles", "--model", SONNET45, "--region", "cn-north-1")
    assert code == 1
    assert data["profiles"] == []
    assert data["bedrock_runtime_in_region"] is False
    code, text, _ = run_text(capsys, "profiles", "--model", SONNET45, "--region", "cn-north-1")
    assert "does not offer Bedrock runtime" in text


def test_profiles_govcloud_lists_unknown_routing(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(
        capsys, "profiles", "--model", "anthropic.claude-opus-5", "--region", "us-gov-west-1"
    )
    assert code == 1
    assert [p["id"] for p in data["routing_unknown"]] == ["us-gov.anthropic.claude-opus-5"]


def test_profiles_unknown_model_and_region(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_text(capsys, "profiles", "--model", "claude-sonnet-4-5", "--region", "us-east-1")
    assert code == 2
    assert "--model" in err and SONNET45 in err
    code, _, err = run_text(capsys, "profiles", "--model", SONNET45, "--region", "us-east-7")
    assert code == 2
    assert "--region" in err and "us-east-1" in err


def test_profiles_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, text, _ = run_text(capsys, "profiles", "--model", SONNET45, "--region", "us-east-1")
    assert code == 0
    assert SONNET45_US in text
    assert "→ us-east-1, us-east-2, us-west-2" in text
    assert "2026-11-22" in text


# model ------------------------------------------------------------------------------------------------


def test_model_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "model", "anthropic.claude-sonnet-4-6")
    assert code == 0
    model = data["model"]
    assert model["model_id"] == "anthropic.claude-sonnet-4-6"
    assert model["requires_profile"] is False
    assert model["in_region_on_demand"] == ["eu-west-2"]
    assert {p["id"] for p in data["profiles"]} == set(model["profile_ids"])


def test_model_given_a_profile_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_text(capsys, "model", SONNET45_US)
    assert code == 2
    assert "MODEL_ID" in err and "inference profile id" in err and SONNET45 in err


def test_model_text_includes_snapshot_and_caveats(capsys: pytest.CaptureFixture[str]) -> None:
    code, text, _ = run_text(capsys, "model", SONNET45)
    assert code == 0
    assert "2026-11-22" in text
    assert "doc_only_govcloud" in text  # the GovCloud profile's status is shown, not hidden
    assert "requires an inference profile: yes" in text


# regions and info -------------------------------------------------------------------------------------


def test_regions_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, data = run_json(capsys, "regions", "--partition", "aws")
    assert code == 0
    [aws] = data["partitions"]
    assert aws["partition"] == "aws"
    with_runtime = [r["region"] for r in aws["bedrock_runtime_regions"]]
    without = [r["region"] for r in aws["regions_without_bedrock_runtime"]]
    assert len(with_runtime) == 33
    assert without == ["ap-east-1", "me-west-1", "sa-west-1"]
    assert set(aws["bedrock_runtime_regions"][0]) == REGION_KEYS


def test_regions_all_partitions(capsys: pytest.CaptureFixture[str], catalog: Catalog) -> None:
    code, data = run_json(capsys, "regions")
    assert code == 0
    assert [p["partition"] for p in data["partitions"]] == sorted(catalog.partitions)
    china = next(p for p in data["partitions"] if p["partition"] == "aws-cn")
    assert china["bedrock_runtime_regions"] == []


def test_regions_unknown_partition(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_text(capsys, "regions", "--partition", "aws-moon")
    assert code == 2
    assert "--partition" in err and "aws-us-gov" in err


def test_regions_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, text, _ = run_text(capsys, "regions", "--partition", "aws-cn")
    assert code == 0
    assert "2026-11-22" in text
    assert "0 of 2" in text and "cn-north-1" in text


def test_info(capsys: pytest.CaptureFixture[str], catalog: Catalog) -> None:
    code, data = run_json(capsys, "info")
    assert code == 0
    assert data["counts"]["profiles"] == len(catalog.profiles)
    assert sum(data["counts"]["profiles_by_status"].values()) == len(catalog.profiles)
    assert data["sources"] == list(catalog.sources)
    code, text, _ = run_text(capsys, "info")
    assert "snapshot 2026-11-22" in text


# format placement, help and start-up ------------------------------------------------------------------


def test_format_accepted_after_the_query(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["catalog", "route", SONNET45_US, "--region", "us-east-1", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["routes"][0]["source_region"] == "us-east-1"


def test_text_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    main(["catalog", "route", SONNET45_US, "--region", "us-east-1"])
    out = capsys.readouterr().out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)


def test_missing_query_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    # A usage error is one line on stderr and exit status 2, returned (not raised) by main.
    assert main(["catalog"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("bedrock-access: error: ") and "QUERY" in err


def test_importing_the_verb_does_not_load_the_catalog() -> None:
    # only this verb is imported, so other verbs' imports cannot affect the result
    probe = (
        "import argparse, sys; from bedrock_access.cli import catalog as verb; "
        "verb.add_parser(argparse.ArgumentParser().add_subparsers()); "
        "print(any(m in sys.modules for m in ('bedrock_access.catalog.loader', 'orjson', 'difflib')))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
