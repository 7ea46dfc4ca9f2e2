"""Read the packaged snapshot (``catalog/data/catalog.json``, written by ``tools/build_catalog.py``),
and hand out the catalog in use (shipped data with the refreshed overlay, see ``selection``).

The format is described in docs/catalog.md. Loading is lazy and cached: nothing is read at import time.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from bedrock_access.catalog.model import (
    MODEL_STATUSES,
    PROFILE_STATUSES,
    ROUTING_KINDS,
    Catalog,
    Model,
    Partition,
    Profile,
    Region,
    UnverifiedProfileId,
)
from bedrock_access.errors import InputError

FORMAT = "bedrock-access-catalog/1"
PACKAGED_SOURCE = "bedrock_access/catalog/data/catalog.json"

_T = TypeVar("_T", bound=str)


class _Reader:
    """Typed accessors over decoded JSON that raise :class:`InputError` naming the bad field."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> InputError:
        return InputError(message, source=self.source, field=where)

    def obj(self, value: object, where: str) -> Mapping[str, object]:
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise self.fail(where, "expected an object")
        return value

    def get(self, record: Mapping[str, object], key: str, where: str) -> object:
        if key not in record:
            raise self.fail(f"{where}.{key}", "missing")
        return record[key]

    def str_(self, value: object, where: str) -> str:
        if not isinstance(value, str):
            raise self.fail(where, "expected a string")
        return value

    def opt_str(self, record: Mapping[str, object], key: str, where: str) -> str | None:
        value = record.get(key)
        return None if value is None else self.str_(value, f"{where}.{key}")

    def bool_(self, value: object, where: str) -> bool:
        if not isinstance(value, bool):
            raise self.fail(where, "expected true or false")
        return value

    def opt_bool(self, value: object, where: str) -> bool | None:
        return None if value is None else self.bool_(value, where)

    def strs(self, value: object, where: str) -> tuple[str, ...]:
        if not isinstance(value, list):
            raise self.fail(where, "expected a list of strings")
        return tuple(self.str_(item, f"{where}[{i}]") for i, item in enumerate(value))

    def opt_strs(self, record: Mapping[str, object], key: str, where: str) -> tuple[str, ...]:
        value = record.get(key)
        return () if value is None else self.strs(value, f"{where}.{key}")

    def choice(self, value: object, allowed: tuple[_T, ...], where: str) -> _T:
        for option in allowed:
            if value == option:
                return option
        raise self.fail(where, f"expected one of {', '.join(allowed)}, got {value!r}")


def _partitions(r: _Reader, doc: Mapping[str, object]) -> dict[str, Partition]:
    out: dict[str, Partition] = {}
    for name, raw in r.obj(r.get(doc, "partitions", "catalog"), "partitions").items():
        where = f"partitions.{name}"
        entry = r.obj(raw, where)
        hostnames = entry.get("explicit_runtime_hostnames")
        out[name] = Partition(
            name=name,
            bedrock_regions=r.strs(r.get(entry, "bedrock_regions", where), f"{where}.bedrock_regions"),
            explicit_runtime_hostnames=None
            if hostnames is None
            else r.strs(hostnames, f"{where}.explicit_runtime_hostnames"),
            note=r.opt_str(entry, "note", where),
        )
    return out


def _regions(r: _Reader, doc: Mapping[str, object], partitions: Mapping[str, Partition]) -> dict[str, Region]:
    out: dict[str, Region] = {}
    for code, raw in r.obj(r.get(doc, "regions", "catalog"), "regions").items():
        where = f"regions.{code}"
        entry = r.obj(raw, where)
        partition = r.str_(r.get(entry, "partition", where), f"{where}.partition")
        if partition not in partitions:
            raise r.fail(f"{where}.partition", f"unknown partition {partition!r}")
        out[code] = Region(
            region=code,
            name=r.str_(r.get(entry, "name", where), f"{where}.name"),
            partition=partition,
            geography=r.str_(r.get(entry, "geography", where), f"{where}.geography"),
            country=r.opt_str(entry, "country", where),
            opt_in=r.opt_bool(entry.get("opt_in"), f"{where}.opt_in"),
            bedrock_runtime=r.bool_(r.get(entry, "bedrock_runtime", where), f"{where}.bedrock_runtime"),
            note=r.opt_str(entry, "note", where),
        )
    return out


