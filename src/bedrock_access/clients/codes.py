"""Catalogue of configuration finding codes: stable names, default severity, one-line meaning.

Codes without a client prefix can come from any reader; ``CC_`` is Claude Code, ``CLINE_`` Cline,
``ROO_`` Roo Code, ``LITELLM_`` LiteLLM, ``CONTINUE_`` Continue, ``ANTHROPIC_SDK_`` AnthropicBedrock,
``BOTO3_``/``AWSCLI_`` boto3 and the AWS CLI.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from bedrock_access.clients.interface import Severity

VerdictEffect = Literal["credentials-rejected", "fails-before-request"]
"""What an error finding does to a call that IAM would allow: AWS rejects the request's credentials
before evaluating any policy (HTTP 403), or the client fails before it sends the request."""

REJECTED: VerdictEffect = "credentials-rejected"
FAILS_FIRST: VerdictEffect = "fails-before-request"

# code -> (default severity, one-line meaning[, effect on the verdict of the calls it names]).
_CODES: dict[str, tuple[Severity, str] | tuple[Severity, str, VerdictEffect]] = {
    # --- any client -----------------------------------------------------------------------------
    "VERSION_UNKNOWN": (
        "info",
        "Client version unknown or unparsable; the newest modelled behaviour is assumed.",
    ),
    "BEDROCK_NOT_SELECTED": (
        "info",
        "The client is configured but does not use Amazon Bedrock as its provider.",
    ),
    "NO_MODEL_CONFIGURED": (
        "info",
        "The client has no model of its own; only session region and credentials are known.",
    ),
    "NO_REGION": (
        "error",
        "No Region can be resolved: the client fails before calling Bedrock.",
        FAILS_FIRST,
    ),
    "REGION_DEFAULTED": (
        "warning",
        "No Region configured: the client falls back to its hard-coded default Region.",
    ),
    "REGION_INVALID_IGNORED": (
        "warning",
        "A Region value that is not shaped like a Region is ignored by the client.",
    ),
    "ENV_REGION_OVERRIDES_PROFILE": (
        "warning",
        "A Region environment variable overrides the region of the chosen AWS profile.",
    ),
    "AWS_PROFILE_NOT_FOUND": (
        "error",
        "The selected AWS profile is in neither ~/.aws/config nor ~/.aws/credentials.",
        FAILS_FIRST,
    ),
    "ENV_KEYS_AND_PROFILE": (
        "warning",
        "Static keys in the environment and an AWS profile are both set: two identities compete.",
    ),
    "PROFILE_SHARED_WITH_AGENT": (
        "info",
        "The agent's own AWS commands run with the same profile as its Bedrock calls.",
    ),
    "BEARER_REGION_MISMATCH": (
        "error",
        "A short-term Bedrock API key is used in a Region other than the one it was generated in.",
        REJECTED,
    ),
    "BEARER_MULTI_REGION": (
        "warning",
        "One bearer token is used in several Regions; short-term keys work in one Region only.",
    ),
    "BEARER_TYPE_UNKNOWN": (
        "info",
        "The bearer token is neither a short-term nor a long-term Bedrock API key by its shape.",
    ),
    "BEARER_OVERRIDES_CREDENTIALS": (
        "warning",
        "A Bedrock API key silently replaces the profile or key credentials also configured.",
    ),
    "BEARER_TOKEN_MISSING": (
        "error",
        "API-key authentication is selected but no key is configured.",
        REJECTED,
    ),
    "LONG_TERM_KEY_IN_FILE": (
        "warning",
        "A long-term credential (AKIA access key or ABSK API key) is written in a settings file.",
    ),
    "CREDENTIALS_IN_FILE": (
        "info",
        "Temporary credentials are written in a settings file; they will expire there.",
    ),
    "CUSTOM_ENDPOINT": (
        "info",
        "Calls go to a custom endpoint URL, not the regional bedrock-runtime endpoint.",
    ),
    "VPC_ENDPOINT": (
        "info",
        "Calls go through an interface VPC endpoint: aws:SourceIp is absent, aws:SourceVpce is set.",
    ),
    "ENDPOINT_REGION_MISMATCH": (
        "error",
        "The endpoint URL names a different Region from the one requests are signed for.",
        REJECTED,
    ),
    "FIPS_ENDPOINT": (
        "info",
        "A FIPS or dual-stack endpoint is used; FIPS endpoints exist only in some Regions.",
    ),
    "PROFILE_GEO_MISMATCH": (
        "error",
        "An inference-profile prefix is called from a source Region outside its geography (400).",
    ),
    "PROFILE_PREFIX_UNKNOWN": (
        "error",
        "The model id carries a prefix that is not an AWS inference-profile prefix (400).",
    ),
    "PROFILE_AVAILABILITY_UNKNOWN": (
        "info",
        "The client derived a sparse profile prefix (jp./au./ca./apac.); whether the model has it needs the catalogue.",
    ),
    "BARE_MODEL_ID": (
        "warning",
        "A bare foundation-model id is sent; profile-only models fail with the on-demand ValidationException.",
    ),
    "ANTHROPIC_FORMAT_ID": (
        "error",
        "An Anthropic API model id (claude-…) reaches Bedrock unchanged (400 invalid identifier).",
    ),
    "ARN_REGION_MISMATCH": ("error", "A model ARN names a Region other than the one the request is sent to."),
    "MIXED_GEOGRAPHIES": (
        "warning",
        "The client's calls use different profile geographies; policies must allow all of them.",
    ),
    "ROLE_REGION_DIFFERS": ("warning", "Some calls go to a different Region from the main calls."),
    "MODEL_ID_REWRITTEN": (
        "info",
        "The client sends a different model id from the one configured (prefix added or removed).",
    ),
    # --- Claude Code ----------------------------------------------------------------------------
    "CC_USE_BEDROCK_ANY_STRING": (
        "warning",
        "Before 1.0.124 any non-empty CLAUDE_CODE_USE_BEDROCK (even 0/false) enables Bedrock.",
    ),
    "CC_AWS_CONFIG_REGION_IGNORED": (
        "warning",
        "Claude Code before 2.1.172 ignores the ~/.aws profile region and uses us-east-1.",
    ),
    "CC_SMALL_FAST_REGION_NO_EFFECT": (
        "warning",
        "ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION is set but has no effect in this configuration.",
    ),
    "CC_SUBAGENT_GEO_BUG": (
        "error",
        "Before 2.1.0 subagents did not inherit EU/APAC profile configuration (us. used instead).",
    ),
    "CC_EXPLORE_USES_HAIKU": (
        "info",
        "Before 2.1.198 the Explore subagent ran on the Haiku model, not the main model.",
    ),
    "CC_LEGACY_BUILTIN_PREFIX": (
        "warning",
        "Before 2.1.128 built-in model ids used us./global. whatever the Region.",
    ),
    "CC_GOVCLOUD_GLOBAL_PREFIX": (
        "error",
        "Before 2.1.174 GovCloud Regions derived the global. prefix for built-in ids.",
    ),
    "CC_VARIABLE_NOT_SUPPORTED": (
        "warning",
        "This Claude Code version does not read the variable or value set.",
    ),
    "CC_REGION_PREFIX_INVALID": (
        "warning",
        "ANTHROPIC_BEDROCK_REGION_PREFIX has an invalid value; the Region-derived prefix is used.",
    ),
    "CC_REGION_PREFIX_IGNORED_GOVCLOUD": (
        "info",
        "ANTHROPIC_BEDROCK_REGION_PREFIX is ignored in GovCloud (us-gov. is forced).",
    ),
    "CC_BUILTIN_DEFAULT": (
        "info",
        "An unpinned built-in default model is used; it changes with Claude Code versions.",
    ),
    "CC_BUILTIN_ID_UNCERTAIN": (
        "info",
        "The built-in id for this version is not documented precisely; the result is uncertain.",
    ),
    "CC_ALIAS_UNRESOLVED": (
        "warning",
        "A model alias has no known built-in Bedrock id and no ANTHROPIC_DEFAULT_*_MODEL pin.",
    ),
    "CC_SUBAGENT_INHERIT_UNSUPPORTED": (
        "warning",
        "CLAUDE_CODE_SUBAGENT_MODEL=inherit is only understood from 2.1.196.",
    ),
    "CC_AUTH_HEADER_BREAKS_SIGV4": (
        "error",
        "Before 2.1.101 an Authorization header from custom headers/auth token broke SigV4 (403).",
        REJECTED,
    ),
    "CC_BEARER_AUTH_HEADER_MISSING": (
        "error",
        "2.1.94–2.1.95 sent bearer/unsigned requests without an Authorization header (403).",
        REJECTED,
    ),
    "CC_BEARER_EMPTY_STRING": (
        "error",
        "Before 2.1.97 an empty AWS_BEARER_TOKEN_BEDROCK counted as set (empty bearer token).",
        REJECTED,
    ),
    "CC_SSO_REGION_BUG": (
        "error",
        "2.1.207 used the Bedrock Region for IAM Identity Center calls (fixed in 2.1.208).",
    ),
    "CC_PROMPT_CACHING_1H_400": (
        "warning",
        "Before 2.1.132 ENABLE_PROMPT_CACHING_1H caused Bedrock 400s (not an IAM problem).",
    ),
    "CC_MANTLE_NOT_MODELLED": (
        "info",
        "Bedrock Mantle (bedrock-mantle endpoint) calls are not modelled as invocations.",
    ),
    "CC_PROVIDER_MANAGED_BY_HOST": (
        "info",
        "CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST: provider/endpoint settings from files are ignored.",
    ),
    "CC_SETTINGS_OVERRIDE_SHELL": (
        "warning",
        "A settings file env block replaces a different value exported in the shell.",
    ),
    "CC_PROJECT_SETTINGS_AWS": (
        "info",
        "A project .claude/settings.json sets AWS Region/profile for everyone opening the repository.",
    ),
    "CC_CREDENTIAL_EXPORT": (
        "info",
        "awsCredentialExport supplies the Bedrock credentials; they may belong to another account.",
    ),
    "CC_SKIP_BEDROCK_AUTH": (
        "info",
        "Requests are sent unsigned to a gateway that signs them with its own identity.",
    ),
    "CC_SKIP_AUTH_WITHOUT_GATEWAY": (
        "error",
        "CLAUDE_CODE_SKIP_BEDROCK_AUTH without ANTHROPIC_BEDROCK_BASE_URL: unsigned calls to AWS (403).",
        REJECTED,
    ),
    # --- Cline / Roo Code -------------------------------------------------------------------------
    "CLINE_GLOBAL_NEEDS_CROSS_REGION": (
        "info",
        "awsUseGlobalInference has no effect unless cross-Region inference is also on.",
    ),
    "CLINE_STALE_PROVIDERS_JSON": (
        "warning",
        "Cline 4.1 providers.json disagrees with the extension state and wins.",
    ),
    "CLINE_JP_NOT_SUPPORTED": ("warning", "Cline before JP profile support sends apac. from Tokyo/Osaka."),
    "ROO_ARN_REGION_OVERRIDE": ("warning", "The custom ARN's Region replaces awsRegion for every request."),
    "ROO_ENDPOINT_DISABLED": (
        "info",
        "awsBedrockEndpoint is set but awsBedrockEndpointEnabled is off, so it is not used.",
    ),
    # --- LiteLLM --------------------------------------------------------------------------------
    "LITELLM_REGION_NAME_OVERRIDES": (
        "warning",
        "AWS_REGION_NAME (LiteLLM-specific) overrides a different AWS_REGION.",
    ),
    "LITELLM_PREFIX_PROVIDER_BUG": (
        "warning",
        "Older LiteLLM fails on profile-prefixed ids on the invoke route ('Unknown provider=us').",
    ),
    "LITELLM_ARN_NEEDS_CONVERSE": (
        "warning",
        "Application inference profile ARNs need the bedrock/converse/ route on older LiteLLM.",
    ),
    "LITELLM_API_KEY_NOT_BEDROCK": (
        "warning",
        "api_key is set but is not a Bedrock API key: the AWS credential chain is bypassed.",
    ),
    "LITELLM_ENV_REFERENCE_UNSET": ("warning", "An os.environ/NAME reference points at an unset variable."),
    # --- Continue -------------------------------------------------------------------------------
    "CONTINUE_UNDEFINED_ENDPOINT": (
        "error",
        "No env.region: chat calls go to bedrock-runtime.undefined.amazonaws.com (DNS failure).",
        FAILS_FIRST,
    ),
    "CONTINUE_PROFILE_MISSING": (
        "warning",
        "The Continue profile is not in the AWS files: it silently falls back to the default chain.",
    ),
    "CONTINUE_TEMP_KEYS_NO_TOKEN": (
        "error",
        "Temporary (ASIA) keys without a session token cannot be configured in Continue (403).",
        REJECTED,
    ),
    # --- AnthropicBedrock -----------------------------------------------------------------------
    "ANTHROPIC_SDK_PROFILE_REGION_IGNORED": (
        "warning",
        "anthropic <= 0.125 ignores aws_profile when choosing the Region.",
    ),
    "ANTHROPIC_SDK_BEARER_WITH_AWS_ARGS": (
        "error",
        "An API key together with aws_* arguments makes AnthropicBedrock raise.",
        FAILS_FIRST,
    ),
    # --- boto3 / AWS CLI ------------------------------------------------------------------------
    "BOTO3_AWS_REGION_IGNORED": (
        "warning",
        "AWS_REGION is set but botocore ignores it (it reads AWS_DEFAULT_REGION).",
    ),
    "AWSCLI_BEARER_UNCERTAIN": (
        "info",
        "Whether the AWS CLI uses AWS_BEARER_TOKEN_BEDROCK instead of SigV4 is uncertain.",
    ),
}

CODES: Mapping[str, tuple[Severity, str]] = MappingProxyType({code: row[:2] for code, row in _CODES.items()})

EFFECTS: Mapping[str, VerdictEffect] = MappingProxyType(
    {code: row[2] for code, row in _CODES.items() if len(row) == 3}
)
"""The codes whose error findings decide a call's verdict outside IAM, and how."""


def effect_of(code: str) -> VerdictEffect | None:
    """How an error finding with ``code`` decides the calls it names, or None when it does not."""
    return EFFECTS.get(code)


def severity_of(code: str) -> Severity:
    return CODES[code][0]
