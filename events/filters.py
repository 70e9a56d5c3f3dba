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
- `q` is a case-insensitive substring search over the fields its help_text names.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, Q, QuerySet
from django_countries import countries
from django_filters.constants import EMPTY_VALUES

from events.models import (
    Actor,
    Article,
    CameoCode,
    Escalation,
    Event,
    Outlet,
    ReviewStatus,
    Statement,
)


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


class RangeCheckForm(forms.Form):
    """The filter form: refuses a range whose end is before its start, naming the end."""

    ranges = (("date_from", "date_to"), ("published_from", "published_to"))

    def clean(self):
        cleaned = super().clean()
        for low, high in self.ranges:
            start, end = cleaned.get(low), cleaned.get(high)
            if start and end and end < start:
                self.add_error(high, f"{high} ({end.isoformat()}) is before {low} ({start.isoformat()}).")
        return cleaned


class ActorReferenceField(forms.CharField):
    """An actor given by id, slug or canonical name (case-insensitive); cleans to a list of ids.

    A name may be shared by several actors, so the result is a list. An unknown
    reference is a validation error.
    """

    def clean(self, value):
        value = super().clean(value)
        if value in EMPTY_VALUES:
            return None
        condition = Q(slug__iexact=value) | Q(name__iexact=value)
        if value.isdigit():
            condition |= Q(pk=int(value))
        ids = list(Actor.objects.filter(condition).values_list("pk", flat=True))
        if not ids:
            raise forms.ValidationError(
                "No actor has the id, slug or name %(value)r.", code="invalid_choice", params={"value": value}
            )
        return ids


class CameoPrefixField(forms.RegexField):
    """A CAMEO code or a prefix of one (2 to 4 digits) that at least one code starts with."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "error_messages", {"invalid": "Enter a CAMEO code or prefix of 2 to 4 digits, e.g. 02 or 0256."}
        )
        super().__init__(regex=r"^[0-9]{2,4}$", **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in EMPTY_VALUES:
            return None
        if not CameoCode.objects.filter(code__startswith=value).exists():
            raise forms.ValidationError(
                "No CAMEO code starts with %(value)r.", code="invalid_choice", params={"value": value}
            )
        return value


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); unlike NullBooleanField, anything else is an error, not "no filter"."""

    # NullBooleanSelect would turn an unknown value into None before to_python sees it.
    widget = forms.TextInput

    def to_python(self, value):
        if value in EMPTY_VALUES:
            return None
        if str(value).lower() in ("true", "1"):
            return True
        if str(value).lower() in ("false", "0"):
            return False
        raise forms.ValidationError("Enter true or false.", code="invalid")

    def validate(self, value):
        pass


class UppercaseChoiceField(forms.ChoiceField):
    """A choice of upper-case codes (ISO 3166 countries) that also accepts lower case."""

    def to_python(self, value):
        return super().to_python(value).upper()


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


class CountryFilter(django_filters.ChoiceFilter):
    """An ISO 3166 alpha-2 country code, either case (AM or am)."""

    field_class = UppercaseChoiceField

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", lambda: list(countries))
        super().__init__(**kwargs)


def _escalation_filter(field_name: str = "escalation") -> django_filters.ModelChoiceFilter:
    return django_filters.ModelChoiceFilter(
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


class BaseFilterSet(django_filters.FilterSet):
    class Meta:
        form = RangeCheckForm


class EventFilter(BaseFilterSet):
    date_from, date_to = _overlap_filters("events")
    escalation = _escalation_filter()
    type = CameoPrefixFilter(
        field_name="event_type",
        help_text="CAMEO code or prefix: 02 keeps every appeal, 0256 only appeals for de-escalation. "
        "A prefix no code starts with is an error (400).",
    )
    actor = ActorReferenceFilter(
        field_name="participants__actor",
        multi_valued=True,
        help_text="Participating actor, by id, slug or canonical name (case-insensitive). "
        "An unknown actor is an error (400).",
    )
    country = CountryFilter(
        field_name="participants__actor__country",
        method="filter_country",
        help_text="ISO 3166 alpha-2 code: events with a participant from this country.",
    )
    review_status = _review_status_filter()
    q = AnyFieldFilter(
        field_names=("title", "summary", "location"),
        help_text="Case-insensitive text in the title, summary or location.",
    )

    class Meta(BaseFilterSet.Meta):
        model = Event
        fields = []

    def filter_country(self, queryset, name, value):
        return _filter_multi_valued(queryset, Q(**{name: value}))


class StatementFilter(BaseFilterSet):
    speaker = ActorReferenceFilter(
        field_name="speaker",
        help_text="Speaker, by id, slug or canonical name (case-insensitive). An unknown actor is an error (400).",
    )
    target = ActorReferenceFilter(
        field_name="targets",
        multi_valued=True,
        help_text="Target actor, by id, slug or canonical name (case-insensitive). An unknown actor is an error (400).",
    )
    escalation = _escalation_filter()
    code = CameoPrefixFilter(
        field_name="cameo",
        help_text="CAMEO code or prefix of the speech act: 02 keeps every appeal, 112 every accusation. "
        "A prefix no code starts with is an error (400).",
    )
    date_from, date_to = _overlap_filters("statements")
    article = django_filters.ModelChoiceFilter(
        field_name="article",
        queryset=Article.objects.only("id", "title", "source_ref"),
        help_text="Article id. An unknown or non-numeric id is an error (400).",
        error_messages={"invalid_choice": "No article has the id %(value)r."},
    )
    review_status = _review_status_filter()
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
    q = AnyFieldFilter(
        field_names=("quote", "summary"),
        help_text="Case-insensitive text in the quotation or the curator's summary.",
    )

    class Meta(BaseFilterSet.Meta):
        model = Statement
        fields = []


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
    outlet = django_filters.ModelChoiceFilter(
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
    q = AnyFieldFilter(field_names=("title", "body"), help_text="Case-insensitive text in the title or body.")

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

