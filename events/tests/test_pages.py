"""The reader pages: timeline, article with highlighted spans, actor; and the highlighter."""

from __future__ import annotations

import datetime as dt
import random
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from events.api.timeline import Entry
from events.highlight import HighlightSpan, highlight, paragraph_ranges, quote_context, tips
from events.models import Actor, Article, Event, EventParticipant, Outlet, Statement
from events.tests.conftest import SAMPLE_BODY
from events.views.bands import group_into_bands

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
    assert 'data-tip="Evil &quot;title&quot; &lt;b&gt;"' in html
    assert "".join(check(html).text) == text
    assert tips([span(8, 35, "statement-1", title='Evil "title" <b>')]) == (
        '<div class="span-tips" hidden><span id="tip-statement-1">Evil &quot;title&quot; &lt;b&gt;</span></div>'
    )


def test_highlight_wraps_a_single_span_in_a_focusable_mark_with_its_anchor_and_tip():
    html = highlight("Blinken said: “stop now.”", [span(14, 25, "statement-7", title="Antony Blinken")])
    assert html == (
        '<p>Blinken said: <mark id="statement-7" class="span-statement" data-span="statement-7" tabindex="0" '
        'data-tip="Antony Blinken" aria-describedby="tip-statement-7">“stop now.”</mark></p>'
    )


def test_highlight_renders_a_span_with_an_href_as_a_link_closed_in_order():
    text = "Blinken said: “stop now.”"
    mention = HighlightSpan(0, 7, "mention-1", "span-mention", "Antony Blinken", href="/actors/3/")
    html = highlight(text, [mention, span(0, 25, "statement-7", title="Antony Blinken")])
    checker = check(html)
    assert '<a id="mention-1" class="span-mention" data-span="mention-1" href="/actors/3/"' in html
    assert "</a>" in html and "".join(checker.text) == text
    # A link is focusable already: no tabindex on it; the statement's mark gets one.
    assert html.count('tabindex="0"') == 1


def test_highlight_continuation_pieces_are_not_extra_tab_stops():
    text = "aaaa bbbb cccc"
    spans = [span(0, 9, "statement-1", title="A"), span(5, 14, "statement-2", title="B")]
    html = highlight(text, spans)
    assert html.count('tabindex="0"') == 2
    assert html.count('data-tip="B"') + html.count('data-tip="A"') == 3  # the tip is on every piece


def test_quote_context_gives_the_sentences_around_the_span_across_paragraphs():
    text = "Head\n\nPrice said on Thursday that it was bad. He added:\n\n“Stop now,” he said. Later, more. End."
    start = text.index("Stop now")
    context = quote_context(text, start, start + len("Stop now"))
    assert context.span == "Stop now"
    assert context.before == "He added:\n\n“"  # the sentence before, in the paragraph before
    assert context.after == ",” he said. Later, more."
    assert context.clipped_before and context.clipped_after


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


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"escalation": "nope"}, "No escalation has the slug &#x27;nope&#x27;."),
        ({"actor": "nope"}, "No actor has the id, slug or name &#x27;nope&#x27;."),
        ({"country": "XX"}, "Select a valid choice."),
        ({"type": "99"}, "No CAMEO code starts with &#x27;99&#x27;."),
        ({"outlet_kind": "tabloid"}, "Select a valid choice."),
        ({"date_from": "19/09/2023"}, "Enter a valid date in ISO format, YYYY-MM-DD."),
        (
            {"date_from": "2023-09-20", "date_to": "2023-09-19"},
            "date_to (2023-09-19) is before date_from (2023-09-20).",
        ),
        ({"speaker": "nobody"}, "No actor has the id, slug or name &#x27;nobody&#x27;."),
        ({"after": "yesterday"}, "Not a timeline position"),
    ],
)
def test_timeline_reports_an_invalid_filter_value_on_the_page(client, small_timeline, params, message):
    response = client.get(reverse("events:timeline"), params)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'role="alert"' in html and message in html
    name = next(iter(params)) if "date_to" not in params else "date_to"
    assert f"<code>{name}</code>" in html
    assert 'class="entry ' not in html  # nothing listed rather than a wrong list


