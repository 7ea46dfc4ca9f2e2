"""Suite-wide isolation: no test reads the user's refreshed catalog overlay or a catalog file named in
the caller's environment; every test starts from the shipped snapshot unless it says otherwise."""

from __future__ import annotations

import os
import shutil
import tempfile

_CACHE_DIR: str | None = None


def pytest_configure() -> None:
    global _CACHE_DIR
    os.environ.pop("BEDROCK_ACCESS_CATALOG", None)
    _CACHE_DIR = tempfile.mkdtemp(prefix="bedrock-access-test-cache-")
    os.environ["BEDROCK_ACCESS_CACHE_DIR"] = _CACHE_DIR


def pytest_unconfigure() -> None:
    if _CACHE_DIR is not None:
        shutil.rmtree(_CACHE_DIR, ignore_errors=True)
