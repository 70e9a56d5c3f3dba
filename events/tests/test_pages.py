"""The reader pages: timeline, article with highlighted spans, actor; and the highlighter."""

from __future__ import annotations

import datetime as dt
import random
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from events.highlight import HighlightSpan, highlight, paragraph_ranges
from events.models import Actor, Article, Event, EventParticipant, Outlet, Statement
from events.views import Entry, group_into_bands

# The highlighter (pure Python, no database)


class _Checker(HTMLParser):
    """Collects text, ids and checks that every element is closed in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.ids, self.text, self.errors = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unbalanced </{tag}>")

    def handle_data(self, data):
        self.text.append(data)


def check(html: str) -> _Checker:
    checker = _Checker()
    checker.feed(html)
    checker.close()
    assert checker.errors == [] and checker.stack == [], html
    return checker


def span(start, end, anchor, css_class="span-statement", title=""):
    return HighlightSpan(start=start, end=end, anchor=anchor, css_class=css_class, title=title)


def test_highlight_escapes_every_text_piece_and_attribute():
    text = 'He said <script>alert("x")</script> & left'
    html = highlight(text, [span(8, 35, "statement-1", title='Evil "title" <b>')])
    assert "<script>" not in html
    assert '&lt;script&gt;alert("x")&lt;/script&gt;' in html
    assert "&amp; left" in html
    assert 'title="Evil &quot;title&quot; &lt;b&gt;"' in html
    assert "".join(check(html).text) == text


def test_highlight_wraps_a_single_span_in_a_mark_with_its_anchor():
    html = highlight("Blinken said: “stop now.”", [span(14, 25, "statement-7", title="Antony Blinken")])
    assert html == (
        '<p>Blinken said: <mark id="statement-7" class="span-statement" data-span="statement-7" '
        'title="Antony Blinken">“stop now.”</mark></p>'
    )


def test_highlight_nests_a_span_inside_a_longer_one_without_splitting_it():
    text = "The U.S. voiced its “deep” concern today."
    outer, inner = span(4, 33, "source-1", "span-source"), span(20, 26, "statement-2")
    html = highlight(text, [inner, outer])
    assert html.count("<mark") == 2
    assert html.index('id="source-1"') < html.index('id="statement-2"')
    assert "span-continued" not in html
    assert "".join(check(html).text) == text


def test_highlight_splits_crossing_spans_and_keeps_each_anchor_once():
    text = "aaaa bbbb cccc"
    html = highlight(text, [span(0, 9, "statement-1"), span(5, 14, "source-2", "span-source")])
    checker = check(html)
    assert "".join(checker.text) == text
    assert sorted(checker.ids) == ["source-2", "statement-1"]
    # One of the two is cut by the other's end and reopened as a continuation.
    assert html.count("span-continued") == 1
    assert html.count('data-span="source-2"') + html.count('data-span="statement-1"') == 3


def test_highlight_gives_coinciding_spans_one_mark_each():
    text = "“We demand an immediate cessation of hostilities.”"
    html = highlight(text, [span(0, len(text), "statement-1"), span(0, len(text), "statement-2")])
    checker = check(html)
    assert checker.ids == ["statement-1", "statement-2"]
    assert html.count("</mark></mark>") == 1


def test_highlight_keeps_paragraphs_and_continues_a_span_across_them():
    text = "Headline\n\nCaption\n\n\nFirst para.\nSame para, next line.\n\nSecond para."
    assert [text[a:b] for a, b in paragraph_ranges(text)] == [
        "Headline",
        "Caption",
        "First para.\nSame para, next line.",
        "Second para.",
    ]
    start = text.index("next line")
    html = highlight(text, [span(start, len(text), "statement-3")])
    assert html.count("<p>") == 4
    assert html.count('data-span="statement-3"') == 2
    assert html.count('id="statement-3"') == 1
    assert "First para.\nSame para" in html


def test_highlight_ignores_spans_outside_the_text():
    html = highlight("short", [span(2, 99, "statement-1"), span(3, 3, "statement-2")])
    assert html == "<p>short</p>"


def test_highlight_output_is_well_formed_for_random_overlapping_spans():
    rng = random.Random(20230919)
    text = "Ab <c> & “d” e\n\nfgh ij\nklm\n\n\nnop & q < r > s."
    for _ in range(300):
        spans = []
        for n in range(rng.randint(1, 6)):
            a = rng.randrange(len(text))
            b = rng.randint(a + 1, len(text))
            spans.append(span(a, b, f"statement-{n}" if n % 2 else f"source-{n}"))
        html = highlight(text, spans)
        checker = check(html)
        visible = [text[a:b] for a, b in paragraph_ranges(text)]
        assert "".join(checker.text).replace("\n", "") == "".join(visible).replace("\n", "")
        assert sorted(checker.ids) == sorted({s.anchor for s in spans})


# Band grouping (no database: unsaved model instances)


def test_rows_without_an_escalation_are_placed_in_context_bands_by_date():
    war = _escalation(1, "2020 war", dt.date(2020, 9, 27), dt.date(2020, 11, 10))
    clashes = _escalation(2, "August 2022 clashes", dt.date(2022, 8, 1), dt.date(2022, 8, 3))
    entries = [
        _entry(dt.date(2002, 1, 1)),
        _entry(dt.date(2020, 10, 1), war),
        _entry(dt.date(2020, 10, 2)),
        _entry(dt.date(2021, 5, 1)),
        _entry(dt.date(2022, 8, 2), clashes),
        _entry(dt.date(2023, 9, 19)),
        _entry(None),
    ]
    bands = group_into_bands(entries, [clashes, war])
    assert [band.title for band in bands] == [
        "Before the escalations",
        "2020 war",
        "Context during 2020 war",
        "Between 2020 war and August 2022 clashes",
        "August 2022 clashes",
        "After August 2022 clashes",
        "Undated",
    ]
    assert bands[3].date_label == "11 November 2020 – 31 July 2022"
    assert [len(band.entries) for band in bands] == [1] * 7


def test_an_escalation_interrupted_by_other_rows_gets_a_continued_band():
    war = _escalation(1, "2020 war", dt.date(2020, 9, 27), dt.date(2020, 11, 10))
    entries = [_entry(dt.date(2020, 10, 1), war), _entry(dt.date(2020, 10, 2)), _entry(dt.date(2020, 10, 3), war)]
    bands = group_into_bands(entries, [war])
    assert [(band.title, band.continued) for band in bands] == [
        ("2020 war", False),
        ("Context during 2020 war", False),
        ("2020 war", True),
    ]


def _escalation(pk, name, start, end):
    from events.models import Escalation

    return Escalation(pk=pk, slug=f"e{pk}", name=name, start_date=start, end_date=end)


def _entry(day, escalation=None):
    statement = Statement(said_on=day, escalation=escalation, date_from=day)
    return Entry("statement", statement)


# The timeline page


def timeline_html(client, **params) -> str:
    response = client.get(reverse("events:timeline"), params)
    assert response.status_code == 200
    return response.content.decode()


def positions(html: str, *needles: str) -> list[int]:
    found = [html.find(needle) for needle in needles]
    assert -1 not in found, [n for n, p in zip(needles, found, strict=True) if p == -1]
    return found


@pytest.fixture
def small_timeline(make_article, make_actor, make_escalation, make_event, make_statement, make_outlet):
    """A 2020 event (year precision, no escalation), a statement and an event in an escalation."""
    clashes = make_escalation(
        name="August 2022 clashes", slug="clashes", start_date=dt.date(2022, 8, 1), end_date=dt.date(2022, 8, 3)
    )
    state = make_outlet(name="State TV", kind=Outlet.Kind.STATE_MEDIA)
    article = make_article(outlet=state)
    minister = make_actor(name="Ana Example", slug="ana-example", role="Foreign Minister")
    army = make_actor(name="Example Army", slug="example-army", kind=Actor.Kind.ARMED_GROUP)
    war = make_event(title="The old war", start_date=dt.date(2020, 1, 1), start_precision="year")
    clash = make_event(
        title="Border clash",
        start_date=dt.date(2022, 8, 2),
        escalation=clashes,
        actors=[(army, EventParticipant.Role.INITIATOR), (minister, EventParticipant.Role.TARGET)],
        sources=[(article, "The two armies exchanged fire near the border overnight")],
        summary="Fire exchanged overnight.",
    )
    appeal = make_statement(
        article=article,
        speaker=minister,
        escalation=clashes,
        said_on=dt.date(2022, 8, 1),
        said_on_precision="month",
        reported_date=dt.date(2022, 8, 4),
        reported_precision="day",
    )
    return {"clashes": clashes, "article": article, "minister": minister, "war": war, "clash": clash, "appeal": appeal}


def test_timeline_merges_events_and_statements_in_date_order_at_their_precision(client, small_timeline):
    html = timeline_html(client)
    # 2020 (year) < August 2022 (month, from 1 August) < 2 August 2022 (day).
    a, b, c = positions(html, "The old war", "both sides must stop firing now.", "Border clash")
    assert a < b < c
    assert ">2020<" in html
    assert "August 2022" in html
    assert "2 August 2022" in html


def test_timeline_groups_rows_into_escalation_bands_with_counts(client, small_timeline):
    html = timeline_html(client)
    html = html[html.index("<section") :]  # after the filter menu, which names the escalations too
    before, band, statement, event = positions(
        html, "Before the escalations", ">August 2022 clashes<", "both sides must stop", "Border clash"
    )
    assert before < band < statement < event
    assert "1–3 August 2022" in html  # the escalation's own dates
    assert "1 event, 1 statement" in html


def test_timeline_statement_shows_quote_speaker_discrepancy_and_link_to_its_span(client, small_timeline):
    appeal, article = small_timeline["appeal"], small_timeline["article"]
    html = timeline_html(client)
    assert "“both sides must stop firing now.”" in html
    assert "Ana Example" in html and "Foreign Minister" in html
    assert "the article says 4 August 2022" in html
    assert f'href="/articles/{article.pk}/#statement-{appeal.pk}"' in html
    assert "Appeal for de-escalation of military engagement" in html
    assert "draft" in html


def test_timeline_paraphrase_is_not_put_in_quotation_marks(client, make_statement):
    make_statement(kind=Statement.Kind.REPORTED)
    html = timeline_html(client)
    assert '<p class="paraphrase">both sides must stop firing now.</p>' in html
    assert "“both sides" not in html


def test_timeline_event_shows_type_actors_with_roles_and_flagged_sources(client, small_timeline):
    clash = small_timeline["clash"]
    source = clash.sources.get()
    html = timeline_html(client)
    assert "190 Use conventional military force" in html
    assert 'Example Army</a> <span class="role">initiator</span>' in html
    assert 'Ana Example</a> <span class="role">target</span>' in html
    assert "Fire exchanged overnight." in html
    assert f'href="/articles/{source.article_id}/#source-{source.pk}">State TV</a>' in html
    assert "state media" in html


def test_timeline_filters_by_escalation_and_actor(client, small_timeline):
    html = timeline_html(client, escalation="clashes")
    assert "Border clash" in html and "both sides must stop" in html
    assert "The old war" not in html

    html = timeline_html(client, actor="example-army")
    assert "Border clash" in html
    assert "The old war" not in html and "both sides must stop" not in html


def test_timeline_actor_filter_includes_statements_addressed_to_the_actor(client, small_timeline, make_actor):
    target = make_actor(slug="the-target")
    small_timeline["appeal"].targets.add(target)
    html = timeline_html(client, actor="the-target")
    assert "both sides must stop" in html
    assert "Border clash" not in html


def test_timeline_answers_404_for_an_unknown_filter_value(client, small_timeline):
    assert client.get(reverse("events:timeline"), {"escalation": "nope"}).status_code == 404
    assert client.get(reverse("events:timeline"), {"actor": "nope"}).status_code == 404


def test_timeline_is_paginated_in_date_order(client, make_event):
    for day in range(1, 6):
        make_event(title=f"Day {day} clash", start_date=dt.date(2022, 8, day))
    page1 = timeline_html(client, per_page=2)
    page3 = timeline_html(client, per_page=2, page=3)
    assert "Day 1 clash" in page1 and "Day 2 clash" in page1 and "Day 3 clash" not in page1
    assert "Day 5 clash" in page3 and "Day 4 clash" not in page3
    assert "page=2" in page1 and "per_page=2" in page1


def test_timeline_escapes_hostile_text(client, make_article, make_statement, make_event):
    body = "Head\n\nHe said “<script>alert(1)</script> & <b>bold</b>” today."
    article = make_article(body=body)
    make_statement(quote="<script>alert(1)</script> & <b>bold</b>", article=article)
    make_event(title="<img src=x onerror=alert(2)>")
    html = timeline_html(client)
    assert "<script>alert(1)" not in html and "<b>bold" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_timeline_is_empty_but_fine_without_data(client, db):
    assert "No events or statements yet" in timeline_html(client)


def _many_rows(n, make_article, make_actor, make_escalation, make_event, make_statement):
    """n events and n statements, each with participants, a source and a target."""
    escalation = make_escalation()
    article = make_article()
    for i in range(n):
        speaker, other = make_actor(), make_actor()
        statement = make_statement(article=article, speaker=speaker, escalation=escalation if i % 2 else None)
        statement.targets.add(other)
        make_event(
            escalation=escalation,
            start_date=dt.date(2022, 8, 1) + dt.timedelta(days=i),
            actors=[(speaker, "initiator"), (other, "target")],
            sources=[(article, "The two armies exchanged fire")],
        )


@pytest.mark.parametrize("rows", [1, 20])
def test_timeline_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, rows, make_article, make_actor, make_escalation, make_event, make_statement
):
    _many_rows(rows, make_article, make_actor, make_escalation, make_event, make_statement)
    # 1 escalations (bands and the filter menu)
    # 2 COUNT(*) of the UNION of event and statement keys (paginator)
    # 3 the page of keys: UNION ... ORDER BY sort_date, kind, id LIMIT 100
    # 4 events by id, with type and escalation   5 their participants + actors   6 their sources + articles + outlets
    # 7 statements by id, with speaker, article, outlet, CAMEO, escalation   8 their targets
    # 9 events per escalation   10 statements per escalation (band totals)
    # 11 actors for the filter menu
    with django_assert_num_queries(11):
        html = timeline_html(client)
    assert html.count('class="entry entry-event"') == rows
    assert html.count('class="entry entry-statement"') == rows


# The article page


def test_article_page_shows_the_verbatim_text_with_highlighted_spans(client, small_timeline):
    article, appeal, clash = small_timeline["article"], small_timeline["appeal"], small_timeline["clash"]
    source = clash.sources.get()
    response = client.get(reverse("events:article", args=[article.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<mark id="statement-{appeal.pk}" class="span-statement review-draft"' in html
    assert 'title="Ana Example: direct quotation, draft">both sides must stop firing now.</mark>' in html
    assert f'<mark id="source-{source.pk}" class="span-source review-draft"' in html
    # Verbatim: every paragraph's text is there, typographic quotes included.
    assert "Foreign Minister Ana Example said on Monday that “<mark" in html
    assert "<p>Delegates at the table</p>" in html
    assert "State TV" in html and "state media" in html
    assert "4 August 2022" in html
    assert article.sha256 in html
    assert "statement" in html and "event source" in html  # the legend


def test_article_page_highlights_coinciding_spans_of_two_speakers(client, make_article, make_statement, make_actor):
    article = make_article()
    first = make_statement(article=article, speaker=make_actor(name="First Speaker"))
    second = make_statement(article=article, speaker=make_actor(name="Second Speaker"))
    html = client.get(reverse("events:article", args=[article.pk])).content.decode()
    assert f'id="statement-{first.pk}"' in html and f'id="statement-{second.pk}"' in html
    assert "First Speaker: direct quotation" in html and "Second Speaker: direct quotation" in html


def test_article_page_escapes_a_hostile_body(client, make_article, make_statement):
    body = "<script>alert(1)</script>\n\nHe said “<b>no</b> & yes” <i>today</i>."
    article = make_article(body=body, title="<script>t</script>")
    make_statement(quote="<b>no</b> & yes", article=article)
    html = client.get(reverse("events:article", args=[article.pk])).content.decode()
    assert "<script>alert" not in html and "<b>no" not in html and "<i>today" not in html
    assert "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>" in html
    assert "&lt;b&gt;no&lt;/b&gt; &amp; yes</mark>" in html


def test_article_page_flags_an_undated_article_and_its_republisher(client, make_article, make_outlet):
    copier = make_outlet(name="Republisher", kind=Outlet.Kind.AGGREGATOR)
    article = make_article(published_on=None, republished_by=copier, notes="Reworded copy.")
    html = client.get(reverse("events:article", args=[article.pk])).content.decode()
    assert "undated" in html
    assert "republished by Republisher" in html
    assert "Reworded copy." in html


def test_article_page_does_not_link_a_non_http_url(client, make_article):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(url="javascript:alert(1)")
    html = client.get(reverse("events:article", args=[article.pk])).content.decode()
    assert 'href="javascript:' not in html


@pytest.mark.parametrize("spans", [1, 20])
def test_article_page_query_count_does_not_grow_with_spans(
    client, django_assert_num_queries, spans, make_article, make_actor, make_statement, make_event
):
    article = make_article()
    for _ in range(spans):
        make_statement(article=article, speaker=make_actor())
        make_event(sources=[(article, "The two armies exchanged fire")])
    # 1 the article with outlet and republisher   2 its statements with speaker and CAMEO
    # 3 its event sources with event, type and escalation
    with django_assert_num_queries(3):
        response = client.get(reverse("events:article", args=[article.pk]))
    assert response.content.decode().count('<mark id="statement-') == spans


def test_pages_answer_404_for_unknown_ids(client, db):
    assert client.get(reverse("events:article", args=[999999])).status_code == 404
    assert client.get(reverse("events:actor", args=[999999])).status_code == 404


# The actor page


def test_actor_page_shows_identity_aliases_statements_and_events_with_roles(client, small_timeline, make_actor):
    minister = small_timeline["minister"]
    country = make_actor(name="Exampleland", slug="exampleland", kind=Actor.Kind.STATE, country="AM")
    Actor.objects.filter(pk=minister.pk).update(affiliation=country, country="AM")
    minister.aliases.create(name="Example", kind="surname")
    html = client.get(reverse("events:actor", args=[minister.pk])).content.decode()
    assert "<h1>Ana Example</h1>" in html
    assert "Foreign Minister" in html and "Armenia" in html and "person" in html
    assert f'href="/actors/{country.pk}/">Exampleland</a>' in html
    assert 'Example <span class="alias-kind">(surname / short name)</span>' in html
    assert "“both sides must stop firing now.”" in html
    assert "<strong>Target</strong> in" in html and "Border clash" in html

    html = client.get(reverse("events:actor", args=[country.pk])).content.decode()
    assert f'href="/actors/{minister.pk}/">Ana Example</a>' in html  # affiliated members


@pytest.mark.parametrize("rows", [1, 20])
def test_actor_page_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, rows, make_actor, make_article, make_statement, make_event
):
    actor, other = make_actor(), make_actor()
    article, quote = make_article(), "both sides must stop firing now."
    for i in range(rows):
        # Spans of different lengths: one speaker may be credited once per span.
        statement = make_statement(
            quote[: len(quote) - i], article=article, speaker=actor, said_on=dt.date(2022, 8, 1) + dt.timedelta(days=i)
        )
        statement.targets.add(other)
        make_event(actors=[(actor, "initiator"), (other, "target")])
    # 1 actor + affiliation   2 aliases   3 members   4 statements by it   5 their targets
    # 6 statements about it   7 events it took part in
    with django_assert_num_queries(7):
        html = client.get(reverse("events:actor", args=[actor.pk])).content.decode()
    assert html.count('class="entry entry-statement"') == rows


# The real seeds


def test_seeded_timeline_lists_every_statement_and_event_in_date_order(client, seeded):
    html = timeline_html(client, per_page=200)
    statements = list(Statement.objects.order_by("date_from", "id"))
    events = list(Event.objects.all())
    assert statements and events
    for statement in statements:
        assert f'id="statement-{statement.pk}"' in html
    for event in events:
        assert f'id="event-{event.pk}"' in html
    # Dates on the page never go backwards (undated rows come last).
    anchors = re.findall(r'<article class="entry entry-(event|statement)" id="(?:event|statement)-(\d+)"', html)
    by_kind = {"event": {e.pk: e for e in events}, "statement": {s.pk: s for s in statements}}
    dates = [by_kind[kind][int(pk)].date_from or dt.date.max for kind, pk in anchors]
    assert dates == sorted(dates)


def test_seeded_timeline_shows_escalation_bands(client, seeded):
    html = timeline_html(client, per_page=200)
    escalations = {e.escalation for e in Event.objects.select_related("escalation") if e.escalation}
    assert escalations
    for escalation in escalations:
        assert unescape(f">{escalation.name}<") in unescape(html)


def test_seeded_price_statement_keeps_the_date_the_article_gives(client, seeded):
    price = Actor.objects.get(name__contains="Price")
    statement = Statement.objects.filter(speaker=price, reported_date__isnull=False).first()
    assert statement is not None
    html = timeline_html(client, per_page=200)
    assert f"the article says {statement.reported_date_label}" in html
    assert statement.reported_date_label == "4 August 2022"


def test_seeded_article_pages_highlight_every_span(client, seeded):
    for article in Article.objects.with_text():
        html = client.get(article.get_absolute_url()).content.decode()
        for pk in article.statements.values_list("pk", flat=True):
            assert f'id="statement-{pk}"' in html
        for pk in article.event_sources.values_list("pk", flat=True):
            assert f'id="source-{pk}"' in html
        body_start = html.index('<div class="article-body">') + len('<div class="article-body">')
        check(html[body_start : html.index("</div>", body_start)])


def test_seeded_actor_pages_answer(client, seeded):
    for actor in Actor.objects.all():
        assert client.get(actor.get_absolute_url()).status_code == 200
