"""The HTML report in a real browser: Debian's chromium, headless, on the file the CLI wrote."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bedrock_access.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "org-snapshot"
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (.ci/run installs it)"
)


def _report(tmp_path: Path) -> Path:
    out = tmp_path / "matrix.html"
    code = main(
        [
            "matrix",
            str(EXAMPLE),
            "--format",
            "html",
            "-o",
            str(out),
            "--model",
            "us.anthropic.claude-sonnet-4-6",
            "--model",
            "global.anthropic.claude-sonnet-4-6",
            "--region",
            "us-east-1",
            "--region",
            "us-west-2",
        ]
    )
    assert code == 1
    return out


def _dom(tmp_path: Path, url: str) -> str:
    profile = tmp_path / "profile"
    result = subprocess.run(
        [
            str(CHROMIUM),
            *FLAGS,
            f"--user-data-dir={profile}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _text(dom: str, element_id: str) -> str:
    match = re.search(rf'<aside id="{element_id}">(.*?)</aside>', dom, re.S)
    assert match, dom[:2000]
    return re.sub(r"<[^>]+>", " ", match.group(1))


def test_the_page_is_self_contained(tmp_path: Path) -> None:
    page = _report(tmp_path).read_text()
    assert "<link" not in page and not re.search(r"\ssrc=", page)
    assert "default-src 'none'" in page  # the browser itself refuses any request the page might make


@needs_chromium
def test_a_click_on_a_cell_shows_hops_statement_and_error(tmp_path: Path) -> None:
    out = _report(tmp_path)
    # Row 4: the dev account's Identity Center role; it shares its stack with row 2, so the page
    # re-addresses the shared answer to it. Column 0: the us. profile from us-east-1.
    dom = _dom(tmp_path, f"{out.as_uri()}#cell=4,0")
    assert 'class="grid"' in dom and dom.count('class="cell v') == 8 * 4
    detail = " ".join(_text(dom, "detail").split())
    assert "us.anthropic.claude-sonnet-4-6 from us-east-1" in detail
    assert "denied" in detail and "model in us-east-2" in detail and "explicit deny" in detail
    assert "Sid GRREGIONDENY" in detail and "ou-ab12-workloads" in detail
    assert (
        "User: arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/bedrock-access "
        "is not authorized to perform: bedrock:InvokeModel"
    ) in detail
    assert "permission set: Developer" in detail


@needs_chromium
def test_search_filters_rows(tmp_path: Path) -> None:
    out = _report(tmp_path)
    dom = _dom(tmp_path, f"{out.as_uri()}#search=DataScientist")
    assert "3 of 8 principals" in dom
    assert dom.count('class="cell v') == 3 * 4
