"""Exports: ?format=csv|json|timelinejs|ics on the lists and /api/timeline/ (events/api/renderers.py)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import icalendar
import pytest
from django.http import StreamingHttpResponse

from events.api import renderers
from events.models import Actor, Outlet
from events.tests.test_api import CLASH, QUOTE, assert_400_naming

ACLED = [
    "event_date",
    "time_precision",
    "event_type",
    "actor1",
    "actor2",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "notes",
]


def content(response) -> bytes:
    assert response.status_code == 200, getattr(response, "content", b"")
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content(response).decode("utf-8"), newline="")))


@pytest.fixture
def clash(make_event, make_actor, make_article, make_outlet, make_escalation):
    escalation = make_escalation(slug="2022-clashes", name="2022 clashes")
    article = make_article(
        outlet=make_outlet(name="Asbarez", kind=Outlet.Kind.DIASPORA_PRESS), url="https://example.org/a"
    )
    azerbaijan = make_actor(slug="azerbaijan", name="Azerbaijan", kind=Actor.Kind.STATE)
    armenia = make_actor(slug="armenia", name="Armenia", kind=Actor.Kind.STATE)
    russia = make_actor(slug="russia", name="Russia", kind=Actor.Kind.STATE)
    return make_event(
        title="Clashes on the front line",
        summary="Fighting, with dead and wounded.",
        location="Karabakh",
        start_date=dt.date(2022, 8, 1),
        end_date=dt.date(2022, 8, 3),
        end_precision="day",
        fatalities=3,
        escalation=escalation,
        actors=[(azerbaijan, "initiator"), (armenia, "target"), (russia, "mediator")],
        sources=[(article, CLASH)],
    )


# CSV -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_event_csv_has_acled_columns_and_round_trips(api, clash):
    response = api.get("/api/events/", {"format": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="conflictdb-events.csv"' in response["Content-Disposition"]
    [row] = csv_rows(response)
    assert list(row)[: len(ACLED)] == ACLED
    assert row["event_date"] == "2022-08-01"
    assert row["time_precision"] == "1"
    assert row["event_type"] == "Use conventional military force- not specified below"
    assert (row["actor1"], row["actor2"], row["other_actors"]) == ("Azerbaijan", "Armenia", "Russia (mediator)")
    assert row["location"] == "Karabakh"
    assert row["source"] == "Asbarez"
    assert row["notes"] == "Fighting, with dead and wounded."
    assert row["fatalities"] == "3"
    assert (row["kind"], row["id"], row["key"]) == ("event", str(clash.pk), clash.slug)
    assert (row["end_date"], row["date_label"]) == ("2022-08-03", "1–3 August 2022")
    assert row["escalation"] == "2022-clashes"
    assert row["source_urls"] == "https://example.org/a"


@pytest.mark.django_db
def test_csv_escapes_cells_a_spreadsheet_would_run_as_formulas(api, make_event):
    dangerous = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tindent", "\rreturn"]
    for text in dangerous:
        make_event(title=text, summary=text, location=text)
    parsed = csv_rows(api.get("/api/events/", {"format": "csv"}))
    assert [row["title"] for row in parsed] == ["'" + text for text in dangerous]
    assert all(row["notes"] == row["title"] == row["location"] for row in parsed)
    # Numbers are numbers, not text to escape.
    assert all(row["id"].isdigit() for row in parsed)


@pytest.mark.django_db
def test_csv_round_trips_commas_quotes_and_newlines(api, make_event):
    tricky = 'He said, "stop"\nthen left; ‘quietly’ — 100%'
    make_event(title=tricky, summary=tricky)
    [row] = csv_rows(api.get("/api/events/", {"format": "csv"}))
    assert row["title"] == row["notes"] == tricky


@pytest.mark.django_db
def test_statement_and_timeline_csv_share_the_columns(api, clash, new_statement, make_actor):
    statement = new_statement(speaker=make_actor(name="Ned Price"), summary="Calls for calm")
    statement.targets.add(make_actor(name="Azerbaijan"))
    [row] = csv_rows(api.get("/api/statements/", {"format": "csv"}))
    assert (row["kind"], row["actor1"], row["actor2"], row["notes"]) == (
        "statement",
        "Ned Price",
        "Azerbaijan",
        "Calls for calm",
    )
    assert row["quote"] == QUOTE
    assert row["event_type"] == "Appeal for de-escalation of military engagement"

    timeline = csv_rows(api.get("/api/timeline/", {"format": "csv"}))
    assert [(row["kind"], row["id"]) for row in timeline] == [
        ("event", str(clash.pk)),
        ("statement", str(statement.pk)),
    ]
    assert list(timeline[0]) == list(row)


@pytest.mark.django_db
def test_other_lists_export_one_column_per_field(api, make_actor):
    make_actor(slug="ned-price", name="Ned Price", country="US", affiliation=make_actor(slug="united-states"))
    rows = csv_rows(api.get("/api/actors/", {"format": "csv", "q": "ned"}))
    assert rows == [rows[0]]
    assert rows[0]["slug"] == "ned-price" and rows[0]["affiliation"] == "united-states" and rows[0]["country"] == "US"
    assert csv_rows(api.get("/api/cameo-codes/", {"format": "csv"})) == []


# JSON --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_json_export_is_every_filtered_row_not_a_page(api):
    Outlet.objects.bulk_create(Outlet(slug=f"o-{n:03}", name=f"Outlet {n:03}", kind="wire") for n in range(60))
    Outlet.objects.create(slug="rt", name="RT", kind="state_media")
    assert len(api.get("/api/outlets/").json()["results"]) == 50
    response = api.get("/api/outlets/", {"format": "json", "kind": "wire"})
    assert response.status_code == 200
    assert response["X-Export-Truncated"] == "false"
    exported = response.json()
    assert len(exported) == 60 and exported[0] == api.get(f"/api/outlets/{exported[0]['id']}/").json()


# iCalendar ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ics_parses_and_has_all_day_entries_with_an_exclusive_end(api, clash, make_event, new_statement):
    make_event(title="A year", start_date=dt.date(2002, 1, 1), start_precision="year")
    make_event(title="A month", start_date=dt.date(2022, 7, 1), start_precision="month")
    new_statement(said_on=None)  # undated: left out
    response = api.get("/api/timeline/", {"format": "ics"})
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(content(response))
    entries = {str(entry["SUMMARY"]): entry for entry in calendar.walk("VEVENT")}
    assert set(entries) == {"A year", "A month", "Clashes on the front line"}

    def span(summary):
        entry = entries[summary]
        start, end = entry.decoded("DTSTART"), entry.decoded("DTEND")
        assert type(start) is dt.date and type(end) is dt.date  # all day: dates, not datetimes
        return start, end

    assert span("Clashes on the front line") == (dt.date(2022, 8, 1), dt.date(2022, 8, 4))
    assert span("A month") == (dt.date(2022, 7, 1), dt.date(2022, 8, 1))
    assert span("A year") == (dt.date(2002, 1, 1), dt.date(2003, 1, 1))
    assert str(entries["Clashes on the front line"]["LOCATION"]) == "Karabakh"
    assert len({str(entry["UID"]) for entry in entries.values()}) == 3


@pytest.mark.django_db
def test_statements_ics_names_the_speaker(api, new_statement, make_actor):
    new_statement(speaker=make_actor(name="Ned Price"), said_on=dt.date(2022, 8, 3))
    calendar = icalendar.Calendar.from_ical(content(api.get("/api/statements/", {"format": "ics"})))
    [entry] = calendar.walk("VEVENT")
    assert str(entry["SUMMARY"]).startswith("Ned Price: ")
    assert entry.decoded("DTSTART") == dt.date(2022, 8, 3) and entry.decoded("DTEND") == dt.date(2022, 8, 4)


# TimelineJS ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_timelinejs_dates_keep_their_precision_and_groups_are_escalations(
    api, clash, make_event, new_statement, make_escalation
):
    make_event(title="<b>Arms</b> & sales", start_date=dt.date(2002, 1, 1), start_precision="year")
    make_event(title="Summer", start_date=dt.date(2023, 6, 1), start_precision="season")
    statement = new_statement(said_on=dt.date(2022, 7, 1), said_on_precision="month")
    response = api.get("/api/timeline/", {"format": "timelinejs"})
    assert response["Content-Type"] == "application/vnd.knightlab.timelinejs+json"
    data = json.loads(content(response))
    slides = {slide["unique_id"]: slide for slide in data["events"]}
    arms = next(slide for slide in data["events"] if "Arms" in slide["text"]["headline"])
    assert arms["start_date"] == {"year": 2002}
    assert arms["text"]["headline"] == "&lt;b&gt;Arms&lt;/b&gt; &amp; sales"
    assert "group" not in arms
    fight = slides[f"event-{clash.pk}"]
    assert fight["start_date"] == {"year": 2022, "month": 8, "day": 1}
    assert fight["end_date"] == {"year": 2022, "month": 8, "day": 3}
    assert fight["group"] == "2022 clashes"
    assert fight["display_date"] == "1–3 August 2022"
    assert slides[f"statement-{statement.pk}"]["start_date"] == {"year": 2022, "month": 7}
    assert [era["text"]["headline"] for era in data["eras"]] == ["2022 clashes"]
    assert data["eras"][0]["start_date"] == {"year": 2022, "month": 8, "day": 1}


# Limits, errors and formats ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/events/", "/api/timeline/"])
@pytest.mark.parametrize("export_format", ["csv", "json", "timelinejs", "ics"])
def test_an_export_is_cut_at_the_maximum_and_says_so(api, make_event, settings, url, export_format):
    for day in range(1, 4):
        make_event(start_date=dt.date(2022, 8, day))
    settings.EXPORT_MAX_ROWS = 2
    response = api.get(url, {"format": export_format})
    assert response["X-Export-Max-Rows"] == "2"
    assert response["X-Export-Truncated"] == "true"
    body = content(response).decode()
    exported = {
        "csv": lambda: len(list(csv.DictReader(io.StringIO(body)))),
        "json": lambda: len(json.loads(body)),
        "timelinejs": lambda: len(json.loads(body)["events"]),
        "ics": lambda: len(icalendar.Calendar.from_ical(body).walk("VEVENT")),
    }[export_format]()
    assert exported == 2
    settings.EXPORT_MAX_ROWS = 3
    assert api.get(url, {"format": export_format})["X-Export-Truncated"] == "false"


@pytest.mark.django_db
@pytest.mark.parametrize("export_format", ["csv", "timelinejs", "ics", "json"])
def test_a_bad_filter_is_a_json_400_whatever_the_format(api, export_format):
    response = api.get("/api/events/", {"format": export_format, "escalation": "2099-war"})
    assert response["Content-Type"] == "application/json"
    assert_400_naming(response, "escalation")


@pytest.mark.django_db
def test_an_unknown_format_is_400_naming_it(api, make_event):
    event = make_event()
    messages = assert_400_naming(api.get("/api/events/", {"format": "xlsx"}), "format")
    assert "csv" in messages[0]
    # Calendars and TimelineJS are for dated records; a detail is JSON only.
    assert_400_naming(api.get("/api/actors/", {"format": "ics"}), "format")
    assert_400_naming(api.get(f"/api/events/{event.pk}/", {"format": "csv"}), "format")
    assert api.get(f"/api/events/{event.pk}/", {"format": "json"}).json()["id"] == event.pk


@pytest.mark.django_db
def test_the_accept_header_chooses_an_export_too(api, clash):
    response = api.get("/api/events/", HTTP_ACCEPT="text/calendar")
    assert len(icalendar.Calendar.from_ical(content(response)).walk("VEVENT")) == 1
    assert len(api.get("/api/events/", HTTP_ACCEPT="application/json").json()["results"]) == 1


@pytest.mark.django_db
def test_the_schema_documents_the_export_formats(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/events/", "/api/statements/", "/api/timeline/"):
        operation = schema["paths"][path]["get"]
        [parameter] = [p for p in operation["parameters"] if p["name"] == "format"]
        assert set(parameter["schema"]["enum"]) == {"csv", "json", "timelinejs", "ics"}
        assert str(renderers.export_max_rows()) in parameter["description"]
        media_types = set(operation["responses"]["200"]["content"])
        assert {
            "application/json",
            "text/csv",
            "text/calendar",
            "application/vnd.knightlab.timelinejs+json",
        } <= media_types
        assert "X-Export-Truncated" in operation["responses"]["200"]["headers"]
    [parameter] = [p for p in schema["paths"]["/api/actors/"]["get"]["parameters"] if p["name"] == "format"]
    assert set(parameter["schema"]["enum"]) == {"csv", "json"}


# Query counts ----------------------------------------------------------------------------------------------


def _events(count, make_event, make_actor, new_article):
    article = new_article()
    for _ in range(count):
        make_event(actors=[(make_actor(), "initiator"), (make_actor(), "target")], sources=[(article, CLASH)])


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.parametrize("export_format", ["csv", "json", "ics"])
def test_an_event_export_costs_five_queries_whatever_the_rows(
    api, make_event, make_actor, new_article, django_assert_num_queries, count, export_format
):
    _events(count, make_event, make_actor, new_article)
    # 1. is there a row past the maximum?  2. the events, with type and escalation
    # 3. their participants  4. their sources, articles and outlets  5. their places (per chunk of 500 rows)
    with django_assert_num_queries(5):
        content(api.get("/api/events/", {"format": export_format}))


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 20])
def test_a_timeline_export_costs_a_constant_number_of_queries(
    api, make_event, make_actor, new_statement, django_assert_num_queries, count
):
    for _ in range(count):
        statement = new_statement()
        statement.targets.add(make_actor())
        make_event(actors=[(make_actor(), "initiator")], sources=[(statement.article, CLASH)])
    # 1. event keys  2. dated statement keys  3. undated statement keys (each limited to the maximum + 1);
    # per chunk of 500 rows: 4. events  5. participants  6. sources  7. statements  8. targets
    # 9. the events' places; 10. the escalations (eras)
    with django_assert_num_queries(10):
        content(api.get("/api/timeline/", {"format": "timelinejs"}))


# The real seeds ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seeded_timeline_exports_hold_every_seed_event(api, seeded):
    from events.models import Event

    slugs = set(Event.objects.values_list("slug", flat=True))
    rows = csv_rows(api.get("/api/timeline/", {"format": "csv"}))
    assert {row["key"] for row in rows if row["kind"] == "event"} == slugs
    calendar = icalendar.Calendar.from_ical(content(api.get("/api/events/", {"format": "ics"})))
    assert len(calendar.walk("VEVENT")) == len(slugs)
    data = json.loads(content(api.get("/api/events/", {"format": "timelinejs"})))
    assert len(data["events"]) == len(slugs)
    assert {era["text"]["headline"] for era in data["eras"]} >= {"2020 Nagorno-Karabakh war", "2022 clashes"}


@pytest.mark.django_db
def test_a_csv_rows_columns_come_in_the_headers_order(api, seeded):
    """The CSV's table (renderers._CSV_COLUMNS) gives one value per column of the header, in its order,
    for an event with a place, one without and a statement."""
    items = json.loads(content(api.get("/api/timeline/", {"format": "json"})))
    records = [(item["kind"], item[item["kind"]]) for item in items]
    kinds = {(kind, kind == "event" and record["place"] is not None) for kind, record in records}
    assert kinds >= {("event", True), ("event", False), ("statement", False)}
    for kind, record in records:
        assert len(renderers.csv_line(kind)(record)) == len(renderers.TIMELINE_COLUMNS)


def test_cells_written_as_text_are_what_csv_writer_writes():
    """The CSV written from the rows (their cells' text, renderers.cell_text) quotes exactly the cells
    csv.writer quotes, doubles the same quotes and writes numbers, None and booleans as it does."""
    import random

    pieces = ["a", "b c", ",", '"', "\r", "\n", "\r\n", "=1+1", "-2", "@x", "\t", "'", "é", "\u2028", ";", ""]
    rng = random.Random(7)
    values = [None, 0, -3, 12345678901234, 1.5, 40.1776, -0.0, 1e-07, True, False]
    width = len(renderers.TIMELINE_COLUMNS)
    rows = [
        [
            rng.choice(values) if rng.random() < 0.3 else "".join(rng.choices(pieces, k=rng.randint(0, 4)))
            for _ in range(width)
        ]
        for _ in range(400)
    ]
    expected = io.StringIO()
    writer = csv.writer(expected)
    writer.writerow(renderers.TIMELINE_COLUMNS)
    writer.writerows(renderers.csv_cells(row) for row in rows)
    context = {"export": {"resource": renderers.EVENT, "cells": True}}
    texts = [[renderers.cell_text(value) for value in row] for row in rows]
    assert b"".join(renderers.CSVRenderer().stream(texts, context)) == expected.getvalue().encode()
