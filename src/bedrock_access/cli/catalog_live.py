"""``catalog refresh`` and ``catalog diff``: wiring only (the scan is in ``live/refresh``, the merge in
``catalog/overlay``, the comparison in ``catalog/diff``).

``refresh`` is one of the two verbs that use the network, and only the read-only Bedrock control plane.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from bedrock_access.errors import InputError

if TYPE_CHECKING:
    from bedrock_access.catalog.diff import CatalogDiff

PARTITIONS = ("aws", "aws-us-gov")
# Where account:ListRegions is asked (the account API is global to its partition).
HOME_REGION = {"aws": "us-east-1", "aws-us-gov": "us-gov-west-1"}


def add_live_queries(queries: Any, common: argparse.ArgumentParser) -> None:
    refresh = queries.add_parser(
        "refresh",
        parents=[common],
        help="scan the Bedrock APIs with your AWS credentials and store the result (network)",
        description="Call ListFoundationModels and ListInferenceProfiles (read-only, free) in each Region "
        "and store what they return as a local overlay over the shipped snapshot (docs/live.md). "
        "Exit status: 0 every Region asked was scanned or skipped as not enabled, 1 a Region failed "
        "(its earlier data is kept), 2 bad input or no credentials.",
    )
    refresh.add_argument(
        "--region",
        action="append",
        default=[],
        metavar="REGION",
        help="scan only this Region (repeatable; default: every Region of the partition with Bedrock)",
    )
    refresh.add_argument("--partition", choices=PARTITIONS, default=None, help="partition (default: aws)")
    refresh.add_argument("--profile", help="AWS profile to use (default: the ordinary credential chain)")
    refresh.add_argument(
        "--output", metavar="PATH", help="write the overlay here (default: the user cache folder)"
    )
    queries.add_parser(
        "diff",
        parents=[common],
        help="what the catalog in use changes against the shipped snapshot",
        description="Compare the catalog in use (refreshed overlay, or --catalog) with the shipped snapshot: "
        "new, removed and re-routed profiles, new source Regions. Exit status: 0 differences shown, "
        "1 no differences, 2 bad input.",
    )


def run_live(args: argparse.Namespace) -> int:
    if args.catalog_query == "refresh":
        return _refresh(args)
    return _diff(args)


# refresh -----------------------------------------------------------------------------------------------


def _regions(args: argparse.Namespace, session: Any, catalog: Any) -> tuple[str, list[str]]:
    from bedrock_access.live.aws import bedrock_regions

    if not args.region:
        partition = args.partition or "aws"
        return partition, list(bedrock_regions(session, partition))
    partitions = set()
    for region in args.region:
        partition = catalog.partition_of(region)
        if partition is not None and region in bedrock_regions(session, partition):
            partitions.add(partition)
            continue
        if region in catalog.regions:
            raise InputError(
                f"{region} has no Bedrock endpoint in botocore's endpoint data; nothing to scan there",
                field="--region",
            )
        suggestions = catalog.closest_regions(region)
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        raise InputError(f"unknown Region {region!r}{hint}", field="--region")
    if len(partitions) > 1 or (args.partition and args.partition not in partitions):
        raise InputError(
            f"the Regions given belong to {', '.join(sorted(partitions))}; scan one partition at a time",
            field="--region",
        )
    return partitions.pop(), sorted(set(args.region))


def _progress(total: int) -> tuple[Any, Any]:
    """A rich progress bar on a terminal; nothing otherwise."""
    if not sys.stderr.isatty() or total == 0:
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    bar = Progress(
        TextColumn("scanning Regions"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("", total=total)

    def advance(region: str, status: str) -> None:
        bar.update(task, advance=1, description=f"{region}: {status}")

    return bar, advance


def _refresh(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime
    from pathlib import Path

    import orjson

    from bedrock_access.catalog import load_packaged_catalog
    from bedrock_access.catalog.diff import diff_catalogs
    from bedrock_access.catalog.overlay import EMPTY_OVERLAY, apply_overlay, merge_scans
    from bedrock_access.catalog.selection import overlay_path, read_overlay, write_overlay
    from bedrock_access.live.aws import new_session
    from bedrock_access.live.refresh import enabled_regions, refresh

    shipped = load_packaged_catalog()
    session = new_session(args.profile)
    partition, regions = _regions(args, session, shipped)
    if session.get_credentials() is None:
        raise InputError(
            "no AWS credentials found (environment, ~/.aws files, SSO or instance role); nothing was called",
            field="credentials",
        )
    target = Path(args.output) if args.output else overlay_path()
    try:
        previous = read_overlay(target)
    except InputError as exc:  # a broken overlay is what a refresh repairs: start afresh, say so
        print(f"bedrock-access: replacing an unreadable overlay: {exc.render()}", file=sys.stderr)
        previous = EMPTY_OVERLAY
    enabled = enabled_regions(session, partition, HOME_REGION[partition])
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    bar, advance = _progress(len(regions))
    if bar is not None:
        bar.start()
    try:
        result = refresh(session, regions, catalog=shipped, scanned_at=now, enabled=enabled, progress=advance)
    finally:
        if bar is not None:
            bar.stop()
    overlay = merge_scans(
        previous,
        result.scans,
        at=now,
        failed={r: f.render() for r, f in result.failed.items()},
        skipped=result.skipped,
        partition_bedrock_regions=None if args.region else {partition: regions},
    )
    write_overlay(target, overlay)
    changes = diff_catalogs(shipped, apply_overlay(shipped, overlay))
    unknown = sorted(s.region for s in result.scans if s.region not in shipped.regions)
    doc = {
        "query": "refresh",
        "partition": partition,
        "overlay": str(target),
        "scanned_at": now,
        "scanned": [s.region for s in result.scans],
        "failed": {r: {"code": f.code, "message": f.message} for r, f in result.failed.items()},
        "skipped": dict(result.skipped),
        "regions_unknown_to_snapshot": unknown,
        "changes": _diff_counts(changes),
    }
    if args.format == "json":
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        lines = [
            f"Scanned {len(result.scans)} of {len(regions)} {partition} Region(s) at {now}; overlay written to {target}"
        ]
        for region, failure in result.failed.items():
            lines.append(f"  FAILED  {region}: {failure.render()} (its earlier data is kept)")
        for region, reason in result.skipped.items():
            lines.append(f"  skipped {region}: {reason}")
        if unknown:
            lines.append(
                f"  note: {', '.join(unknown)} not in the shipped snapshot; scanned but not used until the "
                "snapshot knows the Region"
            )
        counts = _diff_counts(changes)
        lines.append(
            "Against the shipped snapshot: "
            + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items())
            + " (details: `bedrock-access catalog diff`)"
        )
        sys.stdout.write("\n".join(lines) + "\n")
    return 1 if result.failed else 0


# diff --------------------------------------------------------------------------------------------------


def _diff_counts(d: CatalogDiff) -> dict[str, int]:
    return {
        "new_profiles": len(d.new_profiles),
        "removed_profiles": len(d.removed_profiles),
        "rerouted": len(d.rerouted),
        "new_sources": len(d.new_sources),
        "removed_sources": len(d.removed_sources),
        "new_models": len(d.new_models),
        "on_demand_changes": len(d.on_demand_changes),
    }


def _diff(args: argparse.Namespace) -> int:
    import orjson

    from bedrock_access.catalog import load_packaged_catalog
    from bedrock_access.catalog.diff import diff_catalogs
    from bedrock_access.catalog.selection import catalog_in_use

    in_use = catalog_in_use()
    shipped = load_packaged_catalog()
    d = diff_catalogs(shipped, in_use.catalog)
    if args.format == "json":
        doc = {
            "query": "diff",
            "snapshot_date": shipped.snapshot_date,
            "catalog_in_use": in_use.describe(),
            "region_scans": dict(in_use.region_scans),
            "new_profiles": [
                {
                    "id": pid,
                    "routing": {r: list(v) for r, v in in_use.catalog.profiles[pid].routing.items()},
                }
                for pid in d.new_profiles
            ],
            "removed_profiles": list(d.removed_profiles),
            "rerouted": [
                {
                    "profile_id": r.profile_id,
                    "source_region": r.source_region,
                    "before": list(r.before),
                    "after": list(r.after),
                }
                for r in d.rerouted
            ],
            "new_sources": [
                {"profile_id": s.profile_id, "source_region": s.source_region} for s in d.new_sources
            ],
            "removed_sources": [
                {"profile_id": s.profile_id, "source_region": s.source_region} for s in d.removed_sources
            ],
            "new_models": list(d.new_models),
            "on_demand_changes": [
                {"model_id": c.model_id, "added": list(c.added), "removed": list(c.removed)}
                for c in d.on_demand_changes
            ],
        }
        sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n")
        return 1 if d.empty else 0
    lines = [
        f"Catalog in use: {in_use.describe()}",
        f"Compared with the shipped snapshot {shipped.snapshot_date}:",
    ]
    if d.empty:
        lines.append("  no differences")
    for pid in d.new_profiles:
        routing = in_use.catalog.profiles[pid].routing
        lines.append(f"  new profile      {pid}  (from {', '.join(sorted(routing)) or 'no Region'})")
    lines.extend(
        f"  removed profile  {pid}  (no longer listed from any scanned Region)" for pid in d.removed_profiles
    )
    for r in d.rerouted:
        change = []
        if r.added:
            change.append("+" + ", +".join(r.added))
        if r.removed:
            change.append("-" + ", -".join(r.removed))
        lines.append(f"  re-routed        {r.profile_id} from {r.source_region}: {', '.join(change)}")
    lines.extend(
        f"  new source       {s.profile_id} now offered from {s.source_region}" for s in d.new_sources
    )
    lines.extend(
        f"  removed source   {s.profile_id} no longer offered from {s.source_region}"
        for s in d.removed_sources
    )
    lines.extend(f"  new model        {mid}" for mid in d.new_models)
    for c in d.on_demand_changes:
        parts = [*(f"+{r}" for r in c.added), *(f"-{r}" for r in c.removed)]
        lines.append(f"  on demand        {c.model_id}: {', '.join(parts)}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 1 if d.empty else 0
