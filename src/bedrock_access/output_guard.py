"""The output edge: everything the command line writes passes through the redactor, and no failure
(a closed or full stream, an unexpected exception) ends in a traceback.

:func:`guarded_streams` swaps ``sys.stdout``/``sys.stderr`` for redacting wrappers while a verb runs;
:func:`scrub_text`/:func:`scrub_bytes` are the redaction pass (a cheap marker test first, so that the
batch output of ``simulate --jsonl`` pays almost nothing); :func:`one_line` makes an error message fit
on one line; :func:`quiet_exit_streams` makes the interpreter's own final flush harmless.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from bedrock_access.redact import redact

# Every pattern of bedrock_access.redact needs one of these (lower-cased) words to match; text without
# any of them is passed through untouched. Each is one memory-speed scan of the output ("api" covers
# bedrock-api-key and the api-key names, "bearer" the Authorization header), so the list is kept short:
# the batch output of simulate --jsonl pays about 1.5 ns a byte for it.
_MARKERS = (
    "akia",
    "asia",
    "secret",
    "token",
    "absk",
    "bearer",
    "api",
    "sk-ant",
    "signature",
    "://",
    "iqojb3jpz2lux2vj",
    "fwogzxivyxdze",
)
_BYTE_MARKERS = tuple(m.encode() for m in _MARKERS)
MAX_MESSAGE_CHARS = 1000


def scrub_text(text: str) -> str:
    lowered = text.lower()
    if not any(marker in lowered for marker in _MARKERS):
        return text
    return redact(text)


def scrub_bytes(data: bytes) -> bytes:
    lowered = data.lower()
    if not any(marker in lowered for marker in _BYTE_MARKERS):
        return data
    return redact(data.decode("utf-8", "surrogateescape")).encode("utf-8", "surrogateescape")


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """A message on one line: control characters (newlines in a key or a path) shown escaped, and at
    most ``limit`` characters."""
    if text.isprintable() and len(text) <= limit:
        return text
    cleaned = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text[: limit + 1])
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


class _RedactingBinary(io.RawIOBase):
    def __init__(self, raw: Any) -> None:
        super().__init__()
        self._raw = raw

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._raw.write(scrub_bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        self._raw.flush()

    def fileno(self) -> int:
        return int(self._raw.fileno())

    def isatty(self) -> bool:
        return bool(self._raw.isatty())


class _RedactingText(io.TextIOBase):
    """A text stream that redacts every write before passing it on."""

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self._raw = raw
        self.failure: OSError | None = None
        raw_buffer = getattr(raw, "buffer", None)
        self.buffer = _RedactingBinary(raw_buffer) if raw_buffer is not None else None

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return str(getattr(self._raw, "encoding", "utf-8"))

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        try:
            self._raw.write(scrub_text(text))
        except OSError as exc:
            self.failure = exc  # argparse swallows write errors: remember them for the final check
            raise
        return len(text)

    def flush(self) -> None:
        try:
            self._raw.flush()
        except OSError as exc:
            self.failure = exc
            raise

    def fileno(self) -> int:
        return self._raw.fileno()

    def isatty(self) -> bool:
        return self._raw.isatty()


def _devnull_text() -> TextIO:
    return open(os.devnull, "w", encoding="utf-8")


@contextlib.contextmanager
def guarded_streams() -> Iterator[None]:
    """Redacting standard streams for the duration of a command; a closed stream (``>&-``) becomes a sink
    so nothing fails for want of it. Lone surrogates are written escaped instead of raising."""
    saved = sys.stdout, sys.stderr
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            stream = _devnull_text()
        else:
            with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
                stream.reconfigure(errors="backslashreplace")
        setattr(sys, name, _RedactingText(stream))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def quiet_exit_streams() -> None:
    """After a write to standard output failed (closed pipe, full disk), point the descriptor at
    /dev/null so the interpreter's final flush cannot print "Exception ignored"."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
    except OSError:
        return
    for stream in (sys.__stdout__,):
        if stream is None:
            continue
        with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
            os.dup2(devnull, stream.fileno())
    os.close(devnull)


def flush_stdout() -> OSError | None:
    """Flush standard output now (inside the command, not at interpreter exit); the failure, if any
    (also one that happened earlier and was swallowed)."""
    earlier = getattr(sys.stdout, "failure", None)
    for stream in (sys.stdout, sys.__stdout__):
        if stream is None:
            continue
        try:
            stream.flush()
        except OSError as exc:
            return exc
        except ValueError:  # closed
            continue
    return earlier if isinstance(earlier, OSError) else None


# --------------------------------------------------------------------------------------------------
# Secrets in documents this package writes (``fix --out``)


def placeholder_for(value: str) -> str:
    """A stand-in for a secret that keeps what the readers look at (its kind: long-term or short-term
    Bedrock API key and the Region of a short-term one, long-term or temporary access key id) and
    nothing else."""
    import base64

    from bedrock_access.redact import REDACTED, classify_bearer

    text = value.strip()
    if text.startswith("AKIA") or text.startswith("ASIA"):
        return f"{text[:4]}-REDACTED"
    if text.startswith("ABSK"):
        return "ABSK-REDACTED"
    if text.startswith("bedrock-api-key-"):
        region = classify_bearer(text).region
        if region is None:
            return "bedrock-api-key-<redacted>"
        scope = f"X-Amz-Credential=REDACTED/20000101/{region}/bedrock/aws4_request"
        body = base64.b64encode(f"bedrock.amazonaws.com/?{scope}".encode()).decode()
        return f"bedrock-api-key-<{body}>"  # the brackets keep the redactor off; base64 skips them
    return REDACTED


def without_secrets(value: Any, name: str = "") -> tuple[Any, list[str]]:
    """A copy of ``value`` with every secret string (by a secret-like key name or a secret-like value)
    replaced by :func:`placeholder_for`; the dotted paths of what was replaced."""
    from collections.abc import Mapping

    from bedrock_access.redact import looks_like_secret, looks_like_secret_name

    replaced: list[str] = []

    def walk(item: Any, key: str, path: str, depth: int) -> Any:
        if depth > 64:
            return item
        if isinstance(item, str):
            if item and (looks_like_secret_name(key) or looks_like_secret(item)):
                replaced.append(path)
                return placeholder_for(item)
            return item
        if isinstance(item, Mapping):
            return {k: walk(v, str(k), f"{path}.{k}" if path else str(k), depth + 1) for k, v in item.items()}
        if isinstance(item, list | tuple):
            return [walk(v, key, f"{path}[{i}]", depth + 1) for i, v in enumerate(item)]
        return item

    return walk(value, name, name, 0), replaced


def json_text(document: Any) -> str:
    """An indented JSON document. orjson refuses lone surrogates (text that came through ``\\ud800``
    escapes in a policy) and integers beyond 64 bits; the standard library writes both as valid JSON,
    so a report is never lost to one odd value."""
    import orjson

    try:
        return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode()
    except (TypeError, orjson.JSONEncodeError):
        import json

        return json.dumps(document, indent=2)
