"""The admin of events, their participants and sources."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import F, Prefetch
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from events.admin.accounts import merge_selected_events, split_off_sources
from events.admin.base import (
    TIMESTAMPS,
    MarkVerifiedMixin,
    VersionCheckedAdmin,
)
from events.admin.inlines import (
    EventParticipantInline,
    EventSourceInline,
)
from events.admin.places import EventPlaceInline  # issue 17: where the event happened
from events.admin.span import SpanInContextMixin  # the span in its sentences on the change pages
from events.ingest.text import show_controls
from events.models import (
    CameoCode,
    Event,
    EventParticipant,
    EventSource,
)


class EventFamilyFilter(admin.SimpleListFilter):
    """Events by CAMEO root ("19 Fight"), listing only the families in use."""

    title = "event type family"
    parameter_name = "family"

    def lookups(self, request, model_admin):
        used = Event.objects.values("event_type__root")
        return CameoCode.objects.filter(code=F("root"), code__in=used).values_list("code", "label")

    def queryset(self, request, queryset):
        return queryset.filter(event_type__root=self.value()) if self.value() else queryset


@admin.register(Event)
class EventAdmin(VersionCheckedAdmin, MarkVerifiedMixin, SimpleHistoryAdmin):
    list_display = (
        "title",
        "date_label",
        "event_type",
        "escalation",
        "actors_with_roles",
        "fatalities",
        "review_status",
    )
    list_filter = ("review_status", "escalation", EventFamilyFilter, "start_precision", "ongoing")
    list_select_related = ("event_type", "escalation")
    search_fields = ("title", "summary", "slug", "location", "participants__actor__name")
    date_hierarchy = "start_date"
    autocomplete_fields = ("event_type", "escalation")
    readonly_fields = ("date_from", "date_to", *TIMESTAMPS)
    inlines = (EventParticipantInline, EventSourceInline, EventPlaceInline)
    actions = ("mark_verified", "mark_rejected", merge_selected_events)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "event_type",
                    "summary",
                    "location",
                    "escalation",
                    ("fatalities_low", "fatalities", "fatalities_high"),
                    "review_status",
                )
            },
        ),
        (
            "Dates",
            {
                "fields": (
                    ("start_date", "start_precision"),
                    ("end_date", "end_precision", "ongoing"),
                    ("date_from", "date_to"),
                )
            },
        ),
        ("Provenance", {"fields": ("slug", "notes", *TIMESTAMPS)}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "participants",
                    queryset=EventParticipant.objects.select_related("actor").order_by("role", "actor__name"),
                )
            )
        )

    def get_readonly_fields(self, request, obj=None):
        return (*self.readonly_fields, "slug") if obj else self.readonly_fields

    @admin.display(description="dates", ordering="date_from")
    def date_label(self, obj):
        return obj.date_label

    @admin.display(description="actors")
    def actors_with_roles(self, obj):
        return ", ".join(f"{p.actor.name} ({p.role})" for p in obj.participants.all())


@admin.register(EventParticipant)
class EventParticipantAdmin(SimpleHistoryAdmin):
    list_display = ("event", "actor", "role")
    list_filter = ("role",)
    list_select_related = ("event", "actor")
    search_fields = ("event__title", "actor__name", "actor__aliases__name")
    autocomplete_fields = ("event", "actor")


@admin.register(EventSource)
class EventSourceAdmin(SpanInContextMixin, SimpleHistoryAdmin):
    list_display = ("ref", "event", "article", "span", "short_quote", "reported_date_label")
    list_select_related = ("event", "article")
    list_filter = ("article__outlet",)
    search_fields = ("ref", "quote", "event__title", "article__title")
    autocomplete_fields = ("event", "article", "reported_by")
    actions = (split_off_sources,)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("article__body", "article__caption")

    def get_readonly_fields(self, request, obj=None):
        return ("ref", "span_in_context") if obj else ()

    @admin.display(description="span")
    def span(self, obj):
        return f"{obj.start}–{obj.end}"

    @admin.display(description="quote")
    def short_quote(self, obj):
        return Truncator(show_controls(obj.quote)).chars(80)

    @admin.display(description="reported date")
    def reported_date_label(self, obj):
        return obj.reported_date_label
