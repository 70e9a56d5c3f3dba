"""The curators' admin: declarative ModelAdmins; actions call QuerySet methods.

Provenance (hashes, source refs, import times, derived date columns) is read-only.
Every column that shows a related row is covered by `list_select_related` or a
prefetch in `get_queryset()`, so a changelist runs a fixed number of queries.

The workbench on top of the stock admin:
- the review queue (`admin:events_review_queue`): draft statements and events with their
  words in the context of the article, verified, rejected or given another speaker from
  the keyboard (static/js/review.js);
- "reassign the speaker" (an intermediate form with the actor autocomplete) and "merge
  actors" (a confirmation page), both calling model methods;
- the history of every change with revert (django-simple-history's SimpleHistoryAdmin);
- "Recently deleted" (`admin:events_recently_deleted`): deleted statements and events, who
  deleted them and when, restored with their children by events/recovery.py.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, F, Prefetch, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from events.highlight import quote_context
from events.ingest.text import show_controls
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
    ReviewStatus,
    Statement,
    Tenure,
    VersionConflict,
)
from events.place_admin import EventPlaceInline  # issue 17: registers the places too
from events.recovery import RESTORABLE, RestoreError, deleted, restore_deleted
from events.roles import DELETE_REFUSED, UNVERIFY_REFUSED, may_delete, may_leave_verification, rejectable

TIMESTAMPS = ("created_at", "updated_at")
# A URL typed without a scheme is read as https:// (Django 6's default, opted into now).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class VersionedAdminForm(forms.ModelForm):
    """A change form that remembers, in a hidden field, the version of the record it was opened at.

    Saving after someone else changed the record is refused with a form error naming who
    and when, and nothing is written (VersionedModel.check_version() locks the row for the
    rest of the admin's transaction, and save() is conditional on the version anyway).
    Without the field (a script posting the form) the save edits whatever is stored.
    """

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    #: Who is saving (set by `with_user()`): only an administrator takes a record out of verification.
    user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            # The stored row's version, not the instance's: a history revert form holds an old copy.
            stored = type(self.instance)._default_manager.filter(pk=self.instance.pk)
            self.fields["opened_version"].initial = stored.values_list("version", flat=True).first()

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            opened = cleaned_data.get("opened_version")
            try:
                self.instance.check_version(opened)
            except VersionConflict as conflict:
                if conflict.current is None and opened is None:
                    # The history's revert form of a deleted record (opened with no version to
                    # edit): saving it restores the record, an insert.
                    self.instance._state.adding = True
                else:
                    raise ValidationError(conflict.form_message, code="version_conflict") from None
        self._check_leaving_verification(cleaned_data)
        return cleaned_data

    def _check_leaving_verification(self, cleaned_data):
        """The status this save would store: taken from the form, or from the instance when the field
        is not in it (a history revert saves the old copy's status)."""
        if self.user is None or not hasattr(self.instance, "review_status"):
            return
        new_status = cleaned_data.get("review_status", self.instance.review_status)
        if not may_leave_verification(self.user, type(self.instance), self.instance.pk, new_status):
            self.add_error("review_status" if "review_status" in self.fields else None, UNVERIFY_REFUSED)


def with_user(form_class, user):
    """`form_class` knowing who saves it (VersionedAdminForm.user)."""
    return type(form_class.__name__, (form_class,), {"user": user})


class KeepsVerifiedInlineFormSet(forms.BaseInlineFormSet):
    """An inline of reviewed records: a row of a verified record is not deleted by a curator.

    The inline's own has_delete_permission() is asked about the parent only, so the rule is
    checked here, row by row, against the stored record (the row may change its status too)."""

    user = None

    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            stored = type(form.instance)._default_manager.filter(pk=form.instance.pk).first()
            if stored is not None and not may_delete(self.user, stored):
                raise ValidationError(f"{stored}: {DELETE_REFUSED}", code="verified")


class VersionCheckedAdmin:
    """Change forms of versioned records (Article, Actor, Statement, Event) carry their version."""

    form = VersionedAdminForm

    def get_fieldsets(self, request, obj=None):
        (name, options), *rest = super().get_fieldsets(request, obj)
        return [(name, {**options, "fields": (*options["fields"], "opened_version")}), *rest]


class MarkVerifiedMixin:
    """The "mark verified" and "reject" actions for models whose QuerySet has `mark_verified()`,
    and the rule that only an administrator deletes a verified record (events/roles.py).

    Django's delete view, the "delete selected" action and the cascade check all ask
    has_delete_permission() per object, so a curator is refused everywhere."""

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or may_delete(request.user, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The history's revert view builds its form here too.
        return with_user(super().get_form(request, obj, change=change, **kwargs), request.user)

    def _review_message(self, request, count, what):
        names = self.model._meta.verbose_name if count == 1 else self.model._meta.verbose_name_plural
        self.message_user(request, f"{count} {names} marked as {what}.", messages.SUCCESS)

    @admin.action(description="Mark selected %(verbose_name_plural)s as verified", permissions=["change"])
    def mark_verified(self, request, queryset):
        try:
            self._review_message(request, queryset.mark_verified(), "verified")
        except ValidationError as error:  # a statement with no speaker yet
            self.message_user(request, " ".join(error.messages), messages.ERROR)

    @admin.action(description="Reject selected %(verbose_name_plural)s", permissions=["change"])
    def mark_rejected(self, request, queryset):
        allowed = rejectable(request.user, queryset)
        kept = queryset.count() - allowed.count()
        self._review_message(request, allowed.mark_rejected(), "rejected")
        if kept:
            self.message_user(request, f"{kept} verified left as they are: {UNVERIFY_REFUSED}", messages.WARNING)


class SpeakerForm(forms.Form):
    """The actor a statement is credited to instead, found with the admin's actor autocomplete."""

    def __init__(self, *args, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"] = forms.ModelChoiceField(
            queryset=Actor.objects.all(),
            label="New speaker",
            widget=AutocompleteSelect(Statement._meta.get_field("speaker"), admin_site),
        )


# Drafts shown per kind on one screen of the review queue (oldest first; the rest follows).
QUEUE_SIZE = 50
REVIEW_ACTIONS = {"verify": "mark_verified", "reject": "mark_rejected"}


def review_queue(admin_site, request):
    """Draft statements and events, each in the context of its article, to verify, reject or re-credit.

    POST `do` = "<verify|reject|reassign>:<statement|event>:<id>" acts on one row, or
    "<action>:selected" on the ticked rows (`selected` = "statement:12", ...). The page
    comes back with the keyboard focus on the row that followed (static/js/review.js).
    """
    models_by_kind = {"statement": Statement, "event": Event}
    if request.method == "POST":
        action, _, target = request.POST.get("do", "").partition(":")
        targets = request.POST.getlist("selected") if target == "selected" else [target]
        chosen: dict[str, list[int]] = {"statement": [], "event": []}
        for item in targets:
            kind, _, pk = item.partition(":")
            if kind in chosen and pk.isdigit():
                chosen[kind].append(int(pk))
        queue_url = reverse("admin:events_review_queue")
        focus = request.POST.get("position", "")
        back = f"{queue_url}?focus={focus}" if focus.isdigit() else queue_url
        if action == "assign":
            # "assign:statement:<id>:<actor id>": a "speaker needed" draft credited to one of its candidates.
            _assign_speaker(admin_site, request, target)
            return HttpResponseRedirect(back)
        if action == "reassign" and chosen["statement"]:
            ids = ",".join(map(str, chosen["statement"]))
            return HttpResponseRedirect(f"{reverse('admin:events_statement_reassign')}?ids={ids}&next={queue_url}")
        if action in REVIEW_ACTIONS:
            for kind, ids in chosen.items():
                if not ids:
                    continue
                model = models_by_kind[kind]
                if not admin_site._registry[model].has_change_permission(request):
                    raise PermissionDenied
                try:
                    count = getattr(
                        model.objects.filter(pk__in=ids, review_status=ReviewStatus.DRAFT), REVIEW_ACTIONS[action]
                    )()
                except ValidationError as error:  # a statement with no speaker yet cannot be verified
                    messages.error(request, " ".join(error.messages))
                    continue
                names = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
                past = "verified" if action == "verify" else "rejected"
                messages.success(request, f"{count} {names} {past}.")
        else:
            messages.warning(request, "Nothing was selected.")
        return HttpResponseRedirect(back)

    if not admin_site._registry[Statement].has_view_permission(request):
        raise PermissionDenied
    drafts = Statement.objects.filter(review_status=ReviewStatus.DRAFT)
    statements = list(
        drafts.select_related("speaker", "article__outlet", "cameo").order_by("article_id", "start", "id")[:QUEUE_SIZE]
    )
    draft_events = Event.objects.filter(review_status=ReviewStatus.DRAFT)
    events = list(draft_events.for_timeline().order_by("date_from", "id")[:QUEUE_SIZE])
    _attach_candidates(statements)
    rows = [("statement", s, quote_context(s.article.body, s.start, s.end)) for s in statements]
    for event in events:
        source = next(iter(event.sources.all()), None)
        rows.append(("event", event, quote_context(source.article.body, source.start, source.end) if source else None))
    context = {
        **admin_site.each_context(request),
        "title": "Review queue",
        "opts": Statement._meta,
        "rows": rows,
        **drafts.aggregate(statement_drafts=Count("id"), speaker_needed=Count("id", filter=Q(speaker__isnull=True))),
        "event_drafts": draft_events.count(),
        "queue_size": QUEUE_SIZE,
    }
    return TemplateResponse(request, "admin/events/review_queue.html", context)


def _attach_candidates(statements: list[Statement]) -> None:
    """Give each "speaker needed" draft its `candidates`: (actor or None, name) of the actors its
    article names, nearest first (Statement.speaker_candidates), the stored ones read in one query."""
    waiting = [s for s in statements if s.needs_speaker]
    slugs = {c["slug"] for s in waiting for c in s.speaker_candidates if c.get("slug")}
    actors = Actor.objects.in_bulk(slugs, field_name="slug") if slugs else {}
    for statement in waiting:
        statement.candidates = [(actors.get(c.get("slug")), c.get("name", "")) for c in statement.speaker_candidates]


def _assign_speaker(admin_site, request, target: str) -> None:
    """Credit a statement to an actor from the review queue (StatementQuerySet.reassign_speaker)."""
    kind, _, rest = target.partition(":")
    pk, _, actor_pk = rest.partition(":")
    if not admin_site._registry[Statement].has_change_permission(request):
        raise PermissionDenied
    statement = Statement.objects.filter(pk=pk).first() if kind == "statement" and pk.isdigit() else None
    actor = Actor.objects.filter(pk=actor_pk).first() if actor_pk.isdigit() else None
    if statement is None or actor is None:
        messages.error(request, "Choose a statement and an actor to credit it to.")
        return
    try:
        Statement.objects.filter(pk=statement.pk).reassign_speaker(actor)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The statement is now credited to {actor.name}: review it as any draft.")


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


# Deletions listed per kind on the "Recently deleted" page (newest first).
DELETED_SHOWN = 100


def recently_deleted(admin_site, request):
    """Deleted statements and events (who deleted them, when), each with a Restore button.

    For curators and administrators: a kind is listed to whoever may add records of it.
    POST `restore` = "<statement|event>:<id>" calls events.recovery.restore_deleted().
    """
    kinds = {
        name: model
        for name, model in RESTORABLE.items()
        if admin_site._registry[model].has_add_permission(request)
    }
    if not kinds:
        raise PermissionDenied
    if request.method == "POST":
        kind, _, pk = request.POST.get("restore", "").partition(":")
        if kind not in kinds or not pk.isdigit():
            messages.error(request, "Choose a deleted statement or event to restore.")
        else:
            try:
                result = restore_deleted(kinds[kind], int(pk), user=request.user)
            except RestoreError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, result.describe())
        return HttpResponseRedirect(reverse("admin:events_recently_deleted"))
    sections = [
        (model._meta.verbose_name_plural, name, list(deleted(model)[:DELETED_SHOWN])) for name, model in kinds.items()
    ]
    context = {
        **admin_site.each_context(request),
        "title": "Recently deleted",
        "opts": Statement._meta,
        "sections": sections,
    }
    return TemplateResponse(request, "admin/events/recently_deleted.html", context)


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
    actions = ("mark_verified", "mark_rejected")
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
class EventParticipantAdmin(SimpleHistoryAdmin):
    list_display = ("event", "actor", "role")
    list_filter = ("role",)
    list_select_related = ("event", "actor")
    search_fields = ("event__title", "actor__name", "actor__aliases__name")
    autocomplete_fields = ("event", "actor")


@admin.register(EventSource)
class EventSourceAdmin(SimpleHistoryAdmin):
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
        return Truncator(show_controls(obj.quote)).chars(80)

    @admin.display(description="reported date")
    def reported_date_label(self, obj):
        return obj.reported_date_label
