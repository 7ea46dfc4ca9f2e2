"""Streaming CloudTrail records out of files, in bounded memory.

Inputs, told apart by their content (not their names), gzipped or not:

- log files as CloudTrail delivers them to S3: ``{"Records": [...]}``;
- ``aws cloudtrail lookup-events`` output: ``{"Events": [{"CloudTrailEvent": "<record as JSON>"}]}``;
- ``aws cloudtrail get-query-results`` output (CloudTrail Lake): ``{"QueryResultRows": [[{...}]]}``;
- JSON lines (one record, one lookup event or one exported row per line) and JSON arrays of them;
- CSV exports of CloudTrail Lake or Athena queries, with a header naming the columns.

Folders are walked recursively, in name order (the S3 layout
``AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/``); ``CloudTrail-Digest`` folders, which hold
digests rather than records, and hidden files are passed over.

Memory stays bounded whatever the input size: files are read in chunks of :data:`CHUNK_BYTES`; a
document of at most :data:`WHOLE_FILE_BYTES` (every log file CloudTrail delivers) is parsed in one go,
a larger one record by record; a single record, line or field may not exceed :data:`MAX_RECORD_CHARS`.

Nothing here raises on bad content: a file that is not CloudTrail, a truncated gzip stream, malformed
JSON or a row that is not a record is reported as a :class:`Problem` and reading goes on.
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import re
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from bedrock_access.cloudtrail.records import looks_like_record
from bedrock_access.cloudtrail.rows import is_cloudtrail_header, merge_lake_row, record_from_row
from bedrock_access.errors import InputError

CHUNK_BYTES = 1 << 20
WHOLE_FILE_BYTES = 16 << 20
MAX_RECORD_CHARS = 1 << 20

READABLE_SUFFIXES = (
    ".json",
    ".json.gz",
    ".jsonl",
    ".jsonl.gz",
    ".ndjson",
    ".ndjson.gz",
    ".csv",
    ".csv.gz",
    ".gz",
)
SKIPPED_FOLDERS = frozenset({"CloudTrail-Digest"})

_ARRAY_KEYS = ("Records", "Events", "QueryResultRows")
_KEYED_ARRAY = re.compile(rb'\A\s*\{\s*"(Records|Events|QueryResultRows)"\s*:\s*\[')
_GZIP_MAGIC = b"\x1f\x8b"
_BOM = codecs.BOM_UTF8


@dataclass(frozen=True, slots=True)
class Problem:
    """Something that could not be read. ``scope`` says what was skipped: a whole ``file``, the
    ``rest`` of a file after the first ``count`` records, or one ``record``."""

    source: str
    message: str
    scope: Literal["file", "rest", "record"]

    def render(self) -> str:
        return f"{self.source}: {self.message}"


RecordItem = tuple[str, int, dict[str, Any]]
"""(file, 1-based position in the file, record)"""

Item = RecordItem | Problem


class _Truncated(Exception):
    pass


class _Corrupt(Exception):
    pass


# ------------------------------------------------------------------------------------------------
# Paths


def expand_paths(paths: Sequence[str]) -> list[str]:
    """Every file to read: files as given, folders walked recursively in name order.

    Raises :class:`InputError` for a path that does not exist, before anything is read.
    """
    missing = [p for p in paths if not os.path.exists(p)]
    if missing:
        raise InputError("no such file or folder", source=missing[0], field="--cloudtrail")
    files: list[str] = []
    for path in paths:
        if not os.path.isdir(path):
            files.append(path)
            continue
        for root, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_FOLDERS and not d.startswith("."))
            files.extend(
                os.path.join(root, name)
                for name in sorted(names)
                if not name.startswith(".") and name.lower().endswith(READABLE_SUFFIXES)
            )
    return files


def read_all(paths: Iterable[str]) -> Iterator[Item]:
    for path in paths:
        yield from read_file(path)


# ------------------------------------------------------------------------------------------------
# Bytes


def _byte_chunks(path: str) -> Iterator[bytes]:
    """The file's content, decompressed when it is gzip, in bounded chunks.

    Raises :class:`_Truncated` when a gzip stream ends early and :class:`_Corrupt` when it is damaged.
    """
    with open(path, "rb") as f:
        raw = f.read(CHUNK_BYTES)
        if not raw.startswith(_GZIP_MAGIC):
            while raw:
                yield raw
                raw = f.read(CHUNK_BYTES)
            return
        decompressor = zlib.decompressobj(wbits=31)
        while True:
            try:
                out = decompressor.decompress(raw, CHUNK_BYTES)
                while True:
                    if out:
                        yield out
                    if not decompressor.unconsumed_tail:
                        break
                    out = decompressor.decompress(decompressor.unconsumed_tail, CHUNK_BYTES)
            except zlib.error as exc:
                raise _Corrupt(str(exc)) from None
            if decompressor.eof:
                rest = decompressor.unused_data
                if rest.startswith(_GZIP_MAGIC):  # another gzip member follows
                    decompressor = zlib.decompressobj(wbits=31)
                    raw = rest
                    continue
                if rest.strip(b"\0"):
                    raise _Corrupt("data after the end of the gzip stream")
                # A finished stream: anything left in the file beyond it is ignored only if empty.
                raw = f.read(CHUNK_BYTES)
                if raw.startswith(_GZIP_MAGIC):
                    decompressor = zlib.decompressobj(wbits=31)
                    continue
                if raw.strip(b"\0"):
                    raise _Corrupt("data after the end of the gzip stream")
                return
            raw = f.read(CHUNK_BYTES)
            if not raw:
                raise _Truncated()


class _Stream:
    """Byte chunks with a look-ahead buffer and the truncation state remembered."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self.truncated = False
        self.corrupt: str | None = None
        self.ended = False

    def next_chunk(self) -> bytes | None:
        if self.ended:
            return None
        try:
            return next(self._chunks)
        except StopIteration:
            self.ended = True
        except _Truncated:
            self.ended = True
            self.truncated = True
        except _Corrupt as exc:
            self.ended = True
            self.corrupt = str(exc)
        return None

    def read_up_to(self, limit: int, start: bytes = b"") -> bytes:
        """At least ``limit`` bytes (or all that is left), starting with ``start``."""
        parts = [start]
        size = len(start)
        while size < limit:
            chunk = self.next_chunk()
            if chunk is None:
                break
            parts.append(chunk)
            size += len(chunk)
        return b"".join(parts)

    def end_problem(self, source: str, count: int) -> Problem | None:
        if self.truncated:
            return Problem(source, f"gzip stream is truncated; read {count} records before the cut", "rest")
        if self.corrupt:
            return Problem(
                source, f"damaged gzip data ({self.corrupt}); read {count} records before it", "rest"
            )
        return None


