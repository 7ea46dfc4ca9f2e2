"""A real moto server on 127.0.0.1, and a small stand-in proxy in front of it for what moto cannot do:
throttle, refuse an AssumeRole, answer GetPermissionsBoundaryForPermissionSet (moto lacks it), or hang.

The collector talks to them through the standard AWS environment only (AWS_ENDPOINT_URL and
AWS_ENDPOINT_URL_<SERVICE>), exactly as it would talk to AWS.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest

pytest.importorskip("moto.server")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@dataclass
class Seen:
    operation: str
    params: dict[str, str]


Rule = Callable[[str, dict[str, str]], "tuple[int, str, str] | str | None"]


@dataclass
class Proxy:
    url: str
    upstream: str
    rules: list[Rule] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def count(self, operation: str) -> int:
        return sum(1 for s in self.seen if s.operation == operation)


def _operation(headers: Any, body: bytes) -> tuple[str, dict[str, str]]:
    target = headers.get("X-Amz-Target")
    if target:
        try:
            params = {k: str(v) for k, v in json.loads(body or b"{}").items()}
        except ValueError:
            params = {}
        return target.rsplit(".", 1)[-1], params
    query = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
    return query.get("Action", ""), query


def start_proxy(upstream: str) -> tuple[Proxy, ThreadingHTTPServer]:
    port = free_port()
    proxy = Proxy(url=f"http://127.0.0.1:{port}", upstream=upstream)
    host, up_port = upstream.removeprefix("http://").split(":")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _forward(self, method: str) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            operation, params = _operation(self.headers, body)
            proxy.seen.append(Seen(operation, params))
            for rule in list(proxy.rules):
                answer = rule(operation, params)
                if answer == "hang":
                    proxy.release.wait(60)
                    break
                if answer is not None:
                    status, ctype, text = answer  # type: ignore[misc]
                    data = text.encode()
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
            conn = http.client.HTTPConnection(host, int(up_port), timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
            headers["Host"] = f"{host}:{up_port}"
            conn.request(method, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            self.send_response(resp.status)
            for k, v in resp.getheaders():
                if k.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            conn.close()

        def do_POST(self) -> None:
            self._forward("POST")

        def do_GET(self) -> None:
            self._forward("GET")

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return proxy, server


def query_error(status: int, code: str, message: str) -> tuple[int, str, str]:
    body = (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        "<RequestId>stand-in</RequestId></ErrorResponse>"
    )
    return status, "text/xml", body
