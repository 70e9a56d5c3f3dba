"""The importer drafts statements from new articles, and never touches what a curator owns."""

import datetime as dt
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from events.importers import Counts, batch, draft_statements, drafting, gazetteer_entries
from events.ingest.extract import extract_article
from events.ingest.parser import parse_article
from events.ingest.pipeline import GazetteerSource
from events.models import Actor, Article, ReviewStatus, Statement

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"

# Written for these tests: a news-style article whose speakers are partly in the fixtures
# (Pashinyan, Azerbaijan) and partly not (a council president, an anonymous official).
ARTICLE = """Council urges calm as border tensions rise

A checkpoint near the border


BRUSSELS: European Council President Maren Holt called on both sides on Monday to “show restraint and return to talks without delay.”

“There is no military solution to this conflict,” Holt said. “We stand ready to help.”

Armenian Prime Minister Nikol Pashinyan accused Baku of “provocations along the border.”

A senior official said on condition of anonymity that “the talks may resume next week.”
"""


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_seeds", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def reference(db):
    """Actors, escalations and codes from the fixtures, without the seeds."""
    call_command("loaddata", "cameo", "reference", stdout=StringIO())


@pytest.fixture
def article_file(tmp_path):
    path = tmp_path / "council.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def drafted(path):
    return {s.quote: s for s in Statement.objects.filter(article__source_ref=path.name).select_related("speaker")}


def test_a_new_article_gets_draft_statements_with_speaker_span_date_and_code(reference, article_file):
    run(article_file, "--fixtures", "--published", "2023-05-16")
    statements = drafted(article_file)
    appeal = statements["show restraint and return to talks without delay."]
    assert appeal.review_status == ReviewStatus.DRAFT
    assert appeal.speaker.name == "Maren Holt"
    assert appeal.article.body[appeal.start : appeal.end] == appeal.quote
    assert (appeal.said_on, appeal.said_on_precision, appeal.date_phrase) == (dt.date(2023, 5, 15), "day", "on Monday")
    assert appeal.cameo_id == "0256"
    assert appeal.escalation.slug == "2022-2023-blockade"
    assert appeal.extraction["date_rule"] and appeal.extraction["cameo_rule"] and appeal.extraction["cue"]
    accusation = statements["provocations along the border."]
    assert accusation.speaker.slug == "nikol-pashinyan" and accusation.cameo_id.startswith("112")


def test_an_unknown_named_speaker_becomes_a_proposed_draft_actor_with_the_title_as_role(reference, article_file):
    run(article_file, "--fixtures", "--published", "2023-05-16")
    michel = Actor.objects.get(name="Maren Holt")
    assert michel.review_status == ReviewStatus.DRAFT and michel.kind == "person"
    assert "European Council President" in michel.role


def test_an_anonymous_source_stays_anonymous(reference, article_file):
    run(article_file, "--fixtures", "--published", "2023-05-16")
    statement = drafted(article_file)["the talks may resume next week."]
    assert statement.speaker.kind == Actor.Kind.UNNAMED_SOURCE
    assert not Actor.objects.filter(kind="person", name__icontains="official").exists()


def test_reimporting_an_unchanged_file_creates_nothing(reference, article_file):
    run(article_file, "--fixtures", "--published", "2023-05-16")
    before = sorted(Statement.objects.values_list("pk", "updated_at"))
    out, _ = run(article_file, "--fixtures", "--published", "2023-05-16")
    assert " 0 created, 0 updated" in out
    assert sorted(Statement.objects.values_list("pk", "updated_at")) == before


# Written for these tests: an article that names the council president by surname only.
FOLLOW_UP = """Talks to resume in Brussels

BRUSSELS: Diplomats prepared for a new round of talks on Tuesday.

“Both delegations have confirmed,” Holt told reporters.
"""


