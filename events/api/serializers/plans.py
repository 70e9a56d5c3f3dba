"""Reading: one plan per serializer class.

Each serializer derives, once, from its own declared fields a list of (name, getter,
converter) that builds the same dict DRF would, without DRF's per-field machinery for every
related record of a page."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter, itemgetter

from django.core.exceptions import ObjectDoesNotExist
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
from rest_framework import ISO_8601, fields, relations, serializers
from rest_framework.fields import SkipField
from rest_framework.settings import api_settings

from events.api.serializers.fields import ReferenceField

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

    #: Whether str() of what it gives depends only on the code (the Country's text is its code,
    #: not its name in the active language): a reader keeps that text by code (rows.Reader).
    country.text_by_code = field.countries_str_attr == "code"
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
