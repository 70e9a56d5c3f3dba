"""Admin for the accounts of an event: reported figures, statement links, and the curators'
merge and split actions (the work is events/models/event_merge.py's)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from simple_history.admin import SimpleHistoryAdmin

from events.models import EventStatement, ReportedFigure, merge_events, split_source, survivor_of


@admin.action(description="Merge the two selected events (one incident)", permissions=["change", "delete"])
def merge_selected_events(modeladmin, request, queryset):
    events = list(queryset)
    if len(events) != 2:
        modeladmin.message_user(request, "Select exactly two events to merge.", messages.WARNING)
        return
    survivor = survivor_of(events)
    merged = next(e for e in events if e.pk != survivor.pk)
    try:
        merge_events(survivor, merged, reason=f"merged by {request.user}: event {merged.pk} into {survivor.pk}")
    except ValidationError as error:
        modeladmin.message_user(request, " ".join(error.messages), messages.ERROR)
        return
    modeladmin.message_user(request, f"Merged “{merged.title}” into “{survivor.title}”.", messages.SUCCESS)


@admin.action(description="Split the selected sources off into events of their own", permissions=["change"])
def split_off_sources(modeladmin, request, queryset):
    for source in queryset.select_related("event"):
        try:
            new = split_source(source, reason=f"split by {request.user}: source {source.ref}")
        except ValidationError as error:
            modeladmin.message_user(request, f"{source.ref}: {' '.join(error.messages)}", messages.ERROR)
            continue
        modeladmin.message_user(request, f"{source.ref} is now the source of event {new.pk}.", messages.SUCCESS)


@admin.register(ReportedFigure)
class ReportedFigureAdmin(SimpleHistoryAdmin):
    list_display = ("wording", "victims", "kind", "side", "low", "best", "high", "source")
    list_filter = ("kind",)
    list_select_related = ("side", "source")
    search_fields = ("wording", "victims", "source__ref")
    autocomplete_fields = ("side", "source")


@admin.register(EventStatement)
class EventStatementAdmin(SimpleHistoryAdmin):
    list_display = ("statement", "stance", "event", "review_status", "rule")
    list_filter = ("stance", "review_status")
    list_select_related = ("statement", "event")
    search_fields = ("statement__quote", "event__title")
    autocomplete_fields = ("statement", "event")
