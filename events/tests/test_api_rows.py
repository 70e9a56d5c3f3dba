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

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.functional import lazy
from rest_framework import renderers as drf_renderers

from events.api import fastjson, rows
from events.models import Actor, Article, Event, EventSource, Outlet, ReviewStatus, Statement

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
