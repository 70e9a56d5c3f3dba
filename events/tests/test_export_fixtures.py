"""export_fixtures: the whole curated database as natural-key fixtures that import_seeds loads back."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from events.exporters import export_fixtures
from events.models import (
    Actor,
    ActorAlias,
    Article,
    CameoCode,
    Escalation,
    Event,
    EventParticipant,
    EventPlace,
    EventSource,
    EventStatement,
    Outlet,
    OutletDomain,
    Place,
    PlaceName,
    ReportedFigure,
    ReviewStatus,
    Statement,
    Tenure,
)

# Every curated model, parents first (the order an empty database is filled and emptied in reverse).
MODELS = (
    CameoCode,
    Outlet,
    OutletDomain,
    Escalation,
    Actor,
    ActorAlias,
    Tenure,
    Place,
    PlaceName,
    Article,
    Event,
    EventParticipant,
    Statement,
    EventSource,
    ReportedFigure,
    EventStatement,
    EventPlace,
)
FILES = ("cameo.json", "reference.json", "curated.json")


def _natural(instance: models.Model) -> tuple:
    return tuple(instance.natural_key())


def snapshot() -> dict[str, dict[tuple, dict]]:
    """Every row of every curated model by natural key, every field by value (relations by natural key)."""
    tables = {}
    for model in MODELS:
        rows = {}
        for instance in model._default_manager.all():
            values = {}
            for field in model._meta.concrete_fields:
                if field.primary_key and model is not CameoCode:
                    continue  # the database's own id: not data, different after a reload
                if model is EventPlace and field.name == "best":
                    continue  # kept by triggers: among equally precise placings the first made (best_placings())
                if field.is_relation:
                    related = getattr(instance, field.name)
                    values[field.name] = _natural(related) if related is not None else None
                else:
                    # A Country compares by object identity: compare its code.
                    value = field.value_from_object(instance)
                    values[field.name] = str(value) if field.name == "country" else value
            for field in model._meta.many_to_many:
                values[field.name] = sorted(_natural(r) for r in getattr(instance, field.name).all())
            key = _natural(instance)
            assert key not in rows, f"{model.__name__} natural key {key} is not unique"
            rows[key] = values
        tables[model.__name__] = rows
    return tables


def best_placings() -> dict[tuple, str]:
    """Each placed event's best placing's precision: its most precise, one per event (the
    triggers' choice among equally precise placings follows the ids, which a reload changes)."""
    best = {}
    for placing in EventPlace.objects.select_related("event"):
        if placing.best:
            assert placing.event.slug not in best, f"{placing.event.slug} has two best placings"
            best[placing.event.slug] = placing.precision
    ranks = {precision: rank for rank, precision in enumerate(EventPlace.Precision.values)}
    for slug, precisions in _precisions_by_event().items():
        assert ranks[best[slug]] == min(ranks[p] for p in precisions), slug
    return best


def _precisions_by_event() -> dict[str, list[str]]:
    by_event: dict[str, list[str]] = {}
    for slug, precision in EventPlace.objects.values_list("event__slug", "precision"):
        by_event.setdefault(slug, []).append(precision)
    return by_event


def empty_the_database() -> None:
    Actor.objects.update(affiliation=None)  # affiliations protect the actors they point to
    Place.objects.update(parent=None)  # and a place the places in it
    for model in reversed(MODELS):
        model._default_manager.all().delete()
    assert all(not model._default_manager.exists() for model in MODELS)


def reimport(directory) -> str:
    out = StringIO()
    call_command(
        "import_seeds",
        "--fixtures-only",
        "--fixtures",
        *(str(directory / name) for name in FILES),
        stdout=out,
        stderr=StringIO(),
    )
    return out.getvalue()


@pytest.fixture
def curated_edits(seeded, admin_user):
    """The seeds plus what curators do afterwards: edits, reviews, a merge, new records."""
    statement = Statement.objects.get(ref="000-blinken-cease-hostilities")
    statement.summary = "Edited by a curator: Blinken's call to stop."
    statement.notes = "Checked against the State Department's post."
    statement.targets.add(Actor.objects.get(slug="armenia"))
    statement.save()
    Statement.objects.filter(ref="000-eu-denounce-azeri-operation").mark_rejected()
    draft = Statement.objects.get(ref="000-blinken-cease-hostilities")
    draft.review_status = ReviewStatus.DRAFT
    draft.extraction = {"cue": "said", "date_rule": "weekday", "nested": {"z": 1, "a": [2, 1]}}
    draft.extraction["fingerprint"] = draft.fingerprint()  # as the importer stores it: an untouched draft
    draft.save()

    united_states = Actor.objects.get(slug="united-states")
    twin = Actor.objects.create(slug="usa-duplicate", name="U.S.A.", kind=Actor.Kind.STATE, country="US")
    ActorAlias.objects.create(actor=twin, name="Washington DC", kind=ActorAlias.Kind.CAPITAL)
    Statement.objects.filter(ref="000-eu-denounce-azeri-operation").get().targets.add(twin)
    Actor.objects.filter(pk__in=[united_states.pk, twin.pk]).merge_into(united_states)
    ActorAlias.objects.create(actor=Actor.objects.get(slug="antony-blinken"), name="A. J. Blinken", kind="other")

    article = Article.objects.get(source_ref="004_18fe2a88e90ce931.txt")
    quote = article.body[article.body.index("Sochi") - 10 : article.body.index("Sochi") + 5]
    event = Event.objects.create(
        slug="curator-new-event",
        title="A curator's new event",
        summary="Made in the admin.",
        event_type=CameoCode.objects.get(code="036"),
        start_date=dt.date(2022, 8, 1),
        start_precision="month",
        end_date=dt.date(2022, 8, 5),
        end_precision="day",
        location="Sochi",
        fatalities=3,
        review_status=ReviewStatus.VERIFIED,
        escalation=Escalation.objects.get(slug="2022-clashes"),
    )
    EventParticipant.objects.create(event=event, actor=united_states, role="mediator")
    EventParticipant.objects.create(event=event, actor=Actor.objects.get(slug="antony-blinken"), role="initiator")
    start = article.body.index(quote)
    EventSource.objects.create(
        ref="curator-new-source",
        event=event,
        article=article,
        start=start,
        end=start + len(quote),
        quote=quote,
        date_phrase="on Friday",
        reported_date=dt.date(2022, 8, 5),
        reported_precision="day",
    )
    # What hangs on the records: a figure the source reports, a statement linked to the event,
    # where the event happened (by the source, and a curator's placing), places and a domain.
    source = EventSource.objects.get(ref="curator-new-source")
    ReportedFigure.objects.create(
        source=source, kind="killed", wording="three", victims="soldiers", side=united_states,
        low=3, best=3, high=4, start=source.start, end=source.start + 5,
    )  # fmt: skip
    EventStatement.objects.create(
        statement=Statement.objects.get(ref="000-blinken-cease-hostilities"), event=event, stance="calls_for"
    )
    district = Place.objects.get(slug="gegharkunik-province")
    village = Place.objects.create(
        slug="curator-hamlet", name="Curator Hamlet", kind="village", country="AM", parent=district,
        latitude=40.1234567, longitude=45.7654321, notes="Added by a curator.",
    )  # fmt: skip
    PlaceName.objects.create(place=village, name="Hamletavan", language="hy", usage="armenian")
    Place.objects.filter(slug="sotk").update(notes="A curator's note on Sotk.", latitude=40.2)
    EventPlace.objects.create(event=event, place=village, source=source, precision="near", name_used="Sochi")
    EventPlace.objects.create(event=event, place=district, precision="region")
    OutletDomain.objects.create(outlet=Outlet.objects.order_by("slug").first(), domain="curator-example.org")
    Event.objects.filter(slug="2022-01-14-turkey-armenia-normalization").mark_rejected()
    Article.objects.filter(pk=article.pk).update(notes="A curator's note on the source.")
    return event


@pytest.mark.django_db
def test_an_export_loaded_into_an_empty_database_reproduces_every_row_field_by_field(curated_edits, tmp_path):
    before, best_before = snapshot(), best_placings()
    speaker_id_before = Statement.objects.get(ref="000-blinken-cease-hostilities").speaker_id
    assert Statement.objects.get(ref="000-blinken-cease-hostilities").is_untouched_draft
    assert before["Actor"][("united-states",)]  # the merge kept the survivor
    assert ("usa-duplicate",) not in before["Actor"]
    assert before["ActorAlias"][("united-states", "Washington DC")]["actor"] == ("united-states",)

    export_fixtures(tmp_path)
    empty_the_database()
    output = reimport(tmp_path)

    after = snapshot()
    assert best_placings() == best_before
    assert "2 of 2 article(s) imported" in output
    for model in MODELS:
        name = model.__name__
        assert after[name].keys() == before[name].keys(), name
        for key, values in before[name].items():
            assert after[name][key] == values, f"{name} {key}"
    new_event = after["Event"][("curator-new-event",)]
    assert new_event["fatalities"] == 3 and new_event["review_status"] == "verified"
    assert ("curator-new-source", "killed", *_span_of("curator-new-source")) in after["ReportedFigure"]
    link = after["EventStatement"][("000-blinken-cease-hostilities", "curator-new-event")]
    assert link["stance"] == "calls_for"
    assert after["EventPlace"][("curator-new-event", "curator-hamlet", "curator-new-source")]["precision"] == "near"
    assert after["EventPlace"][("curator-new-event", "gegharkunik-province", None)]["precision"] == "region"
    assert after["Place"][("curator-hamlet",)]["parent"] == ("gegharkunik-province",)
    assert after["Place"][("sotk",)]["notes"] == "A curator's note on Sotk."
    assert ("curator-example.org",) in after["OutletDomain"]
    assert ("curator-new-event", "antony-blinken", "initiator") in after["EventParticipant"]
    assert after["Statement"][("000-blinken-cease-hostilities",)]["targets"] == [("armenia",), ("azerbaijan",)]
    assert any(row["extraction"].get("nested") == {"a": [2, 1], "z": 1} for row in after["Statement"].values())
    # The ids changed (new rows), yet the draft is still recognised as untouched by the importer.
    draft = Statement.objects.get(ref="000-blinken-cease-hostilities")
    assert draft.speaker_id != speaker_id_before
    assert draft.is_untouched_draft


def _span_of(ref: str) -> tuple[int, int]:
    start = EventSource.objects.get(ref=ref).start
    return start, start + 5


@pytest.mark.django_db
def test_reimporting_an_export_into_the_same_database_creates_and_updates_nothing(curated_edits, tmp_path):
    before = snapshot()
    export_fixtures(tmp_path)

    output = reimport(tmp_path)

    assert "0 created, 0 updated" in output
    assert "0 kept as curated" in output
    assert snapshot() == before


@pytest.mark.django_db
def test_two_exports_of_the_same_data_are_byte_identical_and_ordered_by_natural_key(curated_edits, tmp_path):
    export_fixtures(tmp_path / "a")
    export_fixtures(tmp_path / "b")

    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    reference = json.loads((tmp_path / "a" / "reference.json").read_text(encoding="utf-8"))
    slugs = [o["fields"]["slug"] for o in reference if o["model"] == "events.event"]
    assert slugs == sorted(slugs)
    assert all("pk" not in o for o in reference)
    position = {o["fields"]["slug"]: i for i, o in enumerate(reference) if o["model"] == "events.actor"}
    for obj in reference:
        if obj["model"] == "events.actor" and obj["fields"]["affiliation"]:
            assert position[obj["fields"]["affiliation"][0]] < position[obj["fields"]["slug"]]


@pytest.mark.django_db
def test_article_texts_travel_in_the_export_verbatim(seeded, tmp_path):
    export_fixtures(tmp_path)

    reference = json.loads((tmp_path / "reference.json").read_text(encoding="utf-8"))
    bodies = {o["fields"]["source_ref"]: o["fields"]["body"] for o in reference if o["model"] == "events.article"}
    assert bodies == dict(Article.objects.values_list("source_ref", "body"))
    curated = json.loads((tmp_path / "curated.json").read_text(encoding="utf-8"))
    spans = [obj["fields"] for obj in curated if "article" in obj["fields"]]
    assert len(spans) == Statement.objects.count() + EventSource.objects.count()
    for fields in spans:
        assert bodies[fields["article"][0]][fields["start"] : fields["end"]] == fields["quote"]


@pytest.mark.django_db
def test_a_span_that_no_longer_fits_the_exported_text_fails_the_reload_and_writes_none_of_that_article(
    seeded, tmp_path
):
    export_fixtures(tmp_path)
    curated = json.loads((tmp_path / "curated.json").read_text(encoding="utf-8"))
    curated[0]["fields"]["quote"] = "words that are not there"
    (tmp_path / "curated.json").write_text(json.dumps(curated), encoding="utf-8")
    article = curated[0]["fields"]["article"][0]
    empty_the_database()

    with pytest.raises(CommandError, match=f"1 of 2 article\\(s\\) failed: {article}"):
        reimport(tmp_path)

    assert Article.objects.filter(source_ref=article).exists()
    assert not Statement.objects.filter(article__source_ref=article).exists()
    assert not EventSource.objects.filter(article__source_ref=article).exists()


@pytest.mark.django_db
def test_fixtures_only_refuses_spans_into_an_article_without_text(tmp_path):
    """The repository's own curated.json without the seed files: nothing to point into."""
    from django.conf import settings

    fixtures = [Path(settings.FIXTURE_DIRS[0]) / name for name in FILES]
    with pytest.raises(CommandError, match=r"2 of 2 article\(s\) failed"):
        call_command(
            "import_seeds", "--fixtures-only", "--fixtures", *map(str, fixtures), stdout=StringIO(), stderr=StringIO()
        )
    assert not Statement.objects.exists()
    assert Article.objects.count() == 2  # the metadata, which needs no text


@pytest.mark.django_db
def test_the_command_writes_the_three_files_and_refuses_an_output_that_is_a_file(seeded, tmp_path):
    out = StringIO()
    call_command("export_fixtures", "--output", str(tmp_path / "backup"), stdout=out)
    assert sorted(p.name for p in (tmp_path / "backup").iterdir()) == sorted(FILES)
    assert "42 statements" in out.getvalue()

    (tmp_path / "plain").write_text("x")
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("export_fixtures", "--output", str(tmp_path / "plain"), stdout=StringIO())
