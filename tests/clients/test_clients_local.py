"""AWS shared-file parsing, the I/O edge (this machine, scenario sections) and version detection."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bedrock_access.clients import resolve
from bedrock_access.clients.aws_config import AwsSharedFiles, parse_aws_config, parse_aws_credentials
from bedrock_access.clients.interface import SourceText
from bedrock_access.clients.local import (
    default_managed_paths,
    detect_claude_version,
    load_client_section,
    read_local_machine,
)
from bedrock_access.errors import InputError

from ._helpers import AKIA_SECRET, FIXTURES

# --- aws_config -------------------------------------------------------------------------------------


def test_config_sections_by_kind() -> None:
    parsed = parse_aws_config((FIXTURES / "aws" / "config").read_text(), "~/.aws/config")
    assert {"default", "dev", "eu-sso", "assume", "vpce", "fips", "process", "tokyo"} == set(
        parsed["profile"]
    )
    assert set(parsed["sso-session"]) == {"corp", "unused"}
    assert (
        parsed["services"]["vpce-bedrock"]
        .nested["bedrock_runtime"]["endpoint_url"]
        .startswith("https://vpce-")
    )
    assert parsed["profile"]["dev"].get("region") is not None
    assert parsed["profile"]["dev"].get("region").origin == "~/.aws/config [profile dev] region"  # type: ignore[union-attr]


def test_config_ignores_sections_without_profile_prefix() -> None:
    parsed = parse_aws_config("[dev]\nregion = eu-west-1\n[profile default]\nregion = us-west-2\n")
    assert set(parsed["profile"]) == {"default"}
    assert parsed["profile"]["default"].values["region"] == "us-west-2"


def test_lookup_preference_and_sso_region() -> None:
    files = AwsSharedFiles.from_sources(
        SourceText("cfg", "[profile both]\nregion = eu-west-1\n"),
        SourceText("creds", "[both]\nregion = us-east-2\n"),
    )
    assert files.lookup("both", "region").value == "us-east-2"  # type: ignore[union-attr]
    assert files.lookup("both", "region", prefer="config").value == "eu-west-1"  # type: ignore[union-attr]
    real = AwsSharedFiles.from_sources(SourceText("c", (FIXTURES / "aws" / "config").read_text()), None)
    assert real.sso_region("eu-sso").value == "us-east-1"  # type: ignore[union-attr]
    assert real.service_endpoint("dev") is None


@pytest.mark.parametrize(
    ("name", "line"),
    [("config_no_header", 1), ("config_duplicate", 7), ("config_bad_line", 2)],
)
def test_malformed_ini(name: str, line: int) -> None:
    with pytest.raises(InputError) as err:
        parse_aws_config((FIXTURES / "aws" / name).read_text(), f"aws/{name}")
    assert (err.value.source, err.value.line) == (f"aws/{name}", line)


def test_profile_repr_hides_values() -> None:
    creds = parse_aws_credentials((FIXTURES / "aws" / "credentials").read_text())
    assert AKIA_SECRET not in repr(creds) and AKIA_SECRET not in repr(
        AwsSharedFiles(credentials_profiles=creds)
    )


# --- read_local_machine -----------------------------------------------------------------------------


def test_empty_home_and_env_gives_nothing(tmp_path: Path) -> None:
    assert read_local_machine({}, tmp_path, tmp_path, managed_paths=[]) == []
    if not any(p.exists() for p in default_managed_paths()):
        assert read_local_machine({}, tmp_path, tmp_path) == []


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data))


def test_finds_claude_code_cline_continue_and_aws(tmp_path: Path) -> None:
    home = tmp_path / "home"
    repo = home / "work" / "repo"
    cwd = repo / "pkg"
    cwd.mkdir(parents=True)
    (repo / ".git").mkdir()
    _write(
        home / ".claude" / "settings.json", {"env": {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_PROFILE": "dev"}}
    )
    _write(cwd / ".claude" / "settings.json", {"env": {"AWS_REGION": "eu-central-1"}})
    _write(
        repo / ".claude" / "settings.local.json",
        {"env": {"ANTHROPIC_MODEL": "eu.anthropic.claude-opus-4-6-v1"}},
    )
    _write(home / ".aws" / "config", "[profile dev]\nregion = eu-west-1\n")
    _write(
        home / ".cline" / "data" / "globalState.json",
        {"actModeApiProvider": "bedrock", "awsRegion": "eu-west-1"},
    )
    (home / ".vscode" / "extensions" / "saoudrizwan.claude-dev-3.38.2").mkdir(parents=True)
    (home / ".vscode" / "extensions" / "saoudrizwan.claude-dev-3.9.0").mkdir(parents=True)
    _write(
        home / ".continue" / "config.yaml",
        "models:\n  - name: b\n    provider: bedrock\n    model: eu.anthropic.claude-sonnet-4-5-20250929-v1:0\n",
    )
    configs = read_local_machine({}, home, cwd, run=lambda args: "2.1.230 (Claude Code)\n", managed_paths=[])
    by_kind = {c.kind: c for c in configs}
    assert list(by_kind) == ["claude-code", "cline", "continue", "boto3"]
    claude = by_kind["claude-code"]
    assert claude.version == "2.1.230"
    assert [(layer.source, layer.scope) for layer in claude.settings] == [
        ("~/work/repo/.claude/settings.local.json", "local"),
        ("~/work/repo/pkg/.claude/settings.json", "project"),
        ("~/.claude/settings.json", "user"),
    ]
    res = resolve(claude)
    main = next(i for i in res.invocations if i.role == "main")
    assert (main.model, main.region) == ("eu.anthropic.claude-opus-4-6-v1", "eu-central-1")
    assert claude.aws_config is not None and claude.aws_config.source == "~/.aws/config"
    assert by_kind["cline"].version == "3.38.2"
    assert resolve(by_kind["boto3"]).region is None  # no AWS_PROFILE, and [default] has no region


def test_home_as_launch_directory_reads_user_settings_once(tmp_path: Path) -> None:
    _write(tmp_path / ".claude" / "settings.json", {"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}})
    [claude] = read_local_machine({}, tmp_path, tmp_path, managed_paths=[])
    assert [(layer.source, layer.scope) for layer in claude.settings] == [("~/.claude/settings.json", "user")]


def test_env_overrides_for_locations(tmp_path: Path) -> None:
    _write(tmp_path / "cfg" / "claude" / "settings.json", {"env": {"CLAUDE_CODE_USE_BEDROCK": "1"}})
    _write(tmp_path / "alt" / "aws-config", "[default]\nregion = ap-south-1\n")
    _write(
        tmp_path / "cline-home" / "data" / "settings" / "providers.json",
        {
            "providers": {
                "bedrock": {"settings": {"provider": "bedrock", "model": "x.y", "region": "eu-west-1"}}
            }
        },
    )
    _write(tmp_path / "proxy.yaml", "model_list: []\n")
    env = {
        "CLAUDE_CONFIG_DIR": "~/cfg/claude",
        "AWS_CONFIG_FILE": "~/alt/aws-config",
        "CLINE_DIR": str(tmp_path / "cline-home"),
        "LITELLM_CONFIG": "~/proxy.yaml",
    }
    configs = {c.kind: c for c in read_local_machine(env, tmp_path, tmp_path / "elsewhere", managed_paths=[])}
    assert set(configs) == {"claude-code", "cline", "litellm", "boto3"}
    assert configs["claude-code"].settings[0].source == "~/cfg/claude/settings.json"
    assert resolve(configs["boto3"]).region == "ap-south-1"
    assert configs["cline"].settings[0].scope == "providers"


def test_managed_settings_are_read(tmp_path: Path) -> None:
    managed = tmp_path / "etc" / "managed-settings.json"
    _write(managed, {"env": {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "eu-west-1"}})
    [claude] = read_local_machine({}, tmp_path / "home", tmp_path, managed_paths=[managed])
    assert claude.settings[0].scope == "managed"


def test_malformed_local_file_is_an_input_error(tmp_path: Path) -> None:
    _write(tmp_path / ".claude" / "settings.json", '{"env": {"A": 1,,}}')
    with pytest.raises(InputError) as err:
        read_local_machine({}, tmp_path, tmp_path / "x", managed_paths=[])
    assert err.value.source == "~/.claude/settings.json" and err.value.line == 1
    _write(tmp_path / ".claude" / "settings.json", "{}")
    _write(tmp_path / ".aws" / "config", "region = eu-west-1\n")
    configs = read_local_machine({}, tmp_path, tmp_path / "x", managed_paths=[])
    with pytest.raises(InputError) as err:
        resolve(configs[0])
    assert err.value.source == "~/.aws/config"


def test_litellm_env_pointing_nowhere(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        read_local_machine({"LITELLM_CONFIG": "~/missing.yaml"}, tmp_path, tmp_path, managed_paths=[])


def test_aws_variables_alone_give_a_boto3_config(tmp_path: Path) -> None:
    [boto] = read_local_machine({"AWS_DEFAULT_REGION": "eu-west-1"}, tmp_path, tmp_path, managed_paths=[])
    assert boto.kind == "boto3" and resolve(boto).region == "eu-west-1"


# --- detect_claude_version --------------------------------------------------------------------------


def test_detect_claude_version() -> None:
    calls: list[list[str]] = []

    def fake(args: list[str]) -> str | None:
        calls.append(args)
        return "2.1.172 (Claude Code)\n"

    assert detect_claude_version(fake) == "2.1.172"
    assert calls == [["claude", "--version"]]
    assert detect_claude_version(lambda args: None) is None
    assert detect_claude_version(lambda args: "command not found") is None

    def broken(args: list[str]) -> str | None:
        raise FileNotFoundError("claude")

    assert detect_claude_version(broken) is None


# --- load_client_section ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ({"kind": "claude-code", "model": "x"}, "client.model"),
        ({"kind": "cursor"}, "client.kind"),
        ({"kind": "cline", "version": 4.1}, "client.version"),
        ({"kind": "cline", "version": "latest"}, "client.version"),
        ({"kind": "boto3", "env": ["AWS_REGION=eu-west-1"]}, "client.env"),
        ({"kind": "boto3", "env": {"AWS_REGION": ["eu-west-1"]}}, "client.env.AWS_REGION"),
        ({"kind": "boto3", "settings_files": ["nope.json"]}, "client.settings_files[0]"),
        ({"kind": "boto3", "settings_files": "a.json"}, "client.settings_files"),
        ({"kind": "boto3", "aws_config": "aws/missing"}, "client.aws_config"),
        ({"kind": "cline", "settings": [{"scope": "state"}]}, "client.settings[0]"),
        ({"kind": "cline", "settings": "awsRegion=x"}, "client.settings"),
        ({"kind": "claude-code", "settings": [{"scope": "org", "settings": {}}]}, "client.settings[0].scope"),
    ],
)
def test_section_errors(section: dict[str, Any], field: str) -> None:
    with pytest.raises(InputError) as err:
        load_client_section(section, FIXTURES, "scenario.yaml")
    assert err.value.field == field and err.value.source == "scenario.yaml"


def test_section_reads_aws_files_eagerly() -> None:
    with pytest.raises(InputError) as err:
        load_client_section(
            {"kind": "boto3", "aws_config": "aws/config_no_header"}, FIXTURES, "scenario.yaml"
        )
    assert err.value.source == "aws/config_no_header"


def test_section_env_scalars() -> None:
    config = load_client_section(
        {"kind": "claude-code", "env": {"CLAUDE_CODE_USE_BEDROCK": True, "N": 1, "GONE": None}},
        FIXTURES,
        "s.yaml",
    )
    assert dict(config.env) == {"CLAUDE_CODE_USE_BEDROCK": "true", "N": "1"}
    assert config.env_source == "s.yaml client.env"


def test_default_scopes_from_file_names() -> None:
    config = load_client_section(
        {
            "kind": "cline",
            "settings_files": ["cline/globalState.json", "cline/secrets.json", "cline/providers.json"],
        },
        FIXTURES,
        "s.yaml",
    )
    assert [layer.scope for layer in config.settings] == ["state", "secrets", "providers"]
    claude = load_client_section(
        {
            "kind": "claude-code",
            "settings_files": [
                "claude_code/managed-settings.json",
                "claude_code/settings.local.json",
                "claude_code/user_eu.json",
            ],
        },
        FIXTURES,
        "s.yaml",
    )
    assert [layer.scope for layer in claude.settings] == ["managed", "local", "user"]


def test_roo_code_settings_file_named_like_cline_state_is_accepted(tmp_path):
    # A Roo Code settings_files entry named globalState.json used to get Cline's "state" scope and be
    # refused; Roo Code reads every layer alike.
    (tmp_path / "globalState.json").write_text('{"apiProvider": "bedrock", "awsRegion": "eu-west-1"}')
    config = load_client_section(
        {"kind": "roo-code", "settings_files": ["globalState.json"]}, tmp_path, "scenario.yaml"
    )
    assert [layer.scope for layer in config.settings] == ["config"]
    assert config.settings[0].data["awsRegion"] == "eu-west-1"
