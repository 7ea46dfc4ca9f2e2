"""Suite-wide isolation: no test reads the user's refreshed catalog overlay or a catalog file named in
the caller's environment; every test starts from the shipped snapshot unless it says otherwise."""

from __future__ import annotations

import os
import tempfile


def pytest_configure() -> None:
    os.environ.pop("BEDROCK_ACCESS_CATALOG", None)
    os.environ["BEDROCK_ACCESS_CACHE_DIR"] = tempfile.mkdtemp(prefix="bedrock-access-test-cache-")
