"""boto3/botocore and the AWS CLI: clients.md §9 (botocore 1.44.5, behaviour verified there by tests).

* Profile: ``profile_name`` argument > ``AWS_DEFAULT_PROFILE`` > ``AWS_PROFILE`` > ``default``.
* Region: ``region_name`` argument > ``AWS_DEFAULT_REGION`` > the profile's ``region`` (``~/.aws/config``,
  with ``~/.aws/credentials`` values merged over it as botocore does) > ``NoRegionError``. botocore ignores
  ``AWS_REGION``. The AWS CLI v2 documents ``AWS_REGION`` ahead of ``AWS_DEFAULT_REGION``
  (``--region`` first); v1 is modelled as botocore (uncertain: its docs disagree).
* Credentials: bearer token ``AWS_BEARER_TOKEN_BEDROCK`` preferred over SigV4 (unless an auth-scheme
  preference puts sigv4 first) > explicit keys > environment keys (disabled by an explicit
  ``profile_name``) > assume-role / web identity / SSO / credentials file / ``credential_process`` /
  config-file keys of the profile > container / instance metadata.
* Endpoint: ``endpoint_url`` > ``AWS_ENDPOINT_URL_BEDROCK_RUNTIME`` > ``AWS_ENDPOINT_URL`` > the profile's
  ``services`` section > the profile's ``endpoint_url`` > FIPS / dual-stack variants > regional default.

Settings (the arguments the code or command line passes): ``region_name``/``region``,
``profile_name``/``profile``, ``endpoint_url``, ``aws_access_key_id``…, ``model`` or ``models`` (a list of
ids or of ``{model, operation, label, region_name}``), ``operation`` (default InvokeModel).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from bedrock_access.bedrock.invocation import OPERATIONS, Invocation, Operation
from bedrock_access.clients._common import (
    Credentials,
    Reader,
    ReaderState,
    bearer_credentials,
    bearer_type_findings,
    common_checks,
    env_key_credentials,
    file_secret_findings,
    finalize,
    finding,
    get_list,
    get_str,
    make_invocation,
    profile_credentials,
    sourced_text,
    valid_region,
)
from bedrock_access.clients.aws_config import Sourced
from bedrock_access.clients.interface import ClientConfig, ClientResolution
from bedrock_access.errors import InputError
from bedrock_access.redact import access_key_kind, echo

KIND_BOTO3 = "boto3"
KIND_AWS_CLI = "aws-cli"
BOTO3_CURRENT = "1.44.5"
AWS_CLI_CURRENT = "2.0.0"  # stands for "AWS CLI v2" when the version is unknown


def _truthy(value: str | None) -> bool:
    return value is not None and value.strip().lower() == "true"


class _Boto(ReaderState):
    def __init__(self, config: ClientConfig, kind: str) -> None:
        self.kind = kind
        self.client = "boto3" if kind == KIND_BOTO3 else "AWS CLI"
        super().__init__(config, self.client, BOTO3_CURRENT if kind == KIND_BOTO3 else AWS_CLI_CURRENT)
        self.args: dict[str, tuple[Any, str]] = {}
        for layer in config.settings:
            for key, value in layer.data.items():
                self.args.setdefault(str(key), (value, f"{self.client} argument {key} ({layer.source})"))

    def arg(self, *names: str) -> Sourced | None:
        return sourced_text(self.args, *names)

    @property
    def cli_v2(self) -> bool:
        return self.kind == KIND_AWS_CLI and self.ver.value[0] >= 2

    def profile(self) -> tuple[Sourced, bool]:
        """(profile, chosen explicitly in code/command line)."""
        explicit = self.arg("profile_name", "profile")
        if explicit is not None:
            return explicit, True
        env = self.env.first("AWS_DEFAULT_PROFILE", "AWS_PROFILE")
        return (env or Sourced("default", "default profile")), False

    def region(self, profile: Sourced, profile_chosen: bool) -> Sourced | None:
        explicit = valid_region(self.arg("region_name", "region"), self.findings, self.client)
        if explicit is not None:
            return explicit
        names = ("AWS_REGION", "AWS_DEFAULT_REGION") if self.cli_v2 else ("AWS_DEFAULT_REGION",)
        from_profile = self.files.lookup(profile.value, "region", prefer="credentials")
        for name in names:
            found = valid_region(self.env.get(name), self.findings, self.client)
            if found is not None:
                if (
                    from_profile is not None
                    and from_profile.value != found.value
                    and (profile_chosen or profile.value != "default")
                ):
                    self.findings.append(
                        finding(
                            "ENV_REGION_OVERRIDES_PROFILE",
                            f"{found.origin}={found.value} overrides the region {from_profile.value} of profile "
                            f"{profile.value!r} ({from_profile.origin}), even when the profile is named explicitly.",
                            hint=f"Unset {name} (CloudShell and CI often set it) or pass the Region explicitly.",
                            origin=found.origin,
                        )
                    )
                return self._aws_region_note(found)
        found = valid_region(from_profile, self.findings, self.client)
        if found is not None:
            return self._aws_region_note(found)
        self._aws_region_note(None)
        self.findings.append(
            finding(
                "NO_REGION",
                f"{self.client} has no Region (argument, "
                + ("AWS_REGION, " if self.cli_v2 else "")
                + f"AWS_DEFAULT_REGION, profile {profile.value!r}): NoRegionError 'You must specify a region.'",
                hint="Set AWS_DEFAULT_REGION or the profile's region, or pass region_name.",
                origin=profile.origin,
            )
        )
        return None

    def _aws_region_note(self, chosen: Sourced | None) -> Sourced | None:
        aws_region = self.env.get("AWS_REGION")
        if (
            aws_region is not None
            and not self.cli_v2
            and (chosen is None or chosen.value != aws_region.value)
        ):
            target = f"{chosen.value} ({chosen.origin}) is used" if chosen else "no Region is found"
            self.findings.append(
                finding(
                    "BOTO3_AWS_REGION_IGNORED",
                    f"{aws_region.origin}={aws_region.value} is ignored by botocore: {target}.",
                    hint="Set AWS_DEFAULT_REGION (or region_name) instead; wrappers such as LiteLLM read AWS_REGION themselves.",
                    origin=aws_region.origin,
                )
            )
        return chosen

    def credentials(self, profile: Sourced, profile_chosen: bool) -> Credentials:
        bearer = self.env.get("AWS_BEARER_TOKEN_BEDROCK")
        preference = self.env.get("AWS_AUTH_SCHEME_PREFERENCE") or self.files.lookup(
            profile.value, "auth_scheme_preference", prefer="config"
        )
        sigv4_first = False
        if preference is not None:
            order = [p.strip().lower() for p in preference.value.split(",") if p.strip()]
            ranked = [p for p in order if p in ("sigv4", "httpbearerauth", "bearer")]
            sigv4_first = bool(ranked) and ranked[0] == "sigv4"
        explicit_key = self.arg("aws_access_key_id")
        env_keys = self.env.get("AWS_ACCESS_KEY_ID")
        sigv4: Credentials
        if explicit_key is not None:
            sigv4 = Credentials(
                "explicit-keys",
                f"{access_key_kind(explicit_key.value)} passed in code ({explicit_key.origin})",
                origin=explicit_key.origin,
            )
        elif env_keys is not None and not profile_chosen:
            sigv4 = env_key_credentials(env_keys)
            env_profile = self.env.first("AWS_DEFAULT_PROFILE", "AWS_PROFILE")
            if env_profile is not None:
                self.findings.append(
                    finding(
                        "ENV_KEYS_AND_PROFILE",
                        f"{env_keys.origin} is set, so botocore uses those keys and ignores {env_profile.origin}="
                        f"{env_profile.value!r} for credentials (wrong account → 403).",
                        hint="Unset the stale AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or pass profile_name explicitly.",
                        origin=env_keys.origin,
                    )
                )
        elif self.files.known and self.files.has_profile(profile.value):
            sigv4 = profile_credentials(self.files, profile.value, profile.origin, client=self.client)
        elif self.env.get("AWS_WEB_IDENTITY_TOKEN_FILE") is not None:
            sigv4 = Credentials(
                "web-identity", "web identity token (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)"
            )
        elif not self.files.known and profile.value != "default":
            sigv4 = profile_credentials(self.files, profile.value, profile.origin, client=self.client)
        else:
            sigv4 = Credentials(
                "default-chain", "container or instance metadata credentials (nothing else configured)"
            )
        if bearer is None:
            return sigv4
        if sigv4_first:
            self.findings.append(
                finding(
                    "BEARER_OVERRIDES_CREDENTIALS",
                    f"{bearer.origin} is set but the auth scheme preference ({preference.origin if preference else ''}) "
                    "puts sigv4 first, so SigV4 credentials are used (uncertain).",
                    origin=bearer.origin,
                    severity="info",
                )
            )
            return sigv4
        creds = bearer_credentials(bearer, extra=" (botocore prefers it over SigV4)")
        if sigv4.kind != "default-chain":
            self.findings.append(
                finding(
                    "BEARER_OVERRIDES_CREDENTIALS",
                    f"{bearer.origin} silently replaces {sigv4.description} for Bedrock calls.",
                    hint="Unset AWS_BEARER_TOKEN_BEDROCK (a stray key from another Region or account gives 403).",
                    origin=bearer.origin,
                )
            )
        if self.kind == KIND_AWS_CLI:
            self.findings.append(
                finding(
                    "AWSCLI_BEARER_UNCERTAIN",
                    "The AWS CLI may ignore AWS_BEARER_TOKEN_BEDROCK in favour of SigV4 credentials (third-party "
                    "report); botocore's preference for the bearer token is assumed.",
                    origin=bearer.origin,
                )
            )
        return creds

    def endpoint(self, profile: Sourced, region: Sourced | None) -> Sourced | None:
        explicit = self.arg("endpoint_url")
        if explicit is not None:
            return explicit
        ignore_env = self.env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")
        ignore = ignore_env is not None and _truthy(ignore_env.value)
        ignore_profile = self.files.lookup(profile.value, "ignore_configured_endpoint_urls", prefer="config")
        ignore = ignore or (ignore_profile is not None and _truthy(ignore_profile.value))
        if not ignore:
            configured = (
                self.env.first("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL")
                or self.files.service_endpoint(profile.value)
                or self.files.lookup(profile.value, "endpoint_url", prefer="config")
            )
            if configured is not None:
                return configured
        if region is None:
            return None
        fips = self.env.get("AWS_USE_FIPS_ENDPOINT") or self.files.lookup(
            profile.value, "use_fips_endpoint", prefer="config"
        )
        dual = self.env.get("AWS_USE_DUALSTACK_ENDPOINT") or self.files.lookup(
            profile.value, "use_dualstack_endpoint", prefer="config"
        )
        if fips is not None and _truthy(fips.value):
            url = f"https://bedrock-runtime-fips.{region.value}.amazonaws.com"
            self.findings.append(
                finding(
                    "FIPS_ENDPOINT",
                    f"{fips.origin}: requests go to {url}. FIPS endpoints exist only in some (US/GovCloud) Regions; "
                    "elsewhere the call fails with a DNS or connection error.",
                    origin=fips.origin,
                    severity="info" if region.value.startswith(("us-", "ca-")) else "warning",
                )
            )
            return Sourced(url, fips.origin)
        if dual is not None and _truthy(dual.value):
            url = f"https://bedrock-runtime.{region.value}.api.aws"
            self.findings.append(
                finding(
                    "FIPS_ENDPOINT",
                    f"{dual.origin}: requests go to the dual-stack endpoint {url}.",
                    origin=dual.origin,
                )
            )
            return Sourced(url, dual.origin)
        return None

    def models(self) -> list[tuple[Sourced, Operation, str, Sourced | None]]:
        """(model, operation, label suffix, per-call region)."""
        default_op = self.operation(self.args.get("operation"))
        out: list[tuple[Sourced, Operation, str, Sourced | None]] = []
        single = self.arg("model", "model_id", "modelId")
        if single is not None:
            out.append((single, default_op, "main", None))
        found = self.args.get("models")
        if found is not None:
            items = get_list({"models": found[0]}, "models", found[1]) or []
            for index, item in enumerate(items):
                where = f"{found[1]} models[{index}]"
                if isinstance(item, str):
                    out.append((Sourced(item, where), default_op, f"models[{index}]", None))
                elif isinstance(item, Mapping):
                    model = get_str(item, "model", where)
                    if model is None:
                        raise InputError(
                            "each models entry needs a model", source=found[1], field=f"models[{index}].model"
                        )
                    op = self.operation((item["operation"], where)) if "operation" in item else default_op
                    label = get_str(item, "label", where) or f"models[{index}]"
                    region = get_str(item, "region_name", where) or get_str(item, "region", where)
                    out.append(
                        (
                            Sourced(model, f"{where}.model"),
                            op,
                            label,
                            Sourced(region, f"{where}.region_name") if region else None,
                        )
                    )
                else:
                    raise InputError(
                        "expected a model id or a mapping", source=found[1], field=f"models[{index}]"
                    )
        return out

    @staticmethod
    def operation(found: tuple[Any, str] | None) -> Operation:
        if found is None:
            return "InvokeModel"
        value, origin = found
        if value not in OPERATIONS:
            raise InputError(
                f"unknown operation {echo(str(value))} (expected one of {', '.join(OPERATIONS)})",
                source=origin,
                field="operation",
            )
        return cast(Operation, value)

    def run(self) -> ClientResolution:
        self.findings.extend(file_secret_findings(self.config.settings, self.client))
        profile, chosen = self.profile()
        if self.files.known and profile.value != "default" and not self.files.has_profile(profile.value):
            self.findings.append(
                finding(
                    "AWS_PROFILE_NOT_FOUND",
                    f"{self.client}: profile {profile.value!r} ({profile.origin}) is not defined: botocore raises "
                    "ProfileNotFound before any call.",
                    hint="Define the profile in ~/.aws/config or fix the name.",
                    origin=profile.origin,
                )
            )
            creds = Credentials(
                "none", f"profile {profile.value!r} not found", hints={"aws_profile": profile.value}
            )
            return finalize(
                self.config,
                invocations=(),
                findings=self.findings,
                creds=creds,
                region=None,
                files=self.files,
            )
        region = self.region(profile, chosen)
        creds = self.credentials(profile, chosen)
        self.findings.extend(bearer_type_findings(creds))
        endpoint = self.endpoint(profile, region)
        invocations: list[Invocation] = []
        models = self.models()
        if not models:
            self.findings.append(
                finding(
                    "NO_MODEL_CONFIGURED",
                    f"{self.client} has no model of its own: give `model:`/`models:` (or check a model explicitly) to "
                    "get invocations; the session Region and credentials are still resolved.",
                )
            )
        for model, op, label, call_region in models:
            target = valid_region(call_region, self.findings, self.client) or region
            if target is None:
                continue
            invocations.append(
                make_invocation(self.kind, label, model, target, operation=op, creds=creds, endpoint=endpoint)
            )
        self.findings.extend(common_checks(self.client, invocations, creds))
        return finalize(
            self.config,
            invocations=invocations,
            findings=self.findings,
            creds=creds,
            region=region,
            endpoint=endpoint.value if endpoint else None,
            hints={"aws_profile": profile.value},
            files=self.files,
        )


READER = Reader(KIND_BOTO3, lambda config: _Boto(config, KIND_BOTO3).run())
AWS_CLI_READER = Reader(KIND_AWS_CLI, lambda config: _Boto(config, KIND_AWS_CLI).run())
