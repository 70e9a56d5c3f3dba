"""The reference knowledge base of the conflict: actors, their names, and who held which office when.

Shipped as data the team writes (`fixtures/knowledge/*.json`, every entry with a source URL
in its `notes`), read here without a database so that `extract` works on a bare checkout,
and loaded into the database by `import_seeds` (insert-only by natural key).

A file holds two lists:

- `actors`: `slug` (natural key; reference.json's slugs are reused for the same actor),
  `name` (the English Wikipedia title), `kind` (Actor.Kind), `country` (ISO 3166 alpha-2 or
  ""), `gender` ("male"/"female" for people, for he/she), `affiliation` (slug or null),
  `role`, `aliases` (surnames, transliterations, demonyms, institution wordings), `notes`.
- `offices`: a title that names whoever holds it ("the Kremlin spokesman"): `slug`, `title`,
  `organisation` (slug or null), `aliases` (the wordings), `holders` (`actor` slug, `start`,
  `end`, ISO dates or null for open ends), `notes`. An office mention resolves to its holder
  on the article's date, and to nobody when the date is unknown or nobody held it then.

Bad data is refused with the file and the entry named: a knowledge base that loads is one
whose every slug is unique, every reference points at an actor, and every tenure is ordered.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from events.ingest.records import ParseError

OFFICE_PREFIX = "office:"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "knowledge"

ACTOR_KINDS = frozenset(
    {"person", "state", "government_body", "international_org", "armed_group", "population", "media", "unnamed_source"}
)
GENDERS = frozenset({"male", "female", ""})
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_COUNTRY = re.compile(r"^(?:[A-Z]{2})?$")
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class KnownActor:
    slug: str
    name: str
    kind: str
    country: str = ""
    gender: str = ""
    affiliation: str | None = None
    role: str = ""
    aliases: tuple[str, ...] = ()
    notes: str = ""


@dataclass(frozen=True)
class Tenure:
    actor: str
    start: dt.date | None = None
    end: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Office:
    slug: str
    title: str
    organisation: str | None = None
    aliases: tuple[str, ...] = ()
    holders: tuple[Tenure, ...] = ()
    notes: str = ""

    def holder(self, day: dt.date | None) -> str | None:
        """The slug of whoever held the office on `day` (None: unknown date, vacancy, or two claims)."""
        if day is None:
            return None
        found = {t.actor for t in self.holders if t.covers(day)}
        return found.pop() if len(found) == 1 else None


@dataclass(frozen=True)
class KnowledgeBase:
    actors: tuple[KnownActor, ...] = ()
    offices: tuple[Office, ...] = ()

    def actor(self, slug: str) -> KnownActor | None:
        return self._by_slug().get(slug)

    def _by_slug(self) -> dict[str, KnownActor]:
        cache = self.__dict__.get("_slugs")
        if cache is None:
            cache = self.__dict__["_slugs"] = {a.slug: a for a in self.actors}
        return cache

    def gazetteer_entries(self, *, skip: frozenset[str] | set[str] = frozenset()) -> list[tuple]:
        """Entries for events.ingest.gazetteer.Gazetteer.from_entries: (key, name, kind, aliases,
        extra) for every actor whose slug is not in `skip`, then one per office (key OFFICE_PREFIX +
        slug, kind "office", extra["holders"]) whose holders are not all skipped."""
        entries: list[tuple] = [
            (a.slug, a.name, a.kind, wordings(a), {"gender": a.gender} if a.gender else {})
            for a in self.actors
            if a.slug not in skip
        ]
        for o in self.offices:
            holders = tuple((t.actor, t.start, t.end) for t in o.holders)
            extra = {"holders": holders, "organisation": o.organisation or "", "state": self.state_of(o.organisation)}
            entries.append((OFFICE_PREFIX + o.slug, o.title, "office", o.aliases, extra))
        return entries

    def state_of(self, slug: str | None) -> str:
        """The state an actor belongs to, up its affiliations ("" when none is a state)."""
        seen: set[str] = set()
        while slug and slug not in seen:
            seen.add(slug)
            actor = self.actor(slug)
            if actor is None:
                return ""
            if actor.kind == "state":
                return actor.slug
            slug = actor.affiliation
        return ""

    def genders(self) -> dict[str, str]:
        return {a.slug: a.gender for a in self.actors if a.gender}


_MINISTRY = re.compile(r"^Ministry of (?P<field>.+?) \((?P<country>[^)]+)\)$")
_FIELD_WORDS = {
    "Foreign Affairs": ("Foreign",),
    "Defence": ("Defence", "Defense"),
    "National Defence": ("Defence", "Defense"),
}
_SPELLINGS = (("Defence", "Defense"), ("defence", "defense"))


def wordings(actor: KnownActor) -> tuple[str, ...]:
    """The actor's aliases and the regular variants news text also uses: British and American
    spellings ("Defence"/"Defense"), and for a ministry named as "Ministry of Defence (Armenia)"
    the country-first wordings ("Armenia Defence Ministry", "Defence Ministry of Armenia")."""
    names = list(actor.aliases)
    match = _MINISTRY.match(actor.name)
    if match:
        country, field = match.group("country"), match.group("field")
        for word in _FIELD_WORDS.get(field, (field,)):
            names += [f"{country} {word} Ministry", f"{country}'s {word} Ministry", f"{word} Ministry of {country}"]
    for british, american in _SPELLINGS:
        names += [n.replace(british, american) for n in names if british in n]
        names += [n.replace(american, british) for n in names if american in n]
    return tuple(dict.fromkeys(names))


def load_knowledge_base(directory: Path | str = DEFAULT_DIR) -> KnowledgeBase:
    """Every `*.json` file of `directory`, in name order, as one checked knowledge base."""
    directory = Path(directory)
    files = sorted(directory.glob("*.json")) if directory.is_dir() else []
    return _cached(tuple((str(f), f.stat().st_mtime_ns) for f in files))


@lru_cache(maxsize=4)
def _cached(files: tuple[tuple[str, int], ...]) -> KnowledgeBase:
    return parse_knowledge_base((name, _read(name)) for name, _ in files)


def parse_knowledge_base(documents: Iterable[tuple[str, dict]]) -> KnowledgeBase:
    """A knowledge base from already-read documents ((source name, parsed JSON) pairs); for tests."""
    actors: list[tuple[str, KnownActor]] = []
    offices: list[tuple[str, Office]] = []
    for name, data in documents:
        if not isinstance(data, dict):
            raise ParseError(name, None, "a knowledge-base file is a JSON object with 'actors' and 'offices' lists")
        actors += [(name, _actor(name, i, raw)) for i, raw in enumerate(_list(name, data, "actors"))]
        offices += [(name, _office(name, i, raw)) for i, raw in enumerate(_list(name, data, "offices"))]
    return check(actors, offices)


def check(actors: list[tuple[str, KnownActor]], offices: list[tuple[str, Office]]) -> KnowledgeBase:
    """Refuse duplicate slugs and dangling references (ParseError naming the file and the slug)."""
    slugs: dict[str, str] = {}
    for source, a in actors:
        if a.slug in slugs:
            raise ParseError(source, None, f"actor '{a.slug}' is defined twice (also in {slugs[a.slug]})")
        slugs[a.slug] = source
    for source, a in actors:
        if a.affiliation is not None and a.affiliation not in slugs:
            raise ParseError(source, None, f"actor '{a.slug}': affiliation '{a.affiliation}' is not a known actor")
        if a.affiliation == a.slug:
            raise ParseError(source, None, f"actor '{a.slug}' is affiliated to itself")
    _check_affiliation_loops([a for _, a in actors], actors)
    office_slugs: set[str] = set()
    for source, o in offices:
        if o.slug in office_slugs:
            raise ParseError(source, None, f"office '{o.slug}' is defined twice")
        office_slugs.add(o.slug)
        if o.organisation is not None and o.organisation not in slugs:
            raise ParseError(source, None, f"office '{o.slug}': organisation '{o.organisation}' is not a known actor")
        for t in o.holders:
            if t.actor not in slugs:
                raise ParseError(source, None, f"office '{o.slug}': holder '{t.actor}' is not a known actor")
    return KnowledgeBase(tuple(a for _, a in actors), tuple(o for _, o in offices))


def _check_affiliation_loops(actors: list[KnownActor], sourced: list[tuple[str, KnownActor]]) -> None:
    parent = {a.slug: a.affiliation for a in actors}
    source = {a.slug: s for s, a in sourced}
    for slug in parent:
        seen, current = {slug}, parent[slug]
        while current is not None:
            if current in seen:
                raise ParseError(source[slug], None, f"actor '{slug}': its affiliations loop back to '{current}'")
            seen.add(current)
            current = parent.get(current)


def _read(name: str) -> dict:
    try:
        data = json.loads(Path(name).read_text(encoding="utf-8"))
    except UnicodeDecodeError as error:
        raise ParseError(name, None, f"not UTF-8 ({error.reason} at byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise ParseError(name, error.lineno, f"not valid JSON: {error.msg}") from None
    if not isinstance(data, dict):
        raise ParseError(name, None, "a knowledge-base file is a JSON object with 'actors' and 'offices' lists")
    return data


def _list(name: str, data: dict, key: str) -> list:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ParseError(name, None, f"'{key}' must be a list")
    unknown = set(data) - {"actors", "offices", "notes"}
    if unknown:
        raise ParseError(name, None, f"unknown top-level key(s): {', '.join(sorted(unknown))}")
    return value


def _text(name: str, where: str, raw: dict, key: str, *, required: bool = False, limit: int = 200) -> str:
    value = raw.get(key, "")
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ParseError(name, None, f"{where}: '{key}' must be a string")
    value = value.strip()
    if required and not value:
        raise ParseError(name, None, f"{where}: '{key}' is required")
    if len(value) > limit:
        raise ParseError(name, None, f"{where}: '{key}' is longer than {limit} characters")
    if any(ord(ch) < 32 for ch in value):
        raise ParseError(name, None, f"{where}: '{key}' contains a control character")
    return value


def _slug(name: str, where: str, raw: dict, key: str, *, required: bool = True) -> str | None:
    value = raw.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not _SLUG.match(value):
        raise ParseError(name, None, f"{where}: '{key}' must be a slug (lower-case words joined by '-'), not {value!r}")
    return value


def _aliases(name: str, where: str, raw: dict) -> tuple[str, ...]:
    value = raw.get("aliases", [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ParseError(name, None, f"{where}: 'aliases' must be a list of non-empty strings")
    seen: dict[str, None] = {}
    for alias in value:
        if len(alias) > 200 or any(ord(ch) < 32 for ch in alias):
            raise ParseError(name, None, f"{where}: alias {alias[:40]!r} is too long or has a control character")
        seen.setdefault(alias.strip(), None)
    return tuple(seen)


def _notes(name: str, where: str, raw: dict) -> str:
    notes = _text(name, where, raw, "notes", limit=2000)
    if not _URL.search(notes):
        raise ParseError(name, None, f"{where}: 'notes' must give a source URL")
    return notes


def _keys(name: str, where: str, raw: object, allowed: set[str]) -> dict:
    if not isinstance(raw, dict):
        raise ParseError(name, None, f"{where}: an entry must be a JSON object")
    unknown = set(raw) - allowed
    if unknown:
        raise ParseError(name, None, f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
    return raw


_ACTOR_KEYS = {"slug", "name", "kind", "country", "gender", "affiliation", "role", "aliases", "notes"}
_OFFICE_KEYS = {"slug", "title", "organisation", "aliases", "holders", "notes"}


def _actor(name: str, index: int, raw: object) -> KnownActor:
    where = f"actors[{index}]"
    raw = _keys(name, where, raw, _ACTOR_KEYS)
    slug = _slug(name, where, raw, "slug")
    where = f"actor '{slug}'"
    kind = raw.get("kind")
    if kind not in ACTOR_KINDS:
        raise ParseError(name, None, f"{where}: 'kind' must be one of {', '.join(sorted(ACTOR_KINDS))}, not {kind!r}")
    country = _text(name, where, raw, "country")
    if not _COUNTRY.match(country):
        raise ParseError(name, None, f"{where}: 'country' must be an ISO 3166 alpha-2 code, not {country!r}")
    gender = _text(name, where, raw, "gender")
    if gender not in GENDERS:
        raise ParseError(name, None, f"{where}: 'gender' must be 'male', 'female' or empty, not {gender!r}")
    return KnownActor(
        slug=slug,
        name=_text(name, where, raw, "name", required=True),
        kind=kind,
        country=country,
        gender=gender,
        affiliation=_slug(name, where, raw, "affiliation", required=False),
        role=_text(name, where, raw, "role"),
        aliases=_aliases(name, where, raw),
        notes=_notes(name, where, raw),
    )


def _date(name: str, where: str, value: object, key: str) -> dt.date | None:
    if value is None:
        return None
    try:
        if isinstance(value, str):
            return dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise ParseError(name, None, f"{where}: '{key}' must be an ISO date (YYYY-MM-DD) or null, not {value!r}")


def _office(name: str, index: int, raw: object) -> Office:
    where = f"offices[{index}]"
    raw = _keys(name, where, raw, _OFFICE_KEYS)
    slug = _slug(name, where, raw, "slug")
    where = f"office '{slug}'"
    holders_raw = raw.get("holders", [])
    if not isinstance(holders_raw, list):
        raise ParseError(name, None, f"{where}: 'holders' must be a list")
    holders = []
    for i, h in enumerate(holders_raw):
        h = _keys(name, f"{where} holders[{i}]", h, {"actor", "start", "end"})
        tenure = Tenure(
            actor=_slug(name, f"{where} holders[{i}]", h, "actor"),
            start=_date(name, f"{where} holders[{i}]", h.get("start"), "start"),
            end=_date(name, f"{where} holders[{i}]", h.get("end"), "end"),
        )
        if tenure.start and tenure.end and tenure.end < tenure.start:
            raise ParseError(name, None, f"{where} holders[{i}]: 'end' {tenure.end} is before 'start' {tenure.start}")
        holders.append(tenure)
    return Office(
        slug=slug,
        title=_text(name, where, raw, "title", required=True),
        organisation=_slug(name, where, raw, "organisation", required=False),
        aliases=_aliases(name, where, raw),
        holders=tuple(holders),
        notes=_notes(name, where, raw),
    )
