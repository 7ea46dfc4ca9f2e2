"""Policies named on the command line: a file path or inline JSON, and SCP levels ``LEVEL=FILE[,FILE]``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bedrock_access.errors import InputError

if TYPE_CHECKING:  # imported lazily at run time: --help must stay fast
    from bedrock_access.iam.engine import OrgLevel
    from bedrock_access.iam.model import Policy


def load_policy_arg(spec: str, name_hint: str) -> Policy:
    from bedrock_access.iam.parse import PolicyError, parse_policy

    text = spec.strip()
    if text.startswith("{"):
        name, source = name_hint, "inline policy"
    else:
        from bedrock_access.io_guard import check_name, require_text, safe_display

        source = safe_display(check_name(spec))
        path = Path(spec)
        text = require_text(path, display=source, what="the policy file")
        name = path.stem
    try:
        return parse_policy(text, name=name)
    except PolicyError as exc:
        raise InputError(exc.message, source=source, field=exc.path or None) from None


def level_args(specs: list[str], flag: str) -> tuple[OrgLevel, ...]:
    from bedrock_access.iam.engine import OrgLevel

    levels = []
    for spec in specs:
        identifier, sep, files = spec.partition("=")
        if not sep or not identifier:
            raise InputError(f"expected LEVEL=POLICY[,POLICY], got {spec!r}", field=flag)
        policies = tuple(
            load_policy_arg(f, f"{identifier}[{i}]") for i, f in enumerate(files.split(",")) if f
        )
        levels.append(OrgLevel(identifier, policies))
    return tuple(levels)
