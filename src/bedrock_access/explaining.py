"""A pasted error explained for the user: Bedrock's explanation joined with the clients' advice.

:mod:`bedrock_access.bedrock` explains errors without knowing any client; its explanations name advice
topics, and :mod:`bedrock_access.clients.advice` holds what each client's settings can do on a topic.
This module (above both packages) puts the two together for ``explain``.
"""

from __future__ import annotations

from dataclasses import replace

from bedrock_access.bedrock.error_explain import DestinationsOf, Explanation, explain_parsed
from bedrock_access.bedrock.error_scan import ParsedError
from bedrock_access.clients.advice import advice_for


def explain_error(parsed: ParsedError, destinations_of: DestinationsOf | None = None) -> Explanation:
    """:func:`~bedrock_access.bedrock.error_explain.explain_parsed`, with the clients' advice appended."""
    explanation = explain_parsed(parsed, destinations_of)
    return replace(explanation, fixes=explanation.fixes + advice_for(explanation.advice))
