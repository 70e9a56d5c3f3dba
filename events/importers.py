"""Write curated fixtures and seed articles to the database.

The workflow behind `manage.py import_seeds`:

1. `read_fixtures` reads the curated fixture files and splits their objects into the
   ones that stand alone (codes, outlets, actors, events, article metadata...) and the
   ones that point into an article's text (statements, event sources), keyed by article.
2. `load_fixture_objects` writes the standalone objects, insert-only: an object whose
   natural key already exists is never overwritten, so a curator's edit in the admin
   survives every re-import (it is counted as "kept" when it differs from the fixture).
3. `import_article_file` validates one seed file, stores its verbatim text, then loads
   the curated objects that point into it, all in one transaction: a bad file leaves
   nothing half-written. `import_article_files` does it for many files; on PostgreSQL it
   writes runs of new files together (a few statements for twenty files), with the same rows
   and reports.

Every function returns counts; the command only formats them.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from events.event_drafting import clear_event_drafts, draft_events_of_articles, link_statements_of_articles
from events.ingest.eventlinks import link_statements
from events.ingest.gazetteer import Gazetteer
from events.ingest.knowledge import KnowledgeBase, KnownActor, load_knowledge_base, wordings
from events.ingest.pipeline import GazetteerEntry, GazetteerSource, Job, Prepared, Stored, extract_for_drafting
from events.ingest.records import ANONYMOUS, KNOWN, PROPOSED, ExtractedStatement, Extraction, ParsedArticle
from events.models import (
    Actor,
    ActorAlias,
    Article,
    Escalation,
    Event,
    EventSource,
    EventStatement,
    Outlet,
    ReviewStatus,
    Statement,
    Tenure,
)

CREATED, UPDATED, UNCHANGED, KEPT, SKIPPED = "created", "updated", "unchanged", "kept", "skipped"
# Of the drafts created, those with no speaker: counted among "created" too, and apart.
SPEAKER_NEEDED = "speaker needed"
ACTIONS = (CREATED, UPDATED, UNCHANGED, KEPT, SKIPPED, SPEAKER_NEEDED)


class ImportFailure(Exception):
    """Bad input that stops one unit of work (a fixture set or one file); the message says where and why."""


@dataclass
class Counts:
    """How many objects of each model were created, updated, left unchanged or kept (curated edit)."""

    by_action: dict[str, Counter] = field(default_factory=lambda: {action: Counter() for action in ACTIONS})

    def add(self, action: str, model: type[models.Model], n: int = 1) -> None:
        self.by_action[action][_key(model)] += n

    def total(self, action: str) -> int:
        return sum(self.by_action[action].values())

    def merge(self, other: Counts) -> None:
        for action in ACTIONS:
            self.by_action[action].update(other.by_action[action])

    def describe(self) -> str:
        parts = []
        for action in ACTIONS:
            counter = self.by_action[action]
            if counter:
                detail = ", ".join(f"{n} {one if n == 1 else many}" for (one, many), n in sorted(counter.items()))
                parts.append(f"{action} {self.total(action)} ({detail})")
        return "; ".join(parts) or "nothing to do"


def _key(model: type[models.Model]) -> tuple[str, str]:
    return (str(model._meta.verbose_name), str(model._meta.verbose_name_plural))


@dataclass
class FileReport:
    path: str
    counts: Counts = field(default_factory=Counts)
    warnings: list[str] = field(default_factory=list)
    # Curated records whose database version differs from the fixture and was kept.
    kept_notes: list[str] = field(default_factory=list)
    error: str | None = None
    skipped: bool = False


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
                raise ImportFailure(f"{where} ({_describe(obj)}): the same record as {seen[key]}: give it once")
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
    return curated


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


def _describe(obj: dict) -> str:
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
        raise ImportFailure(f"{label}: {_validation_reason(error)}") from error
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
        label = f"{where} ({_describe(obj)})"
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
    return tuple(key)


def _lookup_values(row: models.Model, lookups: tuple[str, ...]) -> tuple:
    values = []
    for lookup in lookups:
        value = row
        for part in lookup.split("__"):
            value = getattr(value, part)
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


def _validation_reason(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
    return " ".join(error.messages)


def load_standalone_fixtures(curated: CuratedFixtures) -> tuple[Counts, list[str]]:
    """Write the fixture objects that do not point into an article, all or nothing."""
    counts, kept_notes = Counts(), []
    with transaction.atomic():
        load_fixture_objects(curated.standalone, counts, kept_notes=kept_notes)
    return counts, kept_notes


def load_knowledge(knowledge: KnowledgeBase) -> Counts:
    """Insert the knowledge base's actors, their aliases and their tenures (events/ingest/knowledge.py)
    that the database does not hold yet, by natural key; never change a stored one.

    - An actor is its slug: a stored actor of that slug (reference.json's, or a curator's edit of
      one loaded before) keeps every value it has, whatever the knowledge base says (counted as
      unchanged), and gets only the knowledge base's aliases it lacks.
    - What a curator deleted stays deleted: an actor whose slug, an alias whose (actor, name), a
      tenure whose natural key the history records as deleted (merged away, removed as wrong) is
      not inserted again, and counted as kept.
    - New actors are verified records (the knowledge base is the team's checked data) with the
      entry's notes, its source URL, as their description; each comes after its affiliation.

    A bulk insert per model and level of affiliation, with history rows; values are checked as
    the forms would check them, and a refused one raises ImportFailure naming the entry. The
    caller holds the transaction: all or nothing.
    """
    counts = Counts()
    slugs = [actor.slug for actor in knowledge.actors]
    actors = Actor.objects.in_bulk(slugs, field_name="slug")
    deleted = set(
        Actor.history.filter(history_type="-", slug__in=[slug for slug in slugs if slug not in actors]).values_list(
            "slug", flat=True
        )
    )
    fresh: list[KnownActor] = []
    for known in knowledge.actors:
        stored = actors.get(known.slug)
        if stored is None:
            if known.slug in deleted:
                counts.add(KEPT, Actor)
            else:
                fresh.append(known)
        else:
            counts.add(UNCHANGED, Actor)
    for level in _affiliation_levels(fresh, knowledge):
        new = [_known_actor(known, actors) for known in level]
        bulk_create_with_history(new, Actor, default_change_reason="knowledge base")
        actors.update((actor.slug, actor) for actor in new)
        counts.add(CREATED, Actor, len(new))  # a level is never empty
    _load_known_aliases(knowledge, actors, counts)
    _load_tenures(knowledge, actors, counts)
    return counts


def _affiliation_levels(fresh: list[KnownActor], knowledge: KnowledgeBase) -> list[list[KnownActor]]:
    """The new actors in levels: an actor's affiliation is stored, or in an earlier level (the
    knowledge base has no affiliation loops: load_knowledge_base refuses them)."""
    waiting = {known.slug: known for known in fresh}
    levels = []
    while waiting:
        level = [known for known in waiting.values() if known.affiliation not in waiting]
        levels.append(level)
        for known in level:
            del waiting[known.slug]
    return levels


def _known_actor(known: KnownActor, actors: dict[str, Actor]) -> Actor:
    actor = Actor(
        slug=known.slug,
        name=known.name,
        kind=known.kind,
        country=known.country,
        role=known.role,
        # An affiliation to an actor a curator deleted is left empty rather than brought back.
        affiliation=actors.get(known.affiliation) if known.affiliation else None,
        description=known.notes,
        review_status=ReviewStatus.VERIFIED,
    )
    _check_known(actor, f"knowledge base: actor '{known.slug}'", exclude=("affiliation",))
    return actor


def _check_known(record: models.Model, label: str, *, exclude: tuple[str, ...]) -> None:
    """Field checks only (the relations come from rows just read; uniqueness is the database's)."""
    try:
        record.clean_fields(exclude=exclude)
        record.clean()
    except ValidationError as error:
        raise ImportFailure(f"{label}: {_validation_reason(error)}") from error


def _load_known_aliases(knowledge: KnowledgeBase, actors: dict[str, Actor], counts: Counts) -> None:
    """The knowledge base's aliases each actor lacks (compared case-insensitively, as the database's
    constraint does), but those a curator deleted from it."""
    ids = [actors[known.slug].pk for known in knowledge.actors if known.slug in actors]
    have: set[tuple[int, str]] = {
        (actor_id, name.casefold()) for actor_id, name in ActorAlias.objects.filter(actor__in=ids).values_list(
            "actor_id", "name"
        )
    }
    removed = {
        (actor_id, name.casefold())
        for actor_id, name in ActorAlias.history.filter(history_type="-", actor_id__in=ids).values_list(
            "actor_id", "name"
        )
    }
    new = []
    for known in knowledge.actors:
        actor = actors.get(known.slug)
        if actor is None:
            continue
        for name in known.aliases:
            key = (actor.pk, name.casefold())
            if key in have or name.casefold() == actor.name.casefold():
                counts.add(UNCHANGED, ActorAlias)
            elif key in removed:
                counts.add(KEPT, ActorAlias)
            else:
                alias = ActorAlias(actor=actor, name=name, kind=ActorAlias.Kind.OTHER)
                _check_known(alias, f"knowledge base: actor '{known.slug}' alias {name!r}", exclude=("actor",))
                new.append(alias)
            have.add(key)
    if new:
        bulk_create_with_history(new, ActorAlias, default_change_reason="knowledge base")
        counts.add(CREATED, ActorAlias, len(new))


def _load_tenures(knowledge: KnowledgeBase, actors: dict[str, Actor], counts: Counts) -> None:
    """Each office's holders with their dates, by natural key (office, person, start); a holder a
    curator deleted is not brought back, nor a tenure deleted from the admin."""
    def key(office: str, actor_id: int, start: dt.date | None) -> tuple:
        return (office, actor_id, start)

    offices = [office.slug for office in knowledge.offices]
    stored = set(Tenure.objects.filter(office__in=offices).values_list("office", "actor_id", "start"))
    removed = set(
        Tenure.history.filter(history_type="-", office__in=offices).values_list("office", "actor_id", "start")
    )
    new = []
    for office in knowledge.offices:
        organisation = actors.get(office.organisation) if office.organisation else None
        for held in office.holders:
            actor = actors.get(held.actor)
            if actor is None or key(office.slug, actor.pk, held.start) in removed:
                counts.add(KEPT, Tenure)
                continue
            if key(office.slug, actor.pk, held.start) in stored:
                counts.add(UNCHANGED, Tenure)
                continue
            tenure = Tenure(
                actor=actor,
                office=office.slug,
                title=office.title,
                organisation=organisation,
                start=held.start,
                end=held.end,
                notes=office.notes,
            )
            _check_known(tenure, f"knowledge base: office '{office.slug}' holder '{held.actor}'", exclude=("actor", "organisation"))
            new.append(tenure)
            stored.add(key(office.slug, actor.pk, held.start))
    if new:
        bulk_create_with_history(new, Tenure, default_change_reason="knowledge base")
        counts.add(CREATED, Tenure, len(new))


def articles_not_found(curated: CuratedFixtures, file_names: set[str]) -> list[str]:
    """Where fixture objects point into an article that is neither stored, nor described by the
    fixtures, nor among the files being imported: a natural key pointing to nothing."""
    stored = set(Article.objects.filter(source_ref__in=list(curated.by_article)).values_list("source_ref", flat=True))
    return [
        f"{objects[0][0]} ({_describe(objects[0][1])}): no article {key!r} (not in the database, the fixtures "
        "or the files given)"
        for key, objects in curated.by_article.items()
        if key not in stored and key not in file_names
    ]


def import_jobs(
    files: list[tuple[Path, Path | None]], *, published_on: dt.date | None = None, redraft: bool = False
) -> Iterator[Job]:
    """The pipeline's jobs for seed files (path, the folder it was found in or None), each with what
    the database holds of its article now, read in batches (events/ingest/pipeline.py)."""
    for at in range(0, len(files), 500):
        batch = files[at : at + 500]
        stored = {
            ref: Stored(sha256, day, drafted_at is not None)
            for ref, sha256, day, drafted_at in Article.objects.filter(
                source_ref__in=[path.name for path, _ in batch]
            ).values_list("source_ref", "sha256", "published_on", "drafted_at")
        }
        for path, within in batch:
            yield Job(path, within, stored.get(path.name), published_on, redraft)


def import_article_file(
    prepared: Prepared,
    *,
    curated: CuratedFixtures,
    published_on: dt.date | None = None,
    outlet: Outlet | None = None,
    gazetteer: GazetteerSource | None = None,
    cache: DraftCache | None = None,
    redraft: bool = False,
) -> FileReport:
    """Store the text of one seed file (read and parsed by the pipeline, events/ingest/pipeline.py),
    load the curated records that point into it, then (given a gazetteer) draft statements for
    what the curated records do not cover.

    An unchanged file whose text was drafted before is not drafted again: the actors known
    now (a speaker proposed by another file since) could draft what was not drafted then,
    and re-importing an unchanged file must create nothing. `redraft` drafts it anyway
    (new drafts only where nothing is stored, as always).

    The file is written in one transaction (a savepoint when called inside another):
    on any error nothing of it stays, and the report carries the reason. `cache` keeps the
    rows drafting reads (actors, escalations) from one file to the next of an import run.
    """
    cache = cache if cache is not None else DraftCache()
    cache.begin_file()
    path, parsed = prepared.path, prepared.parsed
    report = FileReport(path=str(path), error=prepared.error)
    if parsed is None:
        return report
    try:
        with transaction.atomic():
            drafting = gazetteer is not None
            article = _store_article(
                parsed, path=path, report=report, published_on=published_on, outlet=outlet, drafting=drafting
            )
            if article is not None:
                objects = curated.by_article.get(article.source_ref, [])
                _make_way_for_curated(article, objects, report)
                load_fixture_objects(objects, report.counts, kept_notes=report.kept_notes)
                unchanged = report.counts.by_action[UNCHANGED][_key(Article)] == 1
                if drafting and (redraft or not unchanged or article.drafted_at is None):
                    # A new article with no curated records has no statements to look up.
                    new = report.counts.by_action[CREATED][_key(Article)] == 1 and not objects
                    draft_statements(
                        article,
                        parsed,
                        gazetteer=gazetteer,
                        counts=report.counts,
                        cache=cache,
                        new_article=new,
                        extraction=prepared.extraction,
                    )
                    if unchanged:  # a new or changed text got drafted_at with its other columns
                        Article.objects.filter(pk=article.pk).update(drafted_at=timezone.now())
    except ImportFailure as error:
        report.error = f"{path}: {error}"
        report.counts = Counts()
    if report.error:
        cache.forget_file()
    return report


# New files are written this many at a time (import_article_files), by database: one INSERT for
# their articles, one for their drafts and one for the drafts' targets, in one savepoint. Per file
# that saves the round trips of its savepoint, lookups and inserts, which at 10^6 events on
# PostgreSQL took as long as the database's work itself (bench/RESULTS.md). Not more than 20:
# while the importer writes a batch it reads no result from the worker extracting files ahead
# (events/ingest/pipeline.py), which stops once its pipe is full. SQLite runs in the importing
# process, where a round trip is a function call: there batches saved nothing in the pipeline
# (10,000 files into the 10^5 corpus: 25.2-29.2 s in batches of 20, 30.3 s of 50, 23.2-27.1 s one
# file at a time), so a database not named here imports file by file.
FILES_PER_BATCH = {"postgresql": 20}


class _NotNew(Exception):
    """A file of a batch names a stored article, or has a stored article's text."""


def import_article_files(
    prepared_files: Iterable[Prepared],
    *,
    curated: CuratedFixtures,
    published_on: dt.date | None = None,
    outlet: Outlet | None = None,
    gazetteer: GazetteerSource | None = None,
    cache: DraftCache | None = None,
    redraft: bool = False,
) -> Iterator[FileReport]:
    """import_article_file for each prepared file, in order, with the same rows and reports.

    Runs of new files (no stored article of their name or text, no curated records pointing
    into them: every file of a first import) are written FILES_PER_BATCH at a time (PostgreSQL).
    A batch is one savepoint: when one of its files turns out not to be new, or is refused,
    the batch is rolled back and each of its files is imported on its own, so a bad file still
    fails alone, with its own reason. A file with the text or name of one waiting in the batch
    ends the batch first, so it meets that file stored, as it would one file at a time.
    """
    cache = cache if cache is not None else DraftCache()
    size = FILES_PER_BATCH.get(connection.vendor, 1)
    one_by_one = functools.partial(
        import_article_file,
        curated=curated,
        published_on=published_on,
        outlet=outlet,
        gazetteer=gazetteer,
        cache=cache,
        redraft=redraft,
    )
    pending: list[Prepared] = []

    def flush() -> list[FileReport]:
        reports = _import_new_files(
            pending, one_by_one, published_on=published_on, outlet=outlet, gazetteer=gazetteer, cache=cache
        )
        pending.clear()
        return reports

    for prepared in prepared_files:
        if size < 2 or not _maybe_new(prepared, curated, gazetteer, published_on):
            yield from flush()
            yield one_by_one(prepared)
            continue
        name, sha256 = prepared.path.name, prepared.parsed.sha256
        if any(other.path.name == name or other.parsed.sha256 == sha256 for other in pending):
            yield from flush()
        pending.append(prepared)
        if len(pending) >= size:
            yield from flush()
    yield from flush()


def _maybe_new(
    prepared: Prepared, curated: CuratedFixtures, gazetteer: GazetteerSource | None, published_on: dt.date | None
) -> bool:
    """Whether a prepared file can join a batch of new files: it parsed, no curated record points
    into it, and (drafting) the pipeline extracted it with the date a new article of it gets."""
    if prepared.parsed is None or prepared.error or prepared.path.name in curated.by_article:
        return False
    return gazetteer is None or (prepared.extraction is not None and prepared.extraction.published_on == published_on)


def _import_new_files(
    pending: list[Prepared],
    one_by_one: Callable[[Prepared], FileReport],
    *,
    published_on: dt.date | None,
    outlet: Outlet | None,
    gazetteer: GazetteerSource | None,
    cache: DraftCache,
) -> list[FileReport]:
    """Write a batch of files expected to be new in one savepoint, or else each on its own."""
    if len(pending) < 2:
        return [one_by_one(prepared) for prepared in pending]
    cache.begin_file()
    try:
        with transaction.atomic():
            return _write_new_files(pending, published_on=published_on, outlet=outlet, gazetteer=gazetteer, cache=cache)
    except (_NotNew, ImportFailure, DatabaseError):
        # Rolled back whole: each file again on its own, which reports a bad one with its reason.
        cache.forget_file()
        return [one_by_one(prepared) for prepared in pending]


def _write_new_files(
    pending: list[Prepared],
    *,
    published_on: dt.date | None,
    outlet: Outlet | None,
    gazetteer: GazetteerSource | None,
    cache: DraftCache,
) -> list[FileReport]:
    """Store the articles of new files and their drafts, three INSERTs for the batch; _NotNew
    when one of them has the name or the text of a stored article."""
    names = [prepared.path.name for prepared in pending]
    hashes = [prepared.parsed.sha256 for prepared in pending]
    # ~Q(sha256="") repeats the partial unique index's condition, so that the database can use it.
    # The rows (two per file at most: both columns are unique), not exists(): under its LIMIT 1
    # PostgreSQL scanned the articles (57 ms at 200,000 articles, against 2 ms for the index lookups).
    texts = models.Q(sha256__in=hashes) & ~models.Q(sha256="")
    if list(Article.objects.filter(models.Q(source_ref__in=names) | texts).order_by().values_list("pk")):
        raise _NotNew
    drafting = gazetteer is not None
    now = timezone.now()
    reports, articles = [], []
    for prepared in pending:
        fresh = _fresh_text(prepared.parsed, path=prepared.path, drafting=drafting, now=now)
        article = _new_article(
            prepared.parsed, path=prepared.path, published_on=published_on, outlet=outlet, fresh=fresh
        )
        _check_article(article)
        article.derive_hash()  # what save() derives
        articles.append(article)
        report = FileReport(path=str(prepared.path))
        report.counts.add(CREATED, Article)
        _flag_undated(article, prepared.path, report)
        reports.append(report)
    _insert_new(articles)
    if drafting:
        extractions = [
            _extraction_for(article, prepared.parsed, gazetteer, prepared.extraction)
            for article, prepared in zip(articles, pending, strict=True)
        ]
        cache.actors_by_slug(set().union(*map(_actor_keys, extractions)))
        drafts, targets = [], {}
        for article, extraction, report in zip(articles, extractions, reports, strict=True):
            mine, their_targets = _build_drafts(
                article, extraction, cache=cache, counts=report.counts, new_article=True, gazetteer=gazetteer
            )
            drafts += mine
            targets.update(their_targets)
            if mine:  # counted before the INSERT: a batch that fails is rolled back with its reports
                report.counts.add(CREATED, Statement, len(mine))
        _insert_drafts(drafts, targets, label=f"{names[0]} to {names[-1]}")
        _draft_events(
            [
                (article, prepared.parsed, extraction, report.counts)
                for article, prepared, extraction, report in zip(articles, pending, extractions, reports, strict=True)
            ],
            cache=cache,
            new_articles=True,
        )
    return reports


def import_curated_spans(source_ref: str, *, curated: CuratedFixtures) -> FileReport:
    """Load the curated statements and event sources of an article whose text is already
    stored (from an earlier import, or carried by the fixtures themselves, as an export of
    export_fixtures does), in one transaction; an error when it has no text to point into.
    """
    report = FileReport(path=source_ref)
    objects = curated.by_article.get(source_ref, [])
    article = Article.objects.with_text().filter(source_ref=source_ref).first()
    if article is None:
        report.error = (
            f"{source_ref}: {len(objects)} statement(s) and event source(s) point into this article, "
            "but no text of it is stored: import its seed file, or load fixtures that carry its body"
        )
        return report
    try:
        with transaction.atomic():
            _make_way_for_curated(article, objects, report)
            load_fixture_objects(objects, report.counts, kept_notes=report.kept_notes)
    except ImportFailure as error:
        report.error = f"{source_ref}: {error}"
        report.counts = Counts()
    return report


def _store_article(parsed, *, path: Path, report: FileReport, published_on, outlet, drafting) -> Article | None:
    """Create or fill the Article for a parsed file; None when the file is a duplicate to skip.

    `drafting`: statements will be drafted from a new or changed text (its drafted_at is set).
    """
    source_ref = path.name
    with connection.cursor() as cursor:
        cursor.execute(_article_and_twin_sql(connection.vendor), [source_ref, parsed.sha256, ""])
        rows = cursor.fetchall()
    twin = next((ref for _, ref in rows if ref != source_ref), None)
    if twin is not None:
        report.skipped = True
        report.warnings.append(f"{path}: skipped: same text as the article already imported as {twin!r}")
        return None
    pk = next((pk for pk, ref in rows if ref == source_ref), None)
    article = Article.objects.filter(pk=pk).first() if pk is not None else None
    fresh = _fresh_text(parsed, path=path, drafting=drafting, now=timezone.now())
    if article is None:
        article = _new_article(parsed, path=path, published_on=published_on, outlet=outlet, fresh=fresh)
        _save_article(article)
        report.counts.add(CREATED, Article)
    elif article.sha256 == parsed.sha256:
        report.counts.add(UNCHANGED, Article)
    else:
        _clear_drafts_of_changed_text(article, report)
        for name, value in fresh.items():
            setattr(article, name, value)
        # Title and caption come from the file unless a curator already set them.
        article.title = article.title or parsed.headline_text
        article.caption = article.caption or parsed.caption_text
        article.published_on = article.published_on or published_on
        article.outlet = article.outlet or outlet
        _save_article(article)
        report.counts.add(UPDATED, Article)
    _flag_undated(article, path, report)
    return article


def _fresh_text(parsed: ParsedArticle, *, path: Path, drafting: bool, now: dt.datetime) -> dict:
    """The columns a new or changed text sets on its article."""
    # A new or changed text is drafted now, or (--no-draft) waits for the next import that drafts.
    return {"body": parsed.text, "file_name": path.name, "imported_at": now, "drafted_at": now if drafting else None}


def _new_article(
    parsed: ParsedArticle, *, path: Path, published_on: dt.date | None, outlet: Outlet | None, fresh: dict
) -> Article:
    return Article(
        source_ref=path.name,
        title=parsed.headline_text,
        caption=parsed.caption_text,
        published_on=published_on,
        outlet=outlet,
        **fresh,
    )


def _flag_undated(article: Article, path: Path, report: FileReport) -> None:
    if article.published_on is None:
        report.warnings.append(f"{path}: no publication date is known: the article is flagged as undated")


@functools.cache
def _article_and_twin_sql(vendor: str) -> str:
    """The query for the article named `source_ref` and its twin (another article with the text
    whose hash is `sha256`), parameters [source_ref, sha256, ""], compiled once per run: Django
    compiles a queryset on every use, which took 0.3 ms a file, several times what running it takes.

    Both columns are unique, so at most two rows. ~Q(sha256="") repeats the partial unique
    index's condition so SQLite can use the index (a MULTI-INDEX OR of the two indexes).
    Two columns only: a new file (the common case) needs no more, a stored one is read after.
    """
    rows = (
        Article.objects.filter(models.Q(source_ref="?") | (models.Q(sha256="?") & ~models.Q(sha256="")))
        .order_by()
        .values_list("pk", "source_ref")[:2]
    )
    sql, params = rows.query.sql_with_params()
    if list(params) != ["?", "?", ""]:  # the parameters are not in the order the caller gives them
        raise RuntimeError(f"unexpected parameters for the article lookup: {params!r}")
    return sql


def _save_article(article: Article) -> None:
    _check_article(article)
    if article._state.adding:
        article.derive_hash()  # what save() derives
        _insert_new([article])
    else:
        article.save()


def _check_article(article: Article) -> None:
    # Field checks only: the importer looked the source_ref and the hash up already (what
    # Article.clean() and the unique checks would query again), and the database enforces both.
    try:
        article.clean_fields(exclude=("outlet", "republished_by"))
    except ValidationError as error:
        raise ImportFailure(_validation_reason(error)) from error


def _clear_drafts_of_changed_text(article: Article, report: FileReport) -> None:
    """Make way for a changed file: drop the importer's untouched drafts, refuse if anything else
    points into the old text (verified, rejected or edited statements, event sources)."""
    clear_event_drafts(article)
    statements = list(article.statements.select_related("speaker"))
    kept = [statement for statement in statements if not statement.is_untouched_draft]
    if kept or article.event_sources.exists():
        raise ImportFailure(
            f"the file has changed since it was imported as {article.source_ref!r}, and curated spans point into "
            f"the old text ({len(kept)} reviewed or edited statement(s), {article.event_sources.count()} event "
            "source(s)); nothing was changed (import the new text under a new file name, or move the spans first)"
        )
    if statements:
        article.statements.filter(pk__in=[statement.pk for statement in statements]).delete()
        report.warnings.append(
            f"{article.source_ref}: the file has changed: {len(statements)} untouched draft(s) of the old text "
            "were replaced by new drafts"
        )


def _overlap(start: int, end: int, other_start: int, other_end: int) -> bool:
    """Whether two character spans [start, end) share at least one character."""
    return other_start < end and start < other_end


def _make_way_for_curated(article: Article, objects: list[tuple[str, dict]], report: FileReport) -> None:
    """Curated statements supersede the importer's untouched drafts at the spans they cover."""
    new_spans = [
        (obj["fields"].get("start"), obj["fields"].get("end"))
        for _, obj in objects
        if obj.get("model") == "events.statement"
        and not Statement.objects.filter(ref=obj["fields"].get("ref")).exists()
    ]
    if not new_spans:
        return
    superseded = [
        draft.pk
        for draft in article.statements.filter(review_status=ReviewStatus.DRAFT)
        .exclude(extraction={})
        .select_related("speaker")
        if draft.is_untouched_draft and any(_overlap(draft.start, draft.end, s, e) for s, e in new_spans)
    ]
    if superseded:
        Statement.objects.filter(pk__in=superseded).delete()
        report.warnings.append(
            f"{article.source_ref}: {len(superseded)} untouched draft(s) gave way to curated statements at their spans"
        )


# Drafting -----------------------------------------------------------------------------------


def gazetteer_entries(knowledge: KnowledgeBase | None = None) -> list[GazetteerEntry]:
    """The gazetteer's entries (2 queries): every actor of the database that is not rejected,
    keyed by slug, with its aliases; then the knowledge base's actors the database does not
    hold (a fresh database drafts as well as a loaded one) and its offices.

    The database wins where both have an actor: curators' names and aliases are the ones used,
    and an actor a curator rejected stays out. People's genders come from the knowledge base.
    """
    knowledge = load_knowledge_base() if knowledge is None else knowledge
    genders = knowledge.genders()
    # Plain rows, not model instances: at 4,000 actors with 5,000 aliases, 0.9 s -> 0.05 s.
    actors = list(Actor.objects.values_list("pk", "slug", "name", "kind", "review_status"))
    aliases: dict[int, list[str]] = {}
    for actor_id, name in ActorAlias.objects.values_list("actor_id", "name"):  # ordered by actor, name
        aliases.setdefault(actor_id, []).append(name)
    known = {a.slug: a for a in knowledge.actors}
    entries: list[GazetteerEntry] = [
        (
            slug,
            name,
            kind,
            # The knowledge base's wordings too ("Defense" for "Defence"): a curator removes a
            # wording by editing the knowledge base, or the actor by rejecting it.
            [*aliases.get(pk, []), *(wordings(known[slug]) if slug in known else ())],
            {"gender": genders[slug]} if slug in genders else {},
        )
        for pk, slug, name, kind, status in actors
        if status != ReviewStatus.REJECTED
    ]
    return entries + knowledge.gazetteer_entries(skip={slug for _, slug, *_ in actors})


def build_gazetteer(knowledge: KnowledgeBase | None = None) -> Gazetteer:
    return Gazetteer.from_entries(gazetteer_entries(knowledge))


@dataclass
class DraftCache:
    """Rows that drafting reads for every file, kept across the files of one import run.

    Importing a file never changes an escalation or an actor that exists, so both are read
    once. An actor drafted for a file (a proposed or anonymous speaker) is forgotten again
    if that file fails, since its transaction takes the row with it.
    """

    actors: dict[str, Actor] = field(default_factory=dict)
    escalations: dict[dt.date | None, Escalation | None] = field(default_factory=dict)
    # Every escalation, read on first use (EscalationQuerySet.containing searches it in memory).
    _all_escalations: models.QuerySet = field(default_factory=Escalation.objects.all)
    _created: list[str] = field(default_factory=list)
    # Keys looked up and not found (such as a proposed speaker's "new:..." key), not asked again.
    _absent: set[str] = field(default_factory=set)

    def begin_file(self) -> None:
        self._created = []

    def forget_file(self) -> None:
        for slug in self._created:
            self.actors.pop(slug, None)
        self._created = []

    def actors_by_slug(self, slugs) -> dict[str, Actor]:
        """The cached actors, after reading those not yet cached (one query, none when all are)."""
        missing = [slug for slug in slugs if slug and slug not in self.actors and slug not in self._absent]
        if missing:
            found = Actor.objects.in_bulk(missing, field_name="slug")
            self.actors.update(found)
            self._absent.update(slug for slug in missing if slug not in found)
        return self.actors

    def escalation(self, day: dt.date | None) -> Escalation | None:
        if day not in self.escalations:
            self.escalations[day] = self._all_escalations.containing(day)
        return self.escalations[day]

    def created(self, slug: str, actor: Actor) -> None:
        self.actors[slug] = actor
        self._created.append(slug)


def draft_statements(
    article: Article,
    parsed: ParsedArticle,
    *,
    gazetteer: GazetteerSource,
    counts: Counts,
    cache: DraftCache | None = None,
    new_article: bool = False,
    extraction: Extraction | None = None,
) -> Extraction:
    """Write the extractor's statements for one article as drafts, never over a record that exists.

    A drafted quotation that overlaps any statement already stored for the article (curated,
    reviewed, or an earlier draft at another span) is skipped: a wrong speaker is worse than a
    missing one. Every other quotation is drafted: one whose speaker the extractor cannot tell
    has no speaker ("speaker needed", counted apart), with the actors the article names kept
    for the curator who chooses it (Statement.speaker_candidates). Re-drafting an unchanged article finds
    every draft by its ref and changes nothing. `new_article`: the article was created just now
    and nothing points into it yet (saves the query for its statements). `extraction`: the
    pipeline's, used when it was made with the article's publication date (it dates statements).
    """
    cache = cache if cache is not None else DraftCache()
    extraction = _extraction_for(article, parsed, gazetteer, extraction)
    cache.actors_by_slug(_actor_keys(extraction))
    drafts, targets = _build_drafts(
        article, extraction, cache=cache, counts=counts, new_article=new_article, gazetteer=gazetteer
    )
    if drafts:
        _insert_drafts(drafts, targets, label=article.source_ref)
        counts.add(CREATED, Statement, len(drafts))
    _draft_events([(article, parsed, extraction, counts)], cache=cache, new_articles=new_article)
    return extraction


def _draft_events(
    batch: list[tuple[Article, ParsedArticle, Extraction, Counts]], *, cache: DraftCache, new_articles: bool = False
) -> None:
    """The events the articles report, as drafts or as new sources of stored events, and the links
    of their statements to them (events/event_drafting.py): the same queries for one or many."""
    events = [extraction.events for _, _, extraction, _ in batch]
    keys = {key for found in events for e in found for key in (*(p.actor_key for p in e.participants), *e.reported_by)}
    keys |= {f.side for found in events for e in found for f in e.figures if f.side}
    actors = cache.actors_by_slug(keys)
    results = draft_events_of_articles(
        [(article, extraction.events) for article, _, extraction, _ in batch],
        actors=actors,
        escalation_of=cache.escalation,
        new_articles=new_articles,
    )
    linked = link_statements_of_articles(
        [
            (article, link_statements(parsed, e.statements, e.events), e.statements, done.events)
            for (article, parsed, e, _), done in zip(batch, results, strict=True)
        ]
    )
    for (_, _, _, counts), done, links in zip(batch, results, linked, strict=True):
        for action, model, n in (
            (CREATED, EventStatement, links),
            (CREATED, Event, done.events_created),
            (CREATED, EventSource, done.sources_created),
            (UNCHANGED, EventSource, done.unchanged),
            (SKIPPED, EventSource, done.skipped),
        ):
            if n:
                counts.add(action, model, n)


def _extraction_for(
    article: Article, parsed: ParsedArticle, gazetteer: GazetteerSource, extraction: Extraction | None
) -> Extraction:
    """The pipeline's extraction when it was made with the article's publication date, else a new one."""
    if extraction is None or extraction.published_on != article.published_on:
        # Unattributed quotations are drafted too ("speaker needed"), with their targets, dates and codes.
        extraction = extract_for_drafting(parsed, gazetteer.gazetteer, article.published_on)
    return extraction


def _actor_keys(extraction: Extraction) -> set[str]:
    """The slugs of the actors the drafts of an extraction name (speakers and targets)."""
    return {
        key
        for s in extraction.statements
        for key in (*s.targets, s.speaker.actor_key if s.speaker is not None else None)
        if key
    }


def _build_drafts(
    article: Article, extraction: Extraction, *, cache: DraftCache, counts: Counts, new_article: bool, gazetteer: GazetteerSource
) -> tuple[list[Statement], dict[str, list[Actor]]]:
    """The draft statements of an extraction that no stored statement covers, checked and ready to
    insert, with their targets by ref; counts what was unchanged or skipped. The actors the
    extraction names must be in `cache` (DraftCache.actors_by_slug); proposed speakers are created."""
    actors = cache.actors
    taken = [] if new_article else _taken_spans(article, extraction)
    proposed = {actor.key: actor for actor in extraction.proposed_actors}
    drafts, targets = [], {}
    ref_prefix = f"draft-{slugify(article.source_ref)}-"
    unchanged = skipped = needed = 0
    candidates = None  # the article's named actors, for its drafts with no speaker
    for extracted in extraction.statements:
        ref = f"{ref_prefix}{extracted.start}-{extracted.end}"
        if any(existing_ref == ref for _, _, existing_ref in taken):
            unchanged += 1
            continue
        if any(_overlap(extracted.start, extracted.end, s, e) for s, e, _ in taken):
            skipped += 1
            continue
        if extracted.speaker is None:
            speaker = None
            needed += 1
            candidates = candidates if candidates is not None else _candidates(article, extraction, gazetteer)
        else:
            speaker = _speaker_for(extracted, proposed, cache, counts)
        statement = Statement(
            ref=ref,
            article=article,
            speaker=speaker,
            kind=extracted.kind,
            quote=extracted.quote,
            start=extracted.start,
            end=extracted.end,
            cameo_id=extracted.cameo,
            said_on=extracted.date,
            said_on_precision=extracted.precision or "day",
            date_phrase=extracted.date_phrase[:200],
            escalation=cache.escalation(extracted.date),
            review_status=ReviewStatus.DRAFT,
        )
        statement.extraction = {
            "speaker_label": extracted.speaker.label if speaker else "",
            "speaker_status": extracted.speaker.status if speaker else SPEAKER_NEEDED,
            "attribution": extracted.attribution,
            "cue": extracted.cue,
            "date_rule": extracted.date_rule,
            "cameo_rule": extracted.cameo_rule,
            "fingerprint": statement.fingerprint(),
        }
        if speaker is None:
            statement.extraction["candidates"] = _nearest(candidates, extracted.start, extracted.end)
        label = f"{article.source_ref}: draft at {extracted.start}-{extracted.end}"
        try:
            # Relations come from rows just read; uniqueness, constraints and spans are the
            # database's to enforce on insert (an IntegrityError fails the whole file).
            statement.full_clean(exclude=RESOLVED, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise ImportFailure(f"{label}: {_validation_reason(error)}") from error
        statement.derive_period()
        drafts.append(statement)
        targets[ref] = [actors[key] for key in extracted.targets if key in actors and actors[key] != speaker]
        taken.append((extracted.start, extracted.end, ref))
    if unchanged:
        counts.add(UNCHANGED, Statement, unchanged)
    if skipped:
        counts.add(SKIPPED, Statement, skipped)
    if needed:
        counts.add(SPEAKER_NEEDED, Statement, needed)
    return drafts, targets


def _taken_spans(article: Article, extraction: Extraction) -> list[tuple[int, int, str]]:
    """(start, end, ref) of the article's stored statements, after making way for a speaker found
    since: an untouched "speaker needed" draft at a span the extraction now credits to someone (an
    actor added since, then --redraft) is deleted, to be drafted again with its speaker."""
    credited = {(s.start, s.end) for s in extraction.statements if s.speaker is not None}
    waiting = article.statements.filter(speaker__isnull=True, review_status=ReviewStatus.DRAFT)
    replaced = [draft.pk for draft in waiting if (draft.start, draft.end) in credited and draft.is_untouched_draft]
    if replaced:
        Statement.objects.filter(pk__in=replaced).delete()
    return list(article.statements.values_list("start", "end", "ref"))


# The candidate speakers kept with a draft that has none: the article's actors nearest to it.
CANDIDATES_KEPT = 8


def _candidates(
    article: Article, extraction: Extraction, gazetteer: GazetteerSource
) -> list[tuple[int, str | None, str]]:
    """(offset, slug or None, name) of each actor the article names (known ones by their gazetteer
    key, which is the actor's slug; proposed ones by name only), every mention.

    The pipeline's extractions come without their mentions (events/ingest/pipeline.py sends back
    only what drafting needed): then the gazetteer finds them again, for this article only.
    """
    mentions = extraction.mentions or gazetteer.gazetteer.find_mentions(article.body)
    found = [(m.start, m.actor_key, m.name or m.surface) for m in mentions if m.known]
    for actor in extraction.proposed_actors:
        found.append((actor.start, None, actor.name))
    return found


def _nearest(candidates: list[tuple[int, str | None, str]], start: int, end: int) -> list[dict]:
    """The distinct candidates nearest to the span [start, end), at most CANDIDATES_KEPT, nearest first."""
    by_distance = sorted(candidates, key=lambda c: (max(start - c[0], c[0] - end, 0), c[0]))
    chosen: dict[tuple, dict] = {}
    for _, slug, name in by_distance:
        key = (slug,) if slug else (None, name.casefold())
        if key not in chosen:
            chosen[key] = {"slug": slug, "name": name}
        if len(chosen) == CANDIDATES_KEPT:
            break
    return list(chosen.values())


# Foreign keys of a draft that draft_statements takes from rows it has just read.
RESOLVED = ("article", "speaker", "cameo", "escalation")


def _insert_drafts(drafts: list[Statement], targets: dict[str, list[Actor]], *, label: str) -> None:
    """Insert drafts (of one article, or of a batch of new ones) and their targets in two statements
    (save() is skipped: the callers have run derive_period()); `label` names them in an error."""
    try:
        _insert_new(drafts)
        _insert_new(
            [
                Statement.targets.through(statement_id=draft.pk, actor_id=actor.pk)
                for draft in drafts
                for actor in targets[draft.ref]
            ]
        )
    except IntegrityError as error:
        raise ImportFailure(f"{label}: the database refused a draft: {error}") from error


def _insert_new(records: list[models.Model]) -> None:
    """Insert new records of one model in one statement and give them their primary keys.

    The rows bulk_create would write (each field's pre_save(), for the timestamps, prepared by
    its get_db_prep_save(), as Django's insert compiler does), in an INSERT ... RETURNING
    compiled once per model and number of rows: Django compiles it again for every file, which
    took longer than SQLite takes to run it. Like bulk_create it skips save() and the signals,
    so the callers derive what save() would (Statement.derive_period(), Article.derive_hash()),
    and the related records must be saved rows.
    """
    if not records:
        return
    # The connection itself, as Django's compiler passes it to the fields: `connection` is a proxy
    # that looks the connection up again (in an asgiref Local) on every attribute the fields read.
    db = transaction.get_connection()
    model = type(records[0])
    fields = _insert_fields(model)
    size = max(db.ops.bulk_batch_size(fields, records), 1)  # as bulk_create splits them
    with db.cursor() as cursor:
        for at in range(0, len(records), size):
            batch = records[at : at + size]
            params = [field.get_db_prep_save(field.pre_save(record, True), db) for record in batch for field in fields]
            cursor.execute(_insert_sql(model, len(batch), db.vendor), params)
            for record, (key,) in zip(batch, cursor.fetchall(), strict=True):
                record.pk = key
                record._state.adding = False
                record._state.db = db.alias


@functools.cache
def _insert_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    """The columns bulk_create writes for a record without a primary key."""
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key and not f.generated)


@functools.cache
def _insert_sql(model: type[models.Model], rows: int, vendor: str) -> str:
    ops, fields = connection.ops, _insert_fields(model)
    if any(hasattr(f, "get_placeholder") for f in fields) or not connection.features.can_return_rows_from_bulk_insert:
        raise NotImplementedError(f"_insert_new() cannot insert {model.__name__} rows on {vendor}")
    returning, returning_params = ops.return_insert_columns([model._meta.pk])
    if returning_params:
        raise NotImplementedError(f"_insert_new() cannot read the keys of new rows on {vendor}")
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    values = ops.bulk_insert_sql(fields, [["%s"] * len(fields)] * rows)
    return f"{ops.insert_statement()} {ops.quote_name(model._meta.db_table)} ({columns}) {values} {returning}"


def _speaker_for(extracted: ExtractedStatement, proposed: dict, cache: DraftCache, counts: Counts) -> Actor:
    """The Actor a drafted statement is attributed to; proposed and anonymous speakers become draft actors.

    `cache.actors` maps slugs to the actors already read, and learns new ones.
    """
    actors = cache.actors
    speaker = extracted.speaker
    if speaker.status == KNOWN or (speaker.status == ANONYMOUS and speaker.actor_key):
        found = actors.get(speaker.actor_key) or Actor.objects.filter(slug=speaker.actor_key).first()
        if found:
            return found
        # A knowledge-base actor that was not loaded into this database yet: drafted from it.
        known = load_knowledge_base().actor(speaker.actor_key)
        if known is None:
            raise Actor.DoesNotExist(f"no actor has the slug {speaker.actor_key!r}")
        slug = known.slug
        defaults = {"name": known.name, "kind": known.kind, "country": known.country, "role": known.role[:200]}
    elif speaker.status == PROPOSED and speaker.actor_key in proposed:
        candidate = proposed[speaker.actor_key]
        defaults = {"name": candidate.name, "kind": candidate.kind or Actor.Kind.PERSON, "role": candidate.role}
        slug = slugify(candidate.name)[:100] or "proposed-speaker"
    else:
        label = " ".join(speaker.label.split())
        defaults = {"name": label[:1].upper() + label[1:], "kind": Actor.Kind.UNNAMED_SOURCE}
        slug = ("unnamed-" + slugify(label))[:100]
    if slug in actors:
        return actors[slug]
    actor, created = Actor.objects.get_or_create(slug=slug, defaults={**defaults, "review_status": ReviewStatus.DRAFT})
    if created:
        counts.add(CREATED, Actor)
        cache.created(slug, actor)
    else:
        actors[slug] = actor
    return actor
