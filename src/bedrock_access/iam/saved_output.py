"""Policy documents as people save them: the AWS CLI's output of the commands that fetch a policy.

- ``aws iam get-policy-version``: ``{"PolicyVersion": {"Document": {...}, "VersionId": ...}}``
  (the API returns the document URL-encoded; the CLI decodes it, saved API output does not);
- ``aws iam get-role-policy`` / ``get-user-policy`` / ``get-group-policy``:
  ``{"RoleName": ..., "PolicyName": ..., "PolicyDocument": {...}}``;
- ``aws organizations describe-policy``: ``{"Policy": {"PolicySummary": {...}, "Content": "<JSON text>"}}``.

The document inside is returned as is; anything else is returned unchanged for the policy parser to judge.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote


class SavedOutputError(ValueError):
    """AWS CLI output that holds no policy document; the message says what to save instead."""


def _decoded(value: Any, what: str) -> Any:
    """A document given as JSON text (describe-policy's Content) or URL-encoded JSON (the IAM API)."""
    if not isinstance(value, str):
        return value
    for candidate in (value, unquote(value)):
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    raise SavedOutputError(f"{what} is a string that is not a JSON policy document")


def unwrap_saved_output(doc: Any) -> tuple[Any, str | None]:
    """The policy document inside saved AWS CLI output, and which command's output it was; ``doc`` and
    None when it is not such output."""
    if not isinstance(doc, Mapping) or "Statement" in doc:
        return doc, None
    version = doc.get("PolicyVersion")
    if isinstance(version, Mapping):
        if "Document" not in version:
            raise SavedOutputError(
                "PolicyVersion has no Document: save the output of `aws iam get-policy-version "
                "--policy-arn ARN --version-id vN`"
            )
        return _decoded(version["Document"], "PolicyVersion.Document"), "aws iam get-policy-version output"
    if "PolicyDocument" in doc:
        return _decoded(doc["PolicyDocument"], "PolicyDocument"), "aws iam get-*-policy output"
    policy = doc.get("Policy")
    if isinstance(policy, Mapping):
        if "Content" in policy:
            return (
                _decoded(policy["Content"], "Policy.Content"),
                "aws organizations describe-policy output",
            )
        if "DefaultVersionId" in policy or "Arn" in policy:
            raise SavedOutputError(
                "this is `aws iam get-policy` output, which holds no document: save "
                "`aws iam get-policy-version --policy-arn ARN --version-id "
                f"{policy.get('DefaultVersionId', 'vN')}` instead"
            )
    return doc, None
