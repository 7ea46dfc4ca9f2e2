#!/usr/bin/env python3
"""Build the packaged Bedrock catalog from the shared research snapshot.

Usage::

    python tools/build_catalog.py [SOURCE_JSON] [--output PATH] [--check]

SOURCE_JSON defaults to ``../shared/data/bedrock-catalog.json`` relative to the repository root.
The output (``src/bedrock_access/catalog/data/catalog.json`` by default) uses our own compact format,
described in docs/catalog.md:

* ``regions``, ``profiles``, ``models`` and ``unverified_profile_ids`` are objects keyed by id;
* every distinct destination list is stored once in ``destination_sets`` and profile routing refers to it
  by index (the 33-Region list that global profiles expand to appears once instead of ~600 times);
* facts that can be derived are not stored twice: a model's ``profile_ids`` are rebuilt by the loader from
  the profiles' ``model_id``. The build checks that the derivation gives back the source lists exactly.

The output is deterministic: sorted keys, sorted ids, one entry per line, so diffs stay readable.
Only the standard library is used, so the script runs without installing the package.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

FORMAT = "bedrock-access-catalog/1"
REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data" / "bedrock-catalog.json"
DEFAULT_OUTPUT = REPO_ROOT / "src" / "bedrock_access" / "catalog" / "data" / "catalog.json"
# Corrections from AWS pages newer than the research snapshot, with provenance (docs/catalog.md).
DEFAULT_CORRECTIONS = REPO_ROOT / "tools" / "catalog_corrections.json"
CORRECTIONS_FORMAT = "bedrock-access-catalog-corrections/1"

# Keys copied from the source records (anything else is either derived or dropped on purpose).
REGION_KEYS = ("name", "partition", "geography", "country", "opt_in", "bedrock_runtime", "note")
PROFILE_KEYS = (
    "scope",
    "model_id",
    "status",
    "routing_kind",
    "provenance",
    "first_seen_in_scan",
    "last_seen_in_scan",
    "note",
)
MODEL_KEYS = (
    "provider",
    "status",
    "lifecycle",
    "endpoints",
    "in_region_on_demand",
    "requires_profile",
    "profile_only_in",
    "mantle_regions",
    "provenance",
    "last_seen_in_scan",
    "note",
)
# Top-level sections written with one entry per line.
SPLIT_SECTIONS = (
    "destination_sets",
    "regions",
    "profiles",
    "models",
    "unverified_profile_ids",
    "corrections",
)


class BuildError(Exception):
    """The source file does not have the shape or the consistency this build relies on."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise BuildError(message)