def test_an_unchanged_file_is_not_drafted_again_when_a_speaker_was_proposed_since(reference, tmp_path):
    # follow-up.txt sorts before the council article: its "Holt" is unknown when it is drafted,
    # so the quotation waits as "speaker needed".
    first, second = tmp_path / "council.txt", tmp_path / "a-follow-up.txt"
    first.write_text(ARTICLE, encoding="utf-8")
    second.write_text(FOLLOW_UP, encoding="utf-8")
    out, _ = run(tmp_path, "--fixtures", "--published", "2023-05-16")
    assert drafted(second)["Both delegations have confirmed,"].speaker is None
    assert " 1 speaker needed" in out
    assert Actor.objects.filter(name="Maren Holt").exists()  # proposed by the council article
    before = sorted(Statement.objects.values_list("pk", "updated_at"))

    out, _ = run(tmp_path, "--fixtures", "--published", "2023-05-16")
    assert " 0 created, 0 updated" in out
    assert sorted(Statement.objects.values_list("pk", "updated_at")) == before

    # --redraft credits the waiting draft, untouched since, to the speaker known now.
    out, _ = run(second, "--fixtures", "--redraft")
    assert " 1 created, 0 updated" in out and " 0 speaker needed" in out
    assert drafted(second)["Both delegations have confirmed,"].speaker.name == "Maren Holt"


def test_a_file_imported_without_drafting_is_drafted_by_the_next_import(reference, article_file):
    run(article_file, "--fixtures", "--published", "2023-05-16", "--no-draft")
    article = Article.objects.get(source_ref=article_file.name)
    assert drafted(article_file) == {} and article.drafted_at is None
    run(article_file, "--fixtures")
    assert "We stand ready to help." in drafted(article_file)
    article.refresh_from_db()
    assert article.drafted_at is not None


def test_a_verified_draft_is_never_changed_and_a_changed_file_is_then_refused(reference, article_file):
    run(article_file, "--fixtures", "--published", "2023-05-16")
    statement = drafted(article_file)["There is no military solution to this conflict,"]
    statement.review_status = ReviewStatus.VERIFIED
    statement.save()
    run(article_file, "--fixtures")
    statement.refresh_from_db()
    assert statement.review_status == ReviewStatus.VERIFIED
    article_file.write_text(ARTICLE.replace("We stand ready to help.", "We are ready to help."), encoding="utf-8")
    with pytest.raises(CommandError, match="1 of 1 file"):
        run(article_file, "--fixtures")
    assert Article.objects.get(source_ref=article_file.name).body == ARTICLE
    assert Statement.objects.get(pk=statement.pk).quote == "There is no military solution to this conflict,"


def test_a_changed_file_with_only_untouched_drafts_is_redrafted(reference, article_file):
    run(article_file, "--fixtures", "--published", "2023-05-16")
    changed = ARTICLE.replace("We stand ready to help.", "We are ready to help at once.")
    article_file.write_text(changed, encoding="utf-8")
    _, err = run(article_file, "--fixtures")
    assert Article.objects.get(source_ref=article_file.name).body == changed
    quotes = set(drafted(article_file))
    assert "We are ready to help at once." in quotes and "We stand ready to help." not in quotes
    assert "untouched draft(s) of the old text were replaced" in err


def test_an_edited_draft_counts_as_curated(reference, article_file):
    run(article_file, "--fixtures", "--published", "2023-05-16")
    statement = drafted(article_file)["We stand ready to help."]
    assert statement.is_untouched_draft
    statement.cameo_id = "051"
    statement.save()
    assert not statement.is_untouched_draft


def test_the_curated_seed_statements_are_not_drafted_twice(db):
    out, _ = run()
    assert not Statement.objects.filter(review_status=ReviewStatus.DRAFT).exists()
    assert "drafts skipped" in out


def test_no_draft_imports_text_and_curated_records_only(reference, article_file):
    run(article_file, "--fixtures", "--no-draft")
    assert Article.objects.filter(source_ref=article_file.name).exists()
    assert not Statement.objects.exists()


def test_extract_prints_one_json_object_per_file_and_writes_nothing(reference, article_file):
    out = StringIO()
    call_command("extract", str(article_file), "--published", "2023-05-16", "--json", stdout=out)
    (line,) = out.getvalue().splitlines()
    result = json.loads(line)
    assert set(result) == {"file", "headline", "actors", "statements", "dates"}
    assert result["headline"] == "Council urges calm as border tensions rise"
    statement = next(s for s in result["statements"] if (s["quote"] or "").startswith("show restraint"))
    assert set(statement) == {
        "speaker", "quote", "kind", "start", "end", "cue", "date", "precision", "date_phrase", "cameo"
    }  # fmt: skip
    assert ARTICLE[statement["start"] : statement["end"]] == statement["quote"]
    assert statement["speaker"] == "Maren Holt" and statement["date"] == "2023-05-15"
    assert any(actor["name"] == "Nikol Pashinyan" and actor["known"] for actor in result["actors"])
    assert not Article.objects.with_text().exists() and not Statement.objects.exists()


