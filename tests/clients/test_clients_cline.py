"""Cline (legacy ≤ 4.0.x and SDK 4.1.x) and Roo Code readers against clients.md §2 and §3.1."""

from __future__ import annotations

from typing import Any

import pytest

from bedrock_access.errors import InputError

from ._helpers import SHORT_EU, by_role, codes, find, inv, run, short_term_key

SONNET45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
OPUS41 = "anthropic.claude-opus-4-1-20250805-v1:0"
HAIKU45 = "anthropic.claude-haiku-4-5-20251001-v1:0"


def cline(settings: dict[str, Any] | None = None, version: str = "4.0.12", **extra: Any) -> Any:
    section: dict[str, Any] = {"kind": "cline", "version": version, **extra}
    if settings is not None:
        section["settings"] = settings
    return run(section)


def state(region: str, model: str = SONNET45, cross: bool = True, **more: Any) -> dict[str, Any]:
    return {
        "awsRegion": region,
        "actModeApiModelId": model,
        "planModeApiModelId": model,
        "awsUseCrossRegionInference": cross,
        **more,
    }


# --- legacy ≤ 4.0.x (§2.2) ---------------------------------------------------------------------------


def test_legacy_on_disk_state_sydney() -> None:
    # §2.3 #2 (jp. for the JP list in any ap- Region) and #3 (apac. where only au. exists), plus #8.
    res = cline(
        version="4.0.12",
        settings_files=["cline/globalState.json", "cline/secrets.json"],
        aws_config="aws/config",
        aws_credentials="aws/credentials",
    )
    roles = by_role(res)
    assert roles["act"] == (f"jp.{SONNET45}", "ap-southeast-2")
    assert roles["plan"] == (f"apac.{OPUS41}", "ap-southeast-2")
    assert "cline act" in find(res, "PROFILE_GEO_MISMATCH")[0].invocations
    assert "cline plan" in find(res, "PROFILE_AVAILABILITY_UNKNOWN")[0].invocations
    assert "MIXED_GEOGRAPHIES" in codes(res)
    assert {i.operation for i in res.invocations} == {"ConverseStream"}
    assert inv(res, "act").origin["region"] == "Cline state awsRegion (cline/globalState.json)"
    # profile auth: the dev profile holds temporary keys in the credentials file
    assert res.principal_hints["aws_profile"] == "dev"
    assert "cline/secrets.json" in find(res, "LONG_TERM_KEY_IN_FILE")[0].message
    assert "CREDENTIALS_IN_FILE" in codes(res)  # the short-term API key in secrets.json


def test_legacy_cross_region_off_sends_bare_id() -> None:
    # §2.3 #1
    res = cline(state("eu-west-1", cross=False))
    assert by_role(res)["act"] == (SONNET45, "eu-west-1")
    assert "BARE_MODEL_ID" in codes(res)


@pytest.mark.parametrize(
    ("region", "expected", "code"),
    [
        ("us-gov-west-1", f"us.{SONNET45}", "PROFILE_GEO_MISMATCH"),  # §2.3 #4: should be us-gov.
        ("ca-central-1", SONNET45, "BARE_MODEL_ID"),  # §2.3 #4: no ca. mapping → bare
        ("eu-central-1", f"eu.{SONNET45}", None),  # §2.3 #6: geo prefix from awsRegion
        ("ap-northeast-1", f"jp.{SONNET45}", None),
    ],
)
def test_legacy_prefix_table(region: str, expected: str, code: str | None) -> None:
    res = cline(state(region))
    assert inv(res, "act").model == expected
    if code:
        assert code in codes(res)
    else:
        assert not {"PROFILE_GEO_MISMATCH", "BARE_MODEL_ID"} & codes(res)


def test_legacy_global_needs_cross_region() -> None:
    # §2.3 #5: global. when both toggles are on and the model supports it.
    on = cline(state("eu-west-1", awsUseGlobalInference=True))
    assert inv(on, "act").model == f"global.{SONNET45}"
    off = cline(state("eu-west-1", cross=False, awsUseGlobalInference=True))
    assert inv(off, "act").model == SONNET45
    assert "CLINE_GLOBAL_NEEDS_CROSS_REGION" in codes(off)