def _destination_sets(r: _Reader, doc: Mapping[str, object]) -> list[tuple[str, ...]]:
    raw = r.get(doc, "destination_sets", "catalog")
    if not isinstance(raw, list):
        raise r.fail("destination_sets", "expected a list")
    return [r.strs(item, f"destination_sets[{i}]") for i, item in enumerate(raw)]


def _routing(
    r: _Reader, raw: object, sets: list[tuple[str, ...]], regions: Mapping[str, Region], where: str
) -> Mapping[str, tuple[str, ...]]:
    routing: dict[str, tuple[str, ...]] = {}
    for source, ref in r.obj(raw, where).items():
        if source not in regions:
            raise r.fail(f"{where}.{source}", "unknown source Region")
        if isinstance(ref, bool) or not isinstance(ref, int) or not 0 <= ref < len(sets):
            raise r.fail(f"{where}.{source}", f"expected an index into destination_sets, got {ref!r}")
        routing[source] = sets[ref]
    return MappingProxyType(routing)


def _profiles(r: _Reader, doc: Mapping[str, object], regions: Mapping[str, Region]) -> dict[str, Profile]:
    sets = _destination_sets(r, doc)
    for i, dests in enumerate(sets):
        unknown = [d for d in dests if d not in regions]
        if unknown:
            raise r.fail(f"destination_sets[{i}]", f"unknown Region(s) {', '.join(unknown)}")
    out: dict[str, Profile] = {}
    for pid, raw in r.obj(r.get(doc, "profiles", "catalog"), "profiles").items():
        where = f"profiles.{pid}"
        entry = r.obj(raw, where)
        out[pid] = Profile(
            id=pid,
            scope=r.str_(r.get(entry, "scope", where), f"{where}.scope"),
            model_id=r.str_(r.get(entry, "model_id", where), f"{where}.model_id"),
            status=r.choice(r.get(entry, "status", where), PROFILE_STATUSES, f"{where}.status"),
            routing_kind=r.choice(
                r.get(entry, "routing_kind", where), ROUTING_KINDS, f"{where}.routing_kind"
            ),
            routing=_routing(r, entry.get("routing", {}), sets, regions, f"{where}.routing"),
            provenance=r.opt_strs(entry, "provenance", where),
            first_seen_in_scan=r.opt_str(entry, "first_seen_in_scan", where),
            last_seen_in_scan=r.opt_str(entry, "last_seen_in_scan", where),
            note=r.opt_str(entry, "note", where),
        )
    return out


def _models(r: _Reader, doc: Mapping[str, object], profiles: Mapping[str, Profile]) -> dict[str, Model]:
    by_model: dict[str, list[str]] = {}
    for profile in profiles.values():
        by_model.setdefault(profile.model_id, []).append(profile.id)
    out: dict[str, Model] = {}
    for mid, raw in r.obj(r.get(doc, "models", "catalog"), "models").items():
        where = f"models.{mid}"
        entry = r.obj(raw, where)
        on_demand = entry.get("in_region_on_demand")
        out[mid] = Model(
            model_id=mid,
            provider=r.str_(r.get(entry, "provider", where), f"{where}.provider"),
            status=r.choice(r.get(entry, "status", where), MODEL_STATUSES, f"{where}.status"),
            lifecycle=r.str_(r.get(entry, "lifecycle", where), f"{where}.lifecycle"),
            endpoints=r.opt_strs(entry, "endpoints", where),
            in_region_on_demand=None
            if on_demand is None
            else r.strs(on_demand, f"{where}.in_region_on_demand"),
            requires_profile=r.opt_bool(entry.get("requires_profile"), f"{where}.requires_profile"),
            profile_only_in=r.opt_strs(entry, "profile_only_in", where),
            mantle_regions=r.opt_strs(entry, "mantle_regions", where),
            profile_ids=tuple(sorted(by_model.get(mid, ()))),
            provenance=r.opt_strs(entry, "provenance", where),
            last_seen_in_scan=r.opt_str(entry, "last_seen_in_scan", where),
            note=r.opt_str(entry, "note", where),
        )
    return out


