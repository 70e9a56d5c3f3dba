"""Score an extraction against gold records given as plain dicts.

The gold comes as dicts so that a caller can build it from anything: the curated
fixtures in a test, or the verified rows in the database in a management command.

- statements: {"start", "end", "speaker", "kind", "date", "precision"}; only the
  quotation kinds (direct, partial) count, since a reported position has no quotation
  marks to find. "speaker" is an actor key; "date"/"precision" are what the article
  says (a curator's reported_date when it differs from the known date).
- mentions: {"start", "end", "actor"}.
- dates: {"value", "precision"} plus either {"start", "end"} or {"phrase"}.

Scores: quotation spans (exact start and end), speakers (span and speaker both right),
statement dates (span, value and precision), actor mentions (span and actor), date phrases
(span or phrase, value and precision). Precision counts what the extractor claimed:
an unattributed quotation claims no speaker.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from events.ingest.records import DIRECT, PARTIAL, Extraction

QUOTATION_KINDS = frozenset({DIRECT, PARTIAL})


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 from matched, predicted and gold counts, with what differed."""

    matched: int
    predicted: int
    gold: int
    missed: tuple[Hashable, ...] = field(default=(), compare=False)
    spurious: tuple[Hashable, ...] = field(default=(), compare=False)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __str__(self) -> str:
        counts = f"{self.matched}/{self.predicted} predicted, {self.gold} gold"
        return f"P {self.precision:.2f} R {self.recall:.2f} F1 {self.f1:.2f} ({counts})"


def score(predicted: Iterable[Hashable], gold: Iterable[Hashable]) -> Score:
    """Compare two multisets of comparable items."""
    p, g = Counter(predicted), Counter(gold)
    matched = sum((p & g).values())
    return Score(matched, sum(p.values()), sum(g.values()), tuple((g - p).elements()), tuple((p - g).elements()))


def _date(value: Any) -> str | None:
    if value in (None, ""):
        return None
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def evaluate_extraction(
    extraction: Extraction,
    *,
    statements: Sequence[Mapping[str, Any]] = (),
    mentions: Sequence[Mapping[str, Any]] | None = None,
    dates: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Score]:
    """Scores by name: quotations, speakers, statement_dates, and mentions/dates when gold is given."""
    gold_quotes = [s for s in statements if s.get("kind", DIRECT) in QUOTATION_KINDS]
    ours = [s for s in extraction.statements if s.kind in QUOTATION_KINDS]
    results = {
        "quotations": score(((s.start, s.end) for s in ours), ((g["start"], g["end"]) for g in gold_quotes)),
        "speakers": score(
            ((s.start, s.end, s.speaker.actor_key) for s in ours if s.speaker and s.speaker.actor_key),
            ((g["start"], g["end"], g["speaker"]) for g in gold_quotes),
        ),
        "statement_dates": score(
            ((s.start, s.end, _date(s.date), s.precision) for s in ours if s.date),
            ((g["start"], g["end"], _date(g.get("date")), g.get("precision")) for g in gold_quotes if g.get("date")),
        ),
    }
    if mentions is not None:
        results["mentions"] = score(
            ((m.start, m.end, m.actor_key) for m in extraction.mentions if m.known),
            ((g["start"], g["end"], g["actor"]) for g in mentions),
        )
    if dates is not None:
        by_span = all("start" in g for g in dates)
        results["dates"] = score(
            (_date_key(d.start, d.end, d.phrase, d.value, d.precision, by_span) for d in extraction.dates),
            (
                _date_key(g.get("start"), g.get("end"), g.get("phrase", ""), g["value"], g["precision"], by_span)
                for g in dates
            ),
        )
    return results


def _date_key(start, end, phrase: str, value: Any, precision: str, by_span: bool) -> tuple:
    where = (start, end) if by_span else phrase.strip().lower()
    return where, _date(value), precision
