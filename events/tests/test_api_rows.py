"""The lists' plain-row path (events/api/rows.py) and the orjson renderer (events/api/fastjson.py)
answer exactly what the DRF serializers and DRF's JSONRenderer answer, with the same queries.

The records are random: a synthetic corpus (scale/corpus/) with a random seed, whose text
fields are then overwritten with random strings of awkward characters (quotes, backslashes,
control characters, \\u2028, non-Latin scripts, emoji) and some relations emptied.
"""

from __future__ import annotations

import datetime as dt
import decimal
import random
from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils.functional import lazy
from rest_framework import renderers as drf_renderers

from events.api import fastjson, rows
from events.models import Actor, Article, Escalation, Event, EventSource, Outlet, ReviewStatus, Statement

AWKWARD = [
    '"',
    "\\",
    "\t",
    "\n",
    "\r",
    "\x01",
    "\x1f",
    "\x7f",
    "\u2028",
    "\u2029",
    "é",
    "Ղ",
    "ə",
    "😀",
    "<&>",
    "'",
    " ",
]


def random_text(rng: random.Random, length: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789.,;-"
    return "".join(rng.choice(AWKWARD) if rng.random() < 0.2 else rng.choice(letters) for _ in range(length))


@pytest.fixture(params=[11, 29])
def random_records(request, db):
    """A random corpus of 90 events (with statements, participants, sources and targets), part of it odd."""
    seed = request.param
    call_command("generate_corpus", "--events", "90", "--seed", str(seed), "--actors", "40", stdout=StringIO())
    rng = random.Random(seed)
    for model, columns in (
        (Event, ("title", "summary", "location", "notes")),
        (Statement, ("summary", "notes", "date_phrase", "medium_detail")),
        (Actor, ("name", "role")),
        (Outlet, ("name",)),
        (Article, ("title",)),
        (EventSource, ("notes", "date_phrase")),
    ):
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True))
        for pk in rng.sample(ids, len(ids) // 3):
            model.objects.filter(pk=pk).update(**{column: random_text(rng, rng.randint(0, 40)) for column in columns})
    # Countries blank, in another spelling of a code (lower case) or unknown: an actor's or an
    # outlet's country text is kept by the stored code (rows.Reader). The column holds two
    # characters (PostgreSQL refuses an alpha-3 code there; SQLite would store it).
    for model in (Actor, Outlet):
        for pk in rng.sample(list(model.objects.order_by("pk").values_list("pk", flat=True)), 8):
            model.objects.filter(pk=pk).update(country=rng.choice(["", "am", "az", "XK", "ZZ", "AM"]))
    events = list(Event.objects.order_by("pk").values_list("pk", flat=True))
    Event.objects.filter(pk__in=rng.sample(events, 10)).update(escalation=None, fatalities=None)
    statements = list(Statement.objects.order_by("pk").values_list("pk", flat=True))
    Statement.objects.filter(pk__in=rng.sample(statements, 10)).update(escalation=None)
    Article.objects.filter(pk__in=rng.sample(list(Article.objects.values_list("pk", flat=True)), 5)).update(outlet=None)
    return rng


def drf_path(patch: pytest.MonkeyPatch) -> None:
    """Lists read through the serializers (no reader) and rendered by DRF's own JSONRenderer."""
    patch.setattr(rows, "reader", lambda *args, **kwargs: None)
    patch.setattr(fastjson.JSONRenderer, "render", drf_renderers.JSONRenderer.render)


def both(api, url: str) -> tuple:
    """(content, queries) of `url` through the plain rows, then through DRF's path."""
    answers = []
    for drf in (False, True):
        with pytest.MonkeyPatch.context() as patch, CaptureQueriesContext(connection) as queries:
            if drf:
                drf_path(patch)
            response = api.get(url, **({} if "format=" in url else {"HTTP_ACCEPT": "application/json"}))
            assert response.status_code == 200, response.content[:500]
            content = b"".join(response.streaming_content) if response.streaming else response.content
        answers.append((content, len(queries.captured_queries)))
    return answers


def pages(api, url: str, limit: int = 4):
    """`url` and the pages its `next` links lead to (at most `limit`)."""
    for _ in range(limit):
        yield url
        url = api.get(url, HTTP_ACCEPT="application/json").json().get("next")
        if not url:
            return


LISTS = [
    "/api/events/",
    "/api/events/?page_size=7",
    "/api/events/?page_size=13&ordering=-fatalities",
    "/api/events/?ordering=title&page_size=9",
    "/api/events/?review_status=verified",
    "/api/statements/",
    "/api/statements/?page_size=11&ordering=-said_on",
    "/api/timeline/",
    "/api/timeline/?page_size=17",
    "/api/articles/?page_size=5",
    "/api/escalations/",
    "/api/cameo-codes/?page_size=100",
]


def test_a_list_answers_what_the_serializers_answer(random_records, api):
    for page in (page for url in LISTS for page in pages(api, url)):
        (fast, fast_queries), (drf, drf_queries) = both(api, page)
        assert fast == drf, page
        # Never more; fewer where a cursor page reads its rows in two queries (the NULLs of the
        # ordering apart), each of which the serializers' path prefetched for.
        assert fast_queries <= drf_queries, page
        assert fast.startswith(b'{"')


def test_a_filtered_list_answers_what_the_serializers_answer(random_records, api):
    actor = Actor.objects.filter(participations__isnull=False).order_by("pk").first()
    speaker = Statement.objects.order_by("pk").values_list("speaker__slug", flat=True).first()
    word = Event.objects.order_by("pk").values_list("title", flat=True).first().split()[0]
    for url in (
        f"/api/events/?actor={actor.slug}",
        f"/api/events/?q={word}",
        f"/api/statements/?speaker={speaker}&page_size=3",
        f"/api/timeline/?actor={actor.slug}&page_size=10",
    ):
        for page in pages(api, url):
            (fast, _), (drf, _) = both(api, page)
            assert fast == drf, page
            assert b'"results":[]' not in fast, page


def test_an_export_holds_what_the_serializers_give(random_records, api):
    for kind in ("events", "statements", "timeline", "articles", "escalations"):
        for export in ("json", "csv"):
            (fast, _), (drf, _) = both(api, f"/api/{kind}/?format={export}")
            assert fast == drf, (kind, export)
            assert len(fast) > 500, (kind, export)


def test_a_page_costs_the_same_queries_whatever_its_size(random_records, api):
    counts = {
        size: [both(api, f"/api/{kind}/?page_size={size}")[0][1] for kind in ("events", "statements")]
        for size in (1, 40)
    }
    # events: the page, its participants, its sources; statements: the page, their targets.
    assert counts[1] == counts[40] == [3, 2]
    # The timeline: the events' and the statements' keys, then both kinds' records as above.
    assert both(api, "/api/timeline/?page_size=40")[0][1] == 7


def test_an_export_reads_a_constant_number_of_queries_per_chunk(random_records, api, monkeypatch):
    from events.api import lists

    monkeypatch.setattr(lists, "EXPORT_CHUNK", 20)
    with CaptureQueriesContext(connection) as queries:
        response = api.get("/api/events/?format=csv")
        lines = b"".join(response.streaming_content).count(b"\r\n")
    assert lines > 90  # the header, 90 events and the embedded line breaks of odd titles
    # the truncation check, then per chunk of 20 events (5 chunks): participants and sources.
    page_queries = [q for q in queries.captured_queries if "events_eventparticipant" in q["sql"]]
    assert len(page_queries) == 5


def test_the_timeline_falls_back_to_the_serializers_when_a_reader_cannot_be_built(random_records, api, monkeypatch):
    (fast, _), _ = both(api, "/api/timeline/?page_size=30")
    monkeypatch.setattr(rows, "reader", lambda *args, **kwargs: None)
    assert api.get("/api/timeline/?page_size=30", HTTP_ACCEPT="application/json").content == fast


def test_a_compiled_list_of_ids_reads_what_the_orm_reads(random_records):
    from events.api import serializers

    reader = rows.reader(serializers.EventSerializer, Event.objects.for_timeline())
    events = list(Event.objects.order_by("pk").values_list("pk", flat=True))
    # Ids of no record pad a list beyond the largest compiled size (1,024): the ORM's path.
    unknown = list(range(10**9, 10**9 + 1100))
    for relation in reader.relations:  # participants, sources
        query = relation.rows
        for size in (1, 2, 3, 7, 8, 9, 33, 90, 1024, 1025, 1190):
            ids = random_records.sample(events, min(size, len(events))) + unknown[: max(size - len(events), 0)]
            with CaptureQueriesContext(connection) as queries:
                found = query.rows(ids)
            assert found == list(query.queryset.filter(**{query.lookup: ids})), (relation.name, size)
            assert len(queries.captured_queries) == 1
            assert all(type(row) is relation.reader.row_class for row in found)
    assert query.rows([]) == []


def through_shapes_and_orm(api, url: str) -> list:
    """[(content, the statements sent with their parameters)] of `url` with the compiled query shapes
    (rows.QueryShapes), then with every reader's query built and compiled by the ORM."""
    answers = []
    for orm in (False, True):
        with pytest.MonkeyPatch.context() as patch, CaptureQueriesContext(connection) as queries:
            if orm:
                patch.setattr(rows.SHAPES, "rows", lambda queryset: None)
                patch.setattr(rows.SHAPES, "values_list", lambda queryset, fields: queryset.values_list(*fields))
            response = api.get(url, HTTP_ACCEPT="application/json")
            assert response.status_code == 200, (url, response.content[:500])
        answers.append((response.content, [query["sql"] for query in queries.captured_queries]))
    return answers


def random_list_url(rng: random.Random, kind: str) -> str:
    """A list of events or statements with random filters, ordering and page size."""
    escalations = list(Escalation.objects.values_list("slug", flat=True))
    actors = list(Actor.objects.values_list("slug", flat=True))
    titles = Event.objects.values_list("title", flat=True)
    words = [word for title in titles for word in title.split() if word.isalpha() and len(word) > 4]
    day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randint(0, 1500))
    choices = {
        "escalation": lambda: rng.choice(escalations),
        "actor": lambda: rng.choice(actors),
        "date_from": lambda: day.isoformat(),
        "date_to": lambda: (day + dt.timedelta(days=rng.randint(0, 400))).isoformat(),
        "review_status": lambda: rng.choice(["draft", "verified", "rejected", "any"]),
        "q": lambda: rng.choice(["{} -{}", "{} or {}", '"{} {}"', "{}"]).format(rng.choice(words), rng.choice(words)),
        "page_size": lambda: str(rng.randint(1, 12)),
    }
    orderings = ["date_from", "-date_from", "date_to", "-date_to", "created_at", "-id"]
    if kind == "events":
        choices["location"] = lambda: rng.choice("aeiou")
        orderings += ["title", "-fatalities", "start_date"]
    params = {name: make() for name, make in choices.items() if rng.random() < 0.4}
    if rng.random() < 0.5:
        params["ordering"] = rng.choice(orderings)
    return f"/api/{kind}/?{urlencode(params)}"


