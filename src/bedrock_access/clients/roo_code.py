"""Roo Code on Amazon Bedrock: clients.md §3.1 (source cb836567, 2026-04-14; one behaviour, no version gates).

Differences from Cline: credentials are API key (``awsUseApiKey``) > profile (``awsUseProfile``) > static
keys > JS default chain; an unset ``awsRegion`` falls to ``AWS_REGION`` then the profile region (never
``AWS_DEFAULT_REGION``), else "Region is missing"; a custom ARN's Region overrides ``awsRegion``; the prefix
table maps *every* ``ap-northeast-`` Region to ``jp.`` and GovCloud to ``ug.``; the endpoint needs
``awsBedrockEndpointEnabled``.

Settings come as the flat provider-settings keys, or as a settings export
(``providerProfiles.currentApiConfigName`` / ``apiConfigs``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bedrock_access.clients._common import (
    Credentials,
    Reader,
    ReaderState,
    bearer_credentials,
    bearer_type_findings,
    common_checks,
    file_secret_findings,
    finalize,
    finding,
    get_map,
    get_str,
    js_default_chain_credentials,
    make_invocation,
    profile_credentials,
    profile_missing_findings,
    settings_key_credentials,
    sourced_flag,
    sourced_text,
    valid_region,
)
from bedrock_access.clients._ids import is_profile_prefix, parse_model
from bedrock_access.clients.aws_config import Sourced
from bedrock_access.clients.interface import ClientConfig, ClientResolution, SettingsLayer
from bedrock_access.errors import InputError
from bedrock_access.redact import echo

KIND = "roo-code"
CLIENT = "Roo Code"
CURRENT = "3.50.0"  # label only: the modelled source is commit cb836567 (2026-04-14)
DEFAULT_MODEL = "anthropic.claude-sonnet-4-5-20250929-v1:0"

# Roo Code's own AWS_INFERENCE_PROFILE_MAPPING (first startswith match wins), not AWS's geography: it
# builds ug. and sa. ids AWS does not know, which the catalog's prefix table catches.
PREFIX_MAPPING: tuple[tuple[str, str], ...] = (
    ("ap-southeast-2", "au"),
    ("ap-southeast-4", "au"),
    ("ap-northeast-", "jp"),
    ("us-gov-", "ug"),
    ("us-", "us"),
    ("eu-", "eu"),
    ("ap-", "apac"),
    ("ca-", "ca"),
    ("sa-", "sa"),
)
_GLOBAL_RE = re.compile(r"^anthropic\.claude-(sonnet-4-(20250514|5|6)|haiku-4-5|opus-4-(5|6))")


def _settings(config: ClientConfig) -> tuple[dict[str, tuple[Any, str]], list[SettingsLayer]]:
    values: dict[str, tuple[Any, str]] = {}
    for layer in config.settings:
        data: Mapping[str, Any] = layer.data
        where = layer.source
        profiles = get_map(data, "providerProfiles", layer.source)
        if profiles is not None:
            current = (
                get_str(profiles, "currentApiConfigName", layer.source, field_prefix="providerProfiles.")
                or "default"
            )
            configs = get_map(profiles, "apiConfigs", layer.source, field_prefix="providerProfiles.") or {}
            chosen = configs.get(current)
            if not isinstance(chosen, Mapping):
                raise InputError(
                    f"current profile {current!r} is not in apiConfigs",
                    source=layer.source,
                    field="providerProfiles",
                )
            data = chosen
            where = f"{layer.source} profile {current!r}"
        for key, value in data.items():
            values.setdefault(str(key), (value, f"Roo Code {key} ({where})"))
    return values, list(config.settings)


class _Roo(ReaderState):
    def __init__(self, config: ClientConfig) -> None:
        super().__init__(config, CLIENT, CURRENT)
        self.values, self.layers = _settings(config)

    def text(self, key: str) -> Sourced | None:
        return sourced_text(self.values, key)

    def flag(self, key: str) -> bool:
        return sourced_flag(self.values, key)

    def credentials(self) -> Credentials:
        if self.flag("awsUseApiKey"):
            key = self.text("awsApiKey")
            if key is not None:
                return bearer_credentials(key)
            self.findings.append(
                finding(
                    "BEARER_TOKEN_MISSING",
                    "awsUseApiKey is on but awsApiKey is empty: Roo Code falls through to the other credential sources.",
                    origin="Roo Code awsUseApiKey",
                )
            )
        profile = self.text("awsProfile")
        if self.flag("awsUseProfile") and profile is not None:
            self.findings.extend(profile_missing_findings(self.files, profile, CLIENT))
            return profile_credentials(self.files, profile.value, profile.origin, client=CLIENT)
        access, secret = self.text("awsAccessKey"), self.text("awsSecretKey")
        if access is not None and secret is not None:
            return settings_key_credentials(access, session_token=self.text("awsSessionToken") is not None)
        return js_default_chain_credentials(self.env, self.files, CLIENT)

    def region(self, arn_region: str | None) -> Sourced | None:
        configured = valid_region(self.text("awsRegion"), self.findings, CLIENT)
        if arn_region:
            arn = self.text("awsCustomArn")
            origin = f"{arn.origin if arn else 'awsCustomArn'} (Region parsed from the ARN)"
            if configured is not None and configured.value != arn_region:
                self.findings.append(
                    finding(
                        "ROO_ARN_REGION_OVERRIDE",
                        f"The custom ARN's Region {arn_region} replaces awsRegion={configured.value}: every request goes "
                        f"to {arn_region}, not the Region the IAM policy may expect.",
                        hint="Use an ARN from the intended Region, or align awsRegion with it.",
                        origin=origin,
                    )
                )
            return Sourced(arn_region, origin)
        if configured is not None:
            return configured
        env_region = valid_region(self.env.get("AWS_REGION"), self.findings, CLIENT)
        if env_region is not None:
            return env_region
        profile = self.env.get("AWS_PROFILE")
        from_profile = self.files.lookup(profile.value if profile else "default", "region", prefer="config")
        found = valid_region(from_profile, self.findings, CLIENT)
        if found is not None:
            return found
        default_region = self.env.get("AWS_DEFAULT_REGION")
        extra = (
            f" ({default_region.origin} is not read by the AWS SDK for JavaScript.)" if default_region else ""
        )
        self.findings.append(
            finding(
                "NO_REGION",
                "awsRegion is empty and neither AWS_REGION nor a profile region is set: Roo Code fails with "
                "'Region is missing'." + extra,
                hint="Set the Region in Roo Code's Bedrock settings.",
                origin="Roo Code awsRegion",
            )
        )
        return None

    def model_id(self, model: Sourced, region: Sourced) -> Sourced:
        ref = parse_model(model.value)
        if ref.form == "arn" or (ref.form == "profile" and is_profile_prefix(ref.prefix)):
            return Sourced(model.value, f"{model.origin} (verbatim)")
        if self.flag("awsUseGlobalInference") and _GLOBAL_RE.match(model.value):
            return Sourced(f"global.{model.value}", f"{model.origin} (global. from awsUseGlobalInference)")
        if self.flag("awsUseCrossRegionInference") and self.text("awsRegion") is not None:
            for start, prefix in PREFIX_MAPPING:
                if region.value.startswith(start):
                    return Sourced(
                        f"{prefix}.{model.value}",
                        f"{model.origin} (prefix {prefix}. derived from awsRegion {region.value} by '{start}')",
                    )
            return Sourced(model.value, f"{model.origin} (no mapping for {region.value}: bare id)")
        return Sourced(model.value, f"{model.origin} (cross-Region inference off: bare id)")

    def run(self) -> ClientResolution:
        self.findings.extend(file_secret_findings(self.layers, CLIENT))
        creds = self.credentials()
        self.findings.extend(bearer_type_findings(creds))
        provider = self.text("apiProvider")
        invocations = []
        region: Sourced | None = None
        endpoint: Sourced | None = None
        if provider is not None and provider.value != "bedrock":
            self.findings.append(
                finding(
                    "BEDROCK_NOT_SELECTED",
                    f"{provider.origin}={echo(provider.value)}: Roo Code does not use Bedrock.",
                    origin=provider.origin,
                )
            )
        else:
            arn = self.text("awsCustomArn")
            model = (
                arn
                or self.text("apiModelId")
                or Sourced(DEFAULT_MODEL, f"Roo Code default model ({DEFAULT_MODEL})")
            )
            arn_region = parse_model(arn.value).arn_region if arn else None
            region = self.region(arn_region)
            endpoint_value = self.text("awsBedrockEndpoint")
            if endpoint_value is not None and self.flag("awsBedrockEndpointEnabled"):
                endpoint = endpoint_value
            elif endpoint_value is not None:
                self.findings.append(
                    finding(
                        "ROO_ENDPOINT_DISABLED",
                        f"{endpoint_value.origin} is set but awsBedrockEndpointEnabled is off: the regional endpoint is used.",
                        origin=endpoint_value.origin,
                    )
                )
            if region is not None:
                model_id = self.model_id(model, region)
                if model_id.value != model.value:
                    self.findings.append(
                        finding(
                            "MODEL_ID_REWRITTEN",
                            f"Roo Code: configured {model.value!r}, sent {model_id.value!r}.",
                            origin=model.origin,
                            invocations=[f"{KIND} main"],
                        )
                    )
                invocations.append(
                    make_invocation(
                        KIND,
                        "main",
                        model_id,
                        region,
                        operation="ConverseStream",
                        creds=creds,
                        endpoint=endpoint,
                        operation_origin="Roo Code streams through the Converse API",
                    )
                )
        self.findings.extend(
            common_checks(
                CLIENT,
                invocations,
                creds,
                bare_hint="Turn on cross-Region inference in Roo Code's Bedrock settings, or use a custom ARN.",
                geo_hint="Roo Code maps every ap-northeast- Region to jp. and GovCloud to ug.; use a custom ARN with "
                "the right profile.",
            )
        )
        return finalize(
            self.config,
            invocations=invocations,
            findings=self.findings,
            creds=creds,
            region=region,
            endpoint=endpoint.value if endpoint else None,
            files=self.files,
        )


READER = Reader(KIND, lambda config: _Roo(config).run())
