"""django-filter FilterSets shared by the REST API and the HTML pages.

The API reaches them through DjangoFilterBackend (`filterset_class` on each viewset);
a page calls `EventFilter(request.GET, queryset=Event.objects.for_timeline())` and
reads `.qs`, or `.errors` when the form is invalid. Neither depends on the other.

Conventions, the same for every FilterSet (and stated in each filter's help_text,
which becomes the parameter's description in the OpenAPI schema):

- A value that cannot be understood is an error, never a silent empty list: a bad date,
  an unknown choice (review status, kind, medium, country) or a non-numeric id makes
  the form invalid, which the API answers with HTTP 400 naming the parameter.
- A reference to something that does not exist (an unknown actor, escalation, outlet
  or article, a CAMEO prefix no code starts with) is an error too (HTTP 400), for the
  same reason: a typo in a slug should not look like "nothing happened".
- Dates are ISO 8601 (YYYY-MM-DD). A date range keeps the records whose period
  overlaps it, using the stored date_from/date_to columns, so "August 2022" (month
  precision) is kept by date_from=2022-08-15.
- `q` is a full-text search (events/search.py: stemmed words, "quoted phrases", `or`,
  `-word`), the same on PostgreSQL and SQLite, on events, statements and articles; a
  text with no word to search for (only stop words or punctuation) is an error (400).
  Elsewhere (actors, outlets, escalations, CAMEO codes) `q` is a case-insensitive substring.
- An event's participants have roles; a statement's speaker counts as its initiator and
  its targets as its targets (CAMEO's source and target actors), so `actor`,
  `actor_role` and `country` mean the same on both and on the timeline.
"""

from __future__ import annotations

import copy

import django_filters
from django.db.models import F, Q, QuerySet
from django_countries import countries
from django_filters.constants import EMPTY_VALUES
from django_filters.filters import FilterMethod

from events.filter_fields import (
    ActorReferenceField,
    CameoPrefixField,
    RangeCheckForm,
    RecordReferenceField,
    SearchTextField,
    StrictBooleanField,
    UppercaseChoiceField,
)
from events.models import (
    Actor,
    Article,
    CameoCode,
    Escalation,
    Event,
    EventParticipant,
    EventSource,
    EventStatement,
    Outlet,
    ReviewStatus,
    Statement,
    statements_about,
)
from events.place_filters import event_place_filters
from events.visibility import ReviewStatusFilter


class IsoDateFilter(django_filters.DateFilter):
    """A date filter that takes ISO dates only and says so when it gets anything else."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("input_formats", ["%Y-%m-%d"])
        kwargs.setdefault("error_messages", {"invalid": "Enter a valid date in ISO format, YYYY-MM-DD."})
        super().__init__(*args, **kwargs)


def _filter_multi_valued(queryset: QuerySet, condition: Q) -> QuerySet:
    """Filter across a to-many relation without duplicating rows and without DISTINCT.

    `pk IN (SELECT pk ... WHERE condition)` keeps each row once and leaves the
    queryset's select_related/prefetch_related and ordering untouched.
    """
    matching = queryset.model._default_manager.filter(condition).values("pk")
    return queryset.filter(pk__in=matching)


# Form fields -------------------------------------------------------------------------


# Filters -----------------------------------------------------------------------------


class AnyFieldFilter(django_filters.CharFilter):
    """Keeps rows where any of `field_names` matches `lookup_expr` (an OR over the fields).

    Set `multi_valued` when a field crosses a to-many relation (aliases__name), so a
    row matching twice is returned once.
    """

    def __init__(self, *, field_names: tuple[str, ...], lookup_expr: str = "icontains", multi_valued=False, **kwargs):
        self.field_names = tuple(field_names)
        self.multi_valued = multi_valued
        super().__init__(field_name=self.field_names[0], lookup_expr=lookup_expr, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        condition = Q()
        for name in self.field_names:
            condition |= Q(**{f"{name}__{self.lookup_expr}": value})
        return _filter_multi_valued(qs, condition) if self.multi_valued else qs.filter(condition)


class ActorReferenceFilter(django_filters.CharFilter):
    """Keeps rows whose `field_name` (an actor relation) is the given actor.

    `field_name` may cross a to-many relation (participants__actor, targets); the
    match is then done in a subquery so each row comes back once.
    """

    field_class = ActorReferenceField

    def __init__(self, *, multi_valued=False, **kwargs):
        self.multi_valued = multi_valued
        super().__init__(lookup_expr="in", **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        condition = Q(**{f"{self.field_name}__{self.lookup_expr}": value})
        return _filter_multi_valued(qs, condition) if self.multi_valued else qs.filter(condition)


class SearchFilter(django_filters.CharFilter):
    """Full-text search through the model's QuerySet.search() (events/search.py)."""

    field_class = SearchTextField

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.search(value)


