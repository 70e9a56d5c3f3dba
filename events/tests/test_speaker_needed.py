"""Nothing dropped: every quotation the extractor finds becomes a draft; one whose speaker it cannot
tell waits in the review queue as "speaker needed", is on no public page, and is credited in one step."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from events import counts
from events.importers import Counts, build_gazetteer, draft_statements
from events.ingest.extract import extract_article
from events.ingest.parser import parse_article
from events.ingest.pipeline import GazetteerSource
from events.models import Actor, Article, ReviewStatus, Statement

pytestmark = pytest.mark.django_db

QUEUE = "admin:events_review_queue"

# Written for these tests: one quotation with a known speaker, two that nobody in the text says.
ARTICLE = """Ceasefire holds for a second day

Residents queue for bread in the town centre

GORIS: Armenian Prime Minister Nikol Pashinyan said on Tuesday that the government “will not accept any change to the border by force.”

A banner on the town hall read “We will not leave our homes.”

“Nobody here slept last night,” one could hear in the queue outside the bakery.
"""
BANNER = "We will not leave our homes."
QUEUE_WORDS = "Nobody here slept last night,"


@pytest.fixture
def reference(db):
    call_command("loaddata", "cameo", "reference", stdout=StringIO())


def import_file(path, *args) -> str:
    out = StringIO()
    call_command(
        "import_seeds", str(path), "--fixtures", "--published", "2023-05-17", *args, stdout=out, stderr=StringIO()
    )
    return out.getvalue()


@pytest.fixture
def imported(reference, tmp_path):
    path = tmp_path / "goris.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    out = import_file(path)
    return path, out


def test_every_quotation_found_becomes_a_draft_and_the_unattributed_ones_have_no_speaker(imported):
    path, out = imported
    article = Article.objects.get(source_ref=path.name)
    parsed = parse_article(ARTICLE, source=path.name)
    found = extract_article(parsed, build_gazetteer(), dt.date(2023, 5, 17)).statements
    drafts = {s.quote: s for s in article.statements.select_related("speaker")}
    assert sorted(drafts) == sorted(s.quote for s in found) and len(found) == 3
    assert drafts["will not accept any change to the border by force."].speaker.slug == "nikol-pashinyan"
    for quote in (BANNER, QUEUE_WORDS):
        waiting = drafts[quote]
        assert waiting.speaker is None and waiting.needs_speaker
        assert waiting.review_status == ReviewStatus.DRAFT
        assert article.body[waiting.start : waiting.end] == quote
        assert waiting.extraction["speaker_status"] == "speaker needed" and waiting.is_untouched_draft
    assert "2 speaker needed" in out and "3 created" not in out  # the article and three drafts: 4 created


def test_the_candidates_are_the_articles_actors_nearest_first(imported):
    banner = Statement.objects.get(quote=BANNER)
    candidates = banner.speaker_candidates
    assert candidates and candidates[0]["slug"] == "nikol-pashinyan"
    assert all(set(c) == {"slug", "name"} for c in candidates)
    assert len({c["slug"] for c in candidates}) == len(candidates)


def test_reimporting_creates_nothing_and_keeps_the_waiting_drafts(imported):
    path, _ = imported
    before = sorted(Statement.objects.values_list("pk", "version"))
    out = import_file(path)
    assert " 0 created, 0 updated" in out and " 0 speaker needed" in out
    assert sorted(Statement.objects.values_list("pk", "version")) == before


def test_drafting_keeps_the_date_code_and_targets_of_a_draft_without_speaker(reference, make_article):
    article = make_article(body=ARTICLE, published_on=dt.date(2023, 5, 17), source_ref="goris-direct.txt")
    parsed = parse_article(ARTICLE, source=article.source_ref)
    counts_ = Counts()
    draft_statements(article, parsed, gazetteer=GazetteerSource([]), counts=counts_)
    waiting = Statement.objects.get(article=article, quote=QUEUE_WORDS)
    found = next(
        s
        for s in extract_article(parsed, GazetteerSource([]).gazetteer, dt.date(2023, 5, 17)).statements
        if s.quote == QUEUE_WORDS
    )
    assert (waiting.said_on, waiting.said_on_precision, waiting.cameo_id) == (found.date, found.precision, found.cameo)
    assert waiting.said_on is not None
    # An empty gazetteer knows nobody; the prime minister is proposed from his title, the others wait.
    assert counts_.total("speaker needed") == 2


def test_the_database_refuses_a_verified_statement_without_a_speaker(make_statement):
    statement = make_statement(speaker=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(review_status=ReviewStatus.VERIFIED)
    statement.refresh_from_db()
    assert statement.review_status == ReviewStatus.DRAFT
    # Rejecting words nobody should be credited with needs no speaker.
    Statement.objects.filter(pk=statement.pk).update(review_status=ReviewStatus.REJECTED)


def test_verifying_a_draft_without_a_speaker_is_refused_with_a_message_and_changes_nothing(make_statement):
    waiting = make_statement(speaker=None)
    credited = make_statement("The two armies exchanged fire", article=waiting.article)
    with pytest.raises(ValidationError, match="no speaker yet"):
        Statement.objects.filter(pk__in=[waiting.pk, credited.pk]).mark_verified()
    assert set(Statement.objects.values_list("review_status", flat=True)) == {ReviewStatus.DRAFT}
    waiting.review_status = ReviewStatus.VERIFIED
    with pytest.raises(ValidationError) as error:
        waiting.full_clean()
    assert "speaker" in error.value.message_dict


def test_the_counts_leave_out_a_draft_without_speaker_and_take_it_in_once_credited(make_statement, make_actor):
    waiting = make_statement(speaker=None)
    waiting.targets.add(make_actor())

    def differences():
        with connection.cursor() as cursor:
            return counts.differences(cursor)

    assert differences() == []
    speaker = make_actor()
    Statement.objects.filter(pk=waiting.pk).reassign_speaker(speaker)
    assert differences() == []
    call_command("recount", "--check", stdout=StringIO())
    assert list(Statement.objects.attributed()) == [waiting]


def test_the_public_pages_and_the_api_do_not_show_a_draft_without_speaker(imported, client):
    path, _ = imported
    article = Article.objects.get(source_ref=path.name)
    waiting = Statement.objects.filter(article=article, speaker__isnull=True)
    assert waiting.count() == 2
    pages = [
        reverse("events:timeline"),
        reverse("events:reactions"),
        "/api/statements/",
        f"/api/statements/?article={article.pk}",
        "/api/timeline/",
        "/api/statements/?format=csv",
        "/api/stats/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = b"".join(response.streaming_content) if response.streaming else response.content
        assert BANNER.encode() not in text and QUEUE_WORDS.encode() not in text, url
    # The article page shows its text, but marks no span of it as somebody's statement.
    html = client.get(reverse("events:article", args=[article.pk])).content.decode()
    for statement in waiting:
        assert f"statement-{statement.pk}" not in html
        assert client.get(f"/api/statements/{statement.pk}/").status_code == 404
    assert f"statement-{Statement.objects.get(article=article, speaker__isnull=False).pk}" in html
    # The attributed quotation of the same article is there.
    assert b"will not accept any change to the border" in client.get(f"/api/statements/?article={article.pk}").content


def test_the_review_queue_shows_speaker_needed_with_context_and_candidates(imported, admin_client):
    html = admin_client.get(reverse(QUEUE)).content.decode()
    banner = Statement.objects.get(quote=BANNER)
    pashinyan = Actor.objects.get(slug="nikol-pashinyan")
    assert "(2 statements with no speaker yet: “speaker needed”)" in html
    row = html[html.index(f'id="row-statement-{banner.pk}"') :]
    row = row[: row.index("</li>")]
    assert "Speaker needed" in row
    assert f"A banner on the town hall read “<mark>{BANNER}</mark>”" in row
    assert f'value="assign:statement:{banner.pk}:{pashinyan.pk}"' in row and ">Nikol Pashinyan</button>" in row
    assert f'value="reassign:statement:{banner.pk}"' in row  # search an actor
    assert f'value="verify:statement:{banner.pk}"' not in row


def test_assigning_a_candidate_in_the_review_queue_credits_the_draft_in_one_step(imported, admin_client):
    banner = Statement.objects.get(quote=BANNER)
    pashinyan = Actor.objects.get(slug="nikol-pashinyan")
    response = admin_client.post(
        reverse(QUEUE), {"do": f"assign:statement:{banner.pk}:{pashinyan.pk}", "position": "1"}, follow=True
    )
    assert "now credited to Nikol Pashinyan" in response.content.decode()
    banner.refresh_from_db()
    assert banner.speaker == pashinyan and banner.review_status == ReviewStatus.DRAFT
    assert banner.history.latest().history_change_reason == "speaker reassigned to Nikol Pashinyan"
    # Now an ordinary draft: verified like any other.
    admin_client.post(reverse(QUEUE), {"do": f"verify:statement:{banner.pk}"})
    banner.refresh_from_db()
    assert banner.review_status == ReviewStatus.VERIFIED


def test_verifying_a_draft_without_speaker_from_the_queue_says_why_and_changes_nothing(imported, admin_client):
    banner = Statement.objects.get(quote=BANNER)
    response = admin_client.post(reverse(QUEUE), {"do": f"verify:statement:{banner.pk}"}, follow=True)
    assert "no speaker yet" in response.content.decode()
    banner.refresh_from_db()
    assert banner.review_status == ReviewStatus.DRAFT


def test_assigning_needs_a_statement_and_an_actor(imported, admin_client):
    banner = Statement.objects.get(quote=BANNER)
    response = admin_client.post(reverse(QUEUE), {"do": f"assign:statement:{banner.pk}:999999"}, follow=True)
    assert "Choose a statement and an actor" in response.content.decode()
    banner.refresh_from_db()
    assert banner.speaker is None


def test_the_statement_admin_lists_and_edits_a_draft_without_speaker(imported, admin_client):
    banner = Statement.objects.get(quote=BANNER)
    changelist = reverse("admin:events_statement_changelist")
    assert admin_client.get(changelist + "?speaker__isempty=1").status_code == 200
    assert BANNER[:40] in admin_client.get(changelist + "?speaker__isempty=1").content.decode()
    assert admin_client.get(reverse("admin:events_statement_change", args=[banner.pk])).status_code == 200


def test_new_files_written_together_keep_their_drafts_without_speaker_and_candidates(reference, tmp_path):
    # Two new files in one run: on PostgreSQL they are written in one batch (importers.FILES_PER_BATCH).
    for name, town in (("goris-1.txt", "GORIS"), ("kapan-2.txt", "KAPAN")):
        (tmp_path / name).write_text(ARTICLE.replace("GORIS", town), encoding="utf-8")
    out = StringIO()
    call_command("import_seeds", str(tmp_path), "--fixtures", "--published", "2023-05-17", stdout=out)
    assert "4 speaker needed" in out.getvalue()
    waiting = Statement.objects.filter(speaker__isnull=True)
    assert waiting.count() == 4
    assert all(s.speaker_candidates[0]["slug"] == "nikol-pashinyan" for s in waiting)
