"""The published formats of AWS identifiers a user types into a scenario or a flag (pure).

Each check returns None for a well-formed value, or a message that shows the expected form and at most
a short excerpt of the value. Sources: the AWS Organizations API reference (organization id
``^o-[a-z0-9]{10,32}$``), the Amazon EC2 API reference (``vpc-`` and ``vpce-`` followed by 8 or 17
hexadecimal digits), and the IAM identifiers page (12-digit account ids; role names of ``[\\w+=,.@-]``
up to 64 characters under an optional path).
"""

from __future__ import annotations

import re

ACCOUNT_ID = re.compile(r"[0-9]{12}")
ORGANIZATION_ID = re.compile(r"o-[a-z0-9]{10,32}")
VPC_ID = re.compile(r"vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})")
VPC_ENDPOINT_ID = re.compile(r"vpce-(?:[0-9a-f]{8}|[0-9a-f]{17})")
# A role name may hold a placeholder such as ``<hash>``: the tool writes one for the suffix IAM Identity
# Center adds to its roles when a local configuration cannot tell it (bedrock/caller.py).
ROLE_ARN = re.compile(
    r"arn:aws(?:-cn|-us-gov|-iso|-iso-[a-z]|-eusc)?:iam::[0-9]{12}:role/(?:[\x21-\x7e]{0,510}/)?"
    r"(?:[\w+=,.@-]|<[a-z]{1,16}>){1,64}"
)

SCHEMA_PATTERNS = {
    "account": "^[0-9]{12}$",
    "organization": "^o-[a-z0-9]{10,32}$",
    "vpc": "^vpc-([0-9a-f]{8}|[0-9a-f]{17})$",
    "vpc_endpoint": "^vpce-([0-9a-f]{8}|[0-9a-f]{17})$",
}


def excerpt(value: str, limit: int = 40) -> str:
    """A short, one-line, quoted excerpt of a bad value (never the whole of a long one)."""
    from bedrock_access.redact import echo

    shown = echo(value) if len(value) <= 32 else "<value not shown>"
    if shown.startswith("<"):
        return f"{shown[:-1]}, {len(value)} characters>" if len(value) > limit else shown
    return shown


def _check(pattern: re.Pattern[str], value: str, expected: str) -> str | None:
    if pattern.fullmatch(value):
        return None
    return f"expected {expected}, not {excerpt(value)}"


def account_id_problem(value: str) -> str | None:
    return _check(ACCOUNT_ID, value, "a 12-digit account id")


def organization_id_problem(value: str) -> str | None:
    return _check(
        ORGANIZATION_ID, value, "an organization id o- followed by 10 to 32 lower-case letters or digits"
    )


def vpc_id_problem(value: str) -> str | None:
    return _check(
        VPC_ID, value, "a VPC id vpc- followed by 8 or 17 hexadecimal digits (vpc-0123456789abcdef0)"
    )


def vpc_endpoint_id_problem(value: str) -> str | None:
    return _check(
        VPC_ENDPOINT_ID,
        value,
        "a VPC endpoint id vpce- followed by 8 or 17 hexadecimal digits (vpce-0123456789abcdef0)",
    )


def role_arn_problem(value: str) -> str | None:
    return _check(ROLE_ARN, value, "an IAM role ARN (arn:aws:iam::111122223333:role/PATH/NAME)")
