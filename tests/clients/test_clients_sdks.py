"""boto3 / AWS CLI (clients.md §9), LiteLLM (§5.1), AnthropicBedrock (§10) and Continue (§4) readers."""

from __future__ import annotations

from typing import Any

import pytest

from bedrock_access.errors import InputError

from ._helpers import AKIA_ID, SHORT_EU, by_role, codes, find, inv, run, short_term_key

SONNET_EU = "eu.anthropic.claude-sonnet-4-5-20250929-v1:0"
FILES = {"aws_config": "aws/config", "aws_credentials": "aws/credentials"}


def boto(
    env: dict[str, str], settings: dict[str, Any] | None = None, /, *, kind: str = "boto3", **extra: Any
) -> Any:
    section: dict[str, Any] = {
        "kind": kind,
        "env": env,
        "settings": {"model": SONNET_EU, **(settings or {})},
        **extra,
    }
    return run(section)


# --- boto3 / botocore (§9) ---------------------------------------------------------------------------


def test_boto3_ignores_aws_region() -> None:
    # §9 misconfiguration #1
    nothing = boto({"AWS_REGION": "eu-north-1"})
    assert nothing.invocations == () and nothing.region is None
    assert {"NO_REGION", "BOTO3_AWS_REGION_IGNORED"} <= codes(nothing)
    profile = boto({"AWS_REGION": "eu-north-1", "AWS_PROFILE": "dev"}, **FILES)
    assert profile.region == "eu-west-1" and "BOTO3_AWS_REGION_IGNORED" in codes(profile)


def test_default_region_beats_explicit_profile() -> None:
    # §9 [test]: profile_name="eu"-like profile with AWS_DEFAULT_REGION=eu-south-1 gave eu-south-1.
    res = boto({"AWS_DEFAULT_REGION": "eu-south-1"}, {"profile_name": "dev"}, **FILES)
    assert inv(res, "main").region == "eu-south-1"
    assert "ENV_REGION_OVERRIDES_PROFILE" in codes(res)
    explicit = boto(
        {"AWS_DEFAULT_REGION": "eu-south-1"}, {"profile_name": "dev", "region_name": "eu-west-3"}, **FILES
    )
    assert explicit.region == "eu-west-3"


def test_default_profile_beats_aws_profile() -> None:
    res = boto({"AWS_PROFILE": "dev", "AWS_DEFAULT_PROFILE": "tokyo"}, **FILES)
    assert res.region == "ap-northeast-1"
    assert res.principal_hints["aws_profile"] == "tokyo"


def test_credentials_file_region_is_merged() -> None:
    res = boto({"AWS_PROFILE": "sydney"}, **FILES)
    assert (res.region, res.region_origin) == ("ap-southeast-2", "aws/credentials [sydney] region")


def test_env_keys_shadow_profile() -> None:
    # §9 misconfiguration #3 (env keys beat AWS_PROFILE; an explicit profile_name disables them)
    res = boto(
        {"AWS_PROFILE": "dev", "AWS_ACCESS_KEY_ID": AKIA_ID, "AWS_SECRET_ACCESS_KEY": "x" * 40}, **FILES
    )
    assert "AWS_ACCESS_KEY_ID" in res.credential_source
    assert "ENV_KEYS_AND_PROFILE" in codes(res)
    explicit = boto({"AWS_ACCESS_KEY_ID": AKIA_ID}, {"profile_name": "assume"}, **FILES)
    assert explicit.principal_hints["account"] == "444455556666"
    assert "ENV_KEYS_AND_PROFILE" not in codes(explicit)


