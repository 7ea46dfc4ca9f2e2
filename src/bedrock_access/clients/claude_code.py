"""Claude Code (CLI, VS Code extension, Agent SDK) on Amazon Bedrock: clients.md §1.

Resolution order, per role (main, background, subagent, explore, plan, pinned aliases):

1. Environment: the launch environment, overlaid by each settings file's ``env`` block from the lowest to
   the highest precedence (user < project < local < ``--settings`` < managed). Settings win over the shell.
2. Provider: ``CLAUDE_CODE_USE_BEDROCK`` (any non-empty value before 1.0.124; 1/true/yes/on after).
3. Session Region R: ``AWS_REGION`` ‖ ``AWS_DEFAULT_REGION`` ‖ profile ``region`` (credentials file first,
   2.1.172+ only) ‖ ``us-east-1``; values not shaped like a Region are skipped.
4. Models: ``ANTHROPIC_MODEL`` > settings ``model`` > ``ANTHROPIC_DEFAULT_MODEL`` (2.1.236+) > built-in
   default; aliases through ``ANTHROPIC_DEFAULT_<FAMILY>_MODEL``, ``modelOverrides`` and the built-in table;
   built-in prefixes from the Region (2.1.128+) or a literal ``us.``/``global.`` before.
5. Per-request Region: ``ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION`` for requests whose model is the small/fast
   model, when the version's conditions hold; otherwise R.
6. Credentials: ``CLAUDE_CODE_SKIP_BEDROCK_AUTH`` > ``AWS_BEARER_TOKEN_BEDROCK`` > ``awsCredentialExport`` >
   the AWS SDK for JavaScript default chain (``AWS_PROFILE`` skips environment keys).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bedrock_access.bedrock.invocation import Invocation
from bedrock_access.clients._common import (
    Credentials,
    EnvView,
    OverlayEnv,
    Reader,
    bearer_credentials,
    bearer_type_findings,
    common_checks,
    env_key_credentials,
    file_secret_findings,
    finalize,
    finding,
    get_map,
    make_invocation,
    profile_credentials,
    profile_missing_findings,
    scalar_text,
    valid_region,
    version_info,
    vtext,
)
from bedrock_access.clients._ids import parse_model, prefix_offered_from
from bedrock_access.clients._version import Version, v
from bedrock_access.clients.aws_config import AwsSharedFiles, Sourced
from bedrock_access.clients.interface import ClientConfig, ClientResolution, ConfigFinding, SettingsLayer
from bedrock_access.errors import InputError
from bedrock_access.redact import echo

KIND = "claude-code"
CLIENT = "Claude Code"
CURRENT = "2.1.330"  # newest bundle read for clients.md
SCOPES: tuple[str, ...] = ("managed", "cli", "local", "project", "user")  # highest precedence first

# Version gates (clients.md §1 and §11).
USE_BEDROCK_STRICT = v("1.0.124")
SMALL_FAST_REGION_ADDED = v("1.0.12")
SUBAGENT_GEO_FIX = v("2.1.0")
BUILTIN_REPREFIX = v("2.1.128")
BACKGROUND_FOLLOWS_MAIN = v("2.1.141")
AWS_CONFIG_REGION = v("2.1.172")
GOVCLOUD_PREFIX_FIX = v("2.1.174")
SUBAGENT_INHERIT = v("2.1.196")
EXPLORE_INHERITS = v("2.1.198")
OVERRIDES_EVERYWHERE = v("2.1.200")
OPUS_48_DEFAULT = v("2.1.207")
OPUS_5_DEFAULT = v("2.1.219")
REGION_PREFIX_ENV = v("2.1.224")
DEFAULT_MODEL_ENV = v("2.1.236")
AUTH_HEADER_FIX = v("2.1.101")
BEARER_EMPTY_FIX = v("2.1.97")
CACHE_1H_FIX = v("2.1.132")
SSO_REGION_BUG = v("2.1.207")

_TRUTHY = frozenset({"1", "true", "yes", "on"})
_FALSY_LOOKING = frozenset({"0", "false", "no", "off"})
_PREFIX_VALUES = frozenset({"us", "eu", "apac", "jp", "au", "global"})
_ALIASES: Mapping[str, str | None] = {
    "opus": "opus",
    "best": "opus",
    "sonnet": "sonnet",
    "opusplan": "sonnet",
    "haiku": "haiku",
    "fable": "fable",
    "default": None,
}
# Variables a host that manages the provider (CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST) ignores in settings
# files [docs; the exact list is uncertain].
_HOST_MANAGED = frozenset(
    {
        "CLAUDE_CODE_USE_BEDROCK",
        "CLAUDE_CODE_USE_VERTEX",
        "CLAUDE_CODE_USE_FOUNDRY",
        "CLAUDE_CODE_USE_MANTLE",
        "ANTHROPIC_BEDROCK_BASE_URL",
        "ANTHROPIC_BEDROCK_MANTLE_BASE_URL",
        "CLAUDE_CODE_SKIP_BEDROCK_AUTH",
        "ANTHROPIC_BASE_URL",
    }
)
_WATCHED = ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "CLAUDE_CODE_USE_BEDROCK", "ANTHROPIC_MODEL")


@dataclass(frozen=True)
class _Builtin:
    family: str
    since: Version
    until: Version | None
    anthropic_id: str
    bedrock_id: str
    uncertain: bool


# Built-in alias targets per version. Rows marked uncertain are not pinned down by the docs history.
_BUILTINS: tuple[_Builtin, ...] = (
    _Builtin("opus", v("2.1.219"), None, "claude-opus-5", "anthropic.claude-opus-5", False),
    _Builtin("opus", v("2.1.207"), v("2.1.219"), "claude-opus-4-8", "anthropic.claude-opus-4-8", False),
    _Builtin("opus", v("2.1.0"), v("2.1.207"), "claude-opus-4-6", "anthropic.claude-opus-4-6-v1", True),
    _Builtin(
        "opus",
        v("0.0.0"),
        v("2.1.0"),
        "claude-opus-4-1-20250805",
        "anthropic.claude-opus-4-1-20250805-v1:0",
        True,
    ),
    _Builtin(
        "sonnet",
        v("2.0.0"),
        None,
        "claude-sonnet-4-5-20250929",
        "anthropic.claude-sonnet-4-5-20250929-v1:0",
        False,
    ),
    _Builtin(
        "sonnet",
        v("0.0.0"),
        v("2.0.0"),
        "claude-sonnet-4-20250514",
        "anthropic.claude-sonnet-4-20250514-v1:0",
        True,
    ),
    _Builtin(
        "haiku",
        v("2.1.0"),
        None,
        "claude-haiku-4-5-20251001",
        "anthropic.claude-haiku-4-5-20251001-v1:0",
        False,
    ),
    _Builtin(
        "haiku",
        v("2.0.31"),
        v("2.1.0"),
        "claude-haiku-4-5-20251001",
        "anthropic.claude-haiku-4-5-20251001-v1:0",
        True,
    ),
    _Builtin(
        "haiku",
        v("0.0.0"),
        v("2.0.31"),
        "claude-3-5-haiku-20241022",
        "anthropic.claude-3-5-haiku-20241022-v1:0",
        False,
    ),
)

# The picker's Anthropic-id → Bedrock-id mapping used for Anthropic-format ids from 2.1.200.
_ANTHROPIC_TO_BEDROCK: Mapping[str, str] = {
    "claude-opus-5": "anthropic.claude-opus-5",
    "claude-opus-4-8": "anthropic.claude-opus-4-8",
    "claude-opus-4-6": "anthropic.claude-opus-4-6-v1",
    "claude-sonnet-5": "anthropic.claude-sonnet-5",
    "claude-sonnet-4-6": "anthropic.claude-sonnet-4-6",
    "claude-sonnet-4-5": "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "claude-sonnet-4-5-20250929": "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "claude-sonnet-4-20250514": "anthropic.claude-sonnet-4-20250514-v1:0",
    "claude-haiku-4-5": "anthropic.claude-haiku-4-5-20251001-v1:0",
    "claude-haiku-4-5-20251001": "anthropic.claude-haiku-4-5-20251001-v1:0",
    "claude-3-7-sonnet-20250219": "anthropic.claude-3-7-sonnet-20250219-v1:0",
    "claude-3-5-haiku-20241022": "anthropic.claude-3-5-haiku-20241022-v1:0",
}

_ONE_M = re.compile(r"\[1m\]\s*$", re.IGNORECASE)
_AUTH_HEADER = re.compile(r"(?im)(^|[\n,;])\s*authorization\s*:")


def truthy(value: Sourced | None) -> bool:
    return value is not None and value.value.strip().lower() in _TRUTHY


@dataclass(frozen=True)
class _Res:
    model: Sourced
    builtin: bool = False


class _Resolver:
    """All state of one Claude Code resolution."""

    def __init__(self, config: ClientConfig) -> None:
        self.config = config
        self.findings: list[ConfigFinding] = []
        self.ver = version_info(config, CLIENT, CURRENT, self.findings)
        self.layers = _order_layers(config.settings)
        self.managed_by_host = truthy(
            EnvView(config.env, config.env_source).get("CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST")
        )
        self.env = self._effective_env()
        self.files = AwsSharedFiles.from_sources(config.aws_config, config.aws_credentials)
        self.overrides = self._model_overrides()
        self.prefix = Sourced("us", "not resolved yet")  # set by run() once the session Region is known

    # -- settings ---------------------------------------------------------------------------------

    def _effective_env(self) -> EnvView:
        shell = dict(self.config.env)
        values: dict[str, str] = dict(shell)
        origins: dict[str, str] = {}
        ignored: list[str] = []
        for layer in reversed(self.layers):  # lowest precedence first, so higher layers overwrite
            block = get_map(layer.data, "env", layer.source) or {}
            for key, raw in block.items():
                name = str(key)
                text = scalar_text(raw, layer.source, f"env.{name}")
                if text is None:
                    continue
                if self.managed_by_host and name in _HOST_MANAGED:
                    ignored.append(f"{layer.source} env.{name}")
                    continue
                values[name] = text
                origins[name] = f"settings {layer.source} env.{name}"
                if layer.scope == "project" and name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
                    self.findings.append(
                        finding(
                            "CC_PROJECT_SETTINGS_AWS",
                            f"{layer.source} sets {name}={echo(text)} for everyone who opens this repository, over "
                            "their own shell settings.",
                            hint="Keep AWS Region/profile choices in ~/.claude/settings.json or settings.local.json.",
                            origin=f"settings {layer.source} env.{name}",
                        )
                    )
        if ignored:
            self.findings.append(
                finding(
                    "CC_PROVIDER_MANAGED_BY_HOST",
                    f"CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST is set: ignoring {', '.join(ignored)} (the list of ignored "
                    "variables is uncertain).",
                    origin=f"{self.config.env_source} CLAUDE_CODE_PROVIDER_MANAGED_BY_HOST",
                )
            )
        for name in _WATCHED:
            shell_value = shell.get(name)
            if name in origins and shell_value not in (None, "") and shell_value != values[name]:
                self.findings.append(
                    finding(
                        "CC_SETTINGS_OVERRIDE_SHELL",
                        f"{origins[name]}={echo(values[name])} replaces {name}={echo(shell_value)} exported in the shell.",
                        hint="Settings env blocks win over the shell: remove one of them so the intended value is used.",
                        origin=origins[name],
                    )
                )
        return OverlayEnv(values, origins, self.config.env_source)

    def setting(self, key: str) -> tuple[Any, SettingsLayer] | None:
        for layer in self.layers:
            if key in layer.data and layer.data[key] is not None:
                if self.managed_by_host and layer.scope == "managed" and key in ("model", "modelOverrides"):
                    continue
                return layer.data[key], layer
        return None

    def setting_str(self, key: str) -> Sourced | None:
        found = self.setting(key)
        if found is None:
            return None
        value, layer = found
        text = scalar_text(value, layer.source, key)
        if text is None or text.strip() == "":
            return None
        return Sourced(text.strip(), f"settings {layer.source} {key}")

    def _model_overrides(self) -> dict[str, Sourced]:
        managed_only = any(
            layer.scope == "managed" and "availableModels" in layer.data for layer in self.layers
        )
        merged: dict[str, Sourced] = {}
        for layer in reversed(self.layers):
            if managed_only and layer.scope != "managed":
                continue
            block = get_map(layer.data, "modelOverrides", layer.source) or {}
            for key, raw in block.items():
                text = scalar_text(raw, layer.source, f"modelOverrides.{key}")
                if text:
                    merged[str(key)] = Sourced(text, f"settings {layer.source} modelOverrides.{key}")
        return merged

    # -- region and prefix ------------------------------------------------------------------------

    def session_region(self) -> Sourced:
        for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
            found = valid_region(self.env.get(name), self.findings, CLIENT)
            if found is not None:
                return found
        profile = self.env.get("AWS_PROFILE")
        profile_name = profile.value if profile else "default"
        from_profile = self.files.lookup(profile_name, "region", prefer="credentials")
        if self.ver.at_least(AWS_CONFIG_REGION):
            found = valid_region(from_profile, self.findings, CLIENT)
            if found is not None:
                return found
        elif from_profile is not None:
            self.findings.append(
                finding(
                    "CC_AWS_CONFIG_REGION_IGNORED",
                    f"Claude Code {vtext(self.ver)} never reads ~/.aws: the Region in {from_profile.origin} "
                    f"({from_profile.value}) is ignored and us-east-1 is used. Fixed in 2.1.172.",
                    hint=f"Set AWS_REGION={from_profile.value} (e.g. in the settings env block) or upgrade to 2.1.172+.",
                    origin=from_profile.origin,
                )
            )
            return Sourced("us-east-1", f"built-in fallback Region of Claude Code {vtext(self.ver)}")
        self.findings.append(
            finding(
                "REGION_DEFAULTED",
                "No Region is configured (AWS_REGION, AWS_DEFAULT_REGION"
                + (", profile region" if self.ver.at_least(AWS_CONFIG_REGION) else "")
                + "): Claude Code uses us-east-1.",
                hint="Set AWS_REGION in the settings env block.",
                origin="built-in fallback",
            )
        )
        return Sourced("us-east-1", f"built-in fallback Region of Claude Code {vtext(self.ver)}")

    def builtin_prefix(self, region: Sourced) -> Sourced:
        r = region.value
        requested = self.env.get("ANTHROPIC_BEDROCK_REGION_PREFIX")
        if r.startswith("us-gov-"):
            if not self.ver.at_least(GOVCLOUD_PREFIX_FIX):
                self.findings.append(
                    finding(
                        "CC_GOVCLOUD_GLOBAL_PREFIX",
                        f"Claude Code {vtext(self.ver)} derives the global. prefix in GovCloud ({r}) for built-in "
                        "ids; global profiles are not available there. Fixed in 2.1.174.",
                        hint="Upgrade to 2.1.174+ or pin ANTHROPIC_DEFAULT_*_MODEL / ANTHROPIC_MODEL to us-gov. ids.",
                        origin=region.origin,
                    )
                )
                return Sourced("global", f"derived from {r} (GovCloud → global before 2.1.174)")
            if requested is not None:
                self.findings.append(
                    finding(
                        "CC_REGION_PREFIX_IGNORED_GOVCLOUD",
                        f"{requested.origin} is ignored in GovCloud: us-gov. is forced.",
                        origin=requested.origin,
                    )
                )
            return Sourced("us-gov", f"derived from {r} (GovCloud forces us-gov.)")
        if requested is not None:
            value = requested.value.strip().lower()
            if not self.ver.at_least(REGION_PREFIX_ENV):
                self.findings.append(
                    finding(
                        "CC_VARIABLE_NOT_SUPPORTED",
                        f"{requested.origin} is only read from Claude Code 2.1.224; {vtext(self.ver)} derives the "
                        "prefix from the Region.",
                        hint="Upgrade, or pin ANTHROPIC_DEFAULT_*_MODEL to the profile ids you want.",
                        origin=requested.origin,
                    )
                )
            elif value in _PREFIX_VALUES:
                return Sourced(value, requested.origin)
            else:
                self.findings.append(
                    finding(
                        "CC_REGION_PREFIX_INVALID",
                        f"{requested.origin}={echo(requested.value)} is not one of us, eu, apac, jp, au, global; the "
                        "Region-derived prefix is used.",
                        origin=requested.origin,
                    )
                )
        # Claude Code's own Region -> prefix rule (its code, clients.md §1.4), not AWS's geography: whether
        # the prefix serves the Region is the catalog's answer (PROFILE_GEO_MISMATCH).
        if r.startswith("us-"):
            prefix = "us"
        elif r.startswith("eu-"):
            prefix = "eu"
        elif r.startswith("ap-"):
            prefix = "apac"
        else:
            prefix = "global"
        return Sourced(prefix, f"prefix derived from {r}")

    # -- models -----------------------------------------------------------------------------------

    def builtin_row(self, family: str) -> _Builtin | None:
        """The built-in table row of ``family`` for this version."""
        return next(
            (
                b
                for b in _BUILTINS
                if b.family == family
                and self.ver.value >= b.since
                and (b.until is None or self.ver.value < b.until)
            ),
            None,
        )

    def builtin(self, family: str, prefix: Sourced) -> _Res | None:
        row = self.builtin_row(family)
        if row is None:
            return None
        if row.uncertain:
            self.findings.append(
                finding(
                    "CC_BUILTIN_ID_UNCERTAIN",
                    f"The built-in {family} id of Claude Code {vtext(self.ver)} is not documented precisely; "
                    f"assuming {row.bedrock_id}.",
                    hint=f"Pin ANTHROPIC_DEFAULT_{family.upper()}_MODEL to remove the doubt.",
                    origin="built-in table",
                )
            )
        if not self.ver.at_least(BUILTIN_REPREFIX):
            return _Res(
                Sourced(
                    f"us.{row.bedrock_id}",
                    f"built-in {family} id of Claude Code {vtext(self.ver)} (us. whatever the Region)",
                ),
                True,
            )
        return _Res(
            Sourced(
                f"{prefix.value}.{row.bedrock_id}",
                f"built-in {family} id of Claude Code {vtext(self.ver)} ({prefix.origin})",
            ),
            True,
        )

    def builtin_anthropic_id(self, family: str) -> str | None:
        row = self.builtin_row(family)
        return row.anthropic_id if row else None

    def default_main(self, prefix: Sourced) -> _Res | None:
        ver = self.ver.value
        opus_pin = self.env.get("ANTHROPIC_DEFAULT_OPUS_MODEL")
        sonnet_pin = self.env.get("ANTHROPIC_DEFAULT_SONNET_MODEL")
        if ver >= OPUS_48_DEFAULT:
            if opus_pin is not None:
                return self.resolve(opus_pin, allow_alias=False, note="pinned default (opus family)")
            if sonnet_pin is not None:
                return self.resolve(
                    sonnet_pin,
                    allow_alias=False,
                    note="default falls back to Sonnet when only the Sonnet pin is set",
                )
            return self.alias_builtin("opus", prefix)
        if sonnet_pin is not None:
            return self.resolve(sonnet_pin, allow_alias=False, note="pinned default (sonnet family)")
        if ver >= BUILTIN_REPREFIX:
            return self.alias_builtin("sonnet", prefix)
        if ver >= v("2.0.8"):
            model, note = (
                "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
                "2.0.8–2.1.127: global. default (late builds may use Sonnet 4.6, uncertain)",
            )
        elif ver >= v("2.0.0"):
            model, note = "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "2.0.0–2.0.7"
        else:
            model, note = "us.anthropic.claude-3-7-sonnet-20250219-v1:0", "before 2.0.0"
        return _Res(Sourced(model, f"built-in default model of Claude Code {vtext(self.ver)} ({note})"), True)

    def alias_builtin(self, family: str, prefix: Sourced) -> _Res | None:
        anthropic_id = self.builtin_anthropic_id(family)
        if anthropic_id and anthropic_id in self.overrides:
            override = self.overrides[anthropic_id]
            return _Res(Sourced(override.value, f"{override.origin} (for built-in {family})"))
        return self.builtin(family, prefix)

    def resolve(self, value: Sourced, *, allow_alias: bool = True, note: str = "") -> _Res | None:
        raw = value.value.strip()
        text = _ONE_M.sub("", raw).strip()
        origin = value.origin + (f" ({note})" if note else "") + (" ([1m] stripped)" if text != raw else "")
        key = text.lower()
        if allow_alias and key in _ALIASES:
            family = _ALIASES[key]
            if family is None:
                resolved = self.default_main(self.prefix)
                return (
                    _Res(
                        Sourced(
                            resolved.model.value, f"{resolved.model.origin} (alias 'default' from {origin})"
                        ),
                        resolved.builtin,
                    )
                    if resolved
                    else None
                )
            pin = self.env.get(f"ANTHROPIC_DEFAULT_{family.upper()}_MODEL")
            if pin is not None:
                pinned = self.resolve(pin, allow_alias=False)
                if pinned is None:
                    return None
                return _Res(
                    Sourced(pinned.model.value, f"{pinned.model.origin} (alias '{key}' from {origin})")
                )
            resolved = self.alias_builtin(family, self.prefix)
            if resolved is None:
                self.findings.append(
                    finding(
                        "CC_ALIAS_UNRESOLVED",
                        f"Alias '{key}' ({origin}) has no known built-in Bedrock id in Claude Code {vtext(self.ver)} "
                        f"and ANTHROPIC_DEFAULT_{family.upper()}_MODEL is not set; no invocation is modelled for it.",
                        hint=f"Pin ANTHROPIC_DEFAULT_{family.upper()}_MODEL.",
                        origin=origin,
                    )
                )
                return None
            return _Res(
                Sourced(resolved.model.value, f"{resolved.model.origin} (alias '{key}' from {origin})"),
                resolved.builtin,
            )
        ref = parse_model(text)
        if ref.form == "anthropic":
            if self.ver.at_least(OVERRIDES_EVERYWHERE):
                if text in self.overrides:
                    override = self.overrides[text]
                    return _Res(Sourced(override.value, f"{override.origin} (for {text} from {origin})"))
                mapped = _ANTHROPIC_TO_BEDROCK.get(text)
                if mapped is not None:
                    return _Res(
                        Sourced(
                            f"{self.prefix.value}.{mapped}",
                            f"{origin} mapped by the model picker ({self.prefix.origin})",
                        )
                    )
                self.findings.append(
                    finding(
                        "ANTHROPIC_FORMAT_ID",
                        f"{origin}={text!r} is an Anthropic API id that is neither in modelOverrides nor in the known "
                        "picker mapping; if Claude Code does not map it, Bedrock answers 400.",
                        hint="Use a Bedrock profile id or add it to modelOverrides.",
                        origin=origin,
                        severity="warning",
                    )
                )
            else:
                extra = (
                    " modelOverrides only applies to picker entries before 2.1.200."
                    if text in self.overrides
                    else ""
                )
                self.findings.append(
                    finding(
                        "ANTHROPIC_FORMAT_ID",
                        f"{origin}={text!r} is an Anthropic API id; Claude Code {vtext(self.ver)} sends it to Bedrock "
                        f"unchanged (400 invalid model identifier).{extra} Mapped from 2.1.200.",
                        hint="Use the Bedrock profile id (e.g. eu.anthropic.claude-…) or upgrade to 2.1.200+.",
                        origin=origin,
                    )
                )
        return _Res(Sourced(text, origin))

    # -- the whole resolution ---------------------------------------------------------------------

    def run(self) -> ClientResolution:
        env = self.env
        use = env.raw("CLAUDE_CODE_USE_BEDROCK")
        if self.ver.at_least(USE_BEDROCK_STRICT):
            enabled = truthy(use)
        else:
            enabled = use is not None and use.value != ""
            if enabled and use is not None and use.value.strip().lower() in _FALSY_LOOKING:
                self.findings.append(
                    finding(
                        "CC_USE_BEDROCK_ANY_STRING",
                        f"{use.origin}={echo(use.value)} still enables Bedrock in Claude Code {vtext(self.ver)}: any "
                        "non-empty value counted as true before 1.0.124.",
                        hint="Unset the variable (or set it to an empty string in a settings env block) to disable Bedrock.",
                        origin=use.origin,
                    )
                )
        mantle = truthy(env.get("CLAUDE_CODE_USE_MANTLE"))
        region = self.session_region()
        self.prefix = self.builtin_prefix(region)
        creds = self.credentials(region)
        base_url = env.get("ANTHROPIC_BEDROCK_BASE_URL")
        self.version_bugs(creds, region)
        self.findings.extend(file_secret_findings(self.layers, CLIENT))
        if mantle:
            self.findings.append(
                finding(
                    "CC_MANTLE_NOT_MODELLED",
                    "CLAUDE_CODE_USE_MANTLE is set: Mantle-format ids go to the bedrock-mantle endpoint, which is not "
                    "modelled here" + (" (other ids still use InvokeModel)." if enabled else "."),
                    origin=f"{self.config.env_source} CLAUDE_CODE_USE_MANTLE",
                )
            )
        if not enabled:
            if not mantle:
                where = f" ({use.origin}={echo(use.value)})" if use is not None else ""
                self.findings.append(
                    finding(
                        "BEDROCK_NOT_SELECTED",
                        f"CLAUDE_CODE_USE_BEDROCK is not enabled{where}: Claude Code does not use Amazon Bedrock.",
                        hint="Set CLAUDE_CODE_USE_BEDROCK=1 (shell or settings env block).",
                        origin=use.origin if use else "",
                    )
                )
            return finalize(
                self.config,
                invocations=(),
                findings=self.findings,
                creds=creds,
                region=region,
                files=self.files,
                endpoint=base_url.value if base_url else None,
            )
        invocations = self.invocations(region, creds, base_url)
        self.findings.extend(
            common_checks(
                CLIENT,
                invocations,
                creds,
                skip=frozenset({"ANTHROPIC_FORMAT_ID"}),
                bare_hint="Use a profile id (eu.…, us.…, global.…). Some Claude Code versions instead rewrote a bare "
                "ANTHROPIC_MODEL to us.…, which an SCP limited to other Regions denies (#20594; versions uncertain).",
                geo_hint="Pin ANTHROPIC_MODEL / ANTHROPIC_DEFAULT_{OPUS,SONNET,HAIKU}_MODEL to ids of the session "
                "Region's geography (pins are never rewritten), or change AWS_REGION.",
            )
        )
        self.findings.extend(bearer_type_findings(creds))
        return finalize(
            self.config,
            invocations=invocations,
            findings=self.findings,
            creds=creds,
            region=region,
            endpoint=base_url.value if base_url else None,
            files=self.files,
        )

    def invocations(self, region: Sourced, creds: Credentials, base_url: Sourced | None) -> list[Invocation]:
        env = self.env
        ver = self.ver
        explicit = env.get("ANTHROPIC_MODEL") or self.setting_str("model")
        default_env = env.get("ANTHROPIC_DEFAULT_MODEL")
        main_value: Sourced | None = explicit
        if main_value is None and default_env is not None:
            if ver.at_least(DEFAULT_MODEL_ENV):
                main_value = default_env
            else:
                self.findings.append(
                    finding(
                        "CC_VARIABLE_NOT_SUPPORTED",
                        f"{default_env.origin} is only read from Claude Code 2.1.236; the built-in default is used.",
                        origin=default_env.origin,
                    )
                )
        is_opusplan = (
            main_value is not None and _ONE_M.sub("", main_value.value).strip().lower() == "opusplan"
        )
        main = self.resolve(main_value) if main_value is not None else self.default_main(self.prefix)

        # Background (small/fast) model.
        small_env = env.get("ANTHROPIC_SMALL_FAST_MODEL")
        haiku_env = env.get("ANTHROPIC_DEFAULT_HAIKU_MODEL")
        haiku_configured = small_env is not None or haiku_env is not None
        small: _Res | None
        if small_env is not None:
            small = self.resolve(small_env, allow_alias=False)
        elif haiku_env is not None:
            small = self.resolve(haiku_env, allow_alias=False)
        elif not ver.at_least(BACKGROUND_FOLLOWS_MAIN):
            small = self.alias_builtin("haiku", self.prefix)
        elif not ver.at_least(OPUS_48_DEFAULT) or main is None:
            small = (
                _Res(
                    Sourced(main.model.value, f"same as the main model (Claude Code {vtext(ver)})"),
                    main.builtin,
                )
                if main
                else None
            )
        else:
            opus_only = (
                env.get("ANTHROPIC_DEFAULT_OPUS_MODEL") is not None
                and env.get("ANTHROPIC_DEFAULT_SONNET_MODEL") is None
            )
            if explicit is None and not opus_only:
                sonnet_pin = env.get("ANTHROPIC_DEFAULT_SONNET_MODEL")
                if sonnet_pin is not None:
                    small = self.resolve(
                        sonnet_pin, allow_alias=False, note="background uses the default Sonnet"
                    )
                else:
                    small = self.alias_builtin("sonnet", self.prefix)
            else:
                small = _Res(
                    Sourced(
                        main.model.value,
                        f"same as the main model (explicit main model, Claude Code {vtext(ver)})",
                    ),
                    main.builtin,
                )

        override = self.small_fast_region(main, small, haiku_configured)

        def region_for(model: str) -> Sourced:
            if override is not None and small is not None and model == small.model.value:
                return Sourced(override.value, f"{override.origin} (request model is the small/fast model)")
            return region

        def add(out: list[Invocation], role: str, res: _Res | None) -> None:
            if res is None:
                return
            out.append(
                make_invocation(
                    KIND,
                    role,
                    res.model,
                    region_for(res.model.value),
                    operation="InvokeModelWithResponseStream",
                    creds=creds,
                    endpoint=base_url,
                    operation_origin="Claude Code streams its Bedrock calls",
                )
            )

        out: list[Invocation] = []
        add(out, "main", main)
        add(out, "background", small)

        # Subagents.
        sub_env = env.get("CLAUDE_CODE_SUBAGENT_MODEL")
        if sub_env is not None and sub_env.value.strip().lower() == "inherit":
            if ver.at_least(SUBAGENT_INHERIT):
                sub_env = None
            else:
                self.findings.append(
                    finding(
                        "CC_SUBAGENT_INHERIT_UNSUPPORTED",
                        f"{sub_env.origin}=inherit is only understood from Claude Code 2.1.196; {vtext(ver)} treats it "
                        "as a model id (uncertain).",
                        hint="Unset CLAUDE_CODE_SUBAGENT_MODEL to inherit the main model.",
                        origin=sub_env.origin,
                    )
                )
        sub: _Res | None
        if sub_env is not None:
            sub = self.resolve(sub_env)
        elif main is not None:
            sub = _Res(
                Sourced(main.model.value, f"inherits the main model ({main.model.origin})"), main.builtin
            )
            ref = parse_model(main.model.value)
            if not ver.at_least(SUBAGENT_GEO_FIX) and ref.form == "profile" and ref.prefix in ("eu", "apac"):
                sub = _Res(
                    Sourced(
                        f"us.{ref.base}",
                        f"Claude Code {vtext(ver)} subagent bug: {ref.prefix}. not inherited, us. used",
                    )
                )
                self.findings.append(
                    finding(
                        "CC_SUBAGENT_GEO_BUG",
                        f"Claude Code {vtext(ver)} subagents do not inherit the {ref.prefix}. profile: they call "
                        f"us.{ref.base} (403 where IAM is scoped to {ref.prefix} Regions, 400 from a non-US Region). "
                        "Fixed in 2.1.0.",
                        hint="Upgrade to 2.1.0+ or set CLAUDE_CODE_SUBAGENT_MODEL to the main model id.",
                        origin=main.model.origin,
                        invocations=[f"{KIND} subagent"],
                    )
                )
        else:
            sub = None
        add(out, "subagent", sub)

        if not ver.at_least(EXPLORE_INHERITS):
            explore = sub if sub_env is not None else self.resolve(Sourced("haiku", "Explore subagent model"))
            if explore is not None:
                self.findings.append(
                    finding(
                        "CC_EXPLORE_USES_HAIKU",
                        f"Claude Code {vtext(ver)} runs the Explore subagent on Haiku ({explore.model.value}); it "
                        "inherits the main model from 2.1.198.",
                        hint="Pin ANTHROPIC_DEFAULT_HAIKU_MODEL to an id your policies allow.",
                        origin=explore.model.origin,
                        invocations=[f"{KIND} explore"],
                    )
                )
            add(out, "explore", explore)

        if is_opusplan:
            add(out, "plan", self.resolve(Sourced("opus", "opusplan plan mode")))

        for family in ("opus", "sonnet", "haiku", "fable"):
            pin = env.get(f"ANTHROPIC_DEFAULT_{family.upper()}_MODEL")
            if pin is not None:
                add(out, family, self.resolve(Sourced(family, f"pinned alias {family}")))

        builtin_roles = [
            role for role, res in (("main", main), ("background", small)) if res is not None and res.builtin
        ]
        if builtin_roles:
            self.findings.append(
                finding(
                    "CC_BUILTIN_DEFAULT",
                    f"{' and '.join(builtin_roles)} use{'s' if len(builtin_roles) == 1 else ''} the built-in default of "
                    f"Claude Code {vtext(ver)}; it changes between versions (Opus 4.8 at 2.1.207, Opus 5 at 2.1.219) "
                    "and may not be enabled in the account.",
                    hint="Pin ANTHROPIC_MODEL and ANTHROPIC_DEFAULT_{OPUS,SONNET,HAIKU}_MODEL.",
                    origin="built-in table",
                    invocations=[f"{KIND} {role}" for role in builtin_roles],
                )
            )
        self.legacy_prefix_findings(out, region)
        return out

    def small_fast_region(
        self, main: _Res | None, small: _Res | None, haiku_configured: bool
    ) -> Sourced | None:
        raw = self.env.get("ANTHROPIC_SMALL_FAST_MODEL_AWS_REGION")
        if raw is None:
            return None
        if not self.ver.at_least(SMALL_FAST_REGION_ADDED):
            self.findings.append(
                finding(
                    "CC_VARIABLE_NOT_SUPPORTED",
                    f"{raw.origin} exists from Claude Code 1.0.12; {vtext(self.ver)} ignores it.",
                    origin=raw.origin,
                )
            )
            return None
        region = valid_region(raw, self.findings, CLIENT)
        if region is None or small is None:
            return None
        if not self.ver.at_least(BACKGROUND_FOLLOWS_MAIN):
            return region  # v2.0.30 rule: any request whose model is the small/fast model
        reasons = []
        if not haiku_configured:
            reasons.append("neither ANTHROPIC_DEFAULT_HAIKU_MODEL nor ANTHROPIC_SMALL_FAST_MODEL is set")
        elif main is not None and small.model.value == main.model.value:
            reasons.append("the small/fast model is the main model")
        if reasons:
            self.findings.append(
                finding(
                    "CC_SMALL_FAST_REGION_NO_EFFECT",
                    f"{raw.origin}={raw.value} has no effect in Claude Code {vtext(self.ver)}: {reasons[0]}; "
                    "background calls go to the session Region.",
                    hint="Remove the variable, or pin ANTHROPIC_DEFAULT_HAIKU_MODEL to a model that differs from the main one.",
                    origin=raw.origin,
                )
            )
            return None
        return region

    def legacy_prefix_findings(self, invocations: list[Invocation], region: Sourced) -> None:
        if self.ver.at_least(BUILTIN_REPREFIX):
            return
        for inv in invocations:
            origin = inv.origin.get("model", "")
            if "built-in" not in origin:
                continue
            prefix = parse_model(inv.model).prefix
            if prefix == "global":
                self.findings.append(
                    finding(
                        "CC_LEGACY_BUILTIN_PREFIX",
                        f"{inv.label}: Claude Code {vtext(self.ver)} defaults to the global. profile {inv.model}; an SCP "
                        "that allow-lists Regions denies it (aws:RequestedRegion is 'unspecified'). The default "
                        "follows the Region from 2.1.128.",
                        hint="Pin ANTHROPIC_MODEL to a geographic profile id or upgrade to 2.1.128+.",
                        origin=origin,
                        invocations=[inv.label],
                    )
                )
            elif prefix is not None and not prefix_offered_from(prefix, inv.region):
                self.findings.append(
                    finding(
                        "CC_LEGACY_BUILTIN_PREFIX",
                        f"{inv.label}: Claude Code {vtext(self.ver)} uses the built-in {inv.model} whatever the Region "
                        f"({inv.region}); with bedrock:ListInferenceProfiles it may discover another profile instead. "
                        "Built-ins follow the Region from 2.1.128 (picker fix 2.1.105).",
                        hint="Pin ANTHROPIC_DEFAULT_{OPUS,SONNET,HAIKU}_MODEL to ids of your geography, or upgrade.",
                        origin=origin,
                        invocations=[inv.label],
                    )
                )

    # -- credentials and version bugs -------------------------------------------------------------

    def credentials(self, region: Sourced) -> Credentials:
        env = self.env
        skip = env.get("CLAUDE_CODE_SKIP_BEDROCK_AUTH")
        bearer = env.raw("AWS_BEARER_TOKEN_BEDROCK")
        export = self.setting_str("awsCredentialExport")
        profile = env.get("AWS_PROFILE")
        keys = env.get("AWS_ACCESS_KEY_ID")
        if truthy(skip):
            assert skip is not None
            base_url = env.get("ANTHROPIC_BEDROCK_BASE_URL")
            if base_url is not None:
                self.findings.append(
                    finding(
                        "CC_SKIP_BEDROCK_AUTH",
                        f"{skip.origin}: requests to {base_url.value} are unsigned; the gateway signs them with its own "
                        "AWS identity, so the gateway's policies are the ones evaluated.",
                        origin=skip.origin,
                    )
                )
            else:
                self.findings.append(
                    finding(
                        "CC_SKIP_AUTH_WITHOUT_GATEWAY",
                        f"{skip.origin} is set but ANTHROPIC_BEDROCK_BASE_URL is not: unsigned requests go straight to "
                        "AWS and are rejected (403).",
                        hint="Unset CLAUDE_CODE_SKIP_BEDROCK_AUTH or point ANTHROPIC_BEDROCK_BASE_URL at the signing gateway.",
                        origin=skip.origin,
                    )
                )
            return Credentials(
                "unsigned", f"unsigned requests ({skip.origin}); a gateway signs them", origin=skip.origin
            )
        if bearer is not None and (bearer.value.strip() != "" or not self.ver.at_least(BEARER_EMPTY_FIX)):
            if bearer.value.strip() == "":
                self.findings.append(
                    finding(
                        "CC_BEARER_EMPTY_STRING",
                        f"{bearer.origin} is an empty string; Claude Code {vtext(self.ver)} still takes the API-key path "
                        "and sends an empty bearer token (403). From 2.1.97 an empty value counts as unset.",
                        hint="Unset the variable instead of setting it empty, or upgrade.",
                        origin=bearer.origin,
                    )
                )
                return Credentials(
                    "bearer",
                    f"empty bearer token ({bearer.origin})",
                    auth="bearer-long-term",
                    origin=bearer.origin,
                )
            creds = bearer_credentials(bearer, extra="; the AWS credential chain is skipped")
            shadowed = [s.origin for s in (profile, keys) if s is not None] + (
                [export.origin] if export else []
            )
            if shadowed:
                self.findings.append(
                    finding(
                        "BEARER_OVERRIDES_CREDENTIALS",
                        f"{bearer.origin} is used for Bedrock; {', '.join(shadowed)} are ignored for Bedrock calls.",
                        hint="Unset AWS_BEARER_TOKEN_BEDROCK to use the profile or keys.",
                        origin=bearer.origin,
                    )
                )
            return creds
        if export is not None:
            self.findings.append(
                finding(
                    "CC_CREDENTIAL_EXPORT",
                    f"Bedrock credentials come from the awsCredentialExport command ({export.origin}); they apply to "
                    "Bedrock only and can belong to a different account or role than the shell's.",
                    hint="Check the policies of the identity that command returns.",
                    origin=export.origin,
                )
            )
            return Credentials(
                "credential-export", f"awsCredentialExport command ({export.origin})", origin=export.origin
            )
        self.findings.extend(profile_missing_findings(self.files, profile, CLIENT))
        if profile is not None:
            if keys is not None:
                self.findings.append(
                    finding(
                        "ENV_KEYS_AND_PROFILE",
                        f"Both {keys.origin} and {profile.origin}={profile.value!r} are set. The AWS SDK for JavaScript "
                        "skips environment keys when AWS_PROFILE is set, while clients.md §1.7 #12 says the keys win "
                        "(uncertain: sources disagree); either way two identities compete.",
                        hint="Unset the stale AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE.",
                        origin=keys.origin,
                    )
                )
            creds = profile_credentials(self.files, profile.value, profile.origin, client=CLIENT)
            self.findings.append(
                finding(
                    "PROFILE_SHARED_WITH_AGENT",
                    f"AWS_PROFILE={profile.value!r} ({profile.origin}) is used for Bedrock and is also inherited by the "
                    "aws/boto3 commands Claude Code runs, so the agent's own AWS actions use the same identity.",
                    hint="Use awsCredentialExport or a Bedrock-only profile to separate the two identities.",
                    origin=profile.origin,
                )
            )
            return creds
        if keys is not None:
            return env_key_credentials(keys)
        if self.files.has_profile("default"):
            return profile_credentials(self.files, "default", "default profile", client=CLIENT)
        if env.get("AWS_WEB_IDENTITY_TOKEN_FILE") is not None:
            return Credentials(
                "web-identity", "web identity token (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)"
            )
        return Credentials(
            "default-chain",
            "AWS SDK for JavaScript default chain (SSO cache, container or instance metadata)",
        )

    def version_bugs(self, creds: Credentials, region: Sourced) -> None:
        env, ver = self.env, self.ver
        headers = env.get("ANTHROPIC_CUSTOM_HEADERS")
        auth_sources = []
        if headers is not None and _AUTH_HEADER.search(headers.value):
            auth_sources.append(f"{headers.origin} (an Authorization header)")
        token = env.get("ANTHROPIC_AUTH_TOKEN")
        if token is not None:
            auth_sources.append(token.origin)
        helper = self.setting_str("apiKeyHelper")
        if helper is not None:
            auth_sources.append(helper.origin)
        if (
            auth_sources
            and not ver.at_least(AUTH_HEADER_FIX)
            and creds.auth == "sigv4"
            and creds.kind != "unsigned"
        ):
            self.findings.append(
                finding(
                    "CC_AUTH_HEADER_BREAKS_SIGV4",
                    f"{', '.join(auth_sources)} add an Authorization header that breaks SigV4 signing in Claude Code "
                    f"{vtext(ver)} (403). Fixed in 2.1.101.",
                    hint="Remove the Authorization header / auth token for Bedrock, or upgrade to 2.1.101+.",
                    origin=auth_sources[0],
                )
            )
        if (
            v("2.1.94") <= ver.value <= v("2.1.95")
            and not ver.assumed
            and creds.kind in ("bearer", "unsigned")
        ):
            self.findings.append(
                finding(
                    "CC_BEARER_AUTH_HEADER_MISSING",
                    f"Claude Code {vtext(ver)} sends API-key/unsigned Bedrock requests without the Authorization header "
                    "(403 'Authorization header is missing'). Fixed in 2.1.96.",
                    hint="Upgrade to 2.1.96+.",
                    origin=creds.origin,
                )
            )
        cache = env.get("ENABLE_PROMPT_CACHING_1H")
        if cache is not None and truthy(cache) and not ver.at_least(CACHE_1H_FIX):
            self.findings.append(
                finding(
                    "CC_PROMPT_CACHING_1H_400",
                    f"{cache.origin} makes Claude Code {vtext(ver)} send requests Bedrock rejects with 400 (not an IAM "
                    "denial). Fixed in 2.1.132.",
                    hint="Unset ENABLE_PROMPT_CACHING_1H or upgrade.",
                    origin=cache.origin,
                )
            )
        if ver.value == SSO_REGION_BUG and not ver.assumed and creds.kind == "profile:sso":
            profile = env.get("AWS_PROFILE")
            sso = self.files.sso_region(profile.value if profile else "default")
            if sso is not None and sso.value != region.value:
                self.findings.append(
                    finding(
                        "CC_SSO_REGION_BUG",
                        f"Claude Code 2.1.207 calls IAM Identity Center in the Bedrock Region {region.value} instead of "
                        f"sso_region {sso.value} ({sso.origin}): 'Session token not found or invalid'. Fixed in 2.1.208.",
                        hint="Upgrade to 2.1.208+.",
                        origin=sso.origin,
                    )
                )
        for name in ("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_USE_FIPS_ENDPOINT"):
            found = env.get(name)
            if found is not None:
                self.findings.append(
                    finding(
                        "CC_VARIABLE_NOT_SUPPORTED",
                        f"{found.origin} is not used to build Claude Code's inference URL (uncertain: inferred from the "
                        "bundle); requests go to ANTHROPIC_BEDROCK_BASE_URL or the regional endpoint.",
                        hint="Use ANTHROPIC_BEDROCK_BASE_URL for a VPC endpoint or gateway.",
                        origin=found.origin,
                    )
                )


def _order_layers(layers: tuple[SettingsLayer, ...]) -> list[SettingsLayer]:
    """Highest precedence first; within one scope, the order given."""
    for layer in layers:
        if layer.scope not in SCOPES:
            raise InputError(
                f"unknown Claude Code settings scope {layer.scope!r} (expected one of {', '.join(SCOPES)})",
                source=layer.source,
                field="scope",
            )
    return sorted(layers, key=lambda layer: SCOPES.index(layer.scope))


READER = Reader(KIND, lambda config: _Resolver(config).run())
