"""generate_corpus(): the reference data, the cast, then the batches; purge_synthetic() undoes it."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Max

from events import counts
from events.importers import Counts, load_fixture_objects, read_fixtures
from events.models import (
    Actor,
    ActorAlias,
    Article,
    CameoCode,
    Escalation,
    Event,
    EventParticipant,
    EventSource,
    Outlet,
    Statement,
)
from scale.corpus.cast import CastBuilder
from scale.corpus.load import after_bulk_load, bulk_load

# fmt: on
from scale.corpus.vocabulary import (
    COUNTRIES,
    ESCALATION_NAMES,
    EVENT_KINDS,
    FIRST_DAY,
    LAST_DAY,
    MONTHS,
    OUTLET_WORDS,
    PLACES,
    PREFIX,
    REFERENCE_FIXTURES,
    REFERENCE_MODELS,
    STATEMENT_ROOTS,
)
from scale.corpus.writer import ROWS, Batch, CorpusWriter, Window

# Specification, report, refusals -----------------------------------------------------------


@dataclass(frozen=True)
class CorpusSpec:
    """What to generate. Everything else follows from these numbers and the seed."""

    events: int
    seed: int = 1
    statements_per_event: int = 2
    batch_size: int = 5000
    #: Synthetic actors (about: ~250 states and government bodies come first, and at least 30
    #: persons); by default one per 25 events, at least 300 and at most 5000.
    actors: int | None = None
    #: Events reported per generated article (so about events / this many articles).
    events_per_article: int = 5

    def actor_count(self) -> int:
        if self.actors is not None:
            return self.actors
        return max(300, min(5000, self.events // 25))


@dataclass
class CorpusReport:
    created: Counter = field(default_factory=Counter)
    reference: Counts = field(default_factory=Counts)
    seconds: float = 0.0

    def describe(self) -> str:
        order = (
            "actors",
            "aliases",
            "outlets",
            "escalations",
            "articles",
            "events",
            "participants",
            "sources",
            "statements",
            "statement targets",
        )
        return ", ".join(f"{self.created[name]:,} {name}" for name in order if self.created[name])


def synthetic(queryset: models.QuerySet) -> models.QuerySet:
    """The synthetic rows of a queryset (by the prefix of the model's natural key)."""
    return queryset.filter(**{f"{_key_field(queryset.model)}__startswith": PREFIX})


def curated(queryset: models.QuerySet) -> models.QuerySet:
    """The rows of a queryset that are not synthetic."""
    return queryset.exclude(**{f"{_key_field(queryset.model)}__startswith": PREFIX})


def _key_field(model: type[models.Model]) -> str:
    return {Article: "source_ref", Statement: "ref", EventSource: "ref"}.get(model, "slug")


def curated_record_counts() -> dict[str, int]:
    """Curated (non-synthetic) events and statements: a database the generator must not mix into."""
    return {"events": curated(Event.objects.all()).count(), "statements": curated(Statement.objects.all()).count()}


def synthetic_event_count() -> int:
    return synthetic(Event.objects.all()).count()


def purge_synthetic() -> dict[str, int]:
    """Delete every synthetic row, dependents first; curated rows and reference data stay.

    The deletes are plain DELETE … WHERE statements (QuerySet._raw_delete): Model.delete()
    would load every row to emulate the cascades, a million objects here, and there is
    nothing to emulate because the dependents are deleted first, explicitly. Synthetic rows
    have no history (bulk_create records none), so none is lost.
    """
    statements = synthetic(Statement.objects.all())
    events = synthetic(Event.objects.all())
    articles = synthetic(Article.objects.all())
    actors = synthetic(Actor.objects.all())
    steps = [
        ("statement targets", Statement.targets.through.objects.filter(statement__in=statements.values("pk"))),
        ("statements", statements),
        (
            "sources",
            EventSource.objects.filter(models.Q(event__in=events.values("pk")) | models.Q(ref__startswith=PREFIX)),
        ),
        ("participants", EventParticipant.objects.filter(event__in=events.values("pk"))),
        ("events", events),
        ("articles", articles),
        ("aliases", ActorAlias.objects.filter(actor__in=actors.values("pk"))),
        ("actors", actors),
        ("outlets", synthetic(Outlet.objects.all())),
        ("escalations", synthetic(Escalation.objects.all())),
    ]
    deleted = {}
    with transaction.atomic(), counts.suspended(connection):
        for name, queryset in steps:
            deleted[name] = queryset._raw_delete(queryset.db)
    return deleted


def load_reference_data(fixture_dir: Path | None = None) -> Counts:
    """CAMEO codes, outlets, escalations and actors from the curated fixtures, insert-only.

    The same loader as import_seeds (a record that exists is never overwritten), but
    without the curated events and article metadata: those would make the database a
    curated one.
    """
    directory = Path(fixture_dir or settings.FIXTURE_DIRS[0])
    fixtures = read_fixtures([directory / name for name in REFERENCE_FIXTURES])
    objects = [(where, obj) for where, obj in fixtures.standalone if obj["model"] in REFERENCE_MODELS]
    counts, notes = Counts(), []
    with transaction.atomic():
        load_fixture_objects(objects, counts, kept_notes=notes)
    return counts


# Setting up and writing -------------------------------------------------------------------


def _next_ids() -> dict[str, int]:
    return {
        name: (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        for name, model in (("actor", Actor), ("article", Article), ("event", Event), ("statement", Statement))
    }


def _outlets(rng: random.Random) -> list[int]:
    """The curated outlets and about thirty synthetic ones, most-published first."""
    created, names = [], set()
    while len(created) < 30:
        name = f"{rng.choice(OUTLET_WORDS[0])} {rng.choice(OUTLET_WORDS[1])}"
        if name in names:
            continue
        names.add(name)
        created.append(
            Outlet(
                slug=f"{PREFIX}outlet-{len(created) + 1}",
                name=name,
                kind=rng.choice(Outlet.Kind.values),
                country=rng.choice([c for c, *_ in COUNTRIES]),
            )
        )
    Outlet.objects.bulk_create(created)
    ids = list(curated(Outlet.objects.all()).order_by("slug").values_list("id", flat=True))
    return ids + list(synthetic(Outlet.objects.all()).order_by("id").values_list("id", flat=True))


def _escalations(rng: random.Random) -> list[Window]:
    """The escalations in the database plus one or two synthetic ones a year in the gaps, 2016–2026."""
    existing = list(Escalation.objects.order_by("start_date"))
    taken = [(e.start_date, e.end_date or e.start_date + dt.timedelta(days=60)) for e in existing]
    new = []
    for year in range(FIRST_DAY.year, LAST_DAY.year + 1):
        for _ in range(rng.randint(1, 2)):
            start = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            end = start + dt.timedelta(days=rng.randint(3, 60))
            if end > LAST_DAY or any(
                start <= b + dt.timedelta(days=14) and a <= end + dt.timedelta(days=14) for a, b in taken
            ):
                continue
            taken.append((start, end))
            place = rng.choice(PLACES).replace("the ", "")
            new.append(
                Escalation(
                    slug=f"{PREFIX}escalation-{start.isoformat()}",
                    name=f"{rng.choice(ESCALATION_NAMES)} {place}, {MONTHS[start.month - 1]} {year}",
                    start_date=start,
                    end_date=end,
                    description="Synthetic escalation generated for scale tests.",
                )
            )
    Escalation.objects.bulk_create(new)
    return [
        Window(e.start_date, e.end_date or e.start_date + dt.timedelta(days=60), e.pk)
        for e in Escalation.objects.order_by("start_date", "id")
    ]


def _codes() -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {}
    for code in CameoCode.objects.order_by("code").values_list("code", flat=True):
        codes.setdefault(code[:2], []).append(code)
    needed = {kind.root for kind in EVENT_KINDS} | set(STATEMENT_ROOTS.items)
    missing = sorted(needed - set(codes))
    if missing:
        raise ValueError(f"the CAMEO codebook lacks the families {', '.join(missing)}: load fixtures/cameo.json first")
    return codes


def _cast(rng: random.Random, count: int, next_id: int) -> CastBuilder:
    """The curated actors in the database plus `count` synthetic ones (not yet written)."""
    builder = CastBuilder(rng=rng, next_id=next_id)
    existing = list(curated(Actor.objects.all()).order_by("slug"))
    parents = dict(Actor.objects.values_list("id", "affiliation_id"))
    aliases: dict[int, list[tuple[str, str]]] = {}
    for actor_id, name, kind in (
        ActorAlias.objects.filter(actor__in=[a.pk for a in existing])
        .order_by("actor", "name")
        .values_list("actor", "name", "kind")
    ):
        aliases.setdefault(actor_id, []).append((name, kind))
    for actor in existing:
        builder.add_existing(actor, aliases.get(actor.pk, []), parents)
    builder.build(count)
    return builder


def generate_corpus(
    spec: CorpusSpec,
    *,
    progress: Callable[[int], None] | None = None,
    stage: Callable[[str], None] | None = None,
    fixture_dir: Path | None = None,
) -> CorpusReport:
    """Write the corpus `spec` describes.

    `progress` is called with the events written by each batch, `stage` with a line on what
    happens between batches (setting indexes aside, rebuilding them, VACUUM).
    """
    if spec.events < 1 or spec.batch_size < 1 or spec.events_per_article < 1 or spec.statements_per_event < 0:
        raise ValueError(
            "events, batch size and events per article must be positive, statements per event not negative"
        )
    stage = stage or (lambda line: None)
    began = time.perf_counter()
    report = CorpusReport(reference=load_reference_data(fixture_dir))
    rng = random.Random(spec.seed)
    ids = _next_ids()
    with transaction.atomic():
        codes = _codes()
        outlets = _outlets(rng)
        windows = _escalations(rng)
        cast = _cast(rng, spec.actor_count(), ids["actor"])
        Actor.objects.bulk_create(cast.actors)
        ActorAlias.objects.bulk_create(cast.aliases)
    report.created.update(
        actors=len(cast.actors), aliases=len(cast.aliases), outlets=len(outlets), escalations=len(windows)
    )
    writer = CorpusWriter(spec, rng, cast, outlets=outlets, windows=windows, codes=codes, next_ids=ids)
    written = 0
    # The counts (events/counts.py): one recount after the load, not a trigger per row.
    with counts.suspended(connection):
        with bulk_load(writer.now, stage) as loader:
            while written < spec.events:
                batch, in_batch = Batch(), 0
                while in_batch < spec.batch_size and written + in_batch < spec.events:
                    in_batch += writer.article(batch)
                loader.write(batch)
                written += in_batch
                report.created.update(batch.counts())
                if progress is not None:
                    progress(in_batch)
        stage("counting records per escalation, day and actor, and statements per speaker and kind (the counts)")
    report.created["outlets"] = synthetic(Outlet.objects.all()).count()
    report.created["escalations"] = synthetic(Escalation.objects.all()).count()
    stage("resetting sequences, VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
    after_bulk_load()
    report.seconds = time.perf_counter() - began
    return report


# Article files for the import benchmark ---------------------------------------------------


def article_files(count: int, *, seed: int = 1, prefix: str = f"{PREFIX}import-") -> Iterator[tuple[str, str]]:
    """(file name, text) of `count` generated seed files, in the seed format, without a database.

    The texts come from the same writer as the corpus, with an in-memory cast.
    """
    rng = random.Random(seed)
    cast = CastBuilder(rng=rng, next_id=1)
    cast.build(300)
    codes = {root: [root] for root in {kind.root for kind in EVENT_KINDS} | set(STATEMENT_ROOTS.items)}
    windows = [
        Window(dt.date(2020, 9, 27), dt.date(2020, 11, 10), 1),
        Window(dt.date(2023, 9, 19), dt.date(2023, 9, 20), 2),
    ]
    spec = CorpusSpec(events=count * 5, seed=seed)
    writer = CorpusWriter(
        spec, rng, cast, outlets=[], windows=windows, codes=codes, next_ids={"article": 1, "event": 1, "statement": 1}
    )
    for n in range(1, count + 1):
        batch = Batch()
        writer.article(batch)
        yield f"{prefix}{n:06d}.txt", batch.articles[0][ROWS["articles"].index("body")]
