"""The knowledge base (fixtures/knowledge/) into Actor, ActorAlias and Tenure, insert-only."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.utils import bulk_create_with_history

from events.importers.results import (
    CREATED,
    KEPT,
    UNCHANGED,
    Counts,
    ImportFailure,
    validation_reason,
)
from events.ingest.knowledge import KnowledgeBase, KnownActor
from events.models import Actor, ActorAlias, ReviewStatus, Tenure


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
        raise ImportFailure(f"{label}: {validation_reason(error)}") from error


def _load_known_aliases(knowledge: KnowledgeBase, actors: dict[str, Actor], counts: Counts) -> None:
    """The knowledge base's aliases each actor lacks (compared case-insensitively, as the database's
    constraint does), but those a curator deleted from it."""
    ids = [actors[known.slug].pk for known in knowledge.actors if known.slug in actors]
    have: set[tuple[int, str]] = {
        (actor_id, name.casefold())
        for actor_id, name in ActorAlias.objects.filter(actor__in=ids).values_list("actor_id", "name")
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
            _check_known(
                tenure,
                f"knowledge base: office '{office.slug}' holder '{held.actor}'",
                exclude=("actor", "organisation"),
            )
            new.append(tenure)
            stored.add(key(office.slug, actor.pk, held.start))
    if new:
        bulk_create_with_history(new, Tenure, default_change_reason="knowledge base")
        counts.add(CREATED, Tenure, len(new))
