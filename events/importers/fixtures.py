"""Curated fixtures, insert-only: an object whose natural key exists is never overwritten, so a
curator's edit survives every re-import (counted as "kept" when it differs from the fixture)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import IntegrityError, models, transaction

from events.importers.results import (
    CREATED,
    KEPT,
    UNCHANGED,
    UPDATED,
    Counts,
    ImportFailure,
    validation_reason,
)
from events.models import Article


@dataclass
class CuratedFixtures:
    """Fixture objects in load order: standalone ones, and span-bearing ones keyed by article source_ref."""

    standalone: list[tuple[str, dict]] = field(default_factory=list)
    by_article: dict[str, list[tuple[str, dict]]] = field(default_factory=dict)


def read_fixtures(paths: list[Path]) -> CuratedFixtures:
    """Read fixture files (Django JSON, natural keys) and check their shape before anything is written."""
    curated = CuratedFixtures()
    seen: dict[str, str] = {}  # natural key -> where its first object is
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ImportFailure(f"{path}: cannot read the fixture: {error.strerror or error}") from error
        except UnicodeDecodeError as error:
            raise ImportFailure(f"{path}: not UTF-8 (byte {error.start})") from error
        except json.JSONDecodeError as error:
            raise ImportFailure(f"{path}:{error.lineno}: not valid JSON: {error.msg}") from error
        if not isinstance(data, list):
            raise ImportFailure(f"{path}: a fixture is a JSON list of objects, not {type(data).__name__}")
        for index, obj in enumerate(data):
            where = f"{path}: object {index}"
            if not isinstance(obj, dict) or not isinstance(obj.get("model"), str):
                raise ImportFailure(f"{where}: every object needs a 'model' (e.g. 'events.actor') and 'fields'")
            if not isinstance(obj.get("fields"), dict):
                raise ImportFailure(f"{where} ({obj['model']}): 'fields' must be an object")
            key = _natural_key(obj)
            if key is not None and key in seen:
                raise ImportFailure(f"{where} ({describe(obj)}): the same record as {seen[key]}: give it once")
            seen.setdefault(key, where)
            article = obj["fields"].get("article")
            if article is None:
                curated.standalone.append((where, obj))
            else:
                key = article[0] if isinstance(article, list) and len(article) == 1 else None
                if not isinstance(key, str):
                    raise ImportFailure(
                        f"{where} ({obj['model']}): 'article' must be a natural key like [\"file.txt\"]"
                    )
                curated.by_article.setdefault(key, []).append((where, obj))
    _with_their_spans(curated)
    return curated


def _with_their_spans(curated: CuratedFixtures) -> None:
    """Move the objects that hang on a statement or an event source of these fixtures (a source's
    figures, a statement's links to events, a source's placing of its event) to that record's
    article, after it: they load in its unit, once the record exists. Those whose record is not in
    the fixtures stay standalone (it must be stored already; loading says so if it is not)."""
    articles = {
        (obj["model"].lower(), ref): key
        for key, objects in curated.by_article.items()
        for _, obj in objects
        if isinstance(ref := obj["fields"].get("ref"), str)
    }
    standalone = []
    for where, obj in curated.standalone:
        article = _article_named(obj, articles)
        if article is None:
            standalone.append((where, obj))
        else:
            curated.by_article[article].append((where, obj))
    curated.standalone = standalone


def _article_named(obj: dict, articles: dict[tuple[str, str], str]) -> str | None:
    """The article of the statement or event source that `obj` names by natural key (a one-string
    list), when the fixtures hold that record; None otherwise, also for a value of the wrong shape,
    which deserialization reports."""
    try:
        model = apps.get_model(obj["model"])
    except (LookupError, ValueError):
        return None
    for model_field in model._meta.concrete_fields:
        value = obj["fields"].get(model_field.name)
        if model_field.many_to_one and isinstance(value, list) and len(value) == 1 and isinstance(value[0], str):
            article = articles.get((model_field.related_model._meta.label_lower, value[0]))
            if article is not None:
                return article
    return None


def _natural_key(obj: dict) -> str | None:
    """The identity of a fixture object (model and natural key), to find one given twice; None when
    the model is unknown (deserialization reports that) or has no natural key."""
    try:
        model = apps.get_model(obj["model"])
    except (LookupError, ValueError):
        return None
    lookups = getattr(model._default_manager, "lookups", None)
    if not lookups:
        return None
    fields = obj["fields"]
    values = [
        obj.get("pk") if lookup == model._meta.pk.name else fields.get(lookup.split("__")[0]) for lookup in lookups
    ]
    return json.dumps([model._meta.label_lower, *values], sort_keys=True, default=str)


def describe(obj: dict) -> str:
    fields = obj.get("fields", {})
    key = obj.get("pk") or fields.get("ref") or fields.get("slug") or fields.get("source_ref") or fields.get("name")
    return f"{obj.get('model')} {key!r}" if key is not None else str(obj.get("model"))


def _compare(existing: models.Model, new: models.Model, fields: dict, m2m: dict) -> tuple[list[str], list[str]]:
    """Compare the curated fields a fixture names with the stored record.

    Returns (fields the database leaves empty and the fixture fills, fields where the two
    disagree). Fields the database derives or stamps itself (timestamps, date_from/date_to,
    hashes) are not editable and not compared: only what a curator can change counts.
    """
    fillable, conflicting = [], []
    for name in fields:
        model_field = existing._meta.get_field(name)
        if not model_field.editable:
            continue
        if model_field.many_to_many:
            stored, wanted = set(getattr(existing, name).values_list("pk", flat=True)), set(m2m.get(name, []))
        else:
            stored, wanted = getattr(existing, model_field.attname), getattr(new, model_field.attname)
        if stored != wanted:
            (fillable if stored in (None, "", set()) else conflicting).append(name)
    return fillable, conflicting


def _write(instance: models.Model, m2m: dict, label: str) -> None:
    """Validate and save one record with its many-to-many values, or explain why not.

    No savepoint of its own: an error fails the whole unit (fixture set or file), whose
    transaction the caller holds.
    """
    try:
        instance.full_clean()
        instance.save()
        for name, values in m2m.items():
            getattr(instance, name).set(values)
    except ValidationError as error:
        raise ImportFailure(f"{label}: {validation_reason(error)}") from error
    except ObjectDoesNotExist as error:  # a related id (not a natural key) naming nothing, met by clean()
        raise ImportFailure(f"{label}: refers to something that does not exist: {error}") from error
    except IntegrityError as error:
        raise ImportFailure(f"{label}: the database refused it: {error}") from error


def load_fixture_objects(objects: list[tuple[str, dict]], counts: Counts, *, kept_notes: list[str]) -> None:
    """Insert the fixture objects that are not in the database yet; never overwrite a stored value.

    A record that exists only gets the fields it leaves empty (e.g. the publication date of
    an article imported before its metadata was curated); a field whose stored value
    differs from the fixture is a curator's edit and is kept.
    """
    unchanged = _stored_as_is(objects)
    for index, (where, obj) in enumerate(objects):
        if index in unchanged:
            counts.add(UNCHANGED, unchanged[index])
            continue
        label = f"{where} ({describe(obj)})"
        try:
            (deserialized,) = serializers.deserialize("python", [obj], handle_forward_references=False)
        except DeserializationError as error:
            raise ImportFailure(f"{label}: {_deserialization_reason(error)}") from error
        instance = deserialized.object
        model = type(instance)
        existing = model._default_manager.filter(pk=instance.pk).first() if instance.pk is not None else None
        if existing is None:
            stamps = _stamps(instance, obj["fields"])
            _write(instance, deserialized.m2m_data, label)
            if stamps:
                # save() stamps "now"; the fixture's own times are restored (an export's round trip).
                model._default_manager.filter(pk=instance.pk).update(**stamps)
            counts.add(CREATED, model)
            continue
        fillable, conflicting = _compare(existing, instance, obj["fields"], deserialized.m2m_data)
        if fillable:
            m2m = {name: values for name, values in deserialized.m2m_data.items() if name in fillable}
            for name in fillable:
                if name not in m2m:
                    attname = model._meta.get_field(name).attname
                    setattr(existing, attname, getattr(instance, attname))
            _write(existing, m2m, label)
        if conflicting:
            counts.add(KEPT, model)
            kept_notes.append(f"{label}: kept the database version of {', '.join(conflicting)}")
        else:
            counts.add(UPDATED if fillable else UNCHANGED, model)


def _stamps(instance: models.Model, fields: dict) -> dict:
    """The auto_now / auto_now_add timestamps a fixture object gives, which save() would replace."""
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)) and f.name in fields
    }


# Field types whose value can differ from the stored one though their JSON is the same
# (milliseconds only in JSON, float rounding): such objects take the full comparison.
_LOSSY_JSON = (models.DateTimeField, models.TimeField, models.FloatField)


def _stored_as_is(objects: list[tuple[str, dict]]) -> dict[int, type[models.Model]]:
    """The fixture objects (by index) whose every editable field the database already holds with
    exactly the fixture's value: what `load_fixture_objects` would count as unchanged.

    One query per model (by natural key, with the related rows the comparison needs) instead
    of one lookup per object and per foreign key, so an unchanged fixture set costs a handful of
    queries. Anything this cannot decide cheaply (no natural-key manager, unexpected shapes,
    lossy field types, a difference) is left to the full comparison.
    """
    by_model: dict[type[models.Model], list[tuple[int, tuple]]] = {}
    for index, (_, obj) in enumerate(objects):
        try:
            model = apps.get_model(obj["model"])
            key = _natural_key_of(model, obj)
        except (LookupError, ValueError, KeyError, TypeError, IndexError):
            continue
        if key is not None:
            by_model.setdefault(model, []).append((index, key))
    found: dict[int, type[models.Model]] = {}
    for model, keyed in by_model.items():
        lookups = model._default_manager.lookups
        if len(lookups) == 1 and all(key[0] is not None for _, key in keyed):
            # One IN (...) lookup: Django compiles it much faster than an OR of hundreds of equalities.
            condition = models.Q(**{f"{lookups[0]}__in": [key[0] for _, key in keyed]})
        else:
            condition = models.Q(
                *(models.Q(**dict(zip(lookups, key, strict=True))) for _, key in keyed), _connector=models.Q.OR
            )
        relations = [f.name for f in model._meta.concrete_fields if f.is_relation]
        many = [f.name for f in model._meta.many_to_many]
        rows = list(model._default_manager.filter(condition).select_related(*relations).prefetch_related(*many))
        stored = json.loads(
            serializers.serialize("json", rows, use_natural_foreign_keys=True, use_natural_primary_keys=True)
        )
        stored_by_key = {_lookup_values(row, lookups): data["fields"] for row, data in zip(rows, stored, strict=True)}
        for index, key in keyed:
            fields, values = objects[index][1]["fields"], stored_by_key.get(key)
            if values is not None and _same_editable_values(model, fields, values):
                found[index] = model
    return found


def _natural_key_of(model: type[models.Model], obj: dict) -> tuple | None:
    """The natural key a fixture object names, in the order of its manager's lookups (or None)."""
    lookups = getattr(model._default_manager, "lookups", None)
    if not lookups:
        return None
    key = []
    for lookup in lookups:
        name, _, related = lookup.partition("__")
        if related:
            value = obj["fields"][name]
            if not isinstance(value, list) or len(value) != 1:
                return None
            key.append(value[0])
        elif model._meta.pk.name == name and "pk" in obj:
            key.append(obj["pk"])
        else:
            key.append(obj["fields"][name])
    try:
        hash(key := tuple(key))
    except TypeError:  # a list or an object where a value belongs: deserialization reports it
        return None
    return key


