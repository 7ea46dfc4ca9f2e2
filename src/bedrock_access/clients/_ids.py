"""String-level facts about model identifiers, Regions and endpoint URLs (private).

Only syntax and the prefix ↔ source-Region geography table of clients.md §0/§11 live here: no model
catalogue and no policy logic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlparse

ModelForm = Literal["bare", "profile", "arn", "anthropic", "other"]

_REGION_RE = re.compile(r"^[a-z]{2,4}(?:-[a-z]+)+-\d{1,2}$")
_ARN_RE = re.compile(r"^arn:(aws[a-z-]*):bedrock:([a-z0-9-]*):(\d*):([a-z-]+)/(.+)$")
_PREFIX_RE = re.compile(r"^([a-z][a-z-]*)\.([a-z0-9-]+\..+)$")

# Prefixes of system-defined inference profiles (clients.md §0). "ug" (Roo Code's GovCloud mapping) is
# deliberately absent: it is not a real prefix.
KNOWN_PREFIXES: frozenset[str] = frozenset({"us", "us-gov", "eu", "apac", "jp", "au", "ca", "sa", "global"})
# Prefixes whose per-model availability varies a lot: a client deriving them blindly may hit a 400.
SPARSE_PREFIXES: frozenset[str] = frozenset({"jp", "au", "ca", "sa"})


def is_region(value: str) -> bool:
    return bool(_REGION_RE.match(value))


@dataclass(frozen=True)
class ModelRef:
    """A model identifier taken apart: ``form`` is bare foundation-model id, system/geo profile id,
    ARN, Anthropic-API-format id (``claude-…``) or other (aliases, unknown)."""

    raw: str
    form: ModelForm
    prefix: str | None = None
    base: str = ""
    arn_region: str | None = None
    arn_account: str | None = None
    arn_type: str | None = None


def parse_model(model: str) -> ModelRef:
    text = model.strip()
    arn = _ARN_RE.match(text)
    if arn:
        _partition, region, account, rtype, resource = arn.groups()
        inner = parse_model(resource)
        return ModelRef(
            text,
            "arn",
            prefix=inner.prefix if inner.form == "profile" else None,
            base=inner.base or resource,
            arn_region=region or None,
            arn_account=account or None,
            arn_type=rtype,
        )
    if text.startswith("arn:"):
        return ModelRef(text, "arn", base=text)
    if text.startswith("claude-") and "." not in text:
        return ModelRef(text, "anthropic", base=text)
    prefixed = _PREFIX_RE.match(text)
    if prefixed:
        return ModelRef(text, "profile", prefix=prefixed.group(1), base=prefixed.group(2))
    if "." in text:
        return ModelRef(text, "bare", base=text)
    return ModelRef(text, "other", base=text)


def allowed_prefixes(region: str) -> frozenset[str]:
    """Geographic profile prefixes callable from ``region`` (clients.md §11 check 1). ``global`` is not
    listed: its source Regions come from the catalogue."""
    if region.startswith("us-gov-"):
        return frozenset({"us-gov"})
    if region.startswith("us-"):
        return frozenset({"us"})
    if region.startswith("eu-"):
        return frozenset({"eu"})
    if region in ("ap-northeast-1", "ap-northeast-3"):
        return frozenset({"apac", "jp"})
    if region in ("ap-southeast-2", "ap-southeast-4"):
        return frozenset({"apac", "au"})
    if region.startswith("ap-"):
        return frozenset({"apac"})
    if region.startswith("ca-"):
        return frozenset({"ca"})
    if region.startswith("sa-"):
        return frozenset({"sa"})
    return frozenset()


def geography(model: str) -> str | None:
    """The profile prefix a model id or ARN carries (``eu``, ``global``…), or None."""
    return parse_model(model).prefix


@dataclass(frozen=True)
class EndpointInfo:
    url: str
    host: str
    region: str | None
    vpce: bool
    fips: bool


_ENDPOINT_HOST_RE = re.compile(
    r"(?:^|\.)bedrock-runtime(-fips)?\.([a-z]{2,4}(?:-[a-z]+)+-\d{1,2})\.(?:vpce\.)?(?:amazonaws\.com|api\.aws)"
)


def endpoint_info(url: str) -> EndpointInfo:
    try:
        parsed = urlparse(url if "://" in url else f"https://{url}")
        host = (parsed.hostname or "").lower()
    except ValueError:  # e.g. "http://[::1" (an unclosed IPv6 bracket): no host can be told
        host = ""
    match = _ENDPOINT_HOST_RE.search(host)
    return EndpointInfo(
        url=url,
        host=host,
        region=match.group(2) if match else None,
        vpce=host.endswith(".vpce.amazonaws.com") or host.startswith("vpce-"),
        fips=bool(match and match.group(1)),
    )
