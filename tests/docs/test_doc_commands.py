"""Every shell command shown in README.md and docs/*.md runs, as written, from a clean clone.

The convention (also in docs/CONTRIBUTING.md):

- A fenced block tagged ``bash`` is run: each line is one command (a line ending in ``\\`` continues on
  the next; blank lines and ``#`` comment lines are skipped). Blocks tagged ``console`` (a ``$`` prompt
  followed by output), ``text``, ``sh``, ``json``, ``yaml``..., or untagged, are never run.
- Every command must exit 0, unless an HTML comment right before the block says otherwise:
  ``<!-- doc-test: exit=1 -->`` (every command of the block exits 1), or
  ``<!-- doc-test: skip=REASON -->`` for commands that need the network, a live AWS account, Node and
  the oracle, or that install packages. The reason is required and is shown in the test report.
- Commands run with ``bash`` in a copy of the repository holding exactly the files a clone would
  (``git ls-files``), in its root folder, with ``bedrock-access`` on the PATH (this checkout's code), an
  empty home folder and no AWS, Anthropic or Claude variables, so "this machine" has no client.
- A command may not print a Python traceback.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_MARKER = re.compile(r"^<!--\s*doc-test:\s*(?P<key>exit|skip)\s*=\s*(?P<value>.*?)\s*-->$")
_SCRUB = ("AWS_", "ANTHROPIC_", "CLAUDE_", "LITELLM", "BEDROCK_ACCESS_", "NO_COLOR", "COLUMNS")


@dataclass(frozen=True)
class DocCommand:
    doc: str
    line: int
    command: str
    exit_status: int
    skip: str | None

    @property
    def id(self) -> str:
        return f"{self.doc}:{self.line}"


def parse_commands(path: Path) -> list[DocCommand]:
    """The commands of every ``bash`` block of a Markdown file, with their expected exit status."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rel = path.relative_to(ROOT).as_posix()
    found: list[DocCommand] = []
    i = 0
    while i < len(lines):
        fence = lines[i].strip()
        if not fence.startswith("```"):
            i += 1
            continue
        tag = fence[3:].strip()
        exit_status, skip = 0, None
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        marker = _MARKER.match(lines[j].strip()) if j >= 0 else None
        if marker is not None:
            if marker["key"] == "exit":
                exit_status = int(marker["value"])
            else:
                if not marker["value"]:
                    raise AssertionError(f"{rel}:{j + 1}: doc-test skip needs a reason")
                skip = marker["value"]
        end = i + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        if tag == "bash":
            pending, start = "", 0
            for n in range(i + 1, end):
                text = lines[n]
                if not pending and (not text.strip() or text.lstrip().startswith("#")):
                    continue
                if not pending:
                    start = n + 1
                if text.rstrip().endswith("\\"):
                    pending += text.rstrip()[:-1] + " "
                    continue
                found.append(DocCommand(rel, start, (pending + text).strip(), exit_status, skip))
                pending = ""
        i = end + 1
    return found


ALL = [c for doc in DOCS for c in parse_commands(doc)]


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A copy of the repository's files as a clone would have them, and the environment to run in."""
    base = tmp_path_factory.mktemp("doc-commands")
    repo = base / "repo"
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    if listed.returncode == 0:
        for name in filter(None, listed.stdout.decode().split("\0")):
            source = ROOT / name
            if source.is_file():
                target = repo / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)
    else:  # not a git checkout (an sdist): copy the tree without caches
        shutil.copytree(
            ROOT,
            repo,
            ignore=shutil.ignore_patterns(".git", ".cache", "__pycache__", "*.egg-info", ".*_cache"),
        )
    bin_dir = base / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "bedrock-access"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m bedrock_access "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    home = base / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUB)}
    env.update(
        {
            "PATH": f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            "PYTHONPATH": str(repo / "src"),
            "HOME": str(home),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return repo, env


def test_the_docs_have_commands():
    assert len([c for c in ALL if c.skip is None]) >= 15
    assert {c.doc for c in ALL} >= {"README.md", "docs/simulate.md", "docs/check.md"}


def test_docs_never_point_at_the_shared_folder():
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        assert "../shared" not in text, doc
        assert "pbpaste" not in text, doc  # macOS only


@pytest.mark.parametrize("cmd", ALL, ids=[c.id for c in ALL])
def test_documented_command(cmd: DocCommand, clone: tuple[Path, dict[str, str]]) -> None:
    if cmd.skip is not None:
        pytest.skip(cmd.skip)
    repo, env = clone
    proc = subprocess.run(
        ["bash", "-c", cmd.command],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    shown = f"{cmd.id}: {cmd.command}\n--- stdout\n{proc.stdout[-3000:]}\n--- stderr\n{proc.stderr[-3000:]}"
    assert proc.returncode == cmd.exit_status, shown
    assert "Traceback (most recent call last)" not in proc.stderr, shown
