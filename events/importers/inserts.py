"""Multi-row INSERTs that read the new rows' keys back: how the importer writes many new records."""

from __future__ import annotations

import functools

from django.db import connection, models, transaction


def insert_new(records: list[models.Model]) -> None:
    """Insert new records of one model in one statement and give them their primary keys.

    The rows bulk_create would write (each field's pre_save(), for the timestamps, prepared by
    its get_db_prep_save(), as Django's insert compiler does), in an INSERT ... RETURNING
    compiled once per model and number of rows: Django compiles it again for every file, which
    took longer than SQLite takes to run it. Like bulk_create it skips save() and the signals,
    so the callers derive what save() would (Statement.derive_period(), Article.derive_hash()),
    and the related records must be saved rows.
    """
    if not records:
        return
    # The connection itself, as Django's compiler passes it to the fields: `connection` is a proxy
    # that looks the connection up again (in an asgiref Local) on every attribute the fields read.
    db = transaction.get_connection()
    model = type(records[0])
    fields = _insert_fields(model)
    size = max(db.ops.bulk_batch_size(fields, records), 1)  # as bulk_create splits them
    with db.cursor() as cursor:
        for at in range(0, len(records), size):
            batch = records[at : at + size]
            params = [field.get_db_prep_save(field.pre_save(record, True), db) for record in batch for field in fields]
            cursor.execute(_insert_sql(model, len(batch), db.vendor), params)
            for record, (key,) in zip(batch, cursor.fetchall(), strict=True):
                record.pk = key
                record._state.adding = False
                record._state.db = db.alias


@functools.cache
def _insert_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    """The columns bulk_create writes for a record without a primary key."""
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key and not f.generated)


@functools.cache
def _insert_sql(model: type[models.Model], rows: int, vendor: str) -> str:
    ops, fields = connection.ops, _insert_fields(model)
    if any(hasattr(f, "get_placeholder") for f in fields) or not connection.features.can_return_rows_from_bulk_insert:
        raise NotImplementedError(f"insert_new() cannot insert {model.__name__} rows on {vendor}")
    returning, returning_params = ops.return_insert_columns([model._meta.pk])
    if returning_params:
        raise NotImplementedError(f"insert_new() cannot read the keys of new rows on {vendor}")
    columns = ", ".join(ops.quote_name(f.column) for f in fields)
    values = ops.bulk_insert_sql(fields, [["%s"] * len(fields)] * rows)
    return f"{ops.insert_statement()} {ops.quote_name(model._meta.db_table)} ({columns}) {values} {returning}"
