"""Claude Code reader against clients.md §1 (settings, Region chain, models by version, §1.7 misconfigurations)."""

from __future__ import annotations

from typing import Any

import pytest

from bedrock_access.errors import InputError

from ._helpers import AKIA_ID, SHORT_EU, by_role, codes, find, inv, run

EU = {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "eu-west-1"}


def cc(env: dict[str, str], version: str | None = "2.1.330", **extra: Any) -> Any:
    section: dict[str, Any] = {"kind": "claude-code", "env": env, **extra}
    if version is not None:
        section["version"] = version
    return run(section)


# --- built-in defaults per version range (§1.4, §1.5) -------------------------------------------------

DEFAULTS = [
    # version, main, background
    (
        "1.0.100",
        "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        "us.anthropic.claude-3-5-haiku-20241022-v1:0",
    ),
    ("2.0.5", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "us.anthropic.claude-3-5-haiku-20241022-v1:0"),
    (
        "2.0.30",
        "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "us.anthropic.claude-3-5-haiku-20241022-v1:0",
    ),
    (
        "2.1.130",
        "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "eu.anthropic.claude-haiku-4-5-20251001-v1:0",
    ),
    (
        "2.1.150",
        "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
        "eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
    ),
    ("2.1.210", "eu.anthropic.claude-opus-4-8", "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"),
    ("2.1.330", "eu.anthropic.claude-opus-5", "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"),
]


@pytest.mark.parametrize(("version", "main", "background"), DEFAULTS)
def test_builtin_defaults_by_version(version: str, main: str, background: str) -> None:
    res = cc(EU, version)
    roles = by_role(res)
    assert roles["main"] == (main, "eu-west-1")
    assert roles["background"] == (background, "eu-west-1")
    assert all(i.operation == "InvokeModelWithResponseStream" for i in res.invocations)
    assert "CC_BUILTIN_DEFAULT" in codes(res)
    assert "built-in" in inv(res, "main").origin["model"]


def test_legacy_builtins_ignore_region_and_fail_in_eu() -> None:
    # §1.7 #7: older builds use us.* built-ins whatever the Region → 400 from eu-west-1.
    res = cc(EU, "2.0.30")
    geo = find(res, "PROFILE_GEO_MISMATCH")
    assert any("claude-code background" in f.invocations for f in geo)
    assert {f.invocations[0] for f in find(res, "CC_LEGACY_BUILTIN_PREFIX")} >= {
        "claude-code main",
        "claude-code background",
    }


