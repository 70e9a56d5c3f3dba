"""import_seeds loads the knowledge base (fixtures/knowledge/) into Actor, ActorAlias and Tenure:
insert-only by natural key, curators' edits and deletions kept, bad data refused with nothing written."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from events.ingest.knowledge import DEFAULT_DIR, load_knowledge_base
from events.models import Actor, ActorAlias, Article, Tenure

pytestmark = pytest.mark.django_db

FIXTURES = DEFAULT_DIR.parent

# Written for these tests: a small knowledge base of invented actors (the format of
# events/ingest/knowledge.py), with an office held by two people one after the other.
KNOWLEDGE = {
    "actors": [
        {"slug": "freedonia", "name": "Freedonia", "kind": "state", "country": "AM",
         "aliases": ["Freedonian", "Fredonia"], "notes": "https://example.org/wiki/Freedonia"},
        {"slug": "freedonia-mfa", "name": "Ministry of Foreign Affairs of Freedonia", "kind": "government_body",
         "country": "AM", "affiliation": "freedonia",
         "aliases": ["Freedonia's Foreign Ministry", "the Freedonian foreign ministry"],
         "notes": "https://example.org/wiki/Freedonia_MFA"},
        {"slug": "rufus-firefly", "name": "Rufus T. Firefly", "kind": "person", "country": "AM", "gender": "male",
         "affiliation": "freedonia-mfa", "role": "Spokesperson", "aliases": ["Firefly"],
         "notes": "https://example.org/wiki/Rufus_Firefly"},
        {"slug": "vera-marcal", "name": "Vera Marcal", "kind": "person", "country": "AM", "gender": "female",
         "affiliation": "freedonia-mfa", "aliases": ["Marcal"], "notes": "https://example.org/wiki/Vera_Marcal"},
    ],
    "offices": [
        {"slug": "freedonia-mfa-spokesperson", "title": "Spokesperson of the Freedonian Foreign Ministry",
         "organisation": "freedonia-mfa", "aliases": ["the foreign ministry spokeswoman"],
         "holders": [{"actor": "vera-marcal", "start": "2018-05-01", "end": "2021-06-30"},
                     {"actor": "rufus-firefly", "start": "2021-07-01", "end": None}],
         "notes": "https://example.org/wiki/Spokesperson"},
    ],
}  # fmt: skip


def write_knowledge(directory, data=KNOWLEDGE, name="freedonia.json"):
    directory.mkdir(exist_ok=True)
    (directory / name).write_text(json.dumps(data), encoding="utf-8")
    return directory


def load(directory) -> str:
    out = StringIO()
    call_command("import_seeds", "--fixtures-only", "--fixtures", "--knowledge", str(directory), stdout=out)
    return out.getvalue()


@pytest.fixture
def knowledge(tmp_path):
    return write_knowledge(tmp_path / "knowledge")


def test_it_loads_actors_with_affiliations_aliases_and_tenures(knowledge):
    out = load(knowledge)
    assert "knowledge base: created 12 (4 actors, 6 actor aliases, 2 tenures)" in out
    firefly = Actor.objects.select_related("affiliation__affiliation").get(slug="rufus-firefly")
    assert (firefly.name, firefly.kind, firefly.country.code, firefly.role) == (
        "Rufus T. Firefly",
        "person",
        "AM",
        "Spokesperson",
    )
    assert firefly.affiliation.slug == "freedonia-mfa" and firefly.affiliation.affiliation.slug == "freedonia"
    assert "https://example.org/wiki/Rufus_Firefly" in firefly.description
    assert firefly.review_status == "verified"
    assert set(ActorAlias.objects.filter(actor__slug="freedonia-mfa").values_list("name", flat=True)) == {
        "Freedonia's Foreign Ministry",
        "the Freedonian foreign ministry",
    }
    tenures = list(Tenure.objects.order_by("start").values_list("actor__slug", "office", "start", "end"))
    assert tenures == [
        ("vera-marcal", "freedonia-mfa-spokesperson", dt.date(2018, 5, 1), dt.date(2021, 6, 30)),
        ("rufus-firefly", "freedonia-mfa-spokesperson", dt.date(2021, 7, 1), None),
    ]
    tenure = Tenure.objects.get(actor__slug="vera-marcal")
    assert tenure.organisation.slug == "freedonia-mfa" and "example.org" in tenure.notes
    assert tenure.covers(dt.date(2020, 1, 1)) and not tenure.covers(dt.date(2022, 1, 1))


def test_a_second_run_creates_and_changes_nothing(knowledge):
    load(knowledge)
    before = (
        sorted(Actor.objects.values_list("slug", "version", "updated_at")),
        sorted(ActorAlias.objects.values_list("pk", "name")),
        sorted(Tenure.objects.values_list("pk", "start", "end")),
    )
    out = load(knowledge)
    assert "knowledge base: unchanged 12 (4 actors, 6 actor aliases, 2 tenures)" in out
    assert "0 created, 0 updated" in out
    after = (
        sorted(Actor.objects.values_list("slug", "version", "updated_at")),
        sorted(ActorAlias.objects.values_list("pk", "name")),
        sorted(Tenure.objects.values_list("pk", "start", "end")),
    )
    assert after == before


def test_curators_edits_and_deletions_are_kept(knowledge):
    load(knowledge)
    firefly = Actor.objects.get(slug="rufus-firefly")
    firefly.role = "Chief spokesperson"
    firefly.save()
    ActorAlias.objects.get(name="Fredonia").delete()  # a curator finds it misleading
    Tenure.objects.get(actor__slug="vera-marcal").delete()  # and this holding wrong
    Actor.objects.get(slug="vera-marcal").delete()  # and the person a duplicate

    out = load(knowledge)
    assert "0 created" in out and "kept 3 (1 actor, 1 actor alias, 1 tenure)" in out
    assert Actor.objects.get(slug="rufus-firefly").role == "Chief spokesperson"
    assert not ActorAlias.objects.filter(name="Fredonia").exists()
    assert not Actor.objects.filter(slug="vera-marcal").exists()
    assert Tenure.objects.count() == 1


def test_a_stored_actor_of_the_same_slug_keeps_its_values_and_gains_the_missing_aliases(knowledge, make_actor):
    curated = make_actor(slug="freedonia", name="Republic of Freedonia", kind=Actor.Kind.STATE)
    ActorAlias.objects.create(actor=curated, name="freedonian")  # the same alias in another case
    load(knowledge)
    curated.refresh_from_db()
    assert curated.name == "Republic of Freedonia" and curated.description == ""
    assert sorted(curated.aliases.values_list("name", flat=True)) == ["Fredonia", "freedonian"]
    assert Actor.objects.get(slug="freedonia-mfa").affiliation == curated


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["offices"][0]["holders"].append({"actor": "nobody"}), "holder 'nobody' is not a known actor"),
        (lambda d: d["actors"][0].update(notes="no source"), "'notes' must give a source URL"),
        (lambda d: d["actors"].append(dict(d["actors"][0])), "actor 'freedonia' is defined twice"),
        # The loader's pattern accepts it; the database's country field does not.
        (lambda d: d["actors"][0].update(country="XX"), "actor 'freedonia': country"),
    ],
)
def test_bad_knowledge_is_refused_with_the_reason_and_nothing_is_written(tmp_path, change, message):
    data = json.loads(json.dumps(KNOWLEDGE))
    change(data)
    directory = write_knowledge(tmp_path / "bad", data)
    with pytest.raises(CommandError, match="nothing was written") as error:
        load(directory)
    assert message in str(error.value)
    assert not Actor.objects.exists() and not Tenure.objects.exists() and not Article.objects.exists()


def test_a_missing_knowledge_folder_is_named(tmp_path):
    with pytest.raises(CommandError, match="--knowledge .*nowhere: no such folder"):
        load(tmp_path / "nowhere")


def test_the_shipped_knowledge_base_loads_and_a_second_run_changes_nothing():
    knowledge = load_knowledge_base(DEFAULT_DIR)
    # The reference fixtures (the actors whose slugs the knowledge base reuses), then the knowledge base.
    fixtures = [str(FIXTURES / "cameo.json"), str(FIXTURES / "reference.json")]
    out = StringIO()
    call_command("import_seeds", "--fixtures-only", "--fixtures", *fixtures, stdout=out)
    slugs = [actor.slug for actor in knowledge.actors]
    assert Actor.objects.filter(slug__in=slugs).count() == len(slugs)
    holders = sum(len(office.holders) for office in knowledge.offices)
    assert Tenure.objects.count() == holders
    before = sorted(Actor.objects.values_list("slug", "version"))
    out = StringIO()
    call_command("import_seeds", "--fixtures-only", "--fixtures", *fixtures, stdout=out)
    assert "knowledge base: unchanged" in out.getvalue() and "0 created, 0 updated" in out.getvalue()
    assert sorted(Actor.objects.values_list("slug", "version")) == before


def test_the_database_refuses_a_tenure_that_ends_before_it_starts(make_actor):
    person = make_actor()
    with pytest.raises(IntegrityError), transaction.atomic():
        Tenure.objects.create(actor=person, office="x", title="X", start=dt.date(2022, 1, 2), end=dt.date(2022, 1, 1))


def test_the_database_refuses_the_same_holding_twice_even_with_an_unknown_start(make_actor):
    person = make_actor()
    Tenure.objects.create(actor=person, office="x", title="X")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tenure.objects.create(actor=person, office="x", title="X")
    Tenure.objects.create(actor=person, office="x", title="X", start=dt.date(2021, 8, 2))  # a second term


def test_merging_actors_moves_their_tenures(knowledge, make_actor):
    load(knowledge)
    twin = make_actor(slug="r-firefly", name="R. Firefly")
    Tenure.objects.filter(actor__slug="rufus-firefly").update(actor=twin)
    Actor.objects.filter(slug__in=["rufus-firefly", "r-firefly"]).merge_into(Actor.objects.get(slug="rufus-firefly"))
    assert Tenure.objects.get(office="freedonia-mfa-spokesperson", end=None).actor.slug == "rufus-firefly"
    mfa, other = Actor.objects.get(slug="freedonia-mfa"), make_actor(slug="mfa-twin", kind="government_body")
    Actor.objects.filter(pk__in=[mfa.pk, other.pk]).merge_into(other)
    assert set(Tenure.objects.values_list("organisation__slug", flat=True)) == {"mfa-twin"}


def test_the_actor_page_shows_the_offices_held_with_their_dates(knowledge, client):
    load(knowledge)
    marcal = Actor.objects.get(slug="vera-marcal")
    html = client.get(marcal.get_absolute_url()).content.decode()
    assert "Spokesperson of the Freedonian Foreign Ministry" in html
    assert "1 May 2018 – 30 June 2021" in html
