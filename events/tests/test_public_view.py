"""Public means verified (events/visibility.py), with the production default: readers and anonymous
API clients see verified events and statements unless they ask for drafts; curators see every
record. And the reading points of issue 18: the chart starts at the escalations, an actor is found
by surname, alias, any case and accents (suggestions otherwise), the September 2023 escalation
covers the exodus, the admin shows a span in its sentences."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from events.models import ActorAlias, Escalation, ReviewStatus, Statement
from events.views.chart import build_chart

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def production_default(settings):
    settings.PUBLIC_REVIEW_STATUS = "verified"  # what a deployment has (the suite's pytest.ini says any)


@pytest.fixture
def records(make_statement, make_article, make_actor, make_event, make_escalation):
    speaker = make_actor(name="Vera Marcal", slug="vera-marcal", kind="person")
    body = "Talks resume\n\nShe said “we want peace now” and later “we want it today” in the capital."
    article = make_article(body=body)
    verified = make_statement(
        "we want peace now", article=article, speaker=speaker, review_status=ReviewStatus.VERIFIED
    )
    draft = make_statement("we want it today", article=article, speaker=speaker, review_status=ReviewStatus.DRAFT)
    shown_event = make_event(title="Verified clash", review_status=ReviewStatus.VERIFIED)
    hidden_event = make_event(title="Drafted clash", review_status=ReviewStatus.DRAFT)
    return verified, draft, shown_event, hidden_event


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_the_anonymous_api_lists_verified_records_unless_drafts_are_asked_for(api, records):
    verified, draft, shown_event, hidden_event = records
    assert ids(api.get("/api/statements/")) == {verified.pk}
    assert ids(api.get("/api/events/")) == {shown_event.pk}
    assert ids(api.get("/api/statements/?review_status=any")) == {verified.pk, draft.pk}
    assert ids(api.get("/api/statements/?review_status=draft")) == {draft.pk}
    assert api.get(f"/api/statements/{draft.pk}/").status_code == 404
    assert api.get(f"/api/statements/{draft.pk}/?review_status=any").status_code == 200
    assert api.get("/api/statements/?review_status=maybe").status_code == 400


def test_a_draft_event_page_and_its_accounts_are_a_curators_unless_asked_for(client, api, records, curator):
    _, _, shown_event, hidden_event = records
    page, accounts = "/events/{}/", "/api/events/{}/accounts/"
    assert client.get(page.format(shown_event.pk)).status_code == 200
    assert api.get(accounts.format(shown_event.pk)).status_code == 200
    # As the lists: a reader does not stumble on a draft, but may ask for it.
    assert client.get(page.format(hidden_event.pk)).status_code == 404
    assert api.get(accounts.format(hidden_event.pk)).status_code == 404
    assert client.get(page.format(hidden_event.pk) + "?review_status=draft").status_code == 200
    assert api.get(accounts.format(hidden_event.pk) + "?review_status=any").status_code == 200
    client.force_login(curator)
    api.force_authenticate(curator)
    assert client.get(page.format(hidden_event.pk)).status_code == 200
    assert api.get(accounts.format(hidden_event.pk)).status_code == 200


def test_a_curator_sees_drafts_by_default_and_the_public_view_when_asking(api, records, curator):
    verified, draft, *_ = records
    api.force_authenticate(curator)
    assert ids(api.get("/api/statements/")) == {verified.pk, draft.pk}
    assert ids(api.get("/api/statements/?review_status=verified")) == {verified.pk}


def test_the_timeline_api_and_its_exports_show_verified_records(api, records):
    verified, draft, shown_event, hidden_event = records
    rows = api.get("/api/timeline/").json()["results"]
    assert {(row["kind"], row["id"]) for row in rows} == {("statement", verified.pk), ("event", shown_event.pk)}
    csv = b"".join(api.get("/api/timeline/?format=csv").streaming_content).decode()
    assert "Verified clash" in csv and "Drafted clash" not in csv and "we want it today" not in csv


def test_the_timeline_page_shows_verified_records_and_drafts_on_request(client, records):
    verified, draft, shown_event, hidden_event = records
    page = client.get("/").content.decode()
    assert f'id="statement-{verified.pk}"' in page and f'id="statement-{draft.pk}"' not in page
    assert "Verified clash" in page and "Drafted clash" not in page
    assert "Verified only" in page  # the review status menu says what is shown
    assert "Download this timeline, verified only:" in " ".join(page.split())  # and the downloads
    page = client.get("/?review_status=any").content.decode()
    assert f'id="statement-{draft.pk}"' in page and "Drafted clash" in page


def reaction_total(response) -> int:
    """The sum of the matrix's counts (an accusation counts twice: in its own chip and in criticism's)."""
    assert response.status_code == 200
    return sum(int(n) for n in re.findall(r'<span class="count">(\d+)</span>', response.content.decode()))


def test_reactions_count_verified_statements_by_default(client, records):
    assert reaction_total(client.get("/reactions/")) == 1
    assert reaction_total(client.get("/reactions/?review_status=any")) == 2


def test_reactions_say_which_statements_they_count(client, records, curator):
    page = client.get("/reactions/").content.decode()
    assert "Counted: verified statements only." in page and '<option value="">Verified only</option>' in page
    page = client.get("/reactions/?review_status=any").content.decode()
    assert "Counted: statements of every review status." in page
    assert '<option value="any" selected>' in page
    client.force_login(curator)
    assert "Counted: statements of every review status." in client.get("/reactions/").content.decode()


def test_the_chart_starts_at_the_first_escalation_not_at_an_old_background_record():
    counts = [
        ("event", dt.date(2002, 5, 1), 1),
        ("event", dt.date(2020, 10, 1), 3),
        ("statement", dt.date(2023, 9, 19), 2),
    ]
    chart = build_chart(counts, (None, None), lambda s, e: "", start_at=dt.date(2020, 9, 27))
    assert chart.bars[0].start.year == 2020
    assert sum(bar.total for bar in chart.bars) == 5  # the 2002 record is outside the chart
    # Asked for dates, the chart shows them: no escalation start overrides a window.
    chart = build_chart(counts, (dt.date(2001, 1, 1), None), lambda s, e: "", start_at=dt.date(2020, 9, 27))
    assert chart.bars[0].start.year == 2002


def test_the_timeline_page_chart_starts_at_the_escalations(client, make_event, make_escalation):
    make_escalation(slug="war", name="War", start_date=dt.date(2020, 9, 27), end_date=dt.date(2020, 11, 10))
    make_event(title="Background", start_date=dt.date(2002, 1, 10), review_status=ReviewStatus.VERIFIED)
    make_event(title="Fighting", start_date=dt.date(2020, 10, 2), review_status=ReviewStatus.VERIFIED)
    chart = client.get("/").context["chart"]
    assert chart.bars[0].start.year == 2020  # around the war (at least CHART_MIN_WEEKS), not from 2002


@pytest.fixture
def aliyevs(make_actor):
    ilham = make_actor(name="Ilham Aliyev", slug="ilham-aliyev", kind="person")
    ActorAlias.objects.create(actor=ilham, name="Aliyev")
    make_actor(name="Kamran Aliyev", slug="kamran-aliyev", kind="person")
    cavusoglu = make_actor(name="Mevlüt Çavuşoğlu", slug="mevlut-cavusoglu", kind="person")
    return ilham, cavusoglu


@pytest.mark.parametrize("value", ["Aliyev", "aliyev", "ALIYEV", "ilham aliyev"])
def test_an_actor_is_found_by_alias_in_any_case(client, aliyevs, value):
    response = client.get("/", {"actor": value, "review_status": "any"})
    assert response.status_code == 200
    assert response.context["query"].cleaned("actor") == [aliyevs[0].pk]


def test_an_actor_is_found_without_accents_and_by_surname(api, aliyevs):
    assert api.get("/api/statements/", {"actor": "mevlut cavusoglu"}).status_code == 200
    assert api.get("/api/statements/", {"actor": "Cavusoglu"}).status_code == 200  # a person's surname


def test_an_ambiguous_surname_gets_suggestions_not_a_bare_error(client, api, aliyevs, make_actor):
    make_actor(name="Heydar Mammadov", slug="heydar-mammadov", kind="person")
    make_actor(name="Elmar Mammadov", slug="elmar-mammadov", kind="person")
    response = api.get("/api/statements/", {"actor": "Mammadov"})
    assert response.status_code == 400
    assert "may mean several actors: Elmar Mammadov (elmar-mammadov), Heydar Mammadov (heydar-mammadov)" in str(
        response.json()
    )
    page = client.get("/", {"actor": "Mammadov"})
    assert page.status_code == 400
    links = page.context["actor_choices"]
    assert [name for name, _ in links] == ["Elmar Mammadov", "Heydar Mammadov"]
    assert "actor=elmar-mammadov" in links[0][1]
    assert 'class="actor-choices"' in page.content.decode()


def test_an_unknown_actor_gets_the_closest_names(api, aliyevs):
    response = api.get("/api/statements/", {"actor": "Ilham Aliev"})
    assert response.status_code == 400
    assert "Did you mean: Ilham Aliyev (ilham-aliyev)?" in str(response.json())


def test_an_article_of_30_september_2023_about_the_exodus_falls_into_the_september_2023_escalation(tmp_path):
    text = (
        "Last convoys leave Karabakh\n\n"
        "The last buses carrying refugees crossed into Armenia on Saturday, officials at the border said.\n\n"
        "“Almost everyone has left the region now,” Foreign Minister Vera Marcal said in Yerevan on Saturday.\n"
    )
    (tmp_path / "exodus.txt").write_text(text, encoding="utf-8")
    fixtures = [str(ROOT / "fixtures" / "cameo.json"), str(ROOT / "fixtures" / "reference.json")]
    call_command(
        "import_seeds", str(tmp_path / "exodus.txt"), "--fixtures", *fixtures, "--no-knowledge",
        "--published", "2023-09-30", stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip
    offensive = Escalation.objects.get(slug="2023-offensive")
    assert offensive.contains(dt.date(2023, 9, 30))
    statement = Statement.objects.get(article__source_ref="exodus.txt")
    assert statement.said_on == dt.date(2023, 9, 30)
    assert statement.escalation == offensive


def test_the_admin_statement_page_shows_the_span_in_its_sentences(client, records, admin_user):
    verified, *_ = records
    client.force_login(admin_user)
    page = client.get(f"/admin/events/statement/{verified.pk}/change/").content.decode()
    assert f'<mark data-span="{verified.start}-{verified.end}">we want peace now</mark>' in page
    assert "She said “" in page  # the words around it