def test_legacy_custom_arn_from_other_region() -> None:
    # §2.3 #7: the custom model is sent verbatim and the client still targets awsRegion.
    arn = "arn:aws:bedrock:us-east-2:111122223333:application-inference-profile/team-sonnet"
    res = cline(state("eu-west-1", actModeApiModelId=arn, actModeAwsBedrockCustomSelected=True))
    assert by_role(res)["act"] == (arn, "eu-west-1")
    assert "ARN_REGION_MISMATCH" in codes(res)


def test_plan_and_act_from_different_geographies() -> None:
    # §2.3 #8: Act uses a custom eu. id, Plan a catalogue model with the Region-derived us.
    settings = state(
        "us-east-1",
        planModeApiModelId=SONNET45,
        actModeApiModelId=f"eu.{SONNET45}",
        actModeAwsBedrockCustomSelected=True,
    )
    res = cline(settings)
    assert by_role(res)["plan"] == (f"us.{SONNET45}", "us-east-1")
    assert "cline act" in find(res, "PROFILE_GEO_MISMATCH")[0].invocations
    assert "MIXED_GEOGRAPHIES" in codes(res)


def test_short_term_api_key_from_other_region() -> None:
    # §2.3 #9
    res = cline(state("us-east-1", awsAuthentication="apikey", awsBedrockApiKey=SHORT_EU))
    assert inv(res, "act").auth == "bearer-short-term"
    assert "eu-west-1" in find(res, "BEARER_REGION_MISMATCH")[0].message


def test_api_key_auth_without_key() -> None:
    assert "BEARER_TOKEN_MISSING" in codes(cline(state("us-east-1", awsAuthentication="apikey")))


def test_legacy_empty_region_defaults_to_us_east_1() -> None:
    res = cline(state(""))
    assert inv(res, "act").region == "us-east-1"
    assert "REGION_DEFAULTED" in codes(res)


def test_jp_mapping_version_gate() -> None:
    # §2.3 #12: before JP support Tokyo got apac.
    old = cline(state("ap-northeast-1", model=HAIKU45), version="3.30.0")
    assert inv(old, "act").model == f"apac.{HAIKU45}"
    assert "CLINE_JP_NOT_SUPPORTED" in codes(old)
    assert (
        inv(cline(state("ap-northeast-1", model=HAIKU45), version="3.33.0"), "act").model == f"jp.{HAIKU45}"
    )


def test_one_m_suffix_and_deepseek_operation() -> None:
    res = cline(state("us-east-1", actModeApiModelId=f"{SONNET45}:1m", planModeApiModelId="deepseek.r1-v1:0"))
    assert inv(res, "act").model == f"us.{SONNET45}"
    assert inv(res, "plan").operation == "InvokeModelWithResponseStream"


def test_mode_with_other_provider_is_skipped() -> None:
    res = cline(state("us-east-1", actModeApiProvider="anthropic", planModeApiProvider="bedrock"))
    assert [i.role for i in res.invocations] == ["plan"]


def test_profile_auth_uses_named_profile_region_independent() -> None:
    res = cline(state("eu-west-1", awsUseProfile=True, awsProfile="assume"), aws_config="aws/config")
    assert res.principal_hints["role_arn"] == "arn:aws:iam::444455556666:role/BedrockRuntime"


# --- SDK 4.1.x (§2.2 second block) --------------------------------------------------------------------


def test_sdk_default_region_only_throws() -> None:
    # §2.3 #10
    res = cline({"actModeApiModelId": SONNET45}, version="4.1.5", env={"AWS_DEFAULT_REGION": "eu-west-1"})
    assert res.invocations == ()
    assert "AWS_DEFAULT_REGION" in find(res, "NO_REGION")[0].message


def test_sdk_request_region_from_aws_region() -> None:
    res = cline(
        {"actModeApiModelId": SONNET45, "awsUseCrossRegionInference": True},
        version="4.1.5",
        env={"AWS_REGION": "eu-west-1"},
    )
    assert by_role(res)["act"] == (f"eu.{SONNET45}", "eu-west-1")


