"""Events drafted by the importer (events/importers/events.py): stored as draft Events with their
sources, figures and participants; one incident reported twice is one event with two sources.

The articles are written for these tests (invented countries, towns and outlets)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from events.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    EventParticipant,
    EventSource,
    EventStatement,
    Outlet,
    ReportedFigure,
    ReviewStatus,
    Statement,
    merge_events,
    split_source,
)

WIRE_REPORT = """Shelling hits Orsk

Valdorian artillery shelled the town of Orsk overnight, killing at least 12 civilians and injuring dozens, the Ostmarkian defence ministry said.

“We will answer this attack,” Ostmark’s president Mira Holt said on Wednesday.

Lumerian envoy Piet Varga met officials in Helvik on Tuesday.
"""

GAZETTE_REPORT = """Orsk under fire

The Valdorian army shelled Orsk overnight and 15 people were killed, according to Ostmark.
"""

OTHER_TOWN = """Fighting near Kell

Valdorian artillery shelled Kell overnight, Ostmark said.
"""


@pytest.fixture
def actors(db):
    return make_actors()


def make_actors() -> dict[str, Actor]:
    """The codebook, three invented states with their demonyms, and two outlets."""
    call_command("loaddata", "cameo", stdout=StringIO())
    made = {}
    for slug, name, aliases in [
        ("valdoria", "Valdoria", ["Valdorian"]),
        ("ostmark", "Ostmark", ["Ostmarkian"]),
        ("lumeria", "Lumeria", ["Lumerian"]),
    ]:
        actor = Actor.objects.create(slug=slug, name=name, kind=Actor.Kind.STATE)
        for alias in aliases:
            ActorAlias.objects.create(actor=actor, name=alias, kind=ActorAlias.Kind.DEMONYM)
        made[slug] = actor
    for slug, kind in [("north-wire", Outlet.Kind.WIRE), ("south-gazette", Outlet.Kind.NEWSPAPER)]:
        Outlet.objects.create(slug=slug, name=slug.replace("-", " ").title(), kind=kind)
    return made


def import_file(tmp_path, name: str, text: str, *, outlet: str = "north-wire", published="2024-03-06", extra=()):
    folder = tmp_path / name.removesuffix(".txt")
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    out = StringIO()
    call_command(
        "import_seeds", str(folder / name), "--fixtures", "--no-knowledge", "--published", published,
        "--outlet", outlet, *extra, stdout=out, stderr=StringIO(),
    )  # fmt: skip
    return out.getvalue()


def test_an_imported_article_drafts_its_events_beside_its_statements(actors, tmp_path):
    output = import_file(tmp_path, "wire.txt", WIRE_REPORT)
    assert "2 events" in output and "2 event sources" in output
    shelling = Event.objects.get(event_type="194")
    assert shelling.review_status == ReviewStatus.DRAFT
    assert (shelling.start_date, shelling.end_date, shelling.start_precision) == (
        dt.date(2024, 3, 5),
        dt.date(2024, 3, 6),
        "day",
    )
    assert shelling.location == "Orsk"
    assert {(p.actor.slug, p.role) for p in shelling.participants.select_related("actor")} == {
        ("valdoria", "initiator")
    }
    (source,) = shelling.sources.all()
    assert source.quote.startswith("Valdorian artillery shelled the town of Orsk overnight")
    assert source.article.body[source.start : source.end] == source.quote
    assert source.reported_by is not None and source.reported_by.slug == "ostmark"
    assert (source.date_phrase, source.place, source.extraction["rule"]) == ("overnight", "Orsk", "shelling")
    killed, injured = source.figures.order_by("start")
    assert (killed.kind, killed.wording, killed.victims, killed.low, killed.best, killed.high) == (
        "killed", "at least 12", "civilians", 12, 12, None,
    )  # fmt: skip
    assert (injured.kind, injured.wording, injured.low, injured.high) == ("injured", "dozens", 24, 99)
    assert (shelling.fatalities_low, shelling.fatalities, shelling.fatalities_high) == (12, 12, None)
    talks = Event.objects.get(event_type="040")
    assert talks.start_date == dt.date(2024, 3, 5) and talks.location == "Helvik"
    # The statements are drafted as before, in the same review queue.
    assert Statement.objects.filter(review_status=ReviewStatus.DRAFT).exists()


def test_importing_again_changes_nothing(actors, tmp_path):
    import_file(tmp_path, "wire.txt", WIRE_REPORT)
    before = list(EventSource.objects.values_list("ref", "event_id"))
    output = import_file(tmp_path, "wire.txt", WIRE_REPORT, extra=("--redraft",))
    assert "0 created" in output
    assert list(EventSource.objects.values_list("ref", "event_id")) == before
    assert Event.objects.count() == 2


def test_a_second_outlet_on_the_same_incident_becomes_another_source_of_its_event(actors, tmp_path):
    import_file(tmp_path, "wire.txt", WIRE_REPORT)
    output = import_file(tmp_path, "gazette.txt", GAZETTE_REPORT, outlet="south-gazette")
    assert "1 event source" in output and " event," not in output
    shelling = Event.objects.get(event_type="194")
    sources = list(shelling.sources.select_related("article__outlet").order_by("id"))
    assert [s.article.outlet.slug for s in sources] == ["north-wire", "south-gazette"]
    assert [f.wording for f in ReportedFigure.objects.filter(source=sources[1])] == ["15"]
    # The event's estimate spans both accounts: the lowest low, the median best, the highest high.
    assert (shelling.fatalities_low, shelling.fatalities, shelling.fatalities_high) == (12, 12, 15)


def test_the_same_kind_of_incident_elsewhere_is_another_event(actors, tmp_path):
    import_file(tmp_path, "wire.txt", WIRE_REPORT)
    import_file(tmp_path, "kell.txt", OTHER_TOWN, outlet="south-gazette")
    assert sorted(Event.objects.filter(event_type="194").values_list("location", flat=True)) == ["Kell", "Orsk"]


def test_a_verified_event_gains_the_source_and_keeps_its_curated_fields(actors, tmp_path):
    import_file(tmp_path, "wire.txt", WIRE_REPORT)
    shelling = Event.objects.get(event_type="194")
    Event.objects.filter(pk=shelling.pk).update(
        review_status=ReviewStatus.VERIFIED, title="Shelling of Orsk", fatalities=11
    )
    import_file(tmp_path, "gazette.txt", GAZETTE_REPORT, outlet="south-gazette")
    shelling.refresh_from_db()
    assert (shelling.title, shelling.fatalities, shelling.sources.count()) == ("Shelling of Orsk", 11, 2)
    assert EventParticipant.objects.filter(event=shelling).count() == 1


def test_a_changed_file_replaces_its_untouched_event_drafts(actors, tmp_path):
    import_file(tmp_path, "wire.txt", WIRE_REPORT)
    changed = WIRE_REPORT.replace("Orsk overnight", "Orsk on Monday")
    output = import_file(tmp_path, "wire.txt", changed)
    assert "failed" not in output.lower()
    shelling = Event.objects.get(event_type="194")
    assert shelling.start_date == dt.date(2024, 3, 4) and shelling.end_date is None
    assert EventSource.objects.count() == 2


def test_an_undated_article_drafts_no_event(actors, tmp_path):
    folder = tmp_path / "undated"
    folder.mkdir()
    (folder / "undated.txt").write_text(OTHER_TOWN, encoding="utf-8")
    call_command(
        "import_seeds", str(folder), "--fixtures", "--no-knowledge", "--outlet", "north-wire",
        stdout=StringIO(), stderr=StringIO(),
    )  # fmt: skip
    assert Event.objects.count() == 0


def test_a_statement_about_a_drafted_event_is_linked_to_it_with_its_stance(actors, tmp_path):
    import_file(tmp_path, "wire.txt", WIRE_REPORT)
    (link,) = EventStatement.objects.select_related("statement", "event")
    assert link.event.event_type_id == "194"
    assert link.statement.quote == "We will answer this attack,"
    assert (link.stance, link.rule, link.review_status) == ("responds", "type", ReviewStatus.DRAFT)
    # Importing again links nothing twice.
    import_file(tmp_path, "wire.txt", WIRE_REPORT, extra=("--redraft",))
    assert EventStatement.objects.count() == 1


def test_event_drafts_wait_in_the_review_queue_beside_the_statements(actors, tmp_path, admin_client):
    import_file(tmp_path, "wire.txt", WIRE_REPORT)
    page = admin_client.get(reverse("admin:events_review_queue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 draft events" in html
    assert Event.objects.get(event_type="194").title in html


# Every account side by side ----------------------------------------------------------------------


def two_accounts(tmp_path) -> Event:
    import_file(tmp_path, "wire.txt", WIRE_REPORT)
    import_file(tmp_path, "gazette.txt", GAZETTE_REPORT, outlet="south-gazette")
    return Event.objects.get(event_type="194")


def test_the_event_page_shows_every_account_side_by_side(actors, tmp_path, client):
    shelling = two_accounts(tmp_path)
    page = client.get(reverse("events:event", args=[shelling.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Reported by 2 sources from 2 outlets: " in html
    assert re.findall(r'<span class="outlet-group">(.*?)</span>', html) == ["1 news agency (wire)", "1 newspaper"]
    assert "The sources give different death tolls: at least 12; 15." in html
    assert "at least 12 civilians killed" in html and "dozens injured" in html
    assert "Valdorian artillery shelled the town of Orsk overnight" in html
    assert "The Valdorian army shelled Orsk overnight" in html
    assert "low 12 · best 12 · high 15" in html
    assert "We will answer this attack," in html and "responds" in html
    assert client.get(reverse("events:event", args=[shelling.pk + 1000])).status_code == 404


def test_the_corroboration_counts_state_media_by_the_side_they_speak_for(actors, tmp_path, client, api):
    """Outlets grouped by kind, state media and official channels by country too; a source whose
    article names no outlet is counted apart."""
    for slug, kind, country in [
        ("valdoria-tv", Outlet.Kind.STATE_MEDIA, "AZ"),
        ("valdoria-radio", Outlet.Kind.STATE_MEDIA, "AZ"),
        ("ostmark-tv", Outlet.Kind.STATE_MEDIA, "AM"),
        ("free-press", Outlet.Kind.INDEPENDENT, "AM"),
        ("unknown", Outlet.Kind.INDEPENDENT, ""),
    ]:
        Outlet.objects.create(slug=slug, name=slug.replace("-", " ").title(), kind=kind, country=country)
    for n, outlet in enumerate(["valdoria-tv", "valdoria-radio", "valdoria-tv", "ostmark-tv", "free-press", "unknown"]):
        import_file(tmp_path, f"report{n}.txt", GAZETTE_REPORT.replace("15 people", f"{15 + n} people"), outlet=outlet)
    Article.objects.filter(outlet__slug="unknown").update(outlet=None)
    shelling = Event.objects.get(event_type="194")
    assert shelling.sources.count() == 6

    body = api.get(f"/api/events/{shelling.pk}/accounts/").json()
    assert [(g["kind"], g["country"], g["outlets"], g["sources"], g["label"]) for g in body["outlet_groups"]] == [
        ("state_media", "AZ", 2, 3, "state media, Azerbaijan"),
        ("independent", "", 1, 1, "independent media"),
        ("state_media", "AM", 1, 1, "state media, Armenia"),
        ("", "", 0, 1, "no outlet named"),
    ]
    assert (body["sources"], body["outlets"]) == (6, 4)
    html = client.get(reverse("events:event", args=[shelling.pk])).content.decode()
    assert re.findall(r'<span class="outlet-group">(.*?)</span>', html) == [
        "2 state media, Azerbaijan (3 sources)",
        "1 independent media",
        "1 state media, Armenia",
        "1 with no outlet named",
    ]


def test_the_event_page_costs_the_same_queries_for_one_account_or_many(
    actors, tmp_path, client, django_assert_max_num_queries
):
    import_file(tmp_path, "wire.txt", WIRE_REPORT)
    shelling = Event.objects.get(event_type="194")
    url = reverse("events:event", args=[shelling.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n, outlet in enumerate(["south-gazette", "north-wire", "south-gazette"]):
        import_file(tmp_path, f"again{n}.txt", GAZETTE_REPORT.replace("15 people", f"{16 + n} people"), outlet=outlet)
    assert shelling.sources.count() == 4
    # The event, its participants, sources (with articles, outlets, reporters), figures, statement links.
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(url)


def test_the_api_gives_the_accounts_of_an_event(actors, tmp_path, api):
    shelling = two_accounts(tmp_path)
    response = api.get(f"/api/events/{shelling.pk}/accounts/")
    assert response.status_code == 200
    body = response.json()
    assert (body["sources"], body["outlets"], body["tolls_differ"], body["dates_differ"]) == (2, 2, True, False)
    assert (body["fatalities_low"], body["fatalities"], body["fatalities_high"]) == (12, 12, 15)
    wire, gazette = body["accounts"]
    assert wire["outlet"]["slug"] == "north-wire" and wire["reported_by"]["slug"] == "ostmark"
    assert [(f["kind"], f["wording"], f["low"], f["best"], f["high"]) for f in wire["figures"]] == [
        ("killed", "at least 12", 12, 12, None),
        ("injured", "dozens", 24, 24, 99),
    ]
    assert gazette["figures"][0]["wording"] == "15" and gazette["place"] == "Orsk"
    (statement,) = body["statements"]
    assert (statement["quote"], statement["stance"]) == ("We will answer this attack,", "responds")
    assert api.get(f"/api/events/{shelling.pk + 1000}/accounts/").status_code == 404


# Curators merge events and split sources off ----------------------------------------------------


def test_merging_two_events_moves_every_source_and_keeps_history(actors, tmp_path):
    import_file(tmp_path, "wire.txt", WIRE_REPORT)
    import_file(tmp_path, "kell.txt", OTHER_TOWN, outlet="south-gazette")
    orsk, kell = Event.objects.filter(event_type="194").order_by("location").reverse()
    assert (orsk.location, kell.location) == ("Orsk", "Kell")
    refs, kell_id = set(EventSource.objects.values_list("ref", flat=True)), kell.pk
    survivor = merge_events(orsk, kell, reason="one incident")
    assert set(EventSource.objects.values_list("ref", flat=True)) == refs  # no source lost
    assert survivor.sources.count() == 2 and not Event.objects.filter(pk=kell_id).exists()
    moved = EventSource.objects.get(place="Kell")
    assert moved.history.first().history_change_reason == "one incident"
    assert Event.history.filter(id=kell_id, history_type="-").get().history_change_reason == "one incident"
    assert "one incident." in survivor.notes


def test_splitting_a_source_off_makes_it_an_event_of_its_own(actors, tmp_path):
    shelling = two_accounts(tmp_path)
    gazette = shelling.sources.get(article__outlet__slug="south-gazette")
    new = split_source(gazette, reason="another night")
    assert list(new.sources.all()) == [gazette]
    assert (new.review_status, new.location, new.start_date) == (ReviewStatus.DRAFT, "Orsk", gazette.reported_date)
    assert (new.fatalities_low, new.fatalities, new.fatalities_high) == (15, 15, 15)
    shelling.refresh_from_db()
    assert shelling.sources.count() == 1
    assert (shelling.fatalities_low, shelling.fatalities, shelling.fatalities_high) == (12, 12, None)
    assert gazette.history.first().history_change_reason == "another night"
    with pytest.raises(ValidationError, match="only source"):
        split_source(gazette)
    assert Event.objects.count() == 3  # the refused split wrote nothing


def test_curators_merge_and_split_from_the_admin(actors, tmp_path, admin_client):
    import_file(tmp_path, "wire.txt", WIRE_REPORT)
    import_file(tmp_path, "kell.txt", OTHER_TOWN, outlet="south-gazette")
    ids = list(Event.objects.filter(event_type="194").values_list("pk", flat=True))
    page = admin_client.post(
        reverse("admin:events_event_changelist"), {"action": "merge_selected_events", "_selected_action": ids}
    )
    assert page.status_code == 302
    (merged,) = Event.objects.filter(event_type="194")
    source = merged.sources.get(place="Kell")
    admin_client.post(
        reverse("admin:events_eventsource_changelist"), {"action": "split_off_sources", "_selected_action": [source.pk]}
    )
    assert Event.objects.filter(event_type="194").count() == 2
    assert admin_client.get(reverse("admin:events_reportedfigure_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:events_eventstatement_changelist")).status_code == 200


def test_two_reports_imported_together_make_one_event_with_two_sources(actors, tmp_path):
    # One command, two new files: on PostgreSQL they are written in one batch (importers._write_new_files).
    folder = tmp_path / "both"
    folder.mkdir()
    (folder / "a_wire.txt").write_text(WIRE_REPORT, encoding="utf-8")
    (folder / "b_gazette.txt").write_text(GAZETTE_REPORT, encoding="utf-8")
    out = StringIO()
    call_command(
        "import_seeds", str(folder), "--fixtures", "--no-knowledge", "--published", "2024-03-06",
        "--outlet", "north-wire", "--workers", "0", stdout=out, stderr=StringIO(),
    )  # fmt: skip
    shelling = Event.objects.get(event_type="194")
    assert sorted(shelling.sources.values_list("article__source_ref", flat=True)) == ["a_wire.txt", "b_gazette.txt"]
    assert (shelling.fatalities_low, shelling.fatalities, shelling.fatalities_high) == (12, 12, 15)
    assert EventStatement.objects.count() == 1


def test_the_api_filters_statements_by_the_event_they_are_about_and_their_stance(actors, tmp_path, api):
    shelling = two_accounts(tmp_path)
    talks = Event.objects.get(event_type="040")

    def quotes(**params):
        response = api.get("/api/statements/", params)
        assert response.status_code == 200, response.json()
        return [row["quote"] for row in response.json()["results"]]

    assert quotes(event=shelling.pk) == ["We will answer this attack,"]
    assert quotes(event=shelling.pk, stance="responds") == ["We will answer this attack,"]
    assert quotes(event=shelling.pk, stance="denies") == []
    assert quotes(event=talks.pk) == []
    assert quotes(stance="responds") == ["We will answer this attack,"]
    bad = api.get("/api/statements/", {"stance": "shrugs"})
    assert bad.status_code == 400 and "stance" in bad.json()


def test_the_api_writes_the_fatality_range_and_refuses_a_reversed_one(actors, tmp_path, curator_api):
    shelling = two_accounts(tmp_path)
    url = f"/api/events/{shelling.pk}/"
    before = curator_api.get(url).json()
    assert (before["fatalities_low"], before["fatalities"], before["fatalities_high"]) == (12, 12, 15)
    bad = curator_api.patch(url, {"fatalities_low": 20}, format="json")
    assert bad.status_code == 400 and "fatalities_low" in bad.json()
    bad = curator_api.patch(url, {"fatalities_high": 3}, format="json")
    assert bad.status_code == 400 and "fatalities_high" in bad.json()
    shelling.refresh_from_db()
    assert (shelling.fatalities_low, shelling.fatalities, shelling.fatalities_high) == (12, 12, 15)  # nothing written
    good = curator_api.patch(url, {"fatalities_low": 10, "fatalities_high": 20}, format="json")
    assert good.status_code == 200
    shelling.refresh_from_db()
    assert (shelling.fatalities_low, shelling.fatalities_high) == (10, 20)


def test_the_csv_export_carries_the_fatality_range_and_the_source_count(actors, tmp_path, api):
    shelling = two_accounts(tmp_path)
    response = api.get("/api/events/", {"format": "csv"})
    assert response.status_code == 200
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))}
    row = rows[str(shelling.pk)]
    assert (row["fatalities_low"], row["fatalities"], row["fatalities_high"], row["source_count"]) == (
        "12",
        "12",
        "15",
        "2",
    )
