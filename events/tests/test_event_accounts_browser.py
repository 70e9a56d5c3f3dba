"""The accounts of an event in a real browser: a drafted event verified from the review queue, then
its page showing both outlets' accounts side by side, with where they differ."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from events.models import Event, ReviewStatus
from events.tests.browser import chromium, requires_chromium, screenshot
from events.tests.test_event_drafting import GAZETTE_REPORT, WIRE_REPORT, import_file, make_actors

pytestmark = requires_chromium


@pytest.fixture
def server(live_server, transactional_db, tmp_path):
    """The live server over two self-written reports of one shelling (committed data)."""
    make_actors()
    import_file(tmp_path, "wire.txt", WIRE_REPORT)
    import_file(tmp_path, "gazette.txt", GAZETTE_REPORT, outlet="south-gazette")
    User.objects.create_superuser("curator", "curator@example.org", "a-long-test-password")
    return live_server


def test_a_curator_verifies_a_drafted_event_and_a_reader_compares_its_accounts(server):
    shelling = Event.objects.get(event_type="194")
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(server.url + "/admin/login/?next=/admin/events/statement/review/")
        page.get_by_label("Username").fill("curator")
        page.get_by_label("Password").fill("a-long-test-password")
        page.get_by_role("button", name="Log in").click()
        row = page.locator(f"#row-event-{shelling.pk}")
        assert shelling.title in row.inner_text()
        assert "shelled the town of Orsk" in row.locator(".review-context").inner_text()
        screenshot(page, "review-queue-event-draft")
        row.get_by_role("button", name="Verify").click()
        page.wait_for_url("**/review/**")

        page.goto(f"{server.url}/events/{shelling.pk}/")
        accounts = page.locator("table.accounts tbody tr.account")
        assert accounts.count() == 2
        wire, gazette = accounts.nth(0), accounts.nth(1)
        assert "North Wire" in wire.locator("th").inner_text()
        assert wire.locator(".reporter").inner_text() == "Ostmark"
        assert wire.locator(".figures").inner_text() == "at least 12 civilians killed; dozens injured"
        assert gazette.locator(".figures").inner_text() == "15 people killed"
        assert "2 sources from 2 outlets" in page.locator(".corroboration").inner_text()
        assert page.locator(".differs-tolls").inner_text() == "The sources give different death tolls: at least 12; 15."
        said = page.locator(".event-statement")
        assert said.count() == 1 and "We will answer this attack," in said.inner_text()
        assert page.locator(".status").first.inner_text() == "verified"
        screenshot(page, "event-accounts")
    shelling.refresh_from_db()
    assert shelling.review_status == ReviewStatus.VERIFIED
