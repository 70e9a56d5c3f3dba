"""The form fields behind the FilterSets of events/filters.py: what a query parameter may be
(actor references, CAMEO prefixes, strict booleans, search text, ranges) and the message when it is not."""

from __future__ import annotations

from django import forms
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import ModelChoiceField

from events import search
from events.actor_lookup import describe, loose_match
from events.compiled_query import RecordQuery
from events.models import (
    Actor,
    CameoCode,
)


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


class ActorIds(list):
    """The ids an actor reference names, and whether one of them is in many records (`frequent`)."""

    # Django rebuilds a list lookup value with its type (`type(value)(items)`): ids alone must do.
    def __init__(self, ids=(), *, frequent: bool = False):
        super().__init__(ids)
        self.frequent = frequent


class ActorReferenceField(forms.CharField):
    """An actor given by id, slug or canonical name (case-insensitive); cleans to a list of ids.

    A name may be shared by several actors, so the result is a list. An unknown
    reference is a validation error.
    """

    def clean(self, value):
        value = super().clean(value)
        if value in EMPTY_VALUES:
            return None
        rows = Actor.objects.referenced_rows(value)
        if not rows:
            # Surnames, aliases, other cases and accents; suggestions when ambiguous or unknown.
            match = loose_match(value)
            if match.ambiguous:
                raise forms.ValidationError(
                    "%(value)r may mean several actors: %(names)s. Give the one you mean by its name or slug.",
                    code="ambiguous",
                    params={"value": value, "names": describe(match.suggestions)},
                )
            if not match.ids:
                hint = f" Did you mean: {describe(match.suggestions)}?" if match.suggestions else ""
                raise forms.ValidationError(
                    "No actor has the id, slug or name %(value)r.%(hint)s",
                    code="invalid_choice",
                    params={"value": value, "hint": hint},
                )
            rows = list(Actor.objects.filter(pk__in=match.ids).with_frequency().values_list("pk", "frequent"))
        return ActorIds((pk for pk, _ in rows), frequent=any(frequent for _, frequent in rows))


class RecordReferenceField(ModelChoiceField):
    """A record given by a unique field (`to_field_name`: a slug): ModelChoiceField's lookup of
    a text through a compiled query (events/compiled_query.py RecordQuery), the same record or
    the same invalid_choice error; anything RecordQuery does not take (another queryset, a
    value that is not a text) is ModelChoiceField's own."""

    def to_python(self, value):
        lookup = RecordQuery.of(self.queryset, self.to_field_name or "pk") if type(value) is str else None
        if lookup is None or value in self.empty_values or (self.null_label is not None and value == self.null_value):
            return super().to_python(value)
        self.validate_no_null_characters(value)
        found = lookup.get(value)
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return found


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


class SearchTextField(forms.CharField):
    """Full-text search text; cleans to a parsed events.search.SearchQuery.

    A text with nothing to search for (only stop words such as "the", or punctuation)
    is an error rather than an empty result.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", search.MAX_LENGTH)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in EMPTY_VALUES:
            return None
        query = search.parse(value)
        if not query.has_terms():
            raise forms.ValidationError(
                "%(value)r has no word to search for: stop words (the, of, and…) and punctuation are ignored.",
                code="invalid",
                params={"value": value},
            )
        return query
