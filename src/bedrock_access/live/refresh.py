"""``catalog refresh``: ask the Bedrock control plane of each Region what it offers.

Per Region, read-only: ``ListFoundationModels`` (on demand or profile only, lifecycle) and
``ListInferenceProfiles(typeEquals=SYSTEM_DEFINED)`` (paginated; the profiles offered from that source
Region and, in each summary's ``models[].modelArn``, the destination Regions). ``GetInferenceProfile`` is
called only for a summary that carries no model ARNs. Regions run concurrently; botocore retries
throttling; a Region that still fails is reported and keeps its earlier data.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from bedrock_access.catalog.model import Catalog
from bedrock_access.catalog.overlay import RegionScan, scan_from_api
from bedrock_access.live.aws import (
    NOT_RECOGNISED_CODES,
    AwsFailure,
    client,
    failure_from_exception,
    secret_scrubber,
)

MAX_WORKERS = 8
# The calls one Region costs (free control-plane reads), for docs and the plan.
REGION_CALLS = ("bedrock:ListFoundationModels", "bedrock:ListInferenceProfiles")

Progress = Callable[[str, str], None]  # (region, "ok" | "failed" | "skipped")


@dataclass(frozen=True, slots=True)
class RefreshResult:
    scans: tuple[RegionScan, ...]
    failed: Mapping[str, AwsFailure] = field(default_factory=lambda: MappingProxyType({}))
    skipped: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    regions_asked: tuple[str, ...] = ()


def enabled_regions(session: Any, partition: str, home_region: str) -> frozenset[str] | None:
    """Regions enabled for this account (account:ListRegions), or None when that cannot be asked."""
    try:
        account = client(session, "account", home_region, max_attempts=3)
        names: set[str] = set()
        for page in account.get_paginator("list_regions").paginate(
            RegionOptStatusContains=["ENABLED", "ENABLED_BY_DEFAULT"]
        ):
            names.update(r["RegionName"] for r in page.get("Regions", ()))
        return frozenset(names)
    except Exception:  # no permission, no endpoint, no network: fall back to reading errors per Region
        return None


def scan_region(bedrock: Any, region: str, scanned_at: str) -> RegionScan:
    """The two listings of one Region, as a :class:`RegionScan`. Raises what boto3 raises."""
    models = bedrock.list_foundation_models().get("modelSummaries", [])
    profiles: list[Mapping[str, Any]] = []
    for page in bedrock.get_paginator("list_inference_profiles").paginate(typeEquals="SYSTEM_DEFINED"):
        for summary in page.get("inferenceProfileSummaries", []):
            if not summary.get("models"):
                summary = bedrock.get_inference_profile(
                    inferenceProfileIdentifier=summary["inferenceProfileId"]
                )
            profiles.append(summary)
    return scan_from_api(region, scanned_at, models, profiles)


def refresh(
    session: Any,
    regions: Sequence[str],
    *,
    catalog: Catalog,
    scanned_at: str,
    enabled: frozenset[str] | None,
    progress: Progress | None = None,
    max_workers: int = MAX_WORKERS,
) -> RefreshResult:
    """Scan ``regions`` concurrently. Opt-in Regions the account has not enabled are skipped."""
    skipped: dict[str, str] = {}
    todo: list[str] = []
    for region in regions:
        known = catalog.region(region)
        if enabled is not None and region not in enabled and (known is None or known.opt_in is not False):
            skipped[region] = "opt-in Region not enabled for this account"
            if progress:
                progress(region, "skipped")
        else:
            todo.append(region)
    # boto3 sessions are not thread-safe, clients are: create the clients here, use them in the pool.
    clients = {region: client(session, "bedrock", region) for region in todo}
    scrub = secret_scrubber(session)

    def one(region: str) -> tuple[str, RegionScan | AwsFailure]:
        try:
            outcome: RegionScan | AwsFailure = scan_region(clients[region], region, scanned_at)
        except Exception as exc:  # every failure is reported per Region, never a crash
            outcome = failure_from_exception(exc, scrub)
        if progress:
            progress(region, "ok" if isinstance(outcome, RegionScan) else "failed")
        return region, outcome

    scans: list[RegionScan] = []
    failed: dict[str, AwsFailure] = {}
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(todo) or 1))) as pool:
        for region, outcome in pool.map(one, todo):
            if isinstance(outcome, RegionScan):
                scans.append(outcome)
                continue
            known = catalog.region(region)
            if (
                enabled is None
                and known is not None
                and known.opt_in
                and outcome.code in NOT_RECOGNISED_CODES
            ):
                # Without account:ListRegions, this is how a disabled opt-in Region answers.
                skipped[region] = f"opt-in Region apparently not enabled for this account ({outcome.code})"
            else:
                failed[region] = outcome
    return RefreshResult(
        scans=tuple(sorted(scans, key=lambda s: s.region)),
        failed=MappingProxyType(dict(sorted(failed.items()))),
        skipped=MappingProxyType(dict(sorted(skipped.items()))),
        regions_asked=tuple(regions),
    )
