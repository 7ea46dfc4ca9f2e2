"""Pure parsing of ``~/.aws/config`` and ``~/.aws/credentials`` text.

Section rules follow botocore's ``configloader``: in the config file ``[default]`` and ``[profile x]`` are
profiles, ``[sso-session x]`` and ``[services x]`` are their own kinds and any other section is ignored;
in the credentials file every section is a profile. Indented continuation lines form nested values (the
``services`` syntax). Duplicate sections or keys are errors, as in botocore.

Values are kept but never shown: :class:`AwsProfile` and :class:`AwsSharedFiles` have redacting reprs,
and lookups return the value with its origin (``"~/.aws/config [profile dev] region"``).
"""

from __future__ import annotations

import configparser
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from bedrock_access.clients.interface import SourceText
from bedrock_access.errors import InputError

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Sourced:
    """A configuration value and where it came from."""

    value: str
    origin: str


@dataclass(frozen=True, repr=False)
class AwsProfile:
    """One section: ``values`` holds flat keys, ``nested`` the indented sub-sections."""

    name: str
    section: str
    source: str
    values: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    nested: Mapping[str, Mapping[str, str]] = field(default_factory=lambda: MappingProxyType({}))

    def get(self, key: str) -> Sourced | None:
        value = self.values.get(key)
        if value is None or value == "":
            return None
        return Sourced(value, f"{self.source} [{self.section}] {key}")

    def __repr__(self) -> str:
        return f"AwsProfile(name={self.name!r}, source={self.source!r}, keys={sorted(self.values)!r})"


def _parse_nested(raw: str, source: str, section: str, key: str) -> dict[str, str]:
    nested: dict[str, str] = {}
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        if "=" not in line:
            raise InputError("a nested value line has no '='", source=source, field=f"[{section}] {key}")
        name, _, value = line.partition("=")
        nested[name.strip().lower()] = value.strip()
    return nested


def _parse_ini(text: str, source: str) -> dict[str, tuple[dict[str, str], dict[str, dict[str, str]]]]:
    parser = configparser.RawConfigParser(strict=True, interpolation=None)
    try:
        parser.read_string(text, source=source)
    except configparser.MissingSectionHeaderError as exc:
        raise InputError(
            "the file does not start with a [section] header", source=source, line=exc.lineno
        ) from None
    except configparser.DuplicateSectionError as exc:
        raise InputError(f"section [{exc.section}] appears twice", source=source, line=exc.lineno) from None
    except configparser.DuplicateOptionError as exc:
        raise InputError(
            f"key {exc.option!r} appears twice in [{exc.section}]", source=source, line=exc.lineno
        ) from None
    except configparser.ParsingError as exc:
        line = exc.errors[0][0] if exc.errors else None
        raise InputError("malformed line (expected 'key = value')", source=source, line=line) from None
    except configparser.Error as exc:
        raise InputError(f"cannot parse: {exc.__class__.__name__}", source=source) from None
    sections: dict[str, tuple[dict[str, str], dict[str, dict[str, str]]]] = {}
    for section in parser.sections():
        flat: dict[str, str] = {}
        nested: dict[str, dict[str, str]] = {}
        for key, value in parser.items(section):
            if value.startswith("\n"):
                nested[key] = _parse_nested(value, source, section, key)
            else:
                flat[key] = value.strip()
        sections[section] = (flat, nested)
    return sections


def _profile(
    name: str, section: str, source: str, flat: dict[str, str], nested: dict[str, dict[str, str]]
) -> AwsProfile:
    return AwsProfile(
        name=name,
        section=section,
        source=source,
        values=MappingProxyType(flat),
        nested=MappingProxyType({k: MappingProxyType(v) for k, v in nested.items()}),
    )


