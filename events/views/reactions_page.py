"""The reactions page: who said what kind of thing in which escalation."""

from __future__ import annotations

import heapq
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe

from events.filters import StatementFilter
from events.models import (
    Actor,
    Escalation,
    ReactionCount,
    Statement,
)
from events.views.reaction_table import (
    MATRIX_MARK,
    REACTION_KINDS,
    ReactionGroup,
    ReactionTable,
    group_of,
    tally,
    with_matrix,
)
from events.views.timeline_page import ESCALATIONS, EXPORT_FORMATS
from events.visibility import ANY, default_review, effective_review, shown_label
from events.visibility import CHOICES as REVIEW_CHOICES

# Speakers (rows) of the reactions matrix, the busiest first; `?all=1` shows every one.
REACTION_ROWS = 150


# The statement filters the reactions page takes, to reach the speakers past REACTION_ROWS.
REACTION_FILTERS = ("speaker", "speaker_country", "review_status")


# Those the counts the database keeps (ReactionCount, events/counts.py) answer: it has the
# statements' `speaker` relation. Any other filter counts the statements themselves.
REACTION_COUNTED_FILTERS = ("speaker", "speaker_country")


def reactions(request):
    """Who said what kind of thing in which escalation: speakers × escalations, counts per kind.

    Two aggregate queries (statements per speaker; then, for the speakers shown, per
    speaker, escalation and CAMEO family) and two small lookups (the escalations; the
    speakers and the actors they are affiliated to). The aggregates read the counts the
    database keeps (ReactionCount: index-only scans of events_reactioncount_key) for the
    filters it answers, else the statements (events_statement_reactions). The
    REACTION_ROWS busiest speakers are shown; the others through `?all=1`, or
    `speaker`/`speaker_country` (the statement list's filters, validated by
    StatementFilter), which narrow the aggregate itself.
    """
    params = {name: value for name in REACTION_FILTERS if (value := request.GET.get(name, "").strip())}
    filterset = StatementFilter(params, queryset=Statement.objects.attributed(), request=request)
    if not filterset.is_valid():
        errors = {name: list(messages) for name, messages in filterset.errors.items()}
        context = {"errors": errors, "params": params, "matrix": "", "columns": [], "kinds": []}
        return render(request, "events/reactions.html", context, status=400)
    escalations = ESCALATIONS.all()
    # The kept counts are per review status: one status's rows, or every status's summed ("any").
    review = effective_review(filterset)
    if set(params) - {"review_status"} <= set(REACTION_COUNTED_FILTERS):
        counted = ReactionCount.objects.all() if review == ANY else ReactionCount.objects.filter(review_status=review)
        for name in set(params) - {"review_status"}:  # the statements' filters, on the counts' `speaker` relation
            counted = filterset.filters[name].filter(counted, filterset.form.cleaned_data[name])
    else:
        counted = filterset.qs
    # Statements per speaker, to choose the busiest; then the cells of those speakers only: at
    # 10^6 statements the one aggregate over every speaker gave 392,242 rows to tally for the
    # 150 shown (bench/RESULTS.md). Ties go to the lower id, so the choice does not depend on
    # the order the database returns them in.
    per_speaker = dict(counted.statements_per_speaker())
    # The busiest speakers, unless all are asked for: a matrix of thousands of rows is read by nobody.
    show_all = request.GET.get("all") == "1"
    if show_all:
        speaker_ids = set(per_speaker)
    else:
        busiest = heapq.nsmallest(REACTION_ROWS, per_speaker.items(), key=lambda item: (-item[1], item[0]))
        speaker_ids = {speaker for speaker, _ in busiest}
    shown = counted if show_all else counted.filter(speaker__in=speaker_ids)
    counts = shown.per_speaker_escalation_and_family() if speaker_ids else []
    fields = ("pk", "slug", "name", "kind", "country", "role", "affiliation_id")
    actors = Actor.objects.only(*fields) if show_all else Actor.objects.only(*fields).and_affiliations(speaker_ids)
    actors = {actor.pk: actor for actor in actors} if speaker_ids else {}
    columns: list[Escalation | None] = [*escalations]
    if any(escalation is None for _, escalation, _, _ in counts):
        columns.append(None)

    cells = tally(counts)

    # The links' query strings as urlencode() writes them, each part encoded once.
    timeline_url = reverse("events:timeline")
    after_code = {
        escalation.pk if escalation else None: f"&{urlencode({'escalation': escalation.slug})}" if escalation else ""
        for escalation in columns
    }
    table = ReactionTable(columns, after_code)
    groups: dict[str, ReactionGroup] = {}
    country_names: dict[str, str] = {}
    for speaker in sorted(speaker_ids, key=lambda pk: actors[pk].name.casefold()):
        actor = actors[speaker]
        row = table.row(actor, f"{timeline_url}?{urlencode({'speaker': actor.slug})}&code=", cells.get(speaker, {}))
        key, title = group_of(actor, actors, country_names)
        groups.setdefault(key, ReactionGroup(key, title)).rows.append(row)
    ordered = sorted(groups.values(), key=lambda group: (group.key == "other", group.title.casefold()))
    used = {kind for by_column in cells.values() for cell in by_column.values() for kind in cell}
    context = {
        "columns": columns,
        # The rows are bytes put in the rendered page where the template prints the mark (with_matrix).
        "matrix": mark_safe(MATRIX_MARK) if ordered else "",
        "params": params,
        "errors": {},
        "hidden_speakers": len(per_speaker) - len(speaker_ids),
        "shown_speakers": len(speaker_ids),
        "kinds": [kind for position, kind in enumerate(REACTION_KINDS) if position in used],
        "export_links": [(label, f"/api/statements/?format={fmt}") for fmt, label in EXPORT_FORMATS],
        # The page says which statements it counts (public: verified), with the menu to change it.
        "review_shown": shown_label(review),
        "review_statuses": REVIEW_CHOICES,
        "review_default": "Every status (you curate)" if default_review(request) == ANY else "Verified only",
    }
    return with_matrix(render(request, "events/reactions.html", context), table.html(ordered))
