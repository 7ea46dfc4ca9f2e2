"""bedrock-access: will this Amazon Bedrock call be allowed, and if not, why and how to fix it."""

__version__ = "0.1.0"
