"""The reader pages in a real browser: Debian's Chromium driven by Playwright, on the real seeds.

Screenshots go to test-artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from events.models import EventSource, Statement

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing: apt-get install chromium"),
]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def seeded_server(live_server, transactional_db):
    """The live server over the real seeds (live_server needs committed data, hence transactional_db)."""
    call_command("import_seeds", stdout=StringIO(), stderr=StringIO())
    return live_server


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_timeline_shows_escalation_bands_and_entries_in_date_order(seeded_server, page):
    page.goto(seeded_server.url + "/?per_page=200")
    bands = page.locator("section.band-escalation h2")
    assert bands.count() >= 1
    assert page.locator("section.band-escalation").first.locator("article.entry").count() >= 1

    dates = page.locator("article.entry").evaluate_all("rows => rows.map(row => row.dataset.date)")
    dated = [date for date in dates if date]
    assert len(dated) >= 2
    assert dated == sorted(dated)
    # Undated rows, if any, come after every dated one.
    assert dates[: len(dated)] == dated
    screenshot(page, "timeline")


def test_timeline_is_readable_at_phone_width(seeded_server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    page.goto(seeded_server.url + "/")
    # Nothing wider than the screen: no sideways scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "timeline-phone")
    context.close()


def test_statement_link_opens_the_article_with_the_quote_highlighted(seeded_server, page):
    statement = Statement.objects.filter(kind=Statement.Kind.DIRECT_QUOTE).order_by("date_from", "id").first()
    page.goto(seeded_server.url + "/?per_page=200")
    entry = page.locator(f"#statement-{statement.pk}")
    entry.get_by_role("link", name="Read it in the article").click()
    page.wait_for_url(f"**/articles/{statement.article_id}/#statement-{statement.pk}")

    mark = page.locator(f"mark#statement-{statement.pk}")
    assert mark.is_visible()
    assert statement.quote[:40] in mark.inner_text()
    assert "span-statement" in mark.get_attribute("class")
    assert statement.speaker.name in mark.get_attribute("title")
    screenshot(page, "article-statement")


def test_event_source_link_opens_the_article_at_the_source_span(seeded_server, page):
    source = EventSource.objects.select_related("article__outlet").order_by("id").first()
    page.goto(seeded_server.url + "/?per_page=200")
    page.locator(f'a[href$="#source-{source.pk}"]').first.click()
    page.wait_for_url(f"**/articles/{source.article_id}/#source-{source.pk}")
    mark = page.locator(f"mark#source-{source.pk}")
    assert mark.is_visible()
    assert source.quote[:30] in mark.inner_text()
    assert page.locator(".legend").is_visible()


def test_actor_page_lists_statements_and_events(seeded_server, page):
    statement = Statement.objects.select_related("speaker").order_by("id").first()
    page.goto(seeded_server.url + statement.speaker.get_absolute_url())
    assert page.locator("h1").inner_text() == statement.speaker.name
    assert page.locator(f"#statement-{statement.pk}").is_visible()
    screenshot(page, "actor")