def test_extract_reports_an_unreadable_file(reference, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Headline only\n")
    err = StringIO()
    with pytest.raises(CommandError, match="1 file"):
        call_command("extract", str(bad), stdout=StringIO(), stderr=err)
    assert "no body after the headline" in err.getvalue()


def test_evaluate_extraction_meets_the_targets_on_the_seeds(seeded):
    out = StringIO()
    call_command("evaluate_extraction", "--json", "--min-recall", "1.0", "--min-precision", "0.9", stdout=out)
    scores = json.loads(out.getvalue())
    assert scores["quotations"]["recall"] == 1.0 and scores["speakers"]["recall"] == 1.0
    assert scores["quotations"]["precision"] >= 0.9 and scores["speakers"]["precision"] >= 0.9
    assert scores["quotations"]["gold"] >= 10


def test_evaluate_extraction_fails_below_its_target(seeded):
    # Gold that says Blinken's words were Zakharova's: the extractor (rightly) disagrees.
    zakharova = Actor.objects.get(slug="maria-zakharova")
    Statement.objects.filter(speaker__slug="antony-blinken", kind="direct").update(speaker=zakharova)
    with pytest.raises(CommandError, match="below target: speakers recall"):
        call_command("evaluate_extraction", "--min-recall", "1.0", stdout=StringIO())


def test_an_article_with_more_drafts_than_one_insert_takes_gets_them_all_with_their_targets(reference, tmp_path):
    # Statements are inserted in batches (as bulk_create splits them: 39 rows on SQLite).
    lines = [f"“We will hold round {n} of talks,” Pashinyan said of Azerbaijan." for n in range(60)]
    path = tmp_path / "rounds.txt"
    path.write_text("Sixty rounds of talks\n\n" + "\n\n".join(lines) + "\n", encoding="utf-8")
    run(path, "--fixtures", "--published", "2023-05-16")
    statements = Statement.objects.filter(article__source_ref="rounds.txt").prefetch_related("targets")
    assert len(statements) == 60
    assert {s.speaker.slug for s in statements} == {"nikol-pashinyan"}
    assert all([actor.slug for actor in s.targets.all()] == ["azerbaijan"] for s in statements)
    assert all(s.article.body[s.start : s.end] == s.quote for s in statements)


# Worker processes (events/ingest/pipeline.py) -------------------------------------------------


def import_state():
    """What an import writes, by natural keys (primary keys and timestamps differ between runs)."""
    return {
        "articles": sorted(Article.objects.values_list("source_ref", "sha256", "published_on", "title", "body")),
        "statements": sorted(
            (*row[:-1], json.dumps(row[-1], sort_keys=True))
            for row in Statement.objects.values_list(
                "ref",
                "article__source_ref",
                "speaker__slug",
                "kind",
                "quote",
                "start",
                "end",
                "cameo_id",
                "said_on",
                "said_on_precision",
                "date_phrase",
                "escalation__slug",
                "review_status",
                "extraction",
            )
        ),
        "targets": sorted(Statement.targets.through.objects.values_list("statement__ref", "actor__slug")),
        "actors": sorted(Actor.objects.values_list("slug", "name", "kind", "role", "review_status")),
    }


def variant(n: int) -> str:
    """ARTICLE made different for each n (its own text, hash and drafts)."""
    return ARTICLE.replace("on Monday", ["on Monday", "on Tuesday", "yesterday", "last week"][n % 4]).replace(
        "without delay", f"without delay, round {n}"
    )


def import_twice(folder: Path, workers: int) -> list:
    """Import a folder of new, twin and bad files, then again after one changed and one was added
    (with --redraft); returns each run's output and error (or the CommandError)."""
    if folder.exists():
        for path in folder.iterdir():
            path.unlink()
    folder.mkdir(exist_ok=True)
    for n in range(9):
        (folder / f"council_{n}.txt").write_text(variant(n), encoding="utf-8")
    (folder / "council_twin.txt").write_text(variant(3), encoding="utf-8")
    (folder / "broken.txt").write_bytes(b"Headline\n\nNUL \x00 inside")
    for seed in (ROOT / "seeds").glob("*.txt"):
        (folder / seed.name).write_bytes(seed.read_bytes())
    runs = []
    for extra in ([], ["--redraft"]):
        out, err = StringIO(), StringIO()
        try:
            call_command(
                "import_seeds",
                str(folder),
                "--fixtures",
                "--published",
                "2023-05-16",
                "--workers",
                str(workers),
                *extra,
                stdout=out,
                stderr=err,
            )
            failure = ""
        except CommandError as error:
            failure = str(error)
        runs.append((out.getvalue(), err.getvalue(), failure, import_state()))
        (folder / "council_5.txt").write_text(variant(5).replace("Holt said", "Holt added"), encoding="utf-8")
        (folder / "council_new.txt").write_text(variant(10), encoding="utf-8")
    return runs


def test_a_worker_process_imports_exactly_what_the_importing_process_does(reference, tmp_path, monkeypatch):
    from events.management.commands import import_seeds

    asked = []
    prepare_files = import_seeds.prepare_files
    monkeypatch.setattr(
        import_seeds, "prepare_files", lambda *a, **kw: asked.append(kw["workers"]) or prepare_files(*a, **kw)
    )
    # Every extraction comes from the pipeline: the importer predicted each article's date right
    # and did not extract again (draft_statements would, in this process).
    again = []
    monkeypatch.setattr(drafting, "extract_article", lambda *a, **kw: again.append(a) or extract_article(*a, **kw))
    with transaction.atomic():
        here = import_twice(tmp_path / "files", workers=0)
        transaction.set_rollback(True)
    assert Statement.objects.count() == 0, "rolled back"
    there = import_twice(tmp_path / "files", workers=1)
    assert asked == [0, 0, 1, 1]
    assert again == []
    assert there == here
    first, second = here
    assert "broken.txt:3: binary file" in first[1] and "1 of 13 file(s) failed" in first[2]
    assert "same text as the article already imported as 'council_3.txt'" in first[1]
    assert len(first[3]["statements"]) > 30
    assert re.search(r"council_5\.txt: .*updated 1 \(1 article\)", second[0])
    assert re.search(r"council_new\.txt: created \d+ \(1 article, \d+ statements", second[0])


def batches_written(monkeypatch) -> list[int]:
    """The sizes of the batches of new files written together (a batch rolled back is not counted)."""
    sizes = []
    write = batch._write_new_files

    def counted(pending, **kwargs):
        reports = write(pending, **kwargs)
        sizes.append(len(reports))
        return reports

    monkeypatch.setattr(batch, "_write_new_files", counted)
    return sizes


def test_new_files_written_in_batches_import_exactly_what_one_file_at_a_time_does(reference, tmp_path, monkeypatch):
    # The same mixed folder as the worker test (new, twin, binary, changed and added files, --redraft).
    monkeypatch.setattr(batch, "FILES_PER_BATCH", {})
    with transaction.atomic():
        one_at_a_time = import_twice(tmp_path / "files", workers=0)
        transaction.set_rollback(True)
    assert Statement.objects.count() == 0, "rolled back"
    sizes = batches_written(monkeypatch)
    monkeypatch.setattr(batch, "FILES_PER_BATCH", {connection.vendor: 4})
    batched = import_twice(tmp_path / "files", workers=0)
    # The first run's 12 good files: batches of four new files; the twin of council_3 ends the
    # batch it would have joined, and meets council_3 stored. The second run finds every file stored.
    assert sizes and max(sizes) == 4 and sum(sizes) < 12
    assert batched == one_at_a_time
    assert "same text as the article already imported as 'council_3.txt'" in batched[0][1]


def test_a_file_refused_in_a_batch_fails_alone_with_its_reason(reference, tmp_path, monkeypatch):
    folder = tmp_path / "files"
    folder.mkdir()
    for n in (0, 2, 3):
        (folder / f"council_{n}.txt").write_text(variant(n), encoding="utf-8")
    # Two names with one slug: the second file's drafts get the refs of the first's, which the
    # database refuses (a unique key) when the batch is written.
    (folder / "council 1.txt").write_text(variant(1), encoding="utf-8")
    (folder / "council-1.txt").write_text(variant(5), encoding="utf-8")
    sizes = batches_written(monkeypatch)

    def imported():
        out, err = StringIO(), StringIO()
        with pytest.raises(CommandError, match=r"1 of 5 file\(s\) failed: .*council-1\.txt"):
            args = (folder, "--fixtures", "--published", "2023-05-16", "--workers", "0", "-v2")
            call_command("import_seeds", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue(), import_state()

    monkeypatch.setattr(batch, "FILES_PER_BATCH", {})
    with transaction.atomic():
        one_at_a_time = imported()
        transaction.set_rollback(True)
    monkeypatch.setattr(batch, "FILES_PER_BATCH", {connection.vendor: 50})
    batched = imported()
    assert sizes == [], "the batch was rolled back, and each file imported on its own"
    assert batched == one_at_a_time
    assert re.search(r"council-1\.txt: council-1\.txt: the database refused a draft: .*unique", batched[1], re.I)
    stored = sorted(Article.objects.filter(source_ref__startswith="council").values_list("source_ref", flat=True))
    assert stored == ["council 1.txt", "council_0.txt", "council_2.txt", "council_3.txt"]


def test_a_batch_of_new_files_costs_the_same_queries_whatever_its_size(reference, tmp_path, monkeypatch):
    from django.test.utils import CaptureQueriesContext

    for n in range(6):
        (tmp_path / f"council_{n}.txt").write_text(variant(n), encoding="utf-8")
    monkeypatch.setattr(batch, "FILES_PER_BATCH", {connection.vendor: 20})  # SQLite's default is 1
    counted = []
    for files in (2, 6):
        folder = tmp_path / f"first_{files}"
        folder.mkdir()
        for n in range(files):
            (tmp_path / f"council_{n}.txt").rename(folder / f"council_{n}.txt")
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            run(folder, "--fixtures", "--published", "2023-05-16", "--workers", "0")
            transaction.set_rollback(True)
        for path in folder.iterdir():
            path.rename(tmp_path / path.name)
        counted.append(len(queries))
    # Per batch: the savepoint, the lookup of stored articles of the same names or texts, the
    # articles' INSERT, the actors named, the two new speakers (Holt, the anonymous official),
    # the drafts' and the targets' INSERTs, the release; then the run's own queries. (SQLite takes
    # 999 parameters a statement: _insert_new splits more drafts than six files have.)
    assert counted[0] == counted[1]


def test_the_default_is_a_worker_from_enough_files_on_more_than_one_core(reference, tmp_path, monkeypatch):
    from events.management.commands import import_seeds

    asked = []
    prepare_files = import_seeds.prepare_files
    monkeypatch.setattr(
        import_seeds, "prepare_files", lambda *a, **kw: asked.append(kw["workers"]) or prepare_files(*a, **kw)
    )
    for n in range(3):
        (tmp_path / f"council_{n}.txt").write_text(variant(n), encoding="utf-8")
    monkeypatch.setattr(import_seeds, "WORKER_MIN_FILES", 4)
    run(tmp_path, "--fixtures", "--published", "2023-05-16")
    monkeypatch.setattr(import_seeds, "WORKER_MIN_FILES", 3)
    monkeypatch.setattr(import_seeds.os, "cpu_count", lambda: 1)
    run(tmp_path, "--fixtures", "--published", "2023-05-16")
    monkeypatch.setattr(import_seeds.os, "cpu_count", lambda: 2)
    run(tmp_path, "--fixtures", "--published", "2023-05-16")
    assert asked == [0, 0, 1]


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_workers_must_be_a_whole_number_of_zero_or_more(reference, article_file, value):
    before = Article.objects.count()
    with pytest.raises(CommandError, match=rf"--workers: {re.escape(repr(value))} is not a whole number of 0 or more"):
        run(article_file, "--fixtures", "--workers", value)
    assert Article.objects.count() == before


def test_an_extraction_made_for_another_publication_date_is_made_again(reference, article_file):
    run(article_file, "--fixtures", "--no-draft", "--published", "2023-05-16")
    article = Article.objects.get(source_ref=article_file.name)
    parsed = parse_article(article.body, source=str(article_file))
    source = GazetteerSource(gazetteer_entries())
    stale = extract_article(parsed, source.gazetteer, dt.date(2021, 3, 3), detail_unattributed=False)
    used = draft_statements(article, parsed, gazetteer=source, counts=Counts(), extraction=stale)
    assert used.published_on == dt.date(2023, 5, 16)
    appeal = drafted(article_file)["show restraint and return to talks without delay."]
    assert appeal.said_on == dt.date(2023, 5, 15)
