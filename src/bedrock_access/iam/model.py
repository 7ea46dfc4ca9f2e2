"""The policy language as typed, immutable values. Parsing lives in parse.py, meaning in engine.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Effect = Literal["Allow", "Deny"]

VERSION_2012 = "2012-10-17"
VERSION_2008 = "2008-10-17"


@dataclass(frozen=True, slots=True)
class ConditionClause:
    """One ``operator: {key: values}`` pair of a Condition block; values are strings as AWS reads them."""

    operator: str
    key: str
    values: tuple[str, ...]
    path: str  # where it stands in the document, e.g. "Statement[2].Condition.StringLike.aws:userid"


@dataclass(frozen=True, slots=True)
class PrincipalSpec:
    """A Principal or NotPrincipal element: ``"*"`` or a mapping of principal type to values."""

    wildcard: bool
    entries: Mapping[str, tuple[str, ...]]  # "AWS" | "Service" | "Federated" | "CanonicalUser" -> values


@dataclass(frozen=True, slots=True)
class Statement:
    index: int  # 1-based position in the policy
    sid: str | None
    effect: Effect
    actions: tuple[str, ...] | None
    not_actions: tuple[str, ...] | None
    resources: tuple[str, ...] | None
    not_resources: tuple[str, ...] | None
    principal: PrincipalSpec | None
    not_principal: PrincipalSpec | None
    conditions: tuple[ConditionClause, ...]


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    version: str | None  # None when the document has no Version (2008-10-17 rules apply)
    id: str | None
    statements: tuple[Statement, ...]
    size: int  # characters of the document with insignificant white space removed
    duplicate_keys: tuple[str, ...] = ()  # paths of JSON keys that appear twice (AWS refuses them)
    single_statement: bool = False  # Statement was written as one object rather than a list

    @property
    def variables_enabled(self) -> bool:
        """Policy variables are substituted only under Version 2012-10-17."""
        return self.version == VERSION_2012
