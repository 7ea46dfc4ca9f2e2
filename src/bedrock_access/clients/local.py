"""The only I/O edge of :mod:`bedrock_access.clients`: reads settings files and AWS shared files from disk
(this machine, or the files a scenario's ``client:`` section names) and builds :class:`ClientConfig` values
for the pure readers. Nothing here touches the network; running ``claude --version`` goes through a
runner the caller injects.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bedrock_access.clients._common import scalar_text
from bedrock_access.clients._parse import parse_json_text, parse_settings_text, parse_yaml_text
from bedrock_access.clients._version import find_version, parse_version, v
from bedrock_access.clients.claude_code import SCOPES as CLAUDE_SCOPES
from bedrock_access.clients.interface import KINDS, ClientConfig, SettingsLayer, SourceText
from bedrock_access.errors import InputError
from bedrock_access.io_guard import check_name, read_text, safe_display
from bedrock_access.redact import echo

Runner = Callable[[list[str]], str | None]
AwsFiles = tuple[SourceText | None, SourceText | None]  # ~/.aws/config, ~/.aws/credentials

SECTION_KEYS = frozenset(
    {"kind", "env", "settings_files", "settings", "version", "aws_config", "aws_credentials"}
)
# The names of cline.SCOPES, in the order InputError messages list them.
_CLINE_SCOPES = ("state", "secrets", "providers", "workspace", "config")
_LOCAL_FROM_GIT_ROOT = v("2.1.211")
_LITELLM_CONFIG_VARS = ("LITELLM_CONFIG", "LITELLM_CONFIG_PATH", "CONFIG_FILE_PATH")
_AWS_ENV_HINTS = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_BEARER_TOKEN_BEDROCK",
)


# --------------------------------------------------------------------------------------------------
# Small file helpers


def _display(path: Path, home: Path) -> str:
    try:
        return "~/" + path.relative_to(home).as_posix()
    except ValueError:
        return str(path)


def _expand(value: str, home: Path, cwd: Path) -> Path:
    if value == "~":
        return home
    if value.startswith("~/"):
        return home / value[2:]
    path = Path(value)
    return path if path.is_absolute() else cwd / path


def _read(path: Path, display: str) -> str | None:
    """File text, or None if there is no such file. Only regular files are read, and only so much
    (:mod:`bedrock_access.io_guard`)."""
    return read_text(path, display=safe_display(display), missing_ok=True)


def _read_json(path: Path, display: str) -> Mapping[str, Any] | None:
    text = _read(path, display)
    return None if text is None else parse_json_text(text, display)


def _aws_files(env: Mapping[str, str], home: Path, cwd: Path) -> AwsFiles:
    out: list[SourceText | None] = []
    for var, default in (
        ("AWS_CONFIG_FILE", home / ".aws" / "config"),
        ("AWS_SHARED_CREDENTIALS_FILE", home / ".aws" / "credentials"),
    ):
        path = _expand(env[var], home, cwd) if env.get(var) else default
        display = _display(path, home)
        text = _read(path, display)
        out.append(SourceText(display, text) if text is not None else None)
    return out[0], out[1]


def _layer(source: str, data: Mapping[str, Any], scope: str = "config") -> SettingsLayer:
    """A settings layer holding a read-only copy of a parsed document."""
    return SettingsLayer(source, MappingProxyType(dict(data)), scope)


# --------------------------------------------------------------------------------------------------
# This machine


def _machine_config(
    kind: str,
    env: Mapping[str, str],
    layers: Sequence[SettingsLayer],
    aws: AwsFiles,
    version: str | None = None,
) -> ClientConfig:
    """A configuration found on this machine: a read-only copy of the environment, the AWS files attached."""
    return ClientConfig(kind, MappingProxyType(dict(env)), tuple(layers), version, aws[0], aws[1])


def run_command(args: list[str], timeout: float = 5.0) -> str | None:
    """A runner for :func:`detect_claude_version`: stdout of ``args``, or None if it cannot run."""
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def detect_claude_version(run: Runner) -> str | None:
    """The installed Claude Code version (``claude --version`` prints e.g. ``2.1.172 (Claude Code)``)."""
    try:
        output = run(["claude", "--version"])
    except OSError:
        return None
    return find_version(output) if output else None


def default_managed_paths() -> list[Path]:
    """Claude Code managed-settings files for this platform (clients.md §1.2 item 5)."""
    if sys.platform == "darwin":
        base = Path("/Library/Application Support/ClaudeCode")
    elif sys.platform.startswith("win"):
        base = Path("C:/Program Files/ClaudeCode")
    else:
        base = Path("/etc/claude-code")
    paths = [base / "managed-settings.json"]
    drop_ins = base / "managed-settings.d"
    with contextlib.suppress(OSError):
        paths.extend(sorted(drop_ins.glob("*.json")))
    return paths


def _same_file_key(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symbolic-link loop, on older Pythons
        return path


def _git_root(cwd: Path) -> Path | None:
    for directory in (cwd, *cwd.parents):
        if (directory / ".git").exists():
            return directory
    return None


def _claude_code(
    env: Mapping[str, str],
    home: Path,
    cwd: Path,
    version: str | None,
    managed_paths: Sequence[Path],
    aws: AwsFiles,
) -> ClientConfig | None:
    config_dir = (
        _expand(env["CLAUDE_CONFIG_DIR"], home, cwd) if env.get("CLAUDE_CONFIG_DIR") else home / ".claude"
    )
    parsed = parse_version(version)
    local_base = cwd
    if parsed is None or parsed >= _LOCAL_FROM_GIT_ROOT:
        local_base = _git_root(cwd) or cwd
    candidates: list[tuple[Path, str]] = [(path, "managed") for path in managed_paths]
    candidates += [
        (local_base / ".claude" / "settings.local.json", "local"),
        (cwd / ".claude" / "settings.json", "project"),
        (config_dir / "settings.json", "user"),
    ]
    layers: list[SettingsLayer] = []
    user_file = _same_file_key(config_dir / "settings.json")
    for path, scope in candidates:
        if scope in ("project", "local") and _same_file_key(path) == user_file:
            continue  # launched from the home directory: that file is the user settings file
        display = _display(path, home)
        data = _read_json(path, display)
        if data is not None:
            layers.append(_layer(display, data, scope))
    if not layers and "CLAUDE_CODE_USE_BEDROCK" not in env:
        return None
    return _machine_config("claude-code", env, layers, aws, version)


def _extension_version(home: Path, publisher_prefix: str) -> str | None:
    best: tuple[tuple[int, int, int], str] | None = None
    for root in (".vscode/extensions", ".vscode-server/extensions", ".cursor/extensions"):
        directory = home / root
        try:
            names = [p.name for p in directory.iterdir()]
        except OSError:
            continue
        for name in names:
            if name.lower().startswith(publisher_prefix):
                text = name[len(publisher_prefix) :]
                parsed = parse_version(text)
                if parsed is not None and (best is None or parsed > best[0]):
                    best = (parsed, "{}.{}.{}".format(*parsed))
    return best[1] if best else None


def _mentions_bedrock(state: Mapping[str, Any]) -> bool:
    for key, value in state.items():
        if str(key).lower().endswith("apiprovider") and value == "bedrock":
            return True
    return False


def _cline(env: Mapping[str, str], home: Path, cwd: Path, aws: AwsFiles) -> ClientConfig | None:
    cline_dir = _expand(env["CLINE_DIR"], home, cwd) if env.get("CLINE_DIR") else home / ".cline"
    data_dir = _expand(env["CLINE_DATA_DIR"], home, cwd) if env.get("CLINE_DATA_DIR") else cline_dir / "data"
    layers: list[SettingsLayer] = []
    state_path = data_dir / "globalState.json"
    state = _read_json(state_path, _display(state_path, home))
    providers_path = data_dir / "settings" / "providers.json"
    providers = _read_json(providers_path, _display(providers_path, home))
    bedrock_state = state is not None and _mentions_bedrock(state)
    bedrock_providers = (
        providers is not None
        and isinstance(providers.get("providers"), Mapping)
        and "bedrock" in providers["providers"]
    )
    if not bedrock_state and not bedrock_providers:
        return None
    if state is not None:
        layers.append(_layer(_display(state_path, home), state, "state"))
        secrets_path = data_dir / "secrets.json"
        secrets = _read_json(secrets_path, _display(secrets_path, home))
        if secrets is not None:
            layers.append(_layer(_display(secrets_path, home), secrets, "secrets"))
    if providers is not None and bedrock_providers:
        layers.append(_layer(_display(providers_path, home), providers, "providers"))
    version = _extension_version(home, "saoudrizwan.claude-dev-")
    return _machine_config("cline", env, layers, aws, version)


def _continue(env: Mapping[str, str], home: Path, aws: AwsFiles) -> ClientConfig | None:
    for name in ("config.yaml", "config.json"):
        path = home / ".continue" / name
        display = _display(path, home)
        text = _read(path, display)
        if text is None:
            continue
        data = parse_settings_text(text, display, name)
        entries = list(data.get("models") or []) if isinstance(data.get("models"), list) else []
        entries += [
            data[k]
            for k in ("tabAutocompleteModel", "embeddingsProvider")
            if isinstance(data.get(k), Mapping)
        ]
        if any(isinstance(e, Mapping) and e.get("provider") in ("bedrock", "bedrockimport") for e in entries):
            return _machine_config("continue", env, [_layer(display, data)], aws)
        return None
    return None


def _litellm(env: Mapping[str, str], home: Path, cwd: Path, aws: AwsFiles) -> ClientConfig | None:
    for var in _LITELLM_CONFIG_VARS:
        if env.get(var):
            path = _expand(env[var], home, cwd)
            display = _display(path, home)
            text = _read(path, display)
            if text is None:
                raise InputError(f"{var} points at a file that does not exist", source=display)
            data = parse_yaml_text(text, display)
            return _machine_config("litellm", env, [_layer(display, data)], aws)
    return None


def read_local_machine(
    env: Mapping[str, str],
    home: Path,
    cwd: Path,
    *,
    run: Runner | None = None,
    managed_paths: Sequence[Path] | None = None,
) -> list[ClientConfig]:
    """Client configurations found on this machine, in the order Claude Code, Cline, Continue, LiteLLM,
    boto3. A client is listed only when its settings (or, for boto3, AWS files or variables) exist.

    Roo Code keeps its settings in VS Code's state database, which is not read; use a scenario instead.
    ``run`` (e.g. :func:`run_command`) lets the caller allow ``claude --version``.
    """
    aws = _aws_files(env, home, cwd)
    version = detect_claude_version(run) if run is not None else None
    managed = default_managed_paths() if managed_paths is None else list(managed_paths)
    found = [
        _claude_code(env, home, cwd, version, managed, aws),
        _cline(env, home, cwd, aws),
        _continue(env, home, aws),
        _litellm(env, home, cwd, aws),
    ]
    configs = [config for config in found if config is not None]
    if aws[0] is not None or aws[1] is not None or any(env.get(name) for name in _AWS_ENV_HINTS):
        configs.append(_machine_config("boto3", env, [], aws))
    return configs


# --------------------------------------------------------------------------------------------------
# Scenario files


def _env_section(raw: Any, source: str) -> Mapping[str, str]:
    if raw is None:
        return MappingProxyType({})
    if not isinstance(raw, Mapping):
        raise InputError("expected a mapping of variable names to values", source=source, field="client.env")
    env: dict[str, str] = {}
    for key, value in raw.items():
        name = str(key)
        text = scalar_text(value, source, f"client.env.{name}")
        if text is not None:
            env[name] = text
    return MappingProxyType(env)


def _default_scope(kind: str, name: str) -> str:
    lower = name.lower()
    if kind == "claude-code":
        if lower.startswith("managed-settings"):
            return "managed"
        if lower.endswith("settings.local.json"):
            return "local"
        return "user"
    if kind == "cline":  # Roo Code reads every layer alike ("config"), whatever the file's name
        for stem, scope in (
            ("globalstate", "state"),
            ("secrets", "secrets"),
            ("providers", "providers"),
            ("workspacestate", "workspace"),
        ):
            if lower.startswith(stem):
                return scope
        return "state"
    return "config"


def _check_scope(kind: str, scope: str, source: str, field: str) -> str:
    allowed = CLAUDE_SCOPES if kind == "claude-code" else _CLINE_SCOPES if kind == "cline" else ("config",)
    if scope not in allowed:
        raise InputError(
            f"unknown scope {echo(scope)} for {kind} (expected one of {', '.join(allowed)})",
            source=source,
            field=field,
        )
    return scope


def _read_relative(value: Any, base_dir: Path, source: str, field: str) -> tuple[Path, str, str]:
    if not isinstance(value, str) or not value.strip():
        raise InputError("expected a file path", source=source, field=field)
    path = Path(check_name(value, safe_display(value)))
    path = path if path.is_absolute() else base_dir / path
    text = _read(path, value)
    if text is None:
        raise InputError(f"file not found: {path}", source=source, field=field)
    return path, value, text


def load_client_section(section: Mapping[str, Any], base_dir: Path, source: str) -> ClientConfig:
    """A :class:`ClientConfig` from a scenario's ``client:`` block.

    Keys: ``kind`` (required), ``env``, ``version``, ``settings_files`` (paths relative to ``base_dir``, or
    ``{path, scope}``), ``settings`` (one inline document, or a list of ``{scope, settings}``), ``aws_config``
    and ``aws_credentials`` (paths). Nothing outside the named files is read.
    """
    if not isinstance(section, Mapping):
        raise InputError("expected a mapping", source=source, field="client")
    unknown = sorted(str(k) for k in section if k not in SECTION_KEYS)
    if unknown:
        raise InputError(
            f"unknown key {echo(unknown[0])} (expected {', '.join(sorted(SECTION_KEYS))})",
            source=source,
            field="client" if echo(unknown[0]).startswith("<") else f"client.{unknown[0]}",
        )
    kind = section.get("kind")
    if kind not in KINDS:
        raise InputError(
            f"kind must be one of {', '.join(KINDS)}, got {echo(kind) if isinstance(kind, str) else _type(kind)}",
            source=source,
            field="client.kind",
        )
    assert isinstance(kind, str)
    version = section.get("version")
    if version is not None:
        if not isinstance(version, str):
            raise InputError(
                f"quote the version as a string (got {_type(version)})", source=source, field="client.version"
            )
        if parse_version(version) is None:
            raise InputError(
                f"version {echo(version)} is not of the form X.Y.Z", source=source, field="client.version"
            )
    env = _env_section(section.get("env"), source)
    layers: list[SettingsLayer] = []
    files = section.get("settings_files") or []
    if not isinstance(files, list):
        raise InputError("expected a list of paths", source=source, field="client.settings_files")
    for index, item in enumerate(files):
        field = f"client.settings_files[{index}]"
        scope: str | None = None
        if isinstance(item, Mapping):
            scope_raw = item.get("scope")
            if scope_raw is not None and not isinstance(scope_raw, str):
                raise InputError("expected a scope name", source=source, field=f"{field}.scope")
            scope = scope_raw
            item = item.get("path")
        path, display, text = _read_relative(item, base_dir, source, field)
        data = parse_settings_text(text, display, path.name)
        scope = _check_scope(kind, scope or _default_scope(kind, path.name), source, f"{field}.scope")
        layers.append(_layer(display, data, scope))
    inline = section.get("settings")
    default_inline_scope = {"claude-code": "user", "cline": "state"}.get(kind, "config")
    if isinstance(inline, Mapping):
        layers.append(_layer(f"{source} client.settings", inline, default_inline_scope))
    elif isinstance(inline, list):
        for index, item in enumerate(inline):
            field = f"client.settings[{index}]"
            if not isinstance(item, Mapping) or not isinstance(item.get("settings"), Mapping):
                raise InputError("expected {scope, settings}", source=source, field=field)
            scope_raw = item.get("scope", default_inline_scope)
            if not isinstance(scope_raw, str):
                raise InputError("expected a scope name", source=source, field=f"{field}.scope")
            scope = _check_scope(kind, scope_raw, source, f"{field}.scope")
            layers.append(_layer(f"{source} {field}", item["settings"], scope))
    elif inline is not None:
        raise InputError("expected a mapping or a list", source=source, field="client.settings")
    aws: list[SourceText | None] = []
    for key in ("aws_config", "aws_credentials"):
        value = section.get(key)
        if value is None:
            aws.append(None)
            continue
        _, display, text = _read_relative(value, base_dir, source, f"client.{key}")
        aws.append(SourceText(display, text))
    config = ClientConfig(
        kind, env, tuple(layers), version, aws[0], aws[1], env_source=f"{source} client.env"
    )
    _validate_aws(config)
    return config


def _validate_aws(config: ClientConfig) -> None:
    """Parse the AWS files now so malformed INI is reported while loading the scenario."""
    from bedrock_access.clients.aws_config import AwsSharedFiles

    AwsSharedFiles.from_sources(config.aws_config, config.aws_credentials)


def _type(value: Any) -> str:
    """What a wrong value is, without showing it (it may be a secret in the wrong place)."""
    return "nothing" if value is None else f"a {type(value).__name__}"
