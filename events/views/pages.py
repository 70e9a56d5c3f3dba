"""The reader's pages of one record: an article with its spans highlighted, an actor."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, F
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.safestring import mark_safe

from events.highlight import HighlightSpan, highlight, tips
from events.ingest.gazetteer import Gazetteer
from events.models import (
    Actor,
    Article,
    Event,
    EventSource,
    Outlet,
    Statement,
)
from events.views.entries import EntryWriter
from events.views.places import place_spans
from events.views.timeline_page import ESCALATIONS, EXPORT_FORMATS

# Entries listed on an actor page per list; the rest is on its filtered timeline.
ACTOR_PAGE_ROWS = 200


# The article page -------------------------------------------------------------------------


def actor_gazetteer() -> Gazetteer:
    """Every actor with its aliases, in one query (a LEFT JOIN row per alias)."""
    actors: dict[int, tuple[str, str, list[str]]] = {}
    for pk, name, kind, alias in Actor.objects.values_list("pk", "name", "kind", "aliases__name").order_by("pk"):
        entry = actors.setdefault(pk, (name, kind, []))
        if alias:
            entry[2].append(alias)
    return Gazetteer.from_entries((str(pk), name, kind, aliases) for pk, (name, kind, aliases) in actors.items())


def article_spans(article: Article, statements, sources, mentions=()) -> list[HighlightSpan]:
    """The highlights of an article body: statements, event sources and actor mentions."""
    spans = [
        HighlightSpan(
            start=statement.start,
            end=statement.end,
            anchor=f"statement-{statement.pk}",
            css_class=f"span-statement review-{statement.review_status}",
            title=f"{statement.speaker.name}: {statement.get_kind_display()}, {statement.get_review_status_display()}",
        )
        for statement in statements
    ]
    spans += [
        HighlightSpan(
            start=source.start,
            end=source.end,
            anchor=f"source-{source.pk}",
            css_class=f"span-source review-{source.event.review_status}",
            title=f"Source for the event “{source.event.title}”, {source.event.get_review_status_display()}",
        )
        for source in sources
    ]
    spans += [
        HighlightSpan(
            start=mention.start,
            end=mention.end,
            anchor=f"mention-{n}",
            css_class="span-mention",
            title=f"Mention of {mention.name} ({Actor.Kind(mention.kind).label})",
            href=reverse("events:actor", args=[int(mention.actor_key)]),
        )
        for n, mention in enumerate(mentions, start=1)
    ]
    return spans


def article_detail(request, pk):
    article = get_object_or_404(Article.objects.select_related("outlet", "republished_by"), pk=pk)
    # A draft with no speaker yet is nobody's statement: it waits in the review queue.
    statements = list(article.statements.attributed().select_related("speaker", "cameo").order_by("start", "end", "id"))
    sources = list(
        EventSource.objects.filter(article=article)
        .select_related("event__event_type", "event__escalation")
        .order_by("start", "end", "id")
    )
    mentions = actor_gazetteer().find_mentions(article.body) if article.body else []
    spans = article_spans(article, statements, sources, mentions) + place_spans(article.body)
    context = {
        "article": article,
        # Safe HTML: highlight() and tips() escape every text piece and attribute.
        "body_html": mark_safe(highlight(article.body, spans)) if article.body else "",  # noqa: S308
        "tips_html": mark_safe(tips(spans)),  # noqa: S308
        "statements": statements,
        "sources": sources,
        "mention_count": len(mentions),
        "state_media": Outlet.Kind.STATE_MEDIA,
        "export_links": [
            (label, f"/api/statements/?{urlencode({'article': article.pk, 'format': fmt})}")
            for fmt, label in EXPORT_FORMATS
        ],
    }
    return render(request, "events/article.html", context)


# The actor page ---------------------------------------------------------------------------


def actor_detail(request, pk):
    actor = get_object_or_404(Actor.objects.select_related("affiliation"), pk=pk)
    escalations = ESCALATIONS.all()
    statement_counts = dict(
        Statement.objects.filter(speaker=actor).order_by().values_list("escalation").annotate(n=Count("id"))
    )
    event_counts = dict(
        Event.objects.filter(pk__in=actor.participations.values("event"))
        .order_by()
        .values_list("escalation")
        .annotate(n=Count("id"))
    )
    per_escalation = [
        (escalation, statement_counts.get(escalation.pk, 0), event_counts.get(escalation.pk, 0))
        for escalation in escalations
    ]
    if statement_counts.get(None) or event_counts.get(None):
        per_escalation.append((None, statement_counts.get(None, 0), event_counts.get(None, 0)))
    statements = list(Statement.objects.for_timeline().filter(speaker=actor)[: ACTOR_PAGE_ROWS + 1])
    participations = list(
        actor.participations.select_related("event__event_type", "event__escalation").order_by(
            "event__date_from", "event__id", "role"
        )[: ACTOR_PAGE_ROWS + 1]
    )
    statements_about = list(Statement.objects.for_timeline().filter(targets=actor)[:ACTOR_PAGE_ROWS])
    timeline_url = f"{reverse('events:timeline')}?{urlencode({'actor': actor.slug})}"
    writer = EntryWriter(staff=request.user.is_staff)
    context = {
        "actor": actor,
        "aliases": actor.aliases.order_by("name"),
        # Offices held, latest first (an open end is the current one).
        "tenures": actor.tenures.select_related("organisation").order_by(F("start").desc(nulls_last=True), "title"),
        "members": actor.members.order_by("name"),
        "per_escalation": per_escalation,
        "statement_total": sum(statement_counts.values()),
        "event_total": sum(event_counts.values()),
        "statements": statements[:ACTOR_PAGE_ROWS],
        "statements_html": writer.list_items(statements[:ACTOR_PAGE_ROWS], "\n      "),
        "more_statements": len(statements) > ACTOR_PAGE_ROWS,
        "statements_about": statements_about,
        "statements_about_html": writer.list_items(statements_about),
        "participations": participations[:ACTOR_PAGE_ROWS],
        "more_participations": len(participations) > ACTOR_PAGE_ROWS,
        "timeline_url": timeline_url,
        "export_links": [
            (label, f"/api/timeline/?{urlencode({'actor': actor.slug, 'format': fmt})}")
            for fmt, label in EXPORT_FORMATS
        ],
    }
    return render(request, "events/actor.html", context)
