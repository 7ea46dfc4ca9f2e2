"""The one place the live verbs ask ``explain`` about an AWS error (an adapter, so that ``explain``'s
module layout can change without touching ``probe``)."""

from __future__ import annotations

from bedrock_access.catalog.model import Catalog


def explain_aws_error(code: str, message: str, operation: str, catalog: Catalog) -> str:
    """What ``bedrock-access explain`` says of this error: its cause, in one paragraph."""
    from bedrock_access.bedrock.error_parse import explain_parsed, parse_error
    from bedrock_access.bedrock.reevaluate import destinations_of

    # The text botocore prints for a failed call, which explain's parser reads like any pasted error.
    text = f"An error occurred ({code}) when calling the {operation} operation: {message}"
    parsed = parse_error(text)
    explanation = explain_parsed(parsed, lambda model, region: destinations_of(catalog, model, region))
    return explanation.cause
