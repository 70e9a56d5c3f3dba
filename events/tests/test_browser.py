"""The reader pages in a real browser: Debian's Chromium driven by Playwright, on the real seeds.

Screenshots go to test-artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Q

from events.models import Actor, Event, EventSource, ReviewStatus, Statement
from events.tests.browser import ARTIFACTS, chromium, requires_chromium, screenshot

pytestmark = requires_chromium


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


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


def test_timeline_shows_escalation_bands_and_entries_in_date_order(seeded_server, page):
    page.goto(seeded_server.url + "/?per_page=200")
    bands = page.locator("section.band-escalation h2")
    assert bands.count() >= 1
    assert page.locator("section.band-escalation").first.locator("article.entry").count() >= 1
    titles = bands.all_inner_texts()
    for name in ("2020 Nagorno-Karabakh war", "2022 clashes", "September 2023 offensive"):
        assert name in titles
    offensive = page.locator("section.band-escalation").filter(
        has=page.locator("h2", has_text="September 2023 offensive")
    )
    meta = offensive.locator(".band-meta").inner_text()
    assert (
        "19 September – 3 October 2023" in meta
    )  # through the exodus (issue 18) and "events" in meta and "statements" in meta

    dates = page.locator("article.entry").evaluate_all("rows => rows.map(row => row.dataset.date)")
    dated = [date for date in dates if date]
    assert len(dated) >= 2
    assert dated == sorted(dated)
    # Undated rows, if any, come after every dated one.
    assert dates[: len(dated)] == dated
    screenshot(page, "timeline")


PHONE_PAGES = {
    "timeline": lambda: "/",
    "timeline-filtered": lambda: "/?actor=Antony+Blinken",
    "reactions": lambda: "/reactions/",
    "article": lambda: Statement.objects.order_by("id").first().article.get_absolute_url(),
    "actor": lambda: Actor.objects.get(slug="antony-blinken").get_absolute_url(),
}


@pytest.mark.parametrize("name", PHONE_PAGES)
def test_pages_are_readable_at_phone_width(seeded_server, browser, name):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = context.new_page()
    assert page.goto(seeded_server.url + PHONE_PAGES[name]()).ok
    # Nothing wider than the screen: no sideways scrolling (the matrix scrolls inside its own box).
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, f"{name}-phone")
    context.close()


def test_print_leaves_out_the_controls(seeded_server, page):
    page.goto(seeded_server.url + "/")
    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible()
    assert not page.locator(".exports").is_visible()
    assert page.locator("article.entry").first.is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    page.pdf(path=str(ARTIFACTS / "timeline-print.pdf"))


def test_filtering_by_antony_blinken_shows_only_his_entries_and_the_url_carries_the_filter(seeded_server, page):
    blinken = Actor.objects.get(name="Antony Blinken")
    expected = {
        f"statement-{pk}"
        for pk in Statement.objects.filter(Q(speaker=blinken) | Q(targets=blinken)).values_list("pk", flat=True)
    }
    expected |= {f"event-{pk}" for pk in Event.objects.filter(participants__actor=blinken).values_list("pk", flat=True)}
    assert expected

    page.goto(seeded_server.url + "/")
    everything = page.locator("article.entry").count()
    page.get_by_label("Actor", exact=True).fill("Antony Blinken")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**/?*actor=Antony+Blinken*")
    shown = set(page.locator("article.entry").evaluate_all("rows => rows.map(row => row.id)"))
    assert shown == expected and len(shown) < everything
    assert page.get_by_label("Actor", exact=True).input_value() == "Antony Blinken"
    assert "involving Antony Blinken" in page.locator("#result-count").inner_text()
    # The exports are of the same filter.
    assert "actor=Antony+Blinken" in page.get_by_role("link", name="CSV").get_attribute("href")
    screenshot(page, "timeline-filtered")

    # The URL alone reproduces the view (a shared link).
    page.goto(page.url)
    assert set(page.locator("article.entry").evaluate_all("rows => rows.map(row => row.id)")) == expected


def test_an_invalid_filter_is_explained_on_the_page(seeded_server, page):
    response = page.goto(seeded_server.url + "/?actor=Nobody+Known&date_from=2023-02-30")
    assert response.status == 400
    alert = page.get_by_role("alert")
    assert "No actor has the id, slug or name 'Nobody Known'" in alert.inner_text()
    assert "Enter a valid date" in alert.inner_text()
    screenshot(page, "timeline-invalid-filter")


def test_clicking_a_chart_bar_jumps_to_that_week(seeded_server, page):
    page.goto(seeded_server.url + "/?escalation=2023-offensive")
    bar = page.locator("figure.chart a.bar").first
    label = bar.get_attribute("aria-label")
    assert label.startswith("Week of 18 September 2023")
    bar.click()
    page.wait_for_url("**date_from=2023-09-18&date_to=2023-09-24*")
    dates = page.locator("article.entry").evaluate_all("rows => rows.map(row => row.dataset.date)")
    assert dates and all("2023-09-18" <= date <= "2023-09-24" for date in dates)
    assert page.locator("figure.chart a.bar-selected").count() == 1
    screenshot(page, "timeline-week")


def test_later_entries_load_in_place_without_losing_the_order(seeded_server, page):
    page.goto(seeded_server.url + "/?per_page=10")
    first_url = page.url
    assert page.locator("article.entry").count() == 10
    while page.locator("a.load-more").count():
        before = page.locator("article.entry").count()
        page.locator("a.load-more").click()
        # A function, not an expression: Playwright evals expressions, which the CSP forbids.
        page.wait_for_function(f"() => document.querySelectorAll('article.entry').length > {before}")
    assert page.url == first_url  # loaded in place
    ids = page.locator("article.entry").evaluate_all("rows => rows.map(row => row.id)")
    assert len(ids) == len(set(ids)) == Statement.objects.count() + Event.objects.count()
    dates = [
        date for date in page.locator("article.entry").evaluate_all("rows => rows.map(row => row.dataset.date)") if date
    ]
    assert dates == sorted(dates)
    # A band continued across pages is one band, not two.
    keys = page.locator("section.band").evaluate_all("rows => rows.map(row => row.dataset.band)")
    assert all(a != b for a, b in zip(keys, keys[1:], strict=False))


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
    assert statement.speaker.name in mark.get_attribute("data-tip")
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


def test_article_page_highlights_quotations_and_mentions_with_a_legend(seeded_server, page):
    article = Statement.objects.select_related("article").order_by("id").first().article
    page.goto(seeded_server.url + article.get_absolute_url())
    marks = page.locator(".article-body mark.span-statement[id]")
    assert marks.count() == article.statements.count()
    assert page.locator(".article-body a.span-mention").count() > 5
    legend = page.get_by_role("note")
    for word in ("statement", "event source", "actor", "draft"):
        assert word in legend.inner_text()
    # Distinct styles: a statement, a source and a mention do not look alike.
    background = "el => getComputedStyle(el).backgroundColor"
    assert page.locator("mark.span-statement").first.evaluate(background) != page.locator(
        "a.span-mention"
    ).first.evaluate(background)
    screenshot(page, "article")


def test_a_highlight_tells_the_speaker_and_status_on_keyboard_focus(seeded_server, page):
    statement = Statement.objects.select_related("speaker").order_by("article_id", "start").first()
    page.goto(seeded_server.url + statement.article.get_absolute_url())
    mark = page.locator(f"mark#statement-{statement.pk}")
    mark.focus()
    tip = mark.evaluate("el => getComputedStyle(el, '::after').content")
    assert statement.speaker.name in tip and "verified" in tip
    described = mark.get_attribute("aria-describedby")
    assert statement.speaker.name in page.locator(f"#{described}").text_content()
    # Tab reaches the highlights.
    page.locator("body").focus()
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('mark[data-tip]')"):
            break
    else:
        raise AssertionError("no highlight is reachable with Tab")
    screenshot(page, "article-focus")


def test_reactions_matrix_shows_turkeys_support_and_frances_condemnation_in_2023(seeded_server, page):
    turkey, france = Actor.objects.get(slug="turkey"), Actor.objects.get(slug="france")
    page.goto(seeded_server.url + "/reactions/")
    turkey_cell = page.locator(f'#actor-{turkey.pk} td[data-escalation="2023-offensive"]')
    france_cell = page.locator(f'#actor-{france.pk} td[data-escalation="2023-offensive"]')
    assert "support / praise" in turkey_cell.inner_text()
    assert "condemnation / criticism" in france_cell.inner_text()
    column = page.locator("table.matrix thead th").nth(4).inner_text()
    assert "September 2023 offensive" in column
    screenshot(page, "reactions")
    france_cell.get_by_role("link").first.click()
    page.wait_for_url("**speaker=france*")
    assert page.locator("article.entry-statement").count() >= 1
    assert page.locator("article.entry-event").count() == 0


def test_a_curator_verifies_a_draft_in_the_admin_and_the_timeline_shows_it_verified(seeded_server, page):
    statement = Statement.objects.filter(speaker__slug="catherine-colonna").order_by("id").first()
    Statement.objects.filter(pk=statement.pk).update(review_status=ReviewStatus.DRAFT)
    User.objects.create_superuser("curator", "curator@example.org", "a-long-test-password")

    page.goto(f"{seeded_server.url}/?speaker=catherine-colonna")
    assert page.locator(f"#statement-{statement.pk} .status").inner_text() == "draft"

    page.goto(seeded_server.url + "/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Review queue").click()
    row = page.locator(f"#row-statement-{statement.pk}")
    assert "illegal, unjustifiable" in row.locator("mark").inner_text()
    screenshot(page, "admin-review-queue")
    # From the keyboard: the first draft has the focus; "v" verifies it.
    assert page.evaluate("document.activeElement.id") == f"row-statement-{statement.pk}"
    page.keyboard.press("v")
    page.wait_for_url("**/review/?focus=0")
    assert "1 statement verified." in page.locator(".messagelist").inner_text()

    page.goto(f"{seeded_server.url}/?speaker=catherine-colonna")
    assert page.locator(f"#statement-{statement.pk} .status").inner_text() == "verified"
    assert page.locator(f"#statement-{statement.pk}").get_by_role("link", name="Edit in admin").count() == 1
    screenshot(page, "timeline-after-review")


def test_actor_page_counts_per_escalation(seeded_server, page):
    blinken = Actor.objects.get(name="Antony Blinken")
    page.goto(seeded_server.url + blinken.get_absolute_url())
    table = page.locator("table.counts")
    assert "September 2023 offensive" in table.inner_text() and "2022 clashes" in table.inner_text()
    assert page.locator("dl.metadata").get_by_text("Secretary of State").count() >= 1
    screenshot(page, "actor-blinken")
