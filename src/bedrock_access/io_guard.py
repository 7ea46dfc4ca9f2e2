"""Reading files a user names, safely: the one way this package opens an input file.

Every read goes through :func:`read_bytes` (or :func:`read_text`), which

- refuses what is not a regular file (a FIFO with no writer would hang, ``/dev/zero`` or
  ``/dev/urandom`` would fill memory): only an explicit ``-`` reads standard input;
- opens without blocking (a FIFO swapped in after the check cannot hang the open) and checks the
  opened descriptor again, so a race between the check and the open changes nothing;
- caps the size *while reading* (``st_size`` is 0 for devices and some virtual files, so it cannot
  be trusted) and names the file in every error;
- turns every operating-system failure (symbolic-link loops, NUL bytes or empty names, permission,
  names too long) into one :class:`InputError` line.

:func:`loads_json` and :func:`check_structure` bound how deeply nested and how large a parsed JSON or
YAML document may be (self-referencing YAML aliases make an endless structure: the depth bound stops
them too).
"""

from __future__ import annotations

import errno
import io
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from bedrock_access.errors import InputError

DEFAULT_MAX_BYTES = 5_000_000
MAX_DEPTH = 64  # the deepest real settings file or policy is under 15 levels
MAX_NODES = 200_000
STDIN = "-"
_CHUNK = 1 << 16


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "too many levels of symbolic links (a symbolic-link loop?)"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return exc.strerror or type(exc).__name__


