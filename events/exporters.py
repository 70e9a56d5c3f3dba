"""Write the whole curated database as fixtures that `import_seeds` reads back.

The opposite of events/importers/, in the same format as fixtures/: Django fixture JSON
with natural keys (slugs, refs, source_refs), never database ids, so an export loads into
any database, empty or not.

- `cameo.json`: the CAMEO codebook (its primary key is the code, its natural key).
- `reference.json`: outlets and their domains, escalations, actors (each after the actor it is
  affiliated to), aliases, tenures (who held which office when), places (each after the place
  it is in) and their names, articles, events and their participants: everything that does not
  point into an article's text.
- `curated.json`: statements (with their targets) and event sources, which point into an
  article's text, then what hangs on them: the figures each source reports, the statements'
  links to events, and where events happened (by a source, or a curator's placing); import_seeds
  loads each with the article its statement or source points into (importers/fixtures.py).

Article bodies travel inside the article objects, verbatim. The body is what every span
points into, so the export must not depend on seed files that may have changed, been
renamed or never existed (an article typed into the admin): with the text in the same
file as the spans, loading the export reproduces exactly the characters the offsets were
checked against (the span triggers check them again on load), and the SHA-256 is
recomputed from it. Timestamps are exported and restored as they are.

Rows are written in a fixed order (by natural key) with sorted many-to-many lists and
JSON keys, so two exports of the same data are byte-identical and diff cleanly. Objects
are streamed, one query shape per model, so memory does not grow with the database.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F

from events.models import (
    Actor,
    ActorAlias,
    Article,
    CameoCode,
    Escalation,
    Event,
    EventParticipant,
    EventPlace,
    EventSource,
    EventStatement,
    Outlet,
    OutletDomain,
    Place,
    PlaceName,
    ReportedFigure,
    Statement,
    Tenure,
)

CHUNK = 2000


def _parents_first(model: type[models.Model], parent: str) -> Iterator[models.Model]:
    """Rows of `model` ordered so that each comes after the row its `parent` field points to (the
    loader resolves natural keys as it goes), then by slug: actors after the actor they are
    affiliated to, places after the place they are in."""
    parents = dict(model._default_manager.values_list("pk", f"{parent}_id"))
    depth: dict[int, int] = {}
    for pk in parents:
        chain, node = [], pk
        while node is not None and node not in depth:
            chain.append(node)
            node = parents[node]
        base = depth[node] if node is not None else -1
        for offset, member in enumerate(reversed(chain), start=1):
            depth[member] = base + offset
    slugs = dict(model._default_manager.values_list("pk", "slug"))
    order = sorted(parents, key=lambda pk: (depth[pk], slugs[pk]))
    for start in range(0, len(order), CHUNK):
        batch = order[start : start + CHUNK]
        by_pk = model._default_manager.select_related(parent).in_bulk(batch)
        yield from (by_pk[pk] for pk in batch)


# What each file holds, in load order: (model, the rows in export order).
def _sections() -> dict[str, list[tuple[type[models.Model], Iterable[models.Model]]]]:
    return {
        "cameo.json": [(CameoCode, CameoCode.objects.order_by("code"))],
        "reference.json": [
            (Outlet, Outlet.objects.order_by("slug")),
            (OutletDomain, OutletDomain.objects.select_related("outlet").order_by("domain")),
            (Escalation, Escalation.objects.order_by("slug")),
            (Actor, _parents_first(Actor, "affiliation")),
            (ActorAlias, ActorAlias.objects.select_related("actor").order_by("actor__slug", "name", "pk")),
            (
                Tenure,
                Tenure.objects.select_related("actor", "organisation").order_by("office", "actor__slug", "start", "pk"),
            ),
            (Place, _parents_first(Place, "parent")),
            (PlaceName, PlaceName.objects.select_related("place").order_by("place__slug", "usage", "name")),
            (Article, Article.objects.select_related("outlet", "republished_by").order_by("source_ref")),
            (Event, Event.objects.select_related("event_type", "escalation").order_by("slug")),
            (
                EventParticipant,
                EventParticipant.objects.select_related("event", "actor").order_by(
                    "event__slug", "actor__slug", "role"
                ),
            ),
        ],
        "curated.json": [
            (
                Statement,
                Statement.objects.select_related("article", "speaker", "cameo", "escalation")
                .prefetch_related("targets")
                .order_by("article__source_ref", "start", "end", "ref"),
            ),
            (
                EventSource,
                EventSource.objects.select_related("event", "article").order_by(
                    "article__source_ref", "start", "end", "ref"
                ),
            ),
            (
                ReportedFigure,
                ReportedFigure.objects.select_related("source", "side").order_by("source__ref", "kind", "start", "end"),
            ),
            (
                EventStatement,
                EventStatement.objects.select_related("statement", "event").order_by("statement__ref", "event__slug"),
            ),
            (
                EventPlace,
                EventPlace.objects.select_related("event", "place", "source").order_by(
                    "event__slug", "place__slug", F("source__ref").asc(nulls_first=True)
                ),
            ),
        ],
    }


# The codebook's primary key is its code: written as "pk", as in fixtures/cameo.json.
KEEP_PRIMARY_KEY = (CameoCode,)


@dataclass
class ExportReport:
    files: dict[str, int] = field(default_factory=dict)  # file name -> objects written
    by_model: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        return ", ".join(f"{n} {label}" for label, n in self.by_model.items())


def _rows(queryset: Iterable[models.Model]) -> Iterator[models.Model]:
    if isinstance(queryset, models.QuerySet):
        return queryset.iterator(chunk_size=CHUNK)
    return iter(queryset)


def _python(model: type[models.Model], instance: models.Model) -> dict:
    (obj,) = serializers.serialize(
        "python",
        [instance],
        use_natural_foreign_keys=True,
        use_natural_primary_keys=model not in KEEP_PRIMARY_KEY,
    )
    fields = obj["fields"]
    for model_field in model._meta.get_fields():
        name = model_field.name
        if name not in fields:
            continue
        if model_field.many_to_many:
            fields[name] = sorted(fields[name])
        elif isinstance(model_field, models.JSONField):
            # PostgreSQL's jsonb reorders keys; sorted keys make the output the same on both databases.
            fields[name] = json.loads(json.dumps(fields[name], sort_keys=True))
    return obj


def export_fixtures(directory: Path) -> ExportReport:
    """Write cameo.json, reference.json and curated.json into `directory` (created if needed)."""
    directory.mkdir(parents=True, exist_ok=True)
    report = ExportReport()
    for file_name, sections in _sections().items():
        count = 0
        # Written to a temporary name and renamed: an interrupted export never leaves half a file.
        partial = directory / f".{file_name}.partial"
        with partial.open("w", encoding="utf-8", newline="\n") as out:
            out.write("[")
            for model, rows in sections:
                n = 0
                for instance in _rows(rows):
                    text = json.dumps(_python(model, instance), ensure_ascii=False, indent=1, cls=_Encoder)
                    out.write(("\n" if count == 0 else ",\n") + text)
                    count += 1
                    n += 1
                report.by_model[str(model._meta.verbose_name_plural)] = n
            out.write("\n]\n")
        partial.replace(directory / file_name)
        report.files[file_name] = count
    return report


class _Encoder(DjangoJSONEncoder):
    """Django's JSON encoder, but datetimes keep their microseconds (Django's cuts them to
    milliseconds, and the round trip would not give back the stored timestamps)."""

    def default(self, o):
        if isinstance(o, dt.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)
