"""SQL, HTML and JavaScript in text fields: stored verbatim, returned verbatim by the API, and
always rendered as text (escaped) by the pages and the admin, checked in a real browser."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.test import APIClient

from events.models import Actor, Article, CameoCode, Event, EventParticipant, EventSource, Outlet, Statement
from events.tests.browser import chromium, requires_chromium, screenshot

# Each piece of script sets window.__pwned if it ever runs.
ACTOR = "<script>window.__pwned=1</script>Robert'); DROP TABLE events_actor;--"
QUOTE = '\'); DROP TABLE events_event;-- <script>window.__pwned=2</script><img src=x onerror="window.__pwned=3">'
HEADLINE = '<img src=x onerror=window.__pwned=4>Headline & "quotes"'
SOURCE = "Fighting <svg onload=window.__pwned=5> continued at <b>dawn</b>."
TITLE = '<img src=y onerror="window.__pwned=6">Clash\'); DELETE FROM events_statement;--'
LOCATION = "<iframe src=javascript:window.top.__pwned=7>"
OUTLET = "<script>window.__pwned=8</script>Outlet"
BODY = f"{HEADLINE}\n\n<i>caption</i>\n\nThe minister said: “{QUOTE}” on Monday.\n\n{SOURCE}\n"
HOSTILE = (ACTOR, QUOTE, HEADLINE, SOURCE, TITLE, LOCATION, OUTLET)


def make_hostile_records() -> dict:
    """An outlet, article, actor, statement and event whose texts are all attacks."""
    outlet = Outlet.objects.create(slug="hostile-outlet", name=OUTLET, kind=Outlet.Kind.NEWSPAPER)
    article = Article.objects.create(
        source_ref="hostile.txt",
        title=HEADLINE,
        body=BODY,
        sha256=Article.hash_text(BODY),
        outlet=outlet,
        published_on="2022-08-04",
    )
    actor = Actor.objects.create(slug="hostile-actor", name=ACTOR, kind=Actor.Kind.PERSON)
    code = CameoCode.objects.create(code="19", label="Fight")
    start = BODY.index(QUOTE)
    statement = Statement.objects.create(
        ref="hostile-statement",
        article=article,
        speaker=actor,
        quote=QUOTE,
        start=start,
        end=start + len(QUOTE),
        cameo=code,
        said_on="2022-08-01",
        summary=TITLE,
    )
    event = Event.objects.create(
        slug="hostile-event",
        title=TITLE,
        event_type=code,
        start_date="2022-08-01",
        location=LOCATION,
        summary=QUOTE,
    )
    EventParticipant.objects.create(event=event, actor=actor, role="initiator")
    start = BODY.index(SOURCE)
    EventSource.objects.create(
        ref="hostile-source", event=event, article=article, start=start, end=start + len(SOURCE), quote=SOURCE
    )
    return {"article": article, "actor": actor, "statement": statement, "event": event}


@pytest.mark.django_db
def test_hostile_text_written_through_the_api_is_stored_and_returned_verbatim(django_user_model):
    admin = django_user_model.objects.create_superuser("admin")
    client = APIClient()
    client.force_login(admin)
    CameoCode.objects.create(code="19", label="Fight")
    article = {"source_ref": "hostile.txt", "title": HEADLINE, "body": BODY}
    response = client.post("/api/articles/", article, format="json")
    assert response.status_code == 201, response.content
    actor = {"slug": "hostile-actor", "name": ACTOR, "kind": "person", "aliases": [{"name": OUTLET}]}
    response = client.post("/api/actors/", actor, format="json")
    assert response.status_code == 201, response.content
    start = BODY.index(QUOTE)
    payload = {
        "ref": "hostile",
        "article": "hostile.txt",
        "speaker": "hostile-actor",
        "quote": QUOTE,
        "start": start,
        "end": start + len(QUOTE),
        "cameo": "19",
        "notes": TITLE,
    }
    response = client.post("/api/statements/", payload, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]

    statement = Statement.objects.get(pk=pk)
    assert (statement.quote, statement.notes, statement.speaker.name) == (QUOTE, TITLE, ACTOR)
    assert statement.article.body == BODY and statement.article.title == HEADLINE
    row = client.get(f"/api/statements/{pk}/").json()
    assert (row["quote"], row["notes"], row["speaker"]["name"]) == (QUOTE, TITLE, ACTOR)
    assert client.get("/api/actors/", {"q": "Robert"}).json()["results"][0]["aliases"] == [
        {"name": OUTLET, "kind": "other"}
    ]
    # Searching for the SQL finds the statement as text; no table was dropped.
    found = client.get("/api/statements/", {"q": "DROP TABLE events_event"}).json()["results"]
    assert [r["id"] for r in found] == [pk]
    assert {"events_event", "events_actor", "events_statement"} <= set(connection.introspection.table_names())


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["timeline", "article", "actor"])
def test_the_pages_send_hostile_text_escaped(client, page):
    records = make_hostile_records()
    article, actor = records["article"], records["actor"]
    urls = {"timeline": "/", "article": article.get_absolute_url(), "actor": actor.get_absolute_url()}
    html = client.get(urls[page]).content.decode()
    assert "window.__pwned" in html  # the text is there...
    for raw in ("<script>window.__pwned", "<img src=x onerror", "<svg onload", "<iframe src=javascript"):
        assert raw not in html, raw  # ...but never as markup
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;Robert&#x27;); DROP TABLE events_actor;--" in html


# In a browser ---------------------------------------------------------------------------------

PASSWORD = "admin-password-1"


@pytest.fixture
def no_csp(settings):
    """Without the Content-Security-Policy, which would block inline script on its own:
    what is tested here is that nothing is rendered as markup in the first place."""
    settings.CONTENT_SECURITY_POLICY = settings.CONTENT_SECURITY_POLICY | {"EXCLUDE_URL_PREFIXES": ["/"]}


@requires_chromium[0]
@requires_chromium[1]
def test_no_hostile_script_runs_and_the_text_shows_literally(live_server, transactional_db, no_csp):
    records = make_hostile_records()
    User.objects.create_superuser("admin", password=PASSWORD)
    article, actor, statement, event = (records[k] for k in ("article", "actor", "statement", "event"))
    pages = {
        "timeline": ("/", (ACTOR, QUOTE, TITLE, LOCATION)),
        "article": (article.get_absolute_url(), (HEADLINE, QUOTE, SOURCE, ACTOR, OUTLET)),
        "actor": (actor.get_absolute_url(), (ACTOR, QUOTE, TITLE)),
        "admin-statement": (f"/admin/events/statement/{statement.pk}/change/", (f"{ACTOR}: {QUOTE[:60]}",)),
        "admin-actor": (f"/admin/events/actor/{actor.pk}/change/", (ACTOR,)),
        "admin-event": (f"/admin/events/event/{event.pk}/change/", (TITLE,)),
    }
    with chromium() as browser:
        context = browser.new_context()
        page = context.new_page()
        # The control: with the policy lifted, inline script in markup does run here.
        page.goto(live_server.url + "/")
        page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=z onerror=\"window.__control=1\">')")
        page.wait_for_function("window.__control === 1")

        page.goto(live_server.url + "/admin/login/")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(live_server.url + "/admin/")

        for name, (url, texts) in pages.items():
            response = page.goto(live_server.url + url)
            assert response.ok, (name, response.status)
            page.wait_for_load_state("load")
            page.wait_for_timeout(200)  # time for an onerror/onload handler to fire, were there one
            assert page.evaluate("typeof window.__pwned") == "undefined", name
            visible = page.inner_text("body")
            for text in texts:
                assert text in visible, (name, text)
            screenshot(page, f"hostile-{name}")

        # The admin's form fields hold the text as it is, ready to be saved unchanged.
        page.goto(live_server.url + pages["admin-statement"][0])
        assert page.input_value("textarea[name=quote]") == QUOTE
        page.goto(live_server.url + pages["admin-event"][0])
        assert page.input_value("input[name=location]") == LOCATION
        assert page.evaluate("typeof window.__pwned") == "undefined"
        context.close()
