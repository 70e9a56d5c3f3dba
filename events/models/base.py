"""What every model of the domain shares: the date precisions and review statuses, the text
policy every text column follows, and natural keys for fixtures."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models

from events.ingest import dates as fuzzy
from events.ingest.text import text_problem


class DatePrecision(models.TextChoices):
    DAY = fuzzy.DAY, "day"
    MONTH = fuzzy.MONTH, "month"
    SEASON = fuzzy.SEASON, "season"
    YEAR = fuzzy.YEAR, "year"
    APPROXIMATE = fuzzy.APPROXIMATE, "approximate (around this day)"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "draft"
    VERIFIED = "verified", "verified"
    REJECTED = "rejected", "rejected"


def precision_error(field: str, value: dt.date | None, precision: str | None) -> dict[str, str]:
    """clean() helper: the message for a date that does not fit its precision, or nothing."""
    if value is None or not precision:
        return {}
    try:
        fuzzy.check_fits(value, precision)
    except fuzzy.PrecisionError as error:
        return {field: str(error)}
    return {}


class CleanTextMixin:
    """Every text column follows one policy (events/ingest/text.py): no control characters, and no
    bidirectional controls outside an article's own words (`article_text_fields`, kept verbatim).

    Checked in clean_fields(), so the admin's forms, the API (full_clean()) and the importers
    refuse such text with the field's name; raw ORM writes (fixtures, migrations) are not checked.
    """

    #: Columns holding an article's own words, verbatim: bidirectional controls are kept there.
    article_text_fields: tuple[str, ...] = ()

    def clean_fields(self, exclude=None):
        try:
            super().clean_fields(exclude=exclude)
            errors = {}
        except ValidationError as error:
            errors = error.error_dict
        for field in self._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField) or field.name in (exclude or ()):
                continue
            value = getattr(self, field.attname)
            article_text = field.name in self.article_text_fields
            problem = isinstance(value, str) and text_problem(value, article_text=article_text)
            if problem and field.name not in errors:
                errors[field.name] = [ValidationError(problem, code="text")]
        if errors:
            raise ValidationError(errors)


class NaturalKeyManager(models.Manager):
    """get_by_natural_key from the lookups that make up a model's natural key, in order."""

    def __init__(self, *lookups: str):
        super().__init__()
        self.lookups = lookups

    def get_by_natural_key(self, *values):
        return self.get(**dict(zip(self.lookups, values, strict=True)))
