"""The filters added for integrators: roles, countries, locations, outlets, articles and full-text `q`.

Each filter is checked with a value that keeps rows, one that keeps none, and invalid
values, which are a 400 naming the parameter (never a silent empty list or a 500).
"""

from __future__ import annotations

import pytest
from django.db.models import Q

from events.models import Actor, Outlet
from events.tests.test_api import CLASH, QUOTE, assert_400_naming, ids


@pytest.fixture
def world(make_actor, make_article, make_outlet, make_event, make_statement):
    """Two outlets (state media and a wire), an article each, events and statements on them."""
    rt = make_outlet(slug="rt", name="RT", kind=Outlet.Kind.STATE_MEDIA, country="RU")
    reuters = make_outlet(slug="reuters", name="Reuters", kind=Outlet.Kind.WIRE, country="GB")
    rt_article = make_article(outlet=rt)
    reuters_article = make_article(body=rt_article.body + "\n\nReuters copy.", outlet=reuters)
    azerbaijan = make_actor(slug="azerbaijan", name="Azerbaijan", kind=Actor.Kind.STATE, country="AZ")
    armenia = make_actor(slug="armenia", name="Armenia", kind=Actor.Kind.STATE, country="AM")
    russia = make_actor(slug="russia", name="Russia", kind=Actor.Kind.STATE, country="RU")
    blinken = make_actor(slug="antony-blinken", name="Antony Blinken", country="US")
    offensive = make_event(
        title="Offensive",
        location="Stepanakert, Karabakh",
        actors=[(azerbaijan, "initiator"), (armenia, "target")],
        sources=[(rt_article, CLASH)],
    )
    talks = make_event(
        title="Talks",
        location="Moscow",
        actors=[(russia, "mediator"), (armenia, "participant"), (azerbaijan, "participant")],
        sources=[(rt_article, CLASH), (reuters_article, CLASH)],
    )
    unsourced = make_event(title="Background", actors=[(armenia, "initiator")])
    appeal = make_statement(speaker=blinken, article=rt_article)
    appeal.targets.add(azerbaijan)
    reply = make_statement(speaker=armenia, article=reuters_article)
    return {
        "offensive": offensive,
        "talks": talks,
        "unsourced": unsourced,
        "appeal": appeal,
        "reply": reply,
        "rt_article": rt_article,
        "reuters_article": reuters_article,
    }


def _events(api, **params):
    return ids(api.get("/api/events/", params))


def _statements(api, **params):
    return ids(api.get("/api/statements/", params))


# Events ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_event_actor_role_narrows_the_actor(api, world):
    offensive, talks, unsourced = world["offensive"], world["talks"], world["unsourced"]
    assert _events(api, actor="azerbaijan") == [offensive.pk, talks.pk]
    assert _events(api, actor="azerbaijan", actor_role="initiator") == [offensive.pk]
    assert _events(api, actor="armenia", actor_role="target") == [offensive.pk]
    assert _events(api, actor="armenia", actor_role="initiator") == [unsourced.pk]
    assert _events(api, actor="armenia", actor_role="mediator") == []


@pytest.mark.django_db
def test_event_actor_role_alone_keeps_events_with_someone_in_that_role(api, world):
    assert _events(api, actor_role="mediator") == [world["talks"].pk]
    assert _events(api, actor_role="initiator") == [world["offensive"].pk, world["unsourced"].pk]


@pytest.mark.django_db
def test_event_country_with_a_role(api, world):
    assert _events(api, country="az", actor_role="initiator") == [world["offensive"].pk]
    assert _events(api, country="RU") == [world["talks"].pk]
    assert _events(api, country="RU", actor_role="target") == []


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["boss", "Initiator ", "1"])
def test_event_unknown_actor_role_is_400(api, world, value):
    assert_400_naming(api.get("/api/events/", {"actor_role": value}), "actor_role")


@pytest.mark.django_db
def test_event_location_is_a_case_insensitive_substring(api, world):
    assert _events(api, location="karabakh") == [world["offensive"].pk]
    assert _events(api, location="Paris") == []