def test_vpc_endpoint_from_services_section() -> None:
    # §9 misconfiguration #4: endpoint in us-east-1, Region eu-west-1 → SigV4 scope error.
    res = boto({"AWS_PROFILE": "vpce"}, **FILES)
    main = inv(res, "main")
    assert main.endpoint == "https://vpce-0a1b2c3d4e5f-abcdefgh.bedrock-runtime.us-east-1.vpce.amazonaws.com"
    assert main.origin["endpoint"] == "aws/config [services vpce-bedrock] bedrock_runtime.endpoint_url"
    assert {"VPC_ENDPOINT", "ENDPOINT_REGION_MISMATCH"} <= codes(res)
    env_wins = boto(
        {
            "AWS_PROFILE": "vpce",
            "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": "https://bedrock-runtime.eu-west-1.amazonaws.com",
        },
        **FILES,
    )
    assert inv(env_wins, "main").endpoint == "https://bedrock-runtime.eu-west-1.amazonaws.com"
    ignored = boto({"AWS_PROFILE": "vpce", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, **FILES)
    assert inv(ignored, "main").endpoint is None


def test_stray_bearer_token_replaces_profile() -> None:
    # §9 misconfiguration #5
    res = boto({"AWS_PROFILE": "dev", "AWS_BEARER_TOKEN_BEDROCK": short_term_key("us-east-1")}, **FILES)
    assert inv(res, "main").auth == "bearer-short-term"
    assert {"BEARER_OVERRIDES_CREDENTIALS", "BEARER_REGION_MISMATCH"} <= codes(res)
    sigv4 = boto(
        {
            "AWS_PROFILE": "dev",
            "AWS_BEARER_TOKEN_BEDROCK": SHORT_EU,
            "AWS_AUTH_SCHEME_PREFERENCE": "sigv4,httpBearerAuth",
        },
        **FILES,
    )
    assert inv(sigv4, "main").auth == "sigv4"


def test_fips_profile_and_credential_kinds() -> None:
    res = boto({"AWS_PROFILE": "fips"}, **FILES)
    assert inv(res, "main").endpoint == "https://bedrock-runtime-fips.us-east-2.amazonaws.com"
    assert "FIPS_ENDPOINT" in codes(res)
    assert boto({"AWS_PROFILE": "eu-sso"}, **FILES).principal_hints["sso_role_name"] == "BedrockUsers"
    assert (
        boto({"AWS_PROFILE": "process"}, **FILES).principal_hints["credential_kind"] == "credential-process"
    )


def test_no_model_still_resolves_session() -> None:
    res = run({"kind": "boto3", "env": {"AWS_PROFILE": "dev"}, **FILES})
    assert res.invocations == () and "NO_MODEL_CONFIGURED" in codes(res)
    built = res.invocation_for("eu.anthropic.claude-opus-4-6-v1", operation="Converse")
    assert (built.region, built.operation, built.auth) == ("eu-west-1", "Converse", "sigv4")


def test_models_list_with_per_call_region_and_operation() -> None:
    settings = {
        "models": [
            "eu.anthropic.claude-haiku-4-5-20251001-v1:0",
            {
                "model": "us.amazon.nova-pro-v1:0",
                "region_name": "us-east-1",
                "operation": "ConverseStream",
                "label": "nova",
            },
        ]
    }
    res = run({"kind": "boto3", "env": {"AWS_DEFAULT_REGION": "eu-west-1"}, "settings": settings})
    roles = by_role(res)
    assert roles["models[0]"] == ("eu.anthropic.claude-haiku-4-5-20251001-v1:0", "eu-west-1")
    assert roles["nova"] == ("us.amazon.nova-pro-v1:0", "us-east-1")
    assert inv(res, "nova").operation == "ConverseStream"
    with pytest.raises(InputError):
        run({"kind": "boto3", "env": {}, "settings": {"model": "x.y", "operation": "Invoke"}})


def test_unknown_profile_stops_before_calling() -> None:
    res = boto({"AWS_PROFILE": "nope"}, **FILES)
    assert res.invocations == () and "AWS_PROFILE_NOT_FOUND" in codes(res)


def test_aws_cli_v2_reads_aws_region_v1_does_not() -> None:
    env = {"AWS_REGION": "eu-north-1", "AWS_DEFAULT_REGION": "eu-west-1"}
    assert boto(env, kind="aws-cli", version="2.15.0").region == "eu-north-1"
    assert boto(env, kind="aws-cli", version="1.33.0").region == "eu-west-1"
    assert boto(env, kind="boto3").region == "eu-west-1"
    assert "AWSCLI_BEARER_UNCERTAIN" in codes(
        boto({**env, "AWS_BEARER_TOKEN_BEDROCK": SHORT_EU}, kind="aws-cli", version="2.15.0")
    )


# --- LiteLLM (§5.1) -----------------------------------------------------------------------------------


def litellm(env: dict[str, str] | None = None, /, **extra: Any) -> Any:
    return run({"kind": "litellm", "env": env or {}, **extra})


def test_proxy_config() -> None:
    env = {"BEDROCK_REGION": "eu-west-1", "TEAM_AWS_KEY_ID": AKIA_ID, "TEAM_AWS_SECRET": "s" * 40}
    res = litellm(env, version="1.109.1", settings_files=["litellm/config.yaml"], **FILES)
    roles = by_role(res)
    assert set(roles) == {
        "claude-sonnet-eu",
        "claude-us-copy",
        "opus-aip",
        "titan-embed",
    }  # gpt is not Bedrock
    assert roles["claude-sonnet-eu"] == (SONNET_EU, "eu-west-1")
    # §5.1 #3: a us. model in an eu-west-1 entry
    assert roles["claude-us-copy"] == ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "eu-west-1")
    assert "litellm claude-us-copy" in find(res, "PROFILE_GEO_MISMATCH")[0].invocations
    assert inv(res, "claude-us-copy").origin["region"].endswith("→ scenario.yaml client.env BEDROCK_REGION")
    # the ARN's Region beats AWS_REGION_NAME from environment_variables
    assert roles["opus-aip"][1] == "eu-central-1"
    assert roles["titan-embed"] == ("amazon.titan-embed-text-v2:0", "eu-west-1")
    assert (
        inv(res, "titan-embed").origin["region"]
        == "litellm/config.yaml environment_variables.AWS_REGION_NAME"
    )
    assert inv(res, "titan-embed").operation == "InvokeModel"
    assert inv(res, "claude-sonnet-eu").operation == "ConverseStream"
    assert "MIXED_GEOGRAPHIES" in codes(res)


