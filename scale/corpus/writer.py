"""Writing the corpus's rows: articles, events with participants and sources, statements whose
spans cut their quotes out of the bodies, drawn as tuples batch by batch."""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from events.ingest import dates as fuzzy
from events.models import (
    Actor,
    Article,
    Event,
    EventParticipant,
    EventSource,
    Statement,
)
from scale.corpus.cast import Body, Cast, CastBuilder, capitalise, date_phrase, period_start
from scale.corpus.vocabulary import (
    CITIES,
    EVENT_KIND_CHOICE,
    EVENT_PRECISIONS,
    FILLER,
    FIRST_DAY,
    HEADLINES,
    LAST_DAY,
    MEDIA,
    PARAPHRASES,
    PARTIALS,
    PLACES,
    PREFIX,
    QUOTES,
    RECAP_LEADS,
    REVIEW_STATUSES,
    STATEMENT_KINDS,
    STATEMENT_PRECISIONS,
    STATEMENT_ROOTS,
    TERMS,
    EventKind,
    Weighted,
    zipf,
)

if TYPE_CHECKING:
    from scale.corpus.generate import CorpusSpec


@dataclass
class Window:
    start: dt.date
    end: dt.date
    escalation_id: int


@dataclass
class _DraftEvent:
    """An event drawn but not yet written: what later sentences about it need."""

    id: int
    kind: EventKind
    day: dt.date  # the day it happened (its stored start may be coarser)
    start: dt.date
    precision: str
    a: Cast
    b: Cast
    loc: str
    city: str
    fatalities: int | None
    escalation_id: int | None


#: The columns each generated row gives, in order, per bulk-loaded table (model field attnames).
#: Rows are plain tuples: a model instance per row, and Django preparing its values, cost more
#: than drawing the row. The model's other columns get their defaults (`BulkLoader`).
ROWS = {
    "articles": (
        "id", "source_ref", "title", "caption", "body", "sha256", "outlet_id", "url", "published_on", "file_name",
    ),
    "events": (
        "id", "slug", "title", "summary", "event_type_id", "start_date", "start_precision", "end_date",
        "end_precision", "ongoing", "location", "escalation_id", "fatalities", "review_status", "date_from", "date_to",
    ),
    "participants": ("event_id", "actor_id", "role"),
    "sources": (
        "ref", "event_id", "article_id", "start", "end", "quote", "date_phrase", "reported_date", "reported_precision",
    ),
    "statements": (
        "id", "ref", "article_id", "speaker_id", "kind", "quote", "start", "end", "cameo_id", "medium",
        "medium_detail", "said_on", "said_on_precision", "reported_date", "reported_precision", "date_phrase",
        "escalation_id", "review_status", "date_from", "date_to",
    ),
    "targets": ("statement_id", "actor_id"),
}  # fmt: skip


#: Load order: articles first, because the span triggers read the body each Statement and
#: EventSource points into; then each table before the tables that refer to it.
MODELS = {
    "articles": Article,
    "events": Event,
    "participants": EventParticipant,
    "sources": EventSource,
    "statements": Statement,
    "targets": Statement.targets.through,
}


@dataclass
class Batch:
    """The rows of one batch of articles and what they report, as tuples in the order of ROWS."""

    articles: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    participants: list[tuple] = field(default_factory=list)
    sources: list[tuple] = field(default_factory=list)
    statements: list[tuple] = field(default_factory=list)
    targets: list[tuple] = field(default_factory=list)

    def counts(self) -> Counter:
        return Counter(
            articles=len(self.articles),
            events=len(self.events),
            participants=len(self.participants),
            sources=len(self.sources),
            statements=len(self.statements),
            **{"statement targets": len(self.targets)},
        )


