"""Writing ``--out DIR``: the only module of ``fix`` that touches the file system.

Everything is written to a fresh temporary directory next to ``DIR`` and moved into place in one
rename at the end, so ``DIR`` is either absent (or left as it was) or complete.

Layout: the recommended alternative at the top (``DIR/scenario.yaml``, ``DIR/APPLY.md``, ``DIR/policies/``
for documents to apply and copies, ``DIR/proof-only/`` for Control Tower-managed SCPs modelled for the
proof); every other alternative once, in ``DIR/<alternative>/`` with the same files; ``DIR/fix.json``,
the JSON report.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bedrock_access.errors import InputError
from bedrock_access.fix.model import FixReport
from bedrock_access.fix.scenario_doc import OutputFile, alternative_dir, alternative_files
from bedrock_access.scenario.model import Scenario


def check_out_dir(out: Path) -> None:
    """Refuse early a target that exists and is not an empty directory."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError("exists and is not an empty directory; refusing to overwrite", source=str(out))
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise InputError("its parent directory does not exist", source=str(out))


def planned_files(scenario: Scenario, report: FixReport, report_json: Mapping[str, Any]) -> list[OutputFile]:
    files: list[OutputFile] = []
    if not report.alternatives:
        return files
    files.extend(alternative_files(scenario, report.alternatives[0]))
    for alt in report.alternatives[1:]:  # each alternative once: the recommended one is at the top
        files.extend(alternative_files(scenario, alt, prefix=f"{alternative_dir(alt.name)}/"))
    files.append(
        OutputFile("fix.json", json.dumps(report_json, indent=2, ensure_ascii=False) + "\n", "report")
    )
    return files


def write_out(out: Path, files: Sequence[OutputFile]) -> list[str]:
    """Write ``files`` under ``out`` atomically; returns the paths written (as ``out/...``), in the
    order of ``files`` (their ``role`` says what each is).

    Every file's text passes through the redactor first, so even a temporary directory left behind by
    ``kill -9`` holds no secret; such leftovers of dead runs are removed on the next run."""
    from bedrock_access.output_guard import scrub_text

    check_out_dir(out)
    parent = out.parent if str(out.parent) else Path(".")
    _remove_stale_temporaries(parent, out.name)
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-{os.getpid()}-", dir=parent))
    except OSError as exc:
        raise InputError(f"cannot write: {(exc.strerror or str(exc)).lower()}", source=str(out)) from None
    try:
        for f in files:
            target = (tmp / f.path).resolve()
            if tmp.resolve() not in target.parents:
                raise InputError(f"refusing to write outside the output directory: {f.path}")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(scrub_text(f.text), encoding="utf-8")
        if out.exists():
            out.rmdir()  # empty (checked above); rename cannot replace a directory otherwise
        os.replace(tmp, out)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise InputError(f"cannot write: {exc.strerror or exc}", source=str(out)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return [str(out / f.path) for f in files]


def _remove_stale_temporaries(parent: Path, name: str) -> None:
    """Remove ``.NAME.tmp-PID-*`` directories whose process is gone (killed before its final rename)."""
    prefix = f".{name}.tmp-"
    try:
        entries = list(parent.iterdir())
    except OSError:
        return
    for entry in entries:
        if not entry.name.startswith(prefix) or entry.is_symlink() or not entry.is_dir():
            continue
        pid_text = entry.name[len(prefix) :].partition("-")[0]
        if pid_text.isdigit() and not _alive(int(pid_text)):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # someone else's process (or unknowable): leave its directory alone
    return True
