"""`manage.py import_seeds`: the real seeds end to end, idempotency, curated edits, bad input."""

import json
import re
import shutil
import tracemalloc
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from events.models import Actor, Article, CameoCode, Event, EventSource, Outlet, Statement

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "fixtures"

GOOD = "Border talks resume\n\nA caption\n\n\nThe foreign minister said “talks resume on Monday.”\n\nMore text follows."


def run(*args, **options):
    """Run import_seeds; return (stdout, stderr). Raises CommandError like the command does."""
    out, err = StringIO(), StringIO()
    call_command("import_seeds", *[str(a) for a in args], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def database_state():
    """Everything an import writes, to compare before and after."""
    return {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at" if hasattr(model, "updated_at") else "pk"))
        for model in (Article, Actor, Statement, Event, EventSource, Outlet, CameoCode)
    }


@pytest.fixture
def folder(tmp_path):
    def write(name: str, data: bytes | str) -> Path:
        path = tmp_path / name
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    return write


# The real seeds -----------------------------------------------------------------------------


def test_it_imports_both_seeds_with_their_verbatim_text_and_curated_records(seeded):
    for path in SEEDS.glob("*.txt"):
        article = Article.objects.get(source_ref=path.name)
        assert article.body == path.read_text(encoding="utf-8")
        assert article.sha256 == Article.hash_text(article.body)
        assert article.title == article.body.split("\n", 1)[0]
        assert article.published_on is not None, "the fixtures date both seeds"
        assert article.statements.exists() and article.event_sources.exists()
    assert "2 of 2 file(s) imported" in seeded


def test_every_stored_span_cuts_its_quote_out_of_the_article(seeded):
    spans = [*Statement.objects.select_related("article"), *EventSource.objects.select_related("article")]
    assert len(spans) > 20
    for span in spans:
        assert span.article.body[span.start : span.end] == span.quote, span.ref


def test_it_reports_what_it_created_per_file(seeded):
    lines = seeded.splitlines()
    assert lines[0].startswith("fixtures: created")
    assert any(line.startswith("seeds/000_eb3323f6cf93e5ce.txt: ") and "statement" in line for line in lines)
    assert any(line.startswith("seeds/004_18fe2a88e90ce931.txt: ") and "statement" in line for line in lines)


def test_a_second_run_creates_and_changes_nothing(seeded):
    before = database_state()
    out, _ = run()
    assert database_state() == before
    assert "0 created, 0 updated" in out
    assert "kept as curated" in out and " 0 kept as curated" in out


def test_a_curators_edit_survives_a_reimport(seeded):
    statement = Statement.objects.filter(review_status="verified").order_by("ref").first()
    statement.summary = "Edited by a curator"
    statement.save()
    out, _ = run(verbosity=2)
    statement.refresh_from_db()
    assert statement.summary == "Edited by a curator"
    assert "1 kept as curated" in out
    assert f"'{statement.ref}'): kept the database version of summary" in out


def test_a_deleted_curated_record_is_restored_by_the_next_import(seeded):
    statement = Statement.objects.order_by("ref").first()
    ref, quote = statement.ref, statement.quote
    statement.delete()
    out, _ = run()
    assert Statement.objects.get(ref=ref).quote == quote
    assert "1 created" in out


def test_a_dry_run_reports_but_writes_nothing():
    out, _ = run("--dry-run")
    assert "2 of 2 file(s) imported" in out and "rolled back" in out
    assert not Article.objects.exists() and not CameoCode.objects.exists()


def test_the_fixtures_load_with_plain_loaddata_once_the_article_texts_are_in():
    # The curated files are ordinary Django fixtures: loaddata takes them on an empty
    # database; curated.json needs the article bodies, which import_seeds normally stores.
    call_command("loaddata", "cameo", "reference", stdout=StringIO())
    for path in SEEDS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        Article.objects.filter(source_ref=path.name).update(body=text, sha256=Article.hash_text(text))
    call_command("loaddata", "curated", stdout=StringIO())
    curated = json.loads((FIXTURES / "curated.json").read_text(encoding="utf-8"))
    assert Statement.objects.count() == len([o for o in curated if o["model"] == "events.statement"])
    assert EventSource.objects.count() == len([o for o in curated if o["model"] == "events.eventsource"])


# Bad files ----------------------------------------------------------------------------------


BAD_FILES = {
    "empty.txt": (b"", "the file is empty"),
    "blank.txt": (b" \n\t\n\r\n  ", "the file holds only whitespace"),
    "headline-only.txt": (b"Just a headline\n", "no body after the headline"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00", "not a text article: this is a PNG image"),
    "archive.txt": (b"PK\x03\x04\x14\x00\x06\x00", "not a text article: this is a ZIP archive"),
    "nul.txt": (b"Headline\n\nA body\x00with a NUL byte.", "binary file: NUL byte at byte 16"),
    "latin1.txt": ("Headline\n\nCaf\xe9 au lait".encode("latin-1"), "not UTF-8: invalid byte 0xe9"),
    "utf16.txt": ("Headline\n\nA body.".encode("utf-16-le"), "UTF-16 text (little-endian, no byte order mark)"),
    "huge.txt": (b"Headline\n\n" + b"word " * 300_000, "the limit is 1,000,000 bytes"),
}


def all_counts():
    """Rows in every table of every installed app (history, users and tokens included)."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_each_bad_file_is_reported_leaves_nothing_and_does_not_stop_the_good_ones(folder, tmp_path):
    good = folder("good.txt", GOOD)
    for name, (data, _) in BAD_FILES.items():
        folder(name, data)
    with pytest.raises(CommandError, match=rf"{len(BAD_FILES)} of {len(BAD_FILES) + 1} file\(s\) failed") as error:
        run(tmp_path, "--fixtures")
    assert Article.objects.get().source_ref == good.name
    for name in BAD_FILES:
        assert name in str(error.value)


def reported(err: str, path: Path, reason: str) -> bool:
    """The command reported `path` (with the line when there is one) and the reason."""
    return re.search(rf"^{re.escape(str(path))}(:\d+)?: [^\n]*{re.escape(reason)}", err, re.MULTILINE) is not None


@pytest.fixture
def mixed_folder(tmp_path, folder):
    """A folder with one good file and every kind of bad entry; returns {name: reason} of the bad ones."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "good.txt").write_text(GOOD, encoding="utf-8")
    for name, (data, _) in BAD_FILES.items():
        (seeds / name).write_bytes(data)
    outside = folder("outside.txt", GOOD.replace("Monday", "Sunday"))
    (seeds / "escape.txt").symlink_to(outside)
    (seeds / "loop.txt").symlink_to("loop.txt")
    (seeds / "folder.txt").mkdir()
    (seeds / "dot.txt").symlink_to(".")  # the folder itself, under a seed file's name
    (seeds / "up").symlink_to("..")  # a directory loop: never followed, the folder is not searched recursively
    (seeds / ".#good.txt").symlink_to("user@host.1234")  # an editor's lock file: hidden, ignored
    reasons = {name: reason for name, (_, reason) in BAD_FILES.items()}
    reasons |= {
        "escape.txt": f"a symbolic link to {outside}, outside the folder {seeds}: refused",
        "loop.txt": "a symbolic link loop (too many levels of symbolic links)",
        "folder.txt": "a folder, not a file",
        "dot.txt": "a folder, not a file",
    }
    return seeds, reasons


def test_in_a_folder_the_good_file_goes_in_and_every_bad_entry_is_reported_with_its_reason(mixed_folder):
    seeds, reasons = mixed_folder
    run(seeds / "good.txt", "--fixtures")
    after_good_file = all_counts()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=rf"{len(reasons)} of {len(reasons) + 1} file\(s\) failed"):
        call_command("import_seeds", str(seeds), "--fixtures", stdout=out, stderr=err)
    for name, reason in reasons.items():
        assert reported(err.getvalue(), seeds / name, reason), name
    assert f"{seeds / 'good.txt'}: unchanged 1 (1 article)" in out.getvalue()
    assert all_counts() == after_good_file


def test_a_dry_run_reports_every_bad_entry_writes_nothing_and_fails(mixed_folder):
    seeds, reasons = mixed_folder
    before = all_counts()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=rf"{len(reasons)} of {len(reasons) + 1} file\(s\) failed"):
        call_command("import_seeds", str(seeds), "--fixtures", "--dry-run", stdout=out, stderr=err)
    assert all(reported(err.getvalue(), seeds / name, reason) for name, reason in reasons.items())
    assert "good.txt: created 1 (1 article)" in out.getvalue() and "rolled back" in out.getvalue()
    assert all_counts() == before


