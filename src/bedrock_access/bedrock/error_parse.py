"""Compatibility names for code written before the split of error reading into three modules.

- :mod:`bedrock_access.bedrock.error_scan`: text -> :class:`ParsedError` (:func:`parse_error`).
- :mod:`bedrock_access.bedrock.error_causes`: the one table of non-IAM causes (:data:`CAUSES`).
- :mod:`bedrock_access.bedrock.error_explain`: :class:`ParsedError` -> :class:`Explanation`
  (:func:`explain_parsed`), without client advice; :func:`bedrock_access.explaining.explain_error`
  adds it.

Import from those modules in new code.
"""

from __future__ import annotations

from bedrock_access.bedrock.error_causes import CAUSE_CODES, CAUSES, Cause, Kind, NonIamCause
from bedrock_access.bedrock.error_explain import (
    IAM_EXPLANATION_CODES,
    DestinationsOf,
    Explanation,
    explain_parsed,
)
from bedrock_access.bedrock.error_scan import (
    IAM_WINDOW_CHARS,
    KNOWN_ERROR_CODES,
    MAX_INPUT_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_TOKEN_CHARS,
    ParsedError,
    parse_error,
)

__all__ = [
    "CAUSES",
    "CAUSE_CODES",
    "IAM_EXPLANATION_CODES",
    "IAM_WINDOW_CHARS",
    "KNOWN_ERROR_CODES",
    "MAX_INPUT_CHARS",
    "MAX_MESSAGE_CHARS",
    "MAX_TOKEN_CHARS",
    "Cause",
    "DestinationsOf",
    "Explanation",
    "Kind",
    "NonIamCause",
    "ParsedError",
    "explain_parsed",
    "parse_error",
]
