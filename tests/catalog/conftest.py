"""Shared fixtures for the catalog tests: the packaged catalog and, when present, the shared source file."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bedrock_access.catalog import Catalog, load_catalog

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_SOURCE = REPO_ROOT.parent / "shared" / "data" / "bedrock-catalog.json"
BUILD_SCRIPT = REPO_ROOT / "tools" / "build_catalog.py"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def shared_source_path() -> Path:
    """Path of the research snapshot the packaged file is built from; skips the test when absent."""
    if not SHARED_SOURCE.is_file():
        pytest.skip(f"shared catalog not available at {SHARED_SOURCE}")
    return SHARED_SOURCE


@pytest.fixture(scope="session")
def shared_source(shared_source_path: Path) -> dict[str, Any]:
    """The research snapshot, decoded."""
    with shared_source_path.open("rb") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@pytest.fixture(scope="session")
def build_module() -> ModuleType:
    """tools/build_catalog.py imported as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("build_catalog_under_test", BUILD_SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def corrected_source(shared_source: dict[str, Any], build_module: ModuleType) -> dict[str, Any]:
    """The research snapshot with tools/catalog_corrections.json applied: what the packaged file holds."""
    fixed, _ = build_module.apply_corrections(shared_source, build_module.load_corrections())
    data: dict[str, Any] = fixed
    return data
