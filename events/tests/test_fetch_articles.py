"""import_articles with URLs and feeds, against an HTTP server the tests start on 127.0.0.1 (no internet):
good pages and feeds, and slow, huge, redirect-loop, wrong-type and private-address answers."""

import datetime as dt
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.ingest.fetch import FetchError, feed_links, fetch, source_ref_for
from events.ingest.records import ParseError
from events.models import Article, Event, Outlet, OutletDomain
from events.tests.webpages import PARAGRAPHS, SEED_TEXT, drafts, page

SECOND = page(
    title="Detainee lists exchanged at the crossing",
    paragraphs=tuple(p.replace("Friday", "Sunday") for p in PARAGRAPHS[::-1]),
    canonical="",
    published="2023-10-01",
)


def rss(base: str) -> str:
    items = "".join(
        f"<item><title>Story {n}</title><link>{base}{path}</link></item>"
        for n, path in enumerate(("/story", "/second"))
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Courier</title><link>{base}/</link>{items}</channel></rss>'


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8", **headers):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if body is not None:
            self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self):
        base = f"http://127.0.0.1:{self.server.server_port}"
        path = self.path
        if path == "/story":
            self.send(200, page().encode())
        elif path == "/second":
            self.send(200, SECOND.encode())
        elif path == "/moved":
            self.send(301, b"", Location="/story")
        elif path == "/loop-a":
            self.send(302, b"", Location="/loop-b")
        elif path == "/loop-b":
            self.send(302, b"", Location="/loop-a")
        elif path.startswith("/chain"):
            n = int(path.removeprefix("/chain") or 0)
            self.send(302, b"", Location=f"/chain{n + 1}")
        elif path == "/slow":
            time.sleep(3)
            self.send(200, page().encode())
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(40):  # a byte at a time, each well within the read timeout
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.1)
        elif path == "/huge":
            self.send(200, b"<html><body>" + b"<p>filler text</p>" * 200_000 + b"</body></html>")
        elif path == "/huge-unsized":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(400):
                self.wfile.write(b"<p>" + b"x" * 10_000 + b"</p>")
        elif path == "/pdf":
            self.send(200, b"%PDF-1.7\n", "application/pdf")
        elif path == "/index":
            self.send(200, b"<html><body><a href='/a'>a</a></body></html>")
        elif path == "/feed.xml":
            self.send(200, rss(base).encode(), "application/rss+xml")
        elif path == "/gone":
            self.send(404, b"not here")
        else:
            self.send(404, b"")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # a client that gave up (the slow answers): expected
        pass


@pytest.fixture(scope="module")
def server():
    httpd = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def allow_local(settings):
    settings.ARTICLE_FETCH_ALLOW_NETWORKS = ["127.0.0.1/32"]
    settings.ARTICLE_FETCH_TIMEOUT = 1
    settings.PAGE_MAX_BYTES = 1_000_000


def run(*args, **options):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_articles", *args, stdout=out, stderr=err, fixtures=[], **options)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), str(error)
    return out.getvalue(), err.getvalue(), None


# fetch() on its own ---------------------------------------------------------------------------


def test_fetch_follows_a_redirect_and_returns_the_final_address(server):
    fetched = fetch(f"{server}/moved", allow_networks=["127.0.0.1/32"])
    assert fetched.url == f"{server}/story"
    assert fetched.content_type == "text/html"


@pytest.mark.parametrize(
    "path, options, reason",
    [
        ("/loop-a", {}, "a redirect loop"),
        ("/chain0", {"max_redirects": 3}, "more than 3 redirects"),
        ("/slow", {"timeout": 0.5}, "timed out"),
        ("/drip", {"timeout": 1, "deadline": 1}, "took more than 1 s"),
        ("/huge", {"max_bytes": 100_000}, "the limit is 100,000 bytes"),
        ("/huge-unsized", {"max_bytes": 100_000}, "larger than the limit of 100,000 bytes"),
        ("/pdf", {}, "the answer is application/pdf, not an HTML page"),
        ("/gone", {}, "the server answered 404"),
    ],
)
def test_fetch_refuses_bad_answers_with_the_reason(server, path, options, reason):
    started = time.monotonic()
    with pytest.raises(FetchError, match=reason):
        fetch(f"{server}{path}", allow_networks=["127.0.0.1/32"], **options)
    assert time.monotonic() - started < 3, "a bad server does not hold the import"