def test_a_50_megabyte_file_is_refused_by_its_size_without_being_read(folder):
    run(folder("good.txt", GOOD), "--fixtures")
    before = all_counts()
    huge = folder("huge.txt", b"")
    with huge.open("wb") as file:
        for _ in range(50):
            file.write(b"A paragraph of words. " * 45_455 + b"\n\n")
    assert huge.stat().st_size > 50_000_000
    err = StringIO()
    tracemalloc.start()
    try:
        with pytest.raises(CommandError, match=r"1 of 1 file\(s\) failed"):
            call_command("import_seeds", str(huge), "--fixtures", stdout=StringIO(), stderr=err)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert f"{huge}: the file is {huge.stat().st_size:,} bytes; the limit is 1,000,000 bytes" in err.getvalue()
    assert peak < 2_000_000, f"{peak:,} bytes allocated to refuse a 50 MB file"
    assert all_counts() == before


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null"])
def test_a_device_given_as_a_seed_file_is_refused(path):
    err = StringIO()
    with pytest.raises(CommandError, match=r"1 of 1 file\(s\) failed"):
        call_command("import_seeds", path, "--fixtures", stdout=StringIO(), stderr=err)
    assert f"{path}: not a regular file (a device, pipe or socket)" in err.getvalue()


def test_a_folder_given_as_a_fixture_file_is_refused(tmp_path, folder):
    with pytest.raises(CommandError, match=f"--fixtures takes fixture files, not folders: {tmp_path}"):
        run(folder("a.txt", GOOD), "--fixtures", tmp_path)
    assert not Article.objects.exists()


