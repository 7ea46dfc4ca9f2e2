"""The package layering of README "How it is built", checked on the import statements of src/."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "bedrock_access"

# Packages each package may import from (besides itself). Shared leaves: errors (InputError), redact.
ALLOWED: dict[str, set[str]] = {
    "iam": {"errors"},
    "catalog": {"errors"},
    "bedrock": {"iam", "catalog", "errors", "redact"},
    "clients": {"bedrock", "catalog", "iam", "errors", "redact"},
}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = (
            [node.module]
            if isinstance(node, ast.ImportFrom) and node.module
            else [alias.name for alias in node.names]
            if isinstance(node, ast.Import)
            else []
        )
        found.update(name.split(".")[1] for name in names if name.startswith("bedrock_access."))
    return found


def test_lower_packages_import_only_what_they_may_know() -> None:
    wrong = []
    for package, allowed in ALLOWED.items():
        for path in sorted((SRC / package).rglob("*.py")):
            extra = _imports(path) - allowed - {package}
            if extra:
                wrong.append(f"{path.relative_to(SRC)} imports {sorted(extra)}")
    assert not wrong, "\n".join(wrong)


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("from bedrock_access.clients import READERS\nimport bedrock_access.iam.arn\n")
    assert _imports(module) == {"clients", "iam"}