def test_fetch_refuses_private_addresses_unless_allowed(server):
    with pytest.raises(FetchError, match="private or local network address: refused"):
        fetch(f"{server}/story")
    for url in ("http://10.1.2.3/x", "http://169.254.169.254/latest/meta-data", "http://[::1]/x"):
        with pytest.raises(FetchError, match="refused"):
            fetch(url, allow_networks=["127.0.0.1/32"])
    with pytest.raises(FetchError, match="not a web address"):
        fetch("file:///etc/passwd")


def test_feed_links_lists_each_entrys_page():
    assert feed_links(rss("http://x.example").encode(), source="f") == [
        "http://x.example/story",
        "http://x.example/second",
    ]
    with pytest.raises(ParseError, match="feed with no entries|not a feed"):
        feed_links(b"<html><body>no feed</body></html>", source="f")


# import_articles ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_url_is_imported_with_the_pages_text_metadata_and_outlet(server, allow_local):
    outlet = Outlet.objects.create(slug="lowland-courier", name="The Lowland Courier")
    OutletDomain.objects.create(outlet=outlet, domain="lowlandcourier.example")
    _, err, failure = run(f"{server}/story")
    assert failure is None, err
    article = Article.objects.get()
    assert article.source_ref == source_ref_for(f"{server}/story")
    assert article.body == SEED_TEXT
    assert article.outlet == outlet
    assert article.published_on == dt.date(2023, 9, 30)
    # Again: nothing new.
    out, _, failure = run(f"{server}/story")
    assert failure is None and "0 created" in out and Article.objects.count() == 1


@pytest.mark.django_db
def test_a_feed_url_imports_each_entrys_page(server, allow_local):
    _, err, failure = run(f"{server}/feed.xml", no_draft=True)
    assert failure is None, err
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Border commission meets again after a quiet week",
        "Detainee lists exchanged at the crossing",
    ]
    second = Article.objects.get(title__startswith="Detainee")
    assert second.url == f"{server}/second"  # no canonical link: where it was fetched from
    assert second.published_on == dt.date(2023, 10, 1)


@pytest.mark.django_db
def test_a_saved_feed_file_imports_each_entrys_page(server, allow_local, tmp_path):
    (tmp_path / "saved.xml").write_text(rss(server))
    _, err, failure = run(str(tmp_path / "saved.xml"), no_draft=True)
    assert failure is None, err
    assert Article.objects.count() == 2


@pytest.mark.django_db
def test_bad_urls_are_reported_store_nothing_and_do_not_stop_the_good_one(server, allow_local):
    _, err, failure = run(f"{server}/pdf", f"{server}/loop-a", f"{server}/index", f"{server}/story", no_draft=True)
    assert "application/pdf" in err
    assert "a redirect loop" in err
    assert "no article text found in the page" in err
    assert failure is not None and "not fetched" in failure
    assert list(Article.objects.values_list("body", flat=True)) == [SEED_TEXT]


@pytest.mark.django_db
def test_without_the_setting_a_local_address_is_refused(server, settings):
    settings.ARTICLE_FETCH_ALLOW_NETWORKS = []
    _, err, failure = run(f"{server}/story", no_draft=True)
    assert "private or local network address: refused" in err
    assert failure is not None
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_url_and_a_feed_entry_draft_what_the_same_text_in_a_seed_file_drafts(server, allow_local, tmp_path):
    from pathlib import Path

    from events.models import Statement

    cameo = str(Path(__file__).resolve().parents[2] / "fixtures" / "cameo.json")

    def clear():
        Statement.objects.all().delete()
        Event.objects.all().delete()  # the events drafted from it (issue 16) hold its spans too
        Article.objects.all().delete()

    out, err = StringIO(), StringIO()
    call_command("import_articles", f"{server}/story", fixtures=[cameo], stdout=out, stderr=err)
    from_url = drafts(Article.objects.get())
    clear()
    call_command("import_articles", f"{server}/feed.xml", fixtures=[], stdout=out, stderr=err)
    from_feed = drafts(Article.objects.get(body=SEED_TEXT))
    clear()
    (tmp_path / "story.txt").write_text(SEED_TEXT, encoding="utf-8")
    call_command("import_seeds", str(tmp_path / "story.txt"), fixtures=[], published=dt.date(2023, 9, 30), stdout=out)
    from_file = drafts(Article.objects.get())
    assert from_url and from_url == from_feed == from_file
