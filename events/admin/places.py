"""Admin for places (issue 17): places with their names inline, and the events' placings.

Imported by events/admin/__init__.py; EventPlaceInline by events/admin/events.py.
"""

from django.contrib import admin

from events.models import EventPlace, Place, PlaceName


class PlaceNameInline(admin.TabularInline):
    model = PlaceName
    extra = 0


class EventPlaceInline(admin.TabularInline):
    """The event's placings on its admin page (events/admin.py EventAdmin)."""

    model = EventPlace
    extra = 0
    autocomplete_fields = ("place",)
    raw_id_fields = ("source",)
    fields = ("place", "precision", "name_used", "source", "best")
    readonly_fields = ("best",)  # kept by the database's triggers (the most precise placing)


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "parent", "latitude", "longitude", "curated")
    list_filter = ("kind", "country", "curated")
    list_select_related = ("parent",)
    search_fields = ("name", "slug", "names__name")
    autocomplete_fields = ("parent",)
    inlines = (PlaceNameInline,)


@admin.register(EventPlace)
class EventPlaceAdmin(admin.ModelAdmin):
    list_display = ("event", "place", "precision", "best", "name_used", "source")
    list_filter = ("precision", "best")
    readonly_fields = ("best",)
    list_select_related = ("event", "place", "source__article")
    search_fields = ("event__title", "place__name", "name_used")
    autocomplete_fields = ("event", "place")
    raw_id_fields = ("source",)
