"""Fixes for calls a scenario's ``client:`` section makes: settings in the client's own vocabulary, Region
moves, the written section is the proven one, stale client errors are named, global probes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bedrock_access.cli import main
from bedrock_access.fix import FixReport
from bedrock_access.fix.model import (
    Alternative,
    FixedProof,
    InvocationProof,
    Proof,
    UnchangedProof,
    ValidationProof,
)
from bedrock_access.report.fix_json import proof_json
from bedrock_access.report.fix_text import proof_text
from bedrock_access.scenario import load_scenario

from .conftest import EXAMPLES


def _alt(report: FixReport, name: str) -> Alternative:
    return next(a for a in report.alternatives if a.name == name)


def test_boto3_gets_boto3_settings_not_claude_code(fix: Callable[..., FixReport]) -> None:
    report = fix(EXAMPLES / "client-boto3-aws-region-ignored.yaml")
    assert report.status == "fixed"
    for alt in report.alternatives:
        assert alt.client_settings is not None
        assert "claude_code" not in alt.client_settings
        assert alt.client_settings["client"]["kind"] == "boto3"
    move = _alt(report, "client-region")
    assert move.status == "proven"
    assert move.client_settings is not None
    assert move.client_settings["client"]["set"] == {"env.AWS_DEFAULT_REGION": "eu-west-1"}
    assert [(c.field, c.after) for c in move.client_changes] == [("region", "eu-west-1")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("client-anthropic-sdk-profile-region-ignored.yaml", {"settings.aws_region": "eu-west-1"}),
        ("client-continue-embed-region-defaulted.yaml", {"settings.models[1].env.region": "eu-west-1"}),
    ],
)
def test_region_is_moved_in_the_clients_vocabulary(
    name: str, expected: dict[str, str], fix: Callable[..., FixReport]
) -> None:
    report = fix(EXAMPLES / name)
    alt = _alt(report, "client-region")
    assert alt.status == "proven"
    assert alt.client_settings is not None
    assert alt.client_settings["client"]["set"] == expected


def test_cline_global_toggle_is_turned_off_and_written(
    fix: Callable[..., FixReport], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "client-cline-global-toggle-eu-scp.yaml"
    report = fix(EXAMPLES / name)
    pin = _alt(report, "client-model")
    assert pin.status == "proven"
    assert pin.client_section is not None
    assert pin.client_section["settings"]["awsUseGlobalInference"] is False
    out = tmp_path / "out"
    assert main(["fix", str(EXAMPLES / name), "--out", str(out), "--format", "json"]) == 0
    written = load_scenario(out / "client-model" / "scenario.yaml")
    assert written.client is not None and written.client["settings"]["awsUseGlobalInference"] is False
    assert {inv.model for inv in written.invocations} == {"eu.anthropic.claude-sonnet-4-6"}
    assert main(["check", str(out / "client-model" / "scenario.yaml")]) == 0
    capsys.readouterr()


def test_approving_unspecified_is_reported_as_widening(fix: Callable[..., FixReport]) -> None:
    report = fix(EXAMPLES / "client-cline-global-toggle-eu-scp.yaml")
    approve = _alt(report, "approve-regions")
    assert approve.widens_by_design and approve.status == "widens"
    widened = [d for d in approve.proof.unchanged.differences if d.widened]
    assert any(d.category == "global-profile" and d.region == "unspecified" for d in widened)
    # The exemption admits only profile-routed calls: the global probes stay as they were.
    exemption = _alt(report, "scp-exemption")
    assert exemption.status == "proven"
    assert dict(exemption.proof.unchanged.categories).get("global-profile", 0) > 0


@pytest.mark.parametrize(
    ("name", "var", "value"),
    [
        ("client-claude-code-aws-config-region-ignored.yaml", "AWS_REGION", "eu-central-1"),
        (
            "client-claude-code-small-fast-region-outside-eu.yaml",
            "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION",
            "eu-west-1",
        ),
    ],
)
def test_claude_code_region_is_moved_out_of_a_denied_region(
    name: str, var: str, value: str, fix: Callable[..., FixReport]
) -> None:
    report = fix(EXAMPLES / name)
    best = report.alternatives[0]
    assert best.status == "proven"
    assert best.client_section is not None and best.client_section["env"][var] == value
    assert any(c.field == "region" for c in best.client_changes)


def test_stale_client_errors_are_named_in_text_and_json() -> None:
    fixed = FixedProof(
        (InvocationProof(0, "boto3 main", "a", "b", "sigv4", "sigv4", "invalid", "allowed", True),),
        client_errors=(
            "PROFILE_GEO_MISMATCH: boto3 main: the 'eu.' profile ... (the client section is unchanged)",
        ),
    )
    proof = Proof(fixed, UnchangedProof(0, 0, ("full",), (), ()), ValidationProof(True, (), (), ()))
    text = "\n".join(proof_text(proof, 3))
    assert "fixed: NO" in text and "PROFILE_GEO_MISMATCH" in text
    doc = proof_json(proof)
    assert doc["fixed"]["client_errors"] == list(fixed.client_errors)
    assert json.dumps(doc)
