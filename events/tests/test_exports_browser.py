"""The TimelineJS export loaded by Knight Lab's real TimelineJS library in Chromium.

The library is the npm package @knight-lab/timelinejs, pinned in tests_js/package.json
and installed by `npm ci --prefix tests_js` (node_modules is not committed). The test
writes the seeds' /api/timeline/?format=timelinejs export next to a page that loads the
library's dist files, serves that folder from a small HTTP server on 127.0.0.1 (TimelineJS
fetches its data and locale files, which file:// does not allow), and checks that every
seed event's headline is drawn.
"""

from __future__ import annotations

import functools
import html
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from events.models import Event, EventPlace, Place
from events.tests.browser import chromium, requires_chromium, screenshot

TIMELINEJS = Path(__file__).resolve().parents[2] / "tests_js" / "node_modules" / "@knight-lab" / "timelinejs" / "dist"

pytestmark = [
    *requires_chromium,
    pytest.mark.skipif(
        not (TIMELINEJS / "js" / "timeline.js").exists(),
        reason="TimelineJS is not installed: run `npm ci --prefix tests_js`",
    ),
]

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>conflictdb export in TimelineJS</title>
  <link rel="stylesheet" href="dist/css/timeline.css">
  <script src="dist/js/timeline.js"></script>
</head>
<body style="margin:0">
  <div id="timeline-embed" style="width: 1200px; height: 700px"></div>
  <script>
    window.timeline = new TL.Timeline("timeline-embed", "timeline.json", {debug: false});
    window.timeline.on("loaded", function () { window.timelineLoaded = true; });
  </script>
</body>
</html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def static_server(tmp_path):
    """An HTTP server on 127.0.0.1 over tmp_path, stopped after the test."""
    (tmp_path / "dist").symlink_to(TIMELINEJS, target_is_directory=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.mark.django_db
def test_timelinejs_renders_every_seed_event_of_the_timeline_export(seeded, static_server):
    # Every database read happens before Playwright starts its event loop in this thread:
    # under a running loop Django would open a second connection, which cannot see the
    # test's uncommitted seeds.
    api = APIClient()
    # An event placed at a place (issue 17): its slide says where, in text TimelineJS draws.
    seed_event = Event.objects.order_by("pk").first()
    EventPlace.objects.create(event=seed_event, place=Place.objects.get(slug="sotk"), precision="exact")
    response = api.get("/api/timeline/", {"format": "timelinejs"})
    assert response.status_code == 200
    export = json.loads(response.content)
    events = api.get("/api/events/", {"format": "json"}).json()
    assert events and len(export["events"]) >= len(events)

    folder, url = static_server
    (folder / "timeline.json").write_bytes(response.content)
    (folder / "index.html").write_text(PAGE, encoding="utf-8")

    with chromium() as browser:
        drawn, slides, eras, errors, texts = _render(browser, url)

    for event in events:
        assert event["title"] in drawn, event["title"]
        assert event["title"] in slides, event["title"]
    # The escalations are drawn as eras.
    assert {html.unescape(era["text"]["headline"]) for era in export["eras"]} <= {text.strip() for text in eras}
    placed = [event for event in events if event["place"]]
    assert seed_event.pk in {event["id"] for event in placed}
    for event in placed:
        assert any(f"Place: {event['place']['name']} (" in text for text in texts), event["title"]
    assert not errors, errors


def _render(browser, url: str):
    """Load the page; (timenav headlines, slide headlines, era labels, page errors, slide texts)."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # Nothing leaves the machine: only the test's own server answers.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url) else route.abort())
    page.goto(f"{url}/index.html")
    page.wait_for_function("window.timelineLoaded === true", timeout=30_000)

    drawn = page.locator(".tl-timemarker .tl-headline").all_text_contents()
    slides = page.locator(".tl-slide .tl-headline").all_text_contents()
    eras = page.locator(".tl-timeera .tl-timeera-text").all_text_contents()
    texts = page.locator(".tl-slide .tl-text-content").all_text_contents()
    screenshot(page, "timelinejs-export", full_page=False)
    page.close()
    return drawn, slides, eras, errors, texts
