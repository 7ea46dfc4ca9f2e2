"""Anthropic Python SDK ``AnthropicBedrock``: clients.md §10 (PyPI 2.12.0, compared with 0.125.0 and 1.x).

* Region: ``aws_region`` argument; otherwise, anthropic ≥ 1.0.0: ``AWS_REGION`` ‖ ``AWS_DEFAULT_REGION`` ‖
  ``boto3.Session(profile_name=aws_profile).region_name`` ‖ ``ValueError``; anthropic < 1.0.0 (modelled on
  0.125.x; 0.126–0.x uncertain): ``AWS_REGION`` ‖ ``boto3.Session()`` (the *default* profile chain — the
  ``aws_profile`` argument is ignored for the Region) ‖ ``us-east-1``.
* Endpoint: ``base_url`` ‖ ``ANTHROPIC_BEDROCK_BASE_URL`` ‖ regional default (``AWS_ENDPOINT_URL_*`` and FIPS
  are not consulted).
* Credentials: ``api_key`` / ``AWS_BEARER_TOKEN_BEDROCK`` (bearer; with ``aws_*`` arguments it raises) ‖
  SigV4 via botocore with ``aws_profile`` / ``aws_access_key``… ‖ the botocore chain.
* Model: ``model=`` verbatim. Operation: InvokeModel, or InvokeModelWithResponseStream with ``stream: true``.

Settings are the constructor and call arguments: ``aws_region``, ``aws_profile``, ``base_url``, ``api_key``,
``aws_access_key``, ``aws_secret_key``, ``aws_session_token``, ``model`` or ``models``, ``stream``.
"""

from __future__ import annotations

from typing import Any

from bedrock_access.bedrock.invocation import Invocation, Operation
from bedrock_access.clients._common import (
    Credentials,
    Reader,
    ReaderState,
    bearer_credentials,
    bearer_type_findings,
    boto_session_region,
    common_checks,
    env_key_credentials,
    file_secret_findings,
    finalize,
    finding,
    get_list,
    make_invocation,
    profile_credentials,
    profile_missing_findings,
    sourced_flag,
    sourced_text,
    valid_region,
    vtext,
)
from bedrock_access.clients._version import v
from bedrock_access.clients.aws_config import Sourced
from bedrock_access.clients.interface import ClientConfig, ClientResolution
from bedrock_access.errors import InputError
from bedrock_access.redact import access_key_kind

KIND = "anthropic-sdk"
CLIENT = "AnthropicBedrock"
CURRENT = "2.12.0"
NEW_REGION_RULES = v("1.0.0")


