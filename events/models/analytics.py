"""The analytics summary tables: counts kept by database triggers (events/counts.py), read by the
timeline's chart and bands and by the reactions page. Never written by the application."""

from __future__ import annotations

import datetime as dt

from django.db import connections, models
from django.db.models import Q
from django.db.models.functions import NullIf

from events import counts
from events.models.actors import Actor
from events.models.base import ReviewStatus


def unconverted_rows(rows: models.QuerySet) -> list[tuple]:
    """The rows of a `values_list` query as the database driver gives them, without the ORM's
    converters (a function call per row and converted column): for the counts' many-row
    GROUP BYs of integers and text, whose values need none (dates, on SQLite, do)."""
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class Undeclared(models.Func):
    """A column's values without its declared type. On SQLite (unary `+`, a no-op on any value)
    the driver then gives a date column's ISO text instead of converting each row's value by
    Django's registered converter (a Python call per row); elsewhere the column itself."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra)


class DayCountQuerySet(models.QuerySet):
    def grouped(
        self,
        *columns: str,
        actor: int | None = None,
        escalations=None,
        date_from=None,
        date_to=None,
        review_status: str | None = None,
    ):
        """[(kind rank, value of each of `columns`..., n)]: the records counted, as a GROUP BY would count them.

        kind rank: 0 events, 1 statements. `columns` are "escalation" and/or "date_from"
        (None for a record without one, as the records' own columns). The records are
        those involving `actor` (every record without one), in `escalations` (ids, None
        for "no escalation"; every escalation without), whose period overlaps
        [date_from, date_to] as the date filters read it, of `review_status` (every status
        without one: the sum of their rows).
        """
        rows = self.filter(actor_id=actor or counts.EVERY_RECORD)
        if review_status is not None:
            rows = rows.filter(review_status=review_status)
        if escalations is not None:
            rows = rows.filter(escalation_id__in=[counts.NO_ESCALATION if e is None else e for e in escalations])
        undated = dt.date.fromisoformat(counts.UNDATED)
        if date_from is not None or date_to is not None:
            rows = rows.exclude(date_from=undated)  # a date range never keeps an undated record
        if date_from is not None:
            rows = rows.filter(date_to__gte=date_from)
        if date_to is not None:
            rows = rows.filter(date_from__lte=date_to)
        if "date_from" in columns:
            # The days as the database gives them (Undeclared), converted below column-wise by
            # date.fromisoformat: 7,654 rows for the chart of 10^5 events; SQLite also groups and
            # orders them faster than by the declared column (bench/RESULTS.md, issue 19).
            rows = rows.annotate(day=Undeclared("date_from", output_field=models.DateField()))
        names = [{"escalation": "escalation_id", "date_from": "day"}[column] for column in columns]
        grouped = rows.values_list("kind", *names).annotate(total=models.Sum("n")).filter(total__gt=0)
        # The rows as the database gives them, each value read by one small function, not by the
        # ORM's converters: the chart's query gives a row per day (7,654 at 10^5 events), and
        # converting them cost more than the query itself (bench/RESULTS.md, issue 19).
        fetched = unconverted_rows(grouped.order_by("kind", *names))
        if not fetched:
            return []
        # Column by column: the sentinels back to None (no escalation, undated); SQLite's dates
        # come as their ISO text (Undeclared), PostgreSQL's as dates.
        kinds, *columns, totals = zip(*fetched, strict=True)
        for position, name in enumerate(names):
            sentinel = counts.NO_ESCALATION if name == "escalation_id" else undated
            column = columns[position]
            if isinstance(column[0], str):
                column = list(map(dt.date.fromisoformat, column))
            columns[position] = [None if value == sentinel else value for value in column]
        return list(zip(kinds, *columns, totals, strict=True))


class DayCount(models.Model):
    """How many events or statements have this escalation, period and review status, overall or involving an actor.

    Kept by database triggers (events/counts.py says how and why): rows are added, a count
    is the sum of its key's rows. Never written by the application. No foreign keys:
    actor_id 0 is every record, escalation_id 0 no escalation.
    """

    kind = models.PositiveSmallIntegerField(choices=[(counts.EVENT, "event"), (counts.STATEMENT, "statement")])
    escalation_id = models.BigIntegerField()
    actor_id = models.BigIntegerField()
    date_from = models.DateField()
    date_to = models.DateField()
    review_status = models.CharField(max_length=10, choices=ReviewStatus, help_text="The records' review status.")
    n = models.IntegerField(help_text="Records added (+) or taken away (-); a count is the sum of its key's rows.")
    merged = models.BooleanField(default=False, help_text="Folded from the key's earlier rows by counts.compact().")

    objects = DayCountQuerySet.as_manager()

    class Meta:
        indexes = [
            # The timeline's reads: one actor (or 0), an escalation range, a date range. With n
            # in it, they read the index only (at 10^6 events on PostgreSQL, Azerbaijan's 6,446
            # rows of one escalation: 2.5 ms; 49 ms reading them from the table).
            # The review status is read from the index too: a reader's (verified) counts, or all
            # of them summed for a curator's "any".
            models.Index(
                fields=["actor_id", "escalation_id", "date_from", "date_to", "kind", "review_status", "n"],
                name="events_daycount_key",
            ),
            # counts.compact(): the keys written to since it last ran.
            models.Index(
                fields=["actor_id", "escalation_id", "date_from", "date_to", "kind", "review_status"],
                condition=Q(merged=False),
                name="events_daycount_unmerged",
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} {self.escalation_id} {self.actor_id} {self.date_from} "
            f"{self.review_status}: {self.n}"
        )


class ReactionCountQuerySet(models.QuerySet):
    """The same answers as StatementQuerySet's methods of the same names, from the counts.

    Filter the rows by `speaker` (and `speaker__country`) as the statements would be:
    StatementFilter's speaker filters apply to both.
    """

    def statements_per_speaker(self) -> list[tuple[int, int]]:
        totals = self.filter(family=counts.EVERY_FAMILY).order_by().values_list("speaker")
        return unconverted_rows(totals.annotate(total=models.Sum("n")).filter(total__gt=0))

    def per_speaker_escalation_and_family(self) -> list[tuple[int, int | None, str, int]]:
        rows = self.exclude(family=counts.EVERY_FAMILY).order_by()
        # "No escalation" back to NULL by the database: a pass over 16,897 rows in Python at 10^6.
        escalation = NullIf("escalation_id", models.Value(counts.NO_ESCALATION))
        rows = rows.annotate(escalation=escalation).values_list("speaker", "escalation", "family")
        return unconverted_rows(rows.annotate(total=models.Sum("n")).filter(total__gt=0))


class ReactionCount(models.Model):
    """How many statements of a review status a speaker made in an escalation in a CAMEO family (the
    reactions page's cells).

    Kept by database triggers on events_statement, added to as DayCount is (events/counts.py):
    a count is the sum of its key's rows. Never written by the application. escalation_id 0 is
    no escalation; family "" (counts.EVERY_FAMILY, escalation 0) is the speaker's total. The
    speaker is a relation without a database constraint: the rows of an actor merged away stay
    (summing to 0) until they are folded, after the actor is deleted.
    """

    speaker = models.ForeignKey(
        Actor, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="reaction_counts"
    )
    escalation_id = models.BigIntegerField()
    family = models.CharField(
        max_length=3, blank=True, help_text="The CAMEO code's first two digits, or 112 (accusation); empty: every one."
    )
    review_status = models.CharField(max_length=10, choices=ReviewStatus, help_text="The statements' review status.")
    n = models.IntegerField(help_text="Statements added (+) or taken away (-); a count is the sum of its key's rows.")
    merged = models.BooleanField(default=False, help_text="Folded from the key's earlier rows by counts.compact().")

    objects = ReactionCountQuerySet.as_manager()

    class Meta:
        indexes = [
            # The reactions page: statements per speaker (every speaker), then the cells of
            # the speakers shown, from the index alone (n is in it).
            models.Index(
                fields=["speaker", "escalation_id", "family", "review_status", "n"], name="events_reactioncount_key"
            ),
            # Statements per speaker, to choose the busiest: their totals only.
            models.Index(
                fields=["speaker", "review_status", "n"],
                condition=Q(family=counts.EVERY_FAMILY),
                name="events_reactioncount_total",
            ),
            # counts.compact(): the keys written to since it last ran.
            models.Index(
                fields=["speaker", "escalation_id", "family", "review_status"],
                condition=Q(merged=False),
                name="events_reactioncount_unmerged",
            ),
        ]

    def __str__(self):
        return f"{self.speaker_id} {self.escalation_id} {self.family} {self.review_status}: {self.n}"
