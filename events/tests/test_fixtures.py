"""The curated fixtures (fixtures/reference.json, fixtures/curated.json) checked against the seeds.

No database: these read the JSON and the seed files and check what the importer, loaddata and
the span triggers would otherwise only refuse at load time, plus the known facts about the two
seeds (shared/DESIGN.md) that the gold standard must hold.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest
from django.apps import apps

from events.ingest import dates

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
SEEDS = ROOT / "seeds"
A000 = "000_eb3323f6cf93e5ce.txt"
A004 = "004_18fe2a88e90ce931.txt"

# Natural key of each model, as the fixtures write it (a tuple of field values).
NATURAL_KEYS = {
    "events.outlet": ("slug",),
    "events.escalation": ("slug",),
    "events.actor": ("slug",),
    "events.actoralias": ("actor", "name"),
    "events.article": ("source_ref",),
    "events.event": ("slug",),
    "events.eventparticipant": ("event", "actor", "role"),
    "events.statement": ("ref",),
    "events.eventsource": ("ref",),
}
# Foreign keys written as natural keys: field -> model it points to.
REFERENCES = {
    "events.actor": {"affiliation": "events.actor"},
    "events.actoralias": {"actor": "events.actor"},
    "events.article": {"outlet": "events.outlet", "republished_by": "events.outlet"},
    "events.event": {"escalation": "events.escalation"},
    "events.eventparticipant": {"event": "events.event", "actor": "events.actor"},
    "events.statement": {"article": "events.article", "speaker": "events.actor", "escalation": "events.escalation"},
    "events.eventsource": {"event": "events.event", "article": "events.article"},
}


@cache
def load(name: str) -> tuple[dict, ...]:
    return tuple(json.loads((FIXTURES / name).read_text(encoding="utf-8")))


def reference() -> tuple[dict, ...]:
    return load("reference.json")


def curated() -> tuple[dict, ...]:
    return load("curated.json")


def everything() -> tuple[dict, ...]:
    return reference() + curated()


def of(model: str, objects=None) -> list[dict]:
    return [obj["fields"] for obj in (objects or everything()) if obj["model"] == f"events.{model}"]


@cache
def seed_text(source_ref: str) -> str:
    return (SEEDS / source_ref).read_text(encoding="utf-8")


def spans() -> list[tuple[str, dict]]:
    return [("statement", f) for f in of("statement")] + [("eventsource", f) for f in of("eventsource")]


def date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def natural_key(model: str, fields: dict) -> tuple:
    key = []
    for name in NATURAL_KEYS[model]:
        value = fields[name]
        key.append(tuple(value) if isinstance(value, list) else value)
    return tuple(key)


def keys_of(model: str) -> set[tuple]:
    return {natural_key(model, obj["fields"]) for obj in reference() if obj["model"] == model}


def statement(ref: str) -> dict:
    (found,) = [f for f in of("statement") if f["ref"] == ref]
    return found


def statements_by(speaker: str, article: str | None = None) -> list[dict]:
    return [f for f in of("statement") if f["speaker"] == [speaker] and (article is None or f["article"] == [article])]


def event(slug: str) -> dict:
    (found,) = [f for f in of("event") if f["slug"] == slug]
    return found


def aliases_of(slug: str) -> dict[str, str]:
    return {f["name"]: f["kind"] for f in of("actoralias") if f["actor"] == [slug]}


# ------------------------------------------------------------------ shape


def test_both_fixture_files_are_lists_of_model_objects_with_fields():
    for obj in everything():
        assert set(obj) == {"model", "fields"}, obj
        assert obj["model"] in NATURAL_KEYS, obj["model"]


def test_fixtures_use_natural_keys_and_never_primary_keys():
    assert not [obj for obj in everything() if "pk" in obj]


def test_every_fixture_field_exists_on_its_model_and_holds_a_valid_choice():
    for obj in everything():
        model = apps.get_model(obj["model"])
        for name, value in obj["fields"].items():
            field = model._meta.get_field(name)
            if field.choices and not field.many_to_many and value not in ("", None):
                assert value in {choice for choice, _ in field.choices}, (obj["model"], name, value)


def test_span_bearing_objects_live_in_curated_json_and_the_rest_in_reference_json():
    assert {obj["model"] for obj in curated()} == {"events.statement", "events.eventsource"}
    assert not [obj for obj in reference() if "article" in obj["fields"]]


def test_everything_is_verified():
    for model in ("actor", "event", "statement"):
        for fields in of(model):
            assert fields["review_status"] == "verified", fields


# ------------------------------------------------------------------ keys and references


def test_no_natural_key_is_used_twice():
    for model in NATURAL_KEYS:
        counts = Counter(natural_key(model, obj["fields"]) for obj in everything() if obj["model"] == model)
        assert not [key for key, n in counts.items() if n > 1], model


def test_no_two_statements_share_article_speaker_and_span_nor_two_sources_event_article_and_span():
    statements = Counter((tuple(f["article"]), tuple(f["speaker"]), f["start"], f["end"]) for f in of("statement"))
    assert not [key for key, n in statements.items() if n > 1]
    sources = Counter((tuple(f["event"]), tuple(f["article"]), f["start"], f["end"]) for f in of("eventsource"))
    assert not [key for key, n in sources.items() if n > 1]


def test_every_natural_key_reference_resolves_to_an_object_in_reference_json():
    for obj in everything():
        for name, target in REFERENCES.get(obj["model"], {}).items():
            value = obj["fields"].get(name)
            if value is None:
                continue
            assert isinstance(value, list), (obj["model"], name, value)
            assert tuple(value) in keys_of(target), (obj["model"], name, value)
    for fields in of("statement"):
        for target in fields["targets"]:
            assert tuple(target) in keys_of("events.actor"), (fields["ref"], target)


def test_objects_in_reference_json_come_after_everything_they_reference():
    seen: dict[str, set[tuple]] = defaultdict(set)
    for obj in reference():
        for name, target in REFERENCES.get(obj["model"], {}).items():
            value = obj["fields"].get(name)
            if value is not None:
                assert tuple(value) in seen[target], (obj["model"], obj["fields"], name)
        seen[obj["model"]].add(natural_key(obj["model"], obj["fields"]))


def test_every_cameo_code_used_exists_in_the_codebook():
    codebook = {obj["pk"] for obj in json.loads((FIXTURES / "cameo.json").read_text(encoding="utf-8"))}
    used = [f["event_type"] for f in of("event")] + [f["cameo"] for f in of("statement")]
    assert used
    assert not [code for code in used if not isinstance(code, str) or code not in codebook]


def test_no_actor_has_the_same_alias_twice_ignoring_case():
    counts = Counter((tuple(f["actor"]), f["name"].casefold()) for f in of("actoralias"))
    assert not [key for key, n in counts.items() if n > 1]


def test_no_alias_merely_repeats_its_actors_canonical_name():
    names = {f["slug"]: f["name"].casefold() for f in of("actor")}
    assert not [f for f in of("actoralias") if f["name"].casefold() == names[f["actor"][0]]]


def test_no_actor_is_affiliated_to_itself_even_indirectly():
    parent = {f["slug"]: f["affiliation"][0] if f["affiliation"] else None for f in of("actor")}
    for slug in parent:
        chain, current = set(), slug
        while current is not None:
            assert current not in chain, slug
            chain.add(current)
            current = parent[current]


# ------------------------------------------------------------------ articles and spans


def test_each_article_names_an_existing_seed_file():
    articles = of("article")
    assert {f["source_ref"] for f in articles} == {A000, A004}
    for fields in articles:
        assert fields["file_name"] == fields["source_ref"]
        assert (SEEDS / fields["file_name"]).is_file()


def test_article_fixtures_carry_metadata_only_never_the_text():
    for fields in of("article"):
        assert not {"body", "sha256", "title", "caption"} & set(fields), fields


def test_every_span_lies_inside_its_seed_text():
    for model, fields in spans():
        text = seed_text(fields["article"][0])
        assert 0 <= fields["start"] < fields["end"] <= len(text), (model, fields["ref"])


def test_every_statement_span_cuts_its_quote_out_of_the_seed():
    statements = of("statement")
    assert statements
    for fields in statements:
        text = seed_text(fields["article"][0])
        assert text[fields["start"] : fields["end"]] == fields["quote"], fields["ref"]


def test_every_event_source_span_cuts_its_quote_out_of_the_seed():
    sources = of("eventsource")
    assert sources
    for fields in sources:
        text = seed_text(fields["article"][0])
        assert text[fields["start"] : fields["end"]] == fields["quote"], fields["ref"]


def test_quoted_words_are_cut_from_inside_their_quotation_marks():
    for fields in of("statement"):
        if fields["kind"] in ("direct", "partial", "term"):
            text = seed_text(fields["article"][0])
            assert text[fields["start"] - 1] == "“" and text[fields["end"]] == "”", fields["ref"]


def test_every_event_has_at_least_one_source_and_one_participant():
    sourced = {f["event"][0] for f in of("eventsource")}
    involved = {f["event"][0] for f in of("eventparticipant")}
    for fields in of("event"):
        assert fields["slug"] in sourced, fields["slug"]
        assert fields["slug"] in involved, fields["slug"]


# ------------------------------------------------------------------ dates


def test_every_date_fits_its_precision():
    for fields in of("event"):
        dates.check_fits(date(fields["start_date"]), fields["start_precision"])
        if fields["end_date"]:
            dates.check_fits(date(fields["end_date"]), fields["end_precision"])
        else:
            assert fields["end_precision"] == "", fields["slug"]
    for fields in of("statement"):
        if fields["said_on"]:
            dates.check_fits(date(fields["said_on"]), fields["said_on_precision"])
    for _, fields in spans():
        if fields["reported_date"]:
            dates.check_fits(date(fields["reported_date"]), fields["reported_precision"])
        else:
            assert fields["reported_precision"] == "", fields["ref"]


def test_every_event_period_is_what_dates_py_computes():
    for fields in of("event"):
        low, high = dates.range_bounds(
            date(fields["start_date"]),
            fields["start_precision"],
            date(fields["end_date"]),
            fields["end_precision"] or None,
        )
        assert (fields["date_from"], fields["date_to"]) == (low.isoformat(), high.isoformat()), fields["slug"]


def test_every_statement_period_is_what_dates_py_computes():
    for fields in of("statement"):
        if fields["said_on"] is None:
            assert fields["date_from"] is None and fields["date_to"] is None, fields["ref"]
            continue
        low, high = dates.period_bounds(date(fields["said_on"]), fields["said_on_precision"])
        assert (fields["date_from"], fields["date_to"]) == (low.isoformat(), high.isoformat()), fields["ref"]


def test_ends_never_come_before_starts():
    for fields in of("escalation"):
        assert fields["end_date"] is None or fields["end_date"] >= fields["start_date"], fields["slug"]
    for fields in of("event"):
        assert fields["end_date"] is None or fields["end_date"] >= fields["start_date"], fields["slug"]
        assert not (fields["ongoing"] and fields["end_date"]), fields["slug"]


def test_a_statement_reports_a_date_only_when_it_differs_from_the_known_one():
    for fields in of("statement"):
        if fields["reported_date"]:
            known = (fields["said_on"], fields["said_on_precision"])
            assert (fields["reported_date"], fields["reported_precision"]) != known, fields["ref"]


def test_dated_records_overlap_the_escalation_they_are_grouped_in():
    escalations = {f["slug"]: (date(f["start_date"]), date(f["end_date"])) for f in of("escalation")}
    for fields in [*of("event"), *of("statement")]:
        if fields["escalation"] and fields["date_from"]:
            start, end = escalations[fields["escalation"][0]]
            assert date(fields["date_from"]) <= end and date(fields["date_to"]) >= start, fields


# ------------------------------------------------------------------ the known facts about the seeds


def test_the_articles_carry_their_outlets_and_publication_dates():
    articles = {f["source_ref"]: f for f in of("article")}
    assert articles[A000]["outlet"] == ["rt"] and articles[A000]["republished_by"] == ["newsrescue"]
    assert articles[A000]["published_on"] == "2023-09-19" and articles[A000]["url"] == ""
    assert "We call for an immediate end to hostilities and for respectful dialogue" in articles[A000]["notes"]
    assert articles[A004]["outlet"] == ["asbarez"] and articles[A004]["republished_by"] is None
    assert articles[A004]["published_on"] == "2022-08-04"
    assert (
        articles[A004]["url"]
        == "https://asbarez.com/u-s-discusses-karabakh-with-turkey-as-calls-for-de-escalation-mount/"
    )


def test_ned_price_statements_are_dated_wednesday_and_reported_on_thursday():
    price = statements_by("ned-price", A004)
    assert len(price) >= 3
    for fields in price:
        assert (fields["said_on"], fields["said_on_precision"]) == ("2022-08-03", "day"), fields["ref"]
        assert (fields["reported_date"], fields["reported_precision"]) == ("2022-08-04", "day"), fields["ref"]


def test_the_ned_prince_span_is_attributed_to_ned_price():
    text = seed_text(A004)
    (after_misspelling,) = [
        f for f in statements_by("ned-price", A004) if f["start"] > text.index("Ned Prince") and f["kind"] == "partial"
    ]
    assert after_misspelling["quote"].startswith("closely following reports")


def test_ned_prince_is_a_misspelling_alias_of_ned_price():
    assert aliases_of("ned-price")["Ned Prince"] == "misspelling"
    assert aliases_of("ned-price")["Price"] == "surname"


def test_blinkens_2023_statements_are_dated_19_september_2023():
    blinken = statements_by("antony-blinken", A000)
    assert len(blinken) == 3
    for fields in blinken:
        assert (fields["said_on"], fields["said_on_precision"], fields["reported_date"]) == ("2023-09-19", "day", None)
    assert {f["quote"] for f in blinken} >= {"immediately cease hostilities"}


def test_every_2023_statement_but_the_summer_announcement_is_dated_that_tuesday():
    for fields in of("statement"):
        if fields["article"] == [A000] and fields["said_on"] and fields["said_on"] >= "2023-09-01":
            assert fields["said_on"] == "2023-09-19", fields["ref"]


def test_the_blinken_cavusoglu_call_is_dated_thursday_4_august_2022():
    call = event("2022-08-04-blinken-cavusoglu-call")
    assert (call["event_type"], call["start_date"], call["start_precision"]) == ("041", "2022-08-04", "day")
    (told,) = [f for f in statements_by("antony-blinken", A004) if f["kind"] == "direct"]
    assert told["said_on"] == "2022-08-04" and "mevlut-cavusoglu" in {t[0] for t in told["targets"]}


def test_erdogans_last_month_remarks_are_july_2022_at_month_precision():
    erdogan = statements_by("recep-tayyip-erdogan", A004)
    assert erdogan
    for fields in erdogan:
        assert (fields["said_on"], fields["said_on_precision"], fields["date_phrase"]) == (
            "2022-07-01",
            "month",
            "last month",
        )


def test_scare_quoted_terms_belong_to_their_owners_and_never_to_the_writer():
    owners = {
        "counter-terrorism measures": "azerbaijan",
        "egregious": "anonymous-us-source",
        "Zangezur Corridor.": "recep-tayyip-erdogan",
    }
    for term, owner in owners.items():
        holders = [f for f in of("statement") if f["quote"] == term]
        assert [(f["speaker"], f["kind"]) for f in holders] == [([owner], "term")], term
    outlets_as_speakers = {f["slug"] for f in of("outlet")}
    assert not [f for f in of("statement") if f["speaker"][0] in outlets_as_speakers]


def test_the_2020_war_and_its_ceasefire_keep_their_known_dates():
    war = event("2020-09-27-second-karabakh-war")
    assert (war["start_date"], war["end_date"], war["escalation"]) == ("2020-09-27", "2020-11-10", ["2020-war"])
    ceasefire = event("2020-11-09-russian-brokered-ceasefire")
    assert (ceasefire["event_type"], ceasefire["start_date"], ceasefire["end_date"]) == (
        "0871",
        "2020-11-09",
        "2020-11-10",
    )
    peacekeepers = event("2020-11-10-russian-peacekeepers-deployed")
    assert (peacekeepers["event_type"], peacekeepers["ongoing"], peacekeepers["end_date"]) == ("074", True, None)


def test_pashinyans_announcement_keeps_the_known_day_and_the_articles_summer():
    announcement = event("2023-05-22-pashinyan-recognition-announcement")
    assert (announcement["start_date"], announcement["start_precision"]) == ("2023-05-22", "day")
    (source,) = [f for f in of("eventsource") if f["event"] == [announcement["slug"]]]
    assert (source["reported_date"], source["reported_precision"], source["date_phrase"]) == (
        "2023-06-01",
        "season",
        "earlier this summer",
    )


def test_us_arms_supplies_run_from_2002_at_year_precision():
    arms = event("2002-us-arms-to-azerbaijan")
    assert (arms["start_date"], arms["start_precision"], arms["ongoing"]) == ("2002-01-01", "year", True)


def test_the_yerevan_protests_begin_on_19_september_2023():
    protests = event("2023-09-19-yerevan-protests")
    assert protests["start_date"] == "2023-09-19" and protests["event_type"].startswith("14")


@pytest.mark.parametrize(
    ("slug", "alias", "kind"),
    [
        ("azerbaijan", "Azeri", "demonym"),
        ("azerbaijan", "Baku", "capital"),
        ("armenia", "Yerevan", "capital"),
        ("turkey", "Ankara", "capital"),
        ("kremlin", "the Kremlin", "capital"),
        ("united-states", "U.S.", "abbreviation"),
        ("us-state-department", "the State Department", "other"),
        ("turkish-foreign-ministry", "Turkey’s Foreign Ministry", "other"),
        ("recep-tayyip-erdogan", "the Turkish leader", "title"),
        ("mevlut-cavusoglu", "Cavusoglu", "surname"),
    ],
)
def test_names_as_written_in_the_seeds_are_aliases_of_the_right_actor(slug, alias, kind):
    assert aliases_of(slug).get(alias) == kind


def test_persons_have_a_role_and_an_affiliation():
    actors = {f["slug"]: f for f in of("actor")}
    for fields in actors.values():
        if fields["kind"] == "person":
            assert fields["role"] and fields["affiliation"], fields["slug"]
    assert actors["maria-zakharova"]["affiliation"] == ["russian-foreign-ministry"]
    assert actors["russian-foreign-ministry"]["affiliation"] == ["russia"]
    assert actors["anonymous-us-source"]["kind"] == "unnamed_source"
    assert actors["anonymous-us-source"]["affiliation"] == ["united-states"]
