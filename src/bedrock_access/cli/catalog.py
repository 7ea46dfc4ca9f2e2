"""``bedrock-access catalog``: query the embedded Bedrock snapshot (Regions, models, inference profiles).

Queries: ``info``, ``regions``, ``model``, ``profiles``, ``route``. Each prints text (default) or JSON
(``--format json``, shape documented in docs/catalog.md). Exit codes: 0 answered; 1 the answer is
"none" (no profile offered from that Region, routing unknown); 2 bad input (unknown id or Region).

Only argparse is imported at module level; the catalog is loaded inside :func:`run`.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bedrock_access.catalog import Catalog, Model, Profile, Region

EXIT_OK = 0
EXIT_NONE = 1
FORMATS = ("text", "json")
QUERIES = ("info", "regions", "model", "profiles", "route", "refresh", "diff")

JsonObject = dict[str, Any]


def add_parser(subparsers: Any) -> None:
    """Register ``catalog`` and its queries on the top-level sub-parser collection."""
    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS keeps a value given before the query (``catalog --format json route ...``) from being reset.
    common.add_argument(
        "--format", choices=FORMATS, default=argparse.SUPPRESS, help="output format (default: text)"
    )

    p = subparsers.add_parser(
        "catalog",
        help="query the embedded Bedrock catalog (Regions, models, inference profiles)",
        description="Query the embedded Bedrock catalog snapshot. Exit status: 0 answered, "
        "1 nothing offered/known for the question, 2 bad input.",
    )
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    p.set_defaults(run=run)
    queries = p.add_subparsers(dest="catalog_query", metavar="QUERY", required=True)

    queries.add_parser(
        "info", parents=[common], help="snapshot date, sources and counts", description="Snapshot facts."
    )

    regions = queries.add_parser(
        "regions",
        parents=[common],
        help="Regions with and without Bedrock runtime, per partition",
        description="List the Regions of each partition and whether they offer Bedrock runtime.",
    )
    regions.add_argument("--partition", help="only this partition (aws, aws-us-gov, aws-cn, ...)")

    model = queries.add_parser(
        "model",
        parents=[common],
        help="facts about one foundation model",
        description="Show what the snapshot knows about a base model id.",
    )
    model.add_argument("model_id", metavar="MODEL_ID", help="base model id, e.g. anthropic.claude-sonnet-4-6")

    profiles = queries.add_parser(
        "profiles",
        parents=[common],
        help="inference profiles for a model, optionally from one source Region",
        description="List the system-defined inference profiles for a model. With --region, only those "
        "offered from that source Region, with their destination Regions.",
    )
    profiles.add_argument("--model", required=True, metavar="MODEL_ID", help="base model id")
    profiles.add_argument("--region", metavar="REGION", help="source Region (where the client calls)")

    route = queries.add_parser(
        "route",
        parents=[common],
        help="where an inference profile routes from a source Region",
        description="Show the destination Regions of an inference profile per source Region.",
    )
    route.add_argument("profile_id", metavar="PROFILE_ID", help="e.g. us.anthropic.claude-sonnet-4-6")
    route.add_argument("--region", metavar="REGION", help="source Region (default: all source Regions)")

    from bedrock_access.cli.catalog_live import add_live_queries

    add_live_queries(queries, common)


def run(args: argparse.Namespace) -> int:
    from bedrock_access.catalog import load_catalog

    if args.catalog_query in ("refresh", "diff"):
        from bedrock_access.cli.catalog_live import run_live

        return run_live(args)
    catalog = load_catalog()
    query: str = args.catalog_query
    fmt: str = args.format
    if query == "info":
        payload, text, code = _info(catalog)
    elif query == "regions":
        payload, text, code = _regions(catalog, args.partition)
    elif query == "model":
        payload, text, code = _model(catalog, args.model_id)
    elif query == "profiles":
        payload, text, code = _profiles(catalog, args.model, args.region)
    else:
        payload, text, code = _route(catalog, args.profile_id, args.region)
    if fmt == "json":
        import orjson

        envelope: JsonObject = {"query": query, "snapshot_date": catalog.snapshot_date, **payload}
        print(orjson.dumps(envelope, option=orjson.OPT_INDENT_2).decode())
    else:
        print("\n".join(text))
    return code


Answer = tuple[JsonObject, list[str], int]

# Input checks -------------------------------------------------------------------------------------------


def _did_you_mean(suggestions: Sequence[str]) -> str:
    return f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""


def _check_region(catalog: Catalog, region: str) -> Region:
    from bedrock_access.errors import InputError, quote_excerpt

    found = catalog.region(region)
    if found is None:
        raise InputError(
            f"unknown Region {quote_excerpt(region)} (snapshot {catalog.snapshot_date})"
            + _did_you_mean(catalog.closest_regions(region)),
            field="--region",
        )
    return found


def _check_model(catalog: Catalog, model_id: str, field: str) -> Model:
    from bedrock_access.errors import InputError

    found = catalog.model(model_id)
    if found is not None:
        return found
    profile = catalog.profile(model_id)
    if profile is not None:
        raise InputError(
            f"{model_id!r} is an inference profile id, not a base model id; its model is "
            f"{profile.model_id} (see `catalog route {model_id}`)",
            field=field,
        )
    if catalog.is_unverified_profile(model_id):
        raise InputError(
            f"{model_id!r} is an unverified inference profile id (third-party data only), not a model id",
            field=field,
        )
    raise InputError(
        f"unknown model id {model_id!r} (snapshot {catalog.snapshot_date})"
        + _did_you_mean(catalog.closest_ids(model_id, kind="model")),
        field=field,
    )


def _check_profile(catalog: Catalog, profile_id: str) -> Profile | None:
    """The profile, or None for an id the snapshot knows only as unverified; InputError otherwise."""
    from bedrock_access.errors import InputError

    found = catalog.profile(profile_id)
    if found is not None or catalog.is_unverified_profile(profile_id):
        return found
    model = catalog.model(profile_id)
    if model is not None:
        listed = ", ".join(model.profile_ids) if model.profile_ids else "none in the snapshot"
        raise InputError(
            f"{profile_id!r} is a base model id, not an inference profile id; its profiles: {listed}",
            field="PROFILE_ID",
        )
    raise InputError(
        f"unknown inference profile id {profile_id!r} (snapshot {catalog.snapshot_date})"
        + _did_you_mean(catalog.closest_ids(profile_id, kind="profile")),
        field="PROFILE_ID",
    )


# JSON building blocks ---------------------------------------------------------------------------------


def _region_json(region: Region) -> JsonObject:
    return {
        "region": region.region,
        "name": region.name,
        "partition": region.partition,
        "geography": region.geography,
        "country": region.country,
        "opt_in": region.opt_in,
        "bedrock_runtime": region.bedrock_runtime,
        "note": region.note,
    }


def _profile_json(profile: Profile) -> JsonObject:
    return {
        "id": profile.id,
        "scope": profile.scope,
        "model_id": profile.model_id,
        "status": profile.status,
        "verified": profile.verified,
        "routing_kind": profile.routing_kind,
        "destinations_inferred": profile.destinations_inferred,
        "source_regions": list(profile.source_regions),
        "caveats": list(profile.caveats),
        "note": profile.note,
        "provenance": list(profile.provenance),
        "first_seen_in_scan": profile.first_seen_in_scan,
        "last_seen_in_scan": profile.last_seen_in_scan,
    }


def _model_json(model: Model) -> JsonObject:
    on_demand = model.in_region_on_demand
    return {
        "model_id": model.model_id,
        "provider": model.provider,
        "status": model.status,
        "lifecycle": model.lifecycle,
        "endpoints": list(model.endpoints),
        "in_region_on_demand": None if on_demand is None else list(on_demand),
        "requires_profile": model.requires_profile,
        "profile_only_in": list(model.profile_only_in),
        "mantle_regions": list(model.mantle_regions),
        "profile_ids": list(model.profile_ids),
        "provenance": list(model.provenance),
        "last_seen_in_scan": model.last_seen_in_scan,
        "note": model.note,
    }


# Text building blocks ---------------------------------------------------------------------------------


def _width() -> int:
    import shutil

    return max(60, min(120, shutil.get_terminal_size((100, 24)).columns))


def _wrap(label: str, items: Iterable[str], indent: int = 4) -> list[str]:
    """``label`` followed by comma-separated items, wrapped to the terminal with a hanging indent."""
    import textwrap

    body = ", ".join(items) or "(none)"
    return textwrap.wrap(
        f"{label}{body}",
        width=_width(),
        initial_indent=" " * indent,
        subsequent_indent=" " * (indent + 2),
        break_on_hyphens=False,
    )


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def _destinations_text(profile: Profile, dests: Sequence[str]) -> list[str]:
    label = f"→ {len(dests)} Regions (inferred: all commercial): " if profile.destinations_inferred else "→ "
    return _wrap(label, dests, indent=4)


def _caveat_lines(profile: Profile, indent: int = 4) -> list[str]:
    lines: list[str] = []
    for caveat in profile.caveats:
        lines.extend(_wrap("! ", [caveat], indent=indent))
    return lines


def _profile_heading(profile: Profile) -> str:
    return f"  {profile.id}  [{profile.scope}, {profile.status}]"


def _footer(catalog: Catalog) -> str:
    return f"(Bedrock catalog snapshot {catalog.snapshot_date}; see `bedrock-access catalog info`)"


# Queries ----------------------------------------------------------------------------------------------


def _info(catalog: Catalog) -> Answer:
    by_status: dict[str, int] = {}
    for profile in catalog.profiles.values():
        by_status[profile.status] = by_status.get(profile.status, 0) + 1
    counts: JsonObject = {
        "partitions": len(catalog.partitions),
        "regions": len(catalog.regions),
        "models": len(catalog.models),
        "profiles": len(catalog.profiles),
        "profiles_by_status": dict(sorted(by_status.items())),
        "unverified_profile_ids": len(catalog.unverified_profile_ids),
    }
    payload: JsonObject = {
        "data_as_of": dict(catalog.data_as_of),
        "sources": list(catalog.sources),
        "scopes": list(catalog.scopes()),
        "counts": counts,
    }
    text = [f"Bedrock catalog snapshot {catalog.snapshot_date}", "", "Data as of:"]
    text.extend(f"  {name}: {when}" for name, when in sorted(catalog.data_as_of.items()))
    text.append("")
    text.append(
        f"{counts['regions']} Regions in {counts['partitions']} partitions, {counts['models']} models, "
        f"{counts['profiles']} inference profiles, {counts['unverified_profile_ids']} unverified profile ids"
    )
    text.extend(
        _wrap("profiles by status: ", [f"{k} {v}" for k, v in counts["profiles_by_status"].items()], 2)
    )
    text.extend(_wrap("profile scopes: ", catalog.scopes(), 2))
    text.append("")
    text.append("Sources:")
    text.extend(f"  - {source}" for source in catalog.sources)
    return payload, text, EXIT_OK


def _regions(catalog: Catalog, partition: str | None) -> Answer:
    from bedrock_access.errors import InputError

    names = sorted(catalog.partitions)
    if partition is not None:
        if partition not in catalog.partitions:
            raise InputError(
                f"unknown partition {partition!r}; known: {', '.join(names)}", field="--partition"
            )
        names = [partition]
    entries: list[JsonObject] = []
    text = [f"Bedrock runtime by Region (snapshot {catalog.snapshot_date})"]
    for name in names:
        regions = catalog.regions_in_partition(name)
        with_runtime = [r for r in regions if r.bedrock_runtime]
        without = [r for r in regions if not r.bedrock_runtime]
        note = catalog.partitions[name].note
        entries.append(
            {
                "partition": name,
                "note": note,
                "bedrock_runtime_regions": [_region_json(r) for r in with_runtime],
                "regions_without_bedrock_runtime": [_region_json(r) for r in without],
            }
        )
        text.append("")
        text.append(f"{name}: {len(with_runtime)} of {len(regions)} listed Regions offer Bedrock runtime")
        for r in with_runtime:
            flags = "opt-in" if r.opt_in else ""
            text.append(f"  {r.region:<16} {r.name:<40} {r.geography:<12} {flags}".rstrip())
        if without:
            text.extend(_wrap("without Bedrock runtime: ", [r.region for r in without], 2))
        if note:
            text.extend(_wrap("note: ", [note], 2))
    return {"partitions": entries}, text, EXIT_OK


def _model(catalog: Catalog, model_id: str) -> Answer:
    model = _check_model(catalog, model_id, "MODEL_ID")
    profiles = catalog.profiles_for_model(model.model_id)
    payload: JsonObject = {"model": _model_json(model), "profiles": [_profile_json(p) for p in profiles]}
    on_demand = model.in_region_on_demand
    text = [f"{model.model_id}  (snapshot {catalog.snapshot_date})"]
    text.append(f"  provider:        {model.provider}")
    text.append(f"  status:          {model.status} (lifecycle {model.lifecycle})")
    text.append(f"  endpoints:       {', '.join(model.endpoints) or '(none)'}")
    if on_demand is None:
        text.append("  in-Region on demand (bedrock-runtime): unknown")
    else:
        text.extend(_wrap("in-Region on demand (bedrock-runtime): ", on_demand, 2))
    text.append(f"  requires an inference profile: {_yes_no(model.requires_profile)}")
    if model.profile_only_in:
        text.extend(_wrap("profile only in: ", model.profile_only_in, 2))
    if model.mantle_regions:
        text.extend(_wrap("bedrock-mantle in: ", model.mantle_regions, 2))
    if model.last_seen_in_scan:
        text.append(f"  last seen in a scan: {model.last_seen_in_scan}")
    if model.note:
        text.extend(_wrap("note: ", [model.note], 2))
    text.extend(_wrap("provenance: ", model.provenance, 2))
    text.append("")
    text.append(f"Inference profiles ({len(profiles)}):" if profiles else "Inference profiles: none")
    for profile in profiles:
        text.append(_profile_heading(profile))
        if profile.routing_kind == "unknown":
            text.append("    routing unknown")
        else:
            text.extend(_wrap("offered from: ", profile.source_regions))
        text.extend(_caveat_lines(profile))
    return payload, text, EXIT_OK


def _profiles(catalog: Catalog, model_id: str, region_name: str | None) -> Answer:
    model = _check_model(catalog, model_id, "--model")
    region = _check_region(catalog, region_name) if region_name is not None else None
    if region is None:
        found = catalog.profiles_for_model(model.model_id)
        unknown: tuple[Profile, ...] = ()
    else:
        candidates = catalog.profiles_for_model(model.model_id, region.region, include_unknown_routing=True)
        found = tuple(p for p in candidates if p.routing_kind != "unknown")
        unknown = tuple(p for p in candidates if p.routing_kind == "unknown")
    on_demand = model.on_demand_in(region.region) if region is not None else None
    items: list[JsonObject] = []
    for profile in found:
        item = _profile_json(profile)
        dests = profile.destinations(region.region) if region is not None else None
        item["destinations"] = None if dests is None else list(dests)
        items.append(item)
    payload: JsonObject = {
        "model_id": model.model_id,
        "source_region": region.region if region is not None else None,
        "bedrock_runtime_in_region": region.bedrock_runtime if region is not None else None,
        "in_region_on_demand": on_demand,
        "profiles": items,
        "routing_unknown": [_profile_json(p) for p in unknown],
    }

    where = f" from {region.region}" if region is not None else ""
    text = [f"Inference profiles for {model.model_id}{where}  (snapshot {catalog.snapshot_date})"]
    if region is not None:
        if not region.bedrock_runtime:
            text.append(f"  {region.region} ({region.name}) does not offer Bedrock runtime.")
        text.append(f"  in-Region on demand in {region.region} (no profile needed): {_yes_no(on_demand)}")
    if not found:
        text.append(f"  no inference profile for this model is offered{where}.")
    for profile in found:
        text.append(_profile_heading(profile))
        if region is not None:
            text.extend(_destinations_text(profile, profile.routing[region.region]))
        else:
            text.extend(_wrap("offered from: ", profile.source_regions))
        text.extend(_caveat_lines(profile))
    if unknown:
        text.append("  Also possibly offered here, routing unknown:")
        for profile in unknown:
            text.append(_profile_heading(profile))
            text.extend(_caveat_lines(profile))
    return payload, text, EXIT_OK if found else EXIT_NONE


def _route(catalog: Catalog, profile_id: str, region_name: str | None) -> Answer:
    profile = _check_profile(catalog, profile_id)
    region = _check_region(catalog, region_name) if region_name is not None else None
    source = region.region if region is not None else None
    if profile is None:
        unverified = catalog.unverified_profile_ids[profile_id]
        payload: JsonObject = {
            "profile_id": profile_id,
            "source_region": source,
            "offered": None,
            "routes": [],
            "profile": None,
            "unverified": {"id": unverified.id, "source": unverified.source, "note": unverified.note},
        }
        text = [
            f"{profile_id}: unverified id (seen only in {unverified.source}); no routing known.",
            *(_wrap("note: ", [unverified.note], 2) if unverified.note else []),
            _footer(catalog),
        ]
        return payload, text, EXIT_NONE

    offered: bool | None
    if profile.routing_kind == "unknown":
        offered, sources = None, []
    elif source is None:
        offered, sources = bool(profile.routing), list(profile.source_regions)
    else:
        offered = source in profile.routing
        sources = [source] if offered else []
    payload = {
        "profile_id": profile.id,
        "source_region": source,
        "offered": offered,
        "routes": [{"source_region": s, "destinations": list(profile.routing[s])} for s in sources],
        "profile": _profile_json(profile),
        "unverified": None,
    }

    text = [f"{profile.id}  [{profile.scope}, {profile.status}]", f"  model: {profile.model_id}"]
    if offered is None:
        text.append("  routing unknown: no source publishes where this profile routes.")
    elif not offered:
        where = f"{source} ({region.name})" if region is not None else "any Region"
        text.append(f"  not offered from {where}.")
        if region is not None and not region.bedrock_runtime:
            text.append(f"  {region.region} does not offer Bedrock runtime at all.")
        text.extend(_wrap("offered from: ", profile.source_regions, 2))
    else:
        for s in sources:
            text.append(f"  from {s}")
            text.extend(_destinations_text(profile, profile.routing[s]))
    text.extend(_caveat_lines(profile, indent=2))
    if profile.note:
        text.extend(_wrap("note: ", [profile.note], 2))
    text.append(_footer(catalog))
    return payload, text, EXIT_OK if offered else EXIT_NONE
