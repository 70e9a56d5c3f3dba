"""The entries of the timeline and of the actor page (an event, a statement), written as HTML here.

Written in Python rather than by an included template per entry: a page of 25 entries went through
two `{% include %}`s, ~70 `{% url %}`s and `get_absolute_url()`s and ~600 variable lookups, half
of the timeline page's rendering (bench/RESULTS.md, issue 19). What is the same for every entry is
worked out once per page: the URLs around an id (one reverse() per kind of link), the labels of the
choices, whether the reader may edit. The bytes are those the templates wrote
(events/tests/test_entries_html.py renders both on random records).
"""

from __future__ import annotations

import functools
import unicodedata
from html import escape

from django.urls import reverse
from django.utils import dateformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import get_language

from events.api.timeline import EVENT
from events.ingest.text import show_controls
from events.models import Event, EventParticipant, Outlet, ReviewStatus, Statement

# A primary key no URL pattern's text contains: where reverse() put it, another id goes.
_PK = 918273645

STATE_MEDIA = Outlet.Kind.STATE_MEDIA

# A source's quote is cut to this many characters on the timeline (the article shows it whole).
QUOTE_CHARS = 160


def id_url(viewname: str) -> tuple[str, str]:
    """The URL of `viewname` for one id as (before the id, after it), escaped for an attribute."""
    before, after = reverse(viewname, args=[_PK]).split(str(_PK))
    return escape(before), escape(after)


def _labels(choices) -> dict[str, str]:
    return {value: escape(str(label)) for value, label in choices}


REVIEW_LABELS = _labels(ReviewStatus.choices)
ROLE_LABELS = _labels(EventParticipant.Role.choices)
KIND_LABELS = {value: escape(capfirst(str(label))) for value, label in Statement.Kind.choices}
MEDIUM_LABELS = _labels(Statement.Medium.choices)


def _cut(text: str, length: int = QUOTE_CHARS) -> str:
    """Truncator(text).chars(length), which gives back the text NFC-normalized when it is not longer:
    most quotes are not, and Truncator counts their characters one by one."""
    normalized = unicodedata.normalize("NFC", text)
    return normalized if len(normalized) <= length else Truncator(text).chars(length)


@functools.lru_cache(maxsize=4096)
def _day_month_year(day, language: str | None) -> str:
    """dateformat.format(day, "j F Y") in `language` (the month's name is translated), escaped."""
    return escape(dateformat.format(day, "j F Y"))


def _label(labels: dict[str, str], value: str) -> str:
    """A choice's label, escaped; an unknown value as itself (as get_FOO_display() gives it)."""
    found = labels.get(value)
    return found if found is not None else escape(str(value))


def _outlet(article, default: str) -> tuple[str, bool]:
    """An article's outlet name (escaped; `default` without one) and whether it is state media."""
    outlet = article.outlet
    if outlet is None:
        return default, False
    return escape(outlet.name) if outlet.name else default, outlet.kind == STATE_MEDIA


STATE_MEDIA_FLAG = ' <span class="flag flag-state-media">state media</span>'


