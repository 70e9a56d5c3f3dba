"""Outlets known in advance (fixtures/knowledge/media.json, `outlet` entries): loaded by import_seeds
insert-only with their domains, and found for an imported page by its host or site name."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from events.ingest.knowledge import DEFAULT_DIR, load_knowledge_base
from events.ingest.webpage import parse_page
from events.models import Article, Outlet, OutletDomain
from events.tests.webpages import page

pytestmark = pytest.mark.django_db

FIXTURES = DEFAULT_DIR.parent


def load(*args) -> str:
    out = StringIO()
    fixtures = [str(FIXTURES / "cameo.json"), str(FIXTURES / "reference.json")]
    call_command("import_seeds", "--fixtures-only", "--fixtures", *fixtures, *args, stdout=out)
    return out.getvalue()


def test_the_reference_list_has_a_hundred_outlets_of_every_side_and_kind():
    outlets = [a for a in load_knowledge_base().actors if a.outlet is not None]
    assert len(outlets) >= 100
    kinds = {(a.outlet.kind, a.country) for a in outlets}
    for side in ("AM", "AZ", "RU", "TR"):
        assert ("state_media", side) in kinds, f"state media of {side}"
    assert {"wire", "independent", "broadcaster", "diaspora_press"} <= {kind for kind, _ in kinds}
    assert all("http" in a.notes for a in outlets)


def test_import_seeds_loads_the_outlets_with_their_domains_and_keeps_stored_ones():
    load()
    known = [a for a in load_knowledge_base().actors if a.outlet is not None]
    assert Outlet.objects.filter(slug__in=[a.slug for a in known]).count() == len(known)
    assert OutletDomain.objects.count() == sum(len(a.outlet.domains) for a in known)
    # reference.json's RT was stored first: it keeps its values and gains its domain.
    rt = Outlet.objects.get(slug="rt")
    assert rt.notes.startswith("Russian state-funded") and rt.domains.get().domain == "rt.com"
    assert Outlet.objects.get(slug="azertac").name == "AZERTAC"  # the entry's short name
    assert Outlet.objects.get(slug="armenpress").get_kind_display() == "state media"
    before = sorted(Outlet.objects.values_list("slug", "name", "kind", "notes"))
    Outlet.objects.filter(slug="tass").update(name="TASS (edited)")
    out = load()
    assert "0 created" in out
    assert Outlet.objects.get(slug="tass").name == "TASS (edited)"
    assert len(before) == Outlet.objects.count()


@pytest.mark.parametrize(
    "url, site_name, slug",
    [
        ("https://en.apa.az/politics/some-story", "", "apa"),  # a sub-domain finds its domain
        ("https://www.rt.com/russia/story/", "", "rt"),
        ("https://tass.ru/politika/1", "", "tass"),
        ("https://mirror.example/x", "ARMENPRESS", "armenpress"),  # the site name, case aside
        ("https://unknown.example/x", "Unknown Gazette", None),
    ],
)
def test_an_outlet_is_found_by_host_or_site_name(url, site_name, slug):
    load()
    found = OutletDomain.objects.outlet_for(url=url, site_name=site_name)
    assert (found.slug if found else None) == slug


def test_an_imported_page_gets_its_outlet_from_its_domain(tmp_path):
    load()
    (tmp_path / "story.html").write_bytes(page(canonical="https://en.armenpress.am/eng/news/1", site_name="").encode())
    call_command("import_seeds", str(tmp_path / "story.html"), "--fixtures", "--no-draft", stdout=StringIO())
    assert Article.objects.get(source_ref="story.html").outlet.slug == "armenpress"


def test_a_domain_claimed_by_two_outlets_is_refused_naming_both(tmp_path):
    data = {"actors": [
        {"slug": "one", "name": "One", "kind": "media", "notes": "https://one.example/",
         "outlet": {"kind": "wire", "domains": ["one.example"]}},
        {"slug": "two", "name": "Two", "kind": "media", "notes": "https://two.example/",
         "outlet": {"kind": "wire", "domains": ["one.example"]}},
    ]}  # fmt: skip
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "m.json").write_text(json.dumps(data))
    with pytest.raises(CommandError, match="domain 'one.example' is also 'one''s"):
        call_command(
            "import_seeds", "--fixtures-only", "--fixtures", "--knowledge", str(tmp_path / "k"), stdout=StringIO()
        )
    assert not Outlet.objects.exists()


def import_page(tmp_path, html: str, *args) -> Article:
    (tmp_path / "copy.html").write_bytes(html.encode())
    call_command("import_seeds", str(tmp_path / "copy.html"), "--fixtures", "--no-draft", *args, stdout=StringIO())
    return Article.objects.select_related("outlet", "republished_by").get(source_ref="copy.html")


def test_a_copy_whose_canonical_url_is_another_outlets_keeps_who_republished_it(tmp_path):
    load()
    html = page(
        canonical="https://armenpress.am/eng/news/1",
        site_name="",
        head='<meta property="og:url" content="https://tass.ru/mir/2">',
    )
    article = import_page(tmp_path, html)
    assert (article.outlet.slug, article.republished_by.slug) == ("armenpress", "tass")
    assert article.url == "https://tass.ru/mir/2"  # the copy we hold


def test_an_original_source_marker_names_the_original_and_the_site_name_the_copier(tmp_path):
    load()
    html = page(
        canonical="https://unknown-mirror.example/story",
        site_name="APA",
        head='<link rel="original-source" href="https://en.armenpress.am/eng/news/7">',
    )
    article = import_page(tmp_path, html)
    assert (article.outlet.slug, article.republished_by.slug) == ("armenpress", "apa")


@pytest.mark.parametrize(
    "canonical, head",
    [
        # The canonical URL and the copy's own address are the same outlet's.
        ("https://armenpress.am/eng/news/1", '<meta property="og:url" content="https://en.armenpress.am/eng/news/1">'),
        # The original is on a site no outlet is known for: nothing to credit it to.
        ("https://unknown.example/story", '<meta property="og:url" content="https://tass.ru/mir/2">'),
    ],
)
def test_a_page_of_one_outlet_or_an_unknown_original_is_no_republication(tmp_path, canonical, head):
    load()
    article = import_page(tmp_path, page(canonical=canonical, site_name="", head=head))
    assert article.republished_by is None
    assert article.outlet.slug == ("armenpress" if "armenpress" in canonical else "tass")


def test_a_fetched_page_is_the_copy_at_its_url_and_an_original_source_meta_names_the_original():
    html = page(canonical="https://a.example/x", head='<meta name="original-source" content="https://armenpress.am/1">')
    meta = parse_page(html.encode(), source="p.html", url="https://tass.ru/2").page
    assert (meta.served_url, meta.original_url) == ("https://tass.ru/2", "https://armenpress.am/1")
