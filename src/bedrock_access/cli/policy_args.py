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
        path = Path(spec)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read policy: {exc.strerror}", source=spec) from None
        except UnicodeDecodeError:
            raise InputError("policy file is not UTF-8 text", source=spec) from None
        name, source = path.stem, spec
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
