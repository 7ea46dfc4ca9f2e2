"""Helpers shared by the readers (private): the state every reader starts from, typed settings access,
credential descriptions, the checks every client gets, and the final redacting assembly of a
:class:`ClientResolution`."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from bedrock_access.bedrock.invocation import AuthMode, Invocation, Operation
from bedrock_access.catalog.geography import GLOBAL_SCOPE, SCOPES, is_region_name
from bedrock_access.clients._ids import endpoint_info, is_profile_prefix, parse_model, prefix_offered_from
from bedrock_access.clients._version import Version, parse_version, show
from bedrock_access.clients.aws_config import AwsProfile, AwsSharedFiles, Sourced
from bedrock_access.clients.codes import severity_of
from bedrock_access.clients.interface import (
    ClientConfig,
    ClientResolution,
    ConfigFinding,
    SettingsLayer,
    Severity,
)
from bedrock_access.errors import InputError
from bedrock_access.iam.arn import parse_arn
from bedrock_access.redact import (
    BearerInfo,
    Scrubber,
    access_key_kind,
    classify_bearer,
    collect_secrets,
    echo,
)

__all__ = ["Sourced"]

_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def finding(
    code: str,
    message: str,
    *,
    hint: str = "",
    origin: str = "",
    invocations: Iterable[str] = (),
    severity: Severity | None = None,
) -> ConfigFinding:
    return ConfigFinding(
        code=code,
        severity=severity or severity_of(code),
        message=message,
        hint=hint,
        origin=origin,
        invocations=tuple(invocations),
    )


# --------------------------------------------------------------------------------------------------
# Versions


@dataclass(frozen=True)
class VersionInfo:
    """The version a reader reasons with: the parsed one, or the newest modelled when unknown."""

    value: Version
    text: str | None
    assumed: bool

    def at_least(self, gate: Version) -> bool:
        return self.value >= gate


def version_info(
    config: ClientConfig, client: str, current: str, findings: list[ConfigFinding]
) -> VersionInfo:
    parsed = parse_version(config.version)
    if parsed is not None:
        return VersionInfo(parsed, config.version, False)
    assumed = parse_version(current)
    assert assumed is not None
    why = "not given" if config.version is None else f"not understood ({config.version!r})"
    findings.append(
        finding(
            "VERSION_UNKNOWN",
            f"{client} version {why}; assuming the behaviour of {client} {current}.",
            hint="Give the client version (e.g. `version:` in the scenario) so version-specific rules apply.",
            origin="version",
        )
    )
    return VersionInfo(assumed, None, True)


def vtext(info: VersionInfo) -> str:
    return show(info.value) + (" (assumed)" if info.assumed else "")


# --------------------------------------------------------------------------------------------------
# Environment and settings access


class EnvView:
    """Environment lookups that carry origins. Empty strings count as unset."""

    def __init__(self, env: Mapping[str, str], source: str = "env") -> None:
        self._env = env
        self._source = source

    def raw(self, name: str) -> Sourced | None:
        value = self._env.get(name)
        if value is None:
            return None
        return Sourced(value, f"{self._source} {name}")

    def get(self, name: str) -> Sourced | None:
        found = self.raw(name)
        return found if found is not None and found.value.strip() != "" else None

    def first(self, *names: str) -> Sourced | None:
        for name in names:
            found = self.get(name)
            if found is not None:
                return found
        return None


class OverlayEnv(EnvView):
    """An environment with values from settings documents on top; those report their own origins."""

    def __init__(self, values: dict[str, str], origins: dict[str, str], source: str) -> None:
        super().__init__(values, source)
        self._origins = origins

    def raw(self, name: str) -> Sourced | None:
        found = super().raw(name)
        if found is None:
            return None
        return Sourced(found.value, self._origins.get(name, found.origin))


def scalar_text(value: Any, source: str, key: str) -> str | None:
    """A settings scalar as text (``true``/``false`` for booleans); None for null; lists/maps rejected."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise InputError(f"expected a string, got {type(value).__name__}", source=source, field=key)


def get_str(data: Mapping[str, Any], key: str, source: str, *, field_prefix: str = "") -> str | None:
    value = scalar_text(data.get(key), source, field_prefix + key)
    return value.strip() if value is not None and value.strip() != "" else None


