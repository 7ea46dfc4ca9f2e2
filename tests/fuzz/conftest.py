"""The hostile-input suite (issue 9): its helpers live in hostile_support.py, importable from here."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hostile_support import Result, run_in_process


@pytest.fixture
def run_main(capsys: pytest.CaptureFixture[str]) -> Callable[..., Result]:
    """``main(argv)`` in this process."""

    def run(*argv: str) -> Result:
        return run_in_process(argv, capsys)

    return run
