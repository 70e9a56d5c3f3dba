"""The curators' admin: declarative ModelAdmins; actions call QuerySet methods.

Provenance (hashes, source refs, import times, derived date columns) is read-only.
Every column that shows a related row is covered by `list_select_related` or a
prefetch in `get_queryset()`, so a changelist runs a fixed number of queries.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, F, Prefetch
from django.utils.text import Truncator

from events.models import (
    Actor,
    ActorAlias,
    Article,
    CameoCode,
    Escalation,
    Event,
    EventParticipant,
    EventSource,
    Outlet,
    Statement,
)

TIMESTAMPS = ("created_at", "updated_at")
# A URL typed without a scheme is read as https:// (Django 6's default, opted into now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class MarkVerifiedMixin:
    """The "mark verified" action for models whose QuerySet has `mark_verified()`."""

    @admin.action(description="Mark selected %(verbose_name_plural)s as verified", permissions=["change"])
    def mark_verified(self, request, queryset):
        count = queryset.mark_verified()
        self.message_user(
            request,
            f"{count} {self.model._meta.verbose_name if count == 1 else self.model._meta.verbose_name_plural} "
            "marked as verified.",
            messages.SUCCESS,
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


# Inlines


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 1
    fields = ("name", "kind")


class StatementInline(admin.TabularInline):
    model = Statement
    extra = 0
    fields = (
        "ref",
        "speaker",
        "kind",
        "quote",
        "start",
        "end",
        "cameo",
        "said_on",
        "said_on_precision",
        "review_status",
    )
    autocomplete_fields = ("speaker", "cameo")
    show_change_link = True
    ordering = ("start", "id")
    formfield_overrides = {
        # The quote is usually one sentence: a short box keeps the inline table readable.
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker", "cameo")


class ArticleEventSourceInline(admin.TabularInline):
    """The events an article supports, with the span of its words that supports each."""

    model = EventSource
    extra = 0
    fields = ("ref", "event", "start", "end", "quote", "date_phrase", "reported_date", "reported_precision")
    autocomplete_fields = ("event",)
    show_change_link = True
    ordering = ("start", "id")
    verbose_name = "event source span"
    verbose_name_plural = "event source spans"
    formfield_overrides = StatementInline.formfield_overrides

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event")


class EventParticipantInline(admin.TabularInline):
    model = EventParticipant
    extra = 1
    fields = ("actor", "role")
    autocomplete_fields = ("actor",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class EventSourceInline(admin.StackedInline):
    model = EventSource
    extra = 0
    fields = (
        ("ref", "article"),
        ("start", "end"),
        "quote",
        ("date_phrase", "reported_date", "reported_precision"),
        "notes",
    )
    autocomplete_fields = ("article",)
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("article")


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

    @admin.display(description="dates")
    def date_label(self, obj):
        return obj.date_label

    @admin.display(description="events", ordering="event_count")
    def event_count(self, obj):
        return obj.event_count


# Sources


def _https_url_formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ArticleAdminForm(forms.ModelForm):
    """Article form: URLs must be http(s). The body's SHA-256 is derived by Article.save()."""

    class Meta:
        model = Article
        fields = "__all__"
        formfield_callback = _https_url_formfield


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    form = ArticleAdminForm
    list_display = (
        "__str__",
        "outlet",
        "republished_by",
        "published_label",
        "language",
        "statement_count",
        "imported_at",
    )
    list_display_links = ("__str__",)
    list_filter = ("outlet__kind", "outlet", ("published_on", admin.EmptyFieldListFilter), "language")
    list_select_related = ("outlet", "republished_by")
    search_fields = ("title", "source_ref", "file_name", "url", "outlet__name")
    date_hierarchy = "published_on"
    autocomplete_fields = ("outlet", "republished_by")
    readonly_fields = ("sha256", "imported_at", *TIMESTAMPS)
    inlines = (StatementInline, ArticleEventSourceInline)
    formfield_overrides = URL_FIELDS
    fieldsets = (
        (None, {"fields": ("title", "outlet", "republished_by", "url", "published_on", "language", "notes")}),
        ("Text", {"fields": ("caption", "body")}),
        ("Provenance", {"fields": ("source_ref", "file_name", "sha256", "imported_at", *TIMESTAMPS)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(statement_count=Count("statements"))

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None:
            # The provenance key identifies the imported file: fixed once the row exists.
            fields.append("source_ref")
            # Spans are offsets into the body, so the database refuses to change it then.
            if obj.statements.exists() or obj.event_sources.exists():
                fields.append("body")
        return fields

    @admin.display(description="published", ordering="published_on")
    def published_label(self, obj):
        return obj.published_on or "undated"

    @admin.display(description="statements", ordering="statement_count")
    def statement_count(self, obj):
        return obj.statement_count


# Actors


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "country", "role", "affiliation", "alias_names", "review_status")
    list_filter = ("kind", "review_status", "country")
    list_select_related = ("affiliation",)
    # Also what the actor autocomplete widgets search: "Azeri" finds Azerbaijan.
    search_fields = ("name", "slug", "role", "aliases__name")
    autocomplete_fields = ("affiliation",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = TIMESTAMPS
    inlines = (ActorAliasInline,)
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "country", "role", "affiliation", "description", "review_status")}),
        ("Record", {"fields": TIMESTAMPS, "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("aliases", queryset=ActorAlias.objects.order_by("name")))
        )

    @admin.display(description="aliases")
    def alias_names(self, obj):
        return ", ".join(alias.name for alias in obj.aliases.all())


@admin.register(ActorAlias)
class ActorAliasAdmin(admin.ModelAdmin):
    list_display = ("name", "actor", "kind")
    list_filter = ("kind",)
    list_select_related = ("actor",)
    search_fields = ("name", "actor__name")
    autocomplete_fields = ("actor",)


# Statements and events


@admin.register(Statement)
class StatementAdmin(MarkVerifiedMixin, admin.ModelAdmin):
    list_display = ("speaker", "short_quote", "date_label", "cameo_code", "article_title", "review_status")
    list_display_links = ("short_quote",)
    list_filter = ("review_status", "kind", "medium", "escalation", "said_on_precision", "article__outlet")
    list_select_related = ("speaker", "cameo", "article")
    search_fields = ("quote", "summary", "ref", "speaker__name", "speaker__aliases__name")
    date_hierarchy = "said_on"
    autocomplete_fields = ("speaker", "targets", "cameo", "article", "escalation")
    readonly_fields = ("date_from", "date_to", *TIMESTAMPS)
    actions = ("mark_verified",)
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
        return Truncator(obj.quote).chars(80)

    @admin.display(description="date", ordering="date_from")
    def date_label(self, obj):
        return obj.date_label

    @admin.display(description="CAMEO", ordering="cameo")
    def cameo_code(self, obj):
        return obj.cameo_id

    @admin.display(description="article", ordering="article__title")
    def article_title(self, obj):
        return Truncator(str(obj.article)).chars(40)


@admin.register(Event)
class EventAdmin(MarkVerifiedMixin, admin.ModelAdmin):
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
    inlines = (EventParticipantInline, EventSourceInline)
    actions = ("mark_verified",)
    fieldsets = (
        (None, {"fields": ("title", "event_type", "summary", "location", "escalation", "fatalities", "review_status")}),
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
class EventParticipantAdmin(admin.ModelAdmin):
    list_display = ("event", "actor", "role")
    list_filter = ("role",)
    list_select_related = ("event", "actor")
    search_fields = ("event__title", "actor__name", "actor__aliases__name")
    autocomplete_fields = ("event", "actor")


@admin.register(EventSource)
class EventSourceAdmin(admin.ModelAdmin):
    list_display = ("ref", "event", "article", "span", "short_quote", "reported_date_label")
    list_select_related = ("event", "article")
    list_filter = ("article__outlet",)
    search_fields = ("ref", "quote", "event__title", "article__title")
    autocomplete_fields = ("event", "article")

    def get_queryset(self, request):
        return super().get_queryset(request).defer("article__body", "article__caption")

    def get_readonly_fields(self, request, obj=None):
        return ("ref",) if obj else ()

    @admin.display(description="span")
    def span(self, obj):
        return f"{obj.start}–{obj.end}"

    @admin.display(description="quote")
    def short_quote(self, obj):
        return Truncator(obj.quote).chars(80)

    @admin.display(description="reported date")
    def reported_date_label(self, obj):
        return obj.reported_date_label