def _follow_pages(client, **params) -> list[str]:
    """The entry anchors of every page, following the "Later entries" links."""
    anchors, url = [], reverse("events:timeline") + "?" + "&".join(f"{k}={v}" for k, v in params.items())
    for _ in range(50):
        html = client.get(url).content.decode()
        anchors += re.findall(r'<article class="entry entry-\w+" id="([\w-]+)"', html)
        following = re.search(r'<a rel="next" class="load-more" href="([^"]+)"', html)
        if not following:
            return anchors
        url = unescape(following.group(1))
    raise AssertionError("more than 50 pages")


def test_timeline_pages_by_keyset_through_every_row_once_in_order(client, make_event, make_statement, make_article):
    """Events and statements on the same day, a multi-day tie, and undated statements at the end."""
    article = make_article(body=SAMPLE_BODY + " one. two. three.")
    expected = []
    for day in (1, 1, 2, 3, 3, 3):
        event = make_event(title=f"Day {day} clash", start_date=dt.date(2022, 8, day))
        expected.append((dt.date(2022, 8, day), 0, event.pk, f"event-{event.pk}"))
    for quote, day in (("one.", 1), ("two.", 3), ("three.", None)):
        statement = make_statement(quote, article=article, said_on=dt.date(2022, 8, day) if day else None)
        expected.append((dt.date(2022, 8, day) if day else dt.date.max, 1, statement.pk, f"statement-{statement.pk}"))
    order = [anchor for *_, anchor in sorted(expected)]
    for per_page in (1, 2, 4, 100):
        assert _follow_pages(client, per_page=per_page) == order


def test_timeline_later_page_link_keeps_the_filters(client, small_timeline):
    html = timeline_html(client, escalation="clashes", per_page=1)
    link = unescape(re.search(r'class="load-more" href="([^"]+)"', html).group(1))
    assert link.startswith("/?escalation=clashes&per_page=1&after=")
    later = timeline_html(client, escalation="clashes", per_page=1, after=link.rsplit("after=", 1)[1])
    assert "Border clash" in later and "back to the start" in later


def test_timeline_fragment_is_only_the_entries_for_load_more(client, small_timeline):
    html = timeline_html(client, fragment="entries")
    assert "<section" in html and "<form" not in html and "<html" not in html


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


# Both fit the first page (PAGE_SIZE, 25 entries): with more, the dated rows alone fill it and
# the undated statements' query (7 below) is not needed.
@pytest.mark.parametrize("rows", [1, 12])
def test_timeline_query_count_does_not_grow_with_rows(
    client, django_assert_num_queries, rows, make_article, make_actor, make_escalation, make_event, make_statement
):
    _many_rows(rows, make_article, make_actor, make_escalation, make_event, make_statement)
    # 1 escalations (bands and the filter menu)
    # 2 countries in use   3 CAMEO families   4 actor name suggestions (the filter menu)
    # 5 event keys   6 dated statement keys   7 undated statement keys (each ORDER BY date_from, id LIMIT 101)
    # 8 events by id, with type and escalation   9 their participants + actors   10 their sources + articles + outlets
    # 11 statements by id, with speaker, article, outlet, CAMEO, escalation   12 their targets
    # 13 events and statements per escalation and date_from, the filters but the dates (the chart,
    # the result line and, with no date range, the band totals), from the per-day counts (DayCount)
    with django_assert_num_queries(13):
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
    assert (
        f'data-tip="Ana Example: direct quotation, draft" aria-describedby="tip-statement-{appeal.pk}">'
        "both sides must stop firing now.</mark>"
    ) in html
    assert f'<span id="tip-statement-{appeal.pk}">Ana Example: direct quotation, draft</span>' in html
    assert f'<mark id="source-{source.pk}" class="span-source review-draft"' in html
    # Verbatim: every paragraph's text is there, typographic quotes included.
    assert " said on Monday that “<mark" in html
    minister = small_timeline["minister"]
    assert f'href="/actors/{minister.pk}/" data-tip="Mention of Ana Example (person)"' in html
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
    assert 'data-tip="First Speaker: direct quotation' in html and 'data-tip="Second Speaker: direct quotation' in html


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
    # 3 its event sources with event, type and escalation   4 actors and aliases for the gazetteer (one join)
    # 5 places and their names for the place mentions (one join)
    with django_assert_num_queries(5):
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
    # 1 actor + affiliation   2 escalations   3 its statements and 4 its events per escalation (GROUP BY)
    # 5 statements by it   6 their targets   7 events it took part in   8 aliases   9 members
    # 10 offices it held   11 statements about it (none here, so no targets to prefetch)
    with django_assert_num_queries(11):
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


