"""Typed, immutable view of the Bedrock catalog snapshot: Regions, partitions, models, inference profiles.

Nothing here reads files; :mod:`bedrock_access.catalog.loader` builds a :class:`Catalog` from JSON.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from bedrock_access.catalog.geography import GLOBAL_SCOPE, SCOPE_HOME, partition_from_region_name

ProfileStatus = Literal["active", "not_listed", "doc_only", "doc_only_govcloud", "unverified_govcloud"]
RoutingKind = Literal["explicit", "all_commercial", "unknown"]
ModelStatus = Literal["active", "legacy", "not_listed"]
IdKind = Literal["any", "model", "profile"]

PROFILE_STATUSES: tuple[ProfileStatus, ...] = (
    "active",
    "not_listed",
    "doc_only",
    "doc_only_govcloud",
    "unverified_govcloud",
)
ROUTING_KINDS: tuple[RoutingKind, ...] = ("explicit", "all_commercial", "unknown")
MODEL_STATUSES: tuple[ModelStatus, ...] = ("active", "legacy", "not_listed")

# One-line explanations of every profile status other than "active", for "uncertain" messages.
PROFILE_STATUS_MEANING: Mapping[str, str] = MappingProxyType(
    {
        "active": "listed by the newest API scan of the commercial Regions",
        "not_listed": "missing from the newest API scan: retired, or no longer flagged; routing is the last seen",
        "doc_only": "only in an older copy of the AWS documentation; current status unknown",
        "doc_only_govcloud": "GovCloud routing read from an older copy of the AWS documentation, not from an API",
        "unverified_govcloud": "id known from pricing data only; routing unknown",
    }
)
INFERRED_DESTINATIONS_NOTE = (
    'global profile: AWS documents the destinations as "all commercial AWS Regions"; '
    "the list shown is the aws partition's Bedrock Regions (inferred)"
)

_EMPTY_ROUTING: Mapping[str, tuple[str, ...]] = MappingProxyType({})


@dataclass(frozen=True)
class Region:
    """One AWS Region. ``region`` is the code (``us-east-1``), ``name`` the display name."""

    region: str
    name: str
    partition: str
    geography: str
    country: str | None
    opt_in: bool | None  # None: not applicable (non-commercial partitions)
    bedrock_runtime: bool
    note: str | None = None


@dataclass(frozen=True)
class Partition:
    """An AWS partition and the Regions in it that offer Bedrock."""

    name: str
    bedrock_regions: tuple[str, ...]
    explicit_runtime_hostnames: tuple[str, ...] | None = None
    note: str | None = None


@dataclass(frozen=True)
class Profile:
    """A system-defined (cross-Region) inference profile.

    ``routing`` maps each source Region the profile is offered from to the destination Regions a request
    made there may be served in. Destinations depend on the source Region, so never derive them from the
    prefix. ``routing_kind`` is ``all_commercial`` for global profiles (destinations inferred from the
    Region list, see :data:`INFERRED_DESTINATIONS_NOTE`) and ``unknown`` when no source gives routing.
    """

    id: str
    scope: str
    model_id: str
    status: ProfileStatus
    routing_kind: RoutingKind
    routing: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: _EMPTY_ROUTING, hash=False)
    provenance: tuple[str, ...] = ()
    first_seen_in_scan: str | None = None
    last_seen_in_scan: str | None = None
    note: str | None = None

    @property
    def source_regions(self) -> tuple[str, ...]:
        """Regions the profile can be called from, sorted."""
        return tuple(sorted(self.routing))

    @property
    def all_destinations(self) -> tuple[str, ...]:
        """Every Region the profile may route to from any source, sorted."""
        return tuple(sorted({dest for dests in self.routing.values() for dest in dests}))

    @property
    def is_global(self) -> bool:
        return self.scope == GLOBAL_SCOPE

    @property
    def destinations_inferred(self) -> bool:
        """True when the destination lists are an expansion of "all commercial Regions", not API data."""
        return self.routing_kind == "all_commercial"

    @property
    def verified(self) -> bool:
        """True only for profiles seen in the newest API scan; other statuses mean "uncertain"."""
        return self.status == "active"

    @property
    def caveats(self) -> tuple[str, ...]:
        """Why an answer built on this profile is uncertain (empty when it is not)."""
        out: list[str] = []
        if self.status != "active":
            out.append(f"status {self.status}: {PROFILE_STATUS_MEANING[self.status]}")
        if self.destinations_inferred:
            out.append(INFERRED_DESTINATIONS_NOTE)
        return tuple(out)

    def destinations(self, source_region: str) -> tuple[str, ...] | None:
        """Destination Regions when called from ``source_region``; None if not offered (or unknown) there."""
        return self.routing.get(source_region)


@dataclass(frozen=True)
class Model:
    """A foundation model as the snapshot knows it.

    ``in_region_on_demand`` lists Regions where bedrock-runtime serves the model without a profile (None
    for models served only by bedrock-mantle). Regions in ``mantle_regions`` but not in that list are
    unconfirmed for bedrock-runtime. ``requires_profile`` is True when no Region serves the model on
    demand, False when at least one does (then ``profile_only_in`` names the profile-only source
    Regions), None when unknown.
    """

    model_id: str
    provider: str
    status: ModelStatus
    lifecycle: str
    endpoints: tuple[str, ...]
    in_region_on_demand: tuple[str, ...] | None
    requires_profile: bool | None
    profile_only_in: tuple[str, ...] = ()
    mantle_regions: tuple[str, ...] = ()
    profile_ids: tuple[str, ...] = ()
    provenance: tuple[str, ...] = ()
    last_seen_in_scan: str | None = None
    note: str | None = None

    def on_demand_in(self, region: str) -> bool | None:
        """Can bedrock-runtime serve this model in ``region`` without a profile? None means unknown."""
        if self.in_region_on_demand is None:
            return None
        if region in self.in_region_on_demand:
            return True
        if region in self.mantle_regions:
            return None
        return False


@dataclass(frozen=True)
class UnverifiedProfileId:
    """A profile-like id seen only in third-party data (no API scan, no AWS doc); not in ``profiles``."""

    id: str
    source: str
    note: str | None = None


@dataclass(frozen=True)
class ScopeGeography:
    """Where a profile scope lives, from the Region table and from the routing data.

    ``home_regions``: Regions whose own geography (or country, for ``in``; partition, for ``global``)
    matches the scope. ``source_regions`` / ``destination_regions``: Regions that some profile of the
    scope is offered from / may route to. These differ: Canadian Regions are sources of ``us.`` profiles
    and il-central-1 (geography ME) is a source of ``eu.`` profiles.
    """

    scope: str
    home_regions: tuple[str, ...]
    source_regions: tuple[str, ...]
    destination_regions: tuple[str, ...]

    @property
    def regions(self) -> tuple[str, ...]:
        """Every Region related to the scope by either the Region table or routing, sorted."""
        return tuple(sorted({*self.home_regions, *self.source_regions, *self.destination_regions}))


def _freeze_index(index: Mapping[str, list[str]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({key: tuple(sorted(values)) for key, values in index.items()})


@dataclass(frozen=True)
class Catalog:
    """The whole snapshot, with lookups. Build it with :func:`bedrock_access.catalog.load_catalog`."""

    snapshot_date: str
    data_as_of: Mapping[str, str] = field(hash=False)
    sources: tuple[str, ...]
    partitions: Mapping[str, Partition] = field(hash=False)
    regions: Mapping[str, Region] = field(hash=False)
    profiles: Mapping[str, Profile] = field(hash=False)
    models: Mapping[str, Model] = field(hash=False)
    unverified_profile_ids: Mapping[str, UnverifiedProfileId] = field(hash=False)
    _profiles_by_model: Mapping[str, tuple[str, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        by_model: dict[str, list[str]] = {}
        for profile in self.profiles.values():
            by_model.setdefault(profile.model_id, []).append(profile.id)
        object.__setattr__(self, "_profiles_by_model", _freeze_index(by_model))

    # Regions and partitions -------------------------------------------------------------------------

    def region(self, name: str) -> Region | None:
        return self.regions.get(name)

    def regions_in_partition(self, partition: str) -> tuple[Region, ...]:
        """Every Region of the partition that the snapshot lists (with or without Bedrock), by code."""
        return tuple(r for _, r in sorted(self.regions.items()) if r.partition == partition)

    def partition_of(self, region: str) -> str | None:
        """The partition of a Region: from the Region table, else from the shape of its name."""
        known = self.regions.get(region)
        if known is not None:
            return known.partition
        return partition_from_region_name(region)

    def bedrock_regions(self, partition: str = "aws") -> tuple[str, ...]:
        """Regions of the partition that offer Bedrock runtime, sorted; empty for unknown partitions."""
        return tuple(
            sorted(r.region for r in self.regions.values() if r.partition == partition and r.bedrock_runtime)
        )

    def geography_regions(self, geography: str) -> tuple[str, ...]:
        """Regions whose ``geography`` code (``US``, ``EU``, ``APAC``, ``ME``, ...) matches, sorted."""
        return tuple(sorted(r.region for r in self.regions.values() if r.geography == geography))

    # Profiles and models ----------------------------------------------------------------------------

    def profile(self, profile_id: str) -> Profile | None:
        return self.profiles.get(profile_id)

    def model(self, model_id: str) -> Model | None:
        return self.models.get(model_id)

    def is_unverified_profile(self, profile_id: str) -> bool:
        """True for ids known only from third-party data (never seen by an API scan or in AWS docs)."""
        return profile_id in self.unverified_profile_ids

    def profiles_for_model(
        self, model_id: str, source_region: str | None = None, *, include_unknown_routing: bool = False
    ) -> tuple[Profile, ...]:
        """Profiles for a model, sorted by id.

        With ``source_region``, only profiles offered from that Region. Profiles whose routing is unknown
        cannot be placed; ``include_unknown_routing`` adds those whose scope's home Regions contain
        ``source_region`` (e.g. ``us-gov.`` ids with no published routing, asked about from GovCloud).
        """
        found = (self.profiles[pid] for pid in self._profiles_by_model.get(model_id, ()))
        if source_region is None:
            return tuple(found)
        out: list[Profile] = []
        for profile in found:
            if source_region in profile.routing or (
                include_unknown_routing
                and profile.routing_kind == "unknown"
                and source_region in self.scope_geography(profile.scope).home_regions
            ):
                out.append(profile)
        return tuple(out)

    def destinations(self, profile_id: str, source_region: str) -> tuple[str, ...] | None:
        """Where ``profile_id`` routes when called from ``source_region``.

        None when the profile is unknown or not offered from that Region (or its routing is unknown:
        check ``profile(profile_id).routing_kind``).
        """
        profile = self.profiles.get(profile_id)
        return profile.destinations(source_region) if profile else None

    # Geography ----------------------------------------------------------------------------------------

    def scopes(self) -> tuple[str, ...]:
        """Profile scopes present in the snapshot, sorted."""
        return tuple(sorted({p.scope for p in self.profiles.values()}))

    def scope_geography(self, scope: str) -> ScopeGeography:
        """Regions belonging to a scope by the Region table and by the profiles' routing."""
        home: tuple[str, ...] = ()
        rule = SCOPE_HOME.get(scope)
        if rule is not None:
            kind, value = rule
            if kind == "geography":
                home = self.geography_regions(value)
            elif kind == "country":
                home = tuple(sorted(r.region for r in self.regions.values() if r.country == value))
            else:
                home = self.bedrock_regions(value)
        sources: set[str] = set()
        dests: set[str] = set()
        for profile in self.profiles.values():
            if profile.scope == scope:
                sources.update(profile.routing)
                for targets in profile.routing.values():
                    dests.update(targets)
        return ScopeGeography(scope, home, tuple(sorted(sources)), tuple(sorted(dests)))

    # Suggestions ------------------------------------------------------------------------------------

    def known_ids(self, kind: IdKind = "any") -> tuple[str, ...]:
        """Model ids and/or profile ids, sorted (unverified ids are not included)."""
        ids: Iterable[str]
        if kind == "model":
            ids = self.models
        elif kind == "profile":
            ids = self.profiles
        else:
            ids = (*self.models, *self.profiles)
        return tuple(sorted(ids))

    def closest_ids(self, text: str, n: int = 3, *, kind: IdKind = "any") -> tuple[str, ...]:
        """Up to ``n`` known ids closest to ``text``, best first, for "did you mean" messages."""
        return closest_matches(text, self.known_ids(kind), n)

    def closest_regions(self, text: str, n: int = 3) -> tuple[str, ...]:
        """Up to ``n`` Region codes closest to ``text``, best first."""
        return closest_matches(text, tuple(sorted(self.regions)), n)


# Beyond this length no Region or model id is "near" (a 4.9 MB Region value took 31 s to compare).
MAX_SUGGEST_CHARS = 128


def closest_matches(text: str, candidates: tuple[str, ...], n: int = 3) -> tuple[str, ...]:
    """Rank ``candidates`` against ``text``: ids that contain the text first, then by similarity.

    Plain difflib misses partial ids such as ``claude-sonnet-4-5`` (too short next to the full id), so
    containment is tried before the similarity cut-off.
    """
    import difflib  # only needed on the error path

    if n <= 0 or not text or len(text) > MAX_SUGGEST_CHARS:
        return ()  # no id is that long; comparing would cost time in proportion to the text
    needle = text.strip().lower()
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(needle)

    def ratio(candidate: str) -> float:
        matcher.set_seq1(candidate.lower())
        return matcher.ratio()

    containing = sorted((c for c in candidates if needle in c.lower()), key=lambda c: (-ratio(c), c))
    picked = containing[:n]
    if len(picked) < n:
        chosen = set(picked)
        scored = sorted(
            ((ratio(c), c) for c in candidates if c not in chosen),
            key=lambda item: (-item[0], item[1]),
        )
        picked.extend(c for score, c in scored if score >= 0.6)
    return tuple(picked[:n])
