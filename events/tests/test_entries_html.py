"""The timeline's and the actor page's entries, written in Python (events/views/entries.py), are the
bytes the included templates `_event.html` and `_statement.html` wrote before (issue 19): both
rendered on the records of a random corpus whose text is made awkward (quotes, markup, bidirectional
controls, non-Latin scripts) and whose optional parts are emptied or filled at random, for a reader
and a curator."""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.template import Context, Template

from events.api.timeline import EVENT, STATEMENT, Key
from events.models import Article, Event, EventParticipant, EventSource, Outlet, Statement
from events.tests.test_api_rows import random_text
from events.views import entry_rows
from events.views.entries import EntryWriter

# templates/events/_event.html and _statement.html as they were before the entries were written in Python.
EVENT_TEMPLATE = Template(
    """{% load article_text %}
<article class="entry entry-event" id="event-{{ event.pk }}" data-date="{{ event.date_from|date:'Y-m-d' }}">
  <p class="entry-meta">
    <span class="date">{{ event.date_label }}</span>
    <span class="entry-kind">Event</span>
    <span class="cameo" title="CAMEO event type">{{ event.event_type.code }} {{ event.event_type.label }}</span>
    <span class="status status-{{ event.review_status }}">{{ event.get_review_status_display }}</span>
    {% if request.user.is_staff %}<a class="edit-link" href="{% url 'admin:events_event_change' event.pk %}">Edit in admin<span class="visually-hidden">: {{ event.title }}</span></a>{% endif %}
  </p>
  <h3 class="entry-title"><a href="{% url 'events:event' event.pk %}">{{ event.title }}</a></h3>
  {% with participants=event.participants.all %}{% if participants %}
  <ul class="participants" aria-label="Actors">
    {% for participant in participants %}<li><a href="{{ participant.actor.get_absolute_url }}">{{ participant.actor.name }}</a> <span class="role">{{ participant.get_role_display }}</span></li>{% endfor %}
  </ul>
  {% endif %}{% endwith %}
  {% if event.summary %}<p class="summary">{{ event.summary }}</p>{% endif %}
  {% if event.location or event.fatalities is not None %}
  <p class="facts">{% if event.location %}<span>Location: {{ event.location }}</span>{% endif %}{% if event.fatalities is not None %} <span>Fatalities reported: {{ event.fatalities }}</span>{% endif %}</p>
  {% endif %}
  {% with sources=event.sources.all %}{% if sources %}
  <div class="sources">
    <p class="sources-heading">Source{{ sources|length|pluralize }}</p>
    <ul>
      {% for source in sources %}
      <li>
        <a href="{% url 'events:article' source.article_id %}#source-{{ source.pk }}">{{ source.article.outlet.name|default:"Unknown outlet" }}</a>{% if source.article.outlet.kind == "state_media" %} <span class="flag flag-state-media">state media</span>{% endif %}:
        <q>{{ source.quote|show_controls|truncatechars:160 }}</q>{% if source.reported_date %} <span class="discrepancy">(the article says {{ source.reported_date_label }})</span>{% endif %}
      </li>
      {% endfor %}
    </ul>
  </div>
  {% endif %}{% endwith %}
</article>
"""
)
STATEMENT_TEMPLATE = Template(
    """{% load article_text %}
<article class="entry entry-statement" id="statement-{{ statement.pk }}" data-date="{{ statement.date_from|date:'Y-m-d' }}">
  <p class="entry-meta">
    <span class="date">{{ statement.date_label }}</span>{% if statement.reported_date %} <span class="discrepancy">(the article says {{ statement.reported_date_label }})</span>{% endif %}
    <span class="entry-kind">Statement</span>
    <span class="cameo" title="CAMEO code {{ statement.cameo.code }}">{{ statement.cameo.code }} {{ statement.cameo.label }}</span>
    <span class="status status-{{ statement.review_status }}">{{ statement.get_review_status_display }}</span>
    {% if request.user.is_staff %}<a class="edit-link" href="{% url 'admin:events_statement_change' statement.pk %}">Edit in admin<span class="visually-hidden">: statement by {{ statement.speaker.name }}</span></a>{% endif %}
  </p>
  <h3 class="entry-title speaker"><a href="{{ statement.speaker.get_absolute_url }}">{{ statement.speaker.name }}</a>{% if statement.speaker.role %}<span class="speaker-role">, {{ statement.speaker.role }}</span>{% endif %}</h3>
  {% if statement.kind == "reported" %}
  <p class="paraphrase">{{ statement.quote|show_controls }}</p>
  {% else %}
  <blockquote class="quote" cite="{% url 'events:article' statement.article_id %}#statement-{{ statement.pk }}"><p>{% if statement.quote|slice:":1" == "“" %}{{ statement.quote|show_controls }}{% else %}“{{ statement.quote|show_controls }}”{% endif %}</p></blockquote>
  {% endif %}
  <p class="facts">
    <span class="kind">{{ statement.get_kind_display|capfirst }}</span>{% if statement.medium != "unspecified" or statement.medium_detail %} · <span class="medium">{% if statement.medium_detail %}{{ statement.medium_detail }}{% else %}{{ statement.get_medium_display }}{% endif %}</span>{% endif %}
    {% with targets=statement.targets.all %}{% if targets %} · to or about {% for target in targets %}<a href="{{ target.get_absolute_url }}">{{ target.name }}</a>{% if not forloop.last %}, {% endif %}{% endfor %}{% endif %}{% endwith %}
  </p>
  {% if statement.summary %}<p class="summary">{{ statement.summary }}</p>{% endif %}
  <p class="source">
    <a href="{% url 'events:article' statement.article_id %}#statement-{{ statement.pk }}">Read it in the article</a>:
    {{ statement.article.outlet.name|default:"unknown outlet" }}{% if statement.article.outlet.kind == "state_media" %} <span class="flag flag-state-media">state media</span>{% endif %}{% if statement.article.published_on %}, {{ statement.article.published_on|date:"j F Y" }}{% else %}, <span class="flag">undated</span>{% endif %}
  </p>
</article>
"""
)