# The timeline's filter bar: the API's FilterSets and parameter names


@pytest.fixture
def filter_timeline(small_timeline, make_actor, make_article, make_outlet, make_statement, make_event, cameo):
    """small_timeline plus a wire-reported French statement and a Turkish support statement."""
    wire = make_outlet(name="Wire", kind=Outlet.Kind.WIRE)
    article = make_article(body=SAMPLE_BODY + "\n\nParis condemned it. Ankara backed Baku.", outlet=wire)
    france = make_actor(name="France", slug="france", kind=Actor.Kind.STATE, country="FR")
    turkey = make_actor(name="Turkey", slug="turkey", kind=Actor.Kind.STATE, country="TR")
    condemnation = make_statement(
        "Paris condemned it.",
        article=article,
        speaker=france,
        cameo=cameo("111", "Criticize or denounce"),
        said_on=dt.date(2023, 9, 19),
        escalation=small_timeline["clashes"],
    )
    support = make_statement(
        "Ankara backed Baku.",
        article=article,
        speaker=turkey,
        cameo=cameo("051", "Praise or endorse"),
        said_on=dt.date(2023, 9, 19),
    )
    return {**small_timeline, "france": france, "turkey": turkey, "condemnation": condemnation, "support": support}


def entry_ids(html: str) -> set[str]:
    return set(re.findall(r'<article class="entry entry-\w+" id="([\w-]+)"', html))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, {"war", "clash", "appeal", "condemnation", "support"}),
        ({"country": "fr"}, {"condemnation"}),
        ({"country": "TR"}, {"support"}),
        ({"type": "11"}, {"condemnation"}),
        ({"type": "19"}, {"war", "clash"}),
        ({"type": "0256"}, {"appeal"}),
        ({"outlet_kind": "state_media"}, {"clash", "appeal"}),
        ({"outlet_kind": "wire"}, {"condemnation", "support"}),
        ({"date_from": "2022-08-02", "date_to": "2022-08-02"}, {"clash", "appeal"}),  # August 2022 overlaps
        ({"date_from": "2023-01-01"}, {"condemnation", "support"}),
        ({"q": "BORDER"}, {"clash"}),
        ({"q": "condemned"}, {"condemnation"}),
        ({"escalation": "clashes", "type": "11"}, {"condemnation"}),
        ({"actor": "Ana Example"}, {"clash", "appeal"}),  # canonical name, as in the issue's URL
        ({"speaker": "france"}, {"condemnation"}),  # statement-only: the events are left out
        ({"code": "05"}, {"support"}),
        ({"review_status": "verified"}, set()),
    ],
)
def test_timeline_filters_with_the_api_parameters(client, filter_timeline, params, expected):
    html = timeline_html(client, **params)
    names = {
        "war": "event",
        "clash": "event",
        "appeal": "statement",
        "condemnation": "statement",
        "support": "statement",
    }
    assert entry_ids(html) == {f"{names[key]}-{filter_timeline[key].pk}" for key in expected}