class CorpusWriter:
    """Draws articles with their events and statements, one article at a time, from one seeded stream."""

    def __init__(
        self,
        spec: CorpusSpec,
        rng: random.Random,
        cast: CastBuilder,
        *,
        outlets: Sequence[int],
        windows: Sequence[Window],
        codes: dict[str, list[str]],
        next_ids: dict[str, int],
    ):
        self.spec = spec
        self.rng = rng
        self.cast = cast
        self.outlets = list(outlets)
        self.windows = sorted(windows, key=lambda w: w.start)
        self.window_starts = [w.start for w in self.windows]
        self.codes = codes
        self.ids = dict(next_ids)
        self.serial = Counter()
        self.now = timezone.now()
        self.previous: list[_DraftEvent] = []
        self.escalation_choice = (
            Weighted([(w, max((w.end - w.start).days, 7) ** 0.5) for w in self.windows]) if self.windows else None
        )
        az, am = cast.states.get("AZ"), cast.states.get("AM")
        # The fighting is between the two states and armed groups on their sides.
        sides = [(az, 40), (am, 40)] + zipf(
            [g for g in cast.groups if g.state_id in (getattr(az, "id", None), getattr(am, "id", None))], 20
        )
        self.belligerents = [c for c in (az, am) if c is not None]
        self.fighters = Weighted([(c, w) for c, w in sides if c is not None])
        others = [c for code, c in cast.states.items() if code not in ("AZ", "AM")]
        self.diplomats = Weighted(
            [(c, w) for c, w in [(az, 22), (am, 22)] if c is not None] + zipf(others, 40) + zipf(cast.orgs, 16)
        )
        self.mediators = Weighted(
            zipf([cast.states[c] for c in ("RU", "US", "FR", "TR", "IR") if c in cast.states], 60) + zipf(cast.orgs, 40)
        )
        self.crowds = Weighted(zipf(cast.populations, 1) or [(az, 1)])
        speakers: dict[int | None, list[Cast]] = {}
        for c in cast.casts.values():
            if c.kind in (Actor.Kind.PERSON, Actor.Kind.GOVERNMENT_BODY, Actor.Kind.INTERNATIONAL_ORG):
                speakers.setdefault(c.state_id, []).append(c)
        # Within a country a few speakers dominate, as spokespeople and ministers do.
        self.speakers_of = {state: Weighted(zipf(people, 1, 1.0)) for state, people in speakers.items()}
        self.anyone = Weighted(zipf([c for people in speakers.values() for c in people], 1, 0.7))

    def _next(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def _serial(self, name: str) -> int:
        self.serial[name] += 1
        return self.serial[name]

    # Dates

    def _draw_anchor(self) -> tuple[dt.date, int | None]:
        rng = self.rng
        if self.escalation_choice is not None and rng.random() < 0.55:
            window = self.escalation_choice.pick(rng)
            span = max((min(window.end, LAST_DAY) - window.start).days, 0)
            return window.start + dt.timedelta(days=rng.randint(0, span)), window.escalation_id
        return FIRST_DAY + dt.timedelta(days=rng.randint(0, (LAST_DAY - FIRST_DAY).days)), None

    def _escalation_of(self, day: dt.date) -> int | None:
        # The escalations do not overlap (the synthetic ones are drawn in the gaps): one look suffices.
        index = bisect_right(self.window_starts, day) - 1
        if index >= 0 and day <= self.windows[index].end:
            return self.windows[index].escalation_id
        return None

    # One article and everything it reports

    def article(self, batch: Batch) -> int:
        """Draw one article, its events and their statements into `batch`; returns the number of events."""
        rng, spec = self.rng, self.spec
        serial = self._serial("article")
        anchor, _ = self._draw_anchor()
        n_events = max(
            1,
            min(
                spec.events - self.serial["event"],
                rng.randint(max(1, spec.events_per_article - 2), spec.events_per_article + 2),
            ),
        )
        drafts = [self._draw_event(anchor) for _ in range(n_events)]
        published = max(d.day for d in drafts) + dt.timedelta(days=rng.randint(0, 2)) if rng.random() > 0.01 else None
        article_id = self._next("article")
        body = Body()
        lead = drafts[0]
        title = capitalise(lead.kind.titles[0].format(loc=lead.loc, city=lead.city, a=lead.a.name, b=lead.b.name))
        headline = rng.choice(HEADLINES).format(title=title, title_lower=title[:1].lower() + title[1:])
        caption = f"Synthetic report {serial}: file photo, {rng.choice(PLACES)}."
        body.add(f"{headline}\n\n{caption}\n\n\n")
        target_size = rng.randint(2000, 5000)
        paragraphs = 0
        for draft in drafts:
            if paragraphs:
                body.add("\n\n")
            self._write_event(draft, article_id, published, body, batch)
            paragraphs += 1
            for _ in range(rng.randint(0, 2 * spec.statements_per_event)):
                body.add("\n\n")
                self._write_statement(draft, article_id, published, body, batch)
        for earlier in self.previous:
            if rng.random() < 0.15:
                body.add("\n\n" + rng.choice(RECAP_LEADS))
                self._write_source(earlier, article_id, published, body, batch)
        while body.length < target_size:
            body.add(
                "\n\n"
                + " ".join(rng.choice(FILLER) for _ in range(rng.randint(2, 4))).format(
                    loc=rng.choice(PLACES), city=rng.choice(CITIES)
                )
            )
        text = body.text()
        outlet = (
            self.outlets[min(int(rng.random() ** 2 * len(self.outlets)), len(self.outlets) - 1)]
            if self.outlets
            else None
        )
        batch.articles.append(
            (
                article_id,
                f"{PREFIX}article-{serial:07d}.txt",
                headline,
                caption,
                text,
                Article.hash_text(text),
                outlet,
                f"https://synthetic.example/articles/{serial}",
                published,
                f"{PREFIX}article-{serial:07d}.txt",
            )
        )
        self.previous = drafts
        return n_events

    def _draw_event(self, anchor: dt.date) -> _DraftEvent:
        rng = self.rng
        kind = EVENT_KIND_CHOICE.pick(rng)
        day = min(max(anchor - dt.timedelta(days=rng.randint(0, 6)), FIRST_DAY), LAST_DAY)
        precision = EVENT_PRECISIONS.pick(rng)
        if kind.talks or kind.root in ("16", "13", "07"):
            a = self.diplomats.pick(rng)
            # Most diplomacy involves one of the two sides; some is between third parties.
            sides = [c for c in self.belligerents if c.id != a.id]
            b = rng.choice(sides) if sides and rng.random() < 0.7 else self._other(self.diplomats, a)
        elif kind.root == "14":
            a, b = self.crowds.pick(rng), self.diplomats.pick(rng)
        else:
            a = self.fighters.pick(rng)
            b = self._other(self.fighters, a)
        fatalities = None
        if kind.deadly and rng.random() < 0.4:
            fatalities = int(rng.paretovariate(1.2)) if rng.random() < 0.9 else rng.randint(20, 400)
        return _DraftEvent(
            id=self._next("event"),
            kind=kind,
            day=day,
            start=period_start(day, precision),
            precision=precision,
            a=a,
            b=b,
            loc=rng.choice(PLACES),
            city=rng.choice(CITIES),
            fatalities=fatalities,
            escalation_id=self._escalation_of(day) if rng.random() < 0.95 else None,
        )

    def _other(self, pool: Weighted[Cast], first: Cast) -> Cast:
        for _ in range(10):
            second = pool.pick(self.rng)
            if second.id != first.id:
                return second
        return next(c for c in pool.items if c.id != first.id)

    def _event_sentence(self, draft: _DraftEvent, published: dt.date | None) -> str:
        kind, rng = draft.kind, self.rng
        when = date_phrase(draft.start, draft.precision, published)
        if draft.fatalities is None:
            toll = rng.choice(("with no casualties reported", "and the extent of the damage was unclear"))
        else:
            toll = f"and {draft.fatalities} {'person was' if draft.fatalities == 1 else 'people were'} reported killed"
        a, b = (
            (draft.a.name, draft.b.name)
            if kind.talks or kind.root in ("16", "13", "07", "14")
            else (draft.a.side(), draft.b.side())
        )
        return capitalise(
            rng.choice(kind.sentences).format(A=a, B=b, loc=draft.loc, city=draft.city, when=when, toll=toll)
        )

    def _write_event(
        self, draft: _DraftEvent, article_id: int, published: dt.date | None, body: Body, batch: Batch
    ) -> None:
        rng, kind = self.rng, draft.kind
        serial = self._serial("event")
        end = end_precision = None
        if draft.precision == fuzzy.DAY and rng.random() < 0.25:
            end, end_precision = draft.start + dt.timedelta(days=rng.randint(1, 20)), fuzzy.DAY
        elif draft.precision == fuzzy.MONTH and rng.random() < 0.2:
            end, end_precision = (
                period_start(draft.start + dt.timedelta(days=31 * rng.randint(1, 3)), fuzzy.MONTH),
                fuzzy.MONTH,
            )
        date_from, date_to = fuzzy.range_bounds(draft.start, draft.precision, end, end_precision)
        sentence = self._write_source(draft, article_id, published, body, batch, first=True)
        title = capitalise(
            rng.choice(kind.titles).format(loc=draft.loc, city=draft.city, a=draft.a.name, b=draft.b.name)
        )
        # In the order of ROWS["events"]; the draws happen in this order too (the seed fixes them).
        batch.events.append(
            (
                draft.id,
                f"{PREFIX}event-{serial}",
                title,
                sentence,
                rng.choice(self.codes[kind.root]),
                draft.start,
                draft.precision,
                end,
                end_precision or "",
                end is None and draft.start.year >= 2025 and rng.random() < 0.05,
                draft.city if kind.root == "14" else draft.loc,
                draft.escalation_id,
                draft.fatalities,
                REVIEW_STATUSES.pick(rng),
                date_from,
                date_to,
            )
        )
        talks = kind.talks
        roles = [
            (draft.a, EventParticipant.Role.PARTICIPANT if talks else EventParticipant.Role.INITIATOR),
            (draft.b, EventParticipant.Role.PARTICIPANT if talks else EventParticipant.Role.TARGET),
        ]
        if rng.random() < (0.4 if talks else 0.12):
            mediator = self.mediators.pick(rng)
            if mediator.id not in (draft.a.id, draft.b.id):
                roles.append((mediator, EventParticipant.Role.MEDIATOR))
        for actor, role in roles:
            batch.participants.append((draft.id, actor.id, role))

    def _write_source(
        self,
        draft: _DraftEvent,
        article_id: int,
        published: dt.date | None,
        body: Body,
        batch: Batch,
        *,
        first: bool = False,
    ) -> str:
        rng = self.rng
        sentence = self._event_sentence(draft, published)
        start, end = body.add(sentence)
        reported = reported_precision = None
        if first and draft.precision == fuzzy.DAY and rng.random() < 0.05:
            # The source dates it a day off: what it says is kept apart from what is known.
            reported, reported_precision = draft.start + dt.timedelta(days=rng.choice((-1, 1))), fuzzy.DAY
        batch.sources.append(
            (
                f"{PREFIX}source-{self._serial('source')}",
                draft.id,
                article_id,
                start,
                end,
                sentence,
                date_phrase(draft.start, draft.precision, published),
                reported,
                reported_precision or "",
            )
        )
        return sentence

    def _write_statement(
        self, draft: _DraftEvent, article_id: int, published: dt.date | None, body: Body, batch: Batch
    ) -> None:
        rng = self.rng
        parties = [draft.a, draft.b]
        side = rng.choice(parties)
        home = self.speakers_of.get(side.state_id) if rng.random() < 0.6 else None
        speaker = (home or self.anyone).pick(rng)
        others = [p for p in parties if p.state_id != speaker.state_id or p.state_id is None]
        targets = others[: 1 if rng.random() < 0.85 else 2] if rng.random() < 0.7 else []
        t = targets[0].name if targets else "the other side"
        root = STATEMENT_ROOTS.pick(rng)
        kind = STATEMENT_KINDS.pick(rng)
        if kind == Statement.Kind.PARTIAL_QUOTE and root not in PARTIALS:
            kind = Statement.Kind.DIRECT_QUOTE
        if kind == Statement.Kind.TERM and root not in ("01", "11", "12", "13"):
            kind = Statement.Kind.REPORTED
        precision = STATEMENT_PRECISIONS.pick(rng)
        said_on = None
        if precision is not None:
            said_on = period_start(min(draft.day + dt.timedelta(days=rng.randint(0, 2)), LAST_DAY), precision)
        when = date_phrase(said_on, precision or fuzzy.DAY, published)
        when = f" {when}" if when else ""
        medium, medium_phrase = MEDIA.pick(rng)
        how = f" {medium_phrase}" if medium_phrase else ""
        who = speaker.as_speaker(rng)

        slots = {"t": t, "loc": draft.loc}
        quote, start, end = self._write_words(body, kind, root, slots, who=who, when=when, how=how)
        date_from = date_to = reported = None
        if said_on is not None:
            date_from, date_to = fuzzy.period_bounds(said_on, precision)
            if precision == fuzzy.DAY and rng.random() < 0.04:
                reported = said_on + dt.timedelta(days=1)
        statement_id = self._next("statement")
        batch.statements.append(
            (
                statement_id,
                f"{PREFIX}statement-{self._serial('statement')}",
                article_id,
                speaker.id,
                kind,
                quote,
                start,
                end,
                rng.choice(self.codes[root]),
                medium,
                medium_phrase,
                said_on,
                precision or fuzzy.DAY,
                reported,
                fuzzy.DAY if reported else "",
                when.strip(),
                draft.escalation_id,
                REVIEW_STATUSES.pick(rng),
                date_from,
                date_to,
            )
        )
        for target in targets:
            if target.id != speaker.id:
                batch.targets.append((statement_id, target.id))

    def _write_words(
        self, body: Body, kind: str, root: str, slots: dict, *, who: str, when: str, how: str
    ) -> tuple[str, int, int]:
        """Write the sentence that carries a statement's words into `body`: its words and their span."""
        rng = self.rng
        who_first = capitalise(who)  # at the start of a sentence
        if kind == Statement.Kind.DIRECT_QUOTE:
            quote = rng.choice(QUOTES[root]).format(**slots)
            if rng.random() < 0.5:
                body.add("“")
                start, end = body.add(quote)
                body.add(f",” {who} said{when}{how}.")
            else:
                body.add(f"{who_first} said{when}{how}: “")
                start, end = body.add(quote)
                body.add(".”")
        elif kind == Statement.Kind.PARTIAL_QUOTE:
            before, quote, after = rng.choice(PARTIALS[root])
            body.add(f"{who_first} said{when}{how} {before.format(**slots)}“")
            start, end = body.add(quote)
            body.add(f"”{after.format(**slots)}.")
        elif kind == Statement.Kind.REPORTED:
            quote = rng.choice(PARAPHRASES[root]).format(**slots)
            body.add(f"{who_first} said{when}{how} that ")
            start, end = body.add(quote)
            body.add(".")
        else:
            body.add(f"{who_first} described the events near {slots['loc']} as “")
            quote = rng.choice(TERMS)
            start, end = body.add(quote)
            body.add(f"”{when}.")
        return quote, start, end