def awkward(rng: random.Random) -> str:
    text = random_text(rng, rng.randint(0, 30))
    return rng.choice(["", "“", "\u202e", "<b>", "a & b", "'"]) + text + rng.choice(["", "\u2066", "”"])


@pytest.fixture(params=[3, 17])
def records(request, db):
    """A random corpus of 60 events with their statements, some relations emptied in the database."""
    seed = request.param
    call_command("generate_corpus", "--events", "60", "--seed", str(seed), "--actors", "30", stdout=StringIO())
    rng = random.Random(seed)
    events = list(Event.objects.values_list("pk", flat=True))
    EventParticipant.objects.filter(event__in=rng.sample(events, 15)).delete()
    EventSource.objects.filter(event__in=rng.sample(events, 15)).delete()
    statements = list(Statement.objects.values_list("pk", flat=True))
    Statement.targets.through.objects.filter(statement__in=rng.sample(statements, len(statements) // 3)).delete()
    Article.objects.filter(pk__in=rng.sample(list(Article.objects.values_list("pk", flat=True)), 5)).update(outlet=None)
    return rng


def shuffle_event(event: Event, rng: random.Random) -> None:
    """Awkward values in the fields the entry shows (in memory: the database's checks would refuse some)."""
    event.title, event.summary, event.location = awkward(rng), awkward(rng), awkward(rng)
    event.fatalities = rng.choice([None, 0, 1, 12345])
    event.review_status = rng.choice(["draft", "verified", "rejected", "odd<&>"])
    event.event_type.label = awkward(rng)
    for participant in event.participants.all():
        participant.actor.name = awkward(rng)
        participant.role = rng.choice([*EventParticipant.Role.values, "odd<&>"])
    for source in event.sources.all():
        source.quote = awkward(rng) * rng.choice([1, 8])
        source.reported_date = rng.choice([None, dt.date(2022, 8, 4)])
        source.reported_precision = rng.choice(["day", "month", ""])
        if source.article.outlet is not None:
            source.article.outlet.name = rng.choice(["", awkward(rng)])
            source.article.outlet.kind = rng.choice(Outlet.Kind.values)


def shuffle_statement(statement: Statement, rng: random.Random) -> None:
    statement.quote, statement.summary, statement.medium_detail = awkward(rng), awkward(rng), rng.choice(["", "on X"])
    statement.kind = rng.choice([*Statement.Kind.values, "odd<&>"])
    statement.medium = rng.choice([*Statement.Medium.values, "odd"])
    statement.review_status = rng.choice(["draft", "verified", "rejected"])
    statement.reported_date = rng.choice([None, dt.date(2022, 8, 4)])
    statement.reported_precision = rng.choice(["day", "month"])
    statement.speaker.name, statement.speaker.role = awkward(rng), rng.choice(["", awkward(rng)])
    statement.cameo.label = awkward(rng)
    statement.article.published_on = rng.choice([None, dt.date(2023, 9, 19), dt.date(2020, 1, 5)])
    if statement.article.outlet is not None:
        statement.article.outlet.kind = rng.choice(Outlet.Kind.values)
    for target in statement.targets.all():
        target.name = awkward(rng)


@pytest.mark.parametrize("staff", [False, True])
def test_an_entry_is_the_bytes_its_template_wrote(records, staff):
    rng = records
    writer = EntryWriter(staff=staff)
    request = SimpleNamespace(user=SimpleNamespace(is_staff=staff))
    events = list(Event.objects.for_timeline().order_by("pk"))
    statements = list(Statement.objects.for_timeline().order_by("pk"))
    assert events and statements
    for event in events:
        shuffle_event(event, rng)
        assert writer.event(event) == EVENT_TEMPLATE.render(Context({"event": event, "request": request}))
    for statement in statements:
        shuffle_statement(statement, rng)
        assert writer.statement(statement) == STATEMENT_TEMPLATE.render(
            Context({"statement": statement, "request": request})
        )


@pytest.mark.parametrize("staff", [False, True])
def test_an_entry_read_as_rows_is_the_bytes_of_its_model(records, staff, django_assert_num_queries):
    """The timeline page reads its entries as plain rows (events/views/entry_rows.py): the writer
    gives the same bytes from them as from the models' list shape, in five queries for a page."""
    writer = EntryWriter(staff=staff)
    events = list(Event.objects.for_timeline().order_by("pk"))
    statements = list(Statement.objects.for_timeline().order_by("pk"))
    keys = [Key(e.date_from, EVENT, e.pk) for e in events] + [Key(s.date_from, STATEMENT, s.pk) for s in statements]
    records.shuffle(keys)
    # events, participants, sources, statements, targets
    with django_assert_num_queries(5):
        entries = entry_rows.entries(keys)
    assert [(entry.kind, entry.obj.pk) for entry in entries] == [(key.kind, key.id) for key in keys]
    models = {EVENT: {e.pk: e for e in events}, STATEMENT: {s.pk: s for s in statements}}
    for entry in entries:
        model = models[entry.kind][entry.obj.pk]
        assert (entry.obj.escalation_id, entry.obj.date_from) == (model.escalation_id, model.date_from)
        write = writer.event if entry.kind == EVENT else writer.statement
        assert write(entry.obj) == write(model)
    # A few at a time, as a page reads them (the padded id lists), and a record that is gone.
    for size in (1, 3, 25):
        page = [*keys[:size], Key(dt.date(2020, 1, 1), EVENT, 10**9)]
        assert [entry.obj.pk for entry in entry_rows.entries(page)] == [key.id for key in keys[:size]]
