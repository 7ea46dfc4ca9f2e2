"""What every operator family provides, and the generic rules that wrap it.

A family compiles a clause's policy values into a ``ValueTest``: given one request value, it answers
True (some policy value matches), False (none matches, all were decidable) or None (none matches and
some comparison could not be decided: an unresolvable variable or an unparsable number, date or
address). Positive operators are true only on True; negated operators only on False, so an undecidable
comparison never makes a condition true.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bedrock_access.iam.variables import Context, Template

ValueTest = Callable[[str, Context], bool | None]
Builder = Callable[[tuple[Template, ...]], ValueTest]


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    name: str
    family: str
    negated: bool
    variables: bool  # whether policy variables are substituted in this operator's values
    build: Builder
    constant: bool = True  # whether the test's answer depends on the request value only

    @property
    def canonical(self) -> str:
        return self.name