class EntryWriter:
    """Writes the HTML of timeline entries for one page: `staff` shows the admin's edit links."""

    def __init__(self, *, staff: bool):
        self.staff = staff
        self.event_url = id_url("events:event")
        self.actor_url = id_url("events:actor")
        self.article_url = id_url("events:article")
        self.event_admin_url = id_url("admin:events_event_change") if staff else None
        self.statement_admin_url = id_url("admin:events_statement_change") if staff else None

    def _edit_link(self, url: tuple[str, str] | None, pk: int, what: str) -> str:
        """A curator's link to the record in the admin (nothing for a reader); `what` is escaped."""
        if not self.staff:
            return ""
        before, after = url
        return (
            f'<a class="edit-link" href="{before}{pk}{after}">Edit in admin'
            f'<span class="visually-hidden">: {what}</span></a>'
        )

    def _actor_link(self, actor) -> str:
        before, after = self.actor_url
        return f'<a href="{before}{actor.pk}{after}">{escape(actor.name)}</a>'

    def list_items(self, entries, after: str = "", before: str = "") -> SafeString:
        """A `<li>` per entry, each between `before` and `after` (the list's indentation). `entries`:
        the timeline's (events/api/timeline.py's Entry), or statements."""
        parts = []
        for entry in entries:
            if isinstance(entry, Statement):
                html = self.statement(entry)
            else:
                html = self.event(entry.obj) if entry.kind == EVENT else self.statement(entry.obj)
            parts.append(f"{before}<li>{html}</li>{after}")
        return mark_safe("".join(parts))  # noqa: S308 (every value in it is escaped)

    def event(self, event: Event) -> str:
        pk = event.pk
        title = escape(event.title)
        edit = self._edit_link(self.event_admin_url, pk, title)
        event_type = event.event_type
        date = event.date_from.isoformat() if event.date_from is not None else ""
        before, after = self.event_url
        parts = [
            f'\n<article class="entry entry-event" id="event-{pk}" data-date="{date}">\n'
            '  <p class="entry-meta">\n'
            f'    <span class="date">{escape(event.date_label)}</span>\n'
            '    <span class="entry-kind">Event</span>\n'
            '    <span class="cameo" title="CAMEO event type">'
            f"{escape(event_type.code)} {escape(event_type.label)}</span>\n"
            f'    <span class="status status-{escape(event.review_status)}">'
            f"{_label(REVIEW_LABELS, event.review_status)}</span>\n"
            f"    {edit}\n"
            "  </p>\n"
            f'  <h3 class="entry-title"><a href="{before}{pk}{after}">{title}</a></h3>\n'
            "  "
        ]
        if participants := event.participants.all():
            parts.append('\n  <ul class="participants" aria-label="Actors">\n    ')
            parts += [
                f"<li>{self._actor_link(participant.actor)} "
                f'<span class="role">{_label(ROLE_LABELS, participant.role)}</span></li>'
                for participant in participants
            ]
            parts.append("\n  </ul>\n  ")
        parts.append("\n  ")
        if event.summary:
            parts.append(f'<p class="summary">{escape(event.summary)}</p>')
        parts.append("\n  ")
        if event.location or event.fatalities is not None:
            location = f"<span>Location: {escape(event.location)}</span>" if event.location else ""
            fatalities = (
                f" <span>Fatalities reported: {event.fatalities}</span>" if event.fatalities is not None else ""
            )
            parts.append(f'\n  <p class="facts">{location}{fatalities}</p>\n  ')
        parts.append("\n  ")
        if sources := event.sources.all():
            before, after = self.article_url
            parts.append(
                '\n  <div class="sources">\n'
                f'    <p class="sources-heading">Source{"" if len(sources) == 1 else "s"}</p>\n'
                "    <ul>\n      "
            )
            for source in sources:
                outlet, state_media = _outlet(source.article, "Unknown outlet")
                quote = escape(_cut(show_controls(source.quote)))
                reported = (
                    f' <span class="discrepancy">(the article says {escape(source.reported_date_label)})</span>'
                    if source.reported_date
                    else ""
                )
                parts.append(
                    "\n      <li>\n"
                    f'        <a href="{before}{source.article_id}{after}#source-{source.pk}">{outlet}</a>'
                    f"{STATE_MEDIA_FLAG if state_media else ''}:\n"
                    f"        <q>{quote}</q>{reported}\n"
                    "      </li>\n      "
                )
            parts.append("\n    </ul>\n  </div>\n  ")
        parts.append("\n</article>\n")
        return "".join(parts)

    def statement(self, statement: Statement) -> str:
        pk = statement.pk
        speaker = statement.speaker
        edit = self._edit_link(self.statement_admin_url, pk, f"statement by {escape(speaker.name)}")
        reported = (
            f' <span class="discrepancy">(the article says {escape(statement.reported_date_label)})</span>'
            if statement.reported_date
            else ""
        )
        cameo = statement.cameo
        code = escape(cameo.code)
        role = f'<span class="speaker-role">, {escape(speaker.role)}</span>' if speaker.role else ""
        date = statement.date_from.isoformat() if statement.date_from is not None else ""
        before, after = self.article_url
        article_link = f"{before}{statement.article_id}{after}#statement-{pk}"
        quote = escape(show_controls(statement.quote))
        if statement.kind == Statement.Kind.REPORTED:
            said = f'\n  <p class="paraphrase">{quote}</p>\n  '
        else:
            quoted = quote if statement.quote[:1] == "“" else f"“{quote}”"
            said = f'\n  <blockquote class="quote" cite="{article_link}"><p>{quoted}</p></blockquote>\n  '
        kind = KIND_LABELS.get(statement.kind) or escape(capfirst(statement.kind))
        medium = ""
        if statement.medium != Statement.Medium.UNSPECIFIED or statement.medium_detail:
            detail = (
                escape(statement.medium_detail) if statement.medium_detail else _label(MEDIUM_LABELS, statement.medium)
            )
            medium = f' · <span class="medium">{detail}</span>'
        targets = statement.targets.all()
        about = (" · to or about " + ", ".join(self._actor_link(target) for target in targets)) if targets else ""
        summary = f'<p class="summary">{escape(statement.summary)}</p>' if statement.summary else ""
        outlet, state_media = _outlet(statement.article, "unknown outlet")
        published_on = statement.article.published_on
        published = (
            f", {_day_month_year(published_on, get_language())}"
            if published_on
            else ', <span class="flag">undated</span>'
        )
        return (
            f'\n<article class="entry entry-statement" id="statement-{pk}" data-date="{date}">\n'
            '  <p class="entry-meta">\n'
            f'    <span class="date">{escape(statement.date_label)}</span>{reported}\n'
            '    <span class="entry-kind">Statement</span>\n'
            f'    <span class="cameo" title="CAMEO code {code}">{code} {escape(cameo.label)}</span>\n'
            f'    <span class="status status-{escape(statement.review_status)}">'
            f"{_label(REVIEW_LABELS, statement.review_status)}</span>\n"
            f"    {edit}\n"
            "  </p>\n"
            f'  <h3 class="entry-title speaker">{self._actor_link(speaker)}{role}</h3>\n'
            f"  {said}\n"
            '  <p class="facts">\n'
            f'    <span class="kind">{kind}</span>{medium}\n'
            f"    {about}\n"
            "  </p>\n"
            f"  {summary}\n"
            '  <p class="source">\n'
            f'    <a href="{article_link}">Read it in the article</a>:\n'
            f"    {outlet}{STATE_MEDIA_FLAG if state_media else ''}{published}\n"
            "  </p>\n"
            "</article>\n"
        )