def get_bool(data: Mapping[str, Any], key: str, source: str, *, field_prefix: str = "") -> bool | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise InputError(f"expected true or false, got {value!r}", source=source, field=field_prefix + key)


def get_map(
    data: Mapping[str, Any], key: str, source: str, *, field_prefix: str = ""
) -> Mapping[str, Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise InputError(
            f"expected a mapping, got {type(value).__name__}", source=source, field=field_prefix + key
        )
    return value


def get_list(data: Mapping[str, Any], key: str, source: str, *, field_prefix: str = "") -> list[Any] | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise InputError(
            f"expected a list, got {type(value).__name__}", source=source, field=field_prefix + key
        )
    return value


# Settings merged into one table: key -> (value, origin), the first layer that sets a key wins.
SettingsTable = Mapping[str, tuple[Any, str]]


def sourced_text(table: SettingsTable, *keys: str) -> Sourced | None:
    """The first of ``keys`` that holds a non-empty scalar, as stripped text with its origin."""
    for key in keys:
        found = table.get(key)
        if found is not None:
            text = get_str({key: found[0]}, key, found[1])
            if text:
                return Sourced(text, found[1])
    return None


def sourced_flag(table: SettingsTable, key: str) -> bool:
    """A boolean setting of the table (``true``/``false`` strings accepted); False when absent."""
    found = table.get(key)
    return found is not None and bool(get_bool({key: found[0]}, key, found[1]))


def valid_region(value: Sourced | None, findings: list[ConfigFinding], client: str) -> Sourced | None:
    """The value if it is shaped like a Region; otherwise a REGION_INVALID_IGNORED finding and None."""
    if value is None:
        return None
    if is_region_name(value.value):
        return value
    findings.append(
        finding(
            "REGION_INVALID_IGNORED",
            f"{client} ignores {value.origin}={echo(value.value)}: it is not shaped like an AWS Region.",
            hint="Use a Region code such as eu-west-1.",
            origin=value.origin,
        )
    )
    return None


def boto_session_region(
    env: EnvView, files: AwsSharedFiles, profile: str, findings: list[ConfigFinding], client: str
) -> Sourced | None:
    """``boto3.Session(profile_name=profile).region_name``: ``AWS_DEFAULT_REGION``, then the profile's
    region (credentials file first), as the Python wrappers over boto3 get it."""
    found = valid_region(env.get("AWS_DEFAULT_REGION"), findings, client)
    if found is not None:
        return found
    return valid_region(files.lookup(profile, "region", prefer="credentials"), findings, client)


# --------------------------------------------------------------------------------------------------
# Credentials


@dataclass(frozen=True)
class Credentials:
    """How the client authenticates, described without secrets."""

    kind: str
    description: str
    auth: AuthMode = "sigv4"
    origin: str = ""
    bearer: BearerInfo | None = None
    hints: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def bearer_credentials(token: Sourced, *, extra: str = "") -> Credentials:
    info = classify_bearer(token.value)
    auth: AuthMode = "bearer-short-term" if info.kind == "short-term" else "bearer-long-term"
    return Credentials(
        kind="bearer",
        description=f"{info.describe()} from {token.origin}{extra}",
        auth=auth,
        origin=token.origin,
        bearer=info,
        hints=MappingProxyType({"credential_kind": f"bedrock-api-key ({info.kind})"}),
    )


def bearer_type_findings(creds: Credentials) -> list[ConfigFinding]:
    if creds.bearer is not None and creds.bearer.kind == "unknown":
        return [
            finding(
                "BEARER_TYPE_UNKNOWN",
                f"The bearer token in {creds.origin} is neither 'bedrock-api-key-…' (short-term) nor 'ABSK…' "
                "(long-term); it is treated as long-term.",
                hint="If it is a gateway token, the gateway's identity is what AWS evaluates.",
                origin=creds.origin,
            )
        ]
    return []


def credentials_of_kind(
    kind: str, credential_kind: str, description: str, *, origin: str, hints: dict[str, str]
) -> Credentials:
    """Credentials whose ``credential_kind`` hint is added last to the identity ``hints`` gathered so far."""
    hints["credential_kind"] = credential_kind
    return Credentials(kind, description, origin=origin, hints=MappingProxyType(hints))


def _profile_key_credentials(
    section: AwsProfile | None, where: str, hints: dict[str, str]
) -> Credentials | None:
    key = section.get("aws_access_key_id") if section else None
    if key is None:
        return None
    return credentials_of_kind(
        "profile:static",
        "static-keys",
        f"{where}: {access_key_kind(key.value)} in {key.origin.split(' [')[0]}",
        origin=key.origin,
        hints=hints,
    )


def profile_credentials(
    files: AwsSharedFiles, profile: str, profile_origin: str, *, client: str
) -> Credentials:
    """What a named profile resolves to, in botocore's provider order (assume-role, web identity, SSO,
    credentials-file keys, credential_process, config-file keys)."""
    hints: dict[str, str] = {"aws_profile": profile}
    where = f"AWS profile {profile!r} ({profile_origin})"
    if not files.known:
        return credentials_of_kind(
            "profile", "profile", f"{where}; shared files not supplied", origin=profile_origin, hints=hints
        )
    role = files.lookup(profile, "role_arn")
    if role is not None:
        role_arn = parse_arn(role.value)
        hints["role_arn"] = role.value
        if (
            role_arn is not None
            and role_arn.service == "iam"
            and role_arn.resource.startswith("role/")
            and len(role_arn.account) == 12
            and role_arn.account.isdigit()
        ):
            hints["account"] = role_arn.account
        if files.lookup(profile, "web_identity_token_file") is not None:
            return credentials_of_kind(
                "profile:web-identity",
                "web-identity",
                f"{where}: web identity → {role.value}",
                origin=role.origin,
                hints=hints,
            )
        source = files.lookup(profile, "source_profile") or files.lookup(profile, "credential_source")
        if source is not None:
            hints["source"] = source.value
        via = f" via {source.value}" if source else ""
        return credentials_of_kind(
            "profile:assume-role",
            "assume-role",
            f"{where}: assumes {role.value}{via}",
            origin=role.origin,
            hints=hints,
        )
    sso = files.lookup(profile, "sso_session", prefer="config") or files.lookup(
        profile, "sso_start_url", prefer="config"
    )
    if sso is not None:
        account = files.lookup(profile, "sso_account_id", prefer="config")
        role_name = files.lookup(profile, "sso_role_name", prefer="config")
        if account is not None:
            hints["account"] = account.value
        if role_name is not None:
            hints["sso_role_name"] = role_name.value
        target = f" → account {account.value}" if account else ""
        target += f" role {role_name.value}" if role_name else ""
        return credentials_of_kind(
            "profile:sso", "sso", f"{where}: IAM Identity Center{target}", origin=sso.origin, hints=hints
        )
    from_credentials_file = _profile_key_credentials(files.credentials_profiles.get(profile), where, hints)
    if from_credentials_file is not None:
        return from_credentials_file
    process = files.lookup(profile, "credential_process")
    if process is not None:
        return credentials_of_kind(
            "profile:process",
            "credential-process",
            f"{where}: credential_process ({process.origin})",
            origin=process.origin,
            hints=hints,
        )
    from_config_file = _profile_key_credentials(files.config_profiles.get(profile), where, hints)
    if from_config_file is not None:
        return from_config_file
    return credentials_of_kind(
        "profile",
        "profile",
        f"{where}: no credentials found in the profile",
        origin=profile_origin,
        hints=hints,
    )


def env_key_credentials(key: Sourced) -> Credentials:
    return Credentials(
        "env-keys",
        f"{access_key_kind(key.value)} from {key.origin}",
        origin=key.origin,
        hints=MappingProxyType(
            {"credential_kind": "static-keys" if key.value.startswith("AKIA") else "temporary-keys"}
        ),
    )


def settings_key_credentials(key: Sourced, *, session_token: bool = False) -> Credentials:
    """Access keys written in the client's own settings."""
    token = " with session token" if session_token else ""
    return Credentials(
        "settings-keys",
        f"{access_key_kind(key.value)}{token} from {key.origin}",
        origin=key.origin,
        hints=MappingProxyType({"credential_kind": "static-keys"}),
    )


def js_default_chain_credentials(env: EnvView, files: AwsSharedFiles, client: str) -> Credentials:
    """The AWS SDK for JavaScript default chain as the VS Code extensions reach it (Roo Code, Cline 4.1):
    ``AWS_PROFILE``, then environment keys, then the default profile."""
    profile = env.get("AWS_PROFILE")
    if profile is not None:
        return profile_credentials(files, profile.value, profile.origin, client=client)
    keys = env.get("AWS_ACCESS_KEY_ID")
    if keys is not None:
        return env_key_credentials(keys)
    return profile_credentials(files, "default", "default profile", client=client)


def profile_missing_findings(
    files: AwsSharedFiles, profile: Sourced | None, client: str
) -> list[ConfigFinding]:
    if profile is None or not files.known or profile.value == "default" or files.has_profile(profile.value):
        return []
    return [
        finding(
            "AWS_PROFILE_NOT_FOUND",
            f"{client}: profile {profile.value!r} ({profile.origin}) is not defined in the AWS shared files.",
            hint="Define the profile or fix the name; the SDK raises 'profile not found' instead of calling Bedrock.",
            origin=profile.origin,
        )
    ]


# --------------------------------------------------------------------------------------------------
# Readers


class ReaderState:
    """What every reader starts from: its config, the findings so far, the version it reasons with, the
    launch environment and the AWS shared files."""

    def __init__(self, config: ClientConfig, client: str, current: str) -> None:
        self.config = config
        self.findings: list[ConfigFinding] = []
        self.ver = version_info(config, client, current, self.findings)
        self.env: EnvView = EnvView(config.env, config.env_source)
        self.files = AwsSharedFiles.from_sources(config.aws_config, config.aws_credentials)


@dataclass(frozen=True)
class Reader:
    """A :class:`~bedrock_access.clients.interface.ClientReader` that hands each config to ``run``."""

    kind: str
    run: Callable[[ClientConfig], ClientResolution]

    def resolve(self, config: ClientConfig) -> ClientResolution:
        return self.run(config)


# --------------------------------------------------------------------------------------------------
# Invocations and the checks every client gets


def make_invocation(
    kind: str,
    role: str,
    model: Sourced,
    region: Sourced,
    *,
    operation: Operation,
    creds: Credentials,
    endpoint: Sourced | None = None,
    label: str | None = None,
    operation_origin: str | None = None,
) -> Invocation:
    origin = {"model": model.origin, "region": region.origin, "auth": creds.description}
    if endpoint is not None:
        origin["endpoint"] = endpoint.origin
    if operation_origin:
        origin["operation"] = operation_origin
    return Invocation(
        label=label or f"{kind} {role}",
        model=model.value,
        region=region.value,
        operation=operation,
        auth=creds.auth,
        role=role,
        endpoint=endpoint.value if endpoint is not None else None,
        origin=MappingProxyType(origin),
    )


_PROFILE_ONLY_RE = re.compile(
    r"^(anthropic\.claude-(opus|sonnet|haiku|fable)-|anthropic\.claude-3-7-|anthropic\.claude-3-5-sonnet-20241022"
    r"|anthropic\.claude-3-5-haiku|amazon\.nova-(2|micro|lite|pro|premier)|deepseek\.|meta\.llama3-[23]-"
    r"|meta\.llama4|mistral\.pixtral-large)"
)


# The readers' caution about prefixes a client derives by itself, not an AWS table: few models have a
# profile with these prefixes, and the newest models ship only jp./au. profiles for these Regions.
# Whether the derived id exists is the catalog's answer (the check reports unknown ids).
_SPARSE_PREFIXES = frozenset({"jp", "au", "ca"})
_JP_AU_REGIONS = frozenset({"ap-northeast-1", "ap-northeast-3", "ap-southeast-2", "ap-southeast-4"})


def profile_only_likely(base_id: str) -> bool:
    """Models documented (Cline's PROFILE_REQUIRED list, clients.md §0) as having no on-demand throughput."""
    return bool(_PROFILE_ONLY_RE.match(base_id))


def common_checks(
    client: str,
    invocations: Sequence[Invocation],
    creds: Credentials,
    *,
    skip: frozenset[str] = frozenset(),
    geo_hint: str = "",
    bare_hint: str = "",
) -> list[ConfigFinding]:
    """Checks that need neither the catalogue nor a policy (clients.md §11 checks 1, 2, 4, 5)."""
    out: list[ConfigFinding] = []
    geos: dict[str, list[str]] = {}
    for inv in invocations:
        ref = parse_model(inv.model)
        prefix = ref.prefix
        if prefix is not None:
            geos.setdefault(prefix, []).append(inv.label)
            if not is_profile_prefix(prefix):
                out.append(
                    finding(
                        "PROFILE_PREFIX_UNKNOWN",
                        f"{inv.label}: {inv.model!r} starts with '{prefix}.', which is not an inference-profile prefix "
                        f"({', '.join(SCOPES)}): Bedrock answers 400.",
                        hint="Pin a valid profile id.",
                        origin=inv.origin.get("model", ""),
                        invocations=[inv.label],
                    )
                )
            elif prefix != GLOBAL_SCOPE and not prefix_offered_from(prefix, inv.region):
                out.append(
                    finding(
                        "PROFILE_GEO_MISMATCH",
                        f"{inv.label}: the '{prefix}.' profile {inv.model!r} is called from {inv.region}, outside its "
                        "geography: 400 'The provided model identifier is invalid.'",
                        hint=geo_hint
                        or f"Use the profile prefix of {inv.region}'s geography, or change the Region.",
                        origin=inv.origin.get("model", ""),
                        invocations=[inv.label],
                    )
                )
        if ref.form == "bare" and "BARE_MODEL_ID" not in skip and profile_only_likely(ref.base):
            out.append(
                finding(
                    "BARE_MODEL_ID",
                    f"{inv.label}: bare foundation-model id {inv.model!r} is sent; this model is listed as "
                    "inference-profile only, so on-demand invocation fails with a 400 ValidationException.",
                    hint=bare_hint or "Use a geographic or global inference-profile id (e.g. eu.…) instead.",
                    origin=inv.origin.get("model", ""),
                    invocations=[inv.label],
                )
            )
        if ref.form == "anthropic" and "ANTHROPIC_FORMAT_ID" not in skip:
            out.append(
                finding(
                    "ANTHROPIC_FORMAT_ID",
                    f"{inv.label}: {inv.model!r} is an Anthropic API id; {client} sends it to Bedrock unchanged "
                    "(400 'The provided model identifier is invalid').",
                    hint="Use the Bedrock id (e.g. eu.anthropic.claude-…).",
                    origin=inv.origin.get("model", ""),
                    invocations=[inv.label],
                )
            )
        if ref.form == "arn" and ref.arn_region and ref.arn_region != inv.region:
            out.append(
                finding(
                    "ARN_REGION_MISMATCH",
                    f"{inv.label}: the ARN names {ref.arn_region} but {client} sends the request to {inv.region}; "
                    "expect a 400/404 (the ARN does not move the endpoint). [uncertain: inferred]",
                    hint=f"Use an ARN from {inv.region} or send the request to {ref.arn_region}.",
                    origin=inv.origin.get("model", ""),
                    invocations=[inv.label],
                )
            )
        derived = "derived" in inv.origin.get("model", "")
        if (
            derived
            and "PROFILE_AVAILABILITY_UNKNOWN" not in skip
            and prefix is not None
            and prefix != GLOBAL_SCOPE
            and is_profile_prefix(prefix)
            and prefix_offered_from(prefix, inv.region)
        ):
            if prefix in _SPARSE_PREFIXES:
                why = f"few models have a '{prefix}.' profile"
            elif prefix == "apac" and inv.region in _JP_AU_REGIONS:
                why = f"the newest models ship only jp./au. profiles for {inv.region}"
            else:
                why = ""
            if why:
                out.append(
                    finding(
                        "PROFILE_AVAILABILITY_UNKNOWN",
                        f"{inv.label}: {client} derived the '{prefix}.' prefix from the Region; {why}, so "
                        f"{inv.model!r} may not exist (400).",
                        hint="Check the model catalogue for this profile, or pin an id you know exists.",
                        origin=inv.origin.get("model", ""),
                        invocations=[inv.label],
                    )
                )
    if len(geos) > 1:
        parts = "; ".join(f"{p}.: {', '.join(labels)}" for p, labels in sorted(geos.items()))
        out.append(
            finding(
                "MIXED_GEOGRAPHIES",
                f"{client} calls use several profile geographies ({parts}).",
                hint="Pin every role to the same geography, or make sure SCPs and IAM allow each geography's destination Regions.",
                invocations=[label for labels in geos.values() for label in labels],
            )
        )
    if invocations:
        main = invocations[0]
        others: dict[str, list[str]] = {}
        for inv in invocations[1:]:
            if inv.region != main.region:
                others.setdefault(inv.region, []).append(inv.label)
        for region, labels in sorted(others.items()):
            out.append(
                finding(
                    "ROLE_REGION_DIFFERS",
                    f"{', '.join(labels)} go to {region}, while {main.label} goes to {main.region}.",
                    hint="Policies must allow both Regions, and a short-term API key works in one Region only.",
                    origin=next(
                        inv.origin.get("region", "") for inv in invocations if inv.label == labels[0]
                    ),
                    invocations=labels,
                )
            )
    out.extend(_bearer_checks(invocations, creds))
    out.extend(_endpoint_checks(client, invocations))
    return out


def _bearer_checks(invocations: Sequence[Invocation], creds: Credentials) -> list[ConfigFinding]:
    out: list[ConfigFinding] = []
    bearer_invs = [inv for inv in invocations if inv.auth != "sigv4"]
    if not bearer_invs or creds.bearer is None:
        return out
    if creds.bearer.kind == "short-term" and creds.bearer.region:
        wrong = [inv for inv in bearer_invs if inv.region != creds.bearer.region]
        for region in sorted({inv.region for inv in wrong}):
            labels = [inv.label for inv in wrong if inv.region == region]
            out.append(
                finding(
                    "BEARER_REGION_MISMATCH",
                    f"The short-term Bedrock API key ({creds.origin}) was generated for {creds.bearer.region}, but "
                    f"{', '.join(labels)} call {region}: 403.",
                    hint=f"Generate a key in {region}, keep every call in {creds.bearer.region}, or use SigV4 credentials.",
                    origin=creds.origin,
                    invocations=labels,
                )
            )
    elif creds.bearer.kind != "long-term":
        regions = sorted({inv.region for inv in bearer_invs})
        if len(regions) > 1:
            out.append(
                finding(
                    "BEARER_MULTI_REGION",
                    f"One bearer token ({creds.origin}) is used in {', '.join(regions)}; a short-term key only works "
                    "in the Region it was generated in.",
                    hint="Use one Region for all calls, a long-term key, or SigV4 credentials.",
                    origin=creds.origin,
                    invocations=[inv.label for inv in bearer_invs],
                )
            )
    return out


def _endpoint_checks(client: str, invocations: Sequence[Invocation]) -> list[ConfigFinding]:
    out: list[ConfigFinding] = []
    by_url: dict[tuple[str, str], list[Invocation]] = {}
    for inv in invocations:
        if inv.endpoint:
            by_url.setdefault((inv.endpoint, inv.origin.get("endpoint", "")), []).append(inv)
    for (url, origin), invs in by_url.items():
        info = endpoint_info(url)
        labels = [inv.label for inv in invs]
        if ".undefined." in info.host:
            continue  # a broken URL the reader reports itself (Continue)
        if info.vpce:
            out.append(
                finding(
                    "VPC_ENDPOINT",
                    f"{client} calls go through the VPC endpoint {info.host} ({origin}): aws:SourceIp is absent "
                    "from the request context and aws:SourceVpce is present.",
                    hint="A 'Deny unless aws:SourceIp' policy denies these calls; condition on aws:SourceVpce instead.",
                    origin=origin,
                    invocations=labels,
                )
            )
        elif not info.fips and not info.host.endswith(".api.aws"):
            out.append(
                finding(
                    "CUSTOM_ENDPOINT",
                    f"{client} calls go to {info.host or url} ({origin}) instead of the regional endpoint. If it is a "
                    "gateway or proxy, AWS sees the gateway's identity and network address; if it is a VPC endpoint "
                    "with a custom name, aws:SourceIp is absent.",
                    hint="Check the policies of the identity that actually signs the requests.",
                    origin=origin,
                    invocations=labels,
                )
            )
        for region in sorted({inv.region for inv in invs}):
            if info.region and info.region != region:
                wrong = [inv.label for inv in invs if inv.region == region]
                out.append(
                    finding(
                        "ENDPOINT_REGION_MISMATCH",
                        f"The endpoint {info.host} is in {info.region} but {', '.join(wrong)} are signed for {region}: "
                        "SigV4 'credential should be scoped to a valid region' (403).",
                        hint=f"Use an endpoint in {region} or set the Region to {info.region}.",
                        origin=origin,
                        invocations=wrong,
                    )
                )
    return out


def file_secret_findings(layers: Iterable[SettingsLayer], client: str) -> list[ConfigFinding]:
    """LONG_TERM_KEY_IN_FILE / CREDENTIALS_IN_FILE for credentials written in settings documents."""
    out: list[ConfigFinding] = []
    for layer in layers:
        long_term: list[str] = []
        temporary: list[str] = []

        def walk(
            path: str, value: Any, long_term: list[str] = long_term, temporary: list[str] = temporary
        ) -> None:
            if isinstance(value, str):
                if value.startswith("AKIA") or value.startswith("ABSK"):
                    long_term.append(path)
                elif value.startswith("ASIA") or value.startswith("bedrock-api-key-"):
                    temporary.append(path)
            elif isinstance(value, Mapping):
                for key, item in value.items():
                    walk(f"{path}.{key}" if path else str(key), item)
            elif isinstance(value, list):
                for index, item in enumerate(value):
                    walk(f"{path}[{index}]", item)

        walk("", layer.data)
        if long_term:
            out.append(
                finding(
                    "LONG_TERM_KEY_IN_FILE",
                    f"{client}: long-term credentials are written in {layer.source} ({', '.join(long_term)}).",
                    hint="Move them to a credential store or an AWS profile (SSO, credential_process), and rotate them.",
                    origin=f"{layer.source} {long_term[0]}",
                )
            )
        if temporary:
            out.append(
                finding(
                    "CREDENTIALS_IN_FILE",
                    f"{client}: temporary credentials are written in {layer.source} ({', '.join(temporary)}); they "
                    "expire and then fail with 403 'security token … expired'.",
                    hint="Prefer a profile with automatic refresh (SSO, credential_process).",
                    origin=f"{layer.source} {temporary[0]}",
                )
            )
    return out


# --------------------------------------------------------------------------------------------------
# Assembly


def config_secrets(config: ClientConfig, files: AwsSharedFiles | None = None) -> set[str]:
    pairs: list[tuple[str, Any]] = list(config.env.items())
    for layer in config.settings:
        pairs.extend(layer.data.items())
    secrets = collect_secrets(pairs)
    if files is not None:
        for profiles in (files.credentials_profiles, files.config_profiles):
            for profile in profiles.values():
                for key in ("aws_access_key_id", "aws_secret_access_key", "aws_session_token"):
                    value = profile.values.get(key)
                    if value:
                        secrets.add(value)
    return secrets


def _scrub_invocation(inv: Invocation, scrub: Scrubber) -> Invocation:
    return replace(
        inv,
        label=scrub(inv.label),
        model=scrub(inv.model),
        endpoint=scrub(inv.endpoint) if inv.endpoint else None,
        origin=MappingProxyType(scrub.mapping(inv.origin)),
    )


def finalize(
    config: ClientConfig,
    *,
    invocations: Sequence[Invocation],
    findings: Sequence[ConfigFinding],
    creds: Credentials,
    region: Sourced | None,
    endpoint: str | None = None,
    hints: Mapping[str, str] | None = None,
    files: AwsSharedFiles | None = None,
) -> ClientResolution:
    """Deduplicate and order findings, and scrub every string of any secret value from the config."""
    scrub = Scrubber(config_secrets(config, files))
    seen: set[tuple[str, str]] = set()
    unique: list[ConfigFinding] = []
    for item in findings:
        key = (item.code, item.message)
        if key in seen:
            continue
        seen.add(key)
        unique.append(
            ConfigFinding(
                code=item.code,
                severity=item.severity,
                message=scrub(item.message),
                hint=scrub(item.hint),
                origin=scrub(item.origin),
                invocations=tuple(scrub(label) for label in item.invocations),
            )
        )
    unique.sort(key=lambda f: _SEVERITY_RANK[f.severity])
    merged_hints = dict(creds.hints)
    merged_hints.update(hints or {})
    return ClientResolution(
        kind=config.kind,
        version=config.version,
        invocations=tuple(_scrub_invocation(inv, scrub) for inv in invocations),
        findings=tuple(unique),
        credential_source=scrub(creds.description),
        principal_hints=MappingProxyType(scrub.mapping(merged_hints)),
        region=region.value if region else None,
        region_origin=scrub(region.origin) if region else None,
        auth=creds.auth,
        endpoint=scrub(endpoint) if endpoint else None,
    )