def test_global_default_between_2_0_8_and_2_1_127() -> None:
    # §1.7 #5: the v2.0.8 global. default is denied by Region allow-list SCPs; follows the Region from 2.1.128.
    old = cc({"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "us-east-1"}, "2.0.8")
    assert inv(old, "main").model.startswith("global.")
    assert any("unspecified" in f.message for f in find(old, "CC_LEGACY_BUILTIN_PREFIX"))
    new = cc({"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "us-east-1"}, "2.1.128")
    assert inv(new, "main").model == "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert "CC_LEGACY_BUILTIN_PREFIX" not in codes(new)


def test_version_unknown_assumes_current() -> None:
    res = cc(EU, None)
    assert inv(res, "main").model == "eu.anthropic.claude-opus-5"
    assert "2.1.330" in find(res, "VERSION_UNKNOWN")[0].message


# --- provider selection (§1.1) -------------------------------------------------------------------------


def test_use_bedrock_any_string_before_1_0_124() -> None:
    old = cc({"CLAUDE_CODE_USE_BEDROCK": "0", "AWS_REGION": "us-east-1"}, "1.0.100")
    assert old.invocations and "CC_USE_BEDROCK_ANY_STRING" in codes(old)
    new = cc({"CLAUDE_CODE_USE_BEDROCK": "0", "AWS_REGION": "us-east-1"}, "1.0.124")
    assert not new.invocations and "BEDROCK_NOT_SELECTED" in codes(new)
    assert cc({"CLAUDE_CODE_USE_BEDROCK": "ON", "AWS_REGION": "us-east-1"}).invocations


def test_empty_settings_value_cancels_shell_export() -> None:
    res = cc(EU, settings={"env": {"CLAUDE_CODE_USE_BEDROCK": ""}})
    assert res.invocations == ()
    assert "BEDROCK_NOT_SELECTED" in codes(res)


def test_mantle_only_is_not_modelled() -> None:
    res = cc({"CLAUDE_CODE_USE_MANTLE": "1", "AWS_REGION": "us-east-1"})
    assert res.invocations == ()
    assert "CC_MANTLE_NOT_MODELLED" in codes(res)


# --- Region chain (§1.3) -----------------------------------------------------------------------------


def test_invalid_region_value_is_skipped() -> None:
    res = cc({"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "Europe", "AWS_DEFAULT_REGION": "eu-north-1"})
    assert inv(res, "main").region == "eu-north-1"
    assert res.region_origin == "scenario.yaml client.env AWS_DEFAULT_REGION"
    assert "REGION_INVALID_IGNORED" in codes(res)


def test_profile_region_read_from_2_1_172() -> None:
    env = {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_PROFILE": "dev"}
    new = cc(env, "2.1.172", aws_config="aws/config", aws_credentials="aws/credentials")
    assert new.region == "eu-west-1"
    assert new.region_origin == "aws/config [profile dev] region"
    assert inv(new, "main").model.startswith("eu.")


def test_profile_region_ignored_before_2_1_172() -> None:
    # §1.7 #4: region only in ~/.aws/config → us-east-1 on old builds.
    env = {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_PROFILE": "dev"}
    old = cc(env, "2.1.171", aws_config="aws/config", aws_credentials="aws/credentials")
    assert old.region == "us-east-1"
    finding = find(old, "CC_AWS_CONFIG_REGION_IGNORED")[0]
    assert "2.1.172" in finding.message and finding.origin == "aws/config [profile dev] region"


def test_credentials_file_region_preferred() -> None:
    env = {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_PROFILE": "sydney"}
    res = cc(env, aws_config="aws/config", aws_credentials="aws/credentials")
    assert res.region == "ap-southeast-2"
    assert res.region_origin == "aws/credentials [sydney] region"


def test_no_region_defaults_to_us_east_1() -> None:
    res = cc({"CLAUDE_CODE_USE_BEDROCK": "1"})
    assert res.region == "us-east-1"
    assert "REGION_DEFAULTED" in codes(res)


# --- settings layering (§1.2) -------------------------------------------------------------------------


def test_settings_env_overrides_shell() -> None:
    # §1.7 #11
    shell = {"AWS_REGION": "us-west-2", "AWS_PROFILE": "prod"}
    res = cc(shell, settings_files=["claude_code/user_eu.json"], aws_config="aws/config")
    main = inv(res, "main")
    assert (main.model, main.region) == ("eu.anthropic.claude-sonnet-4-5-20250929-v1:0", "eu-west-1")
    assert main.origin["model"] == "settings claude_code/user_eu.json env.ANTHROPIC_MODEL"
    assert main.origin["region"] == "settings claude_code/user_eu.json env.AWS_REGION"
    overridden = {f.origin for f in find(res, "CC_SETTINGS_OVERRIDE_SHELL")}
    assert overridden == {
        "settings claude_code/user_eu.json env.AWS_REGION",
        "settings claude_code/user_eu.json env.AWS_PROFILE",
    }
    assert res.principal_hints["aws_profile"] == "dev"


def test_precedence_managed_local_project_user() -> None:
    files: list[Any] = [
        "claude_code/user_eu.json",
        {"path": "claude_code/project_shared.json", "scope": "project"},
    ]
    res = cc({}, settings_files=files)
    # project beats user for AWS_REGION; ANTHROPIC_MODEL (env, from user settings) beats `model` in any file.
    assert by_role(res)["main"] == ("eu.anthropic.claude-sonnet-4-5-20250929-v1:0", "eu-central-1")
    assert "CC_PROJECT_SETTINGS_AWS" in codes(res)
    res = cc(
        {}, settings_files=[*files, "claude_code/settings.local.json", "claude_code/managed-settings.json"]
    )
    roles = by_role(res)
    assert roles["main"][1] == "eu-west-1"  # managed wins
    assert roles["background"] == ("eu.anthropic.claude-haiku-4-5-20251001-v1:0", "eu-west-1")  # from local


def test_model_setting_used_without_anthropic_model() -> None:
    res = cc(EU, settings={"model": "eu.anthropic.claude-opus-4-6-v1"})
    main = inv(res, "main")
    assert main.model == "eu.anthropic.claude-opus-4-6-v1"
    assert main.origin["model"] == "settings scenario.yaml client.settings model"
    # An explicit main model makes the background follow it (2.1.207+).
    assert inv(res, "background").model == "eu.anthropic.claude-opus-4-6-v1"


def test_inline_settings_list_with_scopes() -> None:
    res = cc(
        {"CLAUDE_CODE_USE_BEDROCK": "1"},
        settings=[
            {"scope": "user", "settings": {"env": {"AWS_REGION": "eu-west-1"}}},
            {"scope": "managed", "settings": {"env": {"AWS_REGION": "eu-north-1"}}},
        ],
    )
    assert res.region == "eu-north-1"


# --- models: pins, aliases, overrides (§1.4) --------------------------------------------------------


def test_pins_are_verbatim_and_not_rewritten() -> None:
    # §1.7 #9: a us. pin copied from the docs while the Region is EU.
    env = {
        **EU,
        "AWS_REGION": "eu-central-1",
        "ANTHROPIC_MODEL": "sonnet",
        "ANTHROPIC_DEFAULT_SONNET_MODEL": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    }
    res = cc(env)
    assert by_role(res)["main"] == ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "eu-central-1")
    assert "claude-code main" in find(res, "PROFILE_GEO_MISMATCH")[0].invocations
    assert "claude-code sonnet" in {
        label for f in find(res, "PROFILE_GEO_MISMATCH") for label in f.invocations
    }


def test_one_m_suffix_is_stripped() -> None:
    res = cc({**EU, "ANTHROPIC_MODEL": "eu.anthropic.claude-sonnet-4-5-20250929-v1:0[1m]"})
    assert inv(res, "main").model == "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"


def test_opusplan_adds_plan_role() -> None:
    res = cc({**EU, "ANTHROPIC_MODEL": "opusplan"})
    roles = by_role(res)
    assert roles["main"][0] == "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert roles["plan"][0] == "eu.anthropic.claude-opus-5"


def test_default_falls_back_to_sonnet_pin() -> None:
    res = cc({**EU, "ANTHROPIC_DEFAULT_SONNET_MODEL": "eu.anthropic.claude-sonnet-4-6"})
    assert inv(res, "main").model == "eu.anthropic.claude-sonnet-4-6"


def test_anthropic_id_mapping_and_overrides_from_2_1_200() -> None:
    env = {**EU, "ANTHROPIC_MODEL": "claude-opus-4-6"}
    managed = ["claude_code/managed-settings.json"]
    new = cc(env, "2.1.200", settings_files=managed)
    assert (
        inv(new, "main").model
        == "arn:aws:bedrock:eu-west-1:111122223333:application-inference-profile/opus46eu"
    )
    old = cc(env, "2.1.199", settings_files=managed)
    assert inv(old, "main").model == "claude-opus-4-6"
    err = find(old, "ANTHROPIC_FORMAT_ID")[0]
    assert err.severity == "error" and "2.1.200" in err.message
    mapped = cc({**EU, "ANTHROPIC_MODEL": "claude-sonnet-4-6"})
    assert inv(mapped, "main").model == "eu.anthropic.claude-sonnet-4-6"


def test_managed_available_models_limits_overrides_to_managed() -> None:
    user_override = {
        "scope": "user",
        "settings": {"modelOverrides": {"claude-opus-4-6": "eu.anthropic.claude-opus-4-6-v1"}},
    }
    with_managed = cc(
        {**EU, "ANTHROPIC_MODEL": "claude-opus-4-6"},
        settings=[user_override],
        settings_files=["claude_code/managed-settings.json"],
    )
    assert "application-inference-profile/opus46eu" in inv(with_managed, "main").model
    alone = cc({**EU, "ANTHROPIC_MODEL": "claude-opus-4-6"}, settings=[user_override])
    assert inv(alone, "main").model == "eu.anthropic.claude-opus-4-6-v1"


def test_bare_model_id_in_anthropic_model() -> None:
    # §1.7 #8
    res = cc(
        {
            "CLAUDE_CODE_USE_BEDROCK": "1",
            "AWS_REGION": "us-west-2",
            "ANTHROPIC_MODEL": "anthropic.claude-opus-4-5-20251101-v1:0",
        }
    )
    assert inv(res, "main").model == "anthropic.claude-opus-4-5-20251101-v1:0"
    assert "claude-code main" in find(res, "BARE_MODEL_ID")[0].invocations


def test_arn_from_another_region() -> None:
    # §1.7 #10: the ARN Region does not move the endpoint.
    arn = "arn:aws:bedrock:us-east-2:111122223333:application-inference-profile/abc123"
    res = cc({**EU, "ANTHROPIC_MODEL": arn})
    assert by_role(res)["main"] == (arn, "eu-west-1")
    assert "us-east-2" in find(res, "ARN_REGION_MISMATCH")[0].message


# --- prefix rules (§1.4 table) -----------------------------------------------------------------------


def test_apac_derived_in_tokyo_and_prefix_override() -> None:
    # §1.7 #6
    tokyo = {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "ap-northeast-1"}
    res = cc(tokyo)
    assert inv(res, "main").model == "apac.anthropic.claude-opus-5"
    assert "PROFILE_AVAILABILITY_UNKNOWN" in codes(res)
    jp = cc({**tokyo, "ANTHROPIC_BEDROCK_REGION_PREFIX": "jp"})
    assert inv(jp, "main").model == "jp.anthropic.claude-opus-5"
    assert "PROFILE_AVAILABILITY_UNKNOWN" not in codes(jp)
    old = cc({**tokyo, "ANTHROPIC_BEDROCK_REGION_PREFIX": "jp"}, "2.1.223")
    assert inv(old, "main").model.startswith("apac.")
    assert "CC_VARIABLE_NOT_SUPPORTED" in codes(old)
    bad = cc({**tokyo, "ANTHROPIC_BEDROCK_REGION_PREFIX": "japan"})
    assert inv(bad, "main").model.startswith("apac.") and "CC_REGION_PREFIX_INVALID" in codes(bad)


def test_global_prefix_requested() -> None:
    res = cc({**EU, "ANTHROPIC_BEDROCK_REGION_PREFIX": "global"})
    assert inv(res, "main").model == "global.anthropic.claude-opus-5"
    assert (
        inv(res, "main")
        .origin["model"]
        .endswith("(scenario.yaml client.env ANTHROPIC_BEDROCK_REGION_PREFIX)")
    )


@pytest.mark.parametrize(
    ("region", "prefix"),
    [("ca-central-1", "global"), ("sa-east-1", "global"), ("ap-south-1", "apac"), ("us-west-2", "us")],
)
def test_region_to_prefix_table(region: str, prefix: str) -> None:
    res = cc({"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": region})
    assert inv(res, "main").model == f"{prefix}.anthropic.claude-opus-5"


def test_govcloud_prefix_fixed_in_2_1_174() -> None:
    gov = {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "us-gov-west-1"}
    old = cc(gov, "2.1.173")
    assert inv(old, "main").model == "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert "2.1.174" in find(old, "CC_GOVCLOUD_GLOBAL_PREFIX")[0].message
    new = cc(gov, "2.1.174")
    assert inv(new, "main").model == "us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0"
    forced = cc({**gov, "ANTHROPIC_BEDROCK_REGION_PREFIX": "eu"})
    assert inv(forced, "main").model.startswith("us-gov.")
    assert "CC_REGION_PREFIX_IGNORED_GOVCLOUD" in codes(forced)


# --- background model and its Region (§1.3, §1.5, §1.7 #1–#3) --------------------------------------


def test_background_us_haiku_in_eu() -> None:
    # §1.7 #1, first half: main eu. but background pinned to us. → 400 from eu-west-1.
    env = {
        **EU,
        "ANTHROPIC_MODEL": "eu.anthropic.claude-opus-4-6-v1",
        "ANTHROPIC_DEFAULT_HAIKU_MODEL": "us.anthropic.claude-haiku-4-5-20251001-v1:0",
    }
    res = cc(env)
    assert by_role(res)["background"] == ("us.anthropic.claude-haiku-4-5-20251001-v1:0", "eu-west-1")
    assert "claude-code background" in {
        label for f in find(res, "PROFILE_GEO_MISMATCH") for label in f.invocations
    }
    assert "MIXED_GEOGRAPHIES" in codes(res)


def test_small_fast_region_moves_background_only() -> None:
    # §1.7 #1, second half: the override sends background calls to us-east-1 (EU-only SCP → 403).
    env = {
        **EU,
        "ANTHROPIC_MODEL": "eu.anthropic.claude-opus-4-6-v1",
        "ANTHROPIC_DEFAULT_HAIKU_MODEL": "us.anthropic.claude-haiku-4-5-20251001-v1:0",
        "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION": "us-east-1",
    }
    res = cc(env)
    roles = by_role(res)
    assert roles["background"] == ("us.anthropic.claude-haiku-4-5-20251001-v1:0", "us-east-1")
    assert roles["main"] == ("eu.anthropic.claude-opus-4-6-v1", "eu-west-1")
    assert roles["subagent"] == ("eu.anthropic.claude-opus-4-6-v1", "eu-west-1")
    assert "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION" in inv(res, "background").origin["region"]
    assert "claude-code background" in find(res, "ROLE_REGION_DIFFERS")[0].invocations
    assert not any(
        "claude-code background" in f.invocations for f in res.findings if f.code == "PROFILE_GEO_MISMATCH"
    )


def test_small_fast_region_without_haiku_pin_has_no_effect() -> None:
    # §1.7 #2
    res = cc({**EU, "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION": "us-east-1"})
    assert inv(res, "background").region == "eu-west-1"
    assert "ANTHROPIC_DEFAULT_HAIKU_MODEL" in find(res, "CC_SMALL_FAST_REGION_NO_EFFECT")[0].message


def test_small_fast_region_legacy_rule_2_0_30() -> None:
    # v2.0.30: no "haiku configured" condition; small/fast defaults to built-in Haiku 3.5.
    res = cc({**EU, "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION": "us-east-1"}, "2.0.30")
    assert by_role(res)["background"] == ("us.anthropic.claude-3-5-haiku-20241022-v1:0", "us-east-1")
    assert "CC_SMALL_FAST_REGION_NO_EFFECT" not in codes(res)


def test_small_fast_region_before_1_0_12() -> None:
    res = cc({**EU, "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION": "us-east-1"}, "1.0.11")
    assert inv(res, "background").region == "eu-west-1"
    assert "CC_VARIABLE_NOT_SUPPORTED" in codes(res)


def test_short_term_key_and_other_background_region() -> None:
    # §1.7 #3: short-term keys are Region-bound.
    env = {
        **EU,
        "AWS_BEARER_TOKEN_BEDROCK": SHORT_EU,
        "ANTHROPIC_DEFAULT_HAIKU_MODEL": "eu.anthropic.claude-haiku-4-5-20251001-v1:0",
        "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION": "eu-central-1",
    }
    res = cc(env)
    assert inv(res, "main").auth == "bearer-short-term"
    mismatch = find(res, "BEARER_REGION_MISMATCH")[0]
    assert "claude-code background" in mismatch.invocations and "eu-west-1" in mismatch.message
    assert "claude-code main" not in mismatch.invocations
    assert "generated for eu-west-1" in res.credential_source


def test_small_fast_beats_haiku_pin() -> None:
    env = {
        **EU,
        "ANTHROPIC_SMALL_FAST_MODEL": "eu.anthropic.claude-3-haiku",
        "ANTHROPIC_DEFAULT_HAIKU_MODEL": "eu.anthropic.claude-haiku-4-5-20251001-v1:0",
    }
    assert inv(cc(env), "background").model == "eu.anthropic.claude-3-haiku"


def test_background_follows_opus_only_pin() -> None:
    res = cc({**EU, "ANTHROPIC_DEFAULT_OPUS_MODEL": "eu.anthropic.claude-opus-4-8"})
    assert by_role(res)["main"][0] == by_role(res)["background"][0] == "eu.anthropic.claude-opus-4-8"


# --- subagents (§1.6) ---------------------------------------------------------------------------------


def test_subagent_geo_bug_before_2_1_0() -> None:
    env = {**EU, "ANTHROPIC_MODEL": "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"}
    old = cc(env, "2.0.30")
    assert inv(old, "subagent").model == "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert "2.1.0" in find(old, "CC_SUBAGENT_GEO_BUG")[0].message
    new = cc(env, "2.1.0")
    assert inv(new, "subagent").model == "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"
    assert "CC_SUBAGENT_GEO_BUG" not in codes(new)


def test_subagent_model_env_and_inherit() -> None:
    res = cc(
        {
            **EU,
            "CLAUDE_CODE_SUBAGENT_MODEL": "haiku",
            "ANTHROPIC_DEFAULT_HAIKU_MODEL": "eu.anthropic.claude-haiku-4-5-20251001-v1:0",
        }
    )
    assert inv(res, "subagent").model == "eu.anthropic.claude-haiku-4-5-20251001-v1:0"
    inherit = cc({**EU, "CLAUDE_CODE_SUBAGENT_MODEL": "inherit"})
    assert inv(inherit, "subagent").model == inv(inherit, "main").model
    old = cc({**EU, "CLAUDE_CODE_SUBAGENT_MODEL": "inherit"}, "2.1.195")
    assert "CC_SUBAGENT_INHERIT_UNSUPPORTED" in codes(old)


def test_explore_ran_on_haiku_before_2_1_198() -> None:
    old = cc(EU, "2.1.197")
    assert inv(old, "explore").model == "eu.anthropic.claude-haiku-4-5-20251001-v1:0"
    assert "CC_EXPLORE_USES_HAIKU" in codes(old)
    assert "explore" not in by_role(cc(EU, "2.1.198"))


# --- credentials (§1.1, §1.7 #11–#15) -------------------------------------------------------------


def test_env_keys_and_profile() -> None:
    # §1.7 #12 (sources disagree on which wins: the finding says so).
    res = cc(
        {**EU, "AWS_PROFILE": "dev", "AWS_ACCESS_KEY_ID": AKIA_ID},
        aws_config="aws/config",
        aws_credentials="aws/credentials",
    )
    assert "uncertain" in find(res, "ENV_KEYS_AND_PROFILE")[0].message
    assert "PROFILE_SHARED_WITH_AGENT" in codes(res)
    assert res.principal_hints["aws_profile"] == "dev"


def test_assume_role_profile_hints() -> None:
    res = cc({**EU, "AWS_PROFILE": "assume"}, aws_config="aws/config")
    assert res.principal_hints["account"] == "444455556666"
    assert res.principal_hints["role_arn"] == "arn:aws:iam::444455556666:role/BedrockRuntime"


def test_missing_profile() -> None:
    res = cc({**EU, "AWS_PROFILE": "nope"}, aws_config="aws/config")
    assert "AWS_PROFILE_NOT_FOUND" in codes(res)


def test_credential_export() -> None:
    # §1.7 #13
    res = cc(EU, settings={"awsCredentialExport": "/usr/local/bin/bedrock-creds --json"})
    assert "awsCredentialExport" in res.credential_source
    assert "CC_CREDENTIAL_EXPORT" in codes(res)
    assert "bedrock-creds" not in res.credential_source  # the command line is not echoed


def test_authorization_header_breaks_sigv4_before_2_1_101() -> None:
    # §1.7 #14
    env = {**EU, "ANTHROPIC_CUSTOM_HEADERS": "X-Team: ml\nAuthorization: Basic abc"}
    assert "2.1.101" in find(cc(env, "2.1.100"), "CC_AUTH_HEADER_BREAKS_SIGV4")[0].message
    assert "CC_AUTH_HEADER_BREAKS_SIGV4" not in codes(cc(env, "2.1.101"))


def test_bearer_without_auth_header_in_2_1_94_to_95() -> None:
    env = {**EU, "AWS_BEARER_TOKEN_BEDROCK": SHORT_EU}
    assert "CC_BEARER_AUTH_HEADER_MISSING" in codes(cc(env, "2.1.95"))
    assert "CC_BEARER_AUTH_HEADER_MISSING" not in codes(cc(env, "2.1.96"))


def test_empty_bearer_before_2_1_97() -> None:
    env = {**EU, "AWS_BEARER_TOKEN_BEDROCK": ""}
    old = cc(env, "2.1.96")
    assert "CC_BEARER_EMPTY_STRING" in codes(old) and inv(old, "main").auth != "sigv4"
    assert inv(cc(env, "2.1.97"), "main").auth == "sigv4"


def test_sso_region_bug_in_2_1_207() -> None:
    # §1.7 #15: sso_region (us-east-1) differs from the Bedrock Region (eu-central-1, from the profile).
    env = {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_PROFILE": "eu-sso"}
    bug = cc(env, "2.1.207", aws_config="aws/config")
    assert bug.region == "eu-central-1"
    assert "2.1.208" in find(bug, "CC_SSO_REGION_BUG")[0].message
    assert bug.principal_hints["account"] == "111122223333"
    assert "CC_SSO_REGION_BUG" not in codes(cc(env, "2.1.208", aws_config="aws/config"))


def test_long_term_keys_in_settings_file() -> None:
    res = cc({}, settings_files=["claude_code/secrets_in_env.json"])
    warning = find(res, "LONG_TERM_KEY_IN_FILE")[0]
    assert warning.severity == "warning" and "env.AWS_ACCESS_KEY_ID" in warning.message
    assert inv(res, "main").auth == "bearer-long-term"
    assert "BEARER_OVERRIDES_CREDENTIALS" in codes(res)


# --- endpoints and gateways (§1.1, S19) ---------------------------------------------------------------


def test_vpc_endpoint_base_url() -> None:
    url = "https://vpce-0a1b2c3d-abcd.bedrock-runtime.eu-west-1.vpce.amazonaws.com"
    res = cc({**EU, "ANTHROPIC_BEDROCK_BASE_URL": url})
    assert all(i.endpoint == url for i in res.invocations)
    assert "aws:SourceIp" in find(res, "VPC_ENDPOINT")[0].message
    wrong = cc({**EU, "AWS_REGION": "eu-central-1", "ANTHROPIC_BEDROCK_BASE_URL": url})
    assert "ENDPOINT_REGION_MISMATCH" in codes(wrong)


def test_skip_auth_needs_gateway() -> None:
    alone = cc({**EU, "CLAUDE_CODE_SKIP_BEDROCK_AUTH": "1"})
    assert "CC_SKIP_AUTH_WITHOUT_GATEWAY" in codes(alone)
    gateway = cc(
        {
            **EU,
            "CLAUDE_CODE_SKIP_BEDROCK_AUTH": "1",
            "ANTHROPIC_BEDROCK_BASE_URL": "https://llm-gw.example.internal/bedrock",
        }
    )
    assert {"CC_SKIP_BEDROCK_AUTH", "CUSTOM_ENDPOINT"} <= codes(gateway)


def test_provider_managed_by_host_ignores_settings_endpoint() -> None:
    res = cc(
        {**EU, "CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST": "1"},
        settings={"env": {"ANTHROPIC_BEDROCK_BASE_URL": "https://gw.example"}},
    )
    assert all(i.endpoint is None for i in res.invocations)
    assert "CC_PROVIDER_MANAGED_BY_HOST" in codes(res)


def test_prompt_caching_1h_before_2_1_132() -> None:
    assert "CC_PROMPT_CACHING_1H_400" in codes(cc({**EU, "ENABLE_PROMPT_CACHING_1H": "1"}, "2.1.131"))
    assert "CC_PROMPT_CACHING_1H_400" not in codes(cc({**EU, "ENABLE_PROMPT_CACHING_1H": "1"}, "2.1.132"))


# --- bad input ----------------------------------------------------------------------------------------


def test_malformed_settings_json() -> None:
    with pytest.raises(InputError) as err:
        cc({}, settings_files=["claude_code/malformed.json"])
    assert err.value.source == "claude_code/malformed.json" and err.value.line == 4


def test_env_block_must_be_an_object() -> None:
    with pytest.raises(InputError) as err:
        cc({}, settings_files=["claude_code/env_not_object.json"])
    assert err.value.field == "env"


def test_unknown_scope() -> None:
    with pytest.raises(InputError) as err:
        cc({}, settings_files=[{"path": "claude_code/user_eu.json", "scope": "global"}])
    assert err.value.field == "client.settings_files[0].scope"