def test_a_compiled_query_shape_sends_what_the_orm_sends_on_random_filters(random_records, api, monkeypatch):
    from events.models import actors

    # Some actors frequent, most not: both shapes of the actor filters.
    monkeypatch.setattr(actors, "FREQUENT_ACTOR_ROWS", 4)
    compiled, compile_ = [], rows.QueryShapes._compile
    monkeypatch.setattr(
        rows.QueryShapes, "_compile", staticmethod(lambda query, using: compiled.append(1) or compile_(query, using))
    )
    read = []
    for _ in range(40):
        url = random_list_url(random_records, random_records.choice(["events", "statements"]))
        # The first page, then the next and the previous pages: every cursor form.
        for page in pages(api, url, limit=3):
            previous = api.get(page, HTTP_ACCEPT="application/json").json()["previous"]
            for link in (page, previous) if previous else (page,):
                (fast, fast_sql), (orm, orm_sql) = through_shapes_and_orm(api, link)
                assert fast == orm, link
                assert fast_sql == orm_sql, link  # the same statements with the same parameters
                read.append(link)
    assert compiled
    # Read again, every page takes a shape already compiled; other values in the same shape too.
    compiled.clear()
    for link in read:
        api.get(link, HTTP_ACCEPT="application/json")
    for slug in Escalation.objects.values_list("slug", flat=True):
        (fast, fast_sql), (orm, orm_sql) = through_shapes_and_orm(api, f"/api/events/?escalation={slug}&page_size=3")
        assert (fast, fast_sql) == (orm, orm_sql)
    assert len(compiled) <= 1


