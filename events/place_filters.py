"""Filters by place (issue 17): `place` and `bbox` on EventFilter (events/filters.py); the places API's
PlaceFilter is in events/api/places.py. This module does not import events/filters.py (which imports it).

Same conventions as events/filters.py: a value that cannot be understood, or a place that does
not exist, is an error (400 in the API, a message on the pages), never a silent empty list.
"""

from __future__ import annotations

import math

import django_filters
from django import forms
from django.db import connections
from django.db.models import F, Func, IntegerField
from django_filters.constants import EMPTY_VALUES

from events.models import EventPlace, Place


class PlaceReferenceField(forms.CharField):
    """A place by id, slug, canonical name or any other name (case-insensitive); cleans to a Place.

    "Khankendi" and "Stepanakert" are one place. A name two places share (two villages named
    Vardenis) is an error that asks for the slug, unless only one of them is a curated place.
    """

    def clean(self, value):
        value = super().clean(value)
        if value in EMPTY_VALUES:
            return None
        found = list(Place.objects.named(value.strip()).only("id", "slug", "name", "curated")[:20])
        if len(found) > 1:
            found = [p for p in found if p.curated] if sum(p.curated for p in found) == 1 else found
        if not found:
            raise forms.ValidationError(
                "No place has the id, slug or name %(value)r.", code="invalid_choice", params={"value": value}
            )
        if len(found) > 1:
            raise forms.ValidationError(
                "%(value)r names %(n)d places (%(slugs)s): give the slug.",
                code="ambiguous",
                params={"value": value, "n": len(found), "slugs": ", ".join(p.slug for p in found)},
            )
        return found[0]


class PlaceReferenceFilter(django_filters.CharFilter):
    """Events placed at this place or at any place under it (a district finds its villages)."""

    field_class = PlaceReferenceField

    def filter(self, qs, value):
        if value is None:
            return qs
        within = Place.objects.filter(pk=value.pk).with_descendants()
        return qs.filter(pk__in=EventPlace.objects.filter(place__in=within).values("event"))


class BBoxField(forms.CharField):
    """west,south,east,north in degrees (longitude, latitude, longitude, latitude), as GeoJSON orders a bbox."""

    def clean(self, value):
        value = super().clean(value)
        if value in EMPTY_VALUES:
            return None
        try:
            west, south, east, north = (float(part) for part in value.split(","))
        except ValueError:
            raise forms.ValidationError(
                "Enter west,south,east,north in degrees, e.g. 45.5,39.0,47.5,40.5.", code="invalid"
            ) from None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise forms.ValidationError("The bbox's numbers must be finite.", code="invalid")
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise forms.ValidationError(
                "The bbox must have west <= east within -180..180 and south <= north within -90..90.", code="invalid"
            )
        return (west, south, east, north)


class BBoxFilter(django_filters.CharFilter):
    """Events with a placing at a point inside the box (any of their placings, not only the best).

    One subquery, as the place filter's: the places in the box first (a scan of the places
    table), then their placings read through the `events_eventplace_place` (place, event) index,
    never each placing's place. On SQLite the event's id is compared as `+id`: SQLite cannot
    estimate how many events a box holds, and given `id IN (...)` it drove every query from that
    list (each event in the box read and sorted: tens of thousands in a broad box) instead of
    reading the timeline's index in order and stopping at the page or the map's cap. PostgreSQL
    plans it by its statistics either way (bench/RESULTS.md, "issue 17, third pass, 7 December
    evening")."""

    field_class = BBoxField

    def filter(self, qs, value):
        if value is None:
            return qs
        west, south, east, north = value
        boxed = Place.objects.filter(longitude__range=(west, east), latitude__range=(south, north))
        inside = EventPlace.objects.filter(place__in=boxed.values("pk")).values("event")
        if connections[qs.db].vendor != "sqlite":
            return qs.filter(pk__in=inside)
        return qs.alias(bbox_event=Func(F("pk"), template="+%(expressions)s", output_field=IntegerField())).filter(
            bbox_event__in=inside
        )


def event_place_filters() -> tuple[PlaceReferenceFilter, BBoxFilter]:
    """EventFilter's `place` and `bbox`."""
    return (
        PlaceReferenceFilter(
            help_text="Place, by id, slug or any of its names (case-insensitive: Khankendi and Stepanakert "
            "are one place): events at it or at any place under it. An unknown place, or a name several "
            "places share, is an error (400)."
        ),
        BBoxFilter(
            help_text="west,south,east,north in degrees: events placed inside the box. A malformed or "
            "inverted box is an error (400)."
        ),
    )
