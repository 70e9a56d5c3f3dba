"""Writes validated by the model itself: unknown fields refused, full_clean() on the instance the
write would save, and the version a versioned record's edit is based on."""

from __future__ import annotations

import copy
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django_countries.serializers import CountryFieldMixin
from rest_framework import serializers
from rest_framework.serializers import raise_errors_on_nested_writes
from rest_framework.settings import api_settings
from rest_framework.utils import model_meta

from events.api.serializers.plans import ModelSerializer

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