class DocumentedTypeMixin:
    """Tells drf-spectacular the parameter's type, so it needs no model field to guess it
    (the timeline's filters are documented over Event), and keeps the help text."""

    schema_type = "string"

    @property
    def _spectacular_annotation(self):
        return {"field": {"type": self.schema_type, "description": self.extra.get("help_text", "")}}


class SlugChoiceFilter(DocumentedTypeMixin, django_filters.ModelChoiceFilter):
    """A record given by its slug (looked up by a compiled query: RecordReferenceField)."""

    field_class = RecordReferenceField


class IdChoiceFilter(DocumentedTypeMixin, django_filters.ModelChoiceFilter):
    """A record given by its id."""

    schema_type = "integer"


class CameoPrefixFilter(django_filters.CharFilter):
    """Keeps rows whose CAMEO code (`field_name`, a CameoCode relation) starts with the value.

    A two-digit value is a whole family ("02", every appeal) and uses the stored root
    column; a longer one is a LIKE prefix on the code.
    """

    field_class = CameoPrefixField

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        if len(value) == 2:
            return qs.filter(**{f"{self.field_name}__root": value})
        return qs.filter(**{f"{self.field_name}__code__startswith": value})


class CodePrefixFilter(django_filters.CharFilter):
    """A prefix of the CAMEO code column itself (the cameo-code list), validated like CameoPrefixFilter."""

    field_class = CameoPrefixField


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class CountryFilter(DocumentedTypeMixin, django_filters.ChoiceFilter):
    """An ISO 3166 alpha-2 country code, either case (AM or am)."""

    field_class = UppercaseChoiceField

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", lambda: list(countries))
        super().__init__(**kwargs)


def _escalation_filter(field_name: str = "escalation") -> SlugChoiceFilter:
    return SlugChoiceFilter(
        field_name=field_name,
        to_field_name="slug",
        queryset=Escalation.objects.all(),
        help_text="Escalation slug, e.g. 2023-offensive. An unknown slug is an error (400).",
        error_messages={"invalid_choice": "No escalation has the slug %(value)r."},
    )


def _review_status_filter() -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        field_name="review_status",
        choices=ReviewStatus.choices,
        help_text="draft, verified or rejected. Any other value is an error (400).",
    )


def _overlap_filters(noun: str) -> tuple[IsoDateFilter, IsoDateFilter]:
    """date_from/date_to: the stored period [date_from, date_to] overlaps the range."""
    return (
        IsoDateFilter(
            field_name="date_to",
            lookup_expr="gte",
            help_text=f"ISO date. Keeps {noun} whose period (at its precision) ends on or after this day.",
        ),
        IsoDateFilter(
            field_name="date_from",
            lookup_expr="lte",
            help_text=f"ISO date. Keeps {noun} whose period (at its precision) starts on or before this day.",
        ),
    )


# FilterSets --------------------------------------------------------------------------