def _pick(record: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    return {key: record[key] for key in keys if key in record}


def _sorted_unique(values: Iterable[str]) -> list[str]:
    return sorted(set(values))


def _partitions(source: Mapping[str, Any]) -> dict[str, Any]:
    notes: Mapping[str, Any] = source.get("partition_notes", {})
    detail: Mapping[str, Any] = notes.get("detail", {})
    out: dict[str, Any] = {}
    for name, regions in source["partitions"].items():
        entry: dict[str, Any] = {"bedrock_regions": _sorted_unique(regions)}
        hostnames = detail.get(name, {}).get("explicit_bedrock_runtime_hostnames")
        if hostnames is not None:
            entry["explicit_runtime_hostnames"] = _sorted_unique(hostnames)
        if isinstance(notes.get(name), str):
            entry["note"] = notes[name]
        out[name] = entry
    return out


def _regions(source: Mapping[str, Any], partitions: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for record in source["regions"]:
        name = record["region"]
        _require(name not in out, f"duplicate region {name}")
        _require(record["partition"] in partitions, f"region {name}: unknown partition {record['partition']}")
        out[name] = _pick(record, REGION_KEYS)
    for partition, entry in partitions.items():
        for region in entry["bedrock_regions"]:
            _require(region in out, f"partition {partition} lists unknown region {region}")
            _require(out[region]["partition"] == partition, f"region {region} listed under {partition}")
    return out


def _profiles(
    source: Mapping[str, Any], regions: Mapping[str, Any], partitions: Mapping[str, Any]
) -> tuple[list[list[str]], dict[str, Any]]:
    records: dict[str, Mapping[str, Any]] = {}
    for record in source["profiles"]:
        _require(record["id"] not in records, f"duplicate profile {record['id']}")
        records[record["id"]] = record

    all_commercial = partitions["aws"]["bedrock_regions"]
    distinct: set[tuple[str, ...]] = set()
    for pid, record in records.items():
        scope, _, model_id = pid.partition(".")
        _require(
            record["scope"] == scope and record["model_id"] == model_id,
            f"profile {pid}: scope/model_id do not match the id",
        )
        for src, dests in record["routing"].items():
            _require(src in regions, f"profile {pid}: unknown source region {src}")
            for dest in dests:
                _require(dest in regions, f"profile {pid}: unknown destination region {dest}")
            if record["routing_kind"] == "all_commercial":
                # The loader relies on this when it reports the list as an inferred expansion.
                _require(
                    sorted(dests) == all_commercial,
                    f"profile {pid}: global destinations from {src} differ from the aws Bedrock Regions",
                )
            distinct.add(tuple(_sorted_unique(dests)))
        if record["routing_kind"] == "unknown":
            _require(not record["routing"], f"profile {pid}: routing_kind unknown but routing given")

    sets = sorted(distinct, key=lambda dests: (-len(dests), dests))
    index = {dests: i for i, dests in enumerate(sets)}
    out: dict[str, Any] = {}
    for pid in sorted(records):
        record = records[pid]
        entry = _pick(record, PROFILE_KEYS)
        entry["routing"] = {
            src: index[tuple(_sorted_unique(dests))] for src, dests in sorted(record["routing"].items())
        }
        out[pid] = entry
    return [list(dests) for dests in sets], out


def _models(source: Mapping[str, Any], profiles: Mapping[str, Any]) -> dict[str, Any]:
    derived: dict[str, list[str]] = {}
    for pid, entry in profiles.items():
        derived.setdefault(entry["model_id"], []).append(pid)
    out: dict[str, Any] = {}
    for record in source["models"]:
        mid = record["model_id"]
        _require(mid not in out, f"duplicate model {mid}")
        _require(
            sorted(record.get("profile_ids", [])) == sorted(derived.get(mid, [])),
            f"model {mid}: profile_ids do not match the profiles that name it",
        )
        out[mid] = _pick(record, MODEL_KEYS)
    for mid in derived:
        _require(mid in out, f"profile(s) {derived[mid]} name unknown model {mid}")
    return {mid: out[mid] for mid in sorted(out)}


def _unverified(source: Mapping[str, Any], profiles: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for record in source.get("unverified_profile_ids", []):
        pid = record["id"]
        _require(pid not in profiles, f"unverified id {pid} is also a profile")
        out[pid] = _pick(record, ("source", "note"))
    return {pid: out[pid] for pid in sorted(out)}


def load_corrections(path: Path = DEFAULT_CORRECTIONS) -> dict[str, Any]:
    """The corrections file (an empty set when it does not exist)."""
    if not path.exists():
        return {"format": CORRECTIONS_FORMAT, "corrections": []}
    with path.open("rb") as handle:
        data: dict[str, Any] = json.load(handle)
    _require(data.get("format") == CORRECTIONS_FORMAT, f"{path}: expected format {CORRECTIONS_FORMAT}")
    return data


def _append_note(record: dict[str, Any], text: str) -> None:
    record["note"] = f"{record['note']}; {text}" if record.get("note") else text


def _short_source(correction: Mapping[str, Any]) -> str:
    return f"{correction['source'].split(' (')[0]} (correction {correction['id']})"


def apply_corrections(
    source: Mapping[str, Any], corrections: Mapping[str, Any]
) -> tuple[dict[str, Any], list[Any]]:
    """A copy of ``source`` with each correction applied, and the record of what was applied."""
    import copy

    fixed: dict[str, Any] = copy.deepcopy(dict(source))
    profiles = {record["id"]: record for record in fixed["profiles"]}
    models = {record["model_id"]: record for record in fixed["models"]}
    all_commercial = sorted(set(fixed["partitions"]["aws"]))
    applied: list[Any] = []
    for correction in corrections.get("corrections", []):
        cid, kind = correction["id"], correction["kind"]
        needed = ("source", "agreement") if kind == "agreement" else ("source", "conflict", "winner")
        for key in needed:
            _require(bool(correction.get(key)), f"correction {cid}: {key} missing")
        note = f"correction {cid}: {correction.get('conflict')}; won: {correction.get('winner')}"
        if kind == "agreement":
            # A check against an AWS page that found nothing to change: recorded, data untouched.
            target = correction.get("profile") or correction.get("model") or ""
            _require(target in profiles or target in models, f"correction {cid}: unknown target {target}")
        elif kind in ("profile_add_sources", "profile_set_routing"):
            pid = correction["profile"]
            _require(pid in profiles, f"correction {cid}: unknown profile {pid}")
            record = profiles[pid]
            if kind == "profile_add_sources":
                _require(record["routing_kind"] == "all_commercial", f"correction {cid}: {pid} is not global")
                for region in correction["sources"]:
                    _require(
                        region not in record["routing"],
                        f"correction {cid}: {pid} already offered from {region}",
                    )
                    record["routing"][region] = list(all_commercial)
            else:
                record["routing"] = {src: list(dests) for src, dests in correction["routing"].items()}
                record["routing_kind"] = "explicit"
            record["provenance"] = [*record.get("provenance", []), _short_source(correction)]
            _append_note(record, note)
            target = pid
        elif kind == "profile_note":
            pid = correction["profile"]
            _require(pid in profiles, f"correction {cid}: unknown profile {pid}")
            profiles[pid]["provenance"] = [*profiles[pid].get("provenance", []), _short_source(correction)]
            _append_note(profiles[pid], note)
            target = pid
        elif kind == "model_note":
            mid = correction["model"]
            _require(mid in models, f"correction {cid}: unknown model {mid}")
            models[mid]["provenance"] = [*models[mid].get("provenance", []), _short_source(correction)]
            _append_note(models[mid], note)
            target = mid
        else:
            raise BuildError(f"correction {cid}: unknown kind {kind!r}")
        entry = {
            k: correction[k]
            for k in ("id", "kind", "source", "conflict", "winner", "agreement")
            if k in correction
        }
        applied.append({**entry, "target": target})
    return fixed, applied


def convert(source: Mapping[str, Any], corrections: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Turn the shared research snapshot, with the corrections file applied, into the catalog document."""
    try:
        if corrections is None:
            corrections = load_corrections()
        source, applied = apply_corrections(source, corrections)
        partitions = _partitions(source)
        _require("aws" in partitions, "no aws partition")
        regions = _regions(source, partitions)
        destination_sets, profiles = _profiles(source, regions, partitions)
        models = _models(source, profiles)
        unverified = _unverified(source, profiles)
        data_as_of = dict(source.get("data_as_of", {}))
        sources = list(source.get("sources", []))
        if applied:
            data_as_of["catalog corrections (tools/catalog_corrections.json)"] = corrections["as_of"]
            sources.append("tools/catalog_corrections.json: AWS pages newer than the research snapshot")
        document = {
            "format": FORMAT,
            "snapshot_date": source["snapshot_date"],
            "data_as_of": data_as_of,
            "sources": sources,
            "partitions": partitions,
            "regions": {name: regions[name] for name in sorted(regions)},
            "destination_sets": destination_sets,
            "profiles": profiles,
            "models": models,
            "unverified_profile_ids": unverified,
        }
        if applied:
            document["corrections"] = applied
        return document
    except (KeyError, TypeError, AttributeError) as exc:
        raise BuildError(f"unexpected source shape: {exc!r}") from exc


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def render(document: Mapping[str, Any]) -> bytes:
    """Serialise deterministically: top-level keys sorted, large sections one entry per line."""
    parts: list[str] = []
    for key in sorted(document):
        value = document[key]
        if key in SPLIT_SECTIONS and isinstance(value, dict) and value:
            lines = [f"{_dump(k)}:{_dump(value[k])}" for k in sorted(value)]
            parts.append(f"{_dump(key)}:{{\n" + ",\n".join(lines) + "\n}")
        elif key in SPLIT_SECTIONS and isinstance(value, list) and value:
            parts.append(f"{_dump(key)}:[\n" + ",\n".join(_dump(item) for item in value) + "\n]")
        else:
            parts.append(f"{_dump(key)}:{_dump(value)}")
    return ("{\n" + ",\n".join(parts) + "\n}\n").encode("utf-8")


def build(source_path: Path, corrections_path: Path = DEFAULT_CORRECTIONS) -> bytes:
    """Read the shared snapshot at ``source_path``, apply the corrections, return the packaged bytes."""
    with source_path.open("rb") as handle:
        source = json.load(handle)
    if not isinstance(source, dict):
        raise BuildError("top level is not an object")
    return render(convert(source, load_corrections(corrections_path)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE, help="shared snapshot JSON")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write catalog.json")
    parser.add_argument(
        "--corrections", type=Path, default=DEFAULT_CORRECTIONS, help="corrections to apply (JSON)"
    )
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the output file is out of date"
    )
    args = parser.parse_args(argv)
    try:
        data = build(args.source, args.corrections)
    except (OSError, ValueError, BuildError) as exc:
        print(f"build_catalog: error: {args.source}: {exc}", file=sys.stderr)
        return 2
    if args.check:
        current = args.output.read_bytes() if args.output.exists() else b""
        if current != data:
            print(f"build_catalog: {args.output} is out of date; rerun without --check", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"build_catalog: wrote {args.output} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
