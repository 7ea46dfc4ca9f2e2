"""The scenario files a ``check PATH...`` names: files as given, folders searched recursively for
``*.yaml`` and ``*.yml``. A path that does not exist, or a folder without scenarios, is an input error:
in CI a mistyped path must fail, not pass with nothing checked."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from bedrock_access.errors import InputError

SCENARIO_SUFFIXES = (".yaml", ".yml")
STDIN = "-"


def scenario_paths(paths: Sequence[str]) -> list[str]:
    """Every scenario file the paths name, in the order given (a folder's files sorted), each once;
    ``-`` stands for standard input and may appear once."""
    found: list[str] = []
    for raw in paths:
        if raw == STDIN:
            if STDIN in found:
                raise InputError("standard input (-) can be read only once", field="PATH")
            found.append(STDIN)
            continue
        path = Path(raw)
        try:
            found.extend(_one_path(path, raw))
        except OSError as exc:  # a name too long, a permission problem on the way
            raise InputError(f"cannot read: {exc.strerror or exc}", source=raw[:200]) from None
    return list(dict.fromkeys(found))


def _one_path(path: Path, raw: str) -> list[str]:
    """The scenario files one path names (a folder's, sorted)."""
    if path.is_dir():
        inside = sorted(
            p
            for p in path.rglob("*")
            if p.suffix in SCENARIO_SUFFIXES
            and p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not inside:
            raise InputError("no *.yaml or *.yml scenario files in this folder", source=raw)
        return [str(p) for p in inside]
    if path.is_file() or path.is_symlink():
        return [raw]  # a link that leads nowhere (or in a loop): the loader says which
    if path.exists():
        raise InputError("not a regular file or folder", source=raw)
    raise InputError("cannot read scenario: No such file or directory", source=raw)
