"""Full-text search (events/search.py): the same answers on SQLite (FTS5) and PostgreSQL (tsvector).

The database tests run on whichever database the suite runs on; CI runs the suite on
both, so each expectation below holds on both.
"""

from __future__ import annotations

import pytest
from django.db import connection

from events import search
from events.models import Article, Event, Statement

BODY = (
    "Denunciations pour in\n\n\n"
    "The United States denounced the offensive on Tuesday.\n\n"
    "Baku calls it “counter-terrorism measures”; Yerevan calls it ethnic cleansing.\n\n"
    "Officials said the ceasefire of 10 November 2020 must hold: “We demand an end to hostilities.”"
)


# Reading the user's text (no database) -----------------------------------------------------------


def _groups(text):
    return [[(operand.text, operand.negated) for operand in group] for group in search.parse(text).groups]


def test_words_are_all_required():
    assert _groups("ceasefire Russia") == [[("ceasefire", False), ("Russia", False)]]


def test_or_splits_the_text_into_alternatives():
    assert _groups("Sochi or Yerevan talks") == [[("Sochi", False)], [("Yerevan", False), ("talks", False)]]
    assert _groups("Sochi OR Yerevan") == [[("Sochi", False)], [("Yerevan", False)]]


def test_a_leading_or_trailing_or_is_a_stop_word_not_an_operator():
    assert _groups("or war or") == [[("war", False)]]


def test_quotes_group_words_and_an_unclosed_quote_runs_to_the_end():
    assert _groups('"end to hostilities" today') == [[("end to hostilities", False), ("today", False)]]
    assert _groups('Zakharova: "NATO') == [[("Zakharova:", False), ("NATO", False)]]


def test_a_dash_before_a_word_or_quote_excludes_it_but_not_inside_a_word():
    assert _groups('war -"cease fire" -Baku') == [[("war", False), ("cease fire", True), ("Baku", True)]]
    assert _groups("counter-terrorism") == [[("counter-terrorism", False)]]


def test_stop_words_and_punctuation_alone_have_nothing_to_search():
    for text in ("the", "  ", "***", ":", '""', "-the", "of the and", "- -"):
        assert not search.parse(text).has_terms(), text


def test_the_fts5_query_quotes_every_word_so_nothing_is_syntax():
    # "AND" is a stop word, "OR" the only operator; a stop word at either end of an operand goes.
    required, exclusions = search.parse('"NEAR" AND (x* OR y) -z: col:umn "a\'b').to_fts5()
    assert required == '(("near" AND "x")) OR (("y" AND "col umn" AND "b") NOT ("z"))'
    assert exclusions == []


def test_a_group_of_exclusions_only_is_matched_apart():
    required, exclusions = search.parse("-war -Baku or peace").to_fts5()
    assert required == '(("peace"))'
    assert exclusions == ['"war" OR "baku"']


def test_the_websearch_text_quotes_every_operand_and_splits_hyphenated_words():
    query = search.parse('counter-terrorism -"cease fire" or U.S.')
    assert query.to_websearch() == '"counter terrorism" -"cease fire" or "U.S."'


# Searching (the database the suite runs on) --------------------------------------------------------


@pytest.fixture
def corpus(make_article, make_statement, make_event, db):
    article = make_article(body=BODY, title="Denunciations pour in")
    statements = {
        "denounced": make_statement("The United States denounced the offensive on Tuesday.", article=article),
        "terrorism": make_statement("“counter-terrorism measures”", article=article),
        "cleansing": make_statement("ethnic cleansing", article=article, summary="Yerevan's charge"),
        "hostilities": make_statement("We demand an end to hostilities.", article=article),
    }
    events = {
        "offensive": make_event(title="Azerbaijani offensive", summary="Baku launches “anti-terror” operations."),
        "talks": make_event(title="Talks in Sochi", location="Sochi, Russia"),
        "protest": make_event(title="Protests in Yerevan", summary="Crowds denounce the government."),
    }
    return article, statements, events


def _found(queryset, text, names):
    pks = set(queryset.search(text).values_list("pk", flat=True))
    return {name for name, obj in names.items() if obj.pk in pks}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("denounce", {"denounced"}),  # stemming: denounce finds "denounced"
        ("DENOUNCING", {"denounced"}),
        ("counter-terrorism", {"terrorism"}),
        ("counter terrorism", {"terrorism"}),
        ('"counter terrorism"', {"terrorism"}),
        ("terrorism:*", {"terrorism"}),
        ("terror*", {"terrorism"}),
        ('"end to hostilities', {"hostilities"}),
        ('"hostilities end"', set()),
        ("the hostilities", {"hostilities"}),
        ("cleansing or offensive", {"cleansing", "denounced"}),
        ("united -offensive", set()),
        ("-offensive", {"terrorism", "cleansing", "hostilities"}),
        ("charge", {"cleansing"}),  # the summary is searched too
        ("NEAR(a b) AND OR NOT", set()),
        ("'; DROP TABLE events_statement; --", set()),
    ],
)
def test_statements_are_found_the_same_way_on_both_databases(corpus, text, expected):
    _, statements, _ = corpus
    assert _found(Statement.objects, text, statements) == expected


