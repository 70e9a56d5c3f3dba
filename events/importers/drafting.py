"""Drafting statements from an article's text: the extractor's findings (events/ingest/) become
draft Statements, beside what is stored and never over a curated record."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.utils.text import slugify

from events.importers.inserts import insert_new
from events.importers.results import (
    CREATED,
    SKIPPED,
    SPEAKER_NEEDED,
    UNCHANGED,
    Counts,
    ImportFailure,
    validation_reason,
)
from events.ingest.extract import extract_article
from events.ingest.gazetteer import Gazetteer
from events.ingest.knowledge import KnowledgeBase, load_knowledge_base, wordings
from events.ingest.pipeline import GazetteerEntry, GazetteerSource
from events.ingest.records import ANONYMOUS, KNOWN, PROPOSED, ExtractedStatement, Extraction, ParsedArticle
from events.models import Actor, ActorAlias, Article, Escalation, ReviewStatus, Statement


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
    extraction = extraction_for(article, parsed, gazetteer, extraction)
    cache.actors_by_slug(actor_keys(extraction))
    drafts, targets = build_drafts(
        article, extraction, cache=cache, counts=counts, new_article=new_article, gazetteer=gazetteer
    )
    if drafts:
        insert_drafts(drafts, targets, label=article.source_ref)
        counts.add(CREATED, Statement, len(drafts))
    return extraction


def extraction_for(
    article: Article, parsed: ParsedArticle, gazetteer: GazetteerSource, extraction: Extraction | None
) -> Extraction:
    """The pipeline's extraction when it was made with the article's publication date, else a new one."""
    if extraction is None or extraction.published_on != article.published_on:
        # Unattributed quotations are drafted too ("speaker needed"), with their targets, dates and codes.
        extraction = extract_article(parsed, gazetteer.gazetteer, article.published_on, detail_unattributed=True)
    return extraction


def actor_keys(extraction: Extraction) -> set[str]:
    """The slugs of the actors the drafts of an extraction name (speakers and targets)."""
    return {
        key
        for s in extraction.statements
        for key in (*s.targets, s.speaker.actor_key if s.speaker is not None else None)
        if key
    }


def build_drafts(
    article: Article,
    extraction: Extraction,
    *,
    cache: DraftCache,
    counts: Counts,
    new_article: bool,
    gazetteer: GazetteerSource,
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
        if any(overlap(extracted.start, extracted.end, s, e) for s, e, _ in taken):
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
            raise ImportFailure(f"{label}: {validation_reason(error)}") from error
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


def insert_drafts(drafts: list[Statement], targets: dict[str, list[Actor]], *, label: str) -> None:
    """Insert drafts (of one article, or of a batch of new ones) and their targets in two statements
    (save() is skipped: the callers have run derive_period()); `label` names them in an error."""
    try:
        insert_new(drafts)
        insert_new(
            [
                Statement.targets.through(statement_id=draft.pk, actor_id=actor.pk)
                for draft in drafts
                for actor in targets[draft.ref]
            ]
        )
    except IntegrityError as error:
        raise ImportFailure(f"{label}: the database refused a draft: {error}") from error


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


def overlap(start: int, end: int, other_start: int, other_end: int) -> bool:
    """Whether two character spans [start, end) share at least one character."""
    return other_start < end and start < other_end