def test_two_query_shapes_never_share_their_sql(random_records):
    from events.api import serializers

    shape = Event.objects.for_timeline()
    full = rows.reader(serializers.EventSerializer, shape)
    narrow = rows.reader(serializers.EventSerializer, shape, {"title": None, "date_from": None})
    escalation = Event.objects.filter(review_status="draft", escalation__isnull=False).order_by("pk").first().escalation
    # Alike but for what is outside their WHERE clauses (the columns, the joins' kinds, the
    # ordering, the slice), which are the same text in all of them, or inside it.
    querysets = [
        full.rows(shape.filter(review_status="draft")).order_by("date_from", "id")[:5],
        full.rows(shape.filter(review_status="draft")).order_by("date_from", "id")[:6],
        full.rows(shape.filter(review_status="draft")).order_by("date_from", "id")[2:6],
        full.rows(shape.filter(review_status="draft")).order_by("-date_from", "-id")[:5],
        full.rows(shape.filter(review_status="draft")).order_by("title", "id")[:5],
        narrow.rows(shape.filter(review_status="draft")).order_by("date_from", "id")[:5],
        full.rows(shape.filter(review_status="draft", escalation__slug=escalation.slug)).order_by("date_from")[:5],
        full.rows(shape.filter(review_status="draft", escalation=escalation)).order_by("date_from")[:5],
        full.rows(shape.filter(review_status="draft")).order_by("date_from", "id").distinct()[:5],
        full.rows(shape.filter(review_status="verified")).order_by("date_from", "id")[:5],
    ]
    rows.SHAPES.compiled.clear()
    sent = set()
    for _ in range(2):
        for queryset in querysets:
            answers = []
            for orm in (False, True):
                with pytest.MonkeyPatch.context() as patch, CaptureQueriesContext(connection) as queries:
                    if orm:
                        patch.setattr(rows.SHAPES, "rows", lambda queryset: None)
                    found = list(queryset.all())
                answers.append((found, [query["sql"] for query in queries.captured_queries]))
            assert answers[0] == answers[1], queryset.query
            assert answers[0][0], queryset.query
            sent.update(answers[0][1])
    assert len(sent) == len(querysets)
    # One shape each but for the last, which differs from the first only inside its WHERE clause.
    assert len(rows.SHAPES.compiled[connections["default"]]) == len(querysets) - 1


