"""Text → mapping for settings documents (private, pure). Malformed input raises InputError with the
line number; YAML is parsed with ruamel's safe loader, imported only when needed."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bedrock_access.errors import InputError
from bedrock_access.io_guard import check_structure, flow_nesting_problem


def parse_json_text(text: str, source: str) -> Mapping[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg}", source=source, line=exc.lineno) from None
    except RecursionError:
        raise InputError("malformed JSON: nested too deeply", source=source) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise InputError(f"malformed JSON: {str(exc)[:100]}", source=source) from None
    check_structure(data, source)
    if not isinstance(data, dict):
        raise InputError("expected a JSON object at the top level", source=source)
    return data


def parse_yaml_text(text: str, source: str) -> Mapping[str, Any]:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    problem = flow_nesting_problem(text)
    if problem is not None:
        raise InputError(f"malformed YAML: {problem}", source=source)
    yaml = YAML(typ="safe", pure=True)
    try:
        data = yaml.load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = getattr(mark, "line", None)
        problem = getattr(exc, "problem", None) or exc.__class__.__name__
        raise InputError(
            f"malformed YAML: {problem}", source=source, line=line + 1 if isinstance(line, int) else None
        ) from None
    except RecursionError:
        raise InputError("malformed YAML: nested too deeply", source=source) from None
    except ValueError as exc:
        raise InputError(f"malformed YAML: {str(exc)[:100]}", source=source) from None
    check_structure(data, source)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("expected a mapping at the top level", source=source)
    return data


def parse_settings_text(text: str, source: str, name: str) -> Mapping[str, Any]:
    """JSON for ``*.json``, YAML for ``*.yaml``/``*.yml``; otherwise JSON if it parses, else YAML."""
    lower = name.lower()
    if lower.endswith(".json"):
        return parse_json_text(text, source)
    if lower.endswith((".yaml", ".yml")):
        return parse_yaml_text(text, source)
    try:
        return parse_json_text(text, source)
    except InputError:
        return parse_yaml_text(text, source)
