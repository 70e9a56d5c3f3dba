"""Load the places (events/ingest/placedata.py: the curated list and the GeoNames settlements) into the
database, and place the events at the places their sources name (events/ingest/places.py).

Insert-only by natural key (the slug): a stored place keeps every value a curator gave it,
whatever the files say, and so do its names; a place the database lacks is created with its
names, after its parent. A second run creates nothing. Called by `import_seeds` inside its
transaction: a refused value raises ImportFailure naming the place, and nothing is written.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from events.importers.results import CREATED, UNCHANGED, Counts, ImportFailure
from events.ingest.placedata import KnownPlace, Places
from events.ingest.places import PlaceMatcher, PlaceMention
from events.models import Event, EventPlace, EventSource, Place, PlaceName, place_matcher


def load_places(places: Places) -> Counts:
    counts = Counts()
    stored = dict(Place.objects.values_list("slug", "pk"))
    fresh = [p for p in places.places if p.slug not in stored]
    if len(fresh) < len(places.places):
        counts.add(UNCHANGED, Place, len(places.places) - len(fresh))
    for level in _levels(fresh, places):
        rows = [_place(known, stored) for known in level]
        Place.objects.bulk_create(rows)
        if any(row.pk is None for row in rows):  # backends that do not return ids (none we run on)
            stored.update(Place.objects.filter(slug__in=[r.slug for r in rows]).values_list("slug", "pk"))
        else:
            stored.update((row.slug, row.pk) for row in rows)
        counts.add(CREATED, Place, len(rows))
    names = [_name(known, n, stored[known.slug]) for known in fresh for n in known.names]
    PlaceName.objects.bulk_create(names)
    if names:
        counts.add(CREATED, PlaceName, len(names))
    return counts


def _levels(fresh: list[KnownPlace], places: Places) -> list[list[KnownPlace]]:
    """The new places by depth in the tree (countries first), so that each parent has its id."""
    by_depth: dict[int, list[KnownPlace]] = {}
    for known in fresh:
        by_depth.setdefault(len(places.ancestors(known.slug)), []).append(known)
    return [by_depth[depth] for depth in sorted(by_depth)]


def _checked(row, label: str, exclude: tuple[str, ...]):
    try:
        row.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        reasons = "; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items())
        raise ImportFailure(f"places: {label}: {reasons}") from None
    return row


def _place(known: KnownPlace, stored: dict[str, int]) -> Place:
    row = Place(
        slug=known.slug,
        name=known.name,
        kind=known.kind,
        country=known.country,
        parent_id=stored[known.parent] if known.parent else None,
        latitude=known.lat,
        longitude=known.lon,
        geonames_id=known.geonames,
        curated=known.curated,
        notes=known.notes,
    )
    return _checked(row, f"place '{known.slug}'", exclude=("parent",))


def _name(known: KnownPlace, name, place_id: int) -> PlaceName:
    row = PlaceName(place_id=place_id, name=name.name, language=name.language, usage=name.usage)
    return _checked(row, f"place '{known.slug}' name {name.name!r}", exclude=("place",))


def place_events(matcher: PlaceMatcher | None = None) -> Counts:
    """Place the events that have no place yet: from their `location` text (a curator's words: a
    placing without a source), else from the places their sources' words name (each placing keeps
    its source and the name used). Only the most precise mentions count ("near Sotk in Gegharkunik
    Province" places the event near Sotk, not in the province), and a place standing for its
    government ("Baku said") does not. Insert-only: an event a curator placed, or one placed by an
    earlier run, is left as it is."""
    matcher = matcher or place_matcher()
    counts = Counts()
    unplaced = Event.objects.exclude(pk__in=EventPlace.objects.values("event"))
    rows: list[EventPlace] = []
    sources: dict[int, list[EventSource]] = {}
    for source in EventSource.objects.filter(event__in=unplaced).order_by("event_id", "start", "id"):
        sources.setdefault(source.event_id, []).append(source)
    for event_id, location in unplaced.values_list("pk", "location"):
        found = [(m, None) for m in matcher.find(location) if not m.figurative]
        if not found:
            found = [(m, s) for s in sources.get(event_id, []) for m in matcher.find(s.quote) if not m.figurative]
        rows += _placings(event_id, found)
    EventPlace.objects.bulk_create(rows)
    if rows:
        counts.add(CREATED, EventPlace, len(rows))
    return counts


_RANK = {"exact": 0, "near": 1, "region": 2, "country": 3}


def _placings(event_id: int, found: list[tuple[PlaceMention, EventSource | None]]) -> list[EventPlace]:
    if not found:
        return []
    best = min(_RANK[m.precision] for m, _ in found)
    placings: dict[tuple, EventPlace] = {}
    for mention, source in found:
        if _RANK[mention.precision] == best:
            key = (int(mention.key), source.pk if source else None)
            placings.setdefault(
                key,
                EventPlace(
                    event_id=event_id,
                    place_id=key[0],
                    source=source,
                    precision=mention.precision,
                    name_used=mention.text,
                ),
            )
    return list(placings.values())
