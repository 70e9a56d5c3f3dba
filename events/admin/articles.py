"""The admin of articles: their text is read-only provenance, their statements and sources inline."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import Count

from events.admin.base import (
    TIMESTAMPS,
    URL_FIELDS,
    VersionCheckedAdmin,
    VersionedAdminForm,
)
from events.admin.inlines import (
    ArticleEventSourceInline,
    StatementInline,
)
from events.models import (
    Article,
)

# Sources


def _https_url_formfield(db_field, **kwargs):
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class ArticleAdminForm(VersionedAdminForm):
    """Article form: URLs must be http(s). The body's SHA-256 is derived by Article.save()."""

    class Meta:
        model = Article
        fields = "__all__"
        formfield_callback = _https_url_formfield


@admin.register(Article)
class ArticleAdmin(VersionCheckedAdmin, admin.ModelAdmin):
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
    readonly_fields = ("sha256", "imported_at", "drafted_at", *TIMESTAMPS)
    inlines = (StatementInline, ArticleEventSourceInline)
    formfield_overrides = URL_FIELDS
    fieldsets = (
        (None, {"fields": ("title", "outlet", "republished_by", "url", "published_on", "language", "notes")}),
        ("Text", {"fields": ("caption", "body")}),
        ("Provenance", {"fields": ("source_ref", "file_name", "sha256", "imported_at", "drafted_at", *TIMESTAMPS)}),
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