class _SharedFilters(dict):
    """A FilterSet class's filters, copied shallowly for each FilterSet (django-filter deep-copies
    all of them, with their choices and querysets, for every request: a fifth of a small API
    list's CPU). What a filter keeps per FilterSet is set on its own copy: `model` and `parent`
    (FilterSet.__init__), and the FilterMethod of a `method` filter, bound here to the copy so
    it calls its own FilterSet's method. The rest (`extra`, the lookup, the choices) is only read."""

    def __deepcopy__(self, memo):
        return {name: _own_copy(filter_) for name, filter_ in self.items()}


def _own_copy(filter_: django_filters.Filter) -> django_filters.Filter:
    copied = copy.copy(filter_)
    if isinstance(filter_.__dict__.get("filter"), FilterMethod):
        copied.filter = FilterMethod(copied)
    return copied


class _SharedFields(dict):
    """A filter form class's fields, the same objects for every form (Django deep-copies a form's
    fields, widgets and choices for each instance so that one form may change its own: these
    forms change none, they only validate the query string)."""

    def __deepcopy__(self, memo):
        return dict(self)


class BaseFilterSet(django_filters.FilterSet):
    class Meta:
        form = RangeCheckForm

    def __init__(self, *args, **kwargs):
        cls = type(self)
        if not isinstance(cls.__dict__.get("base_filters"), _SharedFilters):
            cls.base_filters = _SharedFilters(cls.base_filters)
        super().__init__(*args, **kwargs)

    def get_form_class(self):
        # Built once per FilterSet class: django-filter builds the form class (a form field and
        # its label per filter) for every request, a fifth of a small API list's time. The fields
        # come from the filters' declarations alone, never from the request or the data.
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = _SharedFields(form_class.base_fields)
            type(self)._form_class = form_class
        return form_class


# Participants: an event's actors with their roles; a statement's speaker (initiator) and targets.

_ROLE_HELP = (
    "initiator, target, mediator or participant: narrows `actor` and `country` to actors in this role "
    "(alone: records with any actor in it). A statement's speaker is its initiator and its targets "
    "its targets. Any other value is an error (400)."
)


def _participant_filters(noun: str, involved: str):
    """actor, actor_role and country: read together by ParticipantFilterSet.filter_participant."""
    return (
        ActorReferenceFilter(
            method="filter_participant",
            help_text=f"Actor, by id, slug or canonical name (case-insensitive): {noun} {involved}. "
            "An unknown actor is an error (400).",
        ),
        django_filters.ChoiceFilter(
            choices=EventParticipant.Role.choices, method="filter_participant", help_text=_ROLE_HELP
        ),
        CountryFilter(
            method="filter_participant",
            help_text=f"ISO 3166 alpha-2 code, either case: {noun} {involved.replace('this actor', 'an actor')} "
            "from this country.",
        ),
    )


class ParticipantFilterSet(BaseFilterSet):
    """`actor`, `actor_role` and `country` narrow one another: actor=X&actor_role=target is X as a target."""

    def filter_participant(self, queryset, name, value):
        cleaned = self.form.cleaned_data
        role = cleaned.get("actor_role")
        if name == "actor_role":
            if cleaned.get("actor") or cleaned.get("country"):
                return queryset  # the role narrows those filters instead
            return self.with_participant(queryset, role=value)
        if name == "actor":
            return self.with_participant(queryset, actors=value, role=role)
        return self.with_participant(queryset, country=value, role=role)

    @staticmethod
    def with_participant(queryset, *, actors=None, country=None, role=None):
        raise NotImplementedError


def _events_with_participant(queryset, *, actors=None, country=None, role=None):
    """Events with one participant matching every condition given (a subquery: each event once)."""
    condition = Q()
    if actors is not None:
        condition &= Q(actor__in=actors)
    if country:
        condition &= Q(actor__country=country)
    if role:
        condition &= Q(role=role)
    return queryset.with_participant(condition, frequent=getattr(actors, "frequent", False))


