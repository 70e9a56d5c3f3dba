"""The admin of the reference data: CAMEO codes, outlets, escalations."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count

from events.admin.base import (
    URL_FIELDS,
)
from events.models import (
    CameoCode,
    Escalation,
    Event,
    Outlet,
    Statement,
)

# Reference data


@admin.register(CameoCode)
class CameoCodeAdmin(admin.ModelAdmin):
    """The CAMEO codebook: loaded from fixtures/cameo.json, searched far more than edited."""

    list_display = ("code", "label", "root", "is_root")
    list_filter = ("root",)
    search_fields = ("code", "label")
    readonly_fields = ("root",)
    list_per_page = 100

    @admin.display(boolean=True, description="root code")
    def is_root(self, obj):
        return obj.is_root

    def get_readonly_fields(self, request, obj=None):
        # The code is the primary key and other rows point at it: fix it once created.
        return ("code", "root") if obj else ("root",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "article_count")
    list_filter = ("kind", "country")
    search_fields = ("name", "slug", "url")
    prepopulated_fields = {"slug": ("name",)}
    formfield_overrides = URL_FIELDS

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, obj):
        return obj.article_count


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("name", "date_label", "start_date", "end_date", "event_count")
    search_fields = ("name", "slug", "description")
    date_hierarchy = "start_date"
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(event_count=Count("events"))

    def save_model(self, request, obj, form, change):
        """New dates take in the records without an escalation that they now hold (by date)."""
        super().save_model(request, obj, form, change)
        if not change or {"start_date", "end_date"} & set(form.changed_data):
            moved = Statement.objects.assign_escalations([obj]) + Event.objects.assign_escalations([obj])
            if moved:
                self.message_user(request, f"{moved} record(s) without an escalation are now in {obj}, by their date.")

    @admin.display(description="dates")
    def date_label(self, obj):
        return obj.date_label

    @admin.display(description="events", ordering="event_count")
    def event_count(self, obj):
        return obj.event_count