@pytest.mark.django_db
def test_event_outlet_and_outlet_kind_keep_events_with_such_a_source(api, world):
    offensive, talks = world["offensive"], world["talks"]
    assert _events(api, outlet="rt") == [offensive.pk, talks.pk]
    assert _events(api, outlet="reuters") == [talks.pk]
    assert _events(api, outlet_kind="state_media") == [offensive.pk, talks.pk]
    assert _events(api, outlet_kind="wire") == [talks.pk]
    assert _events(api, outlet_kind="official") == []


@pytest.mark.django_db
def test_excluding_state_media_leaves_out_events_only_state_media_reports(api, world):
    # The offensive has only an RT source; the talks also a Reuters one; the background none.
    assert _events(api, exclude_outlet_kind="state_media") == [world["talks"].pk, world["unsourced"].pk]
    assert _events(api, exclude_outlet_kind="wire") == [
        world["offensive"].pk,
        world["talks"].pk,
        world["unsourced"].pk,
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("outlet", "pravda"),
        ("outlet_kind", "tabloid"),
        ("exclude_outlet_kind", "state media"),
        ("article", "999999"),
        ("article", "rt"),
    ],
)
def test_event_invalid_source_filters_are_400(api, world, parameter, value):
    assert_400_naming(api.get("/api/events/", {parameter: value}), parameter)


@pytest.mark.django_db
def test_event_article_keeps_events_with_a_source_in_it(api, world):
    assert _events(api, article=world["reuters_article"].pk) == [world["talks"].pk]
    assert _events(api, article=world["rt_article"].pk) == [world["offensive"].pk, world["talks"].pk]


@pytest.mark.django_db
def test_event_q_is_full_text(api, world, make_event):
    denounced = make_event(title="Western capitals denounced the offensive")
    assert _events(api, q="denounce") == [denounced.pk]
    assert _events(api, q="offensives -western") == [world["offensive"].pk]
    assert _events(api, q='"capitals denounced"') == [denounced.pk]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["the", "***", '" "', "- of"])
def test_q_with_nothing_to_search_for_is_400_on_every_searchable_list(api, value):
    for url in ("/api/events/", "/api/statements/", "/api/articles/", "/api/timeline/"):
        messages = assert_400_naming(api.get(url, {"q": value}), "q")
        assert "no word to search for" in messages[0], url


@pytest.mark.django_db
def test_q_longer_than_the_bound_is_400(api):
    assert_400_naming(api.get("/api/events/", {"q": "war " * 200}), "q")


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["counter-terrorism", 'Zakharova: "NATO', "azer*", "(a OR", "NEAR/2", "'"])
def test_q_with_search_syntax_characters_is_never_a_500(api, world, value):
    for url in ("/api/events/", "/api/statements/", "/api/articles/", "/api/timeline/"):
        assert api.get(url, {"q": value}).status_code in (200, 400), (url, value)


# Statements ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_statement_actor_is_the_speaker_or_a_target_and_the_role_says_which(api, world):
    appeal, reply = world["appeal"], world["reply"]
    assert _statements(api, actor="azerbaijan") == [appeal.pk]
    assert _statements(api, actor="azerbaijan", actor_role="target") == [appeal.pk]
    assert _statements(api, actor="azerbaijan", actor_role="initiator") == []
    assert _statements(api, actor="armenia", actor_role="initiator") == [reply.pk]
    assert _statements(api, actor_role="target") == [appeal.pk]
    assert _statements(api, actor_role="mediator") == []