def _read_stream(fd_read: Any, limit: int, display: str, what: str = "the file") -> bytes:
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = fd_read(min(_CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise InputError(f"{what} is over {limit} bytes; refusing more than {limit}", source=display)
    return b"".join(chunks)


def stdin_bytes(
    limit: int = DEFAULT_MAX_BYTES, *, display: str = "standard input", what: str = "the input"
) -> bytes:
    """Standard input, at most ``limit`` bytes (an error beyond)."""
    try:
        return _read_stream(stdin_reader(display), limit, display, what)
    except (OSError, ValueError) as exc:
        raise InputError("cannot read standard input", source=display) from exc


def stdin_reader(display: str = "standard input") -> Callable[[int], bytes]:
    """``read(n)`` on standard input as bytes; a text-only stream (a test's StringIO) is encoded."""
    stream = sys.stdin
    if stream is None:
        raise InputError("standard input is closed", source=display)
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        return buffer.read  # type: ignore[no-any-return]

    def read_text(n: int) -> bytes:
        return stream.read(n).encode("utf-8", "surrogateescape")

    return read_text


def check_name(path: str | os.PathLike[str], display: str | None = None) -> str:
    """The path as text, refusing names no file can have (empty, NUL bytes)."""
    name = os.fspath(path)
    shown = display if display is not None else safe_display(name)
    if name == "":
        raise InputError("an empty file name was given", source=shown or "''")
    if "\x00" in name:
        raise InputError("the file name contains a NUL byte", source=shown)
    return name


def safe_display(name: str, limit: int = 200) -> str:
    """A file name fit for a one-line message: no control characters, at most ``limit`` characters."""
    cleaned = "".join(c if c.isprintable() else repr(c)[1:-1] for c in name[: limit + 1])
    return cleaned if len(cleaned) <= limit else cleaned[:limit] + "…"


def open_regular(
    path: str | os.PathLike[str],
    display: str | None = None,
    *,
    missing_ok: bool = False,
    what: str = "the file",
) -> int | None:
    """A file descriptor opened for reading on a regular file; None when ``missing_ok`` and it is absent
    (or a directory, where a file was merely looked for)."""
    name = check_name(path, display)
    shown = display if display is not None else safe_display(name)
    try:
        before = os.stat(name)
    except (FileNotFoundError, NotADirectoryError):
        if missing_ok:
            return None
        raise InputError(f"cannot read {what}: No such file or directory", source=shown) from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {_os_reason(exc)}", source=shown) from None
    except ValueError:
        raise InputError("the file name cannot be used", source=shown) from None
    if stat.S_ISDIR(before.st_mode) and missing_ok:
        return None
    if not stat.S_ISREG(before.st_mode):
        raise InputError(
            f"{what} is {_kind_of(before.st_mode)}, not a regular file; refusing to read it", source=shown
        )
    flags = (
        os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    )
    try:
        fd = os.open(name, flags)
    except OSError as exc:
        raise InputError(f"cannot read {what}: {_os_reason(exc)}", source=shown) from None
    try:
        after = os.fstat(fd)
        if not stat.S_ISREG(after.st_mode):
            raise InputError(
                f"{what} is {_kind_of(after.st_mode)}, not a regular file; refusing to read it", source=shown
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_bytes(
    path: str | os.PathLike[str],
    *,
    display: str | None = None,
    limit: int = DEFAULT_MAX_BYTES,
    stdin_ok: bool = False,
    missing_ok: bool = False,
    what: str = "the file",
) -> bytes | None:
    """The bytes of a regular file (or of standard input for ``-`` when ``stdin_ok``), at most ``limit``.

    None only when ``missing_ok`` and there is no such file."""
    if stdin_ok and os.fspath(path) == STDIN:
        return stdin_bytes(limit, display=display or "standard input", what=what)
    fd = open_regular(path, display, missing_ok=missing_ok, what=what)
    if fd is None:
        return None
    shown = display if display is not None else safe_display(os.fspath(path))
    try:
        with os.fdopen(fd, "rb", buffering=0) as f:
            return _read_stream(f.read, limit, shown, what)
    except OSError as exc:
        raise InputError(f"cannot read {what}: {_os_reason(exc)}", source=shown) from None


def read_text(
    path: str | os.PathLike[str],
    *,
    display: str | None = None,
    limit: int = DEFAULT_MAX_BYTES,
    stdin_ok: bool = False,
    missing_ok: bool = False,
    what: str = "the file",
) -> str | None:
    """:func:`read_bytes` decoded as UTF-8 (a byte-order mark is dropped)."""
    data = read_bytes(path, display=display, limit=limit, stdin_ok=stdin_ok, missing_ok=missing_ok, what=what)
    if data is None:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        shown = display if display is not None else safe_display(os.fspath(path))
        raise InputError(f"{what} is not UTF-8 text", source=shown) from None


def require_text(path: str | os.PathLike[str], **kwargs: Any) -> str:
    text = read_text(path, **kwargs)
    assert text is not None  # missing_ok is False
    return text


# --------------------------------------------------------------------------------------------------
# Parsed structures


def structure_problem(value: Any, *, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES) -> str | None:
    """Why a parsed document is refused (too deep, self-referencing, too many values), or None."""
    budget = max_nodes
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        budget -= 1
        if budget < 0:
            return f"more than {max_nodes} values (YAML aliases expanding?); refusing to read"
        if depth > max_depth:
            return f"nested more than {max_depth} levels deep (or a YAML alias refers to itself)"
        if isinstance(item, Mapping):
            stack.extend((v, depth + 1) for v in item.values())
            stack.extend((k, depth + 1) for k in item if not isinstance(k, str | int | float | bool))
        elif isinstance(item, list | tuple):
            stack.extend((v, depth + 1) for v in item)
    return None


def check_structure(value: Any, source: str, *, field: str | None = None, max_depth: int = MAX_DEPTH) -> Any:
    """``value`` unchanged, or an :class:`InputError` naming ``source`` when it is too deep or too big."""
    problem = structure_problem(value, max_depth=max_depth)
    if problem is not None:
        raise InputError(problem, source=source, field=field)
    return value


def loads_json(text: str | bytes, source: str, *, field: str | None = None, what: str = "JSON") -> Any:
    """``json.loads`` that never raises anything but :class:`InputError` (nesting, huge numbers, bad
    text), with the structure bounded by :func:`check_structure`."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"not valid {what}: {exc.msg} (line {exc.lineno}, column {exc.colno})", source=source, field=field
        ) from None
    except RecursionError:
        raise InputError(f"{what} nested too deeply", source=source, field=field) from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid {what}: {str(exc)[:120]}", source=source, field=field) from None
    return check_structure(value, source, field=field)


def is_stdin(path: str | Path) -> bool:
    return os.fspath(path) == STDIN


# --------------------------------------------------------------------------------------------------
# Line-oriented input


def line_blocks(
    read: Callable[[int], bytes], max_line: int, block: int = 1 << 20
) -> Iterator[list[bytes | None]]:
    """Lines of a stream, a block at a time, the length cap applied *while reading*: a line longer than
    ``max_line`` bytes is skipped to its end without being kept and stands as ``None``, so memory stays
    bounded by ``max_line + block`` whatever the input (one 300 MB line, ``/dev/zero`` on stdin)."""
    partial: list[bytes] = []
    partial_len = 0
    overlong = False
    while True:
        chunk = read(block)
        if not chunk:
            break
        pieces = chunk.split(b"\n")
        out: list[bytes | None] = []
        for piece in pieces[:-1]:
            if overlong or partial_len + len(piece) > max_line:
                out.append(None)
            else:
                out.append(b"".join((*partial, piece)) if partial else piece)
            partial, partial_len, overlong = [], 0, False
        last = pieces[-1]
        if not overlong:
            partial.append(last)
            partial_len += len(last)
            if partial_len > max_line:
                partial, partial_len, overlong = [], 0, True
        if out:
            yield out
    if overlong:
        yield [None]
    elif partial_len:
        yield [b"".join(partial)]


def open_input(path: str, display: str | None = None) -> BinaryIO:
    """A binary stream on a regular file, or standard input for ``-``; the caller closes a file."""
    if path == STDIN:
        read = stdin_reader(display or "standard input")

        class _Stdin(io.RawIOBase):
            def readable(self) -> bool:
                return True

            def read(self, size: int = -1) -> bytes:
                return read(size if size >= 0 else 1 << 30)

            def close(self) -> None:  # standard input stays open for the process
                pass

        return _Stdin()  # type: ignore[return-value]
    fd = open_regular(path, display)
    assert fd is not None
    return os.fdopen(fd, "rb")


# A quoted scalar (skipped whole: JSON text inside YAML is checked when it is parsed) or a bracket.
_FLOW_BRACKETS = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\n]|'')*'|[\[\]{}]""")


def flow_nesting_problem(text: str, max_depth: int = MAX_DEPTH) -> str | None:
    """A cheap look before YAML parsing: brackets nested deeper than ``max_depth`` (the pure-Python YAML
    parser recurses per level and takes seconds to fail at a few thousand). Quoted strings are skipped."""
    if text.count("[") + text.count("{") <= max_depth:
        return None
    depth = 0
    for match in _FLOW_BRACKETS.finditer(text):
        token = match.group()
        if len(token) > 1 or token in "\"'":
            continue
        if token in "[{":
            depth += 1
            if depth > max_depth:
                return f"nested more than {max_depth} levels deep"
        elif depth:
            depth -= 1
    return None