def test_unset_env_reference() -> None:
    res = litellm({}, settings_files=["litellm/config.yaml"])
    assert "os.environ/BEDROCK_REGION" in find(res, "LITELLM_ENV_REFERENCE_UNSET")[0].message
    assert inv(res, "claude-us-copy").region == "eu-west-1"  # falls to AWS_REGION_NAME


def test_no_region_is_us_west_2() -> None:
    # §5.1 #1
    res = litellm(settings={"model": "bedrock/anthropic.claude-3-haiku-20240307-v1:0"})
    assert by_role(res)["main"] == ("anthropic.claude-3-haiku-20240307-v1:0", "us-west-2")
    assert "us-west-2" in find(res, "REGION_DEFAULTED")[0].message
    assert inv(res, "main").operation == "Converse"


def test_region_name_overrides_aws_region() -> None:
    # §5.1 #2
    res = litellm(
        {"AWS_REGION_NAME": "us-east-1", "AWS_REGION": "eu-west-1"},
        settings={"model": "bedrock/converse/eu.anthropic.claude-sonnet-4-5-20250929-v1:0"},
    )
    assert inv(res, "main").region == "us-east-1"
    assert {"LITELLM_REGION_NAME_OVERRIDES", "PROFILE_GEO_MISMATCH"} <= codes(res)


