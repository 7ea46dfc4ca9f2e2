"""Writing a snapshot folder: every file atomically, the folder published by one rename at the end.

A run writes into ``OUT.partial/``; each account's file lands there as soon as it is read, so an
interrupted run continues where it stopped. Only a complete snapshot is renamed to ``OUT``.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from bedrock_access.errors import InputError


def partial_dir(out: Path) -> Path:
    return out.with_name(out.name + ".partial")


def check_out(out: Path) -> None:
    """Refuse an existing snapshot or a missing parent folder before anything is read or written."""
    if out.exists():
        raise InputError(
            "already exists; give a new folder (a snapshot is never overwritten)",
            source=str(out),
            field="--out",
        )
    if not out.parent.is_dir():
        raise InputError(f"folder {out.parent} does not exist", source=str(out), field="--out")


def prepare(out: Path) -> tuple[Path, bool]:
    """The work folder, and whether it holds an interrupted run to continue."""
    check_out(out)
    work = partial_dir(out)
    resumed = work.is_dir()
    (work / "accounts").mkdir(parents=True, exist_ok=True)
    return work, resumed


def write_json(path: Path, doc: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1, sort_keys=False, default=str)
            f.write("\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def publish(work: Path, out: Path) -> None:
    os.replace(work, out)