@pytest.mark.django_db
@pytest.mark.parametrize("threshold", [0, 1, 2000])
def test_records_involving_an_actor_are_the_same_with_either_query_shape(
    api, world, make_statement, monkeypatch, threshold
):
    """An actor in more statements or events than FREQUENT_ACTOR_ROWS is matched row by row (speaker
    OR EXISTS target; EXISTS participant), a rarer one by looking its rows up first (UNION; IN): the
    rows must not depend on the shape."""
    armenia = Actor.objects.get(slug="armenia")
    azerbaijan = Actor.objects.get(slug="azerbaijan")
    both = make_statement(speaker=armenia, article=world["rt_article"])
    both.targets.add(azerbaijan, armenia)  # speaker and target at once: listed once
    monkeypatch.setattr("events.models.actors.FREQUENT_ACTOR_ROWS", threshold)
    frequent = dict(Actor.objects.with_frequency().values_list("slug", "frequent"))
    assert frequent["armenia"] is (threshold < 2)  # two statements spoken, one addressed
    assert frequent["antony-blinken"] is (threshold < 1)
    assert _statements(api, actor="armenia") == [world["reply"].pk, both.pk]
    assert _statements(api, actor="azerbaijan") == [world["appeal"].pk, both.pk]
    assert _statements(api, actor="antony-blinken") == [world["appeal"].pk]
    assert _statements(api, actor="russia") == []
    offensive, talks, unsourced = world["offensive"], world["talks"], world["unsourced"]
    assert _events(api, actor="armenia") == [offensive.pk, talks.pk, unsourced.pk]  # in 3 events
    assert _events(api, actor="armenia", actor_role="initiator") == [unsourced.pk]
    assert _events(api, actor="russia") == [talks.pk]
    assert _events(api, actor="antony-blinken") == []


@pytest.mark.django_db
def test_statement_speaker_country_and_country(api, world):
    appeal, reply = world["appeal"], world["reply"]
    assert _statements(api, speaker_country="us") == [appeal.pk]
    assert _statements(api, speaker_country="AM") == [reply.pk]
    # country: the speaker's or a target's.
    assert _statements(api, country="AZ") == [appeal.pk]
    assert _statements(api, country="AZ", actor_role="initiator") == []
    assert_400_naming(api.get("/api/statements/", {"speaker_country": "USA"}), "speaker_country")
    assert_400_naming(api.get("/api/statements/", {"country": "ZZ"}), "country")


@pytest.mark.django_db
def test_statement_outlet_filters(api, world):
    appeal, reply = world["appeal"], world["reply"]
    assert _statements(api, outlet="rt") == [appeal.pk]
    assert _statements(api, outlet_kind="wire") == [reply.pk]
    assert _statements(api, exclude_outlet_kind="state_media") == [reply.pk]
    assert_400_naming(api.get("/api/statements/", {"outlet": "nobody"}), "outlet")
    assert_400_naming(api.get("/api/statements/", {"exclude_outlet_kind": "blog"}), "exclude_outlet_kind")


@pytest.mark.django_db
def test_statement_q_is_full_text_over_quote_and_summary(api, new_statement):
    firing = new_statement(summary="Appeal to end the clashes")
    assert ids(api.get("/api/statements/", {"q": "fire"})) == [firing.pk]  # "firing" stems to "fire"
    assert ids(api.get("/api/statements/", {"q": "clash"})) == [firing.pk]
    assert ids(api.get("/api/statements/", {"q": "clash -sides"})) == []
    assert QUOTE in api.get("/api/statements/", {"q": '"sides must stop"'}).json()["results"][0]["quote"]


# Articles and actors --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_article_q_is_full_text_and_outlet_and_dates_still_filter(api, world):
    rt_article, reuters_article = world["rt_article"], world["reuters_article"]
    assert ids(api.get("/api/articles/", {"q": "reuters copy"})) == [reuters_article.pk]
    assert ids(api.get("/api/articles/", {"q": "armies", "outlet": "rt"})) == [rt_article.pk]
    assert ids(api.get("/api/articles/", {"q": "armies", "published_from": "2030-01-01"})) == []


@pytest.mark.django_db
def test_actor_name_or_alias_search_still_takes_a_substring(api, seeded):
    assert [row["slug"] for row in api.get("/api/actors/", {"q": "prince"}).json()["results"]] == ["ned-price"]
    assert_400_naming(api.get("/api/actors/", {"kind": "nation"}), "kind")