def test_region_in_path_model_id_and_endpoint() -> None:
    res = litellm(
        settings={
            "model": "bedrock/us-gov-west-1/us-gov.anthropic.claude-3-haiku",
            "aws_bedrock_runtime_endpoint": "https://vpce-1-a.bedrock-runtime.us-gov-west-1.vpce.amazonaws.com",
        }
    )
    assert by_role(res)["main"] == ("us-gov.anthropic.claude-3-haiku", "us-gov-west-1")
    assert "VPC_ENDPOINT" in codes(res)
    aip = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/x1"
    mid = litellm(
        settings={
            "model": "bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0",
            "model_id": aip,
            "aws_region_name": "us-east-1",
        }
    )
    assert inv(mid, "main").model == aip


def test_api_key_that_is_not_a_bedrock_key() -> None:
    res = litellm(
        settings={
            "model": "bedrock/eu.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "aws_region_name": "eu-west-1",
            "api_key": "sk-proxy-master-key-0000000000",
        }
    )
    assert "LITELLM_API_KEY_NOT_BEDROCK" in codes(res) and inv(res, "main").auth == "bearer-long-term"


def test_prefix_bug_on_old_versions() -> None:
    # S16: "Unknown provider=us" on the invoke route of older releases
    settings = {
        "model": "bedrock/us.anthropic.claude-3-7-sonnet-20250219-v1:0",
        "aws_region_name": "us-east-1",
    }
    old = litellm(settings=settings, version="1.60.0")
    assert inv(old, "main").operation == "InvokeModel"
    assert "LITELLM_PREFIX_PROVIDER_BUG" in codes(old)
    new = litellm(settings=settings, version="1.109.1")
    assert inv(new, "main").operation == "Converse"
    assert "LITELLM_PREFIX_PROVIDER_BUG" not in codes(new)


def test_application_profile_arn_on_invoke_route() -> None:
    # S15 / #18258
    res = litellm(
        settings={
            "model": "bedrock/invoke/arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/x1"
        }
    )
    assert inv(res, "main").region == "us-east-1"
    assert "LITELLM_ARN_NEEDS_CONVERSE" in codes(res)


def test_litellm_profile_chain() -> None:
    res = litellm(
        {"AWS_PROFILE": "dev"},
        settings={"model": "bedrock/eu.anthropic.claude-sonnet-4-5-20250929-v1:0"},
        **FILES,
    )
    assert inv(res, "main").region == "eu-west-1"
    assert res.principal_hints["aws_profile"] == "dev"
    named = litellm(
        {"AWS_PROFILE_NAME": "assume"},
        settings={"model": "bedrock/x.y", "aws_region_name": "eu-west-3"},
        **FILES,
    )
    assert named.principal_hints["role_arn"].endswith(":role/BedrockRuntime")


def test_malformed_litellm_yaml() -> None:
    with pytest.raises(InputError) as err:
        litellm(settings_files=["litellm/bad.yaml"])
    assert err.value.source == "litellm/bad.yaml" and err.value.line is not None


# --- AnthropicBedrock (§10) ---------------------------------------------------------------------------


def anthropic(env: dict[str, str], settings: dict[str, Any], version: str = "2.12.0", /, **extra: Any) -> Any:
    return run(
        {
            "kind": "anthropic-sdk",
            "env": env,
            "settings": {"model": SONNET_EU, **settings},
            "version": version,
            **extra,
        }
    )


def test_old_sdk_ignores_aws_profile_for_region() -> None:
    # §10 #1: aws_profile="dev" (eu-west-1) on <= 0.125 → Region from the default profile (us-east-1).
    old = anthropic({}, {"aws_profile": "dev"}, "0.125.0", **FILES)
    assert inv(old, "main").region == "us-east-1"
    assert "ANTHROPIC_SDK_PROFILE_REGION_IGNORED" in codes(old)
    new = anthropic({}, {"aws_profile": "dev"}, **FILES)
    assert inv(new, "main").region == "eu-west-1"


