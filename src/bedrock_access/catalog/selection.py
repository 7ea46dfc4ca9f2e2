"""Which catalog data a run uses: the shipped snapshot, with the user's refreshed overlay laid over it,
or a file the user names. The I/O edge of the catalog (files, environment, clock for the age).

Order, first that applies:

1. ``--catalog PATH`` (set for one run with :func:`using_catalog`), else the environment variable
   ``BEDROCK_ACCESS_CATALOG``. The file is either a whole catalog in the packaged format, or an overlay
   written by ``catalog refresh`` (then laid over the shipped snapshot).
2. The overlay in the user cache folder (``catalog refresh`` writes it; ``BEDROCK_ACCESS_CACHE_DIR``
   moves the folder), laid over the shipped snapshot: the newest data per Region wins.
3. The shipped snapshot alone.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType

from bedrock_access.catalog.model import Catalog
from bedrock_access.catalog.overlay import (
    EMPTY_OVERLAY,
    OVERLAY_FORMAT,
    Overlay,
    apply_overlay,
    parse_overlay,
)
from bedrock_access.errors import InputError

CATALOG_ENV = "BEDROCK_ACCESS_CATALOG"
CACHE_DIR_ENV = "BEDROCK_ACCESS_CACHE_DIR"
OVERLAY_FILE = "catalog-overlay.json"

_chosen_path: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "bedrock_access_catalog", default=None
)


@dataclass(frozen=True, slots=True)
class CatalogInUse:
    """The catalog a run uses and where its data came from."""

    catalog: Catalog
    kind: str  # "shipped" | "shipped+overlay" | "file" | "file-overlay"
    path: str | None  # the file named or the overlay read, if any
    shipped_snapshot: str
    region_scans: Mapping[str, str]  # Region -> date of its live scan, for Regions newer than shipped

    def describe(self, today: date | None = None) -> str:
        """One line: which data, and how old."""
        today = today or date.today()
        shipped = f"shipped snapshot {self.shipped_snapshot} ({_age(self.shipped_snapshot, today)})"
        if self.kind == "file":
            return f"catalog file {self.path} (snapshot {self.catalog.snapshot_date}, {_age(self.catalog.snapshot_date, today)})"
        if not self.region_scans:
            return shipped if self.kind == "shipped" else f"{shipped}; overlay {self.path} holds no scans"
        dates = sorted(set(self.region_scans.values()))
        span = dates[-1] if len(dates) == 1 else f"{dates[0]}..{dates[-1]}"
        return (
            f"refreshed data for {len(self.region_scans)} Region(s) (scanned {span}, "
            f"newest {_age(dates[-1], today)}) from {self.path}, over the {shipped} for the other Regions"
        )


def _age(iso_date: str, today: date) -> str:
    try:
        days = (today - date.fromisoformat(iso_date[:10])).days
    except ValueError:
        return "age unknown"
    return "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} old"


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """The user cache folder of bedrock-access (platformdirs), or ``$BEDROCK_ACCESS_CACHE_DIR``."""
    env = os.environ if env is None else env
    override = env.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("bedrock-access", appauthor=False))


def overlay_path(env: Mapping[str, str] | None = None) -> Path:
    return cache_dir(env) / OVERLAY_FILE


def read_overlay(path: Path) -> Overlay:
    """The overlay stored at ``path`` (empty when there is none); :class:`InputError` if malformed."""
    import orjson

    from bedrock_access.io_guard import read_bytes

    data = read_bytes(path, display=str(path), limit=50_000_000, missing_ok=True, what="catalog overlay")
    if data is None:
        return EMPTY_OVERLAY
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc}", source=str(path)) from exc
    return parse_overlay(document, source=str(path))


def write_overlay(path: Path, overlay: Overlay) -> None:
    """Write atomically (a temporary file renamed over the old one): never a half-written overlay."""
    import tempfile

    import orjson

    from bedrock_access.catalog.overlay import overlay_to_json

    path.parent.mkdir(parents=True, exist_ok=True)
    data = orjson.dumps(overlay_to_json(overlay), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
    fd, tmp = tempfile.mkstemp(prefix=".overlay-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def using_catalog(path: str | None) -> Iterator[None]:
    """Within the block, :func:`catalog_in_use` reads ``path`` (``--catalog``) instead of the default."""
    token = _chosen_path.set(path)
    try:
        yield
    finally:
        _chosen_path.reset(token)


def chosen_path(env: Mapping[str, str] | None = None) -> str | None:
    """The catalog file named by ``--catalog`` or ``$BEDROCK_ACCESS_CATALOG``, if any."""
    env = os.environ if env is None else env
    return _chosen_path.get() or env.get(CATALOG_ENV) or None


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def catalog_in_use() -> CatalogInUse:
    """The catalog this run uses (cached while the files it depends on are unchanged)."""
    named = chosen_path()
    if named:
        return _load_named(named, _stamp(Path(named)))
    path = overlay_path()
    return _load_default(str(path), _stamp(path))


@functools.lru_cache(maxsize=4)
def _load_default(path: str, stamp: tuple[int, int] | None) -> CatalogInUse:
    from bedrock_access.catalog.loader import load_packaged_catalog

    shipped = load_packaged_catalog()
    if stamp is None:
        return CatalogInUse(shipped, "shipped", None, shipped.snapshot_date, MappingProxyType({}))
    try:
        overlay = read_overlay(Path(path))
    except InputError as exc:
        raise InputError(
            f"{exc.message}; delete the file or run `bedrock-access catalog refresh` to rewrite it",
            source=exc.source,
            field=exc.field,
        ) from exc
    return CatalogInUse(
        apply_overlay(shipped, overlay),
        "shipped+overlay",
        path,
        shipped.snapshot_date,
        _known_scans(shipped, overlay),
    )


def _known_scans(shipped: Catalog, overlay: Overlay) -> Mapping[str, str]:
    return MappingProxyType({r: d for r, d in overlay.scan_dates().items() if r in shipped.regions})


@functools.lru_cache(maxsize=4)
def _load_named(path: str, stamp: tuple[int, int] | None) -> CatalogInUse:
    import orjson

    from bedrock_access.catalog.loader import load_packaged_catalog, parse_catalog

    if stamp is None:
        raise InputError("catalog file not found", source=path, field="--catalog")
    from bedrock_access.io_guard import read_bytes

    data = read_bytes(path, display=str(path), limit=50_000_000, what="catalog")
    try:
        document = orjson.loads(data or b"")
    except orjson.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc}", source=path) from exc
    shipped = load_packaged_catalog()
    if isinstance(document, dict) and document.get("format") == OVERLAY_FORMAT:
        overlay = parse_overlay(document, source=path)
        return CatalogInUse(
            apply_overlay(shipped, overlay),
            "file-overlay",
            path,
            shipped.snapshot_date,
            _known_scans(shipped, overlay),
        )
    catalog = parse_catalog(document, source=path)
    return CatalogInUse(catalog, "file", path, shipped.snapshot_date, MappingProxyType({}))
