"""The admin of actors (merge, aliases and tenures inline), aliases and tenures."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from events.admin.base import (
    TIMESTAMPS,
    VersionCheckedAdmin,
)
from events.admin.inlines import (
    ActorAliasInline,
    TenureInline,
)
from events.models import (
    Actor,
    ActorAlias,
    Tenure,
)

# Actors


@admin.register(Actor)
class ActorAdmin(VersionCheckedAdmin, SimpleHistoryAdmin):
    list_display = ("name", "kind", "country", "role", "affiliation", "alias_names", "review_status")
    list_filter = ("kind", "review_status", "country")
    list_select_related = ("affiliation",)
    # Also what the actor autocomplete widgets search: "Azeri" finds Azerbaijan.
    search_fields = ("name", "slug", "role", "aliases__name")
    autocomplete_fields = ("affiliation",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = TIMESTAMPS
    inlines = (ActorAliasInline, TenureInline)
    actions = ("merge_actors",)
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

    @admin.action(description="Merge selected actors…", permissions=["change", "delete"])
    def merge_actors(self, request, queryset):
        """A confirmation page choosing the actor to keep, then ActorQuerySet.merge_into()."""
        actors = list(
            queryset.select_related("affiliation")
            .annotate(
                statement_count=Count("statements", distinct=True),
                target_count=Count("targeted_by_statements", distinct=True),
                participation_count=Count("participations", distinct=True),
                alias_count=Count("aliases", distinct=True),
                member_count=Count("members", distinct=True),
            )
            .order_by("-statement_count", "name")
        )
        if len(actors) < 2:
            self.message_user(request, "Select at least two actors to merge.", messages.WARNING)
            return None
        chosen = next((a for a in actors if str(a.pk) == request.POST.get("survivor")), None)
        if chosen is not None and request.POST.get("confirm") == "yes":
            try:
                result = queryset.merge_into(chosen)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
                return None
            self.message_user(
                request,
                f"Merged {', '.join(result.merged)} into {chosen.name}: {result.statements} statements, "
                f"{result.targets} statement targets, {result.participations} event participations, "
                f"{result.aliases} aliases and {result.members} affiliated actors moved.",
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:events_actor_change", args=[chosen.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge actors",
            "opts": self.model._meta,
            "actors": actors,
            "survivor": chosen or actors[0],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/events/actor/merge.html", context)


@admin.register(ActorAlias)
class ActorAliasAdmin(SimpleHistoryAdmin):
    list_display = ("name", "actor", "kind")
    list_filter = ("kind",)
    list_select_related = ("actor",)
    search_fields = ("name", "actor__name")
    autocomplete_fields = ("actor",)


@admin.register(Tenure)
class TenureAdmin(SimpleHistoryAdmin):
    list_display = ("actor", "title", "organisation", "start", "end")
    list_filter = ("office",)
    list_select_related = ("actor", "organisation")
    search_fields = ("title", "office", "actor__name", "actor__aliases__name", "organisation__name")
    autocomplete_fields = ("actor", "organisation")
    date_hierarchy = "start"
