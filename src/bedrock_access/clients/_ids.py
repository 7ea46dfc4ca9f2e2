"""Model identifiers and endpoint URLs as the readers see them (private).

No fact about AWS lives here: ARNs are parsed by :func:`bedrock_access.iam.arn.parse_arn`, profile
prefixes are the catalog's naming table (:data:`bedrock_access.catalog.geography.SCOPES`), which source
Regions a prefix serves is the catalog's routing data, Region names follow
:func:`bedrock_access.catalog.geography.is_region_name` and endpoint host names
:mod:`bedrock_access.bedrock.endpoints`. What stays is the readers' own view: which form an id a client
sends has, so that a client's behaviour (adding or keeping a prefix, moving the Region to an ARN's) can
be modelled.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlparse

from bedrock_access.bedrock.endpoints import runtime_host
from bedrock_access.catalog.geography import SCOPES
from bedrock_access.iam.arn import parse_arn

if TYPE_CHECKING:
    from bedrock_access.catalog.model import Catalog

ModelForm = Literal["bare", "profile", "arn", "anthropic", "other"]

# "PREFIX.provider.model": shaped like a system profile id, whether or not PREFIX is a real prefix (a
# client may build ``ug.`` or ``sa.`` ids that AWS does not know; see PROFILE_PREFIX_UNKNOWN).
_PREFIXED_RE = re.compile(r"^([a-z][a-z-]*)\.([a-z0-9-]+\..+)$")


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
    if text.startswith("arn:"):
        arn = parse_arn(text)
        rtype, slash, resource = arn.resource.partition("/") if arn is not None else ("", "", "")
        if arn is None or arn.service != "bedrock" or not slash or not resource:
            return ModelRef(text, "arn", base=text)
        inner = parse_model(resource)
        return ModelRef(
            text,
            "arn",
            prefix=inner.prefix if inner.form == "profile" else None,
            base=inner.base or resource,
            arn_region=arn.region or None,
            arn_account=arn.account or None,
            arn_type=rtype,
        )
    if text.startswith("claude-") and "." not in text:
        return ModelRef(text, "anthropic", base=text)
    prefixed = _PREFIXED_RE.match(text)
    if prefixed:
        return ModelRef(text, "profile", prefix=prefixed.group(1), base=prefixed.group(2))
    if "." in text:
        return ModelRef(text, "bare", base=text)
    return ModelRef(text, "other", base=text)


def is_profile_prefix(prefix: str | None) -> bool:
    """Whether ``prefix`` is one of AWS's system inference-profile prefixes (the catalog's table)."""
    return prefix in SCOPES


def _shipped_catalog() -> Catalog:
    from bedrock_access.catalog import load_catalog

    return load_catalog()


@functools.lru_cache(maxsize=64)
def _prefix_sources(catalog: Catalog, prefix: str) -> frozenset[str]:
    geography = catalog.scope_geography(prefix)
    # A scope without routing data (GovCloud ids known only from documents) is placed by its home Regions.
    return frozenset(geography.source_regions or geography.home_regions)


def prefix_offered_from(prefix: str, region: str, catalog: Catalog | None = None) -> bool:
    """Whether some system profile with ``prefix`` can be called from ``region``, by the catalog's routing
    (the shipped snapshot unless ``catalog`` is given). Calling a prefix from any other Region gets
    Bedrock's 400 "The provided model identifier is invalid"."""
    return region in _prefix_sources(catalog or _shipped_catalog(), prefix)


@dataclass(frozen=True)
class EndpointInfo:
    url: str
    host: str
    region: str | None
    vpce: bool
    fips: bool


def endpoint_info(url: str) -> EndpointInfo:
    parsed = urlparse(url if "://" in url else f"https://{url}")
    host = (parsed.hostname or "").lower()
    runtime = runtime_host(host)
    return EndpointInfo(
        url=url,
        host=host,
        region=runtime.region,
        vpce=host.endswith(".vpce.amazonaws.com") or host.startswith("vpce-"),
        fips=runtime.fips,
    )