def _statements_with_participant(queryset, *, actors=None, country=None, role=None):
    """Statements whose speaker (the initiator) or one of whose targets matches every condition given."""
    speaker, target = Q(), Q()
    if actors is not None:
        speaker &= Q(speaker__in=actors)
        target &= Q(actor__in=actors)
    if country:
        speaker &= Q(speaker__country=country)
        target &= Q(actor__country=country)
    if role == EventParticipant.Role.INITIATOR:
        return queryset.filter(speaker)
    if role == EventParticipant.Role.TARGET:
        return queryset.filter(pk__in=Statement.targets.through.objects.filter(target).values("statement"))
    if role:
        return queryset.none()  # a statement has no mediator or mere participant
    return queryset.spoken_by_or_addressed_to(speaker, target, frequent=getattr(actors, "frequent", False))


# Sources: the outlet that published the article(s) a record comes from.

_OUTLET_KINDS = ", ".join(Outlet.Kind.values)


def _source_filters(noun: str, source: str):
    """outlet, outlet_kind and exclude_outlet_kind (methods filter_outlet, filter_outlet_kind...)."""
    return (
        SlugChoiceFilter(
            queryset=Outlet.objects.all(),
            to_field_name="slug",
            method="filter_outlet",
            help_text=f"Outlet slug: {noun} {source} published by this outlet (the original publisher, "
            "not a republisher). An unknown slug is an error (400).",
            error_messages={"invalid_choice": "No outlet has the slug %(value)r."},
        ),
        django_filters.ChoiceFilter(
            choices=Outlet.Kind.choices,
            method="filter_outlet_kind",
            help_text=f"{_OUTLET_KINDS}: {noun} {source} from an outlet of this kind. "
            "Any other value is an error (400).",
        ),
        django_filters.ChoiceFilter(
            choices=Outlet.Kind.choices,
            method="filter_exclude_outlet_kind",
            help_text=f"{_OUTLET_KINDS}: leaves out what only outlets of this kind report, e.g. "
            "exclude_outlet_kind=state_media. Any other value is an error (400).",
        ),
    )


def _article_filter(help_text: str, **kwargs) -> IdChoiceFilter:
    return IdChoiceFilter(
        queryset=Article.objects.only("id", "title", "source_ref"),
        help_text=f"{help_text} An unknown or non-numeric id is an error (400).",
        error_messages={"invalid_choice": "No article has the id %(value)r."},
        **kwargs,
    )


class EventFilter(ParticipantFilterSet):
    date_from, date_to = _overlap_filters("events")
    escalation = _escalation_filter()
    type = CameoPrefixFilter(
        field_name="event_type",
        help_text="CAMEO code or prefix: 02 keeps every appeal, 0256 only appeals for de-escalation. "
        "A prefix no code starts with is an error (400).",
    )
    actor, actor_role, country = _participant_filters("events in which", "this actor takes part")
    location = django_filters.CharFilter(
        field_name="location", lookup_expr="icontains", help_text="Case-insensitive text in the location."
    )
    review_status = ReviewStatusFilter()  # events/visibility.py: verified unless asked
    place, bbox = event_place_filters()
    outlet, outlet_kind, exclude_outlet_kind = _source_filters("events with a source", "article")
    article = _article_filter("Article id: events with a source in this article.", method="filter_article")
    q = SearchFilter(
        help_text="Full-text search of the title, summary and location: every word is required and "
        'stemmed (denounce finds "denounced"); "quoted words" go together; `or` between words; '
        "-word leaves rows out. A text with no word to search for is an error (400)."
    )

    class Meta(BaseFilterSet.Meta):
        model = Event
        fields = []

    with_participant = staticmethod(_events_with_participant)

    def filter_outlet(self, queryset, name, value):
        return queryset.filter(pk__in=EventSource.objects.filter(article__outlet=value).values("event"))

    def filter_outlet_kind(self, queryset, name, value):
        return queryset.filter(pk__in=EventSource.objects.filter(article__outlet__kind=value).values("event"))

    def filter_exclude_outlet_kind(self, queryset, name, value):
        # Left out: events with sources, all from this kind. An event with no source, or one also
        # reported by another kind of outlet (or by an article without a known outlet), stays.
        from_kind = EventSource.objects.filter(article__outlet__kind=value).values("event")
        from_others = EventSource.objects.exclude(article__outlet__kind=value).values("event")
        return queryset.exclude(Q(pk__in=from_kind) & ~Q(pk__in=from_others))

    def filter_article(self, queryset, name, value):
        return queryset.filter(pk__in=EventSource.objects.filter(article=value).values("event"))