@pytest.mark.django_db
def test_events_search_title_summary_and_location(corpus):
    _, _, events = corpus
    assert _found(Event.objects, "sochi", events) == {"talks"}
    assert _found(Event.objects, "Russia", events) == {"talks"}
    assert _found(Event.objects, "denounced", events) == {"protest"}
    assert _found(Event.objects, "offensives", events) == {"offensive"}
    assert _found(Event.objects, "yerevan or baku", events) == {"protest", "offensive"}


@pytest.mark.django_db
def test_articles_search_title_and_body(corpus):
    article, _, _ = corpus
    assert list(Article.objects.search("ceasefire November")) == [article]
    assert list(Article.objects.search("denunciation")) == [article]
    assert list(Article.objects.search("armistice")) == []


@pytest.mark.django_db
def test_a_text_without_terms_finds_nothing(corpus):
    assert not Statement.objects.search("the of").exists()


@pytest.mark.django_db
def test_the_index_follows_inserts_updates_and_deletes(make_event):
    event = make_event(title="Talks in Sochi")
    assert list(Event.objects.search("sochi")) == [event]
    event.title = "Talks in Brussels"
    event.save()
    assert list(Event.objects.search("sochi")) == []
    assert list(Event.objects.search("brussels")) == [event]
    Event.objects.filter(pk=event.pk).update(location="Belgium")
    assert list(Event.objects.search("belgium")) == [event]
    event.delete()
    assert list(Event.objects.search("brussels")) == []


@pytest.mark.django_db
def test_search_combines_with_other_filters_and_the_query_shape(corpus):
    _, statements, _ = corpus
    queryset = Statement.objects.for_timeline().filter(review_status="draft").search("hostilities")
    assert [s.pk for s in queryset] == [statements["hostilities"].pk]


@pytest.mark.django_db
def test_seeded_statements_are_found_by_a_stem(seeded):
    found = Statement.objects.search("denounce")
    assert found.exists()
    assert all("denounc" in (s.quote + s.summary).lower() for s in found)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN indexes are PostgreSQL's")
def test_postgresql_answers_a_search_from_the_gin_index(corpus):
    # On a few rows the planner may rather walk the date index and filter; with plain scans
    # off, the search predicate can only be answered by a bitmap scan of an index on it.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    for model in (Event, Statement, Article):
        plan = model.objects.search("denounce").explain()
        assert f"{model._meta.db_table}_search" in plan, plan


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 tables are SQLite's")
def test_sqlite_reinstalling_the_search_rebuilds_the_index(make_event):
    # What runs after every migrate (EventsConfig.ready): idempotent, and rows written
    # while the triggers were missing (SQLite drops them with a rebuilt table) get indexed.
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER events_event_fts_insert")
    talks = make_event(title="Talks in Brussels")
    assert not Event.objects.search("brussels").exists()
    with connection.schema_editor() as schema_editor:
        search.install(schema_editor)
        search.install(schema_editor)
    assert list(Event.objects.search("brussels")) == [talks]
    later = make_event(title="Talks in Brussels again")
    assert set(Event.objects.search("brussels")) == {talks, later}


@pytest.mark.django_db
def test_rows_written_during_deferred_indexing_are_found_once_it_ends(make_event):
    # What import_seeds wraps its files in: inserts are indexed at the end (SQLite); rows
    # indexed before follow updates and deletes at once; a row inserted and then changed or
    # deleted inside the block is indexed as it stands at the end, or not at all.
    kept = make_event(title="Talks in Sochi")
    renamed = make_event(title="Talks in Geneva")
    dropped = make_event(title="Talks in Minsk")
    with search.deferred_indexing():
        added = make_event(title="Talks in Brussels")
        changed = make_event(title="Talks in Vienna")
        changed.title = "Talks in Astana"
        changed.save()
        gone = make_event(title="Talks in Prague")
        gone.delete()
        renamed.title = "Talks in Tehran"
        renamed.save()
        dropped.delete()
    assert list(Event.objects.search("sochi")) == [kept]
    assert list(Event.objects.search("brussels")) == [added]
    assert list(Event.objects.search("astana")) == [changed]
    assert list(Event.objects.search("tehran")) == [renamed]
    for word in ("vienna", "prague", "geneva", "minsk"):
        assert not Event.objects.search(word).exists(), word
    # And the usual triggers are back: the next insert is indexed at once.
    assert list(Event.objects.search("oslo")) == []
    oslo = make_event(title="Talks in Oslo")
    assert list(Event.objects.search("oslo")) == [oslo]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Raises if the index disagrees with the table (e.g. a 'delete' of a row never indexed).
            cursor.execute("INSERT INTO events_event_fts(events_event_fts) VALUES ('integrity-check')")


@pytest.mark.django_db
def test_a_rolled_back_savepoint_inside_deferred_indexing_leaves_nothing_to_index(make_event):
    from django.db import transaction

    with search.deferred_indexing():
        try:
            with transaction.atomic():
                make_event(title="Talks in Brussels")
                raise RuntimeError("a bad file")
        except RuntimeError:
            pass
        kept = make_event(title="Talks in Brussels again")
    assert list(Event.objects.search("brussels")) == [kept]


@pytest.mark.django_db
def test_an_error_inside_deferred_indexing_restores_the_triggers(make_event):
    with pytest.raises(RuntimeError):
        with search.deferred_indexing():
            make_event(title="Talks in Brussels")
            raise RuntimeError("stop")
    assert not Event.objects.search("brussels").exists()
    talks = make_event(title="Talks in Sochi")
    assert list(Event.objects.search("sochi")) == [talks]
