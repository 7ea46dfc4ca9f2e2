"""A small stand-in for AWS on 127.0.0.1: the Bedrock control plane (ListFoundationModels,
ListInferenceProfiles, GetInferenceProfile), bedrock-runtime Converse, STS GetCallerIdentity and
account ListRegions. Real boto3 clients reach it through AWS_ENDPOINT_URL.

The Region of each request is read from its SigV4 credential scope, so one server plays every Region.
Behaviour is data: ``regions`` (what each Region lists), ``fail`` (Region -> (status, code, message)),
``throttle`` (Region -> how many requests get HTTP 429 first), ``converse`` ((region, modelId) ->
None for success or (status, code, message)), ``enabled`` (answer of ListRegions, or None for 403).
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from bedrock_access.catalog import Catalog, load_packaged_catalog

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
ACCOUNT = "123456789012"
CALLER_ARN = f"arn:aws:sts::{ACCOUNT}:assumed-role/BedrockDev/alice"


@dataclass
class Behaviour:
    regions: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    fail: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    throttle: dict[str, int] = field(default_factory=dict)
    converse: dict[tuple[str, str], tuple[int, str, str] | None] = field(default_factory=dict)
    enabled: list[str] | None = None
    converse_delay: float = 0.0  # seconds before Converse answers (for timeouts)
    bare_summaries: set[str] = field(default_factory=set)  # listed without models: needs GetInferenceProfile
    requests: list[tuple[str, str, str, str]] = field(default_factory=list)  # (service, region, method, path)
    lock: threading.Lock = field(default_factory=threading.Lock)


def model_summary(model_id: str, *types: str, lifecycle: str = "ACTIVE") -> dict[str, Any]:
    return {
        "modelId": model_id,
        "modelArn": f"arn:aws:bedrock:us-east-1::foundation-model/{model_id}",
        "providerName": model_id.split(".", 1)[0].capitalize(),
        "inferenceTypesSupported": list(types),
        "modelLifecycle": {"status": lifecycle},
    }


def profile_summary(profile_id: str, model_id: str, destinations: list[str] | None) -> dict[str, Any]:
    """``destinations=None``: a global profile (one Region-less model ARN)."""
    arns = (
        [f"arn:aws:bedrock:::foundation-model/{model_id}"]
        if destinations is None
        else [f"arn:aws:bedrock:{r}::foundation-model/{model_id}" for r in destinations]
    )
    return {
        "inferenceProfileId": profile_id,
        "inferenceProfileName": profile_id,
        "inferenceProfileArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/{profile_id}",
        "models": [{"modelArn": a} for a in arns],
        "status": "ACTIVE",
        "type": "SYSTEM_DEFINED",
    }


class _Handler(BaseHTTPRequestHandler):
    behaviour: Behaviour

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", "standin-request")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, doc: Any) -> None:
        self._send(status, json.dumps(doc).encode(), "application/json")

    def _error(self, status: int, code: str, message: str) -> None:
        self._send(
            status,
            json.dumps({"message": message}).encode(),
            "application/json",
            {"x-amzn-ErrorType": f"{code}:http://internal.amazon.com/coral/"},
        )

    def _scope(self) -> tuple[str, str]:
        match = _SCOPE.search(self.headers.get("Authorization", ""))
        return (match.group(1), match.group(2)) if match else ("", "")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        region, service = self._scope()
        url = urlparse(self.path)
        runtime = url.path.startswith("/model/")  # bedrock-runtime signs as "bedrock" too
        b = self.behaviour
        with b.lock:
            b.requests.append(("bedrock-runtime" if runtime else service, region, method, url.path))
            throttled = service == "bedrock" and not runtime and b.throttle.get(region, 0) > 0
            if throttled:
                b.throttle[region] -= 1
        if service == "sts":
            return self._sts(body)
        if service == "account":
            if b.enabled is None:
                return self._error(
                    403, "AccessDeniedException", "not authorized to perform account:ListRegions"
                )
            return self._json(
                200, {"Regions": [{"RegionName": r, "RegionOptStatus": "ENABLED"} for r in b.enabled]}
            )
        if runtime:
            return self._converse(region, unquote(url.path.split("/")[2]), url.path.endswith("-stream"))
        if throttled:
            return self._error(
                429, "ThrottlingException", "Too many requests, please wait before trying again."
            )
        if region in b.fail:
            return self._error(*b.fail[region])
        if service == "bedrock":
            return self._control_plane(region, url.path, parse_qs(url.query))
        return self._error(404, "UnknownOperationException", f"no stand-in for {method} {url.path}")

    def _sts(self, body: bytes) -> None:
        if b"GetCallerIdentity" not in body:
            return self._send(400, b"<ErrorResponse/>", "text/xml")
        xml = (
            '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
            f"<GetCallerIdentityResult><Arn>{CALLER_ARN}</Arn><UserId>AROAEXAMPLEID:alice</UserId>"
            f"<Account>{ACCOUNT}</Account></GetCallerIdentityResult>"
            "<ResponseMetadata><RequestId>standin</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
        )
        self._send(200, xml.encode(), "text/xml")

    def _control_plane(self, region: str, path: str, query: dict[str, list[str]]) -> None:
        data = self.behaviour.regions.get(region, {"models": [], "profiles": []})
        if path == "/foundation-models":
            return self._json(200, {"modelSummaries": data["models"]})
        if path == "/inference-profiles":
            profiles = data["profiles"]
            # Two pages, to exercise pagination.
            start = int(query.get("nextToken", ["0"])[0])
            page = [
                {k: v for k, v in p.items() if k != "models"}
                if p["inferenceProfileId"] in self.behaviour.bare_summaries
                else p
                for p in profiles[start : start + 2]
            ]
            doc: dict[str, Any] = {"inferenceProfileSummaries": page}
            if start + 2 < len(profiles):
                doc["nextToken"] = str(start + 2)
            return self._json(200, doc)
        if path.startswith("/inference-profiles/"):
            pid = unquote(path.split("/", 2)[2])
            for p in data["profiles"]:
                if p["inferenceProfileId"] == pid:
                    return self._json(200, p)
            return self._error(404, "ResourceNotFoundException", "The inference profile was not found.")
        return self._error(404, "UnknownOperationException", path)

    def _converse(self, region: str, model_id: str, stream: bool) -> None:
        if self.behaviour.converse_delay:
            import time

            time.sleep(self.behaviour.converse_delay)
        outcome = self.behaviour.converse.get((region, model_id))
        if outcome is not None:
            return self._error(*outcome)
        if stream:
            body = _event("messageStart", {"role": "assistant"}) + _event(
                "messageStop", {"stopReason": "max_tokens"}
            )
            return self._send(200, body, "application/vnd.amazon.eventstream")
        self._json(
            200,
            {
                "output": {"message": {"role": "assistant", "content": [{"text": "Hello"}]}},
                "stopReason": "max_tokens",
                "usage": {"inputTokens": 8, "outputTokens": 1, "totalTokens": 9},
                "metrics": {"latencyMs": 5},
            },
        )


def _event(event_type: str, payload: dict[str, Any]) -> bytes:
    """One message of AWS's binary event-stream encoding (what ConverseStream answers)."""
    import binascii
    import struct

    headers = b""
    for name, value in (
        (":event-type", event_type),
        (":content-type", "application/json"),
        (":message-type", "event"),
    ):
        raw = value.encode()
        headers += bytes([len(name)]) + name.encode() + b"\x07" + struct.pack(">H", len(raw)) + raw
    body = json.dumps(payload).encode()
    total = 12 + len(headers) + len(body) + 4
    prelude = struct.pack(">II", total, len(headers))
    prelude += struct.pack(">I", binascii.crc32(prelude) & 0xFFFFFFFF)
    message = prelude + headers + body
    return message + struct.pack(">I", binascii.crc32(message) & 0xFFFFFFFF)


