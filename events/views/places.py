"""The place page, the map page and the article page's place highlights (issue 17).

Their URLs are in events/urls.py.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from events.highlight import HighlightSpan
from events.models import Event, EventPlace, Place, PlaceName, place_matcher

PLACE_PAGE_EVENTS = 50


def place_detail(request, pk):
    place = get_object_or_404(Place.objects.select_related("parent"), pk=pk)
    within = Place.objects.filter(pk=place.pk).with_descendants()
    events = list(
        Event.objects.filter(pk__in=EventPlace.objects.filter(place__in=within).values("event"))
        .select_related("event_type", "escalation")
        .order_by("date_from", "id")[: PLACE_PAGE_EVENTS + 1]
    )
    context = {
        "place": place,
        "ancestors": place.ancestors(),
        "names": place.names.order_by("usage", "name"),
        "children": place.children.order_by("-curated", "name")[:200],
        "events": events[:PLACE_PAGE_EVENTS],
        "more_events": len(events) > PLACE_PAGE_EVENTS,
        "usage_by_outlet": _usage_by_outlet(place),
        "timeline_url": f"{reverse('events:timeline')}?{urlencode({'place': place.slug})}",
        "map_url": f"{reverse('events:map')}?{urlencode({'place': place.slug})}",
    }
    return render(request, "events/place.html", context)


def _usage_by_outlet(place: Place) -> list[tuple[str, str, str, int]]:
    """(outlet, name used, whose name it is, placings): which outlets call the place what."""
    usage = {name.casefold(): label for name, label in _usage_labels(place)}
    rows = (
        EventPlace.objects.filter(place=place, source__isnull=False)
        .values_list("source__article__outlet__name", "name_used")
        .annotate(n=Count("id"))
        .order_by("source__article__outlet__name", "name_used")
    )
    return [(outlet or "unknown outlet", name, usage.get(name.casefold(), ""), n) for outlet, name, n in rows]


def _usage_labels(place: Place):
    yield place.name, "canonical"
    for name in place.names.all():
        yield name.name, name.get_usage_display()


def map_page(request):
    """The map of the timeline's events: the filters are the timeline's query string, read by the
    map's script (static/js/map.js) from the page's URL and sent to /api/map/."""
    return render(request, "events/map.html", {"query_string": request.GET.urlencode()})


def place_spans(body: str) -> list[HighlightSpan]:
    """The article page's highlights of place mentions, each linked to its place page."""
    if not body:
        return []
    usages = dict(PlaceName.Usage.choices)
    return [
        HighlightSpan(
            start=mention.start,
            end=mention.end,
            anchor=f"place-{n}",
            css_class="span-place",
            title=f"Place: {mention.place} ({usages.get(mention.usage, mention.usage)} name"
            f"{', figurative' if mention.figurative else ''})",
            href=reverse("events:place", args=[int(mention.key)]),
        )
        for n, mention in enumerate(place_matcher().find(body), start=1)
    ]
