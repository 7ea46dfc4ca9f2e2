"""Amazon Bedrock authorization model: identifiers, the fan-out into IAM checks, findings, error texts.

Knows nothing of client applications; they hand it :class:`Invocation` values.
"""