def test_sdk_prefixes_profile_only_models_with_toggle_off() -> None:
    res = cline(state("eu-west-1", cross=False), version="4.1.5")
    assert inv(res, "act").model == f"eu.{SONNET45}"
    assert "MODEL_ID_REWRITTEN" in codes(res)
    old = cline(
        state("eu-west-1", model="anthropic.claude-3-haiku-20240307-v1:0", cross=False), version="4.1.5"
    )
    assert inv(old, "act").model == "anthropic.claude-3-haiku-20240307-v1:0"


@pytest.mark.parametrize(
    ("region", "model", "expected"),
    [
        ("ap-northeast-1", SONNET45, f"jp.{SONNET45}"),
        ("ap-northeast-1", OPUS41, f"apac.{OPUS41}"),
        ("ap-southeast-2", SONNET45, f"au.{SONNET45}"),
        ("ap-southeast-2", OPUS41, f"apac.{OPUS41}"),
        ("us-gov-west-1", SONNET45, f"us-gov.{SONNET45}"),
        ("sa-east-1", SONNET45, SONNET45),
        ("eu-west-1", f"global.{SONNET45}", f"global.{SONNET45}"),
    ],
)
def test_sdk_candidates(region: str, model: str, expected: str) -> None:
    assert inv(cline(state(region, model=model), version="4.1.5"), "act").model == expected


def test_sdk_stale_providers_json_wins() -> None:
    # §2.3 #11
    res = cline(
        version="4.1.5",
        settings_files=["cline/globalState.json", "cline/providers.json"],
        aws_config="aws/config",
    )
    assert inv(res, "act").region == "us-east-1"
    assert "Cline providers.json" in inv(res, "act").origin["region"]
    assert {f.origin for f in find(res, "CLINE_STALE_PROVIDERS_JSON")} >= {
        "Cline providers.json (cline/providers.json) region"
    }
    assert "aws.accessKey" in find(res, "LONG_TERM_KEY_IN_FILE")[0].message


def test_sdk_picks_up_env_bearer_without_auth_mode() -> None:
    res = cline(
        state("us-east-1"), version="4.1.5", env={"AWS_BEARER_TOKEN_BEDROCK": short_term_key("us-east-1")}
    )
    assert inv(res, "act").auth == "bearer-short-term"
    assert "BEARER_REGION_MISMATCH" not in codes(res)
    explicit = cline(
        state("us-east-1", awsAuthentication="iam"),
        version="4.1.5",
        env={"AWS_BEARER_TOKEN_BEDROCK": SHORT_EU},
    )
    assert inv(explicit, "act").auth == "sigv4"


def test_providers_json_without_bedrock() -> None:
    res = cline(version="4.1.5", settings_files=["cline/providers_other.json"])
    assert res.invocations == ()
    assert "BEDROCK_NOT_SELECTED" in codes(res)


def test_sdk_endpoint_from_env() -> None:
    url = "https://vpce-0abc-def.bedrock-runtime.us-east-1.vpce.amazonaws.com"
    res = cline(state("us-east-1"), version="4.1.5", env={"AWS_ENDPOINT_URL_BEDROCK_RUNTIME": url})
    assert inv(res, "act").endpoint == url
    assert "VPC_ENDPOINT" in codes(res)
    legacy = cline(state("us-east-1"), version="4.0.12", env={"AWS_ENDPOINT_URL_BEDROCK_RUNTIME": url})
    assert inv(legacy, "act").endpoint is None


def test_bad_state_value_type() -> None:
    with pytest.raises(InputError):
        cline(state("us-east-1", awsUseCrossRegionInference="sometimes"))


# --- Roo Code (§3.1) ----------------------------------------------------------------------------------


def roo(settings: dict[str, Any] | None = None, **extra: Any) -> Any:
    section: dict[str, Any] = {"kind": "roo-code", **extra}
    if settings is not None:
        section["settings"] = settings
    return run(section)


def roo_state(region: str, model: str = SONNET45, cross: bool = True, **more: Any) -> dict[str, Any]:
    return {
        "apiProvider": "bedrock",
        "apiModelId": model,
        "awsRegion": region,
        "awsUseCrossRegionInference": cross,
        **more,
    }