def _unverified(r: _Reader, doc: Mapping[str, object]) -> dict[str, UnverifiedProfileId]:
    out: dict[str, UnverifiedProfileId] = {}
    raw_all = doc.get("unverified_profile_ids", {})
    for pid, raw in r.obj(raw_all, "unverified_profile_ids").items():
        where = f"unverified_profile_ids.{pid}"
        entry = r.obj(raw, where)
        out[pid] = UnverifiedProfileId(
            id=pid,
            source=r.str_(r.get(entry, "source", where), f"{where}.source"),
            note=r.opt_str(entry, "note", where),
        )
    return out


def parse_catalog(document: object, *, source: str) -> Catalog:
    """Build a :class:`Catalog` from a decoded catalog document; :class:`InputError` if malformed."""
    r = _Reader(source)
    doc = r.obj(document, "catalog")
    fmt = doc.get("format")
    if fmt != FORMAT:
        raise r.fail("format", f"expected {FORMAT!r}, got {fmt!r}")
    raw_as_of = r.obj(doc.get("data_as_of", {}), "data_as_of")
    partitions = _partitions(r, doc)
    regions = _regions(r, doc, partitions)
    profiles = _profiles(r, doc, regions)
    models = _models(r, doc, profiles)
    return Catalog(
        snapshot_date=r.str_(r.get(doc, "snapshot_date", "catalog"), "snapshot_date"),
        data_as_of=MappingProxyType({k: r.str_(v, f"data_as_of.{k}") for k, v in raw_as_of.items()}),
        sources=r.strs(doc.get("sources", []), "sources"),
        partitions=MappingProxyType(partitions),
        regions=MappingProxyType(regions),
        profiles=MappingProxyType(profiles),
        models=MappingProxyType(models),
        unverified_profile_ids=MappingProxyType(_unverified(r, doc)),
    )


def parse_catalog_bytes(data: bytes, *, source: str) -> Catalog:
    """Decode JSON bytes and build a :class:`Catalog`; :class:`InputError` if not valid."""
    import orjson

    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc}", source=source) from exc
    return parse_catalog(document, source=source)


def load_catalog_file(path: str | Path) -> Catalog:
    """Load a catalog file in the packaged format from ``path`` (not cached)."""
    from bedrock_access.io_guard import read_bytes

    data = read_bytes(path, display=str(path), limit=50_000_000, what="catalog")
    assert data is not None
    return parse_catalog_bytes(data, source=str(path))


@functools.lru_cache(maxsize=1)
def load_packaged_catalog() -> Catalog:
    """The catalog shipped with the package, read on first use and cached."""
    from importlib.resources import files

    data = (files("bedrock_access.catalog") / "data" / "catalog.json").read_bytes()
    return parse_catalog_bytes(data, source=PACKAGED_SOURCE)


def load_catalog() -> Catalog:
    """The catalog in use: the shipped snapshot with the user's refreshed overlay laid over it (newest
    data per Region), or the file named by ``--catalog`` / ``$BEDROCK_ACCESS_CATALOG``. Cached while
    those files are unchanged; see :mod:`bedrock_access.catalog.selection`."""
    from bedrock_access.catalog.selection import catalog_in_use

    return catalog_in_use().catalog
