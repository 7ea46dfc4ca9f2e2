"""A local catalog overlay: what a live scan of the Bedrock APIs saw, per source Region, and how to lay
it over the shipped snapshot.

Pure: no I/O, no clock. ``catalog refresh`` (``bedrock_access.live.refresh``) turns API answers into a
:class:`RegionScan` per Region with :func:`scan_from_api`, merges them into the stored :class:`Overlay`
with :func:`merge_scans`, and every verb lays the overlay over the shipped snapshot with
:func:`apply_overlay`: for each Region it scanned, the overlay's data replaces the shipped data for that
source Region; every other Region keeps the shipped data. Newest data per Region wins.

Overlay file format (``format: "bedrock-access-catalog-overlay/1"``)::

    {"format": ..., "partition_bedrock_regions": {partition: [region, ...]},
     "regions": {region: {"scanned_at": "YYYY-MM-DDTHH:MM:SSZ",
                          "models": {model_id: {"provider", "lifecycle", "inference_types": [...]}},
                          "profiles": {profile_id: {"model_id", "destinations": [region, ...] | null}}}},
     "last_refresh": {"at", "failed": {region: message}, "skipped": {region: reason}}}

``destinations: null`` marks a global profile (AWS returns a Region-less model ARN for it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from bedrock_access.catalog.geography import split_profile_id
from bedrock_access.catalog.model import Catalog, Model, ModelStatus, Profile, ProfileStatus
from bedrock_access.errors import InputError

OVERLAY_FORMAT = "bedrock-access-catalog-overlay/1"
LIVE_SCAN = "live scan"  # provenance label prefix of data from an overlay

_EMPTY_STR_MAP: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class ScannedModel:
    """One ``ListFoundationModels`` summary, as far as the catalog needs it."""

    provider: str
    lifecycle: str  # ACTIVE | LEGACY | ...
    inference_types: tuple[str, ...]  # ON_DEMAND, INFERENCE_PROFILE, PROVISIONED

    @property
    def on_demand(self) -> bool:
        return "ON_DEMAND" in self.inference_types


@dataclass(frozen=True, slots=True)
class ScannedProfile:
    """One system-defined inference profile offered from the scanned Region.

    ``destinations`` is None for a global profile: AWS returns its model ARN without a Region.
    """

    model_id: str
    destinations: tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class RegionScan:
    """What the Bedrock control plane of one source Region said, and when."""

    region: str
    scanned_at: str  # ISO 8601 UTC timestamp
    models: Mapping[str, ScannedModel]
    profiles: Mapping[str, ScannedProfile]

    @property
    def scan_date(self) -> str:
        return self.scanned_at[:10]


@dataclass(frozen=True, slots=True)
class Overlay:
    """Every Region scanned so far (newest scan per Region), and what the last refresh could not do."""

    regions: Mapping[str, RegionScan]
    partition_bedrock_regions: Mapping[str, tuple[str, ...]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    last_refresh_at: str | None = None
    failed: Mapping[str, str] = field(default_factory=lambda: _EMPTY_STR_MAP)
    skipped: Mapping[str, str] = field(default_factory=lambda: _EMPTY_STR_MAP)

    def scan_dates(self) -> Mapping[str, str]:
        return MappingProxyType({r: s.scan_date for r, s in sorted(self.regions.items())})


EMPTY_OVERLAY = Overlay(regions=MappingProxyType({}))


# From API answers --------------------------------------------------------------------------------------


def model_id_from_arn(arn: str) -> str | None:
    """``arn:aws:bedrock:us-east-1::foundation-model/anthropic.x`` → ``anthropic.x`` (None if not an FM ARN)."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or not parts[5].startswith("foundation-model/"):
        return None
    return parts[5].removeprefix("foundation-model/")


def region_from_arn(arn: str) -> str:
    """The Region field of an ARN ("" for a global profile's Region-less foundation-model ARN)."""
    parts = arn.split(":", 5)
    return parts[3] if len(parts) == 6 else ""


