"""Line numbers of a scenario's fields, for reports that point into the file (SARIF, Markdown).

The loader keeps values, not positions; reports that need positions read the text again here. The
result maps a field path as messages write it (``invocations[0].model``, ``client.settings``) to its
1-based line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_PATH = re.compile(r"[A-Za-z_][\w-]*(?:\[\d+\])*(?:\.[A-Za-z_][\w-]*(?:\[\d+\])*)*")


def field_lines(text: str) -> dict[str, int]:
    """Every mapping key and list item of a YAML or JSON document, with its line; empty when the text
    does not parse (the loader has already said why)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        document = YAML(typ="rt").load(text)
    except (YAMLError, RecursionError, ValueError):
        return {}
    lines: dict[str, int] = {}
    stack: list[tuple[str, Any]] = [("", document)]
    while stack and len(lines) < 100_000:
        prefix, node = stack.pop()
        if isinstance(node, Mapping) and hasattr(node, "lc"):
            for key, value in node.items():
                path = f"{prefix}.{key}" if prefix else str(key)
                try:
                    lines[path] = int(node.lc.key(key)[0]) + 1
                except (KeyError, IndexError, TypeError):
                    continue
                stack.append((path, value))
        elif isinstance(node, list) and hasattr(node, "lc"):
            for i, value in enumerate(node):
                path = f"{prefix}[{i}]"
                try:
                    lines[path] = int(node.lc.item(i)[0]) + 1
                except (KeyError, IndexError, TypeError):
                    continue
                stack.append((path, value))
    return lines


def line_of_origin(origin: str, source: str, lines: Mapping[str, int]) -> int | None:
    """The line an origin text names: ``"x.yaml invocations[0].model"`` or ``"... (x.yaml client.settings)"``
    points at that field, or at its nearest enclosing field that has a line."""
    at = origin.find(f"{source} ")
    if at < 0:
        return None
    found = _PATH.match(origin, at + len(source) + 1)
    if found is None:
        return None
    path = found.group(0)
    entry = re.match(r"invocations\[\d+\]", path)
    if entry:  # a scenario invocation: point at its entry, not at one of its keys
        path = entry.group(0)
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None