def test_timeline_filter_bar_shows_the_current_filter_and_the_url_is_shareable(client, filter_timeline):
    html = timeline_html(client, actor="Ana Example", escalation="clashes", outlet_kind="state_media", q="fire")
    assert 'name="actor" type="search" list="actor-suggestions" value="Ana Example"' in html
    assert '<option value="clashes" selected>' in html
    assert '<option value="state_media" selected>' in html
    assert 'name="q" type="search" value="fire"' in html
    assert "involving <strong>Ana Example</strong>" in html
    assert '<option value="FR">France</option>' in html  # countries in use, by name
    assert '<option value="Ana Example">' in html  # actor suggestions


def test_timeline_statement_only_filters_are_kept_as_removable_chips(client, filter_timeline):
    html = timeline_html(client, speaker="france", escalation="clashes")
    assert '<input type="hidden" name="speaker" value="france">' in html
    assert "speaker: France" in html
    assert 'href="/?escalation=clashes" aria-label="Remove the speaker filter"' in html


def test_timeline_links_the_exports_of_the_current_filter(client, filter_timeline):
    html = unescape(timeline_html(client, actor="france", type="11", per_page=5))
    for fmt in ("csv", "json", "timelinejs", "ics"):
        assert f'href="/api/timeline/?actor=france&type=11&format={fmt}"' in html
    assert "after=" not in html.split("Download this timeline", 1)[1].split("</nav>")[0]


def test_timeline_totals_count_every_matching_row_not_just_the_page(client, filter_timeline):
    html = timeline_html(client, per_page=1)
    assert "2 events and 3 statements." in html
    assert html.count('class="entry ') == 1


@pytest.mark.parametrize("dates", [{}, {"date_from": "2000-01-01"}])
def test_timeline_band_header_counts_the_whole_escalation_not_just_the_page(client, filter_timeline, dates):
    # Without a date range the totals come from the chart's counts, with one from their own
    # GROUP BY: the same rows (the range takes them all), the same header.
    html = timeline_html(client, escalation="clashes", per_page=1, **dates)
    assert html.count('class="entry ') == 1
    assert "1 event, 2 statements (here 0 and 1)" in html  # the appeal (from 1 August 2022) comes first


def test_timeline_chart_has_a_linked_bar_per_week_with_counts(client, filter_timeline):
    html = timeline_html(client, escalation="clashes")
    # Clashes: the border clash (2 August 2022) and the appeal (August 2022: from 1 August), then
    # France's condemnation (19 September 2023): over a year of weeks.
    assert '<title id="chart-title">Events and statements per week</title>' in html
    assert 'aria-label="Week of 1 August 2022: 1 event, 1 statement"' in html
    assert 'href="/?escalation=clashes&amp;date_from=2022-08-01&amp;date_to=2022-08-07"' in html
    assert 'aria-label="Week of 18 September 2023: 0 events, 1 statement"' in html
    assert '<th scope="row"><a href="/?escalation=clashes&amp;date_from=2023-09-18&amp;date_to=2023-09-24">' in html


def test_timeline_chart_keeps_the_neighbouring_weeks_and_outlines_the_selected_one(client, filter_timeline):
    html = timeline_html(client, date_from="2022-08-01", date_to="2022-08-07")
    assert entry_ids(html) == {f"event-{filter_timeline['clash'].pk}", f"statement-{filter_timeline['appeal'].pk}"}
    assert 'class="bar bar-selected" aria-label="Week of 1 August 2022: 1 event, 1 statement"' in html
    assert "the selected dates outlined" in html


