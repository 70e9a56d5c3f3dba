"""Saved web pages (.html) imported by import_seeds: text and metadata from the page, the same
drafts as the same text in a seed file, and bad pages refused with nothing stored."""

import datetime as dt
import hashlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.ingest.records import ParseError
from events.ingest.webpage import parse_page
from events.models import Article, Event, Outlet, OutletDomain, Statement
from events.tests.webpages import SEED_TEXT, TITLE, drafts, link_list, page

ROOT = Path(__file__).resolve().parents[2]
CAMEO = ROOT / "fixtures" / "cameo.json"


def run(*args, **options):
    out, err = StringIO(), StringIO()
    call_command("import_seeds", *[str(a) for a in args], stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


# The pure part ------------------------------------------------------------------------------


def test_a_page_gives_its_text_in_the_seed_format_and_its_metadata():
    html = page(lang="en-GB").encode()
    parsed = parse_page(html, source="story.html")
    assert parsed.text == SEED_TEXT  # no navigation, no footer, the heading once, as the headline
    assert parsed.headline_text == TITLE
    assert len(parsed.paragraphs) == 3
    meta = parsed.page
    assert meta.site_name == "The Lowland Courier"
    assert meta.url == "https://lowlandcourier.example/2023/09/30/border-commission"
    assert meta.hostname == "lowlandcourier.example"
    assert meta.published_on == dt.date(2023, 9, 30)
    assert meta.language == "en-gb"
    assert meta.html_sha256 == hashlib.sha256(html).hexdigest()


def test_a_page_without_a_date_or_canonical_url_says_so():
    parsed = parse_page(page(published="", canonical="").encode(), source="story.html", url="https://a.example/x")
    assert parsed.page.published_on is None
    assert parsed.page.url == "https://a.example/x"  # where it was fetched from


@pytest.mark.parametrize(
    "data, reason",
    [
        (link_list().encode(), "no article text found in the page"),
        (b"<html><head><title>Empty</title></head><body></body></html>", "no article text found"),
        (SEED_TEXT.encode(), "not an HTML page"),
        (b"%PDF-1.7\n...", "not an HTML page: this is a PDF document"),
        (b"\x89PNG\r\n\x1a\n....", "not an HTML page: this is a PNG image"),
        (b"", "the file is empty"),
    ],
)
def test_a_page_that_is_not_an_article_is_refused_with_the_reason(data, reason):
    with pytest.raises(ParseError, match=reason):
        parse_page(data, source="bad.html")


def test_an_oversize_page_is_refused_before_it_is_parsed():
    with pytest.raises(ParseError, match="the limit is 1,000 bytes"):
        parse_page(page().encode(), source="big.html", max_bytes=1000)


# Through import_seeds -----------------------------------------------------------------------


@pytest.mark.django_db
def test_import_seeds_stores_the_extracted_text_verbatim_with_the_pages_metadata(tmp_path):
    html = page().encode()
    (tmp_path / "story.html").write_bytes(html)
    outlet = Outlet.objects.create(slug="lowland-courier", name="The Lowland Courier", kind=Outlet.Kind.NEWSPAPER)
    OutletDomain.objects.create(outlet=outlet, domain="lowlandcourier.example")
    run(tmp_path / "story.html", fixtures=[str(CAMEO)])
    article = Article.objects.get(source_ref="story.html")
    assert article.body == SEED_TEXT
    assert article.sha256 == Article.hash_text(SEED_TEXT)
    assert article.html_sha256 == hashlib.sha256(html).hexdigest()
    assert article.title == TITLE
    assert article.published_on == dt.date(2023, 9, 30)
    assert article.url == "https://lowlandcourier.example/2023/09/30/border-commission"
    assert article.language == "en"
    assert article.outlet == outlet  # found by the page's domain
    for statement in Statement.objects.filter(article=article):
        assert article.body[statement.start : statement.end] == statement.quote
    assert Statement.objects.filter(article=article).exists()


@pytest.mark.django_db
def test_an_html_page_and_a_seed_file_of_the_same_text_draft_the_same_statements(tmp_path):
    (tmp_path / "story.html").write_bytes(page().encode())
    (tmp_path / "story.txt").write_text(SEED_TEXT, encoding="utf-8")
    run(tmp_path / "story.html", fixtures=[str(CAMEO)])
    from_page = drafts(Article.objects.get(source_ref="story.html"))
    Statement.objects.all().delete()
    Event.objects.all().delete()  # the events drafted from it (issue 16) hold its spans too
    Article.objects.all().delete()
    run(tmp_path / "story.txt", fixtures=[], published=dt.date(2023, 9, 30))
    from_text = drafts(Article.objects.get(source_ref="story.txt"))
    assert from_page and from_page == from_text


@pytest.mark.django_db
def test_the_outlet_is_found_by_site_name_when_the_domain_is_unknown(tmp_path):
    (tmp_path / "story.html").write_bytes(page(canonical="https://mirror.example/story").encode())
    outlet = Outlet.objects.create(slug="lowland-courier", name="The Lowland Courier")
    run(tmp_path / "story.html", fixtures=[], no_draft=True)
    assert Article.objects.get().outlet == outlet


@pytest.mark.django_db
def test_a_folder_of_pages_and_texts_imports_both_and_a_bad_page_fails_alone(tmp_path):
    (tmp_path / "good.html").write_bytes(page().encode())
    (tmp_path / "index.html").write_bytes(link_list().encode())
    (tmp_path / "photo.htm").write_bytes(b"\xff\xd8\xff\xe0 a jpeg")
    with pytest.raises(CommandError, match="2 of 3 file\\(s\\) failed"):
        out, err = run(tmp_path, fixtures=[], no_draft=True)
    assert list(Article.objects.values_list("source_ref", flat=True)) == ["good.html"]


@pytest.mark.django_db
def test_a_refused_page_names_the_problem_and_stores_nothing(tmp_path):
    (tmp_path / "index.html").write_bytes(link_list().encode())
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_seeds", str(tmp_path / "index.html"), fixtures=[], stdout=StringIO(), stderr=err)
    assert "index.html: no article text found in the page" in err.getvalue()
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_importing_the_same_page_twice_creates_nothing_the_second_time(tmp_path):
    (tmp_path / "story.html").write_bytes(page().encode())
    run(tmp_path / "story.html", fixtures=[str(CAMEO)])
    before = (Article.objects.count(), Statement.objects.count())
    out, _ = run(tmp_path / "story.html", fixtures=[str(CAMEO)])
    assert "0 created" in out
    assert (Article.objects.count(), Statement.objects.count()) == before