def test_roo_settings_export_seoul_gets_jp() -> None:
    # Roo #1: every ap-northeast- Region maps to jp.
    res = roo(
        settings_files=["roo/roo-code-settings.json"],
        aws_config="aws/config",
        aws_credentials="aws/credentials",
    )
    assert by_role(res)["main"] == (f"jp.{SONNET45}", "ap-northeast-2")
    assert "PROFILE_GEO_MISMATCH" in codes(res)
    assert res.principal_hints["aws_profile"] == "dev"
    assert "profile 'seoul'" in inv(res, "main").origin["model"]


@pytest.mark.parametrize(
    ("region", "expected", "code"),
    [
        ("us-gov-west-1", f"ug.{SONNET45}", "PROFILE_PREFIX_UNKNOWN"),  # Roo #2
        ("ap-southeast-2", f"au.{SONNET45}", "PROFILE_AVAILABILITY_UNKNOWN"),  # Roo #3
        # Roo #4: AWS has no sa. prefix (the catalog's prefix table), so Bedrock answers 400.
        ("sa-east-1", f"sa.{SONNET45}", "PROFILE_PREFIX_UNKNOWN"),
        ("ca-central-1", f"ca.{SONNET45}", "PROFILE_AVAILABILITY_UNKNOWN"),
        ("eu-west-3", f"eu.{SONNET45}", None),
    ],
)
def test_roo_prefix_mapping(region: str, expected: str, code: str | None) -> None:
    res = roo(roo_state(region))
    assert inv(res, "main").model == expected
    if code:
        assert code in codes(res)


def test_roo_global_and_cross_off() -> None:
    assert (
        inv(roo(roo_state("eu-west-1", awsUseGlobalInference=True)), "main").model == f"global.{SONNET45}"
    )  # Roo #5
    off = roo(roo_state("eu-west-1", cross=False))  # Roo #6
    assert inv(off, "main").model == SONNET45 and "BARE_MODEL_ID" in codes(off)


def test_roo_region_chain() -> None:
    # Roo #7: no awsRegion and only AWS_DEFAULT_REGION → "Region is missing".
    missing = roo(roo_state(""), env={"AWS_DEFAULT_REGION": "eu-west-1"})
    assert missing.invocations == () and "NO_REGION" in codes(missing)
    env_region = roo(roo_state(""), env={"AWS_REGION": "eu-west-1"})
    assert inv(env_region, "main").region == "eu-west-1"
    profile = roo(roo_state(""), env={"AWS_PROFILE": "dev"}, aws_config="aws/config")
    assert inv(profile, "main").region == "eu-west-1"
    # prefixing needs awsRegion itself
    assert inv(profile, "main").model == SONNET45


def test_roo_custom_arn_moves_region() -> None:
    # Roo #8
    arn = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/roo-team"
    res = roo(roo_state("eu-west-1", awsCustomArn=arn))
    assert by_role(res)["main"] == (arn, "us-east-1")
    assert "ROO_ARN_REGION_OVERRIDE" in codes(res)
    assert "ARN_REGION_MISMATCH" not in codes(res)


def test_roo_endpoint_and_api_key() -> None:
    url = "https://bedrock-proxy.example.internal"
    disabled = roo(roo_state("us-east-1", awsBedrockEndpoint=url))
    assert inv(disabled, "main").endpoint is None and "ROO_ENDPOINT_DISABLED" in codes(disabled)
    enabled = roo(
        roo_state(
            "us-east-1",
            awsBedrockEndpoint=url,
            awsBedrockEndpointEnabled=True,
            awsUseApiKey=True,
            awsApiKey=SHORT_EU,
        )
    )
    main = inv(enabled, "main")
    assert main.endpoint == url and main.auth == "bearer-short-term"
    assert "BEARER_REGION_MISMATCH" in codes(enabled)


def test_roo_not_bedrock_and_missing_profile() -> None:
    assert "BEDROCK_NOT_SELECTED" in codes(roo({"apiProvider": "openrouter"}))
    with pytest.raises(InputError):
        roo({"providerProfiles": {"currentApiConfigName": "x", "apiConfigs": {}}})
