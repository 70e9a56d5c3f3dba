"""Curated records' versions and history: optimistic concurrency (VersionedModel, VersionConflict),
bulk writes that keep both (update_with_history), and history that keeps many-to-many rows."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from simple_history.models import HistoricalRecords

from events.models.base import CleanTextMixin

# Rows per UPDATE of update_with_history(): well under SQLite's limit on query parameters.
BULK_BATCH = 500


def set_review_status(queryset: models.QuerySet, status: str) -> int:
    """Give every record of `queryset` the review status `status`; returns how many changed.

    Each change moves the record to its next version and is recorded in its history (the
    curator comes from the history middleware), so a bulk verify in the admin is as
    traceable as an edit, and a form opened before it cannot silently undo it.
    """
    changing = queryset.exclude(review_status=status)
    return update_with_history(changing, reason=f"marked {status}", review_status=status)


def update_with_history(queryset: models.QuerySet, *, reason: str, **values) -> int:
    """Set `values` on every record of `queryset` (a versioned model with history); returns how many.

    One UPDATE per batch writes the values, `updated_at` and `version = version + 1`, so a
    concurrent edit is neither lost nor able to overwrite this change unnoticed (its
    conditional UPDATE finds the version moved); then each change goes into the history with
    the user from the history middleware. update() alone would skip both the history and
    auto_now.
    """
    model = queryset.model
    manager = model._default_manager
    count = 0
    with transaction.atomic():
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BULK_BATCH):
            batch = ids[start : start + BULK_BATCH]
            # Lock the rows (PostgreSQL; SQLite's IMMEDIATE transaction already holds the write
            # lock), then apply the queryset's conditions again: a writer we waited for may have
            # changed them.
            list(manager.select_for_update().filter(pk__in=batch).order_by("pk").values_list("pk", flat=True))
            batch = list(queryset.filter(pk__in=batch).values_list("pk", flat=True))
            if not batch:
                continue
            manager.filter(pk__in=batch).update(**values, version=F("version") + 1, updated_at=timezone.now())
            written = list(manager.filter(pk__in=batch).order_by("pk"))
            model.history.bulk_history_create(written, update=True, default_change_reason=reason)
            count += len(written)
    return count


class VersionConflict(Exception):
    """A write based on version `expected` of a record that has changed (or gone) since.

    Raised by VersionedModel.check_version() and by the conditional UPDATE of
    VersionedModel.save(); the API answers it with 409 or 412, the admin with a form error.
    """

    def __init__(self, record: models.Model, expected: int, current: int | None, by: str, at: dt.datetime | None):
        self.record, self.expected, self.current, self.changed_by, self.changed_at = record, expected, current, by, at
        super().__init__(self.message)

    @classmethod
    def of(cls, record: VersionedModel, expected: int) -> VersionConflict:
        """The conflict of a write based on `expected`, with who changed the record last and when."""
        stored = type(record)._default_manager.filter(pk=record.pk).values_list("version", "updated_at").first()
        if stored is None:
            return cls(record, expected, None, "", None)
        current, at = stored
        by = ""
        history = getattr(type(record), "history", None)
        if history is not None:
            last = history.filter(**{record._meta.pk.attname: record.pk}).select_related("history_user").first()
            if last is not None:
                at = last.history_date
                by = last.history_user.get_username() if last.history_user else ""
        return cls(record, expected, current, by, at)

    @property
    def when(self) -> str:
        if self.changed_at is None:
            return "an unknown time"
        return timezone.localtime(self.changed_at).strftime("%Y-%m-%d %H:%M:%S %Z")

    @property
    def who(self) -> str:
        return self.changed_by or "someone (no user recorded)"

    @property
    def message(self) -> str:
        """For API clients: what changed, and how to go on."""
        name = f"{str(self.record._meta.verbose_name).capitalize()} {self.record.pk}"
        if self.current is None:
            return f"{name} was deleted after version {self.expected}."
        return (
            f"{name} changed since version {self.expected}: it is at version {self.current}, "
            f"last changed by {self.who} at {self.when}. Read it again, re-apply your change and "
            f'send If-Match: "{self.current}".'
        )

    @property
    def form_message(self) -> str:
        """For a curator in the admin."""
        if self.current is None:
            return f"This {self.record._meta.verbose_name} was deleted after you opened it; nothing was saved."
        return (
            f"This {self.record._meta.verbose_name} was changed by {self.who} at {self.when} after you "
            f"opened it (you opened version {self.expected}, it is now at version {self.current}); "
            "reload to see their change. Nothing was saved."
        )


class VersionedModel(CleanTextMixin, models.Model):
    """Optimistic concurrency: a version number that every save moves on by one.

    Updating an existing row is a conditional UPDATE ... WHERE id = %s AND version = %s
    (the version the instance was read at, or the one check_version() was given): if
    another writer got there first it updates no row and save() raises VersionConflict,
    so two curators editing the same record never overwrite each other silently. Bulk
    writers go through update_with_history(), which moves the versions on as well.
    """

    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Moves on by one with every change: the record's ETag."
    )
    #: Columns save() derives from others: written with them when save() gets update_fields.
    derived_fields: tuple[str, ...] = ()
    # The version the save in progress expects to find (None: no save, or an insert).
    _saving_from_version: int | None = None

    class Meta:
        abstract = True

    @classmethod
    def lock(cls, pk) -> None:
        """Lock row `pk` until the transaction ends, so what is read next is what a write edits.

        PostgreSQL: SELECT ... FOR UPDATE (a concurrent writer waits). SQLite has no row
        locks: its IMMEDIATE transactions (settings.py) already hold the database's write lock.
        """
        if not transaction.get_connection().in_atomic_block:
            return
        try:
            list(cls._default_manager.select_for_update().filter(pk=pk).values_list("pk", flat=True))
        except (ValueError, TypeError, ValidationError):
            pass  # not an id at all: the lookup that follows answers "not found"

    def stored_version(self) -> int | None:
        """The version of the stored row (None if it is gone), locked until the transaction ends."""
        rows = type(self)._default_manager.filter(pk=self.pk)
        if transaction.get_connection().in_atomic_block:
            rows = rows.select_for_update()
        return rows.values_list("version", flat=True).first()

    def check_version(self, expected: int | None) -> None:
        """Make the next save() an edit of version `expected`, or raise VersionConflict now.

        `expected` None (the client named no version) means an edit of whatever is stored now.
        Inside a transaction the row stays locked until it ends, so the save that follows
        cannot meet a conflict it was not told about here.
        """
        current = self.stored_version()
        if current is None or (expected is not None and current != expected):
            raise VersionConflict.of(self, self.version if expected is None else expected)
        self.version = current

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version", "updated_at", *self.derived_fields}
        expected = self.version
        self.version, self._saving_from_version = expected + 1, expected
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.version = expected
            raise
        finally:
            self._saving_from_version = None

    def _do_update(self, base_qs, using, pk_val, values, update_fields, forced_update):
        # Django's UPDATE of save(), made conditional on the version (one statement, so no
        # other writer can slip in between the check and the write).
        expected = self._saving_from_version
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, values, update_fields, forced_update)
        if super()._do_update(base_qs.filter(version=expected), using, pk_val, values, update_fields, forced_update):
            return True
        raise VersionConflict.of(self, expected)


class HistoricalRecordsWithM2M(HistoricalRecords):
    """HistoricalRecords whose deletion record keeps the many-to-many rows the record had.

    django-simple-history copies the m2m rows (`m2m_fields`) into every history record by
    querying the through table, but a deletion deletes the through rows first, so the
    library's "-" record would say "no targets" and a restore from it would lose them. The
    rows are read in pre_delete (which the library already connects, before anything is
    deleted) and written with the deletion record.
    """

    def pre_delete(self, instance, **kwargs):
        super().pre_delete(instance, **kwargs)
        instance._m2m_rows_at_deletion = {
            field.name: list(getattr(instance, field.name).through.objects.filter(**{field.m2m_field_name(): instance}))
            for field in self.get_m2m_fields_from_model(type(instance))
        }

    def create_historical_record_m2ms(self, history_instance, instance):
        rows_by_field = getattr(instance, "_m2m_rows_at_deletion", None)
        if history_instance.history_type != "-" or rows_by_field is None:
            return super().create_historical_record_m2ms(history_instance, instance)
        for field in history_instance._history_m2m_fields:
            m2m_history_model = self.m2m_models[field]
            # Ids (attnames), not objects: the statement's row is gone by now.
            names = [f.attname for f in getattr(type(instance), field.name).through._meta.fields]
            m2m_history_model.objects.bulk_create(
                m2m_history_model(history=history_instance, **{name: getattr(row, name) for name in names})
                for row in rows_by_field.get(field.name, [])
            )