def _lookup_values(row: models.Model, lookups: tuple[str, ...]) -> tuple:
    values = []
    for lookup in lookups:
        value = row
        for part in lookup.split("__"):
            value = getattr(value, part) if value is not None else None  # an empty relation: None
        values.append(value)
    return tuple(values)


def _same_editable_values(model: type[models.Model], fields: dict, stored: dict) -> bool:
    for name, value in fields.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        if not model_field.editable:
            continue
        if isinstance(model_field, _LOSSY_JSON) or name not in stored:
            return False
        if stored[name] != value and not (_by_primary_key(model_field) and stored[name] == [value]):
            return False
    return True


def _by_primary_key(model_field) -> bool:
    """A foreign key whose target's natural key is its primary key ("event_type": "190" is ["190"])."""
    if not model_field.many_to_one:
        return False
    target = model_field.related_model
    return getattr(target._default_manager, "lookups", None) == (target._meta.pk.name,)


def _deserialization_reason(error: DeserializationError) -> str:
    # Django raises DeserializationError inside the handler of the original error.
    cause = error.__cause__ or error.__context__ or error
    if isinstance(cause, ValidationError):  # a value of the wrong type ("many" for a number)
        return " ".join(cause.messages)
    if isinstance(cause, ObjectDoesNotExist):
        value = re.search(r"field_value was '(.*)'$", str(error))
        where = f" (value {value.group(1)})" if value else ""
        return f"refers to something that does not exist: {str(cause).rstrip('.')}{where}"
    return str(cause).splitlines()[0] if str(cause) else type(cause).__name__


def load_standalone_fixtures(curated: CuratedFixtures) -> tuple[Counts, list[str]]:
    """Write the fixture objects that do not point into an article, all or nothing."""
    counts, kept_notes = Counts(), []
    with transaction.atomic():
        load_fixture_objects(curated.standalone, counts, kept_notes=kept_notes)
    return counts, kept_notes


def articles_not_found(curated: CuratedFixtures, file_names: set[str]) -> list[str]:
    """Where fixture objects point into an article that is neither stored, nor described by the
    fixtures, nor among the files being imported: a natural key pointing to nothing."""
    stored = set(Article.objects.filter(source_ref__in=list(curated.by_article)).values_list("source_ref", flat=True))
    return [
        f"{objects[0][0]} ({describe(objects[0][1])}): no article {key!r} (not in the database, the fixtures "
        "or the files given)"
        for key, objects in curated.by_article.items()
        if key not in stored and key not in file_names
    ]