class StatementFilter(ParticipantFilterSet):
    speaker = ActorReferenceFilter(
        field_name="speaker",
        help_text="Speaker, by id, slug or canonical name (case-insensitive). An unknown actor is an error (400).",
    )
    speaker_country = CountryFilter(
        field_name="speaker__country", help_text="ISO 3166 alpha-2 code, either case: statements by an actor of it."
    )
    target = ActorReferenceFilter(
        field_name="targets",
        multi_valued=True,
        help_text="Target actor, by id, slug or canonical name (case-insensitive). An unknown actor is an error (400).",
    )
    actor, actor_role, country = _participant_filters("statements by or addressed to", "this actor")
    escalation = _escalation_filter()
    code = CameoPrefixFilter(
        field_name="cameo",
        help_text="CAMEO code or prefix of the speech act: 02 keeps every appeal, 112 every accusation. "
        "A prefix no code starts with is an error (400).",
    )
    date_from, date_to = _overlap_filters("statements")
    article = _article_filter("Article id: statements quoted from this article.", field_name="article")
    outlet, outlet_kind, exclude_outlet_kind = _source_filters("statements quoted from an", "article")
    review_status = ReviewStatusFilter()  # events/visibility.py: verified unless asked
    kind = django_filters.ChoiceFilter(
        field_name="kind",
        choices=Statement.Kind.choices,
        help_text="direct, partial, reported or term. Any other value is an error (400).",
    )
    medium = django_filters.ChoiceFilter(
        field_name="medium",
        choices=Statement.Medium.choices,
        help_text="How it was said (social_media, press_briefing, phone_call…). Any other value is an error (400).",
    )
    q = SearchFilter(
        help_text="Full-text search of the quotation and the curator's summary: every word is required and "
        'stemmed (denounce finds "denounced"); "quoted words" go together; `or` between words; '
        "-word leaves rows out. A text with no word to search for is an error (400)."
    )
    # Statements about an event (event_accounts.EventStatement); both together: one link with both.
    event = django_filters.NumberFilter(
        method="filter_about_event", min_value=1, help_text="Event id: statements linked to this event."
    )
    stance = django_filters.ChoiceFilter(
        method="filter_about_event",
        choices=EventStatement.Stance.choices,
        help_text="Stance towards an event: claims, denies, condemns, blames, calls_for or responds. "
        "Any other value is an error (400).",
    )

    class Meta(BaseFilterSet.Meta):
        model = Statement
        fields = []

    with_participant = staticmethod(_statements_with_participant)

    def filter_outlet(self, queryset, name, value):
        return queryset.filter(article__outlet=value)

    def filter_outlet_kind(self, queryset, name, value):
        return queryset.filter(article__outlet__kind=value)

    def filter_exclude_outlet_kind(self, queryset, name, value):
        # exclude() keeps the statements whose article has no known outlet.
        return queryset.exclude(article__outlet__kind=value)

    def filter_about_event(self, queryset, name, value):
        data = self.form.cleaned_data
        return statements_about(queryset, event=data.get("event"), stance=data.get("stance") or None)


class ActorFilter(BaseFilterSet):
    kind = django_filters.ChoiceFilter(
        field_name="kind",
        choices=Actor.Kind.choices,
        help_text="person, state, government_body, international_org, armed_group, population, media "
        "or unnamed_source. Any other value is an error (400).",
    )
    country = CountryFilter(field_name="country", help_text="ISO 3166 alpha-2 code, e.g. AM or az.")
    review_status = _review_status_filter()
    q = AnyFieldFilter(
        field_names=("name", "aliases__name"),
        multi_valued=True,
        help_text="Case-insensitive text in the canonical name or any alias (Azeri, Ned Prince…).",
    )

    class Meta(BaseFilterSet.Meta):
        model = Actor
        fields = []


