"""The reactions page: speakers (grouped by country or organisation) × escalations, kinds of statement."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.http import HttpResponse
from django.urls import reverse

from events.models import Actor
from events.tests.conftest import SAMPLE_BODY
from events.views.reaction_table import MATRIX_MARK, REACTION_KINDS, reaction_kinds_of, with_matrix


def reactions_html(client) -> str:
    response = client.get(reverse("events:reactions"))
    assert response.status_code == 200
    return response.content.decode()


def cell(html: str, actor: Actor, column: int) -> str:
    """The HTML of one cell of an actor's row (column 0 is the first escalation)."""
    row = html[html.index(f'<tr id="actor-{actor.pk}">') :]
    row = row[: row.index("</tr>")]
    return re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)[column]


def test_every_cameo_family_has_a_readers_label_and_accusation_sits_inside_disapproval():
    assert [kind.prefix for kind in REACTION_KINDS if len(kind.prefix) == 2] == [f"{n:02}" for n in range(1, 21)]
    assert [kind.label for kind in reaction_kinds_of("0256")] == ["appeal"]
    assert [kind.label for kind in reaction_kinds_of("1122")] == ["condemnation / criticism", "accusation"]
    assert [kind.label for kind in reaction_kinds_of("051")] == ["support / praise"]


@pytest.fixture
def reactions_data(make_article, make_actor, make_escalation, make_statement, cameo):
    war = make_escalation(name="War", slug="war", start_date=dt.date(2020, 9, 27), end_date=dt.date(2020, 11, 10))
    offensive = make_escalation(
        name="Offensive", slug="offensive", start_date=dt.date(2023, 9, 19), end_date=dt.date(2023, 9, 20)
    )
    body = SAMPLE_BODY + "\n\nA. B. C. D. E. F."
    article = make_article(body=body)
    france = make_actor(name="France", slug="france", kind=Actor.Kind.STATE, country="FR")
    colonna = make_actor(name="Catherine Colonna", slug="catherine-colonna", country="", affiliation=france)
    turkey = make_actor(name="Turkey", slug="turkey", kind=Actor.Kind.STATE, country="TR")
    osce = make_actor(name="OSCE", slug="osce", kind=Actor.Kind.INTERNATIONAL_ORG)
    minsk = make_actor(name="OSCE Minsk Group", slug="minsk", kind=Actor.Kind.INTERNATIONAL_ORG, affiliation=osce)
    make_statement("A.", article=article, speaker=france, cameo=cameo("111"), escalation=offensive)
    make_statement("B.", article=article, speaker=colonna, cameo=cameo("111"), escalation=offensive)
    make_statement("C.", article=article, speaker=turkey, cameo=cameo("051"), escalation=offensive)
    make_statement("D.", article=article, speaker=turkey, cameo=cameo("052"), escalation=offensive)
    make_statement("E.", article=article, speaker=minsk, cameo=cameo("0256"), escalation=war)
    make_statement("F.", article=article, speaker=france, cameo=cameo("1122"), escalation=None)
    return {"france": france, "colonna": colonna, "turkey": turkey, "minsk": minsk, "osce": osce}


def test_reactions_matrix_counts_kinds_per_speaker_and_escalation(client, reactions_data):
    html = reactions_html(client)
    turkey, france = reactions_data["turkey"], reactions_data["france"]
    assert "support / praise" in cell(html, turkey, 1) and '<span class="count">2</span>' in cell(html, turkey, 1)
    assert "condemnation / criticism" in cell(html, france, 1)
    assert "none" in cell(html, turkey, 0)
    # Statements outside every escalation get their own column; an accusation counts in both kinds.
    outside = cell(html, france, 2)
    assert "condemnation / criticism" in outside and "of which accusation" in outside
    assert ">Outside the escalations<" in html


def test_reactions_count_links_open_those_statements_on_the_timeline(client, reactions_data):
    html = unescape(reactions_html(client))
    link = re.search(r'href="(/\?speaker=turkey[^"]*)"', html).group(1)
    assert link == "/?speaker=turkey&code=05&escalation=offensive"
    timeline = client.get(link).content.decode()
    assert timeline.count('class="entry entry-statement"') == 2 and 'class="entry entry-event"' not in timeline


def test_reactions_rows_are_grouped_by_country_or_organisation(client, reactions_data):
    html = reactions_html(client)
    groups = re.findall(r'<th scope="colgroup" colspan="\d+">([^<]+)</th>', html)
    assert groups == ["France", "OSCE", "Türkiye"]  # django-countries names
    france_group = html[html.index('id="group-country-FR"') : html.index('id="group-org-')]
    # Colonna has no country of her own: her affiliation puts her under France.
    assert "Catherine Colonna" in france_group and ">France</a>" in france_group
    assert "OSCE Minsk Group" in html[html.index('id="group-org-') :]