def test_exported_region_overrides_profile() -> None:
    # §10 #2
    for version in ("0.125.0", "2.12.0"):
        res = anthropic({"AWS_REGION": "us-east-1"}, {"aws_profile": "dev"}, version, **FILES)
        assert inv(res, "main").region == "us-east-1"
        assert "ENV_REGION_OVERRIDES_PROFILE" in codes(res)


def test_bearer_from_other_region() -> None:
    # §10 #3
    res = anthropic({"AWS_BEARER_TOKEN_BEDROCK": SHORT_EU}, {"aws_region": "us-east-1"})
    assert inv(res, "main").auth == "bearer-short-term" and "BEARER_REGION_MISMATCH" in codes(res)
    clash = anthropic({}, {"api_key": SHORT_EU, "aws_profile": "dev", "aws_region": "eu-west-1"})
    assert clash.invocations == () and "ANTHROPIC_SDK_BEARER_WITH_AWS_ARGS" in codes(clash)


def test_sdk_region_fallbacks_and_options() -> None:
    assert "NO_REGION" in codes(anthropic({}, {}))
    old = anthropic({}, {}, "0.125.0")
    assert inv(old, "main").region == "us-east-1" and "REGION_DEFAULTED" in codes(old)
    streamed = anthropic(
        {"ANTHROPIC_BEDROCK_BASE_URL": "https://gw.example.com"}, {"aws_region": "eu-west-1", "stream": True}
    )
    main = inv(streamed, "main")
    assert (main.operation, main.endpoint) == ("InvokeModelWithResponseStream", "https://gw.example.com")


# --- Continue (§4) ------------------------------------------------------------------------------------


def test_continue_yaml() -> None:
    res = run({"kind": "continue", "settings_files": ["continue/config.yaml"], **FILES})
    chat = next(i for i in res.invocations if i.role == "chat,edit,apply")
    assert (chat.model, chat.region, chat.operation) == (SONNET_EU, "eu-west-1", "ConverseStream")
    embed = next(i for i in res.invocations if i.role == "embed")
    # §4 #1: the embed model omits region → us-east-1; InvokeModel without apiBase
    assert (embed.region, embed.operation, embed.endpoint) == ("us-east-1", "InvokeModel", None)
    assert "continue Titan embed (embed)" in find(res, "ROLE_REGION_DIFFERS")[0].invocations
    auto = next(i for i in res.invocations if i.role == "autocomplete")
    assert (
        "continue Autocomplete (autocomplete)" in find(res, "PROFILE_GEO_MISMATCH")[0].invocations
    )  # §4 #1 (us. in EU)
    assert "CONTINUE_TEMP_KEYS_NO_TOKEN" in codes(res)  # §4 #4
    assert "ASIA" in auto.origin["auth"]
    assert {i.role for i in res.invocations} == {"chat,edit,apply", "embed", "autocomplete"}  # ollama skipped


def test_continue_json_missing_profile_and_bare_id() -> None:
    res = run({"kind": "continue", "settings_files": ["continue/config.json"], **FILES})
    main = res.invocations[0]
    assert (main.model, main.region, main.role) == (
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        "us-west-2",
        "chat,edit,apply,summarize",
    )
    assert "missing-profile" in find(res, "CONTINUE_PROFILE_MISSING")[0].message  # §4 #2
    assert "BARE_MODEL_ID" in codes(res)  # §4 #3


def test_continue_undefined_endpoint_and_api_key() -> None:
    model = {"name": "c", "provider": "bedrock", "model": SONNET_EU, "apiKey": SHORT_EU}
    res = run({"kind": "continue", "settings": {"models": [model]}})
    main = res.invocations[0]
    assert main.endpoint == "https://bedrock-runtime.undefined.amazonaws.com" and main.region == "us-east-1"
    assert {"CONTINUE_UNDEFINED_ENDPOINT", "REGION_DEFAULTED"} <= codes(res)
    assert main.auth == "bearer-short-term"
