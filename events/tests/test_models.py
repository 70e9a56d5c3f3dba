"""Model invariants, enforced by clean() for forms and by the database for everyone else."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from events.models import ActorAlias, Article, Escalation, Event, Statement

pytestmark = pytest.mark.django_db


def refused_by_database(action):
    """Run `action` in a savepoint and return the IntegrityError the database raised."""
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        action()
    return error.value


def test_a_statement_whose_quote_is_not_the_text_at_its_span_is_refused_by_the_database(make_statement):
    statement = make_statement()
    statement.quote = "both sides must stop firing later."
    error = refused_by_database(statement.save)
    assert "span_in_body" in str(error)


def test_a_span_past_the_end_of_the_article_is_refused_by_the_database(make_statement):
    statement = make_statement()
    length = len(statement.article.body)
    statement.start, statement.end = length - 2, length + 5
    statement.quote = statement.article.body[length - 2 :]
    assert "span_in_body" in str(refused_by_database(statement.save))


def test_a_new_statement_with_a_wrong_span_cannot_be_inserted(make_article, make_actor, cameo):
    article = make_article()
    statement = Statement(
        ref="bad",
        article=article,
        speaker=make_actor(),
        quote="words that are not there",
        start=0,
        end=24,
        cameo=cameo("010"),
    )
    assert "span_in_body" in str(refused_by_database(statement.save))


def test_an_article_body_cannot_change_once_spans_point_into_it(make_statement):
    article = make_statement().article
    error = refused_by_database(
        lambda: Article.objects.filter(pk=article.pk).update(body="Different text", sha256=Article.hash_text("x"))
    )
    assert "body_frozen" in str(error)


def test_an_article_body_without_spans_can_still_be_corrected(make_article):
    article = make_article()
    Article.objects.filter(pk=article.pk).update(
        body="Corrected\n\ntext", sha256=Article.hash_text("Corrected\n\ntext")
    )
    assert Article.objects.get(pk=article.pk).body == "Corrected\n\ntext"


def test_an_event_source_span_is_checked_like_a_statement_span(make_event, make_article):
    article = make_article()
    event = make_event(sources=[(article, "exchanged fire near the border")])
    source = event.sources.get()
    source.end += 3
    assert "span_in_body" in str(refused_by_database(source.save))


def test_an_event_cannot_end_before_it_starts(make_event):
    event = make_event(start_date=dt.date(2022, 8, 3))
    error = refused_by_database(
        lambda: Event.objects.filter(pk=event.pk).update(end_date=dt.date(2022, 8, 1), end_precision="day")
    )
    assert "end_after_start" in str(error)


def test_the_escalation_containing_a_day_is_the_earliest_whose_period_holds_it(
    make_escalation, django_assert_num_queries
):
    summer = make_escalation(start_date=dt.date(2022, 8, 1), end_date=dt.date(2022, 8, 31))
    overlap = make_escalation(start_date=dt.date(2022, 8, 20), end_date=dt.date(2022, 9, 10))
    ongoing = make_escalation(start_date=dt.date(2023, 1, 1), end_date=None)
    escalations = Escalation.objects.all()
    with django_assert_num_queries(1):  # read once, then searched in memory
        found = {
            day: escalations.containing(day)
            for day in (
                dt.date(2022, 7, 31),
                dt.date(2022, 8, 1),
                dt.date(2022, 8, 25),
                dt.date(2022, 8, 31),
                dt.date(2022, 9, 1),
                dt.date(2022, 9, 11),
                dt.date(2023, 1, 1),
                dt.date(2031, 5, 5),
                None,
            )
        }
    assert list(found.values()) == [None, summer, summer, summer, overlap, None, ongoing, ongoing, None]


def test_an_escalation_cannot_end_before_it_starts(make_escalation):
    escalation = make_escalation()
    assert "end_after_start" in str(
        refused_by_database(lambda: Escalation.objects.filter(pk=escalation.pk).update(end_date=dt.date(2000, 1, 1)))
    )


def test_one_article_per_content_hash(make_article):
    article = make_article()
    assert "sha256" in str(refused_by_database(lambda: make_article(body=article.body)))


def test_an_actor_cannot_have_the_same_alias_twice_whatever_the_case(make_actor):
    actor = make_actor(name="Azerbaijan")
    ActorAlias.objects.create(actor=actor, name="Baku")
    assert "actoralias" in str(refused_by_database(lambda: ActorAlias.objects.create(actor=actor, name="BAKU"))).lower()
    # Another actor may use the same alias: aliases are ambiguous in real text.
    ActorAlias.objects.create(actor=make_actor(name="Baku city council"), name="Baku")


def test_clean_explains_a_quote_that_is_not_the_article_text(make_statement):
    statement = make_statement()
    statement.quote = "both sides must stop firing later."
    with pytest.raises(ValidationError) as error:
        statement.full_clean()
    assert "is 'both sides must stop firing now.', not 'both sides must stop firing later.'" in str(error.value)


def test_clean_explains_a_span_outside_the_article(make_statement):
    statement = make_statement()
    statement.end = 10_000
    with pytest.raises(ValidationError, match="ends past the article body"):
        statement.full_clean()


def test_clean_refuses_a_date_that_does_not_fit_its_precision(make_event):
    event = make_event()
    event.start_date, event.start_precision = dt.date(2022, 8, 17), "month"
    with pytest.raises(ValidationError, match="1st of the month"):
        event.full_clean()


def test_clean_refuses_an_end_before_the_start(make_event):
    event = make_event(start_date=dt.date(2022, 8, 3))
    event.end_date, event.end_precision = dt.date(2022, 8, 1), "day"
    with pytest.raises(ValidationError, match="the end is before the start"):
        event.full_clean()


def test_clean_refuses_an_affiliation_cycle(make_actor):
    country = make_actor(kind="state")
    ministry = make_actor(kind="government_body", affiliation=country)
    country.affiliation = ministry
    with pytest.raises(ValidationError, match="affiliated to itself"):
        country.full_clean()


def test_saving_derives_the_period_an_event_covers(make_event):
    event = make_event(
        start_date=dt.date(2002, 1, 1), start_precision="year", end_date=dt.date(2023, 9, 1), end_precision="month"
    )
    assert (event.date_from, event.date_to) == (dt.date(2002, 1, 1), dt.date(2023, 9, 30))
    assert event.date_label == "2002 – September 2023"


def test_saving_derives_the_period_a_statement_covers(make_statement):
    statement = make_statement(said_on=dt.date(2022, 7, 1), said_on_precision="month")
    assert (statement.date_from, statement.date_to) == (dt.date(2022, 7, 1), dt.date(2022, 7, 31))
    assert statement.date_label == "July 2022"


def test_overlap_filters_honour_each_dates_precision(make_event):
    july = make_event(start_date=dt.date(2022, 7, 1), start_precision="month")
    day = make_event(start_date=dt.date(2022, 8, 4))
    found = set(Event.objects.overlapping(dt.date(2022, 7, 31), dt.date(2022, 7, 31)))
    assert found == {july}
    assert set(Event.objects.overlapping(dt.date(2022, 8, 1), None)) == {day}