def test_build_chart_picks_weeks_months_or_years_by_span():
    link = lambda start, end: f"{start}/{end}"  # noqa: E731
    from events.views.chart import build_chart

    weekly = build_chart(
        [("event", dt.date(2023, 9, 19), 2), ("statement", dt.date(2023, 9, 20), 3)], (None, None), link
    )
    assert weekly.unit == "week" and len(weekly.bars) >= 12  # padded around a single week
    busiest = max(weekly.bars, key=lambda bar: bar.total)
    assert (busiest.start, busiest.events, busiest.statements) == (dt.date(2023, 9, 18), 2, 3)
    assert busiest.href == "2023-09-18/2023-09-24"
    assert busiest.event_height + busiest.statement_height == pytest.approx(120)
    assert all(bar.href == "" for bar in weekly.bars if not bar.total)

    monthly = build_chart([("event", dt.date(2002, 1, 1), 1), ("event", dt.date(2023, 9, 19), 1)], (None, None), link)
    assert monthly.unit == "month" and monthly.bars[0].label == "January 2002"
    assert (
        build_chart([("event", dt.date(1900, 1, 1), 1), ("event", dt.date(2023, 1, 1), 1)], (None, None), link).unit
        == "year"
    )
    assert build_chart([("statement", None, 4)], (None, None), link) is None


def test_a_date_range_far_beyond_the_data_charts_the_data_only(client, filter_timeline):
    # The last date Python has ended the chart's loop past it (a 500), and year one made 2,000 bars.
    def bars(params):
        response = client.get(reverse("events:timeline"), params)
        assert response.status_code == 200
        chart = response.context["chart"]
        return chart.unit, [(bar.start, bar.events, bar.statements) for bar in chart.bars]

    unit, unfiltered = bars({})
    assert 0 < len(unfiltered) < 200
    assert bars({"date_to": "9999-12-31"}) == (unit, unfiltered)
    # From year one: every record, the old war too (unfiltered, the chart starts at the escalations).
    unit, everything = bars({"date_from": "0001-01-01"})
    assert 0 < len(everything) < 200
    assert bars({"date_from": "0001-01-01", "date_to": "9999-12-31"}) == (unit, everything)


def test_timeline_shows_edit_links_to_staff_only(client, admin_client, small_timeline):
    appeal, clash = small_timeline["appeal"], small_timeline["clash"]
    assert "Edit in admin" not in timeline_html(client)
    html = timeline_html(admin_client)
    assert f'href="/admin/events/statement/{appeal.pk}/change/"' in html
    assert f'href="/admin/events/event/{clash.pk}/change/"' in html
    article = admin_client.get(reverse("events:article", args=[small_timeline["article"].pk])).content.decode()
    assert f'href="/admin/events/article/{small_timeline["article"].pk}/change/"' in article
    actor = admin_client.get(reverse("events:actor", args=[appeal.speaker_id])).content.decode()
    assert f'href="/admin/events/actor/{appeal.speaker_id}/change/"' in actor


def test_an_event_links_to_the_timeline_from_its_first_day(small_timeline):
    clash = small_timeline["clash"]
    assert clash.get_absolute_url() == f"/?date_from=2022-08-02#event-{clash.pk}"


def test_article_page_links_actor_mentions_and_the_exports_of_its_statements(client, small_timeline):
    article = small_timeline["article"]
    html = client.get(reverse("events:article", args=[article.pk])).content.decode()
    assert 'class="span-mention"' in html
    assert "a mention of a known actor (1)" in html  # the legend counts them
    assert f'href="/api/statements/?article={article.pk}&amp;format=csv"' in html


def test_actor_page_counts_statements_and_events_per_escalation(client, filter_timeline):
    minister = filter_timeline["minister"]
    html = client.get(reverse("events:actor", args=[minister.pk])).content.decode()
    row = html[html.index(">August 2022 clashes <") :]
    row = row[: row.index("</tr>")]
    assert re.findall(r"<td>(?:<a[^>]*>)?(\d+)", row) == ["1", "1"]
    assert 'href="/?speaker=ana-example&amp;escalation=clashes"' in row
    assert 'href="/api/timeline/?actor=ana-example&amp;format=ics"' in html
