"""Cline (VS Code extension, JetBrains, CLI) on Amazon Bedrock: clients.md §2.

Two generations:

* legacy ≤ 4.0.x: ``awsRegion`` (default us-east-1); the model prefix from ``getModelId()`` when
  ``awsUseCrossRegionInference`` is on (``global.`` first when ``awsUseGlobalInference`` and the model
  supports it; then ``us-``/``eu-``/``ap-`` by the first three letters of the Region, ``jp.`` for the JP
  list in *any* ``ap-`` Region); custom models verbatim; ConverseStream.
* SDK 4.1.x: request Region = settings region ‖ ``AWS_REGION`` (else "AWS region setting is missing");
  prefix Region also falls back to ``AWS_DEFAULT_REGION``; ``resolveBedrockModelId`` (prefixed ids and
  ARNs verbatim, profile-only models prefixed even with the toggle off); ``providers.json`` values win.

Inputs are the stored-state keys (``awsRegion``, ``actModeApiModelId``…) from ``globalState.json``,
``secrets.json`` or a scenario, and/or a 4.1 ``providers.json`` document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bedrock_access.bedrock.invocation import Invocation, Operation
from bedrock_access.clients._common import (
    Credentials,
    Reader,
    ReaderState,
    VersionInfo,
    bearer_credentials,
    bearer_type_findings,
    common_checks,
    env_key_credentials,
    file_secret_findings,
    finalize,
    finding,
    get_map,
    js_default_chain_credentials,
    make_invocation,
    profile_credentials,
    profile_missing_findings,
    settings_key_credentials,
    sourced_flag,
    valid_region,
    vtext,
)
from bedrock_access.clients._version import v
from bedrock_access.clients.aws_config import Sourced
from bedrock_access.clients.interface import ClientConfig, ClientResolution, ConfigFinding, SettingsLayer
from bedrock_access.errors import InputError
from bedrock_access.redact import echo

KIND = "cline"
CLIENT = "Cline"
CURRENT = "4.1.13"
SDK_SINCE = v("4.1.0")
# PR #6666 (2025-10-07) added the jp. mapping; the release that shipped it is not pinned down (uncertain).
JP_SINCE = v("3.33.0")
DEFAULT_MODEL = "anthropic.claude-sonnet-5"  # legacy 4.0.12 bedrockDefaultModelId
ONE_M_SUFFIX = ":1m"
SCOPES = ("config", "state", "secrets", "workspace", "providers")

JP_MODELS = frozenset(
    {
        "anthropic.claude-sonnet-5",
        "anthropic.claude-sonnet-5:1m",
        "anthropic.claude-sonnet-4-6",
        "anthropic.claude-sonnet-4-6:1m",
        "anthropic.claude-opus-4-6-v1",
        "anthropic.claude-opus-4-6-v1:1m",
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        "anthropic.claude-sonnet-4-5-20250929-v1:0:1m",
        "anthropic.claude-haiku-4-5-20251001-v1:0",
    }
)
_GLOBAL_RE = re.compile(
    r"^(anthropic\.claude-(sonnet-(4|5)|haiku-4-5|opus-(4-[5-8]|5)|fable-5)|amazon\.nova-2-lite)"
)
# Models assumed to have an au. profile when the SDK checks its catalogue (OpenCode's list; uncertain).
_AU_RE = re.compile(r"^anthropic\.claude-(sonnet-4-5|haiku)")
# Cline's own behaviour, not AWS's prefix table (that is the catalog's): the SDK passes ids with these
# prefixes through verbatim (clients.md §2.2), so it adds a prefix to an in. id and keeps a sa. one.
_SDK_PREFIXED_RE = re.compile(r"^(us|us-gov|eu|apac|jp|au|ca|sa|global)\.")
_SDK_PROFILE_REQUIRED_RE = re.compile(
    r"^(anthropic\.claude-(opus|sonnet|haiku|fable)-|anthropic\.claude-3-7|amazon\.nova-(2|micro|lite|pro|premier)"
    r"|deepseek\.|meta\.llama3-[23]|meta\.llama4|mistral\.pixtral-large)"
)

# providers.json settings → legacy state keys
_PROVIDER_AWS_KEYS = {
    "authentication": "awsAuthentication",
    "profile": "awsProfile",
    "accessKey": "awsAccessKey",
    "secretKey": "awsSecretKey",
    "sessionToken": "awsSessionToken",
    "useCrossRegionInference": "awsUseCrossRegionInference",
    "useGlobalInference": "awsUseGlobalInference",
    "endpoint": "awsBedrockEndpoint",
    "region": "awsRegion",
    "usePromptCache": "awsBedrockUsePromptCache",
}


@dataclass
class _State:
    """Merged stored state: key → (value, origin)."""

    values: dict[str, tuple[Any, str]]

    def text(self, key: str) -> Sourced | None:
        found = self.values.get(key)
        if found is None:
            return None
        value, origin = found
        if value is None or isinstance(value, bool) or not isinstance(value, str | int | float):
            return None
        text = str(value).strip()
        return Sourced(text, origin) if text else None

    def flag(self, key: str) -> bool:
        found = self.values.get(key)
        return bool(found and found[0] is True)


def _origin(layer: SettingsLayer, key: str) -> str:
    return f"Cline {layer.scope} {key} ({layer.source})"


def _state_from_layers(config: ClientConfig, findings: list[ConfigFinding]) -> tuple[_State, bool]:
    """Stored-state keys from the state/secrets/inline layers, then a 4.1 providers.json on top (it wins).
    Returns the state and whether a providers.json Bedrock entry was found."""
    values: dict[str, tuple[Any, str]] = {}
    providers_found = False
    for layer in config.settings:
        if layer.scope == "providers" or "providers" in layer.data or layer.data.get("provider") == "bedrock":
            continue
        for key, value in layer.data.items():
            values.setdefault(str(key), (value, _origin(layer, str(key))))
    for layer in config.settings:
        settings = _bedrock_provider_settings(layer)
        if settings is None:
            if layer.scope == "providers":
                last = layer.data.get("lastUsedProvider")
                if last is not None and last != "bedrock":
                    findings.append(
                        finding(
                            "BEDROCK_NOT_SELECTED",
                            f"{layer.source}: the last used provider is {last!r}, and no Bedrock entry exists.",
                            origin=f"{layer.source} lastUsedProvider",
                        )
                    )
            continue
        providers_found = True
        converted = _convert_provider_settings(settings, layer)
        for key, (value, origin) in converted.items():
            previous = values.get(key)
            if (
                previous is not None
                and key in ("awsRegion", "awsAuthentication", "awsProfile")
                and previous[0] not in (None, "")
                and previous[0] != value
            ):
                findings.append(
                    finding(
                        "CLINE_STALE_PROVIDERS_JSON",
                        f"{origin}={echo(str(value))} disagrees with {previous[1]}={echo(str(previous[0]))}; in Cline 4.1 the "
                        "providers.json value wins (a stale entry left by the upgrade gives the wrong Region or "
                        "credentials).",
                        hint="Re-save the Bedrock settings in Cline so providers.json is rewritten, or fix the file.",
                        origin=origin,
                    )
                )
            values[key] = (value, origin)
    return _State(values), providers_found


def _bedrock_provider_settings(layer: SettingsLayer) -> Mapping[str, Any] | None:
    data = layer.data
    if data.get("provider") == "bedrock":
        return data
    providers = get_map(data, "providers", layer.source)
    if providers is None:
        return None
    entry = providers.get("bedrock")
    if not isinstance(entry, Mapping):
        return None
    settings = entry.get("settings", entry)
    return settings if isinstance(settings, Mapping) else None


def _convert_provider_settings(
    settings: Mapping[str, Any], layer: SettingsLayer
) -> dict[str, tuple[Any, str]]:
    where = f"Cline providers.json ({layer.source})"
    out: dict[str, tuple[Any, str]] = {}
    aws = get_map(settings, "aws", layer.source, field_prefix="providers.bedrock.settings.") or {}
    for key, target in _PROVIDER_AWS_KEYS.items():
        if key in aws and aws[key] is not None:
            out[target] = (aws[key], f"{where} aws.{key}")
    for key in ("useCrossRegionInference", "useGlobalInference"):
        if key in settings and settings[key] is not None:
            out[_PROVIDER_AWS_KEYS[key]] = (settings[key], f"{where} {key}")
    if settings.get("region"):
        out["awsRegion"] = (settings["region"], f"{where} region")
    if settings.get("apiKey"):
        out["awsBedrockApiKey"] = (settings["apiKey"], f"{where} apiKey")
    if settings.get("model"):
        out["providersJsonModel"] = (settings["model"], f"{where} model")
    if aws.get("customModelBaseId"):
        out["providersJsonCustomBase"] = (aws["customModelBaseId"], f"{where} aws.customModelBaseId")
    return out


def _is_sdk(ver: VersionInfo) -> bool:
    return ver.at_least(SDK_SINCE)


class _Cline(ReaderState):
    def __init__(self, config: ClientConfig) -> None:
        super().__init__(config, CLIENT, CURRENT)
        for layer in config.settings:
            if layer.scope not in SCOPES:
                raise InputError(
                    f"unknown Cline settings scope {layer.scope!r}", source=layer.source, field="scope"
                )
        self.state, self.providers_json = _state_from_layers(config, self.findings)
        self.sdk = _is_sdk(self.ver)

    def bool_setting(self, key: str) -> bool:
        return sourced_flag(self.state.values, key)

    # -- region -----------------------------------------------------------------------------------

    def regions(self) -> tuple[Sourced | None, Sourced | None]:
        """(request Region, Region used to derive the prefix)."""
        settings_region = valid_region(self.state.text("awsRegion"), self.findings, CLIENT)
        if not self.sdk:
            if settings_region is None:
                default = Sourced("us-east-1", f"Cline default Region (awsRegion empty, {vtext(self.ver)})")
                self.findings.append(
                    finding(
                        "REGION_DEFAULTED",
                        "awsRegion is empty: legacy Cline sends every request to us-east-1.",
                        hint="Set the AWS Region in Cline's Bedrock settings.",
                        origin="Cline awsRegion",
                    )
                )
                return default, default
            return settings_region, settings_region
        env_region = valid_region(self.env.get("AWS_REGION"), self.findings, CLIENT)
        request = settings_region or env_region
        prefix_region = request or valid_region(self.env.get("AWS_DEFAULT_REGION"), self.findings, CLIENT)
        if request is None:
            extra = (
                f" The prefix would still be derived from {prefix_region.origin}={prefix_region.value}."
                if prefix_region is not None
                else ""
            )
            self.findings.append(
                finding(
                    "NO_REGION",
                    "Cline 4.1 has no Region (settings region, then AWS_REGION): the request throws 'AWS region "
                    "setting is missing'. AWS_DEFAULT_REGION is not used for the request." + extra,
                    hint="Set the Region in Cline's Bedrock settings or export AWS_REGION.",
                    origin=prefix_region.origin if prefix_region else "Cline awsRegion",
                )
            )
        return request, prefix_region

    # -- model ids --------------------------------------------------------------------------------

    def mode_model(self, mode: str) -> tuple[Sourced, bool] | None:
        """(configured model, custom flag) for a mode, or None if that mode uses another provider."""
        provider = self.state.text(f"{mode}ModeApiProvider") or self.state.text("apiProvider")
        if provider is not None and provider.value != "bedrock":
            return None
        model = (
            self.state.text(f"{mode}ModeApiModelId")
            or self.state.text("apiModelId")
            or self.state.text("providersJsonModel")
            or Sourced(
                DEFAULT_MODEL,
                f"Cline default model ({DEFAULT_MODEL}, legacy 4.0.12; uncertain for other versions)",
            )
        )
        custom = self.bool_setting(f"{mode}ModeAwsBedrockCustomSelected") or self.bool_setting(
            "awsBedrockCustomSelected"
        )
        return model, custom

    def legacy_model_id(self, model: Sourced, custom: bool, region: Sourced) -> Sourced:
        cross = self.bool_setting("awsUseCrossRegionInference")
        use_global = self.bool_setting("awsUseGlobalInference")
        if use_global and not cross:
            self.findings.append(
                finding(
                    "CLINE_GLOBAL_NEEDS_CROSS_REGION",
                    "awsUseGlobalInference is on but awsUseCrossRegionInference is off: legacy Cline sends the bare id.",
                    origin="Cline awsUseGlobalInference",
                )
            )
        base = model.value
        if custom:
            result = Sourced(base, f"{model.origin} (custom model, sent verbatim)")
        elif not cross:
            result = Sourced(base, f"{model.origin} (cross-Region inference off: bare id)")
        elif use_global and _GLOBAL_RE.match(base):
            result = Sourced(f"global.{base}", f"{model.origin} (global. from awsUseGlobalInference)")
        else:
            head = region.value[:3]
            if head == "us-":
                prefix = "us"
            elif head == "eu-":
                prefix = "eu"
            elif head == "ap-":
                prefix = "apac"
                if base in JP_MODELS:
                    if self.ver.at_least(JP_SINCE):
                        prefix = "jp"
                    elif region.value in ("ap-northeast-1", "ap-northeast-3"):
                        self.findings.append(
                            finding(
                                "CLINE_JP_NOT_SUPPORTED",
                                f"Cline {vtext(self.ver)} predates the jp. mapping (PR #6666, 2025-10-07; release "
                                f"uncertain): {base} is sent as apac. from {region.value}, which fails if the model "
                                "has no apac. profile (400 invalid model identifier, cline/cline#7007).",
                                hint="Upgrade Cline, or pick a custom model with the jp. id.",
                                origin=model.origin,
                            )
                        )
            else:
                prefix = ""
            if prefix:
                result = Sourced(
                    f"{prefix}.{base}",
                    f"{model.origin} (prefix derived from the first letters of {region.value})",
                )
            else:
                result = Sourced(base, f"{model.origin} (no cross-Region prefix for {region.value}: bare id)")
        if result.value.endswith(ONE_M_SUFFIX):
            result = Sourced(result.value[: -len(ONE_M_SUFFIX)], result.origin + " (:1m stripped)")
        return result

    def sdk_model_id(self, model: Sourced, prefix_region: Sourced | None) -> Sourced:
        base = model.value
        cross = self.bool_setting("awsUseCrossRegionInference")
        use_global = self.bool_setting("awsUseGlobalInference")
        if base.startswith("arn:") or _SDK_PREFIXED_RE.match(base):
            return Sourced(base, f"{model.origin} (already a profile id or ARN: verbatim)")
        required = bool(_SDK_PROFILE_REQUIRED_RE.match(base))
        if not cross and not required:
            return Sourced(base, f"{model.origin} (cross-Region inference off: verbatim)")
        if cross and use_global and _GLOBAL_RE.match(base):
            return Sourced(f"global.{base}", f"{model.origin} (global. from useGlobalInference)")
        if use_global and not cross:
            self.findings.append(
                finding(
                    "CLINE_GLOBAL_NEEDS_CROSS_REGION",
                    "useGlobalInference is on but cross-Region inference is off: the global. profile is not used.",
                    origin="Cline awsUseGlobalInference",
                )
            )
        why = (
            "profile-only model, prefixed even with the toggle off"
            if not cross
            else "cross-Region inference on"
        )
        if prefix_region is None:
            return Sourced(base, f"{model.origin} (no Region to derive a prefix: bare id)")
        r = prefix_region.value
        # The SDK's own candidate prefixes per Region (clients.md §2.2), not AWS's geography: whether the
        # id exists there is the catalog's answer.
        if r.startswith("us-gov-"):
            candidates = ["us-gov"]
        elif r.startswith("us-"):
            candidates = ["us"]
        elif r.startswith("eu-"):
            candidates = ["eu"]
        elif r in ("ap-northeast-1", "ap-northeast-3"):
            candidates = ["jp", "apac"]
        elif r in ("ap-southeast-2", "ap-southeast-4"):
            candidates = ["au", "apac"]
        elif r.startswith("ap-"):
            candidates = ["apac"]
        else:
            candidates = []
        for prefix in candidates:
            present = (
                (prefix == "jp" and base in JP_MODELS)
                or (prefix == "au" and bool(_AU_RE.match(base)))
                or prefix not in ("jp", "au")
            )
            if present:
                return Sourced(
                    f"{prefix}.{base}",
                    f"{model.origin} ({why}; prefix derived from {prefix_region.origin}={r}; catalogue presence assumed)",
                )
        return Sourced(base, f"{model.origin} ({why}, but no prefix candidate for {r}: bare id)")

    # -- credentials ------------------------------------------------------------------------------

    def credentials(self) -> Credentials:
        auth_raw = self.state.text("awsAuthentication")
        auth = auth_raw.value if auth_raw else None
        api_key = self.state.text("awsBedrockApiKey")
        if self.sdk:
            if auth in ("apikey", "api-key", "profile", "iam"):
                mode = auth
            elif auth == "credentials":
                mode = "iam"
            elif self.bool_setting("awsUseProfile") or self.state.text("awsProfile") is not None:
                mode = "profile"
            else:
                mode = "iam"
        else:
            if auth == "apikey":
                mode = "apikey"
            elif (auth is None and self.bool_setting("awsUseProfile")) or auth == "profile":
                mode = "profile"
            else:
                mode = "iam"
        if mode in ("apikey", "api-key"):
            if api_key is None:
                self.findings.append(
                    finding(
                        "BEARER_TOKEN_MISSING",
                        "Cline is set to API-key authentication but awsBedrockApiKey is empty.",
                        hint="Paste the Bedrock API key in Cline's settings or switch the authentication mode.",
                        origin=auth_raw.origin if auth_raw else "Cline awsAuthentication",
                    )
                )
                return Credentials(
                    "bearer",
                    "Bedrock API key (missing)",
                    auth="bearer-long-term",
                    origin="Cline awsBedrockApiKey",
                )
            return bearer_credentials(api_key)
        env_bearer = self.env.get("AWS_BEARER_TOKEN_BEDROCK")
        if self.sdk and auth is None and env_bearer is not None:
            creds = bearer_credentials(env_bearer, extra=" (picked up because no authentication mode is set)")
            configured = [
                s.origin for s in (self.state.text("awsProfile"), self.state.text("awsAccessKey")) if s
            ]
            if configured:
                self.findings.append(
                    finding(
                        "BEARER_OVERRIDES_CREDENTIALS",
                        f"{env_bearer.origin} is used by Cline 4.1 instead of {', '.join(configured)}.",
                        hint="Set the authentication mode explicitly, or unset AWS_BEARER_TOKEN_BEDROCK.",
                        origin=env_bearer.origin,
                    )
                )
            return creds
        if mode == "profile":
            profile = (
                self.state.text("awsProfile")
                or self.env.get("AWS_PROFILE")
                or Sourced("default", "default profile")
            )
            self.findings.extend(profile_missing_findings(self.files, profile, CLIENT))
            return profile_credentials(self.files, profile.value, profile.origin, client=CLIENT)
        key = self.state.text("awsAccessKey")
        if key is not None:
            return settings_key_credentials(key, session_token=self.state.text("awsSessionToken") is not None)
        if not self.sdk:
            # Legacy deletes AWS_PROFILE before running the chain: env keys, then the default profile.
            env_keys = self.env.get("AWS_ACCESS_KEY_ID")
            if env_keys is not None:
                return env_key_credentials(env_keys)
            return profile_credentials(
                self.files, "default", "default profile (legacy Cline removes AWS_PROFILE)", client=CLIENT
            )
        return js_default_chain_credentials(self.env, self.files, CLIENT)

    # -- assembly ---------------------------------------------------------------------------------

    def run(self) -> ClientResolution:
        self.findings.extend(file_secret_findings(self.config.settings, CLIENT))
        creds = self.credentials()
        self.findings.extend(bearer_type_findings(creds))
        request_region, prefix_region = self.regions()
        endpoint = self.endpoint()
        invocations: list[Invocation] = []
        operation: Operation = "ConverseStream"
        modes = [(mode, self.mode_model(mode)) for mode in ("act", "plan")]
        only_foreign_providers = (
            not self.providers_json
            and any(layer.scope == "providers" for layer in self.config.settings)
            and not any(layer.scope != "providers" for layer in self.config.settings)
        )
        if only_foreign_providers:
            modes = []
        if all(found is None for _, found in modes):
            if "BEDROCK_NOT_SELECTED" not in {f.code for f in self.findings}:
                self.findings.append(
                    finding(
                        "BEDROCK_NOT_SELECTED",
                        "Neither Cline's Act nor Plan mode uses the Bedrock provider.",
                        origin="Cline actModeApiProvider / planModeApiProvider",
                    )
                )
        elif request_region is not None:
            for mode, found in modes:
                if found is None:
                    continue
                model, custom = found
                if self.sdk:
                    model_id = self.sdk_model_id(model, prefix_region)
                else:
                    model_id = self.legacy_model_id(model, custom, request_region)
                if model_id.value != model.value and "(:1m stripped)" not in model_id.origin:
                    self.findings.append(
                        finding(
                            "MODEL_ID_REWRITTEN",
                            f"Cline {mode} mode: configured {model.value!r}, sent {model_id.value!r}.",
                            origin=model.origin,
                            invocations=[f"{KIND} {mode}"],
                        )
                    )
                op: Operation = "InvokeModelWithResponseStream" if "deepseek" in model.value else operation
                invocations.append(
                    make_invocation(
                        KIND,
                        mode,
                        model_id,
                        request_region,
                        operation=op,
                        creds=creds,
                        endpoint=endpoint,
                        operation_origin="Cline streams (Converse API; InvokeModelWithResponseStream for DeepSeek)",
                    )
                )
        self.findings.extend(
            common_checks(
                CLIENT,
                invocations,
                creds,
                bare_hint="Turn on 'Use cross-region inference' in Cline's Bedrock settings, or pick a custom model "
                "with the profile id.",
                geo_hint="Cline derives the prefix from the Region's first letters (legacy: jp. for any ap- Region); "
                "pick a custom model with the right profile id or change the Region.",
            )
        )
        return finalize(
            self.config,
            invocations=invocations,
            findings=self.findings,
            creds=creds,
            region=request_region,
            endpoint=endpoint.value if endpoint else None,
            files=self.files,
        )

    def endpoint(self) -> Sourced | None:
        configured = self.state.text("awsBedrockEndpoint")
        if configured is not None or not self.sdk:
            return configured
        return self.env.first("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL")


READER = Reader(KIND, lambda config: _Cline(config).run())