class ArticleFilter(BaseFilterSet):
    outlet = SlugChoiceFilter(
        field_name="outlet",
        to_field_name="slug",
        queryset=Outlet.objects.all(),
        help_text="Outlet slug. An unknown slug is an error (400).",
        error_messages={"invalid_choice": "No outlet has the slug %(value)r."},
    )
    published_from = IsoDateFilter(
        field_name="published_on",
        lookup_expr="gte",
        help_text="ISO date. Articles published on or after this day (undated articles are left out).",
    )
    published_to = IsoDateFilter(
        field_name="published_on",
        lookup_expr="lte",
        help_text="ISO date. Articles published on or before this day (undated articles are left out).",
    )
    q = SearchFilter(
        help_text="Full-text search of the title and body: every word is required and stemmed "
        '(denounce finds "denounced"); "quoted words" go together; `or` between words; -word leaves '
        "rows out. A text with no word to search for is an error (400)."
    )

    class Meta(BaseFilterSet.Meta):
        model = Article
        fields = []


class EscalationFilter(BaseFilterSet):
    date_from = IsoDateFilter(
        field_name="end_date",
        method="filter_ends_after",
        help_text="ISO date. Escalations that end on or after this day, or are ongoing.",
    )
    date_to = IsoDateFilter(
        field_name="start_date",
        lookup_expr="lte",
        help_text="ISO date. Escalations that start on or before this day.",
    )
    q = AnyFieldFilter(
        field_names=("name", "description"), help_text="Case-insensitive text in the name or description."
    )

    class Meta(BaseFilterSet.Meta):
        model = Escalation
        fields = []

    def filter_ends_after(self, queryset, name, value):
        # An escalation without an end date is ongoing: it overlaps every later range.
        return queryset.filter(Q(**{f"{name}__gte": value}) | Q(**{f"{name}__isnull": True}))


class OutletFilter(BaseFilterSet):
    kind = django_filters.ChoiceFilter(
        field_name="kind",
        choices=Outlet.Kind.choices,
        help_text="wire, state_media, newspaper, diaspora_press, broadcaster, official, aggregator or other. "
        "Any other value is an error (400).",
    )
    country = CountryFilter(field_name="country", help_text="ISO 3166 alpha-2 code, e.g. RU or us.")
    q = AnyFieldFilter(field_names=("name",), help_text="Case-insensitive text in the name.")

    class Meta(BaseFilterSet.Meta):
        model = Outlet
        fields = []


class CameoCodeFilter(BaseFilterSet):
    code = CodePrefixFilter(
        field_name="code",
        lookup_expr="startswith",
        help_text="Code prefix: 02 lists the appeal family. A prefix no code starts with is an error (400).",
    )
    family = StrictBooleanFilter(
        field_name="code",
        method="filter_family",
        help_text="true: only the two-digit families; false: only the specific codes. "
        "Anything but true/false is an error (400).",
    )
    q = AnyFieldFilter(field_names=("label",), help_text="Case-insensitive text in the label.")

    class Meta(BaseFilterSet.Meta):
        model = CameoCode
        fields = []

    def filter_family(self, queryset, name, value):
        # A family's code is its own root ("02"); a specific code is longer ("0256").
        is_family = Q(**{name: F("root")})
        return queryset.filter(is_family) if value else queryset.exclude(is_family)


# The timeline: events and statements under one query string -----------------------------


class TimelineEventFilter(EventFilter):
    """The events of the timeline: EventFilter as it is (its parameters are the timeline's)."""


class TimelineStatementFilter(StatementFilter):
    """The statements of the timeline: StatementFilter, and `type`, the events' name for `code`."""

    type = CameoPrefixFilter(field_name="cameo", help_text="The same as `code`: a CAMEO code or prefix.")