def scan_from_api(
    region: str,
    scanned_at: str,
    model_summaries: Iterable[Mapping[str, Any]],
    profile_summaries: Iterable[Mapping[str, Any]],
) -> RegionScan:
    """Build a :class:`RegionScan` from ``ListFoundationModels`` modelSummaries and the profiles (the
    summaries of ``ListInferenceProfiles``, or ``GetInferenceProfile`` answers: both carry ``models``)."""
    models: dict[str, ScannedModel] = {}
    for summary in model_summaries:
        model_id = summary.get("modelId")
        if not isinstance(model_id, str) or not model_id:
            continue
        lifecycle = summary.get("modelLifecycle") or {}
        models[model_id] = ScannedModel(
            provider=str(summary.get("providerName") or "").lower() or model_id.split(".", 1)[0],
            lifecycle=str(lifecycle.get("status") or "ACTIVE")
            if isinstance(lifecycle, Mapping)
            else "ACTIVE",
            inference_types=tuple(sorted({str(t) for t in summary.get("inferenceTypesSupported") or ()})),
        )
    profiles: dict[str, ScannedProfile] = {}
    for summary in profile_summaries:
        profile_id = summary.get("inferenceProfileId")
        if not isinstance(profile_id, str) or not profile_id:
            continue
        arns = [m.get("modelArn") for m in summary.get("models") or () if isinstance(m, Mapping)]
        arns_ok = [a for a in arns if isinstance(a, str)]
        model_ids = {mid for mid in (model_id_from_arn(a) for a in arns_ok) if mid}
        if not model_ids:
            parts = split_profile_id(profile_id)
            model_ids = {parts[1] if parts else profile_id.partition(".")[2]}
        dest_regions = {region_from_arn(a) for a in arns_ok}
        destinations = None if "" in dest_regions or not dest_regions else tuple(sorted(dest_regions))
        profiles[profile_id] = ScannedProfile(model_id=sorted(model_ids)[0], destinations=destinations)
    return RegionScan(
        region=region,
        scanned_at=scanned_at,
        models=MappingProxyType(dict(sorted(models.items()))),
        profiles=MappingProxyType(dict(sorted(profiles.items()))),
    )


def merge_scans(
    previous: Overlay,
    scans: Sequence[RegionScan],
    *,
    at: str,
    failed: Mapping[str, str],
    skipped: Mapping[str, str],
    partition_bedrock_regions: Mapping[str, Sequence[str]] | None = None,
) -> Overlay:
    """The overlay after a refresh: new scans replace older ones Region by Region; Regions that failed
    or were skipped keep whatever they had (an older scan, or the shipped data)."""
    regions = dict(previous.regions)
    for scan in scans:
        regions[scan.region] = scan
    partitions = dict(previous.partition_bedrock_regions)
    for name, listed in (partition_bedrock_regions or {}).items():
        partitions[name] = tuple(sorted(listed))
    return Overlay(
        regions=MappingProxyType(dict(sorted(regions.items()))),
        partition_bedrock_regions=MappingProxyType(dict(sorted(partitions.items()))),
        last_refresh_at=at,
        failed=MappingProxyType(dict(sorted(failed.items()))),
        skipped=MappingProxyType(dict(sorted(skipped.items()))),
    )


# Serialisation -----------------------------------------------------------------------------------------


def overlay_to_json(overlay: Overlay) -> dict[str, Any]:
    """The overlay as a JSON-ready document (sorted, deterministic)."""
    return {
        "format": OVERLAY_FORMAT,
        "partition_bedrock_regions": {
            k: list(v) for k, v in sorted(overlay.partition_bedrock_regions.items())
        },
        "regions": {
            region: {
                "scanned_at": scan.scanned_at,
                "models": {
                    mid: {
                        "provider": m.provider,
                        "lifecycle": m.lifecycle,
                        "inference_types": list(m.inference_types),
                    }
                    for mid, m in sorted(scan.models.items())
                },
                "profiles": {
                    pid: {
                        "model_id": p.model_id,
                        "destinations": None if p.destinations is None else list(p.destinations),
                    }
                    for pid, p in sorted(scan.profiles.items())
                },
            }
            for region, scan in sorted(overlay.regions.items())
        },
        "last_refresh": {
            "at": overlay.last_refresh_at,
            "failed": dict(sorted(overlay.failed.items())),
            "skipped": dict(sorted(overlay.skipped.items())),
        },
    }


