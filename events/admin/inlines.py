"""The inlines: aliases and tenures on an actor, statements and event sources on an article,
participants and sources on an event."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models

from events.admin.base import (
    KeepsVerifiedInlineFormSet,
    VersionedAdminForm,
    with_user,
)
from events.models import (
    ActorAlias,
    EventParticipant,
    EventSource,
    Statement,
    Tenure,
)

# Inlines


class ActorAliasInline(admin.TabularInline):
    model = ActorAlias
    extra = 1
    fields = ("name", "kind")


class TenureInline(admin.TabularInline):
    """The offices a person held, with their dates (from the knowledge base, or entered here)."""

    model = Tenure
    fk_name = "actor"
    extra = 0
    fields = ("title", "office", "organisation", "start", "end", "notes")
    autocomplete_fields = ("organisation",)
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 40})}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class StatementInline(admin.TabularInline):
    """An article's statements, editable in place: each row carries the version it was opened at,
    so saving a row someone changed since is refused like the statement's own change form."""

    model = Statement
    form = VersionedAdminForm
    extra = 0
    fields = (
        "opened_version",
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
    formset = KeepsVerifiedInlineFormSet
    autocomplete_fields = ("speaker", "cameo")
    show_change_link = True
    ordering = ("start", "id")
    formfield_overrides = {
        # The quote is usually one sentence: a short box keeps the inline table readable.
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
    }

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("speaker", "cameo")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = with_user(formset.form, request.user)
        formset.user = request.user
        return formset


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
