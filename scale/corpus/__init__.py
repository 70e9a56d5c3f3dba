"""A synthetic corpus for scale tests and benchmarks (`manage.py generate_corpus`, bench/).

`generate_corpus(CorpusSpec(events=N, seed=S))` writes a reproducible, realistic dataset:
the curated reference data (CAMEO codebook, outlets, the four escalations, the curated
actors, from fixtures/ insert-only as import_seeds loads them), synthetic escalations
across 2016–2026, thousands of actors with roles, affiliations and aliases, generated
articles of 2–5 KB, events with participants and sources, and statements whose spans
cut their quotes out of the article bodies.

Rows are drawn as tuples and bulk-loaded (`bulk_load`: COPY on PostgreSQL, executemany on
SQLite), which skips save(), so everything save() derives is derived here with the same functions:
Article.sha256 with Article.hash_text, Event and Statement date_from/date_to with
events.ingest.dates.range_bounds/period_bounds (the dates are drawn at a precision and
stored as the first day of their period, so the derivation also checks them). The span
triggers still check every Statement and EventSource row against its article body.

Every synthetic row carries the "syn-" prefix in its natural key (slug, ref, source_ref):
that is how `purge_synthetic()` finds them, and how a synthetic database is told from a
curated one. Same spec (seed included) → same rows, whatever the batch size; only the
database ids depend on what the tables held before.

Primary keys of the big tables are assigned here (from the current maximum) instead of
being returned by each INSERT, so one batch can refer to its own rows without a round
trip; the PostgreSQL sequences are moved past them at the end. Run it on a database
nobody else writes to at the same time (on PostgreSQL the load locks its tables until it commits).

Modules, each using those above it: vocabulary (what is drawn), cast (the actors), writer (the
rows, batch by batch), load (the bulk loads), generate (generate_corpus, purge_synthetic).
"""

from scale.corpus.generate import (
    CorpusReport,
    CorpusSpec,
    article_files,
    curated,
    curated_record_counts,
    generate_corpus,
    load_reference_data,
    purge_synthetic,
    synthetic,
    synthetic_event_count,
)
from scale.corpus.load import bulk_load
from scale.corpus.vocabulary import PREFIX
from scale.corpus.writer import MODELS, ROWS, Batch, CorpusWriter

__all__ = [
    "MODELS",
    "PREFIX",
    "ROWS",
    "Batch",
    "CorpusReport",
    "CorpusSpec",
    "CorpusWriter",
    "article_files",
    "bulk_load",
    "curated",
    "curated_record_counts",
    "generate_corpus",
    "load_reference_data",
    "purge_synthetic",
    "synthetic",
    "synthetic_event_count",
]
