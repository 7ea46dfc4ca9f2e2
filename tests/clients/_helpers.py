"""Shared helpers for the client-reader tests.

Scenarios are written as ``client:`` sections and go through :func:`load_client_section`, so every test
also exercises the loader. All secrets below are fake, but shaped like the real ones.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bedrock_access.clients import resolve
from bedrock_access.clients.interface import ClientResolution, ConfigFinding
from bedrock_access.clients.local import load_client_section

FIXTURES = Path(__file__).parent / "fixtures"

AKIA_ID = "AKIAQFAKEEXAMPLE7Q2Z"
AKIA_SECRET = "wJalrFAKEnotArealSECRETkeyEXAMPLE0123456"
ASIA_ID = "ASIAQFAKEEXAMPLE9X1Y"
ASIA_SECRET = "tEmPFAKEnotArealSECRETkeyEXAMPLE98765432"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEFAKEsessionTOKENnotREAL0123456789abcdef"
SYDNEY_ID = "AKIAQFAKEEXAMPLE5S3D"
SYDNEY_SECRET = "sYdNeYFAKEnotArealSECRETkeyEXAMPLE246802"
LONG_TERM_KEY = "ABSKQmVkcm9ja0FQSUtleS1GQUtFLWFjY291bnQtMTIzNDU2Nzg5MDEyOm5vdC1hLXJlYWwta2V5LWZha2U="
BASIC_AUTH = "ZmFrZXVzZXI6ZmFrZXBhc3N3b3JkMTIz"


def short_term_key(region: str, key_id: str = "ASIAQEXAMPLEFAKE0001") -> str:
    """A fake short-term Bedrock API key: ``bedrock-api-key-`` + base64 of a presigned URL whose SigV4
    credential scope names ``region`` (the format of aws-bedrock-token-generator)."""
    url = (
        "bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={key_id}%2F20261101%2F{region}%2Fbedrock%2Faws4_request&X-Amz-Date=20261101T101010Z"
        "&X-Amz-Expires=43200&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEFAKEFAKEFAKEsessiontoken%3D%3D"
        "&X-Amz-Signature=0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
        "&X-Amz-SignedHeaders=host&Version=1"
    )
    return "bedrock-api-key-" + base64.b64encode(url.encode()).decode()


SHORT_EU = short_term_key("eu-west-1")

ALL_SECRETS = (
    AKIA_ID,
    AKIA_SECRET,
    ASIA_ID,
    ASIA_SECRET,
    SESSION_TOKEN,
    SYDNEY_ID,
    SYDNEY_SECRET,
    LONG_TERM_KEY,
    BASIC_AUTH,
    SHORT_EU,
    short_term_key("us-east-1"),
)


def run(section: Mapping[str, Any], base: Path = FIXTURES) -> ClientResolution:
    """Load a scenario ``client:`` section and resolve it."""
    return resolve(load_client_section(section, base, "scenario.yaml"))


def by_role(res: ClientResolution) -> dict[str, tuple[str, str]]:
    """role → (model, region)."""
    return {inv.role or inv.label: (inv.model, inv.region) for inv in res.invocations}


def inv(res: ClientResolution, role: str) -> Any:
    matches = [i for i in res.invocations if i.role == role]
    assert len(matches) == 1, f"expected one {role!r} invocation, got {[i.label for i in res.invocations]}"
    return matches[0]


def codes(res: ClientResolution) -> set[str]:
    return {f.code for f in res.findings}


def find(res: ClientResolution, code: str) -> list[ConfigFinding]:
    found = [f for f in res.findings if f.code == code]
    assert found, f"no {code} finding; got {sorted(codes(res))}"
    return found
