"""The admin of statements, with the review queue's and "Recently deleted"'s URLs."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from events.admin.base import (
    TIMESTAMPS,
    MarkVerifiedMixin,
    VersionCheckedAdmin,
)
from events.admin.review import SpeakerForm, recently_deleted, review_queue
from events.highlight import quote_context
from events.ingest.text import show_controls
from events.models import (
    Statement,
)

# Statements and events


@admin.register(Statement)
class StatementAdmin(VersionCheckedAdmin, MarkVerifiedMixin, SimpleHistoryAdmin):
    list_display = ("speaker", "short_quote", "date_label", "cameo_code", "article_title", "review_status")
    list_display_links = ("short_quote",)
    list_filter = (
        "review_status",
        ("speaker", admin.EmptyFieldListFilter),  # empty: "speaker needed"
        "kind",
        "medium",
        "escalation",
        "said_on_precision",
        "article__outlet",
    )
    list_select_related = ("speaker", "cameo", "article")
    search_fields = ("quote", "summary", "ref", "speaker__name", "speaker__aliases__name")
    date_hierarchy = "said_on"
    autocomplete_fields = ("speaker", "targets", "cameo", "article", "escalation")
    readonly_fields = ("date_from", "date_to", *TIMESTAMPS)
    actions = ("mark_verified", "mark_rejected", "reassign_speaker")
    fieldsets = (
        (None, {"fields": ("speaker", "targets", "kind", "cameo", "summary", "review_status", "escalation")}),
        ("Where in the source", {"fields": ("article", ("start", "end"), "quote")}),
        (
            "How and when",
            {
                "fields": (
                    ("medium", "medium_detail"),
                    ("said_on", "said_on_precision", "date_phrase"),
                    ("reported_date", "reported_precision"),
                    ("date_from", "date_to"),
                )
            },
        ),
        ("Provenance", {"fields": ("ref", "notes", *TIMESTAMPS)}),
    )

    def get_queryset(self, request):
        # The article column shows its title only: leave its (possibly long) text behind.
        return super().get_queryset(request).defer("article__body", "article__caption")

    def get_readonly_fields(self, request, obj=None):
        # The provenance key is what re-imports match on: fixed once the row exists.
        return (*self.readonly_fields, "ref") if obj else self.readonly_fields

    @admin.display(description="quote", ordering="quote")
    def short_quote(self, obj):
        return Truncator(show_controls(obj.quote)).chars(80)

    @admin.display(description="date", ordering="date_from")
    def date_label(self, obj):
        return obj.date_label

    @admin.display(description="CAMEO", ordering="cameo")
    def cameo_code(self, obj):
        return obj.cameo_id

    @admin.display(description="article", ordering="article__title")
    def article_title(self, obj):
        return Truncator(str(obj.article)).chars(40)

    @admin.action(description="Reassign the speaker of selected statements…", permissions=["change"])
    def reassign_speaker(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return HttpResponseRedirect(
            f"{reverse('admin:events_statement_reassign')}?ids={ids}&next={reverse('admin:events_statement_changelist')}"
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("review/", view(self.review_queue_view), name="events_review_queue"),
            path("reassign/", view(self.reassign_view), name="events_statement_reassign"),
            path("deleted/", view(self.recently_deleted_view), name="events_recently_deleted"),
            *super().get_urls(),
        ]

    def review_queue_view(self, request):
        return review_queue(self.admin_site, request)

    def recently_deleted_view(self, request):
        return recently_deleted(self.admin_site, request)

    def reassign_view(self, request):
        """The intermediate form of "reassign the speaker": the statements, and an actor autocomplete."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else request.GET
        ids = [int(pk) for pk in data.get("ids", "").split(",") if pk.strip().isdigit()]
        statements = list(
            Statement.objects.filter(pk__in=ids).select_related("speaker", "article__outlet", "cameo").order_by("pk")
        )
        next_url = data.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
            next_url = reverse("admin:events_statement_changelist")
        form = SpeakerForm(request.POST if request.method == "POST" else None, admin_site=self.admin_site)
        if request.method == "POST" and form.is_valid() and statements:
            speaker = form.cleaned_data["speaker"]
            try:
                count = Statement.objects.filter(pk__in=[s.pk for s in statements]).reassign_speaker(speaker)
            except ValidationError as error:
                form.add_error("speaker", error)
            else:
                self.message_user(
                    request,
                    f"{count} statement{'s' if count != 1 else ''} now credited to {speaker.name}.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(next_url)
        context = {
            **self.admin_site.each_context(request),
            "title": "Reassign the speaker",
            "opts": self.model._meta,
            "form": form,
            "media": self.media + form.media,
            "rows": [
                (statement, quote_context(statement.article.body, statement.start, statement.end))
                for statement in statements
            ],
            "ids": ",".join(str(s.pk) for s in statements),
            "next_url": next_url,
        }
        return TemplateResponse(request, "admin/events/statement/reassign.html", context)
