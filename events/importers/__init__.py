"""Write curated fixtures and seed articles to the database: the Django side of importing
(the parsing and extraction are pure Python, in events/ingest/).

The workflow behind `manage.py import_seeds`:

1. `read_fixtures` (fixtures.py) reads the curated fixture files and splits their objects
   into the ones that stand alone (codes, outlets, actors, events, article metadata...) and
   the ones that point into an article's text (statements, event sources), keyed by article.
2. `load_fixture_objects` writes the standalone objects, insert-only: an object whose
   natural key already exists is never overwritten, so a curator's edit in the admin
   survives every re-import (it is counted as "kept" when it differs from the fixture).
   `load_knowledge` (knowledge.py) does the same for the knowledge base.
3. `import_article_file` (storing.py) validates one seed file, stores its verbatim text, then
   loads the curated objects that point into it and drafts statements (drafting.py), all in
   one transaction: a bad file leaves nothing half-written. `import_article_files` (batch.py)
   does it for many files; on PostgreSQL it writes runs of new files together (a few
   statements for twenty files), with the same rows and reports.

Every function returns counts (results.py); the command only formats them.
"""

from events.importers.batch import FILES_PER_BATCH, import_article_files
from events.importers.drafting import DraftCache, build_gazetteer, draft_statements, gazetteer_entries
from events.importers.fixtures import (
    CuratedFixtures,
    articles_not_found,
    load_fixture_objects,
    load_standalone_fixtures,
    read_fixtures,
)
from events.importers.knowledge import load_knowledge
from events.importers.results import (
    ACTIONS,
    CREATED,
    KEPT,
    SKIPPED,
    SPEAKER_NEEDED,
    UNCHANGED,
    UPDATED,
    Counts,
    FileReport,
    ImportFailure,
)
from events.importers.storing import import_article_file, import_curated_spans, import_jobs

__all__ = [
    "ACTIONS",
    "CREATED",
    "FILES_PER_BATCH",
    "KEPT",
    "SKIPPED",
    "SPEAKER_NEEDED",
    "UNCHANGED",
    "UPDATED",
    "Counts",
    "CuratedFixtures",
    "DraftCache",
    "FileReport",
    "ImportFailure",
    "articles_not_found",
    "build_gazetteer",
    "draft_statements",
    "gazetteer_entries",
    "import_article_file",
    "import_article_files",
    "import_curated_spans",
    "import_jobs",
    "load_fixture_objects",
    "load_knowledge",
    "load_standalone_fixtures",
    "read_fixtures",
]
