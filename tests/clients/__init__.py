"""Tests for bedrock_access.clients."""