# The schema names every filter -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_documents_every_filter_with_a_description(api):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    expected = {
        "/api/events/": {
            "date_from",
            "date_to",
            "escalation",
            "type",
            "actor",
            "actor_role",
            "country",
            "location",
            "review_status",
            "outlet",
            "outlet_kind",
            "exclude_outlet_kind",
            "article",
            "q",
            "format",
            "page_size",
        },
        "/api/statements/": {
            "speaker",
            "speaker_country",
            "target",
            "actor",
            "actor_role",
            "country",
            "code",
            "date_from",
            "date_to",
            "article",
            "outlet",
            "outlet_kind",
            "exclude_outlet_kind",
            "q",
            "format",
        },
        "/api/actors/": {"kind", "country", "q", "format"},
        "/api/articles/": {"outlet", "published_from", "published_to", "q", "format"},
        "/api/timeline/": {
            "date_from",
            "date_to",
            "escalation",
            "type",
            "actor",
            "actor_role",
            "country",
            "article",
            "outlet",
            "outlet_kind",
            "exclude_outlet_kind",
            "q",
            "cursor",
            "page_size",
            "format",
            "speaker",
            "location",
        },
    }
    for path, names in expected.items():
        parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert names <= set(parameters), (path, names - set(parameters))
        for name in names:
            assert parameters[name].get("description"), (path, name)
        assert "400" in schema["paths"][path]["get"]["responses"], path


@pytest.mark.django_db
def test_an_actor_reference_keeps_what_a_case_insensitive_match_keeps(make_actor):
    # ActorQuerySet.referenced_by (UPPER = UPPER, served by the UPPER indexes) against iexact,
    # on names of every case, accents and non-Latin letters, and on strings that are LIKE
    # wildcards on SQLite.
    names = ["Armenia", "ARMENIA party", "Ərdoğan", "ərdoğan", "Élysée", "élysée", "Ղարաբաղ", "ղարաբաղ", "a_b", "a%b"]
    for index, name in enumerate(names):
        make_actor(name=name, slug=f"Actor-{index}")
    texts = [*names, *(name.upper() for name in names), *(name.lower() for name in names)]
    texts += ["armenia", "ACTOR-3", "actor-3", "axb", "a%", "%", "_", "Actor-", str(Actor.objects.first().pk), "0"]
    for text in texts:
        condition = Q(slug__iexact=text) | Q(name__iexact=text)
        expected = Actor.objects.filter(condition | Q(pk=int(text)) if text.isdigit() else condition)
        assert sorted(Actor.objects.referenced_by(text).values_list("pk", flat=True)) == sorted(
            expected.values_list("pk", flat=True)
        ), text


@pytest.mark.django_db
@pytest.mark.parametrize("threshold", [0, 1, 2000])
def test_the_compiled_actor_lookup_sends_the_orms_statements_and_gets_its_rows(
    make_actor, make_article, make_statement, monkeypatch, threshold
):
    # ActorQuerySet.referenced_rows (its SQL compiled once, the text bound) against the ORM's
    # referenced_by().with_frequency(), on random names: every case, accents, Armenian, LIKE
    # wildcards, quotes, digits; one frequent actor at thresholds 0 and 1.
    from django.db import connection, connections
    from django.test.utils import CaptureQueriesContext

    from events.models import actors

    monkeypatch.setattr(actors, "FREQUENT_ACTOR_ROWS", threshold)
    random = __import__("random").Random(threshold)
    letters = "aAzZéÉəƏıİçÇşŞğĞՂղԱաՐր%_'\"\\ -0123456789"
    names = ["".join(random.choice(letters) for _ in range(random.randint(1, 8))).strip() or "x" for _ in range(40)]
    names += ["Ղարաբաղ", "ղարաբաղ", "Élysée", "a_b", "a%b", "O'Brien", 'say "no"']
    made = [make_actor(name=name, slug=f"random-{index}") for index, name in enumerate(names)]
    article = make_article()
    make_statement(speaker=made[0], article=article)
    make_statement(speaker=made[0], article=article, quote="officials said")
    texts = [*names, *(n.upper() for n in names), *(n.lower() for n in names), "%", "_", "'", "RANDOM-3"]
    texts += [str(made[1].pk), str(made[0].pk), "0", "007"]
    actors._REFERENCED_ROWS.compiled.clear()
    for text in texts:
        with CaptureQueriesContext(connection) as compiled:
            found = Actor.objects.referenced_rows(text)
        with CaptureQueriesContext(connection) as orm:
            expected = list(Actor.objects.referenced_by(text).with_frequency().values_list("pk", "frequent"))
        assert found == expected, text
        assert [q["sql"] for q in compiled] == [q["sql"] for q in orm], text  # one statement, the same
    assert Actor.objects.referenced_rows(names[0])[0] == (made[0].pk, threshold < 2)
    shapes = actors._REFERENCED_ROWS.compiled[connections["default"]]
    assert sorted(shapes) == [((threshold, 1), (str,)), ((threshold, 2), (str, int))]
    assert all(shapes.values()), "a shape fell back to the ORM"