def test_the_error_message_names_the_file_and_the_reason(folder, tmp_path):
    for name, (data, reason) in BAD_FILES.items():
        path = folder(name, data)
        err = StringIO()
        with pytest.raises(CommandError):
            call_command("import_seeds", str(path), "--fixtures", stdout=StringIO(), stderr=err)
        assert str(path) in err.getvalue() and reason in err.getvalue(), name
    assert not Article.objects.exists()


def test_a_missing_path_is_an_error():
    with pytest.raises(CommandError, match="nowhere.txt: no such file or folder"):
        run("nowhere.txt")


def test_a_folder_without_seed_files_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no .txt seed files"):
        run(tmp_path)


def test_an_article_without_metadata_is_imported_and_flagged_undated(folder):
    path = folder("new.txt", GOOD)
    out, err = run(path, "--fixtures")
    article = Article.objects.get(source_ref="new.txt")
    assert article.is_undated and article.caption == "A caption" and article.title == "Border talks resume"
    assert "flagged as undated" in err


def test_published_and_outlet_apply_to_articles_without_metadata(folder):
    Outlet.objects.create(slug="wire", name="A Wire", kind="wire")
    run(folder("new.txt", GOOD), "--fixtures", "--published", "2023-09-20", "--outlet", "wire")
    article = Article.objects.get()
    assert str(article.published_on) == "2023-09-20" and article.outlet.slug == "wire"


def test_an_unknown_outlet_is_refused_before_anything_is_written(folder):
    with pytest.raises(CommandError, match="--outlet 'nope': no such outlet"):
        run(folder("new.txt", GOOD), "--fixtures", "--outlet", "nope")
    assert not Article.objects.exists()


def test_the_same_text_under_a_second_name_is_skipped(folder):
    run(folder("a.txt", GOOD), "--fixtures")
    out, err = run(folder("b.txt", GOOD), "--fixtures")
    assert Article.objects.count() == 1
    assert "b.txt: skipped" in out and "same text as the article already imported as 'a.txt'" in err


