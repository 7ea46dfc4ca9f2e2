"""Each fix mechanism on its own fixture (tests/fix/fixtures), proven by the engine."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bedrock_access.fix import FixReport
from bedrock_access.fix.documents import as_list, statements

from .conftest import FIXTURES

# fixture -> name of the recommended alternative (ex-*.yaml are copies of examples/ taken for these tests)
EXPECTED = {
    "ex-control-tower-region-deny.yaml": "ct-ou-control",
    "ex-s01-custom-region-deny-scp.yaml": "scp-exemption",
    "ex-s02-global-profile-region-deny-scp.yaml": "scp-exemption",
    "ex-s04-iam-source-region-only.yaml": "identity-grant",
    "ex-s05-bare-id-profile-only-model.yaml": "client-model",
    "ex-s06-us-prefix-outside-us.yaml": "client-model",
    "ex-s07-claude-code-eu-background-model.yaml": "client-model",
    "ex-s14-scp-denies-long-term-api-keys.yaml": "client-auth",
    "ex-s17-identity-region-restriction-blocks-global.yaml": "identity-exemption",
    "ex-s18-model-allow-list-scp.yaml": "model-allow-list",
    "ex-s19-ip-allow-list-home.yaml": "network-guard",
    "ex-s19-ip-allow-list-vpc-endpoint.yaml": "network-guard",
    "app-profile-scp.yaml": "scp-exemption",
    "bearer-implicit.yaml": "identity-grant",
    "boundary-missing-allow.yaml": "boundary-grant",
    "boundary-region-deny.yaml": "boundary-exemption",
    "ct-global-profile.yaml": "client-model+ct-ou-control",
    "identity-action-list-region-deny.yaml": "identity-exemption",
    "scp-allow-list-level.yaml": "scp-grant",
    "scp-deny-list-other-exemption.yaml": "scp-exemption",
    "session-many-models.yaml": "session-grant",
    "two-layers.yaml": "identity-grant+scp-exemption",
    "vpce-policy-missing.yaml": "vpc-endpoint-grant",
    "source-region-denied.yaml": "client-model+client-region+scp-exemption",
    "source-region-denied-cris.yaml": "client-model+client-region",
}


def _statement(report: FixReport, policy: str, sid_part: str, alt: int = 0) -> dict[str, Any]:
    change = next(c for c in report.alternatives[alt].changes if c.policy_name == policy)
    return next(s for s in statements(dict(change.document)) if sid_part in str(s.get("Sid", "")))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_gets_the_expected_proven_fix(name: str, fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / name)
    assert report.status == "fixed"
    best = report.recommended
    assert best is not None
    assert best.name == EXPECTED[name]
    assert best.status == "proven", (best.proof.unchanged.differences[:3], best.unfixed)
    assert best.proof.validation.validator and best.proof.validation.passed


def test_every_fixture_is_covered() -> None:
    assert {p.name for p in FIXTURES.glob("*.yaml")} == {
        *EXPECTED,
        "deliberate-deny.yaml",
        "ex-ide-assistant-least-privilege.yaml",
    }


def test_scp_exemption_splits_invoke_actions_out_and_keeps_the_deny(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "ex-s01-custom-region-deny-scp.yaml")
    first = _statement(report, "DenyOutsideUsEast1AndUsWest2", "DenyOutsideUsEast1AndUsWest2")
    assert "bedrock:InvokeModelWithResponseStream" in first["NotAction"]
    assert first["Condition"] == {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "us-west-2"]}}
    second = _statement(report, "DenyOutsideUsEast1AndUsWest2", "BedrockInvokeUnlessProfile")
    assert second["Effect"] == "Deny"
    assert second["Action"] == "bedrock:InvokeModelWithResponseStream"
    assert second["Condition"]["ArnNotLike"] == {
        "bedrock:InferenceProfileArn": "arn:aws:bedrock:*:*:inference-profile/us.*"
    }


def test_global_profile_gets_unspecified_only_through_global_profiles(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "ex-s02-global-profile-region-deny-scp.yaml")
    policy = "DenyAllOutsideApprovedRegions"
    exemption = _statement(report, policy, "BedrockInvokeUnlessProfile")
    assert exemption["Condition"]["ArnNotLike"]["bedrock:InferenceProfileArn"].endswith(
        "inference-profile/global.*"
    )
    only_unspecified = _statement(report, policy, "GlobalOnlyUnspecified")
    assert "unspecified" in only_unspecified["Condition"]["StringNotEquals"]["aws:RequestedRegion"]
    # "unspecified" is never added to the general deny.
    general = _statement(report, policy, "DenyAllOutsideApprovedRegions")
    assert "unspecified" not in general["Condition"]["StringNotEquals"]["aws:RequestedRegion"]


def test_identity_side_exemption_names_the_exact_profile(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "ex-s17-identity-region-restriction-blocks-global.yaml")
    exemption = _statement(report, "PermissionSetRegionRestriction", "BedrockInvokeUnlessProfile")
    assert exemption["Condition"]["ArnNotLike"]["bedrock:InferenceProfileArn"] == (
        "arn:aws:bedrock:us-east-1:111122223333:inference-profile/global.anthropic.claude-sonnet-4-6"
    )
    names = [a.name for a in report.alternatives]
    assert names[0] == "identity-exemption"
    assert "client-model" in names  # pinning the us. id works without any policy change


def test_existing_exemption_is_kept_and_extended(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "scp-deny-list-other-exemption.yaml")
    exemption = _statement(report, "DenySpecificRegionAllowCRI", "BedrockInvokeUnlessProfile")
    values = as_list(exemption["Condition"]["ArnNotLike"]["bedrock:InferenceProfileArn"])
    assert "arn:aws:bedrock:*:*:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0" in values
    assert "arn:aws:bedrock:*:*:inference-profile/us.*" in values
    assert exemption["Condition"]["StringEquals"] == {"aws:RequestedRegion": "us-east-2"}
    # A deny-list never needs the "unspecified" statement.
    change = report.alternatives[0].changes[0]
    assert not any("GlobalOnlyUnspecified" in str(s.get("Sid")) for s in statements(dict(change.document)))


def test_account_level_scp_scopes_the_exemption_to_the_account(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "app-profile-scp.yaml")
    exemption = _statement(report, "UsEast1AndUsWest2", "BedrockInvokeUnlessProfile")
    assert exemption["Condition"]["ArnNotLike"]["bedrock:InferenceProfileArn"] == (
        "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/team1abc"
    )


def test_statement_on_invoke_actions_gets_the_exemption_inline(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "identity-action-list-region-deny.yaml")
    stmt = _statement(report, "BedrockUsEast1Only", "BedrockOnlyInUsEast1")
    assert stmt["Action"] == "bedrock:InvokeModel*"
    assert stmt["Condition"]["ArnNotLike"]["bedrock:InferenceProfileArn"].endswith(
        "inference-profile/us.anthropic.claude-sonnet-4-6"
    )


def test_control_tower_gets_the_ou_control_and_a_guard(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "ex-control-tower-region-deny.yaml")
    best = report.alternatives[0]
    assert best.name == "ct-ou-control"
    kinds = {c.policy_name: c.kind for c in best.changes}
    assert kinds == {
        "aws-guardrails-GRREGIONDENY": "ct-govern-regions",
        "aws-guardrails-CTMULTISERVICEPV1": "ct-ou-control",
        "BedrockInvokeThroughProfilesOnly": "ct-guard",
    }
    control = next(c for c in best.changes if c.kind == "ct-ou-control")
    assert control.parameters is not None
    assert control.parameters["parameters"] == {
        "AllowedRegions": ["us-east-1"],
        "ExemptedActions": ["bedrock:InvokeModelWithResponseStream"],
        "ExemptedPrincipalArns": [],
    }
    governed = _statement(report, "aws-guardrails-GRREGIONDENY", "GRREGIONDENY")
    assert governed["Condition"]["StringNotEquals"]["aws:RequestedRegion"] == [
        "us-east-1",
        "us-east-2",
        "us-west-2",
    ]
    guard = _statement(report, "BedrockInvokeThroughProfilesOnly", "DenyBedrockInvoke")
    assert guard["Condition"]["ArnNotLike"]["aws:PrincipalARN"] == [
        "arn:aws:iam::*:role/AWSControlTowerExecution"
    ]
    # The alternative: governing the Regions alone, which widens every action there.
    govern = report.alternatives[1]
    assert govern.name == "ct-govern-regions" and govern.widens_by_design and govern.status == "widens"
    assert any(d.category == "non-bedrock" and d.widened for d in govern.proof.unchanged.differences)


def test_control_tower_cannot_admit_global_profiles(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "ct-global-profile.yaml")
    best = report.alternatives[0]
    assert [c.after for c in best.client_changes] == ["us.anthropic.claude-sonnet-4-6"]
    assert best.client_settings is not None
    assert best.client_settings["claude_code"]["env"]["ANTHROPIC_MODEL"] == "us.anthropic.claude-sonnet-4-6"


def test_two_blocking_layers_are_fixed_in_rounds(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "two-layers.yaml")
    layers = sorted(c.location.layer for c in report.alternatives[0].changes)
    assert layers == ["identity", "scp"]


def test_grant_uses_the_profile_condition(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "ex-s04-iam-source-region-only.yaml")
    stmt = _statement(report, "TokyoOnlyBedrock", "BedrockAccessFixModelsVia")
    assert stmt["Resource"] == "arn:aws:bedrock:ap-northeast-3::foundation-model/anthropic.claude-sonnet-4-6"
    assert stmt["Condition"] == {
        "StringEquals": {
            "bedrock:InferenceProfileArn": (
                "arn:aws:bedrock:ap-northeast-1:111122223333:inference-profile/jp.anthropic.claude-sonnet-4-6"
            )
        }
    }


def test_vpc_endpoint_grant_names_the_principal(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "vpce-policy-missing.yaml")
    change = report.alternatives[0].changes[0]
    added = [
        s for s in statements(dict(change.document)) if str(s.get("Sid", "")).startswith("BedrockAccessFix")
    ]
    assert added and all(
        s["Principal"] == {"AWS": "arn:aws:iam::111122223333:role/BuildRunner"} for s in added
    )


def test_session_grant_is_compacted_to_fit(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "session-many-models.yaml")
    change = report.alternatives[0].changes[0]
    assert change.limit == 2048 and change.within_limit
    assert change.compaction, "the exact grant does not fit a session policy"


def test_api_key_user_gets_call_with_bearer_token(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "bearer-implicit.yaml")
    stmt = _statement(report, "InvokeClaude", "BedrockAccessFixApiKeys")
    assert stmt["Action"] == "bedrock:CallWithBearerToken"
    assert stmt["Condition"] == {"StringEquals": {"bedrock:BearerTokenType": "LONG_TERM"}}


def test_api_key_ban_is_fixed_on_the_client(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "ex-s14-scp-denies-long-term-api-keys.yaml")
    best = report.alternatives[0]
    assert not best.changes
    assert [(c.field, c.before, c.after) for c in best.client_changes] == [
        ("auth", "bearer-long-term", "bearer-short-term")
    ]


def test_deliberate_deny_is_not_fixed(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "deliberate-deny.yaml")
    assert report.status == "unfixed" and report.exit_code == 1
    assert [u.label for u in report.unfixable] == ["deepseek"]
    assert "deliberate" in report.unfixable[0].reason


def test_invalid_ids_are_pinned_to_offered_profiles(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "ex-s06-us-prefix-outside-us.yaml")
    pins = {c.region: c.after for c in report.alternatives[0].client_changes}
    assert pins == {
        "eu-central-1": "eu.anthropic.claude-sonnet-4-6",
        "ap-northeast-2": "global.anthropic.claude-sonnet-4-6",
    }
    report = fix(FIXTURES / "ex-s05-bare-id-profile-only-model.yaml")
    assert [c.after for c in report.alternatives[0].client_changes] == [
        "us.anthropic.claude-haiku-4-5-20251001-v1:0"
    ]


def test_ip_guard_admits_only_what_was_asked(fix: Callable[..., FixReport]) -> None:
    home = FIXTURES / "ex-s19-ip-allow-list-home.yaml"
    report = fix(home)
    stmt = _statement(report, "DenyOutsideCorporateNetwork", "DenyOutsideCorporateNetwork")
    assert stmt["Condition"]["NotIpAddress"]["aws:SourceIp"][-1] == "192.0.2.44/32"
    assert stmt["Condition"]["Bool"] == {"aws:ViaAWSService": "false"}
    assert "outside-network" in dict(report.alternatives[0].proof.unchanged.categories)

    report = fix(home, allow_cidrs=("192.0.2.0/24",), allow_vpces=("vpce-0aaaabbbbccccdddd",))
    names = [a.name for a in report.alternatives]
    assert names == ["network-guard", "network-guard-vpce"]
    assert all(a.status == "proven" for a in report.alternatives)
    vpce = _statement(report, "DenyOutsideCorporateNetwork", "DenyOutsideCorporateNetwork", alt=1)
    assert vpce["Condition"]["StringNotEquals"] == {"aws:SourceVpce": "vpce-0aaaabbbbccccdddd"}

    report = fix(home, allow_cidrs=("10.0.0.0/8",))
    assert report.status == "unfixed"
    assert "none of the allowed CIDRs" in report.unfixable[0].reason


def test_vpc_endpoint_call_admits_that_endpoint(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "ex-s19-ip-allow-list-vpc-endpoint.yaml")
    stmt = _statement(report, "DenyOutsideCorporateNetwork", "DenyOutsideCorporateNetwork")
    assert stmt["Condition"]["StringNotEquals"] == {"aws:SourceVpce": "vpce-0a1b2c3d4e5f67890"}
    assert stmt["Condition"]["NotIpAddress"]["aws:SourceIp"] == ["203.0.113.0/24", "198.51.100.0/24"]


def test_model_allow_list_gets_the_profile_arn(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "ex-s18-model-allow-list-scp.yaml")
    stmt = _statement(report, "ApprovedFoundationModelsOnly", "PermittedModels")
    assert (
        stmt["NotResource"][-1]
        == "arn:aws:bedrock:us-east-1:*:inference-profile/us.anthropic.claude-sonnet-4-6"
    )


def test_discovery_actions_only_when_the_client_lists_models(fix: Callable[..., FixReport]) -> None:
    path = FIXTURES / "ex-s04-iam-source-region-only.yaml"
    plain = fix(path)
    assert not any(
        "Discovery" in str(s.get("Sid"))
        for c in plain.alternatives[0].changes
        for s in statements(dict(c.document))
    )
    listing = fix(path, client_lists_models=True)
    stmt = _statement(listing, "TokyoOnlyBedrock", "BedrockAccessFixDiscovery")
    assert stmt["Action"] == ["bedrock:ListFoundationModels", "bedrock:ListInferenceProfiles"]
    described = _statement(listing, "TokyoOnlyBedrock", "BedrockAccessFixDescribeProfiles")
    assert described["Resource"] == (
        "arn:aws:bedrock:ap-northeast-1:111122223333:inference-profile/jp.anthropic.claude-sonnet-4-6"
    )
    assert listing.alternatives[0].status == "proven"


def test_nothing_to_fix(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "ex-ide-assistant-least-privilege.yaml")
    assert report.status == "nothing-to-fix" and report.exit_code == 0 and not report.alternatives


def test_client_section_is_pinned_and_read_back(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "ex-s07-claude-code-eu-background-model.yaml")
    best = report.alternatives[0]
    assert best.client_section is not None
    env = best.client_section["env"]
    assert env["CLAUDE_CODE_SUBAGENT_MODEL"] == "eu.anthropic.claude-sonnet-4-6"
    assert env["ANTHROPIC_DEFAULT_HAIKU_MODEL"].startswith("eu.anthropic.claude-haiku-")
    proof = best.proof.fixed
    assert not proof.client_errors
    # Pinning the Haiku alias makes Claude Code call it: a new invocation, proven allowed too.
    assert any(p.verdict_before == "new" and p.verdict_after == "allowed" for p in proof.invocations)
    background = next(c for c in best.client_changes if c.label == "claude-code background")
    assert any("newest model of the same family" in line for line in background.explanation)


def test_a_denied_source_region_is_fixed_by_moving_the_call(fix: Callable[..., FixReport]) -> None:
    # The SCP already exempts us. profiles: calling from us-east-1 through the us. profile fixes it with no
    # policy change, and approving the Regions (which widens) comes after it.
    report = fix(FIXTURES / "source-region-denied-cris.yaml")
    assert report.status == "fixed"
    best = report.alternatives[0]
    assert best.status == "proven" and not best.changes
    moves = {c.field: (c.before, c.after) for c in best.client_changes}
    assert moves["region"] == ("eu-west-1", "us-east-1")
    assert moves["model"] == ("eu.anthropic.claude-sonnet-4-6", "us.anthropic.claude-sonnet-4-6")
    assert [a.status for a in report.alternatives[1:]] in ([], ["widens"])


def test_a_moved_call_gets_the_guardrail_change_its_new_route_needs(fix: Callable[..., FixReport]) -> None:
    report = fix(FIXTURES / "source-region-denied.yaml")
    assert report.status == "fixed"
    best = report.alternatives[0]
    assert best.name == "client-model+client-region+scp-exemption"
    assert best.proof.fixed.passed and best.proof.unchanged.passed
    (invocation,) = best.proof.fixed.invocations
    assert invocation.verdict_before == "denied" and invocation.verdict_after == "allowed"