# A record named by its slug (RecordReferenceField: the lookup's SQL compiled once) ---------------


@pytest.mark.django_db
def test_a_slug_finds_the_record_the_orm_gets_with_one_query(world, django_assert_num_queries):
    from events.compiled_query import RecordQuery
    from events.filter_fields import RecordReferenceField
    from events.models import Escalation

    escalation = Escalation.objects.create(slug="2023-offensive", name="Offensive", start_date="2023-09-19")
    for queryset, slug in ((Escalation.objects.all(), escalation.slug), (Outlet.objects.all(), "rt")):
        field = RecordReferenceField(queryset=queryset, to_field_name="slug")
        assert RecordQuery.of(queryset, "slug") is not None
        for _ in range(2):  # compiled, then the kept statement
            with django_assert_num_queries(1):
                found = field.clean(slug)
            expected = queryset.get(slug=slug)
            assert type(found) is type(expected)
            assert found.__dict__.keys() == expected.__dict__.keys()
            assert {name: value for name, value in found.__dict__.items() if name != "_state"} == {
                name: value for name, value in expected.__dict__.items() if name != "_state"
            }
            assert (found._state.db, found._state.adding) == (expected._state.db, expected._state.adding)


@pytest.mark.django_db
def test_an_unknown_slug_is_still_the_same_400(world, api):
    from events.models import Escalation

    Escalation.objects.create(slug="2023-offensive", name="Offensive", start_date="2023-09-19")
    for _ in range(2):
        assert assert_400_naming(api.get("/api/events/", {"escalation": "2023-Offensive"}), "escalation") == [
            "No escalation has the slug '2023-Offensive'."
        ]
        assert assert_400_naming(api.get("/api/statements/", {"outlet": "r%t"}), "outlet") == [
            "No outlet has the slug 'r%t'."
        ]
        assert assert_400_naming(api.get("/api/events/", {"escalation": "a\x00b"}), "escalation") == [
            "Null characters are not allowed."
        ]
    assert _events(api, escalation="2023-offensive") == []


def test_only_a_plain_queryset_by_a_unique_field_is_compiled():
    from events.compiled_query import RecordQuery
    from events.models import Article, Escalation

    assert RecordQuery.of(Escalation.objects.all(), "slug") is RecordQuery.of(Escalation.objects.all(), "slug")
    assert RecordQuery.of(Escalation.objects.all(), "pk") is not None
    for queryset, field in (
        (Escalation.objects.all(), "name"),  # not unique
        (Escalation.objects.all(), "no_such_field"),
        (Escalation.objects.filter(name="x"), "slug"),
        (Escalation.objects.only("slug"), "slug"),
        (Escalation.objects.using("default"), "slug"),
        (Escalation.objects.order_by("slug")[:3], "slug"),
        (Article.objects.select_related("outlet"), "pk"),
        (Escalation.objects.values_list("slug"), "slug"),
    ):
        assert RecordQuery.of(queryset, field) is None, (queryset, field)
