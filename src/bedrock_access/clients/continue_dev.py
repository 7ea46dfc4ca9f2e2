"""Continue (``config.yaml`` models with ``provider: bedrock`` / ``bedrockimport``): clients.md §4.

Every model entry stands alone (own Region, credentials, endpoint; no inheritance):

* Model: ``model`` verbatim (``bedrockimport``: ``env.modelArn``); never prefixed.
* Region: ``env.region`` ‖ ``us-east-1`` (``AWS_REGION`` and profile regions are not consulted).
* Endpoint for chat-like roles (ConverseStream): ``apiBase`` ‖ ``https://bedrock-runtime.${env.region}…``
  computed from the raw option, so an omitted ``env.region`` gives ``bedrock-runtime.undefined.amazonaws.com``
  (continuedev/continue#12791). ``embed``/``rerank`` use InvokeModel without ``apiBase``.
* Credentials: ``apiKey`` (bearer) ‖ ``env.accessKeyId``/``env.secretAccessKey`` (no session token key) ‖
  profile ``env.profile`` (default ``"bedrock"``), falling back to the default profile chain if missing.
* Roles default to chat, edit, apply and summarize (uncertain). Legacy ``config.json`` entries (``title``,
  top-level ``region``/``profile``; ``tabAutocompleteModel``, ``embeddingsProvider``) are accepted too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bedrock_access.bedrock.invocation import Invocation, Operation
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
    get_list,
    get_map,
    get_str,
    make_invocation,
    profile_credentials,
    settings_key_credentials,
    valid_region,
)
from bedrock_access.clients.aws_config import Sourced
from bedrock_access.clients.interface import ClientConfig, ClientResolution
from bedrock_access.errors import InputError

KIND = "continue"
CLIENT = "Continue"
CURRENT = "1.2.0"  # label only: modelled source is d0a3c0b6 (2026-06-18)
DEFAULT_MODEL = "anthropic.claude-3-sonnet-20240229-v1:0"
DEFAULT_PROFILE = "bedrock"
DEFAULT_ROLES = ("chat", "edit", "apply", "summarize")
INVOKE_ROLES = frozenset({"embed", "rerank"})
_SECRET_REF = "${{"


@dataclass(frozen=True)
class _Model:
    name: str
    data: Mapping[str, Any]
    where: str
    roles: tuple[str, ...]


def _entries(config: ClientConfig) -> list[_Model]:
    out: list[_Model] = []
    for layer in config.settings:
        models = get_list(layer.data, "models", layer.source) or []
        for index, item in enumerate(models):
            where = f"{layer.source} models[{index}]"
            if not isinstance(item, Mapping):
                # config.yaml may reference hub blocks with `uses:`; nothing to resolve offline.
                raise InputError("expected a model mapping", source=layer.source, field=f"models[{index}]")
            if "uses" in item and "provider" not in item:
                continue
            roles_raw = get_list(item, "roles", layer.source, field_prefix=f"models[{index}].")
            roles = tuple(str(r) for r in roles_raw) if roles_raw else DEFAULT_ROLES
            name = (
                get_str(item, "name", layer.source)
                or get_str(item, "title", layer.source)
                or f"models[{index}]"
            )
            out.append(_Model(name, item, where, roles))
        for key, role in (("tabAutocompleteModel", "autocomplete"), ("embeddingsProvider", "embed")):
            item = get_map(layer.data, key, layer.source)
            if item is not None:
                name = get_str(item, "title", layer.source) or key
                out.append(_Model(name, item, f"{layer.source} {key}", (role,)))
    return out


class _Continue(ReaderState):
    def __init__(self, config: ClientConfig) -> None:
        super().__init__(config, CLIENT, CURRENT)

    def value(self, entry: _Model, key: str) -> Sourced | None:
        """``env.<key>`` (config.yaml) or top-level ``<key>`` (config.json)."""
        env_block = get_map(entry.data, "env", entry.where) or {}
        for data, path in ((env_block, f"env.{key}"), (entry.data, key)):
            text = get_str(data, key, entry.where)
            if text is not None:
                return Sourced(text, f"{entry.where}.{path}")
        return None

    def credentials(self, entry: _Model) -> Credentials:
        api_key = self.value(entry, "apiKey")
        if api_key is not None:
            if api_key.value.startswith(_SECRET_REF):
                return Credentials(
                    "bearer",
                    f"Bedrock API key from a secret reference ({api_key.origin})",
                    auth="bearer-long-term",
                    origin=api_key.origin,
                )
            return bearer_credentials(api_key)
        access = self.value(entry, "accessKeyId")
        secret = self.value(entry, "secretAccessKey")
        if access is not None and secret is not None:
            if access.value.startswith("ASIA"):
                self.findings.append(
                    finding(
                        "CONTINUE_TEMP_KEYS_NO_TOKEN",
                        f"{entry.name}: {access.origin} is a temporary (ASIA) key, but Continue has no session-token "
                        "setting: requests fail with 403 (invalid security token).",
                        hint="Use a profile (env.profile) with the temporary credentials instead.",
                        origin=access.origin,
                        invocations=[label for label in self._labels(entry)],
                    )
                )
            return settings_key_credentials(access)
        profile = self.value(entry, "profile") or Sourced(
            DEFAULT_PROFILE, f"Continue default profile ({DEFAULT_PROFILE!r})"
        )
        if self.files.known and not self.files.has_profile(profile.value):
            fallback = self.env.get("AWS_PROFILE") or Sourced("default", "default profile")
            self.findings.append(
                finding(
                    "CONTINUE_PROFILE_MISSING",
                    f"{entry.name}: profile {profile.value!r} ({profile.origin}) is not in the AWS files; Continue only "
                    f"logs a warning and uses {fallback.value!r} ({fallback.origin}) instead, possibly another account.",
                    hint=f"Create the {profile.value!r} profile or set env.profile to an existing one.",
                    origin=profile.origin,
                    invocations=self._labels(entry),
                )
            )
            return profile_credentials(self.files, fallback.value, fallback.origin, client=CLIENT)
        return profile_credentials(self.files, profile.value, profile.origin, client=CLIENT)

    @staticmethod
    def _labels(entry: _Model) -> list[str]:
        chat = [r for r in entry.roles if r not in INVOKE_ROLES]
        other = [r for r in entry.roles if r in INVOKE_ROLES]
        return [f"{KIND} {entry.name} ({', '.join(group)})" for group in (chat, other) if group]

    def run(self) -> ClientResolution:
        self.findings.extend(file_secret_findings(self.config.settings, CLIENT))
        invocations: list[Invocation] = []
        per_entry: list[tuple[list[Invocation], Credentials]] = []
        first: tuple[Credentials, Sourced] | None = None
        entries = _entries(self.config)
        bedrock = [e for e in entries if get_str(e.data, "provider", e.where) in ("bedrock", "bedrockimport")]
        if not bedrock:
            self.findings.append(
                finding("BEDROCK_NOT_SELECTED", "No Continue model uses provider bedrock or bedrockimport.")
            )
        for entry in bedrock:
            provider = get_str(entry.data, "provider", entry.where)
            if provider == "bedrockimport":
                model = self.value(entry, "modelArn") or self.value(entry, "model")
            else:
                model = self.value(entry, "model")
            if model is None:
                model = Sourced(DEFAULT_MODEL, f"Continue default model ({DEFAULT_MODEL})")
            region_raw = self.value(entry, "region")
            region = valid_region(region_raw, self.findings, CLIENT)
            if region is None:
                region = Sourced(
                    "us-east-1", f"Continue default Region for {entry.name} (env.region not set)"
                )
                self.findings.append(
                    finding(
                        "REGION_DEFAULTED",
                        f"{entry.name}: env.region is not set; Continue signs for us-east-1 (AWS_REGION and profile "
                        "regions are not consulted).",
                        hint="Set env.region on every Bedrock model entry.",
                        origin=f"{entry.where}.env.region",
                        invocations=self._labels(entry),
                    )
                )
            creds = self.credentials(entry)
            api_base = self.value(entry, "apiBase")
            chat = [r for r in entry.roles if r not in INVOKE_ROLES]
            other = [r for r in entry.roles if r in INVOKE_ROLES]
            entry_invs: list[Invocation] = []
            for group, operation in ((chat, "ConverseStream"), (other, "InvokeModel")):
                if not group:
                    continue
                endpoint: Sourced | None = None
                if operation == "ConverseStream":
                    if api_base is not None:
                        endpoint = api_base
                    elif region_raw is None:
                        endpoint = Sourced(
                            "https://bedrock-runtime.undefined.amazonaws.com",
                            f"{entry.where} (apiBase built from the missing env.region)",
                        )
                        self.findings.append(
                            finding(
                                "CONTINUE_UNDEFINED_ENDPOINT",
                                f"{entry.name}: env.region is omitted, so the chat endpoint becomes "
                                "https://bedrock-runtime.undefined.amazonaws.com (ENOTFOUND) while signing uses us-east-1 "
                                "(continuedev/continue#12791; clients.md marks it inferred).",
                                hint="Set env.region.",
                                origin=f"{entry.where}.env.region",
                                invocations=[f"{KIND} {entry.name} ({', '.join(group)})"],
                            )
                        )
                op: Operation = "ConverseStream" if operation == "ConverseStream" else "InvokeModel"
                inv = make_invocation(
                    KIND,
                    ",".join(group),
                    model,
                    region,
                    operation=op,
                    creds=creds,
                    endpoint=endpoint,
                    label=f"{KIND} {entry.name} ({', '.join(group)})",
                    operation_origin="Continue chat streams via Converse"
                    if op == "ConverseStream"
                    else "Continue embed/rerank use InvokeModel",
                )
                entry_invs.append(inv)
                invocations.append(inv)
            per_entry.append((entry_invs, creds))
            if first is None:
                first = (creds, region)
        for entry_invs, creds in per_entry:
            self.findings.extend(
                f
                for f in common_checks(
                    CLIENT,
                    entry_invs,
                    creds,
                    bare_hint="Continue sends model ids verbatim: write the eu./us./global. profile id yourself.",
                )
                if f.code not in ("MIXED_GEOGRAPHIES", "ROLE_REGION_DIFFERS")
            )
            self.findings.extend(bearer_type_findings(creds))
        creds0 = first[0] if first else Credentials("none", "no Bedrock model configured")
        self.findings.extend(
            f
            for f in common_checks(CLIENT, invocations, creds0)
            if f.code in ("MIXED_GEOGRAPHIES", "ROLE_REGION_DIFFERS")
        )
        return finalize(
            self.config,
            invocations=invocations,
            findings=self.findings,
            creds=creds0,
            region=first[1] if first else None,
            files=self.files,
        )


READER = Reader(KIND, lambda config: _Continue(config).run())
