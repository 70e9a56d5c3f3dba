"""Places: where things happened, under every name they go by (issue 17).

- Place: a country, region, district, city, village, border crossing, road or military position,
  with its point (WGS 84) and its parent (village → district → region → country).
- PlaceName: another name of a place, with its language and usage: which side says it
  (Stepanakert/Khankendi, Shushi/Shusha) or whether it is a historical name.
- EventPlace: an event happened at a place, with the precision of that statement (exact,
  near, in the district or region, in the country; ACLED's geo-precision 1-3 in exports), the
  name the source used, and the source that says so (null when a curator set it).

The loader is events/importers/places.py, the extractor events/ingest/places.py.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Case, F, FilteredRelation, IntegerField, Q, Value, When
from django.urls import reverse

from events.ingest.placedata import coordinate_error
from events.ingest.places import PlaceMatcher
from events.models.base import CleanTextMixin, NaturalKeyManager


class PlaceQuerySet(models.QuerySet):
    def matching(self, text: str):
        """Places whose canonical name or any other name contains `text` (case-insensitive)."""
        named = PlaceName.objects.filter(name__icontains=text).values("place")
        return self.filter(Q(name__icontains=text) | Q(slug__iexact=text) | Q(pk__in=named))

    def named(self, text: str):
        """Places whose id, slug, canonical name or other name is exactly `text` (case-insensitive)."""
        condition = Q(slug__iexact=text) | Q(name__iexact=text)
        condition |= Q(pk__in=PlaceName.objects.filter(name__iexact=text).values("place"))
        if text.isdigit():
            condition |= Q(pk=int(text))
        return self.filter(condition)

    def with_descendants(self) -> list[int]:
        """The ids of these places and of every place under them: one query per level of the tree
        (country, region, district, settlement...), never one per place; a loop written past clean()
        (a raw update) ends the walk instead of running forever."""
        found = list(self.values_list("pk", flat=True))
        seen, level = set(found), found
        while level:
            level = [pk for pk in Place.objects.filter(parent__in=level).values_list("pk", flat=True) if pk not in seen]
            seen.update(level)
            found += level
        return found

    def for_list(self):
        return self.select_related("parent").prefetch_related("names")


class Place(CleanTextMixin, models.Model):
    class Kind(models.TextChoices):
        COUNTRY = "country", "country"
        REGION = "region", "region"
        DISTRICT = "district", "district"
        CITY = "city", "city or town"
        VILLAGE = "village", "village"
        BORDER_CROSSING = "border_crossing", "border crossing"
        ROAD = "road", "road or corridor"
        MILITARY_POSITION = "military_position", "military position"
        SITE = "site", "site (bridge, airport, reservoir, monument, mountain)"

    slug = models.SlugField(max_length=100, unique=True, help_text="Stable key for fixtures and re-imports.")
    name = models.CharField(max_length=200, help_text="Canonical name (English).")
    kind = models.CharField(max_length=20, choices=Kind)
    country = models.CharField(max_length=2, help_text="ISO 3166 alpha-2 code of the state it is in de jure.")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="The place it is in.",
    )
    latitude = models.FloatField(help_text="WGS 84 degrees, -90 to 90.")
    longitude = models.FloatField(help_text="WGS 84 degrees, -180 to 180.")
    geonames_id = models.PositiveIntegerField(null=True, blank=True, unique=True, verbose_name="GeoNames id")
    curated = models.BooleanField(default=True, help_text="Written by the team (else a GeoNames settlement).")
    notes = models.TextField(blank=True, help_text="Facts and their source URLs.")

    objects = NaturalKeyManager.from_queryset(PlaceQuerySet)("slug")

    class Meta:
        ordering = ("name", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90),
                name="events_place_latitude_range",
                violation_error_message="the latitude is out of range (-90 to 90)",
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180),
                name="events_place_longitude_range",
                violation_error_message="the longitude is out of range (-180 to 180)",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")),
                name="events_place_not_own_parent",
                violation_error_message="a place cannot be its own parent",
            ),
        ]
        indexes = [
            # The places API's and the filter's exact-name lookups (named()): name = X.
            models.Index(fields=["name"], name="events_place_name"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("events:place", args=[self.pk])

    def ancestors(self) -> list[Place]:
        """The places above this one, nearest first (stops at a loop rather than running forever)."""
        found, seen, current = [], {self.pk}, self.parent
        while current is not None and current.pk not in seen:
            found.append(current)
            seen.add(current.pk)
            current = current.parent
        return found

    def clean(self):
        errors = {}
        if self.latitude is not None and coordinate_error(self.latitude, 0):
            errors["latitude"] = f"{self.latitude} is out of range (-90 to 90)"
        if self.longitude is not None and coordinate_error(0, self.longitude):
            errors["longitude"] = f"{self.longitude} is out of range (-180 to 180)"
        if self.parent_id is not None and self.pk is not None:
            if self.parent_id == self.pk or any(p.pk == self.pk for p in self.parent.ancestors()):
                errors["parent"] = "a place cannot be its own ancestor: this parent is already under it"
        if errors:
            raise ValidationError(errors)


class PlaceName(CleanTextMixin, models.Model):
    class Usage(models.TextChoices):
        ARMENIAN = "armenian", "Armenian usage"
        AZERBAIJANI = "azerbaijani", "Azerbaijani usage"
        RUSSIAN = "russian", "Russian usage"
        INTERNATIONAL = "international", "international"
        HISTORICAL = "historical", "historical"

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200)
    language = models.CharField(max_length=2, blank=True, help_text="ISO 639-1 code of the name's language.")
    usage = models.CharField(max_length=15, choices=Usage, default=Usage.INTERNATIONAL)

    objects = NaturalKeyManager("place__slug", "name", "usage")

    class Meta:
        ordering = ("place", "usage", "name", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["place", "name", "usage"],
                name="events_placename_unique",
                violation_error_message="the place already has this name in this usage",
            ),
        ]
        indexes = [
            # Place lookups by any of their names (PlaceQuerySet.named: name = X).
            models.Index(fields=["name"], name="events_placename_name"),
        ]

    def __str__(self):
        return f"{self.name} ({self.get_usage_display()})"

    def natural_key(self):
        return (*self.place.natural_key(), self.name, self.usage)

    natural_key.dependencies = ["events.place"]


class EventPlaceQuerySet(models.QuerySet):
    def best_per_event(self):
        """Each event's most precise placing only (exact before near before region before
        country, then the first made): the placings marked `best` (kept by triggers)."""
        return self.filter(best=True)

    def best_places(self, event_ids) -> dict[int, dict]:
        """Where each of these events happened, by its most precise placing: {event id: {name,
        latitude, longitude, precision, geo_precision (ACLED's 1-3)}}; an event without a place
        is absent. One query (the exports call it once per chunk of rows)."""
        return self.place_dicts(self.filter(event__id__in=event_ids).best_place_rows())

    def best_place_rows(self):
        """The best placings as the rows place_dicts() reads: (event id, name, latitude, longitude,
        precision). The exports add the ids to it (`event__id__in`) and keep its compiled SQL. In the
        order of the events' ids, not of their dates: no join with the events."""
        return (
            self.best_per_event()
            .order_by("event_id", "id")
            .values_list("event_id", "place__name", "place__latitude", "place__longitude", "precision")
        )

    @staticmethod
    def place_dicts(rows) -> dict[int, dict]:
        """best_places() of the rows of best_place_rows()."""
        return {
            event_id: {
                "name": name,
                "latitude": latitude,
                "longitude": longitude,
                "precision": precision,
                "geo_precision": EventPlace.ACLED[precision],
            }
            for event_id, name, latitude, longitude, precision in rows
        }

    def map_groups(self, events, *, limit: int) -> tuple[list[tuple], bool]:
        """The map's points: one row per place where the newest `limit` placed events of
        `events` happened (each at its most precise placing), in one aggregate query, as plain
        tuples: (place id, slug, name, latitude, longitude, events, fatalities (their sum, None
        when none is known), the latest recorded event's id, the lowest and highest escalation
        ids (equal: one escalation for them all), the best precision's rank, the latest event's
        title and date); and whether the cap was reached (then more placed events may match:
        the newest are read along the timeline index and the reading stops at `limit`, so a
        broad view costs what `limit` events cost, and no second query counts the rest).

        The newest placed events are read with their best placing (one probe of the partial
        index events_eventplace_best per event, index-only), then grouped by place; the SQL
        around the filtered events is written out because the ORM cannot group the rows of a
        sliced subquery."""
        placed = (
            events.alias(best_link=FilteredRelation("place_links", condition=Q(place_links__best=True)))
            .filter(best_link__best=True)
            .order_by("-date_from", "-id")
            .values(
                m_event=F("pk"),
                m_fatalities=F("fatalities"),
                m_escalation=F("escalation_id"),
                m_place=F("best_link__place_id"),
                m_rank=precision_rank("best_link__precision"),
            )[:limit]
        )
        sql, params = placed.query.sql_with_params()
        grouped = f"""
            SELECT g.place_id, p.slug, p.name, p.latitude, p.longitude, g.events, g.fatalities, g.latest,
                   g.escalation_low, g.escalation_high, g.rank, latest.title, latest.date_from
            FROM (
              SELECT m_place AS place_id, COUNT(*) AS events, SUM(m_fatalities) AS fatalities,
                     MAX(m_event) AS latest, MIN(m_escalation) AS escalation_low,
                     MAX(m_escalation) AS escalation_high, MIN(m_rank) AS rank
              FROM ({sql}) AS placed GROUP BY m_place
            ) AS g
            JOIN {Place._meta.db_table} p ON p.id = g.place_id
            JOIN {self.model._meta.get_field("event").related_model._meta.db_table} latest ON latest.id = g.latest
            ORDER BY g.place_id"""
        with connections[self.db].cursor() as cursor:
            cursor.execute(grouped, params)
            groups = [(*row[:12], _date(row[12])) for row in cursor.fetchall()]
        return groups, sum(group[5] for group in groups) >= limit


def _date(value) -> dt.date:
    """A date column read by a raw cursor (SQLite answers text, PostgreSQL a date)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


class EventPlace(CleanTextMixin, models.Model):
    """An event happened at a place, as precisely as a source (or a curator) says."""

    class Precision(models.TextChoices):
        EXACT = "exact", "exact (in the place)"
        NEAR = "near", "near the place"
        REGION = "region", "in the district or region"
        COUNTRY = "country", "in the country"

    #: ACLED's geo-precision: 1 the exact town, 2 near it or part of a region around it, 3 the
    #: larger region (a country is no finer than that).
    ACLED = {Precision.EXACT: 1, Precision.NEAR: 2, Precision.REGION: 3, Precision.COUNTRY: 3}

    # No index of its own: the unique (event, place, source) index serves the lookups by event,
    # and the partial index `events_eventplace_best` the map's (with a plain event index beside
    # it, SQLite's planner took that one and read each placing's row).
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="place_links", db_index=False)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="event_links")
    source = models.ForeignKey(
        "events.EventSource",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="place_links",
        help_text="The source that places the event here (empty: a curator's placing).",
    )
    precision = models.CharField(max_length=8, choices=Precision, default=Precision.EXACT)
    name_used = models.CharField(max_length=200, blank=True, help_text="The name the source gives the place.")
    best = models.BooleanField(
        default=False,
        editable=False,
        help_text="The event's most precise placing (exact before near before region before country, then the "
        "first made): one per placed event, kept by database triggers (events/triggers.py), never written by hand.",
    )

    objects = NaturalKeyManager.from_queryset(EventPlaceQuerySet)("event__slug", "place__slug", "source__ref")

    class Meta:
        ordering = ("event", "id")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "place", "source"],
                name="events_eventplace_unique_source",
                violation_error_message="this source already places the event here",
            ),
            models.UniqueConstraint(
                fields=["event", "place"],
                condition=Q(source__isnull=True),
                name="events_eventplace_unique_curated",
                violation_error_message="the event is already placed here",
            ),
        ]
        indexes = [
            # Events at a place and the places under it (the `place` filter): place_id IN (...).
            models.Index(fields=["place", "event"], name="events_eventplace_place"),
            # The map's aggregate and the exports' places (map_groups, best_places): each event's
            # best placing, read from the index alone (`best` in it too, else SQLite reads the row
            # to test it): event_id = X AND best.
            models.Index(
                fields=["event", "best", "place", "precision"], condition=Q(best=True), name="events_eventplace_best"
            ),
        ]

    def __str__(self):
        return f"{self.event_id} @ {self.place} ({self.precision})"

    def natural_key(self):
        """The event, the place and the source that places it there (None: a curator's placing)."""
        return (*self.event.natural_key(), *self.place.natural_key(), self.source.ref if self.source else None)

    natural_key.dependencies = ["events.event", "events.place", "events.eventsource"]

    @property
    def acled_geo_precision(self) -> int:
        return self.ACLED[self.precision]

    def clean(self):
        if self.source_id is not None and self.event_id is not None and self.source.event_id != self.event_id:
            raise ValidationError({"source": "this source supports another event"})


def precision_rank(field: str = "precision"):
    """A placing's precision (the column `field`) as its rank (0 exact ... 3 country), for ordering in SQL."""
    return Case(
        *(When(**{field: value}, then=Value(i)) for i, value in enumerate(EventPlace.Precision.values)),
        output_field=IntegerField(),
    )


def place_matcher() -> PlaceMatcher:
    """The extractor's matcher over the database's places (keys: ids as strings), in one query
    (a LEFT JOIN row per name, as the article page reads the actors)."""
    places: dict[int, tuple[str, str, bool, list[tuple[str, str, str]]]] = {}
    rows = Place.objects.values_list("pk", "name", "kind", "curated", "names__name", "names__language", "names__usage")
    for pk, name, kind, curated, other, language, usage in rows.order_by("pk"):
        entry = places.setdefault(pk, (name, kind, curated, []))
        if other:
            entry[3].append((other, language, usage))
    return PlaceMatcher.from_entries((str(pk), *entry) for pk, entry in places.items())