class _Anthropic(ReaderState):
    def __init__(self, config: ClientConfig) -> None:
        super().__init__(config, "anthropic", CURRENT)
        self.args: dict[str, tuple[Any, str]] = {}
        for layer in config.settings:
            for key, value in layer.data.items():
                self.args.setdefault(str(key), (value, f"AnthropicBedrock({key}=…) ({layer.source})"))

    def arg(self, name: str) -> Sourced | None:
        return sourced_text(self.args, name)

    def session_region(self, profile: str) -> Sourced | None:
        return boto_session_region(self.env, self.files, profile, self.findings, CLIENT)

    def region(self) -> Sourced | None:
        explicit = valid_region(self.arg("aws_region"), self.findings, CLIENT)
        if explicit is not None:
            return explicit
        aws_profile = self.arg("aws_profile")
        env_profile = self.env.first("AWS_DEFAULT_PROFILE", "AWS_PROFILE")
        default_profile = env_profile.value if env_profile else "default"
        profile_region = (
            self.files.lookup(aws_profile.value, "region", prefer="credentials") if aws_profile else None
        )
        aws_region = valid_region(self.env.get("AWS_REGION"), self.findings, CLIENT)
        if self.ver.at_least(NEW_REGION_RULES):
            found = aws_region or valid_region(self.env.get("AWS_DEFAULT_REGION"), self.findings, CLIENT)
            if found is None:
                found = self.session_region(aws_profile.value if aws_profile else default_profile)
        else:
            found = aws_region or self.session_region(default_profile)
            if (
                aws_profile is not None
                and profile_region is not None
                and (found is None or found.value != profile_region.value)
            ):
                self.findings.append(
                    finding(
                        "ANTHROPIC_SDK_PROFILE_REGION_IGNORED",
                        f"anthropic {vtext(self.ver)} ignores {aws_profile.origin}={aws_profile.value!r} when choosing the "
                        f"Region: it uses {found.value if found else 'us-east-1'} instead of {profile_region.value} "
                        f"({profile_region.origin}).",
                        hint="Pass aws_region explicitly, or upgrade to anthropic 1.0+.",
                        origin=aws_profile.origin,
                    )
                )
            if found is None:
                self.findings.append(
                    finding(
                        "REGION_DEFAULTED",
                        f"anthropic {vtext(self.ver)} finds no Region and falls back to us-east-1 (with a warning).",
                        hint="Pass aws_region.",
                        origin="AnthropicBedrock",
                    )
                )
                return Sourced("us-east-1", f"anthropic {vtext(self.ver)} default Region")
        if (
            found is not None
            and aws_profile is not None
            and profile_region is not None
            and found.value != profile_region.value
            and found.origin.startswith(self.config.env_source)
        ):
            self.findings.append(
                finding(
                    "ENV_REGION_OVERRIDES_PROFILE",
                    f"{found.origin}={found.value} overrides the region {profile_region.value} of "
                    f"aws_profile={aws_profile.value!r} ({profile_region.origin}).",
                    hint="Pass aws_region explicitly, or unset the globally exported Region.",
                    origin=found.origin,
                )
            )
        if found is None:
            self.findings.append(
                finding(
                    "NO_REGION",
                    "AnthropicBedrock finds no Region (aws_region, AWS_REGION, AWS_DEFAULT_REGION, profile region): "
                    "ValueError 'No AWS region was provided'.",
                    hint="Pass aws_region.",
                    origin="AnthropicBedrock",
                )
            )
        return found

    def credentials(self) -> Credentials | None:
        api_key = self.arg("api_key") or self.env.get("AWS_BEARER_TOKEN_BEDROCK")
        aws_args = [
            self.args[name][1]
            for name in ("aws_access_key", "aws_secret_key", "aws_session_token", "aws_profile")
            if name in self.args
        ]
        if api_key is not None:
            if aws_args:
                self.findings.append(
                    finding(
                        "ANTHROPIC_SDK_BEARER_WITH_AWS_ARGS",
                        f"An API key ({api_key.origin}) together with {', '.join(aws_args)}: AnthropicBedrock raises "
                        "instead of calling Bedrock.",
                        hint="Use either the API key or the aws_* arguments.",
                        origin=api_key.origin,
                    )
                )
                return None
            return bearer_credentials(api_key)
        key = self.arg("aws_access_key")
        if key is not None:
            return Credentials(
                "explicit-keys",
                f"{access_key_kind(key.value)} passed as aws_access_key ({key.origin})",
                origin=key.origin,
            )
        profile = self.arg("aws_profile")
        if profile is not None:
            self.findings.extend(profile_missing_findings(self.files, profile, CLIENT))
            return profile_credentials(self.files, profile.value, profile.origin, client=CLIENT)
        env_keys = self.env.get("AWS_ACCESS_KEY_ID")
        if env_keys is not None:
            return env_key_credentials(env_keys)
        env_profile = self.env.first("AWS_DEFAULT_PROFILE", "AWS_PROFILE")
        if env_profile is not None:
            return profile_credentials(self.files, env_profile.value, env_profile.origin, client=CLIENT)
        if self.files.has_profile("default"):
            return profile_credentials(self.files, "default", "default profile", client=CLIENT)
        return Credentials("default-chain", "botocore default chain (container or instance metadata)")

    def models(self) -> list[tuple[Sourced, str]]:
        out: list[tuple[Sourced, str]] = []
        single = self.arg("model")
        if single is not None:
            out.append((single, "main"))
        found = self.args.get("models")
        if found is not None:
            for index, item in enumerate(get_list({"models": found[0]}, "models", found[1]) or []):
                if not isinstance(item, str):
                    raise InputError("expected a model id", source=found[1], field=f"models[{index}]")
                out.append((Sourced(item, f"{found[1]} models[{index}]"), f"models[{index}]"))
        return out

    def run(self) -> ClientResolution:
        self.findings.extend(file_secret_findings(self.config.settings, CLIENT))
        region = self.region()
        creds = self.credentials()
        endpoint = self.arg("base_url") or self.env.get("ANTHROPIC_BEDROCK_BASE_URL")
        stream = sourced_flag(self.args, "stream")
        operation: Operation = "InvokeModelWithResponseStream" if stream else "InvokeModel"
        invocations: list[Invocation] = []
        models = self.models()
        if not models:
            self.findings.append(
                finding("NO_MODEL_CONFIGURED", "No model= argument is given for AnthropicBedrock.")
            )
        effective = creds or Credentials("error", "AnthropicBedrock raises (API key with aws_* arguments)")
        if creds is not None and region is not None:
            for model, role in models:
                invocations.append(
                    make_invocation(
                        KIND,
                        role,
                        model,
                        region,
                        operation=operation,
                        creds=creds,
                        endpoint=endpoint,
                        operation_origin="messages.create" + (" with stream=True" if stream else ""),
                    )
                )
            self.findings.extend(bearer_type_findings(creds))
        self.findings.extend(common_checks(CLIENT, invocations, effective))
        return finalize(
            self.config,
            invocations=invocations,
            findings=self.findings,
            creds=effective,
            region=region,
            endpoint=endpoint.value if endpoint else None,
            files=self.files,
        )


READER = Reader(KIND, lambda config: _Anthropic(config).run())