# ------------------------------------------------------------------------------------------------
# Files


def read_file(path: str) -> Iterator[Item]:
    """The records of one file, with a :class:`Problem` for anything that cannot be read."""
    try:
        stream = _Stream(_byte_chunks(path))
        head = stream.read_up_to(64 * 1024)
    except OSError as exc:
        yield Problem(path, f"cannot read: {exc.strerror or exc}", "file")
        return
    try:
        yield from _read_stream(path, stream, head)
    except OSError as exc:
        yield Problem(path, f"cannot read: {exc.strerror or exc}", "rest")


def _read_stream(path: str, stream: _Stream, head: bytes) -> Iterator[Item]:
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    start = head.lstrip()
    if not start:
        problem = stream.end_problem(path, 0)
        yield problem or Problem(path, "empty file", "file")
        return
    keyed = _KEYED_ARRAY.match(head)
    if keyed is not None or start.startswith(b"["):
        key = keyed.group(1).decode() if keyed is not None else None
        yield from _read_array(path, stream, head, key)
    elif start.startswith(b"{"):
        first = _json_object(start.split(b"\n", 1)[0])
        if first is None or any(isinstance(first.get(key), list) for key in _ARRAY_KEYS):
            # Pretty-printed, or one line holding a whole document with its keys in another order.
            yield from _read_document(path, stream, head)
        elif isinstance(_element(path, 1, first), Problem):
            yield Problem(
                path, "not CloudTrail: the first line is not a record, event or exported row", "file"
            )
        else:
            yield from _read_json_lines(path, stream, head)
    else:
        yield from _read_csv(path, stream, head)


