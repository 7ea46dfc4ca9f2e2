"""What changed between two catalogs: the shipped snapshot and the one in use after a refresh.

Pure. ``catalog diff`` prints it; the categories are the ones a reader of a refresh needs: profiles that
are new, profiles that are gone, profiles whose destinations changed for a source Region (re-routed),
source Regions that a known profile is now offered from (new sources) or no longer offered from, and
models that are new or changed on-demand Regions.
"""

from __future__ import annotations

from dataclasses import dataclass

from bedrock_access.catalog.model import Catalog


@dataclass(frozen=True, slots=True)
class Reroute:
    profile_id: str
    source_region: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def added(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.after) - set(self.before)))

    @property
    def removed(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.before) - set(self.after)))


@dataclass(frozen=True, slots=True)
class SourceChange:
    profile_id: str
    source_region: str


@dataclass(frozen=True, slots=True)
class OnDemandChange:
    model_id: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CatalogDiff:
    new_profiles: tuple[str, ...]
    removed_profiles: tuple[str, ...]  # active before, no longer listed anywhere
    rerouted: tuple[Reroute, ...]
    new_sources: tuple[SourceChange, ...]  # a known profile offered from a Region it was not before
    removed_sources: tuple[SourceChange, ...]
    new_models: tuple[str, ...]
    on_demand_changes: tuple[OnDemandChange, ...]

    @property
    def empty(self) -> bool:
        return not any(
            (
                self.new_profiles,
                self.removed_profiles,
                self.rerouted,
                self.new_sources,
                self.removed_sources,
                self.new_models,
                self.on_demand_changes,
            )
        )


def diff_catalogs(before: Catalog, after: Catalog) -> CatalogDiff:
    """Changes from ``before`` (usually the shipped snapshot) to ``after`` (the catalog in use)."""
    new_profiles = tuple(sorted(set(after.profiles) - set(before.profiles)))
    removed = tuple(
        sorted(
            pid
            for pid, old in before.profiles.items()
            if old.status == "active"
            and (pid not in after.profiles or after.profiles[pid].status == "not_listed")
        )
    )
    rerouted: list[Reroute] = []
    new_sources: list[SourceChange] = []
    removed_sources: list[SourceChange] = []
    for pid, old in sorted(before.profiles.items()):
        new = after.profiles.get(pid)
        if new is None or pid in removed:
            continue
        for region in sorted(set(old.routing) | set(new.routing)):
            was, now = old.routing.get(region), new.routing.get(region)
            if was is None and now is not None:
                new_sources.append(SourceChange(pid, region))
            elif was is not None and now is None:
                removed_sources.append(SourceChange(pid, region))
            elif was is not None and now is not None and set(was) != set(now):
                rerouted.append(Reroute(pid, region, tuple(sorted(was)), tuple(sorted(now))))
    changes: list[OnDemandChange] = []
    for mid, old_model in sorted(before.models.items()):
        new_model = after.models.get(mid)
        if new_model is None:
            continue
        was_set = set(old_model.in_region_on_demand or ())
        now_set = set(new_model.in_region_on_demand or ())
        if was_set != now_set:
            changes.append(
                OnDemandChange(mid, tuple(sorted(now_set - was_set)), tuple(sorted(was_set - now_set)))
            )
    return CatalogDiff(
        new_profiles=new_profiles,
        removed_profiles=removed,
        rerouted=tuple(rerouted),
        new_sources=tuple(new_sources),
        removed_sources=tuple(removed_sources),
        new_models=tuple(sorted(set(after.models) - set(before.models))),
        on_demand_changes=tuple(changes),
    )