# How the timeline describes a parameter that both kinds of record take.
_TIMELINE_HELP = {
    "date_from": "ISO date. Keeps events and statements whose period (at its precision) ends on or after this day.",
    "date_to": "ISO date. Keeps events and statements whose period (at its precision) starts on or before this day.",
    "type": "CAMEO code or prefix of the event type or of the statement's speech act: 02 keeps every appeal. "
    "A prefix no code starts with is an error (400).",
    "actor": "Actor, by id, slug or canonical name (case-insensitive): events it takes part in, statements "
    "by or addressed to it. An unknown actor is an error (400).",
    "country": "ISO 3166 alpha-2 code, either case: events with a participant, statements by or addressed to "
    "an actor, from this country.",
    "outlet": "Outlet slug: events with a source, statements quoted from an article, published by this outlet. "
    "An unknown slug is an error (400).",
    "outlet_kind": f"{_OUTLET_KINDS}: events with a source, statements quoted from an article, from an outlet "
    "of this kind. Any other value is an error (400).",
    "exclude_outlet_kind": f"{_OUTLET_KINDS}: leaves out what only outlets of this kind report (an event all "
    "of whose sources, a statement whose article, come from one), e.g. exclude_outlet_kind=state_media.",
    "article": "Article id: events with a source in it, statements quoted from it. An unknown or non-numeric "
    "id is an error (400).",
    "q": "Full-text search of events (title, summary, location) and statements (quotation, summary): every "
    'word is required and stemmed (denounce finds "denounced"); "quoted words" go together; `or` between '
    "words; -word leaves rows out. A text with no word to search for is an error (400).",
}


def _timeline_filters() -> dict[str, django_filters.Filter]:
    """Every parameter of either FilterSet once, described as the timeline reads it."""
    events, statements = TimelineEventFilter.base_filters, TimelineStatementFilter.base_filters
    combined = {}
    for name, original in {**statements, **events}.items():
        filter_ = copy.deepcopy(original)
        # Only validated and documented here (streams() runs the originals): no method to look up.
        filter_.method = None
        if name in _TIMELINE_HELP:
            filter_.extra["help_text"] = _TIMELINE_HELP[name]
        elif name not in statements:
            filter_.extra["help_text"] = f"{original.extra['help_text']} Events only: leaves statements out."
        elif name not in events:
            filter_.extra["help_text"] = f"{original.extra['help_text']} Statements only: leaves events out."
        combined[name] = filter_
    return combined


class TimelineFilter(BaseFilterSet):
    """One query string for events and statements: /api/timeline/, its exports and /api/stats/.

    A parameter both TimelineEventFilter and TimelineStatementFilter take filters both
    kinds of record with the same meaning; one that only one of them takes (`location`;
    `speaker`, `code`, `kind`, `medium`...) keeps that kind only. This FilterSet's own
    filters are the union of the two, so the form validates the query string once (400s
    name the parameter) and the schema documents each parameter once; `streams()` then
    runs the two FilterSets' filters on the values this form cleaned.
    """

    class Meta(BaseFilterSet.Meta):
        model = Event
        fields = []

    def streams(self, events: QuerySet, statements: QuerySet) -> tuple[QuerySet | None, QuerySet | None]:
        """(events, statements) filtered, None for a kind the parameters leave out. After is_valid()."""
        given = {name for name, value in self.form.cleaned_data.items() if value not in EMPTY_VALUES}
        return (
            None if given - set(TimelineEventFilter.base_filters) else self._apply(TimelineEventFilter, events),
            None
            if given - set(TimelineStatementFilter.base_filters)
            else self._apply(TimelineStatementFilter, statements),
        )

    def _apply(self, filterset_class, queryset: QuerySet) -> QuerySet:
        filterset = filterset_class(queryset=queryset, request=self.request)
        # Validated once, by this form (its fields are the same filters): the stream's filters
        # read the values from their own form, so give it these instead of validating again.
        filterset.form.cleaned_data = {
            name: value for name, value in self.form.cleaned_data.items() if name in filterset.filters
        }
        return filterset.filter_queryset(queryset)


TimelineFilter.base_filters = _timeline_filters()
