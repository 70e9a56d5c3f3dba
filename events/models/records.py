"""What statements and events share: a review status, a dated period, and spans of articles."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from events.models.base import ReviewStatus
from events.models.versioning import set_review_status
from events.search import SearchQuerySet

if TYPE_CHECKING:
    from events.models.articles import Article


def span_errors(article: Article | None, start: int | None, end: int | None, quote: str) -> dict[str, str]:
    """clean() helper shared by Statement and EventSource: the span must cut the quote out of the body."""
    if article is None or start is None or end is None:
        return {}
    if start < 0 or end <= start:
        return {"end": f"the span {start}–{end} is empty or reversed"}
    length = len(article.body)
    if end > length:
        return {"end": f"the span {start}–{end} ends past the article body ({length} characters)"}
    actual = article.body[start:end]
    if quote and actual != quote:
        return {"quote": f"the article text at {start}–{end} is {actual!r}, not {quote!r}"}
    return {}


class TimelineRecordQuerySet(SearchQuerySet):
    """What statements and events share: a review status and a dated period (date_from/date_to)."""

    def verified(self):
        return self.filter(review_status=ReviewStatus.VERIFIED)

    def mark_verified(self) -> int:
        return set_review_status(self, ReviewStatus.VERIFIED)

    def mark_rejected(self) -> int:
        return set_review_status(self, ReviewStatus.REJECTED)

    def overlapping(self, start: dt.date | None, end: dt.date | None):
        """Records whose whole period (at its precision) overlaps [start, end]; either bound may be open."""
        qs = self
        if start:
            qs = qs.filter(date_to__gte=start)
        if end:
            qs = qs.filter(date_from__lte=end)
        return qs
