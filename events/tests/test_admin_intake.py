"""The admin's "Add an article" page: pasted text, an uploaded file or a URL through the same
pipeline as import_seeds (same drafts for the same text), landing in the review queue for the
article; a bad input gets its reason and stores nothing. One run in Chromium."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from events.models import Article, Event, ReviewStatus, Statement
from events.tests.test_fetch_articles import server  # noqa: F401  (the local HTTP server fixture)
from events.tests.webpages import SEED_TEXT, drafts, link_list, page

ROOT = Path(__file__).resolve().parents[2]
URL = "/admin/events/article/add-from-source/"


@pytest.fixture
def curator(db, client):
    call_command("loaddata", "cameo", stdout=StringIO())
    user = User.objects.create_superuser("curator", "curator@example.org", "a-long-test-password")
    client.force_login(user)
    return client


def test_pasted_text_is_imported_and_the_curator_lands_in_its_review_queue(curator):
    # A browser sends a textarea's line ends as CRLF: stored as the seed format's LF.
    response = curator.post(URL, {"text": SEED_TEXT.replace("\n", "\r\n"), "published_on": "2023-09-30"})
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:events_review_queue')}?article={article.pk}"
    assert article.body == SEED_TEXT
    assert article.published_on == dt.date(2023, 9, 30)
    queue = curator.get(response["Location"])
    ids = {row[1].pk for row in queue.context["rows"] if row[0] == "statement"}
    assert ids == set(article.statements.values_list("pk", flat=True)) and ids


def test_the_review_queue_for_one_article_leaves_out_the_others(curator, make_article, make_actor, make_event, cameo):
    other = make_article()
    Statement.objects.create(
        article=other, speaker=make_actor(), quote=other.body[100:120], start=100, end=120, cameo=cameo("010")
    )
    make_event(sources=[(other, other.body[200:240])], review_status=ReviewStatus.DRAFT)
    response = curator.post(URL, {"text": SEED_TEXT, "published_on": "2023-09-30"})
    queue = curator.get(response["Location"])
    pasted = Article.objects.get(source_ref__startswith="pasted").pk
    rows = queue.context["rows"]
    assert {row[1].article_id for row in rows if row[0] == "statement"} == {pasted}
    # Events too (issue 16): those drafted from it, not the other article's draft.
    assert all({source.article_id for source in row[1].sources.all()} == {pasted} for row in rows if row[0] == "event")
    assert queue.context["event_drafts"] == sum(row[0] == "event" for row in rows)


def test_a_pasted_text_an_uploaded_page_and_a_seed_file_draft_the_same_statements(curator, tmp_path):
    curator.post(URL, {"text": SEED_TEXT, "published_on": "2023-09-30"})
    pasted = drafts(Article.objects.get())
    Statement.objects.all().delete()
    Event.objects.all().delete()  # the events drafted from it (issue 16) hold its spans too
    Article.objects.all().delete()
    upload = SimpleUploadedFile("story.html", page().encode(), content_type="text/html")
    curator.post(URL, {"file": upload})
    uploaded = drafts(Article.objects.get(source_ref="story.html"))
    Statement.objects.all().delete()
    Event.objects.all().delete()  # the events drafted from it (issue 16) hold its spans too
    Article.objects.all().delete()
    (tmp_path / "story.txt").write_text(SEED_TEXT, encoding="utf-8")
    call_command(
        "import_seeds", str(tmp_path / "story.txt"), "--fixtures", "--published", "2023-09-30", stdout=StringIO()
    )
    from_file = drafts(Article.objects.get(source_ref="story.txt"))
    assert pasted and pasted == uploaded == from_file


def test_a_url_is_fetched_and_imported(curator, server, settings):  # noqa: F811
    settings.ARTICLE_FETCH_ALLOW_NETWORKS = ["127.0.0.1/32"]
    response = curator.post(URL, {"url": f"{server}/story"})
    assert response.status_code == 302
    assert Article.objects.get().body == SEED_TEXT


@pytest.mark.parametrize(
    "data, reason",
    [
        ({"text": "Only a headline"}, "no body after the headline"),
        ({"file": ("index.html", link_list().encode())}, "no article text found in the page"),
        ({"file": ("photo.jpg", b"\xff\xd8\xff")}, "upload a seed text file (.txt) or a saved web page"),
        ({"url": "http://10.0.0.1/story"}, "private or local network address: refused"),
        ({}, "Give exactly one of"),
        ({"text": SEED_TEXT, "url": "https://a.example/x"}, "Give exactly one of"),
    ],
)
def test_a_bad_input_gets_its_reason_and_stores_nothing(curator, data, reason):
    if "file" in data:
        name, content = data["file"]
        data = {"file": SimpleUploadedFile(name, content)}
    response = curator.post(URL, data)
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not Article.objects.exists() and not Statement.objects.exists()


def test_the_page_needs_the_add_article_permission(client, db):
    user = User.objects.create_user("reader", password="a-long-test-password", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_reviewing_in_the_queue_of_one_article_stays_in_it(curator):
    response = curator.post(URL, {"text": SEED_TEXT, "published_on": "2023-09-30"})
    queue = response["Location"]
    statement = Article.objects.get().statements.first()
    back = curator.post(queue, {"do": f"reject:statement:{statement.pk}", "position": "0"})
    assert back["Location"] == f"{queue}&focus=0"
    statement.refresh_from_db()
    assert statement.review_status == "rejected"