def test_a_serializer_that_depends_on_the_request_has_no_reader():
    from events.api import serializers

    # ActorSerializer's country is django-countries' field, whose output is built per instance.
    assert rows.reader(serializers.ActorSerializer, Actor.objects.for_listing()) is None
    assert rows.reader(serializers.EventSerializer, Event.objects.for_timeline()) is not None


# The renderer -------------------------------------------------------------------------------


def random_value(rng: random.Random, depth: int = 0):
    choices = [
        lambda: None,
        lambda: rng.choice([True, False]),
        lambda: rng.randint(-(2**70), 2**70) if rng.random() < 0.1 else rng.randint(-1000, 10**9),
        lambda: random_text(rng, rng.randint(0, 20)),
        lambda: dt.date(2000, 1, 1) + dt.timedelta(days=rng.randint(0, 9000)),
        lambda: dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=rng.randint(0, 10**14)),
        lambda: dt.datetime(2020, 1, 1) + dt.timedelta(seconds=rng.randint(0, 10**8)),
        lambda: decimal.Decimal(rng.randint(0, 10**6)) / 100,
        lambda: lazy(str, str)(random_text(rng, 5)),
        lambda: ReviewStatus.VERIFIED,
    ]
    if depth < 3:
        choices += [
            lambda: [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))],
            lambda: tuple(random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))),
            lambda: {random_text(rng, 6): random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))},
            lambda: {rng.randint(0, 9): "a non-string key"},
        ]
    return rng.choice(choices)()


@pytest.mark.parametrize("seed", range(5))
def test_the_renderer_writes_drf_renderers_bytes(seed):
    rng = random.Random(seed)
    for _ in range(200):
        value = random_value(rng)
        assert fastjson.JSONRenderer().render(value) == drf_renderers.JSONRenderer().render(value), repr(value)


def test_the_renderer_indents_as_drf_does_when_asked():
    value = {"a": [1, "\u2028"], "b": None}
    for media_type in ("application/json; indent=2", "application/json"):
        assert fastjson.JSONRenderer().render(value, media_type) == drf_renderers.JSONRenderer().render(
            value, media_type
        )
    assert b"\n  " in fastjson.JSONRenderer().render(value, "application/json; indent=2")
