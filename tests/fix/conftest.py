"""Shared fixtures for the fix tests: the catalog, the options the CLI would build, a runner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bedrock_access.catalog import Catalog, load_catalog
from bedrock_access.cli.fix import _client_resolver, _validator
from bedrock_access.fix import FixOptions, FixReport, propose_fixes
from bedrock_access.iam.service_data import rcp_supported_services, service_actions
from bedrock_access.scenario import load_scenario

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = REPO_ROOT / "examples"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
NOW = "2026-11-22T12:00:00Z"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def options() -> FixOptions:
    validator = _validator()
    assert validator is not None, "bedrock_access.iam.validate is expected to be present"
    return FixOptions(
        now=NOW,
        rcp_services=rcp_supported_services(),
        validator=validator,
        bedrock_actions=frozenset(f"bedrock:{name}" for name in service_actions("bedrock") or ()),
    )


@pytest.fixture(scope="session")
def fix(catalog: Catalog, options: FixOptions) -> Callable[..., FixReport]:
    def run(path: Path | str, **overrides: object) -> FixReport:
        opts = replace(options, resolve_client=_client_resolver(str(path)), **overrides)  # type: ignore[arg-type]
        return propose_fixes(load_scenario(path), catalog, opts)

    return run
