"""No secret from any fixture or scenario appears in what the readers produce; the finding catalogue is
complete, used and documented."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from bedrock_access.clients import CODES, KINDS, READERS, resolve
from bedrock_access.clients._common import Credentials, finalize, finding
from bedrock_access.clients.interface import ClientConfig
from bedrock_access.clients.local import load_client_section
from bedrock_access.redact import classify_bearer, describe_secret, echo

from ._helpers import (
    AKIA_ID,
    AKIA_SECRET,
    ALL_SECRETS,
    ASIA_ID,
    ASIA_SECRET,
    BASIC_AUTH,
    FIXTURES,
    LONG_TERM_KEY,
    SESSION_TOKEN,
    SHORT_EU,
    SYDNEY_SECRET,
    short_term_key,
)

FILES = {"aws_config": "aws/config", "aws_credentials": "aws/credentials"}
KEYS_ENV = {
    "AWS_ACCESS_KEY_ID": ASIA_ID,
    "AWS_SECRET_ACCESS_KEY": ASIA_SECRET,
    "AWS_SESSION_TOKEN": SESSION_TOKEN,
}

SCENARIOS: list[dict[str, Any]] = [
    {
        "kind": "claude-code",
        "version": "2.1.100",
        "settings_files": ["claude_code/secrets_in_env.json"],
        **FILES,
    },
    {
        "kind": "claude-code",
        "env": {
            "CLAUDE_CODE_USE_BEDROCK": "1",
            "AWS_REGION": AKIA_ID,
            "AWS_BEARER_TOKEN_BEDROCK": SHORT_EU,
            "AWS_PROFILE": "dev",
            **KEYS_ENV,
        },
        **FILES,
    },
    {
        "kind": "claude-code",
        "version": "2.1.100",
        "env": {
            "CLAUDE_CODE_USE_BEDROCK": "1",
            "ANTHROPIC_CUSTOM_HEADERS": f"Authorization: Basic {BASIC_AUTH}",
            "ANTHROPIC_AUTH_TOKEN": SYDNEY_SECRET,
        },
    },
    {
        "kind": "claude-code",
        "env": {"CLAUDE_CODE_USE_BEDROCK": "1", "AWS_REGION": "eu-west-1"},
        "settings": {"env": {"AWS_PROFILE": AKIA_SECRET}},
    },
    {
        "kind": "cline",
        "version": "4.0.12",
        "settings_files": ["cline/globalState.json", "cline/secrets.json"],
        **FILES,
    },
    {
        "kind": "cline",
        "version": "4.1.5",
        "settings_files": ["cline/globalState.json", "cline/providers.json"],
        "env": {"AWS_BEARER_TOKEN_BEDROCK": LONG_TERM_KEY},
    },
    {
        "kind": "cline",
        "version": "4.1.5",
        "settings": {
            "awsRegion": "us-east-1",
            "awsAuthentication": "apikey",
            "awsBedrockApiKey": "gateway-token-0123456789abcdef",
        },
    },
    {
        "kind": "roo-code",
        "settings": {
            "awsRegion": "eu-west-1",
            "awsUseApiKey": True,
            "awsApiKey": SHORT_EU,
            "awsAccessKey": AKIA_ID,
            "awsSecretKey": AKIA_SECRET,
        },
    },
    {
        "kind": "roo-code",
        "settings": {
            "awsRegion": "eu-west-1",
            "awsAccessKey": ASIA_ID,
            "awsSecretKey": ASIA_SECRET,
            "awsSessionToken": SESSION_TOKEN,
        },
    },
    {
        "kind": "boto3",
        "env": {
            **KEYS_ENV,
            "AWS_BEARER_TOKEN_BEDROCK": short_term_key("us-east-1"),
            "AWS_DEFAULT_REGION": "eu-west-1",
        },
        "settings": {"model": "eu.x.y"},
        **FILES,
    },
    {
        "kind": "boto3",
        "settings": {
            "model": "x.y",
            "region_name": "eu-west-1",
            "aws_access_key_id": AKIA_ID,
            "aws_secret_access_key": AKIA_SECRET,
        },
    },
    {
        "kind": "aws-cli",
        "env": {"AWS_PROFILE": "dev", "AWS_BEARER_TOKEN_BEDROCK": LONG_TERM_KEY},
        "settings": {"model": "x.y"},
        **FILES,
    },
    {
        "kind": "litellm",
        "env": {"TEAM_AWS_KEY_ID": AKIA_ID, "TEAM_AWS_SECRET": AKIA_SECRET, "BEDROCK_REGION": "eu-west-1"},
        "settings_files": ["litellm/config.yaml"],
        **FILES,
    },
    {
        "kind": "litellm",
        "settings": {
            "environment_variables": {
                "AWS_SECRET_ACCESS_KEY": SYDNEY_SECRET,
                "AWS_BEARER_TOKEN_BEDROCK": SHORT_EU,
            },
            "model_list": [
                {
                    "model_name": "m",
                    "litellm_params": {
                        "model": "bedrock/x.y",
                        "api_key": LONG_TERM_KEY,
                        "aws_region_name": "us-east-1",
                    },
                }
            ],
        },
    },
    {
        "kind": "anthropic-sdk",
        "env": {"AWS_BEARER_TOKEN_BEDROCK": SHORT_EU},
        "settings": {"model": "x.y", "aws_region": "us-east-1"},
    },
    {
        "kind": "anthropic-sdk",
        "settings": {
            "model": "x.y",
            "aws_region": "us-east-1",
            "aws_access_key": AKIA_ID,
            "aws_secret_key": AKIA_SECRET,
            "api_key": LONG_TERM_KEY,
        },
    },
    {"kind": "continue", "settings_files": ["continue/config.yaml"], **FILES},
    {
        "kind": "continue",
        "settings": {
            "models": [
                {
                    "name": "k",
                    "provider": "bedrock",
                    "model": "x.y",
                    "apiKey": LONG_TERM_KEY,
                    "env": {"region": "eu-west-1"},
                }
            ]
        },
    },
]


def _windows(secret: str, size: int = 12) -> set[str]:
    body = secret
    for prefix in ("bedrock-api-key-", "ABSK", "AKIA", "ASIA"):
        body = body.removeprefix(prefix)
    return {body[i : i + size] for i in range(0, max(1, len(body) - size + 1))}


def test_every_kind_is_covered_by_the_sweep() -> None:
    assert {s["kind"] for s in SCENARIOS} == set(KINDS) == set(READERS)


def test_fixture_secrets_are_really_in_the_inputs() -> None:
    # guards the test below against checking values no fixture contains
    text = "".join(p.read_text() for p in FIXTURES.rglob("*") if p.is_file())
    for secret in (
        AKIA_ID,
        AKIA_SECRET,
        ASIA_ID,
        SESSION_TOKEN,
        LONG_TERM_KEY,
        SHORT_EU,
        SYDNEY_SECRET,
        BASIC_AUTH,
    ):
        assert secret in text


@pytest.mark.parametrize("section", SCENARIOS, ids=[f"{i}-{s['kind']}" for i, s in enumerate(SCENARIOS)])
def test_no_secret_in_any_output(section: dict[str, Any]) -> None:
    config = load_client_section(section, FIXTURES, "scenario.yaml")
    res = resolve(config)
    dumps = [repr(res), str(res), json.dumps(res.to_dict()), repr(config), str(config)]
    dumps += [repr(f) for f in res.findings] + [repr(i) for i in res.invocations]
    blob = "\n".join(dumps)
    for secret in ALL_SECRETS:
        assert secret not in blob
        leaked = [w for w in _windows(secret) if w in blob]
        assert not leaked, f"fragments of a secret leaked: {leaked[:3]}"


def test_long_term_and_temporary_credentials_are_described_not_shown() -> None:
    res = resolve(load_client_section(SCENARIOS[0], FIXTURES, "s.yaml"))
    assert "ABSK…" in res.credential_source
    assert describe_secret("AWS_ACCESS_KEY_ID", AKIA_ID) == "long-term access key id (AKIA…)"
    assert describe_secret("AWS_ACCESS_KEY_ID", ASIA_ID) == "temporary access key id (ASIA…)"
    assert describe_secret("AWS_SECRET_ACCESS_KEY", AKIA_SECRET) == "<redacted>"
    assert echo(AKIA_SECRET) == "<value not shown>" and echo("eu-west-1") == "'eu-west-1'"


def test_short_term_key_region_is_decoded() -> None:
    info = classify_bearer(short_term_key("ap-southeast-2"))
    assert (info.kind, info.region) == ("short-term", "ap-southeast-2")
    assert classify_bearer(LONG_TERM_KEY).kind == "long-term"
    assert classify_bearer("sk-not-a-bedrock-key").kind == "unknown"
    assert classify_bearer("bedrock-api-key-!!!not base64!!!").kind == "short-term"


def test_scrubber_is_the_last_line_of_defence() -> None:
    config = ClientConfig("boto3", {"AWS_SECRET_ACCESS_KEY": AKIA_SECRET})
    leaky = finding("NO_REGION", f"oops {AKIA_SECRET}", hint=AKIA_SECRET, origin=AKIA_SECRET)
    res = finalize(
        config, invocations=(), findings=[leaky], creds=Credentials("x", f"desc {AKIA_SECRET}"), region=None
    )
    assert AKIA_SECRET not in repr(res) and "<redacted>" in res.findings[0].message


# --- finding catalogue ----------------------------------------------------------------------------

SOURCES = "".join(
    p.read_text()
    for p in (Path(__file__).parents[2] / "src" / "bedrock_access" / "clients").glob("*.py")
    if p.name != "codes.py"
)
DOCS = (Path(__file__).parents[2] / "docs" / "clients.md").read_text()


@pytest.mark.parametrize("code", sorted(CODES))
def test_code_is_emitted_and_documented(code: str) -> None:
    assert re.search(rf'"{code}"', SOURCES), f"{code} is in the catalogue but no reader emits it"
    assert f"`{code}`" in DOCS, f"{code} is missing from docs/clients.md"


def test_catalogue_severities() -> None:
    assert {severity for severity, _ in CODES.values()} <= {"error", "warning", "info"}
    emitted = set(re.findall(r'finding\(\s*"([A-Z0-9_]+)"', SOURCES))
    assert emitted <= set(CODES), emitted - set(CODES)


def test_codes_that_decide_a_verdict_are_errors_and_decide_it() -> None:
    # The effect on the verdict is stored with the code (clients/codes.py), not in checking.py.
    from bedrock_access.bedrock.checks import CallerIdentity
    from bedrock_access.bedrock.invocation import Invocation
    from bedrock_access.catalog import load_catalog
    from bedrock_access.checking import run as run_check
    from bedrock_access.clients.codes import EFFECTS, effect_of
    from bedrock_access.clients.interface import ClientResolution, ConfigFinding

    assert EFFECTS and all(CODES[code][0] == "error" for code in EFFECTS)
    assert effect_of("NO_REGION") == "fails-before-request"
    assert effect_of("BEARER_REGION_MISMATCH") == "credentials-rejected"
    assert effect_of("MIXED_GEOGRAPHIES") is None
    caller = CallerIdentity(
        "arn:aws:iam::111122223333:user/a", "arn:aws:iam::111122223333:user/a", "111122223333", "aws", "User"
    )
    call = Invocation("c", "us.anthropic.claude-sonnet-4-6", "us-east-1")
    for code, verdict in (
        ("BEARER_REGION_MISMATCH", "denied"),
        ("NO_REGION", "invalid"),
        ("MIXED_GEOGRAPHIES", "unknown"),
    ):
        client = ClientResolution(
            "boto3", None, (call,), (ConfigFinding(code, "error", "m", invocations=("c",)),), ""
        )
        result = run_check(
            source=None,
            caller=caller,
            invocations=[call],
            policies=None,
            catalog=load_catalog(),
            clients=[client],
        )
        assert result.assessments[0].verdict == verdict, code