def _json_object(line: bytes) -> dict[str, Any] | None:
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def _element(path: str, index: int, value: Any) -> Item:
    """One array element or line as a record: a record, a lookup event, or an exported row."""
    if isinstance(value, dict):
        if looks_like_record(value):
            return (path, index, value)
        embedded = value.get("CloudTrailEvent")
        if isinstance(embedded, str):
            if len(embedded) > MAX_RECORD_CHARS:
                return Problem(path, f"record {index}: CloudTrailEvent is too large", "record")
            try:
                inner = orjson.loads(embedded)
            except orjson.JSONDecodeError:
                return Problem(path, f"record {index}: CloudTrailEvent is not valid JSON", "record")
            if looks_like_record(inner):
                return (path, index, inner)
            return Problem(path, f"record {index}: CloudTrailEvent lacks eventSource or eventName", "record")
        row = record_from_row(value)
    elif isinstance(value, list):
        merged = merge_lake_row(value)
        if merged is None:
            return Problem(path, f"record {index}: not a CloudTrail record", "record")
        row = record_from_row(merged)
    else:
        return Problem(
            path, f"record {index}: not a CloudTrail record (a JSON {type(value).__name__})", "record"
        )
    if looks_like_record(row):
        return (path, index, row)
    return Problem(path, f"record {index}: no eventSource or eventName field", "record")


def _read_document(path: str, stream: _Stream, head: bytes) -> Iterator[Item]:
    """A JSON document that does not start with a record array (pretty-printed, or keys reordered)."""
    data = stream.read_up_to(WHOLE_FILE_BYTES + 1, head)
    if len(data) > WHOLE_FILE_BYTES:
        yield Problem(
            path, "not CloudTrail: a large JSON document that does not start with a Records array", "file"
        )
        return
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        yield stream.end_problem(path, 0) or Problem(path, f"not CloudTrail: invalid JSON ({exc})", "file")
        return
    if isinstance(document, dict):
        for key in _ARRAY_KEYS:
            if isinstance(document.get(key), list):
                yield from _elements(path, document[key])
                return
        if looks_like_record(document) or "CloudTrailEvent" in document:
            yield _element(path, 1, document)
            return
    yield Problem(path, "not CloudTrail: no Records, Events or QueryResultRows array", "file")


def _elements(path: str, values: list[Any]) -> Iterator[Item]:
    for index, value in enumerate(values, 1):
        yield _element(path, index, value)


def _read_array(path: str, stream: _Stream, head: bytes, key: str | None) -> Iterator[Item]:
    data = stream.read_up_to(WHOLE_FILE_BYTES + 1, head)
    if len(data) <= WHOLE_FILE_BYTES and stream.ended and not (stream.truncated or stream.corrupt):
        # The common case: a delivered log file, parsed in one go.
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError:
            document = None
        values = document.get(key) if isinstance(document, dict) and key else document
        if isinstance(values, list):
            yield from _elements(path, values)
            return
    yield from _ArrayReader(path, stream, data, key).items()