def parse_aws_config(text: str, source: str = "~/.aws/config") -> dict[str, dict[str, AwsProfile]]:
    """Sections of a config file grouped by kind: ``{"profile": {...}, "sso-session": {...}, "services": {...}}``."""
    out: dict[str, dict[str, AwsProfile]] = {"profile": {}, "sso-session": {}, "services": {}}
    for section, (flat, nested) in _parse_ini(text, source).items():
        parts = section.split()
        if section == "default":
            kind, name = "profile", "default"
        elif len(parts) == 2 and parts[0] in out:
            kind, name = parts
        else:
            continue  # botocore ignores sections without a known prefix in the config file
        out[kind][name] = _profile(name, section, source, flat, nested)
    return out


def parse_aws_credentials(text: str, source: str = "~/.aws/credentials") -> dict[str, AwsProfile]:
    return {
        section: _profile(section, section, source, flat, nested)
        for section, (flat, nested) in _parse_ini(text, source).items()
    }


Prefer = Literal["config", "credentials"]


@dataclass(frozen=True, repr=False)
class AwsSharedFiles:
    """Both shared files of one machine or scenario, parsed."""

    config_profiles: Mapping[str, AwsProfile] = field(default_factory=lambda: MappingProxyType({}))
    credentials_profiles: Mapping[str, AwsProfile] = field(default_factory=lambda: MappingProxyType({}))
    sso_sessions: Mapping[str, AwsProfile] = field(default_factory=lambda: MappingProxyType({}))
    services: Mapping[str, AwsProfile] = field(default_factory=lambda: MappingProxyType({}))
    known: bool = False  # at least one file was supplied

    @classmethod
    def from_sources(cls, config: SourceText | None, credentials: SourceText | None) -> AwsSharedFiles:
        cfg = (
            parse_aws_config(config.text, config.source)
            if config
            else {"profile": {}, "sso-session": {}, "services": {}}
        )
        creds = parse_aws_credentials(credentials.text, credentials.source) if credentials else {}
        return cls(
            config_profiles=MappingProxyType(cfg["profile"]),
            credentials_profiles=MappingProxyType(creds),
            sso_sessions=MappingProxyType(cfg["sso-session"]),
            services=MappingProxyType(cfg["services"]),
            known=config is not None or credentials is not None,
        )

    def has_profile(self, name: str) -> bool:
        return name in self.config_profiles or name in self.credentials_profiles

    def lookup(self, profile: str, key: str, prefer: Prefer = "credentials") -> Sourced | None:
        """``key`` of ``profile``, looking in the preferred file first.

        ``prefer="credentials"`` is botocore's merge (credentials-file values override the config file) and
        Claude Code's ``loadConfig({preferredFile: "credentials"})``; ``prefer="config"`` is the AWS SDK
        for JavaScript default.
        """
        order = (self.credentials_profiles, self.config_profiles)
        if prefer == "config":
            order = (self.config_profiles, self.credentials_profiles)
        for profiles in order:
            section = profiles.get(profile)
            if section is not None:
                found = section.get(key)
                if found is not None:
                    return found
        return None

    def sso_region(self, profile: str) -> Sourced | None:
        direct = self.lookup(profile, "sso_region", prefer="config")
        if direct is not None:
            return direct
        session = self.lookup(profile, "sso_session", prefer="config")
        if session is not None and session.value in self.sso_sessions:
            return self.sso_sessions[session.value].get("sso_region")
        return None

    def service_endpoint(self, profile: str, service: str = "bedrock_runtime") -> Sourced | None:
        """``endpoint_url`` for ``service`` from the ``[services x]`` section the profile names."""
        ref = self.lookup(profile, "services", prefer="config")
        if ref is None or ref.value not in self.services:
            return None
        section = self.services[ref.value]
        nested = section.nested.get(service)
        if nested and nested.get("endpoint_url"):
            return Sourced(
                nested["endpoint_url"], f"{section.source} [{section.section}] {service}.endpoint_url"
            )
        return None

    def __repr__(self) -> str:
        return (
            f"AwsSharedFiles(config_profiles={sorted(self.config_profiles)!r}, "
            f"credentials_profiles={sorted(self.credentials_profiles)!r}, sso_sessions={sorted(self.sso_sessions)!r})"
        )
