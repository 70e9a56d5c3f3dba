"""The admin's "Add an article" page in Chromium: a refused text shows its reason, an uploaded page
lands the curator in the review queue for its drafts."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth.models import User
from django.core.management import call_command

from events.models import Article
from events.tests.browser import chromium, requires_chromium, screenshot
from events.tests.webpages import page

pytestmark = requires_chromium


def test_a_curator_adds_an_article_in_the_browser_and_reviews_its_drafts(live_server, transactional_db, tmp_path):
    call_command("loaddata", "cameo", stdout=StringIO())
    User.objects.create_superuser("curator", "curator@example.org", "a-long-test-password")
    (tmp_path / "story.html").write_bytes(page().encode())
    with chromium() as browser:
        tab = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        tab.goto(f"{live_server.url}/admin/login/?next=/admin/events/article/")
        tab.get_by_label("Username").fill("curator")
        tab.get_by_label("Password").fill("a-long-test-password")
        tab.get_by_role("button", name="Log in").click()
        tab.get_by_role("link", name="Add an article from text, a file or a URL").click()
        tab.get_by_label("Text").fill("Only a headline")
        tab.get_by_role("button", name="Import and draft").click()
        assert "no body after the headline" in tab.locator(".errornote").inner_text()
        tab.get_by_label("Text").fill("")
        tab.get_by_label("File").set_input_files(str(tmp_path / "story.html"))
        tab.get_by_role("button", name="Import and draft").click()
        tab.wait_for_url("**/review/?article=*")
        assert "was added with" in tab.locator(".messagelist").inner_text()
        article = Article.objects.get(source_ref="story.html")
        quote = article.statements.get().quote
        assert quote in tab.locator("main, #content").first.inner_text()
        screenshot(tab, "admin-add-article-review")