class _ArrayReader:
    """Elements of a JSON array read one at a time with the standard library's ``raw_decode``."""

    _SEPARATORS = re.compile(r"[\s,]*")

    def __init__(self, path: str, stream: _Stream, data: bytes, key: str | None) -> None:
        self.path = path
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.buffer = self.decoder.decode(data)
        self.pos = 0
        self.key = key

    def _more(self) -> bool:
        chunk = self.stream.next_chunk()
        final = chunk is None
        text = self.decoder.decode(chunk or b"", final=final)
        if self.pos:
            self.buffer = self.buffer[self.pos :]
            self.pos = 0
        self.buffer += text
        return not final or bool(text)

    def _start(self) -> bool:
        opening = (
            re.compile(r'\A\s*\{\s*"' + self.key + r'"\s*:\s*\[') if self.key else re.compile(r"\A\s*\[")
        )
        self.buffer = self.buffer.lstrip("\ufeff")
        match = opening.match(self.buffer)
        if match is None:
            return False
        self.pos = match.end()
        return True

    def items(self) -> Iterator[Item]:
        count = 0
        if not self._start():
            yield Problem(self.path, "not CloudTrail: no record array", "file")
            return
        json_decoder = json.JSONDecoder()
        while True:
            self.pos = self._SEPARATORS.match(self.buffer, self.pos).end()  # type: ignore[union-attr]
            if self.pos >= len(self.buffer):
                if self._more():
                    continue
                yield self._cut(count, "the file ends inside the record array")
                return
            if self.buffer[self.pos] == "]":
                return
            try:
                value, end = json_decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError:
                if len(self.buffer) - self.pos > MAX_RECORD_CHARS:
                    yield Problem(
                        self.path,
                        f"record {count + 1} is not valid JSON or larger than {MAX_RECORD_CHARS} characters; "
                        "rest of the file skipped",
                        "rest",
                    )
                    return
                if self._more():
                    continue
                yield self._cut(count, f"record {count + 1} is not valid JSON; rest of the file skipped")
                return
            count += 1
            size = end - self.pos
            self.pos = end
            if size > MAX_RECORD_CHARS:
                yield Problem(
                    self.path, f"record {count} is larger than {MAX_RECORD_CHARS} characters", "record"
                )
                continue
            yield _element(self.path, count, value)

    def _cut(self, count: int, message: str) -> Problem:
        return self.stream.end_problem(self.path, count) or Problem(self.path, message, "rest")


def _read_json_lines(path: str, stream: _Stream, head: bytes) -> Iterator[Item]:
    pending = head
    line_number = 0
    skipping = False  # inside an over-long line, dropping bytes up to its end
    while True:
        lines = pending.split(b"\n")
        pending = lines.pop()
        for line in lines:
            line_number += 1
            if skipping:
                skipping = False
                continue
            item = _json_line(path, line_number, line)
            if item is not None:
                yield item
        if len(pending) > MAX_RECORD_CHARS:
            if not skipping:
                yield Problem(
                    path, f"line {line_number + 1} is longer than {MAX_RECORD_CHARS} bytes", "record"
                )
            skipping = True
            pending = b""
        chunk = stream.next_chunk()
        if chunk is None:
            break
        pending += chunk
    problem = stream.end_problem(path, line_number)
    if problem is not None:
        yield problem  # the last, partial line is not read
        return
    if pending.strip() and not skipping:
        item = _json_line(path, line_number + 1, pending)
        if item is not None:
            yield item


def _json_line(path: str, number: int, line: bytes) -> Item | None:
    if not line.strip():
        return None
    try:
        value = orjson.loads(line)
    except orjson.JSONDecodeError:
        return Problem(path, f"line {number} is not valid JSON", "record")
    return _element(path, number, value)


def _text_lines(stream: _Stream, head: bytes) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="replace")
    pending = decoder.decode(head)
    while True:
        lines = pending.splitlines(keepends=True)
        pending = lines.pop() if lines and not lines[-1].endswith(("\n", "\r")) else ""
        yield from lines
        if len(pending) > MAX_RECORD_CHARS:
            raise csv.Error(f"a line longer than {MAX_RECORD_CHARS} characters")
        chunk = stream.next_chunk()
        if chunk is None:
            pending += decoder.decode(b"", final=True)
            if pending:
                yield pending
            return
        pending += decoder.decode(chunk)


def _read_csv(path: str, stream: _Stream, head: bytes) -> Iterator[Item]:
    reader = csv.reader(_text_lines(stream, head))
    count = 0
    try:
        header = next(reader, None)
        if header is None or not is_cloudtrail_header(header):
            yield Problem(
                path,
                "not CloudTrail: neither JSON nor a CSV export with eventSource and eventName columns",
                "file",
            )
            return
        for row in reader:
            if not row:
                continue
            count += 1
            yield _element(path, count, dict(zip(header, row, strict=False)))
    except csv.Error as exc:
        yield stream.end_problem(path, count) or Problem(
            path, f"CSV row {count + 1}: {exc}; rest of the file skipped", "rest"
        )
        return
    problem = stream.end_problem(path, count)
    if problem is not None:
        yield problem