def _obj(value: object, source: str, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise InputError("expected an object", source=source, field=where)
    return value


def _str(value: object, source: str, where: str) -> str:
    if not isinstance(value, str):
        raise InputError("expected a string", source=source, field=where)
    return value


def _strs(value: object, source: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise InputError("expected a list of strings", source=source, field=where)
    return tuple(_str(v, source, f"{where}[{i}]") for i, v in enumerate(value))


def parse_overlay(document: object, *, source: str) -> Overlay:
    """Build an :class:`Overlay` from its decoded JSON; :class:`InputError` naming the field if malformed."""
    doc = _obj(document, source, "overlay")
    if doc.get("format") != OVERLAY_FORMAT:
        raise InputError(
            f"expected {OVERLAY_FORMAT!r}, got {doc.get('format')!r}", source=source, field="format"
        )
    regions: dict[str, RegionScan] = {}
    for region, raw in _obj(doc.get("regions", {}), source, "regions").items():
        where = f"regions.{region}"
        entry = _obj(raw, source, where)
        models = {
            mid: ScannedModel(
                provider=_str(m.get("provider", ""), source, f"{where}.models.{mid}.provider"),
                lifecycle=_str(m.get("lifecycle", "ACTIVE"), source, f"{where}.models.{mid}.lifecycle"),
                inference_types=_strs(
                    m.get("inference_types", []), source, f"{where}.models.{mid}.inference_types"
                ),
            )
            for mid, m in (
                (k, _obj(v, source, f"{where}.models.{k}"))
                for k, v in _obj(entry.get("models", {}), source, f"{where}.models").items()
            )
        }
        profiles: dict[str, ScannedProfile] = {}
        for pid, p_raw in _obj(entry.get("profiles", {}), source, f"{where}.profiles").items():
            p = _obj(p_raw, source, f"{where}.profiles.{pid}")
            dests = p.get("destinations")
            profiles[pid] = ScannedProfile(
                model_id=_str(p.get("model_id"), source, f"{where}.profiles.{pid}.model_id"),
                destinations=None
                if dests is None
                else _strs(dests, source, f"{where}.profiles.{pid}.destinations"),
            )
        scanned_at = _str(entry.get("scanned_at"), source, f"{where}.scanned_at")
        regions[region] = RegionScan(region, scanned_at, MappingProxyType(models), MappingProxyType(profiles))
    partitions = {
        name: _strs(v, source, f"partition_bedrock_regions.{name}")
        for name, v in _obj(
            doc.get("partition_bedrock_regions", {}), source, "partition_bedrock_regions"
        ).items()
    }
    last = _obj(doc.get("last_refresh", {}), source, "last_refresh")
    at = last.get("at")
    return Overlay(
        regions=MappingProxyType(regions),
        partition_bedrock_regions=MappingProxyType(partitions),
        last_refresh_at=None if at is None else _str(at, source, "last_refresh.at"),
        failed=MappingProxyType(
            {
                k: _str(v, source, f"last_refresh.failed.{k}")
                for k, v in _obj(last.get("failed", {}), source, "last_refresh.failed").items()
            }
        ),
        skipped=MappingProxyType(
            {
                k: _str(v, source, f"last_refresh.skipped.{k}")
                for k, v in _obj(last.get("skipped", {}), source, "last_refresh.skipped").items()
            }
        ),
    )


# Laying the overlay over a catalog ---------------------------------------------------------------------


def _global_destinations(catalog: Catalog, overlay: Overlay, source_region: str) -> tuple[str, ...]:
    """AWS documents global destinations as "all commercial Regions": the partition's Bedrock Regions."""
    partition = catalog.partition_of(source_region) or "aws"
    listed = overlay.partition_bedrock_regions.get(partition)
    if listed:
        return tuple(r for r in listed if r in catalog.regions)
    known = catalog.partitions.get(partition)
    return known.bedrock_regions if known else catalog.bedrock_regions(partition)


def _label(scans: Iterable[RegionScan]) -> str:
    dates = sorted({s.scan_date for s in scans})
    return f"{LIVE_SCAN} {dates[-1]}" if dates else LIVE_SCAN


def _apply_profiles(catalog: Catalog, overlay: Overlay) -> dict[str, Profile]:
    scanned = overlay.regions
    profiles = dict(catalog.profiles)
    # Regions each profile is listed from in the overlay, with destinations.
    listed: dict[str, dict[str, tuple[str, ...]]] = {}
    model_of: dict[str, str] = {}
    for region, scan in scanned.items():
        if region not in catalog.regions:
            continue  # a Region the snapshot does not know: nothing can refer to it
        for pid, sp in scan.profiles.items():
            dests = (
                _global_destinations(catalog, overlay, region)
                if sp.destinations is None
                else tuple(d for d in sp.destinations if d in catalog.regions)
            )
            listed.setdefault(pid, {})[region] = dests
            model_of[pid] = sp.model_id
    for pid in sorted(set(profiles) | set(listed)):
        old = profiles.get(pid)
        fresh = listed.get(pid, {})
        if old is None:
            parts = split_profile_id(pid)
            scope = parts[0] if parts else pid.partition(".")[0]
            is_global = any(scanned[r].profiles[pid].destinations is None for r in fresh)
            profiles[pid] = Profile(
                id=pid,
                scope=scope,
                model_id=model_of[pid],
                status="active",
                routing_kind="all_commercial" if is_global else "explicit",
                routing=MappingProxyType(dict(sorted(fresh.items()))),
                provenance=(_label(scanned[r] for r in fresh),),
                first_seen_in_scan=min(scanned[r].scan_date for r in fresh),
                note="new since the shipped snapshot: found by `catalog refresh`",
            )
            continue
        touched = {r for r in old.routing if r in scanned} | set(fresh)
        if not touched:
            continue
        routing = {r: d for r, d in old.routing.items() if r not in scanned}
        routing.update(fresh)
        status: ProfileStatus = old.status
        routing_kind = old.routing_kind
        if fresh:
            status = "active"
            if routing_kind == "unknown":
                routing_kind = "explicit"
        elif not routing:
            # Listed nowhere any more: keep the last routing known, as the shipped data does.
            status = "not_listed"
            routing = dict(old.routing)
        provenance = old.provenance
        label = _label(scanned[r] for r in touched if r in scanned)
        if label not in provenance:
            provenance = (label, *provenance)
        profiles[pid] = replace(
            old,
            status=status,
            routing_kind=routing_kind,
            routing=MappingProxyType(dict(sorted(routing.items()))),
            provenance=provenance,
            last_seen_in_scan=None if fresh else old.last_seen_in_scan,
        )
    return profiles


_MODEL_STATUS: Mapping[str, ModelStatus] = MappingProxyType({"ACTIVE": "active", "LEGACY": "legacy"})


def _apply_models(catalog: Catalog, overlay: Overlay, profiles: Mapping[str, Profile]) -> dict[str, Model]:
    scanned = {r: s for r, s in overlay.regions.items() if r in catalog.regions}
    models = dict(catalog.models)
    seen: dict[str, dict[str, ScannedModel]] = {}
    for region, scan in scanned.items():
        for mid, sm in scan.models.items():
            seen.setdefault(mid, {})[region] = sm
    profile_ids: dict[str, list[str]] = {}
    for profile in profiles.values():
        profile_ids.setdefault(profile.model_id, []).append(profile.id)
    for mid in sorted(set(models) | set(seen)):
        here = seen.get(mid, {})
        old = models.get(mid)
        on_demand_now = {r for r, sm in here.items() if sm.on_demand}
        if old is None:
            first = here[sorted(here)[0]]
            in_region = tuple(sorted(on_demand_now))
            models[mid] = Model(
                model_id=mid,
                provider=first.provider,
                status=_MODEL_STATUS.get(first.lifecycle, "active"),
                lifecycle=first.lifecycle,
                endpoints=("bedrock-runtime",),
                in_region_on_demand=in_region,
                requires_profile=False if in_region else (True if profile_ids.get(mid) else None),
                provenance=(_label(scanned[r] for r in here),),
                note="new since the shipped snapshot: found by `catalog refresh`",
            )
            continue
        if old.in_region_on_demand is None and not on_demand_now:
            continue  # served only by bedrock-mantle as far as anyone knows: the scan cannot say more
        touched = set(scanned) if old.in_region_on_demand is not None else on_demand_now
        before = set(old.in_region_on_demand or ())
        after = (before - touched) | on_demand_now
        lifecycle = old.lifecycle
        status = old.status
        if here:
            newest = here[max(here, key=lambda r: scanned[r].scanned_at)]
            lifecycle = newest.lifecycle
            status = _MODEL_STATUS.get(lifecycle, old.status)
        if after == before and lifecycle == old.lifecycle:
            continue
        sources = {r for pid in profile_ids.get(mid, ()) for r in profiles[pid].routing}
        requires: bool | None = False if after else (True if sources else old.requires_profile)
        models[mid] = replace(
            old,
            status=status,
            lifecycle=lifecycle,
            in_region_on_demand=tuple(sorted(after)),
            requires_profile=requires,
            profile_only_in=tuple(sorted(sources - after)) if after else old.profile_only_in,
            provenance=(_label(scanned[r] for r in here or scanned), *old.provenance),
        )
    return models


def apply_overlay(catalog: Catalog, overlay: Overlay) -> Catalog:
    """``catalog`` with the overlay's newest per-Region data laid over it (the catalog is not changed)."""
    if not overlay.regions:
        return catalog
    profiles = _apply_profiles(catalog, overlay)
    models = _apply_models(catalog, overlay, profiles)
    unverified = {pid: u for pid, u in catalog.unverified_profile_ids.items() if pid not in profiles}
    dates = sorted(s.scan_date for s in overlay.regions.values())
    data_as_of = dict(catalog.data_as_of)
    data_as_of[f"{LIVE_SCAN} ({len(overlay.regions)} Regions)"] = (
        dates[-1] if dates[0] == dates[-1] else f"{dates[0]}..{dates[-1]}"
    )
    return replace(
        catalog,
        data_as_of=MappingProxyType(data_as_of),
        sources=(
            *catalog.sources,
            "bedrock-access catalog refresh (ListFoundationModels, ListInferenceProfiles)",
        ),
        profiles=MappingProxyType(dict(sorted(profiles.items()))),
        models=MappingProxyType(dict(sorted(models.items()))),
        unverified_profile_ids=MappingProxyType(unverified),
    )
