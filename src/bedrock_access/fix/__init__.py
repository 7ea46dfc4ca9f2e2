"""``bedrock-access fix``: checked changes that make failing Bedrock invocations work.

Start with :func:`propose_fixes`; everything here is pure (no I/O) except :mod:`bedrock_access.fix.writer`,
which writes ``--out``. See docs/fix.md.
"""

from bedrock_access.fix.model import (
    Alternative,
    ClientChange,
    FixOptions,
    FixReport,
    Location,
    PolicyChange,
    Proof,
    Unfixable,
    ValidationNote,
)
from bedrock_access.fix.solve import propose_fixes

__all__ = [
    "Alternative",
    "ClientChange",
    "FixOptions",
    "FixReport",
    "Location",
    "PolicyChange",
    "Proof",
    "Unfixable",
    "ValidationNote",
    "propose_fixes",
]
