"""Shared test data: small make_* helpers, and the real seeds imported once per test."""

from __future__ import annotations

import datetime as dt
import itertools
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command

from events.models import (
    Actor,
    Article,
    CameoCode,
    Escalation,
    Event,
    EventParticipant,
    EventSource,
    Outlet,
    Statement,
)

_counter = itertools.count(1)

SAMPLE_BODY = (
    "Ministers meet after border clash\n\n"
    "Delegates at the table\n\n\n"
    "Foreign Minister Ana Example said on Monday that “both sides must stop firing now.”\n\n"
    "The two armies exchanged fire near the border overnight, officials said."
)


@pytest.fixture
def cameo(db):
    """The CAMEO codes the helpers use, created on demand (the full codebook is a fixture)."""

    def get(code: str, label: str = "") -> CameoCode:
        obj, _ = CameoCode.objects.get_or_create(code=code, defaults={"label": label or f"code {code}"})
        if len(code) > 2:
            CameoCode.objects.get_or_create(code=code[:2], defaults={"label": f"root {code[:2]}"})
        return obj

    return get


@pytest.fixture
def make_outlet(db):
    def make(**overrides) -> Outlet:
        n = next(_counter)
        fields = {"slug": f"outlet-{n}", "name": f"Outlet {n}", "kind": Outlet.Kind.NEWSPAPER} | overrides
        return Outlet.objects.create(**fields)

    return make


@pytest.fixture
def make_article(db, make_outlet):
    def make(body: str = SAMPLE_BODY, **overrides) -> Article:
        n = next(_counter)
        fields = {
            "source_ref": f"article-{n}.txt",
            "title": body.split("\n", 1)[0],
            "body": body,
            "sha256": Article.hash_text(body),
            "published_on": dt.date(2022, 8, 4),
        } | overrides
        if "outlet" not in fields:
            fields["outlet"] = make_outlet()
        return Article.objects.create(**fields)

    return make


@pytest.fixture
def make_actor(db):
    def make(**overrides) -> Actor:
        n = next(_counter)
        fields = {"slug": f"actor-{n}", "name": f"Actor {n}", "kind": Actor.Kind.PERSON} | overrides
        return Actor.objects.create(**fields)

    return make


@pytest.fixture
def make_escalation(db):
    def make(**overrides) -> Escalation:
        n = next(_counter)
        fields = {
            "slug": f"escalation-{n}",
            "name": f"Escalation {n}",
            "start_date": dt.date(2022, 8, 1),
            "end_date": dt.date(2022, 8, 31),
        } | overrides
        return Escalation.objects.create(**fields)

    return make


@pytest.fixture
def make_statement(db, make_article, make_actor, cameo):
    def make(quote: str = "both sides must stop firing now.", **overrides) -> Statement:
        article = overrides.pop("article", None) or make_article()
        start = article.body.index(quote)
        fields = {
            "ref": f"statement-{next(_counter)}",
            "article": article,
            # speaker=None: a "speaker needed" draft.
            "speaker": overrides.pop("speaker") if "speaker" in overrides else make_actor(),
            "quote": quote,
            "start": start,
            "end": start + len(quote),
            "cameo": cameo("0256", "Appeal for de-escalation of military engagement"),
            "said_on": dt.date(2022, 8, 1),
        } | overrides
        return Statement.objects.create(**fields)

    return make


@pytest.fixture
def make_event(db, cameo):
    def make(actors=(), sources=(), **overrides) -> Event:
        """actors: (actor, role) pairs; sources: (article, quote) pairs."""
        fields = {
            "slug": f"event-{next(_counter)}",
            "title": "Exchange of fire at the border",
            "event_type": cameo("190", "Use conventional military force- not specified below"),
            "start_date": dt.date(2022, 8, 1),
        } | overrides
        event = Event.objects.create(**fields)
        for actor, role in actors:
            EventParticipant.objects.create(event=event, actor=actor, role=role)
        for article, quote in sources:
            start = article.body.index(quote)
            EventSource.objects.create(
                ref=f"source-{next(_counter)}",
                event=event,
                article=article,
                start=start,
                end=start + len(quote),
                quote=quote,
            )
        return event

    return make


@pytest.fixture
def seeded(db):
    """The real seeds and curated fixtures, imported the way `manage.py import_seeds` does."""
    out = StringIO()
    call_command("import_seeds", stdout=out, stderr=StringIO())
    return out.getvalue()


# The REST API (test_api*.py, test_exports*.py) ------------------------------------------


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def new_article(make_article):
    """make_article with SAMPLE_BODY plus a paragraph of its own: two articles never share a sha256."""

    def make(**overrides):
        return make_article(body=f"{SAMPLE_BODY}\n\nParagraph {next(_counter)}.", **overrides)

    return make


@pytest.fixture
def new_statement(make_statement, new_article):
    """make_statement, each on its own article unless one is given."""

    def make(**overrides):
        overrides.setdefault("article", new_article())
        return make_statement(**overrides)

    return make


@pytest.fixture
def curator(django_user_model):
    """Logged in with add/change/delete on every events model (what the curators group grants)."""
    user = django_user_model.objects.create_user("curator", password="curator-password-1")
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="events", codename__regex=r"^(add|change|delete)_")
    )
    return user


@pytest.fixture
def curator_api(curator):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(curator)
    return client
