"""Serializers for the REST API.

Reads embed small read-only summaries of related records (an actor's id, slug, name,
kind and country) taken from the viewset's one query shape, so no serializer runs a
query of its own. Writes take a related record by id (an integer) or by its key (a
string: slug, CAMEO code, article source_ref) under the same field name, and are
validated by the model itself: `ModelCleanSerializer.validate` builds the instance
the write would save and calls `full_clean()`, so the API refuses exactly what the
admin and the importer refuse (a span outside its article, a quote that is not the
article text at the span, a date that does not fit its precision, an end before its
start...), with the model's message under the field's name.

Reads go through `ReadPlanMixin`: each serializer derives, once, from its own declared
fields a list of (name, getter, converter) that builds the same dict DRF would, without
DRF's per-field machinery for every related record of a page.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from operator import attrgetter, itemgetter

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import setting_changed
from django.db import models
from django.db.models.fields.related_descriptors import (
    ForwardManyToOneDescriptor,
    ManyToManyDescriptor,
    ReverseManyToOneDescriptor,
    ReverseOneToOneDescriptor,
)
from django.db.models.query_utils import DeferredAttribute
from django.dispatch import receiver
from django.utils.functional import cached_property
from django_countries.fields import CountryDescriptor
from django_countries.serializers import CountryFieldMixin
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, fields, relations, serializers
from rest_framework.fields import SkipField
from rest_framework.serializers import raise_errors_on_nested_writes
from rest_framework.settings import api_settings
from rest_framework.utils import model_meta

from events.models import (
    Actor,
    ActorAlias,
    Article,
    CameoCode,
    DatePrecision,
    Escalation,
    Event,
    EventParticipant,
    EventSource,
    Outlet,
    Statement,
)

# Reading: one plan per serializer class -------------------------------------------------------

#: Class attributes of a model whose value on an instance is data, never a method DRF would call:
#: columns, relations (a related record or its manager), properties and the country.
PLAIN_ATTRIBUTES = (
    DeferredAttribute,
    ForwardManyToOneDescriptor,
    ReverseOneToOneDescriptor,
    ReverseManyToOneDescriptor,
    ManyToManyDescriptor,
    CountryDescriptor,
    property,
    cached_property,
    functools.cached_property,
)
#: What ChoiceField.to_representation returns unchanged.
BLANK = ("", None)
UNBUILT = object()


@dataclass(frozen=True)
class ReadPlan:
    """How a serializer turns a `model` instance into its dict: DRF's Serializer.to_representation
    unrolled. A step is (name, getter, where the getter reads: FIELD, ATTRIBUTE, COLUMN or RELATED,
    converter, field). `shared`: nothing in it depends on the serializer instance (its context), so
    every instance of the class may use it."""

    model: type[models.Model]
    steps: tuple[tuple, ...]
    shared: bool


#: The shared plans, by serializer class (emptied when a setting changes: they read DRF's).
READ_PLANS: dict[type, ReadPlan | None] = {}


@receiver(setting_changed)
def _forget_read_plans(**kwargs) -> None:
    READ_PLANS.clear()


def _nested_plan(serializer) -> ReadPlan | None:
    return serializer.read_plan() if isinstance(serializer, ReadPlanMixin) else None


def _converter(field: fields.Field) -> tuple[Callable, bool]:
    """(a function doing what `field.to_representation` does, whether it is the same for every
    instance of the serializer). Cheaper than the field's own for the common types; chosen by the
    field's to_representation implementation (not its class), so a subclass that changes it keeps
    its own. Anything else is the field's own method, bound to this serializer's field."""
    method = type(field).to_representation
    if method is fields.IntegerField.to_representation:
        return int, True
    if method is fields.BigIntegerField.to_representation:
        return (str if getattr(field, "coerce_to_string", api_settings.COERCE_BIGINT_TO_STRING) else int), True
    if method is fields.CharField.to_representation:
        return str, True
    if method is fields.ChoiceField.to_representation:
        strings = field.choice_strings_to_values
        return (lambda value: value if value in BLANK else strings.get(str(value), value)), True
    if method is fields.BooleanField.to_representation:
        return (lambda value: value if value.__class__ is bool else field.to_representation(value)), True
    if method is fields.DateField.to_representation:
        if str(getattr(field, "format", api_settings.DATE_FORMAT)).lower() == ISO_8601:
            return (
                lambda value: value.isoformat() if value.__class__ is dt.date else field.to_representation(value)
            ), True
        return field.to_representation, True
    if method is fields.DateTimeField.to_representation:
        if str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601:
            return (lambda value: _iso_datetime(field, value)), True
        return field.to_representation, True
    if isinstance(field, ReferenceField):
        summary = field.summary_serializer()
        plan = _nested_plan(summary)
        return summary.to_representation, plan is not None and plan.shared
    if isinstance(field, relations.ManyRelatedField) and method is relations.ManyRelatedField.to_representation:
        if isinstance(field.child_relation, ReferenceField):
            one, shared = _converter(field.child_relation)
            return (lambda values: [one(value) for value in values]), shared
    if isinstance(field, serializers.ListSerializer) and method is serializers.ListSerializer.to_representation:
        plan = _nested_plan(field.child)
        return field.to_representation, plan is not None and plan.shared
    plan = _nested_plan(field)
    return field.to_representation, plan is not None and plan.shared


def _iso_datetime(field: fields.DateTimeField, value) -> str:
    """DateTimeField.to_representation with the ISO 8601 format (UTC as Z)."""
    if value.__class__ is not dt.datetime:
        return field.to_representation(value)
    text = field.enforce_timezone(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


#: Where a step reads its value: through the field's own get_attribute (DRF's rules, errors
#: raised), or, with DRF's get_attribute as the fallback when the value is missing, an attribute
#: of the instance, an item of its __dict__ (a loaded column) or of its related-object cache.
FIELD, ATTRIBUTE, COLUMN, RELATED = range(4)


def _getter(model: type[models.Model], field: fields.Field) -> tuple[Callable, int]:
    """(getter, where it reads): the cheapest read of the field's value on a `model` instance that
    gives what DRF's get_attribute() would; the field's get_attribute where it is more than that
    (a dotted or "*" source, a method, a relation's own rules)."""
    if len(field.source_attrs) != 1 or type(field).get_attribute not in (
        fields.Field.get_attribute,
        relations.RelatedField.get_attribute,
    ):
        return field.get_attribute, FIELD
    (name,) = field.source_attrs
    attribute = inspect.getattr_static(model, name, None)
    if not isinstance(attribute, PLAIN_ATTRIBUTES):
        return field.get_attribute, FIELD
    # The descriptors' own reads when the value is loaded (else they query: the fallback does that).
    if type(attribute).__get__ is DeferredAttribute.__get__:
        return itemgetter(attribute.field.attname), COLUMN
    if type(attribute).__get__ is ForwardManyToOneDescriptor.__get__:
        return itemgetter(attribute.field.cache_name), RELATED
    if type(attribute) is CountryDescriptor and not attribute.field.multiple:
        return _country_getter(attribute), COLUMN
    return attrgetter(name), ATTRIBUTE


def _country_getter(descriptor: CountryDescriptor) -> Callable:
    """CountryDescriptor.__get__ from the loaded column, one Country per code (building one is
    most of an actor summary's time; it depends only on the code and the field)."""
    field = descriptor.field
    countries: dict = {}

    def country(data: dict):
        code = data[field.name]
        if field.null and code is None:
            return None
        found = countries.get(code)
        if found is None:
            found = descriptor.country(code)
            if len(countries) < 1000:
                countries[code] = found
        return found

    return country


# Serializes a model instance through a ReadPlan derived from the serializer's readable fields.
#
# For each field, in order: its name, a getter (a plain read of the loaded value where that is all
# DRF's get_attribute would do, else the field's get_attribute: see _getter) and a converter (see
# _converter), None staying None. A missing value goes through the field's get_attribute, so
# defaults, nulls and skipped fields are DRF's. The plan is built once per class from a fresh
# instance when nothing in it depends on the instance; an instance whose fields were already built
# (a write, the browsable API's forms) or whose plan is not shareable uses its own fields. Anything
# that is not an instance of Meta.model takes DRF's own path. Writes are untouched.
# (Comments, not docstrings: drf-spectacular describes a serializer by the first docstring in its
# classes, and these must not change the schema.)
class ReadPlanMixin:
    def read_plan(self) -> ReadPlan | None:
        plan = self.__dict__.get("_read_plan", UNBUILT)
        if plan is UNBUILT:
            plan = self._read_plan = self._find_read_plan()
        return plan

    def _find_read_plan(self) -> ReadPlan | None:
        cls = type(self)
        if "fields" not in self.__dict__:
            shared = READ_PLANS.get(cls, UNBUILT)
            if shared is UNBUILT:
                plan = cls().build_read_plan()
                shared = READ_PLANS[cls] = plan if plan is not None and plan.shared else None
            if shared is not None:
                return shared
        return self.build_read_plan()

    def build_read_plan(self) -> ReadPlan | None:
        model = getattr(getattr(self, "Meta", None), "model", None)
        if model is None:
            return None
        steps, shared = [], True
        for field in self._readable_fields:
            if isinstance(field, relations.RelatedField) and field.use_pk_only_optimization():
                return None  # DRF tests a PKOnlyObject's pk for None: its own path
            getter, where = _getter(model, field)
            convert, same_for_all = _converter(field)
            shared = shared and same_for_all and (where != FIELD or field.default is fields.empty)
            steps.append((field.field_name, getter, where, convert, field))
        return ReadPlan(model, tuple(steps), shared)

    def to_representation(self, instance):
        plan = self.read_plan()
        if plan is None or not isinstance(instance, plan.model):
            return super().to_representation(instance)
        # What the getters read, by FIELD, ATTRIBUTE, COLUMN, RELATED.
        sources = (instance, instance, instance.__dict__, instance._state.fields_cache)
        result = {}
        for name, get, where, convert, field in plan.steps:
            try:
                value = get(sources[where])
            except SkipField:
                continue
            except (AttributeError, KeyError, ObjectDoesNotExist):
                if where == FIELD:
                    raise
                try:
                    value = field.get_attribute(instance)  # DRF's handling of a missing value
                except SkipField:
                    continue
            result[name] = None if value is None else convert(value)
        return result


# DRF's ModelSerializer, read through a plan (ReadPlanMixin).
class ModelSerializer(ReadPlanMixin, serializers.ModelSerializer):
    pass


# Relations and validation --------------------------------------------------------------


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


#: The longest free text (notes, descriptions, summaries, quotes) a write may give.
TEXT_MAX_LENGTH = 10_000


class StrictFieldsMixin:
    """Refuses input naming a field the serializer does not have, and bounds free text.

    Read-only fields are known: a client may send back what it read. An unbounded
    TextField gets TEXT_MAX_LENGTH, or the length `text_max_lengths` gives it.
    """

    #: Form fields that are not data (the browsable API's HTML forms send the CSRF token).
    ignored_input = frozenset({"csrfmiddlewaretoken"})
    #: Text kept exactly as sent, leading and trailing whitespace included (offsets point into it).
    verbatim_fields: tuple[str, ...] = ()

    def text_max_lengths(self) -> dict[str, int]:
        return {}

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = [name for name in data if name not in self.fields and name not in self.ignored_input]
            if unknown:
                known = ", ".join(name for name, field in self.fields.items() if not field.read_only)
                raise serializers.ValidationError(
                    {name: [f"Unknown field {name!r}: the fields are {known}."] for name in unknown}
                )
            # DRF's CharField takes 0 for "0": text must be sent as a JSON string (null stays null).
            not_text = [
                name
                for name, value in data.items()
                if isinstance(self.fields.get(name), serializers.CharField)
                and not self.fields[name].read_only
                and value is not None
                and not isinstance(value, str)
            ]
            if not_text:
                raise serializers.ValidationError(
                    {name: [serializers.CharField.default_error_messages["invalid"]] for name in not_text}
                )
        return super().to_internal_value(data)

    def build_standard_field(self, field_name, model_field):
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if isinstance(model_field, models.TextField) and not kwargs.get("read_only"):
            kwargs.setdefault("max_length", self.text_max_lengths().get(field_name, TEXT_MAX_LENGTH))
        if field_name in self.verbatim_fields:
            kwargs["trim_whitespace"] = False
        return field_class, kwargs


class ModelCleanSerializer(StrictFieldsMixin, CountryFieldMixin, ModelSerializer):
    """Validates a write through the model: builds the instance and calls full_clean().

    Countries are ISO 3166 alpha-2 codes (django-countries' field: "" when unknown).
    Django's errors come back as DRF field errors under the serializer's field names
    (a model field renamed by `source` is reported under the API's name).
    """

    #: Attributes of validated data that are not columns (nested lists), left out of the instance.
    nested_fields: tuple[str, ...] = ()
    #: Model fields full_clean() must skip: a nested serializer's parent link, generated keys.
    clean_exclude: tuple[str, ...] = ()

    def validate(self, attrs):
        attrs = super().validate(attrs)
        instance = self.build_instance(attrs)
        try:
            instance.full_clean(exclude=self.clean_exclude)
        except DjangoValidationError as error:
            raise serializers.ValidationError(self.api_errors(error)) from None
        return attrs

    def build_instance(self, attrs):
        model = self.Meta.model
        # `version` is a precondition (VersionedSerializer), not a value to write.
        skip = set(self.nested_fields) | {field.name for field in model._meta.many_to_many} | {"version"}
        values = {name: value for name, value in attrs.items() if name not in skip}
        if self.instance is None:
            return model(**values)
        instance = copy.copy(self.instance)
        for name, value in values.items():
            setattr(instance, name, value)
        return instance

    def api_errors(self, error: DjangoValidationError) -> dict[str, list[str]]:
        names = {field.source: name for name, field in self.fields.items()}
        errors: dict[str, list[str]] = {}
        for key, messages in error.message_dict.items():
            name = api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else names.get(key, key)
            errors.setdefault(name, []).extend(messages)
        return errors


class VersionedSerializer(ModelCleanSerializer):
    """A versioned record (events.models.VersionedModel): `version` is what its ETag says.

    A client that read version N and writes its change back sends `If-Match: "N"` (or
    `version: N` in the body): if the record changed in between, the write is refused (412,
    or 409 for the body's version) instead of silently overwriting the other change. A
    PATCH writes only the fields it sends (save(update_fields=...)), never the rest of a
    copy read earlier.
    """

    version = serializers.IntegerField(
        min_value=1,
        max_value=2_147_483_647,
        required=False,
        help_text="Moves on by one with every change (the ETag). On PUT/PATCH, optionally the version "
        "the change is based on: if the record has changed since, the write is refused with 409.",
    )

    def create(self, validated_data):
        validated_data.pop("version", None)  # a new record starts at version 1
        return super().create(validated_data)

    def update(self, instance, validated_data):
        # Raises VersionConflict (the view answers 409) when the body's version is not the stored one.
        instance.check_version(validated_data.pop("version", None))
        raise_errors_on_nested_writes("update", self, validated_data)
        relations = model_meta.get_field_info(instance).relations
        many = {name: value for name, value in validated_data.items() if name in relations and relations[name].to_many}
        for name, value in validated_data.items():
            if name not in many:
                setattr(instance, name, value)
        instance.save(update_fields=[name for name in validated_data if name not in many] if self.partial else None)
        for name, value in many.items():
            getattr(instance, name).set(value)
        return instance


# Summaries (read-only, embedded) ---------------------------------------------------------


# `kind` and `country` are plain strings here: the full serializers carry their enums.


class OutletSummarySerializer(ModelSerializer):
    kind = serializers.CharField(read_only=True)
    country = serializers.CharField(read_only=True)

    class Meta:
        model = Outlet
        fields = ("id", "slug", "name", "kind", "country")
        read_only_fields = fields


class ActorSummarySerializer(ModelSerializer):
    kind = serializers.CharField(read_only=True)
    country = serializers.CharField(read_only=True)

    class Meta:
        model = Actor
        fields = ("id", "slug", "name", "kind", "country")
        read_only_fields = fields


class ArticleSummarySerializer(ModelSerializer):
    outlet = OutletSummarySerializer(read_only=True, allow_null=True)
    # Declared so the schema says what the full Article's says: a URL, or empty when unknown.
    url = serializers.URLField(read_only=True, allow_blank=True)

    class Meta:
        model = Article
        fields = ("id", "source_ref", "title", "url", "published_on", "outlet")
        read_only_fields = fields


class CameoCodeSummarySerializer(ModelSerializer):
    class Meta:
        model = CameoCode
        fields = ("code", "label")
        read_only_fields = fields


class EscalationSummarySerializer(ModelSerializer):
    class Meta:
        model = Escalation
        fields = ("id", "slug", "name")
        read_only_fields = fields


def actor_reference(**kwargs) -> ReferenceField:
    return ReferenceField(queryset=Actor.objects.all(), summary=ActorSummarySerializer, key="slug", **kwargs)


def escalation_reference() -> ReferenceField:
    return ReferenceField(
        queryset=Escalation.objects.all(),
        summary=EscalationSummarySerializer,
        key="slug",
        required=False,
        allow_null=True,
    )


def cameo_reference(**kwargs) -> ReferenceField:
    return ReferenceField(queryset=CameoCode.objects.all(), summary=CameoCodeSummarySerializer, key="code", **kwargs)


def article_reference(**kwargs) -> ReferenceField:
    return ReferenceField(queryset=Article.objects.all(), summary=ArticleSummarySerializer, key="source_ref", **kwargs)


def outlet_reference() -> ReferenceField:
    return ReferenceField(
        queryset=Outlet.objects.all(), summary=OutletSummarySerializer, key="slug", required=False, allow_null=True
    )


# Reference data ---------------------------------------------------------------------------


class CameoCodeSerializer(ModelSerializer):
    is_root = serializers.BooleanField(read_only=True)

    class Meta:
        model = CameoCode
        fields = ("code", "label", "root", "is_root")
        read_only_fields = fields


class OutletSerializer(ModelCleanSerializer):
    class Meta:
        model = Outlet
        fields = ("id", "slug", "name", "kind", "country", "url", "notes")


class EscalationSerializer(ModelCleanSerializer):
    date_label = serializers.CharField(read_only=True)

    class Meta:
        model = Escalation
        fields = ("id", "slug", "name", "start_date", "end_date", "date_label", "description")


# Articles ------------------------------------------------------------------------------------


class ArticleSerializer(VersionedSerializer):
    """An article; `sha256` is computed from `body`, which is frozen once spans point into it."""

    verbatim_fields = ("body",)

    def text_max_lengths(self) -> dict[str, int]:
        # The body is a seed file's text: no longer than import_seeds accepts.
        return {"body": settings.SEED_MAX_BYTES}

    outlet = outlet_reference()
    republished_by = outlet_reference()
    is_undated = serializers.BooleanField(read_only=True)

    class Meta:
        model = Article
        fields = (
            "id",
            "source_ref",
            "title",
            "caption",
            "body",
            "sha256",
            "outlet",
            "republished_by",
            "url",
            "published_on",
            "is_undated",
            "language",
            "file_name",
            "notes",
            "imported_at",
            "created_at",
            "updated_at",
            "version",
        )


# Actors ---------------------------------------------------------------------------------------


class ActorAliasSerializer(ModelCleanSerializer):
    # The alias is checked like any record (the text policy, its choices) before its actor exists.
    clean_exclude = ("actor",)

    class Meta:
        model = ActorAlias
        fields = ("name", "kind")
        validators = []  # uniqueness per actor is checked on the whole list by ActorSerializer


class ActorSerializer(VersionedSerializer):
    """An actor. `aliases`, when given, replaces the whole list (matched case-insensitively by name)."""

    affiliation = actor_reference(required=False, allow_null=True)
    aliases = ActorAliasSerializer(many=True, required=False)
    nested_fields = ("aliases",)

    class Meta:
        model = Actor
        fields = (
            "id",
            "slug",
            "name",
            "kind",
            "country",
            "role",
            "affiliation",
            "aliases",
            "description",
            "review_status",
            "created_at",
            "updated_at",
            "version",
        )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        names = [alias["name"].lower() for alias in attrs.get("aliases", [])]
        if len(set(names)) != len(names):
            raise serializers.ValidationError({"aliases": ["The same alias is listed twice (case-insensitive)."]})
        return attrs

    def create(self, validated_data):
        aliases = validated_data.pop("aliases", [])
        actor = super().create(validated_data)
        self._replace_aliases(actor, aliases)
        return actor

    def update(self, instance, validated_data):
        aliases = validated_data.pop("aliases", None)
        actor = super().update(instance, validated_data)
        if aliases is not None:
            self._replace_aliases(actor, aliases)
        return actor

    @staticmethod
    def _replace_aliases(actor: Actor, aliases: list[dict]) -> None:
        existing = {alias.name.lower(): alias for alias in ActorAlias.objects.filter(actor=actor)}
        wanted = {data["name"].lower(): data for data in aliases}
        ActorAlias.objects.filter(pk__in=[a.pk for key, a in existing.items() if key not in wanted]).delete()
        for key, data in wanted.items():
            alias = existing.get(key) or ActorAlias(actor=actor)
            alias.name = data["name"]
            alias.kind = data.get("kind", ActorAlias.Kind.OTHER)
            alias.save()


# Statements -----------------------------------------------------------------------------------


class StatementSerializer(VersionedSerializer):
    """Who said what, to or about whom, when, and where (start/end) in which article."""

    speaker = actor_reference()
    targets = actor_reference(many=True, required=False)
    article = article_reference()
    cameo = cameo_reference()
    escalation = escalation_reference()
    said_on_precision = PrecisionField(required=False)
    reported_precision = OptionalPrecisionField(required=False)
    date_label = serializers.CharField(read_only=True)
    reported_date_label = serializers.CharField(read_only=True)
    verbatim_fields = ("quote",)

    class Meta:
        model = Statement
        fields = (
            "id",
            "ref",
            "speaker",
            "targets",
            "article",
            "quote",
            "start",
            "end",
            "kind",
            "cameo",
            "summary",
            "medium",
            "medium_detail",
            "said_on",
            "said_on_precision",
            "date_label",
            "reported_date",
            "reported_precision",
            "reported_date_label",
            "date_phrase",
            "escalation",
            "review_status",
            "notes",
            "date_from",
            "date_to",
            "created_at",
            "updated_at",
            "version",
        )


# Events --------------------------------------------------------------------------------------


class EventParticipantSerializer(StrictFieldsMixin, ModelSerializer):
    actor = actor_reference()

    class Meta:
        model = EventParticipant
        fields = ("actor", "role")


class EventSourceSerializer(ModelCleanSerializer):
    """The article words supporting an event. `ref` is generated; the event is the parent's."""

    article = article_reference()
    reported_precision = OptionalPrecisionField(required=False)
    reported_date_label = serializers.CharField(read_only=True)
    clean_exclude = ("event", "ref")
    verbatim_fields = ("quote",)

    class Meta:
        model = EventSource
        fields = (
            "id",
            "ref",
            "article",
            "start",
            "end",
            "quote",
            "date_phrase",
            "reported_date",
            "reported_precision",
            "reported_date_label",
            "notes",
        )
        read_only_fields = ("ref",)


class EventSerializer(VersionedSerializer):
    """A dated event. `participants` and `sources`, when given, replace the whole lists."""

    type = cameo_reference(source="event_type")
    escalation = escalation_reference()
    start_precision = PrecisionField(required=False)
    end_precision = OptionalPrecisionField(required=False)
    date_label = serializers.CharField(read_only=True)
    participants = EventParticipantSerializer(many=True, required=False)
    sources = EventSourceSerializer(many=True, required=False)
    nested_fields = ("participants", "sources")

    class Meta:
        model = Event
        fields = (
            "id",
            "slug",
            "title",
            "summary",
            "type",
            "start_date",
            "start_precision",
            "end_date",
            "end_precision",
            "ongoing",
            "date_label",
            "date_from",
            "date_to",
            "location",
            "escalation",
            "fatalities_low",
            "fatalities",
            "fatalities_high",
            "review_status",
            "notes",
            "participants",
            "sources",
            "created_at",
            "updated_at",
            "version",
        )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        errors = {}
        default_role = EventParticipant.Role.PARTICIPANT
        roles = [(p["actor"].pk, p.get("role", default_role)) for p in attrs.get("participants", [])]
        if len(set(roles)) != len(roles):
            errors["participants"] = ["The same actor is listed twice with the same role."]
        spans = [(s["article"].pk, s["start"], s["end"]) for s in attrs.get("sources", [])]
        if len(set(spans)) != len(spans):
            errors["sources"] = ["The same article span is listed twice."]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def create(self, validated_data):
        participants = validated_data.pop("participants", [])
        sources = validated_data.pop("sources", [])
        event = super().create(validated_data)
        self._replace_participants(event, participants)
        self._replace_sources(event, sources)
        return event

    def update(self, instance, validated_data):
        participants = validated_data.pop("participants", None)
        sources = validated_data.pop("sources", None)
        event = super().update(instance, validated_data)
        if participants is not None:
            self._replace_participants(event, participants)
        if sources is not None:
            self._replace_sources(event, sources)
        return event

    @staticmethod
    def _replace_participants(event: Event, participants: list[dict]) -> None:
        existing = {(p.actor_id, p.role): p for p in EventParticipant.objects.filter(event=event)}
        wanted = [(p["actor"].pk, p.get("role", EventParticipant.Role.PARTICIPANT)) for p in participants]
        EventParticipant.objects.filter(pk__in=[p.pk for key, p in existing.items() if key not in wanted]).delete()
        EventParticipant.objects.bulk_create(
            EventParticipant(event=event, actor_id=actor_id, role=role)
            for actor_id, role in wanted
            if (actor_id, role) not in existing
        )

    @staticmethod
    def _replace_sources(event: Event, sources: list[dict]) -> None:
        # A source is identified by its span (the unique constraint), so re-sending the
        # same span updates its dating in place and keeps its ref.
        existing = {(s.article_id, s.start, s.end): s for s in EventSource.objects.filter(event=event)}
        wanted = {(data["article"].pk, data["start"], data["end"]): data for data in sources}
        EventSource.objects.filter(pk__in=[s.pk for key, s in existing.items() if key not in wanted]).delete()
        for key, data in wanted.items():
            article_id, start, end = key
            source = existing.get(key) or EventSource(
                event=event, ref=f"event-{event.pk}-article-{article_id}-{start}-{end}"
            )
            for name, value in data.items():
                setattr(source, name, value)
            source.save()


# The timeline and statistics (read-only) -----------------------------------------------------


class TimelineItemSerializer(serializers.Serializer):
    """One row of /api/timeline/: `kind` says which of `event` and `statement` it holds (the other is null).

    The record is the same representation as in /api/events/ or /api/statements/.
    """

    kind = serializers.ChoiceField(choices=[("event", "event"), ("statement", "statement")], read_only=True)
    id = serializers.IntegerField(read_only=True)
    date_from = serializers.DateField(
        read_only=True, allow_null=True, help_text="The first day its date may mean: the timeline's order."
    )
    event = EventSerializer(read_only=True, allow_null=True)
    statement = StatementSerializer(read_only=True, allow_null=True)

    def to_representation(self, entry):
        # The declared nested serializers, reused for every row (not one serializer per row).
        return self.item(entry.kind, entry.obj, self.fields[entry.kind].to_representation(entry.obj))

    @staticmethod
    def item(kind: str, obj, record: dict) -> dict:
        # `obj` is the record's model instance, or its plain row (events/api/rows.py).
        return {
            "kind": kind,
            "id": obj.pk,
            "date_from": obj.date_from.isoformat() if obj.date_from else None,
            "event": record if kind == "event" else None,
            "statement": record if kind == "statement" else None,
        }


class CameoRootSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The two-digit CAMEO family, e.g. 02 (appeal).")
    label = serializers.CharField()


class SpeechActCountSerializer(serializers.Serializer):
    escalation = EscalationSummarySerializer(allow_null=True, help_text="Null: outside any escalation.")
    actor = ActorSummarySerializer(help_text="The speaker.")
    cameo_root = CameoRootSerializer()
    count = serializers.IntegerField()


class WeekCountSerializer(serializers.Serializer):
    week = serializers.CharField(help_text="ISO 8601 week, e.g. 2023-W38.")
    start = serializers.DateField(help_text="Its Monday.")
    events = serializers.IntegerField(help_text="Events whose (first) date falls in the week.")
    statements = serializers.IntegerField(help_text="Statements said in the week (undated ones are not counted).")


class StatsSerializer(serializers.Serializer):
    statements_by_escalation_actor_root = SpeechActCountSerializer(
        many=True,
        help_text="Who said what kind of thing in which escalation: statements per escalation, speaker "
        "and CAMEO family, in escalation order, then by speaker and family.",
    )
    weekly = WeekCountSerializer(many=True, help_text="Events and statements per ISO week, in date order.")