def test_a_changed_file_whose_text_has_curated_spans_is_refused_and_nothing_changes(seeded, tmp_path):
    name = "000_eb3323f6cf93e5ce.txt"
    changed = tmp_path / name
    changed.write_text((SEEDS / name).read_text(encoding="utf-8").replace("Lazy eyes", "Lazy  eyes"), encoding="utf-8")
    before = database_state()
    with pytest.raises(CommandError, match="1 of 1 file"):
        run(changed)
    assert database_state() == before


# Bad fixtures -------------------------------------------------------------------------------


def write_fixture(tmp_path, objects, name="bad.json"):
    path = tmp_path / name
    if isinstance(objects, bytes):
        path.write_bytes(objects)
    else:
        path.write_text(json.dumps(objects) if not isinstance(objects, str) else objects)
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "bad.json:1: not valid JSON"),
        ('{"model": "events.outlet"}', "a fixture is a JSON list of objects"),
        ('[{"fields": {}}]', "object 0: every object needs a 'model'"),
        ('[{"model": "events.nothing", "fields": {}}]', "App 'events' doesn't have a 'nothing' model"),
        (
            '[{"model": "events.actor", "fields": {"slug": "x", "name": "X", "kind": "person", "affiliation": ["nobody"]}}]',
            "refers to something that does not exist",
        ),
        (
            '[{"model": "events.actor", "fields": {"slug": "x", "name": "X", "kind": "wizard"}}]',
            "kind: Value 'wizard' is not a valid choice",
        ),
        ("\ufeff[]".encode("utf-16"), "bad.json: not UTF-8"),
        ('[{"model": "events.outlet", "fields": []}]', "object 0 (events.outlet): 'fields' must be an object"),
        # A required field left out, and values of the wrong type.
        (
            '[{"model": "events.actor", "fields": {"slug": "x", "kind": "person"}}]',
            "object 0 (events.actor 'x'): name: This field cannot be blank.",
        ),
        (
            '[{"model": "events.escalation", "fields": {"slug": "e", "name": "E", "start_date": "soon"}}]',
            "object 0 (events.escalation 'e'): “soon” value has an invalid date format",
        ),
        (
            '[{"model": "events.event", "fields": {"slug": "e", "title": "E", "event_type": "190", '
            '"start_date": "2022-08-01", "fatalities": "many"}}]',
            "object 0 (events.event 'e'): “many” value must be an integer",
        ),
        (
            '[{"model": "events.actor", "fields": {"slug": "x", "name": "X", "kind": "person", "affiliation": 7}}]',
            "object 0 (events.actor 'x'): refers to something that does not exist",
        ),
        # A natural key of the wrong shape (a list inside the one-item list) on a relation.
        (
            '[{"model": "events.actoralias", "fields": {"actor": [["x"]], "name": "Y", "kind": "other"}}]',
            "object 0 (events.actoralias 'Y'): refers to something that does not exist",
        ),
        (
            '[{"model": "events.reportedfigure", "fields": {"source": [["s"]], "kind": "killed", "wording": "3", '
            '"start": 0, "end": 1}}]',
            "object 0 (events.reportedfigure): refers to something that does not exist",
        ),
        # The same record twice (same natural key), even with different values.
        (
            '[{"model": "events.outlet", "fields": {"slug": "w", "name": "W", "kind": "wire"}},'
            ' {"model": "events.outlet", "fields": {"slug": "w", "name": "Other", "kind": "wire"}}]',
            "bad.json: object 1 (events.outlet 'w'): the same record as ",
        ),
    ],
)
def test_a_bad_fixture_is_reported_and_nothing_is_written(tmp_path, folder, content, message):
    good_outlet = {"model": "events.outlet", "fields": {"slug": "ok", "name": "OK", "kind": "wire"}}
    first = write_fixture(tmp_path, [good_outlet], name="first.json")
    bad = write_fixture(tmp_path, content)
    before = all_counts()
    with pytest.raises(CommandError) as error:
        run(folder("a.txt", GOOD), "--fixtures", first, bad)
    assert message in str(error.value)
    # Every fixture file is loaded in one transaction before any seed file: nothing of either.
    assert all_counts() == before


