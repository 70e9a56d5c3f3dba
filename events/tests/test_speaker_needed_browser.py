"""A "speaker needed" draft in the review queue, in a real browser: seen with its sentence and the
article's actors, credited in one click, and never on the public timeline until then."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from events.models import Actor, ReviewStatus, Statement
from events.tests.browser import chromium, requires_chromium, screenshot
from events.tests.test_speaker_needed import ARTICLE, BANNER

pytestmark = requires_chromium


@pytest.fixture
def server(live_server, transactional_db, tmp_path):
    """The live server over the reference fixtures and one self-written article (committed data)."""
    call_command("loaddata", "cameo", "reference", stdout=StringIO())
    path = tmp_path / "goris.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    call_command(
        "import_seeds", str(path), "--fixtures", "--published", "2023-05-17", stdout=StringIO(), stderr=StringIO()
    )
    User.objects.create_superuser("curator", "curator@example.org", "a-long-test-password")
    return live_server


def test_a_curator_sees_a_speaker_needed_draft_and_credits_it_in_one_click(server):
    banner = Statement.objects.get(quote=BANNER)
    assert banner.speaker is None
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(f"{server.url}/?per_page=200")
        assert BANNER not in page.locator("main").inner_text()  # nobody's statement on the timeline

        page.goto(server.url + "/admin/login/?next=/admin/events/statement/review/")
        page.get_by_label("Username").fill("curator")
        page.get_by_label("Password").fill("a-long-test-password")
        page.get_by_role("button", name="Log in").click()
        row = page.locator(f"#row-statement-{banner.pk}")
        assert row.locator(".review-speaker-needed").inner_text() == "Speaker needed"
        assert row.locator("mark").inner_text() == BANNER
        assert "A banner on the town hall read" in row.locator(".review-context").inner_text()
        assert row.get_by_role("button", name="Verify").count() == 0
        screenshot(page, "review-queue-speaker-needed")

        row.get_by_role("button", name="Nikol Pashinyan").click()
        page.wait_for_url("**/review/**")
        assert "now credited to Nikol Pashinyan" in page.locator(".messagelist").inner_text()
        row = page.locator(f"#row-statement-{banner.pk}")
        assert "Nikol Pashinyan" in row.locator("h2").inner_text()
        assert row.get_by_role("button", name="Verify").count() == 1

    banner.refresh_from_db()
    assert banner.speaker == Actor.objects.get(slug="nikol-pashinyan")
    assert banner.review_status == ReviewStatus.DRAFT
