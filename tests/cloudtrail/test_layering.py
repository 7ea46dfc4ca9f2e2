"""The CloudTrail package's seams: one adapter reads errors, nothing reaches into cli/ or report/."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "bedrock_access" / "cloudtrail"
ERROR_READING = {
    "bedrock_access.bedrock.error_parse",
    "bedrock_access.bedrock.error_scan",
    "bedrock_access.bedrock.error_explain",
    "bedrock_access.bedrock.error_causes",
    "bedrock_access.explaining",
}


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_only_the_adapter_imports_error_reading():
    importers = {path.name for path in PACKAGE.glob("*.py") if _imported(path) & ERROR_READING}
    assert importers == {"adapter.py"}


def test_the_package_knows_nothing_of_cli_or_reports():
    for path in PACKAGE.glob("*.py"):
        wrong = {n for n in _imported(path) if n.startswith(("bedrock_access.cli", "bedrock_access.report"))}
        assert not wrong, f"{path.name} imports {wrong}"