def test_a_curated_statement_whose_quote_is_not_in_the_file_fails_only_that_file(tmp_path, folder):
    seed = folder("a.txt", GOOD)
    folder("b.txt", GOOD.replace("Monday", "Tuesday"))
    CameoCode.objects.create(code="01", label="MAKE PUBLIC STATEMENT")
    CameoCode.objects.create(code="010", label="Make statement")
    start = GOOD.index("talks resume on Monday.")
    statements = [
        {"model": "events.actor", "fields": {"slug": "fm", "name": "Foreign Minister", "kind": "person"}},
        {
            "model": "events.statement",
            "fields": {
                "ref": "a-fm",
                "article": ["a.txt"],
                "speaker": ["fm"],
                "quote": "talks resume on Friday.",
                "start": start,
                "end": start + 23,
                "cameo": "010",
                "said_on": None,
            },
        },
    ]
    fixture = write_fixture(tmp_path, statements, name="curated.json")
    with pytest.raises(CommandError, match=r"1 of 2 file\(s\) failed: .*a.txt"):
        run(seed.parent, "--fixtures", fixture)
    # The whole of a.txt was rolled back, b.txt went in, and the standalone actor stayed.
    assert list(Article.objects.values_list("source_ref", flat=True)) == ["b.txt"]
    assert Actor.objects.filter(slug="fm").exists()


def test_a_curated_statement_pointing_to_no_article_stops_the_fixtures(tmp_path, folder):
    statement = {
        "model": "events.statement",
        "fields": {"ref": "s", "article": ["nowhere.txt"], "speaker": ["fm"], "quote": "x", "start": 0, "end": 1},
    }
    outlet = {"model": "events.outlet", "fields": {"slug": "ok", "name": "OK", "kind": "wire"}}
    fixture = write_fixture(tmp_path, [outlet, statement], name="curated.json")
    before = all_counts()
    with pytest.raises(CommandError) as error:
        run(folder("a.txt", GOOD), "--fixtures", fixture)
    assert str(error.value) == (
        f"fixtures not loaded, nothing was written: {fixture}: object 1 (events.statement 's'): "
        "no article 'nowhere.txt' (not in the database, the fixtures or the files given)"
    )
    assert all_counts() == before


def test_the_real_seed_folder_can_be_given_explicitly(tmp_path):
    copy = tmp_path / "seeds"
    shutil.copytree(SEEDS, copy)
    out, _ = run(copy)
    assert "2 of 2 file(s) imported" in out


def test_metadata_curated_after_an_import_fills_the_empty_fields_only(tmp_path):
    # The file was imported first, without metadata; the curated fixture comes later.
    copy = tmp_path / "000_eb3323f6cf93e5ce.txt"
    shutil.copy(SEEDS / copy.name, copy)
    # No knowledge base: its actors would be stored before reference.json's of the same slugs.
    run(copy, "--fixtures", "--no-knowledge")
    article = Article.objects.get(source_ref=copy.name)
    article.notes = "A curator's note"
    article.save()
    out, _ = run(copy, "--fixtures", FIXTURES / "cameo.json", FIXTURES / "reference.json", FIXTURES / "curated.json")
    article.refresh_from_db()
    assert str(article.published_on) == "2023-09-19" and article.outlet.slug == "rt"
    assert article.notes == "A curator's note"
    assert "1 kept as curated" in out and "1 updated" not in out


@pytest.mark.parametrize("kind", ("file", "folder"))
def test_a_path_named_on_the_command_line_that_is_a_symbolic_link_is_refused_naming_its_target(folder, tmp_path, kind):
    target = folder("real.txt", GOOD)
    if kind == "folder":
        target = tmp_path / "real"
        target.mkdir()
        (target / "a.txt").write_text(GOOD, encoding="utf-8")
    link = tmp_path / f"link-{kind}"
    link.symlink_to(target)
    before = all_counts()
    with pytest.raises(CommandError, match=rf"{re.escape(str(link))}: a symbolic link to {re.escape(str(target))}"):
        run(link, "--fixtures")
    assert all_counts() == before
    # Followed only when asked to.
    run(link, "--fixtures", "--follow-links")
    assert Article.objects.count() == 1
