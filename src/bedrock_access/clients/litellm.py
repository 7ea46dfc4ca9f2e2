"""LiteLLM (SDK and proxy) on Amazon Bedrock: clients.md §5.1 (wheel 1.109.1).

* Model string ``bedrock/[converse/|invoke/|converse_like/][<region>/]<id or ARN>``: the id is sent verbatim
  (no prefix is ever added); ``model_id`` in ``litellm_params`` replaces the id sent.
* Region: ``aws_region_name`` > Region in the model path > Region of a model ARN > ``AWS_REGION_NAME`` >
  ``AWS_REGION`` > boto3 session (``AWS_DEFAULT_REGION``, then the profile region) > **us-west-2**.
* Endpoint: ``api_base`` > ``aws_bedrock_runtime_endpoint`` > ``AWS_BEDROCK_RUNTIME_ENDPOINT``.
* Credentials: ``api_key`` / ``AWS_BEARER_TOKEN_BEDROCK`` > web identity > ``aws_role_name`` >
  ``aws_profile_name`` (``AWS_PROFILE_NAME``) > keys (``AWS_ACCESS_KEY_ID``…) > the boto3 default chain.

Settings: a proxy ``config.yaml`` (``model_list``, ``environment_variables``), or SDK call arguments
(``model`` plus the same parameter names, or ``models:`` a list of such mappings). ``os.environ/NAME``
values are resolved. ``stream`` (our extension, per entry) picks the streaming operation; proxy entries
default to streaming, SDK calls to non-streaming.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bedrock_access.bedrock.invocation import Invocation, Operation
from bedrock_access.catalog.geography import is_region_name
from bedrock_access.clients._common import (
    Credentials,
    OverlayEnv,
    Reader,
    ReaderState,
    bearer_credentials,
    bearer_type_findings,
    boto_session_region,
    common_checks,
    credentials_of_kind,
    env_key_credentials,
    file_secret_findings,
    finalize,
    finding,
    get_bool,
    get_list,
    get_map,
    make_invocation,
    profile_credentials,
    scalar_text,
    settings_key_credentials,
    valid_region,
    vtext,
)
from bedrock_access.clients._ids import parse_model
from bedrock_access.clients._version import v
from bedrock_access.clients.aws_config import Sourced
from bedrock_access.clients.interface import ClientConfig, ClientResolution
from bedrock_access.errors import InputError
from bedrock_access.redact import classify_bearer

KIND = "litellm"
CLIENT = "LiteLLM"
CURRENT = "1.109.1"
DEFAULT_REGION = "us-west-2"
# "Unknown provider=us/eu" on the invoke route was reported up to #9824 (about v1.65, 2025-04); the fixing
# release is not documented, so this bound is uncertain.
PREFIX_BUG_FIXED = v("1.67.0")
# 1.109.1 forces application-inference-profile ARNs onto Converse; earlier releases needed bedrock/converse/
# (#18258); since when is not documented (uncertain).
ARN_CONVERSE_FORCED = v("1.109.1")
_ENV_REF = re.compile(r"^os\.environ/(\w+)$")
_CONVERSE_DEFAULT = re.compile(
    r"^(anthropic\.claude-(3|sonnet|opus|haiku|fable)|amazon\.nova|meta\.llama(3|4)|mistral\.|cohere\.command-r|ai21\.jamba)"
)


@dataclass(frozen=True)
class _Entry:
    name: str
    params: Mapping[str, Any]
    where: str
    proxy: bool


class _LiteLLM(ReaderState):
    def __init__(self, config: ClientConfig) -> None:
        super().__init__(config, CLIENT, CURRENT)
        env = dict(config.env)
        origins: dict[str, str] = {}
        self.entries: list[_Entry] = []
        for layer in config.settings:
            block = get_map(layer.data, "environment_variables", layer.source) or {}
            for key, raw in block.items():
                text = scalar_text(raw, layer.source, f"environment_variables.{key}")
                if text is not None:
                    env[str(key)] = text
                    origins[str(key)] = f"{layer.source} environment_variables.{key}"
            model_list = get_list(layer.data, "model_list", layer.source)
            if model_list is not None:
                for index, item in enumerate(model_list):
                    field = f"model_list[{index}]"
                    if not isinstance(item, Mapping):
                        raise InputError("expected a mapping", source=layer.source, field=field)
                    params = get_map(item, "litellm_params", layer.source, field_prefix=f"{field}.")
                    if params is None:
                        raise InputError("missing litellm_params", source=layer.source, field=field)
                    name = (
                        scalar_text(item.get("model_name"), layer.source, f"{field}.model_name")
                        or f"model_list[{index}]"
                    )
                    self.entries.append(_Entry(name, params, f"{layer.source} {field}.litellm_params", True))
            models = get_list(layer.data, "models", layer.source)
            if models is not None:
                for index, item in enumerate(models):
                    if not isinstance(item, Mapping):
                        raise InputError(
                            "expected a mapping of call arguments",
                            source=layer.source,
                            field=f"models[{index}]",
                        )
                    name = (
                        scalar_text(item.get("label"), layer.source, f"models[{index}].label")
                        or f"models[{index}]"
                    )
                    self.entries.append(_Entry(name, item, f"{layer.source} models[{index}]", False))
            if "model" in layer.data and model_list is None:
                self.entries.append(_Entry("main", layer.data, layer.source, False))
        self.env = OverlayEnv(env, origins, config.env_source)

    def param(self, entry: _Entry, key: str, env_name: str | None = None) -> Sourced | None:
        raw = entry.params.get(key)
        if raw is not None:
            text = scalar_text(raw, entry.where, key)
            if text:
                ref = _ENV_REF.match(text.strip())
                if ref:
                    found = self.env.get(ref.group(1))
                    if found is None:
                        self.findings.append(
                            finding(
                                "LITELLM_ENV_REFERENCE_UNSET",
                                f"{entry.where}.{key} refers to os.environ/{ref.group(1)}, which is not set.",
                                origin=f"{entry.where}.{key}",
                            )
                        )
                        return None
                    return Sourced(found.value, f"{entry.where}.{key} → {found.origin}")
                return Sourced(text.strip(), f"{entry.where}.{key}")
        if env_name is not None:
            return self.env.get(env_name)
        return None

    # -- per entry --------------------------------------------------------------------------------

    def parse_model(self, entry: _Entry) -> tuple[str, str, str | None] | None:
        """(route, id sent, Region in the path) or None if the entry is not a Bedrock model."""
        model = self.param(entry, "model")
        if model is None:
            raise InputError("missing model", source=entry.where, field="model")
        text = model.value
        provider = self.param(entry, "custom_llm_provider")
        route = "default"
        if text.startswith("bedrock_converse/"):
            rest, route = text[len("bedrock_converse/") :], "converse"
        elif text.startswith("bedrock/"):
            rest = text[len("bedrock/") :]
        elif provider is not None and provider.value == "bedrock":
            rest = text
        else:
            return None
        for name, kind in (("converse/", "converse"), ("invoke/", "invoke"), ("converse_like/", "converse")):
            if rest.startswith(name):
                rest, route = rest[len(name) :], kind
                break
        path_region = None
        head, sep, tail = rest.partition("/")
        if sep and is_region_name(head) and not rest.startswith("arn:"):
            path_region, rest = head, tail
        return route, rest, path_region

    def region(self, entry: _Entry, path_region: str | None, sent: str) -> Sourced:
        explicit = valid_region(self.param(entry, "aws_region_name"), self.findings, CLIENT)
        if explicit is not None:
            return explicit
        if path_region is not None:
            return Sourced(path_region, f"{entry.where}.model (Region in the model path)")
        arn_region = parse_model(sent).arn_region
        if arn_region:
            return Sourced(arn_region, f"{entry.where} (Region of the model ARN)")
        region_name = valid_region(self.env.get("AWS_REGION_NAME"), self.findings, CLIENT)
        aws_region = valid_region(self.env.get("AWS_REGION"), self.findings, CLIENT)
        if region_name is not None:
            if aws_region is not None and aws_region.value != region_name.value:
                self.findings.append(
                    finding(
                        "LITELLM_REGION_NAME_OVERRIDES",
                        f"{region_name.origin}={region_name.value} (LiteLLM-specific) overrides "
                        f"{aws_region.origin}={aws_region.value}.",
                        hint="Unset the leftover AWS_REGION_NAME or make both agree.",
                        origin=region_name.origin,
                    )
                )
            return region_name
        if aws_region is not None:
            return aws_region
        profile = self.env.first("AWS_DEFAULT_PROFILE", "AWS_PROFILE")
        session = boto_session_region(
            self.env, self.files, profile.value if profile else "default", self.findings, CLIENT
        )
        if session is not None:
            return session
        self.findings.append(
            finding(
                "REGION_DEFAULTED",
                f"{entry.name}: no Region anywhere (aws_region_name, AWS_REGION_NAME, AWS_REGION, AWS_DEFAULT_REGION, "
                f"profile): LiteLLM uses {DEFAULT_REGION} (not us-east-1).",
                hint="Set aws_region_name in litellm_params.",
                origin=entry.where,
                invocations=[f"{KIND} {entry.name}"],
            )
        )
        return Sourced(DEFAULT_REGION, f"LiteLLM default Region ({DEFAULT_REGION})")

    def credentials(self, entry: _Entry) -> Credentials:
        api_key = self.param(entry, "api_key")
        if api_key is not None:
            if classify_bearer(api_key.value).kind == "unknown":
                self.findings.append(
                    finding(
                        "LITELLM_API_KEY_NOT_BEDROCK",
                        f"{api_key.origin} is set but is not a Bedrock API key: LiteLLM sends it as a bearer token "
                        "and skips the AWS credential chain (403).",
                        hint="Remove api_key from Bedrock entries that should use AWS credentials.",
                        origin=api_key.origin,
                    )
                )
            return bearer_credentials(api_key)
        bearer = self.env.get("AWS_BEARER_TOKEN_BEDROCK")
        if bearer is not None:
            return bearer_credentials(bearer)
        role = self.param(entry, "aws_role_name", "AWS_ROLE_NAME")
        hints: dict[str, str] = {}
        if role is not None:
            hints["role_arn"] = role.value
            match = re.match(r"^arn:aws[a-z-]*:iam::(\d{12}):role/", role.value)
            if match:
                hints["account"] = match.group(1)
            if self.param(entry, "aws_web_identity_token", "AWS_WEB_IDENTITY_TOKEN") is not None:
                return credentials_of_kind(
                    "web-identity",
                    "web-identity",
                    f"web identity → {role.value} ({role.origin})",
                    origin=role.origin,
                    hints=hints,
                )
            return credentials_of_kind(
                "assume-role",
                "assume-role",
                f"assumes {role.value} ({role.origin})",
                origin=role.origin,
                hints=hints,
            )
        profile = self.param(entry, "aws_profile_name", "AWS_PROFILE_NAME")
        if profile is not None:
            return profile_credentials(self.files, profile.value, profile.origin, client=CLIENT)
        key = self.param(entry, "aws_access_key_id", "AWS_ACCESS_KEY_ID")
        if key is not None:
            if key.origin.startswith(self.config.env_source):
                return env_key_credentials(key)
            return settings_key_credentials(key)
        env_profile = self.env.first("AWS_DEFAULT_PROFILE", "AWS_PROFILE")
        if env_profile is not None:
            return profile_credentials(self.files, env_profile.value, env_profile.origin, client=CLIENT)
        if self.files.has_profile("default"):
            return profile_credentials(self.files, "default", "default profile (boto3 chain)", client=CLIENT)
        return Credentials("default-chain", "boto3 default chain (container or instance metadata)")

    def operation(self, entry: _Entry, route: str, sent: str) -> tuple[Operation, str, str]:
        stream_raw = entry.params.get("stream")
        stream = (
            entry.proxy
            if stream_raw is None
            else bool(get_bool({"stream": stream_raw}, "stream", entry.where))
        )
        ref = parse_model(sent)
        why = ""
        if route == "default":
            if ref.form == "arn" and ref.arn_type == "application-inference-profile":
                if self.ver.at_least(ARN_CONVERSE_FORCED):
                    route, why = "converse", "application inference profile ARNs are forced onto Converse"
                else:
                    route, why = "invoke", "default route"
                    self.arn_converse(entry, sent, "the default route")
            elif not self.ver.assumed and not self.ver.at_least(PREFIX_BUG_FIXED):
                route, why = (
                    "invoke",
                    "older releases' default route for models outside their Converse list (uncertain)",
                )
            elif _CONVERSE_DEFAULT.match(ref.base if ref.form in ("profile", "arn") else sent):
                route, why = "converse", "LiteLLM's default route for this model family (uncertain)"
            else:
                route, why = "invoke", "LiteLLM's default route (uncertain)"
        elif route == "invoke" and ref.form == "arn" and ref.arn_type == "application-inference-profile":
            self.arn_converse(entry, sent, "bedrock/invoke/")
        if route == "converse":
            op: Operation = "ConverseStream" if stream else "Converse"
        else:
            op = "InvokeModelWithResponseStream" if stream else "InvokeModel"
        mode = "streaming" if stream else "non-streaming"
        return op, f"{route} route{' (' + why + ')' if why else ''}, {mode}", route

    def arn_converse(self, entry: _Entry, sent: str, route: str) -> None:
        self.findings.append(
            finding(
                "LITELLM_ARN_NEEDS_CONVERSE",
                f"{entry.name}: the application inference profile ARN goes through {route} in LiteLLM "
                f"{vtext(self.ver)}: 'Unknown provider=None … Try calling via converse route' (#18258).",
                hint="Use model: bedrock/converse/<ARN>.",
                origin=entry.where,
                invocations=[f"{KIND} {entry.name}"],
            )
        )

    def run(self) -> ClientResolution:
        self.findings.extend(file_secret_findings(self.config.settings, CLIENT))
        invocations: list[Invocation] = []
        first_creds: Credentials | None = None
        first_region: Sourced | None = None
        per_entry: list[tuple[Invocation, Credentials]] = []
        for entry in self.entries:
            parsed = self.parse_model(entry)
            if parsed is None:
                continue
            route, rest, path_region = parsed
            model_id = self.param(entry, "model_id")
            sent = (
                Sourced(model_id.value, model_id.origin)
                if model_id
                else Sourced(rest, f"{entry.where}.model")
            )
            region = self.region(entry, path_region, sent.value)
            creds = self.credentials(entry)
            operation, op_origin, final_route = self.operation(entry, route, sent.value)
            endpoint = self.param(entry, "api_base") or self.param(
                entry, "aws_bedrock_runtime_endpoint", "AWS_BEDROCK_RUNTIME_ENDPOINT"
            )
            ref = parse_model(sent.value)
            if (
                ref.prefix is not None
                and final_route == "invoke"
                and not self.ver.assumed
                and not self.ver.at_least(PREFIX_BUG_FIXED)
            ):
                self.findings.append(
                    finding(
                        "LITELLM_PREFIX_PROVIDER_BUG",
                        f"{entry.name}: LiteLLM {vtext(self.ver)} may fail on the profile id {sent.value!r} with "
                        f"'Unknown provider={ref.prefix}' (#5899, #7385, #9824; fixed-in release uncertain).",
                        hint="Upgrade LiteLLM or use the bedrock/converse/ route.",
                        origin=sent.origin,
                        invocations=[f"{KIND} {entry.name}"],
                    )
                )
            inv = make_invocation(
                KIND,
                entry.name,
                sent,
                region,
                operation=operation,
                creds=creds,
                endpoint=endpoint,
                operation_origin=op_origin,
            )
            invocations.append(inv)
            per_entry.append((inv, creds))
            if first_creds is None:
                first_creds, first_region = creds, region
        if not invocations and self.entries:
            self.findings.append(
                finding("BEDROCK_NOT_SELECTED", "No LiteLLM model entry uses the bedrock provider.")
            )
        elif not self.entries:
            self.findings.append(
                finding("NO_MODEL_CONFIGURED", "No LiteLLM model is configured (model or model_list).")
            )
        for inv, creds in per_entry:
            self.findings.extend(common_checks(CLIENT, [inv], creds))
            self.findings.extend(bearer_type_findings(creds))
        creds0 = first_creds or Credentials("default-chain", "boto3 default chain")
        self.findings.extend(
            f for f in common_checks(CLIENT, invocations, creds0) if f.code == "MIXED_GEOGRAPHIES"
        )
        return finalize(
            self.config,
            invocations=invocations,
            findings=self.findings,
            creds=creds0,
            region=first_region,
            files=self.files,
        )


READER = Reader(KIND, lambda config: _LiteLLM(config).run())