@pytest.mark.parametrize("speakers", [1, 20])
def test_reactions_query_count_does_not_grow_with_speakers(
    client, django_assert_num_queries, speakers, make_article, make_actor, make_escalation, make_statement, cameo
):
    escalation = make_escalation()
    body = SAMPLE_BODY + "\n\n" + " ".join(f"S{n}." for n in range(speakers))
    article = make_article(body=body)
    for n in range(speakers):
        parent = make_actor(kind=Actor.Kind.INTERNATIONAL_ORG)
        speaker = make_actor(affiliation=parent)
        make_statement(f"S{n}.", article=article, speaker=speaker, cameo=cameo("0256"), escalation=escalation)
    # 1 escalations   2 statements per speaker (GROUP BY)   3 per speaker shown, escalation and
    # CAMEO family (GROUP BY)   4 the actors (speakers and the organisations they belong to)
    with django_assert_num_queries(4):
        html = reactions_html(client)
    assert html.count('class="chip tone-appeal" href=') == speakers


def test_reactions_page_escapes_names_and_is_fine_without_data(client, db, make_actor, make_statement):
    assert "No statements yet." in reactions_html(client)
    make_statement(speaker=make_actor(name="<script>alert(1)</script>"))
    html = reactions_html(client)
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_seeded_reactions_show_turkeys_support_and_frances_condemnation_in_2023(client, seeded):
    html = reactions_html(client)
    offensive = 3  # 2020 war, 2022 clashes, blockade, 2023 offensive
    turkey, france = Actor.objects.get(slug="turkey"), Actor.objects.get(slug="france")
    assert "support / praise" in cell(html, turkey, offensive)
    assert "condemnation / criticism" in cell(html, france, offensive)
    assert 'data-escalation="2023-offensive"' in html


def test_reactions_reach_speakers_past_the_cap_by_speaker_or_country(
    client, make_article, make_actor, make_escalation, make_statement, cameo, monkeypatch
):
    monkeypatch.setattr("events.views.reactions_page.REACTION_ROWS", 1)
    escalation = make_escalation()
    article = make_article(body=SAMPLE_BODY + "\n\nOne. Two. Three.")
    busy = make_actor(name="Busy Speaker", country="AM")
    quiet = make_actor(name="Quiet Speaker", country="FR")
    for quote in ("One.", "Two."):
        make_statement(quote, article=article, speaker=busy, cameo=cameo("0256"), escalation=escalation)
    make_statement("Three.", article=article, speaker=quiet, cameo=cameo("0256"), escalation=escalation)

    html = reactions_html(client)
    assert "Busy Speaker" in html and "Quiet Speaker" not in html
    assert "1 more have fewer" in html
    for params in ({"speaker_country": "fr"}, {"speaker": "Quiet Speaker"}):
        html = client.get(reverse("events:reactions"), params).content.decode()
        assert "Quiet Speaker" in html and "Busy Speaker" not in html


def test_reactions_refuse_an_unknown_country_or_speaker_with_400_naming_it(client, db):
    for name, value in (("speaker_country", "XX"), ("speaker", "nobody")):
        response = client.get(reverse("events:reactions"), {name: value})
        assert response.status_code == 400
        html = response.content.decode()
        assert 'role="alert"' in html and f"<code>{name}</code>" in html
        assert "No statements yet" not in html


def test_reactions_filter_form_shows_the_filters_given_and_no_others(client, reactions_data):
    # The count links' query strings once leaked into the form: the last speaker's slug in its field.
    html = reactions_html(client)
    assert 'name="speaker" type="text" value=""' in html and 'name="speaker_country" type="text" value=""' in html
    assert ">every speaker</a>" not in html
    html = client.get(reverse("events:reactions"), {"speaker_country": "FR"}).content.decode()
    assert 'name="speaker" type="text" value=""' in html and 'name="speaker_country" type="text" value="FR"' in html


def test_reactions_cells_are_the_chips_with_their_counts_and_links(client, reactions_data):
    france = reactions_data["france"]
    assert cell(reactions_html(client), france, 2).strip() == (
        '<ul class="reaction-list">'
        '<li><a class="chip tone-critical" href="/?speaker=france&amp;code=11">'
        'condemnation / criticism <span class="count">1</span></a></li>'
        '<li class="within"><a class="chip tone-hostile" href="/?speaker=france&amp;code=112">'
        'of which accusation <span class="count">1</span></a></li></ul>'
    )
    assert cell(reactions_html(client), france, 0).strip() == '<span class="none" aria-label="none">–</span>'


def test_the_matrix_rows_go_where_the_template_marks_them_and_never_silently_away():
    rows = "<tbody><tr><th>Ani Karapetyan – Հայաստան</th></tr></tbody>".encode()
    page = with_matrix(HttpResponse(f"<table>{MATRIX_MARK}</table><p>–</p>"), rows)
    assert page.content.decode() == "<table><tbody><tr><th>Ani Karapetyan – Հայաստան</th></tr></tbody></table><p>–</p>"
    with pytest.raises(ValueError, match="MATRIX_MARK"):
        with_matrix(HttpResponse("<table></table>"), rows)
