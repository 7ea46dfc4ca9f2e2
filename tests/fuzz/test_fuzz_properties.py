"""Property-based fuzzing (hypothesis). Fast by default for CI; set BEDROCK_ACCESS_FUZZ_EXAMPLES (e.g.
5000) for the longer release-time run described in docs/fuzzing.md."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_support import PRINCIPAL, SECRETS, Result, assert_clean
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bedrock_access.iam.jsonl import BatchSimulator
from bedrock_access.iam.wildcard import compile_glob
from bedrock_access.io_guard import line_blocks
from bedrock_access.output_guard import placeholder_for, scrub_text, without_secrets
from bedrock_access.redact import redact, redact_url

EXAMPLES = int(os.environ.get("BEDROCK_ACCESS_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

SCENARIO_KEYS = st.sampled_from(
    ["principal", "invocations", "client", "organization", "network", "role_arn", "context", "x\ny", "\x00"]
)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10) | SCENARIO_KEYS, inner, max_size=4)
    ),
    max_leaves=25,
)


@FUZZ
@given(data=st.binary(max_size=2000))
def test_any_bytes_as_a_scenario(data: bytes, tmp_path: Path, run_main: Callable[..., Result]) -> None:
    path = tmp_path / "s.yaml"
    path.write_bytes(data)
    assert_clean(run_main("check", str(path)), (0, 1, 2))


@FUZZ
@given(doc=st.dictionaries(SCENARIO_KEYS, JSONISH, max_size=6))
def test_any_structure_as_a_scenario(
    doc: dict[str, object], tmp_path: Path, run_main: Callable[..., Result]
) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"principal": PRINCIPAL, **doc}), encoding="utf-8")
    assert_clean(run_main("check", str(path), "--format", "json"), (0, 1, 2))


@FUZZ
@given(doc=JSONISH)
def test_any_structure_as_a_client_section(
    doc: object, tmp_path: Path, run_main: Callable[..., Result]
) -> None:
    path = tmp_path / "s.json"
    section = doc if isinstance(doc, dict) else {"settings": doc}
    path.write_text(
        json.dumps({"principal": PRINCIPAL, "client": {"kind": "claude-code", **section}}), encoding="utf-8"
    )
    assert_clean(run_main("check", str(path)), (0, 1, 2))


@FUZZ
@given(text=st.text(max_size=3000))
def test_any_text_to_explain(text: str, tmp_path: Path, run_main: Callable[..., Result]) -> None:
    path = tmp_path / "err.txt"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    assert_clean(run_main("explain", str(path), "--format", "json"), (0, 1, 2))


@FUZZ
@given(lines=st.lists(st.binary(max_size=200) | JSONISH.map(lambda d: json.dumps(d).encode()), max_size=12))
def test_batch_answers_every_line(lines: list[bytes]) -> None:
    simulator = BatchSimulator()
    cleaned = [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]
    out = list(simulator.run(cleaned))
    expected = [c for c in cleaned if c.strip() and not c.strip().startswith(b"//")]
    assert len(out) == len(expected)
    for item in out:
        json.loads(item)


@FUZZ
@given(data=st.binary(max_size=3000), cap=st.integers(min_value=1, max_value=50), block=st.integers(1, 64))
def test_line_reader_matches_split(data: bytes, cap: int, block: int) -> None:
    """The bounded line reader yields the lines of str.split, over-long ones as None, whatever the blocks."""
    position = 0

    def read(n: int) -> bytes:
        nonlocal position
        chunk = data[position : position + min(n, block)]
        position += len(chunk)
        return chunk

    got = [line for blk in line_blocks(read, cap, block) for line in blk]
    pieces = data.split(b"\n")
    if pieces and pieces[-1] == b"":
        pieces.pop()
    assert got == [p if len(p) <= cap else None for p in pieces]


def _reference(pattern: str, subject: str) -> bool:
    return (
        re.fullmatch(
            "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern),
            subject,
            re.DOTALL,
        )
        is not None
    )


@FUZZ
@given(
    pattern=st.text(alphabet="ab?*0é", max_size=12),
    subject=st.text(alphabet="ab0é", max_size=20),
    bitsets=st.booleans(),
)
def test_glob_agrees_with_a_reference(
    pattern: str, subject: str, bitsets: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bedrock_access.iam.wildcard as wildcard

    monkeypatch.setattr(wildcard, "_BITSET_THRESHOLD", 0 if bitsets else 1_000_000)
    assert compile_glob(pattern)(subject) == _reference(pattern, subject)
    assert compile_glob(pattern, ignore_case=True)(subject.upper()) == _reference(
        pattern.lower(), subject.lower()
    )


TOKENS = st.sampled_from(SECRETS)


@FUZZ
@given(
    scheme=st.sampled_from(["http", "https", "wss"]),
    host=st.from_regex(r"[a-z0-9.-]{1,20}", fullmatch=True),
    secret=TOKENS,
    name=st.sampled_from(
        ["X-Amz-Signature", "X-Amz-Security-Token", "token", "sig", "password", "apiKey", ""]
    ),
    before=st.text(alphabet="abc &=/", max_size=10),
)
def test_urls_lose_user_info_and_secret_parameters(
    scheme: str, host: str, secret: str, name: str, before: str
) -> None:
    query = f"{name}={secret}" if name else secret
    for url in (f"{scheme}://user:{secret}@{host}/p", f"{scheme}://{host}/p?a=1&{query}#f"):
        text = f"see {before}{url} now"
        assert secret not in redact(text)
        assert secret not in scrub_text(text)
        assert secret not in redact_url(url)


@FUZZ
@given(doc=JSONISH, secret=TOKENS)
def test_written_documents_hold_placeholders(doc: object, secret: str) -> None:
    from bedrock_access.redact import looks_like_secret

    # Under a secret-like name any value is replaced; under any name, a value shaped like a key is.
    anywhere = [secret] if looks_like_secret(secret) else []
    clean, _ = without_secrets({"env": {"AWS_SECRET_ACCESS_KEY": secret, "other": doc}, "k": anywhere})
    assert secret not in json.dumps(clean)
    assert placeholder_for(secret) != secret
