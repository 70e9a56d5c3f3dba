"""The shipped knowledge base (fixtures/knowledge/*.json): it loads, and its data keeps the promises the format makes."""

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import pytest

from events.ingest.gazetteer import Gazetteer, normalise, tokenize
from events.ingest.knowledge import load_knowledge_base

REFERENCE = Path(__file__).resolve().parents[2] / "fixtures" / "reference.json"


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


@pytest.fixture(scope="module")
def gazetteer(kb):
    return Gazetteer.from_entries(kb.gazetteer_entries())


def _key(surface: str) -> tuple[str, ...]:
    return tuple(normalise(t) for _, _, t in tokenize(surface))


def test_it_holds_at_least_three_hundred_actors(kb):
    assert len(kb.actors) >= 300


def test_every_person_has_a_gender_and_nobody_else_has_one(kb):
    assert [a.slug for a in kb.actors if a.kind == "person" and a.gender not in {"male", "female"}] == []
    assert [a.slug for a in kb.actors if a.kind != "person" and a.gender] == []


def test_reference_fixture_actors_are_in_it_with_the_same_slug_and_kind(kb):
    reference = [x["fields"] for x in json.loads(REFERENCE.read_text()) if x["model"] == "events.actor"]
    wanted = {f["slug"]: f["kind"] for f in reference}
    found = {slug: kb.actor(slug).kind for slug in wanted if kb.actor(slug) is not None}
    assert found == wanted


def test_every_office_holder_and_organisation_is_a_known_actor(kb):
    slugs = {a.slug for a in kb.actors}
    assert [o.slug for o in kb.offices if o.organisation not in slugs] == []
    assert [(o.slug, t.actor) for o in kb.offices for t in o.holders if t.actor not in slugs] == []


def _shared(wordings: list[tuple[str, str]]) -> dict[tuple[str, ...], set[str]]:
    """The wordings (as the gazetteer compares them) that more than one slug claims, with the slugs."""
    owners = defaultdict(set)
    for slug, surface in wordings:
        owners[_key(surface)].add(slug)
    return {k: v for k, v in owners.items() if len(v) > 1}


def test_no_two_actors_claim_the_same_name(kb):
    assert _shared([(a.slug, s) for a in kb.actors for s in (a.name, *a.aliases)]) == {}


def test_no_two_offices_claim_the_same_wording(kb):
    assert _shared([(o.slug, s) for o in kb.offices for s in (o.title, *o.aliases)]) == {}


def test_office_wordings_are_not_actor_names(kb):
    actor_names = {_key(s) for a in kb.actors for s in (a.name, *a.aliases)}
    clashes = [(o.slug, s) for o in kb.offices for s in o.aliases if _key(s) in actor_names]
    assert clashes == []


def test_tenures_of_an_office_overlap_at_most_on_a_handover_day(kb):
    overlaps = []
    for o in kb.offices:
        spans = sorted((t.start or dt.date.min, t.end or dt.date.max, t.actor) for t in o.holders)
        for (_, e1, a1), (s2, _, a2) in zip(spans, spans[1:], strict=False):
            if s2 < e1:
                overlaps.append((o.slug, a1, a2))
    assert overlaps == []


def test_de_facto_artsakh_actors_are_never_armenias(kb):
    artsakh = {"republic-of-artsakh"}
    changed = True
    while changed:
        grown = artsakh | {a.slug for a in kb.actors if a.affiliation in artsakh}
        changed, artsakh = grown != artsakh, grown
    assert len(artsakh) > 10
    assert [s for s in artsakh if kb.actor(s).country == "AM"] == []


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Pashinian told reporters", "nikol-pashinyan"),
        ("Aliyev told reporters", "ilham-aliyev"),
        ("Azerbaijan's Defence Ministry said", "azerbaijani-defence-ministry"),
        ("the Azerbaijani Ministry of Defense said", "azerbaijani-defence-ministry"),
        ("the Russian foreign ministry said", "russian-foreign-ministry"),
        ("Russia's Foreign Ministry said", "russian-foreign-ministry"),
        ("Bairamov said", "jeyhun-bayramov"),
        ("Mevlut Cavusoglu said", "mevlut-cavusoglu"),
        ("officials in Stepanakert said", "republic-of-artsakh"),
        ("the ICRC said", "icrc"),
        ("posted on X (formerly Twitter)", "x-twitter"),
    ],
)
def test_news_wordings_find_the_one_actor(gazetteer, text, slug):
    assert [m.actor_key for m in gazetteer.find_mentions(text)] == [slug]


@pytest.mark.parametrize(
    ("wording", "day", "slug"),
    [
        ("Kremlin spokesman", "2022-12-20", "dmitry-peskov"),
        ("Armenian defence minister", "2020-10-05", "davit-tonoyan"),
        ("Armenian defence minister", "2022-09-14", "suren-papikyan"),
        ("Karabakh's separatist leader", "2023-09-20", "samvel-shahramanyan"),
        ("Karabakh's separatist leader", "2020-10-01", "arayik-harutyunyan"),
        ("EU's foreign policy chief", "2023-01-10", "josep-borrell"),
        ("State Department spokesperson", "2022-06-01", "ned-price"),
        ("Turkish foreign minister", "2023-09-20", "hakan-fidan"),
        ("Russian peacekeeping commander", "2023-06-01", "alexander-lentsov"),
        ("UN chief", "2023-09-20", "antonio-guterres"),
    ],
)
def test_an_office_wording_resolves_to_its_holder_on_the_day(kb, wording, day, slug):
    offices = [o for o in kb.offices if _key(wording) in {_key(s) for s in (o.title, *o.aliases)}]
    assert len(offices) == 1
    assert offices[0].holder(dt.date.fromisoformat(day)) == slug
    assert offices[0].holder(None) is None
