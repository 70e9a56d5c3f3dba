"""The API's own fields: a related record by id or by key (ReferenceField), a date precision."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from events.models import (
    DatePrecision,
)


class ReferenceField(serializers.RelatedField):
    """A relation written as an id (integer) or a key (string) and read as a summary object.

    `summary` is the read-only serializer of the related record; `key` the unique
    string column a client may use instead of the id (slug, code, source_ref).
    """

    default_error_messages = {
        "does_not_exist": "No {model} has the {lookup} {value!r}.",
        "incorrect_type": "Give the {model}'s id (an integer) or {key_name} (a string), not {data_type}.",
    }

    def __init__(self, *, summary: type[serializers.Serializer], key: str, **kwargs):
        self.summary = summary
        self.key = key
        super().__init__(**kwargs)

    def use_pk_only_optimization(self):
        return False

    def to_internal_value(self, data):
        queryset = self.get_queryset()
        model = queryset.model._meta.verbose_name
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            # Not `key=`: that is fail()'s own first parameter (a TypeError, so a 500).
            self.fail("incorrect_type", model=model, key_name=self.key, data_type=type(data).__name__)
        by_id = isinstance(data, int)
        if not by_id and "\x00" in data:  # no key holds one, and PostgreSQL refuses it in a query (a 500)
            self.fail("does_not_exist", model=model, lookup=self.key, value=data)
        try:
            return queryset.get(**{"pk" if by_id else self.key: data})
        except ObjectDoesNotExist:
            self.fail("does_not_exist", model=model, lookup="id" if by_id else self.key, value=data)

    def summary_serializer(self) -> serializers.Serializer:
        # One summary serializer per field, reused for every related record: building a
        # serializer (and its fields) per related record was most of a list's time.
        summary = self.__dict__.get("_summary_serializer")
        if summary is None:
            summary = self._summary_serializer = self.summary(context=self.context)
        return summary

    def to_representation(self, value):
        return self.summary_serializer().to_representation(value)

    def get_choices(self, cutoff=None):
        # The browsable API's form lists the choices by key (a summary dict cannot be a key).
        queryset = self.get_queryset()
        if queryset is None:
            return {}
        if cutoff is not None:
            queryset = queryset[:cutoff]
        return {getattr(item, self.key): self.display_value(item) for item in queryset}


class ReferenceFieldSchema(OpenApiSerializerFieldExtension):
    """OpenAPI for ReferenceField: the summary component in responses, an id or key in requests."""

    target_class = ReferenceField

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        model = field.queryset.model._meta
        if direction == "response":
            return auto_schema.resolve_serializer(field.summary, direction).ref
        if model.pk.name == field.key:
            return {"type": "string", "description": f"The {model.verbose_name} ({field.key})."}
        return {
            "oneOf": [{"type": "integer"}, {"type": "string"}],
            "description": f"The {model.verbose_name}'s id (integer) or {field.key} (string).",
        }


_PRECISION_HELP = (
    "How precise the date is: the date is stored as the first day of its period (1 August 2022 for August 2022)."
)


@extend_schema_field(
    {"type": "string", "enum": list(DatePrecision.values), "description": _PRECISION_HELP},
    component_name="DatePrecision",
)
class PrecisionField(serializers.ChoiceField):
    """A date's precision. One OpenAPI component for every *_precision field (they share the choices)."""

    def __init__(self, **kwargs):
        super().__init__(choices=DatePrecision.choices, **kwargs)


@extend_schema_field(
    {"type": "string", "enum": [*DatePrecision.values, ""], "description": f"{_PRECISION_HELP} Empty without a date."},
    component_name="OptionalDatePrecision",
)
class OptionalPrecisionField(PrecisionField):
    """The precision of an optional date: empty when there is no date."""

    def __init__(self, **kwargs):
        super().__init__(allow_blank=True, **kwargs)
