"""The public timeline in Chromium (issue 18): verified records by default and drafts on request,
the chart starting at the escalations, actor suggestions as links, and the layout (a wide reading
column, export links beside the list, the escalation menu showing whole names, a first page of
bounded height)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from events.models import Event, ReviewStatus, Statement
from events.tests.browser import chromium, requires_chromium, screenshot

pytestmark = requires_chromium

# The widest text of an option against the select's inner width (the arrow takes about 24 px).
FITS = """select => {
  const context = document.createElement('canvas').getContext('2d');
  context.font = getComputedStyle(select).font;
  const widest = Math.max(...[...select.options].map(o => context.measureText(o.text).width));
  return {widest, inner: select.clientWidth - 24};
}"""


@pytest.fixture
def server(live_server, transactional_db, settings):
    settings.PUBLIC_REVIEW_STATUS = "verified"  # the production default
    call_command("import_seeds", stdout=StringIO(), stderr=StringIO())
    # A background record long before the escalations (what stretched the chart to 2002).
    Event.objects.create(
        slug="background-2002", title="Background talks", event_type_id="036", start_date=dt.date(2002, 4, 15),
        review_status=ReviewStatus.VERIFIED,
    )  # fmt: skip
    return live_server


def test_readers_see_verified_records_and_drafts_when_they_ask(server):
    draft, verified = Statement.objects.filter(review_status=ReviewStatus.VERIFIED, speaker__isnull=False)[:2]
    draft.review_status = ReviewStatus.DRAFT  # as a curator would send it back
    draft.save()
    assert draft is not None and verified is not None
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        page.goto(f"{server.url}/?per_page=200")
        assert page.locator(f"#statement-{verified.pk}").count() == 1
        assert page.locator(f"#statement-{draft.pk}").count() == 0
        menu = page.locator("#filter-review")
        assert menu.locator("option:checked").inner_text() == "Verified only"
        menu.select_option("any")
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url("**review_status=any**")
        assert page.locator("#filter-review option:checked").inner_text() == "any (drafts too)"
        page.goto(f"{server.url}/?review_status=any&per_page=200")
        assert page.locator(f"#statement-{draft.pk} .status-draft").inner_text() == "draft"


def test_the_chart_starts_at_the_escalations_and_the_layout_is_wide(server):
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        page.goto(server.url + "/")
        ticks = page.locator(".chart-axis span").all_inner_texts()
        assert ticks and all(int(text[-4:]) >= 2020 for text in ticks), ticks  # not from 2002
        main = page.locator("main").bounding_box()
        assert main["width"] >= 1100, main  # was 832 (740 px of text)
        exports = page.locator(".exports-near").bounding_box()
        first_entry = page.locator(".entry").first.bounding_box()
        assert exports["y"] < first_entry["y"]  # the downloads beside the list, not only in the footer
        assert page.locator(".exports-near a", has_text="CSV").count() == 1
        fit = page.locator("#filter-escalation").evaluate(FITS)
        assert fit["widest"] <= fit["inner"], fit  # the longest escalation name is not cut
        screenshot(page, "timeline-wide")
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height <= 8000, height  # was 13,900 px (50 entries in 740 px)

        phone = browser.new_context(viewport={"width": 390, "height": 800}).new_page()
        phone.goto(server.url + "/")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
        fit = phone.locator("#filter-escalation").evaluate(FITS)
        assert fit["widest"] <= fit["inner"], fit


def test_an_ambiguous_actor_gets_suggestions_to_click(server):
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(server.url + "/?actor=aliyev")  # an alias, any case: resolved
        assert "Ilham Aliyev" in page.locator("#result-count").inner_text()
        page.goto(server.url + "/?actor=Aliyeva")
        choices = page.locator(".actor-choices a")
        assert choices.count() >= 2, page.locator(".form-errors").inner_text()
        first = choices.first.inner_text()
        choices.first.click()
        page.wait_for_load_state()
        assert page.locator(".form-errors").count() == 0
        assert first in page.locator("#result-count").inner_text()