class StandIn:
    """The server, on a free port of 127.0.0.1, served from a daemon thread."""

    def __init__(self, behaviour: Behaviour) -> None:
        handler = type("Handler", (_Handler,), {"behaviour": behaviour})
        self.behaviour = behaviour
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# Fixtures ---------------------------------------------------------------------------------------------


FAKE_KEY_ID = "AKIAZZZZSTANDINKEY01"
FAKE_SECRET = "standinSecretKeyValue0123456789abcdefghij"


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> Any:
    """A clean AWS environment: fake static credentials, no ~/.aws files, no instance metadata, a
    private cache folder for the overlay."""
    import os

    for name in list(os.environ):
        if name.startswith(("AWS_", "BEDROCK_ACCESS_CATALOG", "ANTHROPIC_", "CLAUDE_CODE")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    monkeypatch.chdir(tmp_path / "home")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_SECRET)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("BEDROCK_ACCESS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def behaviour() -> Behaviour:
    return Behaviour()


@pytest.fixture
def standin(aws_env: Any, behaviour: Behaviour, monkeypatch: pytest.MonkeyPatch) -> Any:
    with StandIn(behaviour) as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        yield server


@pytest.fixture(scope="session")
def shipped() -> Catalog:
    return load_packaged_catalog()


def region_as_shipped(catalog: Catalog, region: str) -> dict[str, list[dict[str, Any]]]:
    """What the stand-in lists for ``region`` when AWS agrees with the shipped snapshot."""
    profiles = [
        profile_summary(p.id, p.model_id, None if p.routing_kind == "all_commercial" else list(dests))
        for p in catalog.profiles.values()
        if p.status == "active" and (dests := p.routing.get(region)) is not None
    ]
    offered = {p["models"][0]["modelArn"].rsplit("/", 1)[1] for p in profiles}
    models = []
    for m in catalog.models.values():
        types = []
        if m.in_region_on_demand and region in m.in_region_on_demand:
            types.append("ON_DEMAND")
        if m.model_id in offered:
            types.append("INFERENCE_PROFILE")
        if types:
            models.append(model_summary(m.model_id, *types, lifecycle=m.lifecycle))
    return {"models": models, "profiles": profiles}
