"""Plain rows for the read side: a list's records read as tuples, turned into the serializers' dicts.

A list of 50 events used to build 50 Event instances, their 150 participants and sources, the
actors, articles and outlets those point to, Django's prefetch querysets for each of them, and
then walk them all through the serializers' read plans. The SQL of such a page is a few
milliseconds; building and walking the objects was most of the request.

A `Reader` is compiled once per serializer class from that serializer's own read plan
(serializers.ReadPlanMixin): the fields, their order, their sources and converters are the
serializer's, so there is one definition of what a record looks like and two ways to read it.
The reader asks the database for exactly the columns the fields show, as tuples
(`values_list`), with the to-one relations joined in the same query as `select_related` joins
them, and one query per to-many relation (participants, sources, targets) for the whole page,
ordered as the list's query shape (`for_timeline()`) prefetches them. A page costs the same
queries as before, and still a constant number whatever its size. Properties the serializer
shows (`date_label`) are the model's own, evaluated on the row (a named tuple whose class
carries them), so a label is computed by one function.

Anything a reader cannot do exactly as the serializer does (a field with its own
get_attribute, a converter that depends on the request, a property reading something other
than the row's columns) makes `reader()` answer None, and the view takes DRF's path. The
tests compare the two on randomly written records (events/tests/test_api_rows.py).
"""

from __future__ import annotations

import datetime as dt
import inspect
import re
import weakref
from collections import defaultdict, namedtuple
from collections.abc import Callable, Iterable, Iterator
from operator import attrgetter, itemgetter

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.core.signals import setting_changed
from django.db import connections, models
from django.db.models import Prefetch
from django.db.models.expressions import Col
from django.db.models.fields.related_descriptors import ManyToManyDescriptor, ReverseManyToOneDescriptor
from django.db.models.fields.reverse_related import ForeignObjectRel
from django.db.models.query import ValuesListIterable
from django.db.models.sql.datastructures import BaseTable, Join
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import cached_property
from rest_framework import ISO_8601, relations, serializers
from rest_framework.settings import api_settings

from events.api.serializers import ATTRIBUTE, COLUMN, RELATED, ReadPlanMixin, ReferenceField
from events.compiled_query import IdListQuery, row_converter


class Unsupported(Exception):
    """The serializer has a field a reader cannot read exactly as DRF does."""


def _row_class(model: type[models.Model], names: list[str], properties: dict) -> type:
    """A named tuple of the columns, carrying the model's properties the serializer shows, its
    `_meta` and `pk` (the cursor pagination reads a row's ordering columns through them)."""
    base = namedtuple(f"{model.__name__}Row", names, rename=True)
    attributes = {"__slots__": (), "_meta": model._meta, **properties}
    if model._meta.pk.attname in names:
        attributes["pk"] = property(itemgetter(names.index(model._meta.pk.attname)))
    return type(base.__name__, (base,), attributes)


def _property_columns(model: type[models.Model], prop: property) -> list[str]:
    """The columns a model property reads (`self.<attname>`); Unsupported if it reads anything else."""
    getter = prop.fget if isinstance(prop, property) else prop.func
    names = set(re.findall(r"\bself\.(\w+)", inspect.getsource(getter)))
    columns = {field.attname for field in model._meta.concrete_fields}
    if not names <= columns:
        raise Unsupported(f"{model.__name__}.{getter.__name__} reads {sorted(names - columns)}")
    return sorted(names)


class Reader:
    """Reads the records of a serializer's model as rows and builds the serializer's dicts.

    `prefix` is the path from the queried model to this one (`actor__` when the rows are a
    through table's); `extra` more columns the query needs (the parent's key of a to-many
    relation). `prefetches` are the list query shape's Prefetch objects, by relation name,
    whose querysets say how each to-many relation is ordered.
    """

    def __init__(
        self, serializer_class: type, *, prefix: str = "", extra: Iterable[str] = (), prefetches=None, only=None
    ):
        serializer = serializer_class()
        plan = serializer.read_plan() if isinstance(serializer, ReadPlanMixin) else None
        if plan is None or not plan.shared:
            raise Unsupported(f"{serializer_class.__name__} has no shared read plan")
        self.model = plan.model
        self.paths: list[str] = []
        self.relations: list[ToMany] = []
        properties: dict = {}
        self.namespace: dict = {}
        #: {a field's path in the record (("type", "label")): Python source of its value over `row`,
        #: the same read as the dict's}, and {a to-many relation's path: its ToMany}: for code that
        #: reads some fields of the rows without building their dicts (renderers.csv_row_line).
        self.fields: dict[tuple[str, ...], str] = {}
        self.many: dict[tuple[str, ...], ToMany] = {}
        self.source = self._compile(serializer, plan, prefix, properties, prefetches or {}, only)
        for path in extra:
            self._index(path)
        self.pk_index = self._index(prefix + self.model._meta.pk.attname)
        self.row_class = _row_class(self.model, [path.removeprefix(prefix) for path in self.paths], properties)
        self.by_id_query: IdListQuery | None = None

    def _index(self, path: str) -> int:
        if path not in self.paths:
            self.paths.append(path)
        return self.paths.index(path)

    def _compile(
        self, serializer, plan, prefix: str, properties: dict, prefetches: dict, only=None, path: tuple = ()
    ) -> str:
        """Python source of a dict display building the serializer's dict from `row` (the page's
        to-many dicts in `many`; `utc`: the current time zone is UTC), its names bound in
        self.namespace: the fields in the serializer's order, each read and converted as its read
        plan says. `only` ({field name: the same for its nested fields, or None for all of them})
        keeps some of the fields (an export's columns need only a few). `path`: the fields leading
        here from the record (self.fields)."""
        model = plan.model
        items = []
        for name, getter, where, convert, field in plan.steps:
            if only is not None and name not in only:
                continue
            inner = None if only is None else only[name]
            (source,) = field.source_attrs
            if where == COLUMN:
                column = model._meta.get_field(source)
                value = f"row[{self._index(prefix + column.attname)}]"
                if not isinstance(getter, itemgetter):
                    # Read through a descriptor (a country): the same read of the loaded column.
                    if convert is str and getattr(getter, "text_by_code", False):
                        # Its text depends only on the column: kept by it (a page's actors and
                        # outlets share a few countries), as a property's values are below.
                        read = f"{self._bind(getter)}({{{column.name!r}: k}})"
                        value = self._kept(value, f"(None if (v := {read}) is None else {self._bind(convert)}(v))")
                        items.append(f"{name!r}: {value}")
                        self.fields[(*path, name)] = value
                        continue
                    value = f"{self._bind(getter)}({{{column.name!r}: {value}}})"
                elif _unchanged(convert, field, column):
                    items.append(f"{name!r}: {value}")
                    self.fields[(*path, name)] = value
                    continue
                elif _utc_datetime(field):
                    converted = f"(_utc_iso(v) if utc and v.tzinfo is _UTC else {self._bind(convert)}(v))"
                    items.append(f"{name!r}: (None if (v := {value}) is None else {converted})")
                    continue
                value = f"(None if (v := {value}) is None else {self._bind(convert)}(v))"
                items.append(f"{name!r}: {value}")
                self.fields[(*path, name)] = value
            elif where == RELATED:
                related = self._related(field, model._meta.get_field(source), prefix, inner, (*path, name))
                items.append(f"{name!r}: {related}")
            elif where == ATTRIBUTE or _many_related(field):
                attribute = inspect.getattr_static(model, source, None)
                if isinstance(attribute, ReverseManyToOneDescriptor | ManyToManyDescriptor):
                    relation = ToMany(self, name, attribute, field, prefetches.get(source), inner)
                    self.relations.append(relation)
                    self.many[(*path, name)] = relation
                    pk = self._index(prefix + model._meta.pk.attname)
                    items.append(f"{name!r}: many[{self._bind(relation)}].get(row[{pk}], [])")
                elif isinstance(attribute, property) and not prefix:
                    columns = _property_columns(model, attribute)
                    for column in columns:
                        self._index(column)
                    properties[source] = attribute
                    read = self._bind(attrgetter(source))
                    value = f"(None if (v := {read}(row)) is None else {self._bind(convert)}(v))"
                    # The property depends only on these columns: its values are kept by them
                    # (most rows of a page or an export share their dates' labels with others).
                    value = self._kept(f"{self._bind(itemgetter(*map(self._index, columns)))}(row)", value)
                    items.append(f"{name!r}: {value}")
                    self.fields[(*path, name)] = value
                else:
                    raise Unsupported(f"{model.__name__}.{source}")
            else:
                raise Unsupported(f"{type(serializer).__name__}.{name} reads through its own get_attribute")
        return "{" + ", ".join(items) + "}"

    def _bind(self, value) -> str:
        """A name for `value` in the generated code's namespace."""
        name = f"_{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def _kept(self, key: str, value: str) -> str:
        """Python source of `value` (which reads its key as `k`), kept by `key` in a _Memo of its own."""
        memo = self._bind(_Memo())
        return f"(m if (m := {memo}.get(k := {key}, {memo})) is not {memo} else {memo}.keep(k, {value}))"

    def _related(self, field, foreign_key, prefix: str, only, path: tuple) -> str:
        """A to-one relation's summary, read from the columns joined into the same row."""
        if isinstance(field, ReferenceField):
            nested = field.summary_serializer()
        elif isinstance(field, ReadPlanMixin):
            nested = field
        else:
            raise Unsupported(f"{foreign_key.name}: not a summary serializer")
        plan = nested.read_plan()
        if plan is None or not plan.shared or plan.model is not foreign_key.related_model:
            raise Unsupported(f"{foreign_key.name}: no shared read plan")
        present = self._index(prefix + foreign_key.attname)
        known = set(self.fields)
        summary = self._compile(nested, plan, f"{prefix}{foreign_key.name}__", {}, {}, only, path)
        for name in set(self.fields) - known:
            self.fields[name] = f"(None if row[{present}] is None else {self.fields[name]})"
        return f"(None if row[{present}] is None else {summary})"

    # Reading ------------------------------------------------------------------------------

    def has_columns(self, names) -> bool:
        """Whether the rows hold these fields' columns (an ordering: "-date_from", "pk")."""
        meta = self.model._meta
        try:
            wanted = {
                meta.pk.attname if name.lstrip("-") == "pk" else meta.get_field(name.lstrip("-")).attname
                for name in names
            }
        except Exception:  # noqa: BLE001 (an expression or a lookup through a relation: not a column of the rows)
            return False
        return wanted <= set(self.row_class._fields)

    def rows(self, queryset: models.QuerySet) -> models.QuerySet:
        """`queryset` (filtered and ordered as the list's) reading rows of this reader's columns."""
        rows = SHAPES.values_list(queryset.prefetch_related(None), self.paths)
        rows._iterable_class = _iterable(self.row_class)
        return rows

    def dicts(self, rows: list) -> list[dict]:
        """The serializer's dicts of `rows` (from rows()), one query per to-many relation."""
        many = {relation: relation.read([row[self.pk_index] for row in rows]) for relation in self.relations}
        build, utc = self.build, _is_utc(timezone.get_current_timezone()) if settings.USE_TZ else False
        return [build(row, many, utc) for row in rows]

    def by_id(self, queryset: models.QuerySet, ids: list) -> dict:
        """{id: (row, the serializer's dict)} of the records of `queryset` with these ids."""
        rows = self.rows_by_id(queryset, ids)
        return {pair[0][self.pk_index]: pair for pair in zip(rows, self.dicts(rows), strict=True)}

    def rows_by_id(self, queryset: models.QuerySet, ids: list) -> list:
        """The rows (rows()) of the records of `queryset` with these ids, in no particular order."""
        if queryset.query.where:
            return list(self.rows(queryset.filter(pk__in=ids).order_by()))
        # The list's query shape itself (for_timeline()), which this reader was made for: its
        # query is compiled once.
        if self.by_id_query is None:
            self.by_id_query = IdListQuery(self.rows(queryset.order_by()), "pk__in", self.row_class._make)
        return self.by_id_query.rows(ids)

    def chunks(self, queryset: models.QuerySet, chunk: int) -> Iterator[dict]:
        """The dicts of every row of `queryset`, read `chunk` rows (and their relations) at a time."""
        for rows in self.row_chunks(queryset, chunk):
            yield from self.dicts(rows)

    def row_chunks(self, queryset: models.QuerySet, chunk: int) -> Iterator[list]:
        """The rows of `queryset` (rows()), `chunk` at a time, read with one query as they stream."""
        batch = []
        for row in self.rows(queryset).iterator(chunk_size=chunk):
            batch.append(row)
            if len(batch) == chunk:
                yield batch
                batch = []
        if batch:
            yield batch

    def function(self, params: str, source: str, **names) -> Callable:
        """A function of `params` returning `source`: Python over the fields' reads (self.fields),
        with this reader's names and `names` bound."""
        code = f"def function({params}):\n    return {source}\n"
        namespace = {**self.namespace, **names}
        # Our own code, generated from the serializer's plan and a table of ours; nothing from a
        # request is in it.
        exec(compile(code, f"<{self.model.__name__} rows: {params}>", "exec"), namespace)  # noqa: S102
        return namespace["function"]

    @cached_property
    def build(self) -> Callable:
        """build(row, many) -> the serializer's dict of one row."""
        code = f"def build(row, many, utc):\n    return {self.source}\n"
        namespace = {**self.namespace, "_utc_iso": _utc_iso, "_UTC": dt.UTC}
        # Our own code, generated from the serializer's plan; nothing from a request is in it.
        exec(compile(code, f"<{self.model.__name__} rows>", "exec"), namespace)  # noqa: S102
        return namespace["build"]


class _Memo(dict):
    """A property's values by the columns it reads, or a country's text by its code (Reader._compile),
    at most LARGEST of them."""

    #: An export is in date order: its rows' dates come together, few of them at a time.
    LARGEST = 4096

    def keep(self, key, value):
        if len(self) >= self.LARGEST:
            self.clear()
        self[key] = value
        return value


class ToMany:
    """A to-many relation of a reader's rows (event participants and sources, statement targets),
    read for a whole page in one query, ordered as the list's Prefetch orders it."""

    def __init__(self, owner: Reader, name: str, descriptor, field, prefetch: Prefetch | None, only=None):
        self.name = name
        if isinstance(descriptor, ReverseManyToOneDescriptor) and isinstance(field, serializers.ListSerializer):
            foreign_key = descriptor.field
            queryset = prefetch.queryset if prefetch is not None else foreign_key.model._default_manager.all()
            self.reader = Reader(type(field.child), extra=[foreign_key.attname], only=only)
            self.queryset = queryset
            # Through the parent's primary key (the join is trimmed): a plain IN of integers,
            # which Django prepares much faster than a relation's IN of 500 ids.
            self.parent = f"{foreign_key.name}__{foreign_key.target_field.name}__in"
            self.parent_index = self.reader.paths.index(foreign_key.attname)
        elif (
            isinstance(descriptor, ManyToManyDescriptor)
            and not descriptor.reverse
            and isinstance(field, relations.ManyRelatedField)
            and isinstance(field.child_relation, ReferenceField)
        ):
            m2m = descriptor.field
            source, target = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
            target_model = m2m.related_model
            ordering = (prefetch.queryset.query.order_by if prefetch is not None else None) or (
                target_model._meta.ordering
            )
            source_column = f"{source}_id"
            self.reader = Reader(field.child_relation.summary, prefix=f"{target}__", extra=[source_column], only=only)
            self.queryset = descriptor.through._default_manager.order_by(
                *(("-" if term.startswith("-") else "") + f"{target}__{term.lstrip('-')}" for term in ordering)
            )
            self.parent = f"{source}__{m2m.model._meta.pk.name}__in"
            self.parent_index = self.reader.paths.index(source_column)
        else:
            raise Unsupported(f"{owner.model.__name__}.{name}")

    @cached_property
    def rows(self) -> IdListQuery:
        # The query is built and compiled once: each page only gives its parents' ids.
        return IdListQuery(self.reader.rows(self.queryset), self.parent, self.reader.row_class._make)

    def grouped(self, ids: list, pick: Callable) -> dict:
        """{parent id: [pick(child row) in order]} for the parents `ids` (no dicts built)."""
        found = defaultdict(list)
        if ids:
            parent = self.parent_index
            # Plain tuples: pick() reads the columns by index, as the row class does.
            for row in self.rows.tuples(ids):
                found[row[parent]].append(pick(row))
        return found

    def read(self, ids: list) -> dict:
        """{parent id: [child dicts in order]} for the parents `ids`."""
        if not ids:
            return {}
        rows = self.rows.rows(ids)
        found = defaultdict(list)
        for row, record in zip(rows, self.reader.dicts(rows), strict=True):
            found[row[self.parent_index]].append(record)
        return found


def _many_related(field) -> bool:
    """A to-many relation whose get_attribute is DRF's own (the related manager's all() of a saved record)."""
    return (
        isinstance(field, relations.ManyRelatedField)
        and type(field).get_attribute is relations.ManyRelatedField.get_attribute
        and len(field.source_attrs) == 1
    )


def _utc_datetime(field) -> bool:
    """A DRF DateTimeField written in ISO 8601 in the current time zone (no time zone of its own)."""
    return (
        type(field).to_representation is serializers.DateTimeField.to_representation
        and str(getattr(field, "format", api_settings.DATETIME_FORMAT)).lower() == ISO_8601
        and not hasattr(field, "timezone")
    )


def _is_utc(zone) -> bool:
    return zone is dt.UTC or getattr(zone, "key", None) == "UTC"


def _utc_iso(value: dt.datetime) -> str:
    """DateTimeField.to_representation of a UTC datetime in UTC: its ISO 8601 text with Z."""
    return value.isoformat()[:-6] + "Z"


def _unchanged(convert: Callable, field, column: models.Field) -> bool:
    """Whether the converter gives back what the column holds (str of a text column, int of an
    integer one, a choice whose keys are its own text, a boolean): then the value is used as is."""
    if isinstance(column, models.CharField | models.TextField):
        if convert is str:
            return True
        return type(field).to_representation is serializers.ChoiceField.to_representation and all(
            type(key) is str and key == value for key, value in field.choice_strings_to_values.items()
        )
    if isinstance(column, models.IntegerField):
        return convert is int
    boolean = type(field).to_representation is serializers.BooleanField.to_representation
    return boolean and isinstance(column, models.BooleanField)


def _iterable(row_class: type) -> type:
    class RowIterable(ValuesListIterable):
        def __iter__(self):
            found = None if self.chunked_fetch else SHAPES.rows(self.queryset)
            return map(row_class._make, super().__iter__() if found is None else found)

    return RowIterable


class QueryShapes:
    """The SQL of a reader's queries (Reader.rows(), filtered, ordered, sliced), compiled once per
    query shape: only the WHERE clause is compiled for each query.

    Building the SQL of a page's query is most of what the ORM costs per request: the 25 joined
    columns, the joins, the ORDER BY and the LIMIT; what changes from one request to the next is
    mostly the WHERE clause and its parameters. A shape is everything in the Query but its WHERE
    clause: its own attributes (the columns, the joins and their kinds and reference counts, the
    ordering, the slice, the annotations, ...), taken as they are (`_shape_key`), so two queries
    share a shape only if everything but their WHERE clauses is equal. A query whose attributes
    hold anything else than plain values, columns, joins and fields (an annotation, an ordering
    expression) has no shape and takes the ORM's path. The WHERE clause is compiled by the ORM
    for every query (its values, its subqueries), so its SQL and parameters are the ORM's own;
    the rest of the SQL is the shape's, cut around the WHERE clause of the query that made it.
    Kept per connection (its converters belong to it), at most SIZE shapes each.
    """

    SIZE = 256
    #: What a query holds only while it is being built (the joins of the last filter) or as a
    #: cache of other attributes, and the WHERE clause itself.
    OUTSIDE = frozenset(
        {
            "where",
            "used_aliases",
            "_lookup_joins",
            "filter_is_sticky",
            "_annotation_select_cache",
            "_extra_select_cache",
        }
    )

    def __init__(self):
        self.compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        #: {(fields, a query's shape before values_list()): the Query values_list() made of it}
        self.selected: dict = {}

    def values_list(self, queryset: models.QuerySet, fields: list[str]) -> models.QuerySet:
        """`queryset.values_list(*fields)`, its Query made once per shape: choosing the columns
        (Query.set_values: a join per related column, reusing the query's own) reads only the
        query's attributes outside its WHERE clause, so a query of a shape already seen takes that
        Query with its own WHERE clause. A query that has no shape takes values_list()."""
        query = queryset.query
        try:
            key = (tuple(fields), type(query), _shape_key(query.__dict__, self.OUTSIDE))
        except Unsupported:
            return queryset.values_list(*fields)
        selected = self.selected.get(key)
        if selected is None:
            rows = queryset.values_list(*fields)
            if len(self.selected) >= self.SIZE:
                del self.selected[next(iter(self.selected))]
            self.selected[key] = rows.query.clone()
            return rows
        rows = queryset._chain()
        rows.query = selected.clone()
        rows.query.where = query.where.clone()
        rows.query.used_aliases = set(query.used_aliases)
        rows._fields = tuple(fields)
        rows._iterable_class = ValuesListIterable
        return rows

    def rows(self, queryset: models.QuerySet) -> Iterable | None:
        """The rows (tuples or lists of the values) of a values_list queryset, or None: the ORM's path."""
        query = queryset.query
        try:
            key = (type(query), _shape_key(query.__dict__, self.OUTSIDE))
        except Unsupported:
            return None
        connection = connections[queryset.db]
        shapes = self.compiled.get(connection)
        if shapes is None:
            shapes = self.compiled[connection] = {}
        shape = shapes.get(key)
        if shape is None:
            if len(shapes) >= self.SIZE:
                del shapes[next(iter(shapes))]
            shape = shapes[key] = self._compile(query, queryset.db)
        if shape is False or tuple(queryset._fields) != query.values_select:
            return None
        before, after, convert = shape
        where, having, qualify = query.where.split_having_qualify(must_group_by=query.group_by is not None)
        if having is not None or qualify is not None:
            return None
        try:
            sql, params = query.get_compiler(queryset.db).compile(where)
        except (EmptyResultSet, FullResultSet):
            return None  # no WHERE clause, or one that keeps nothing: the ORM says which
        with connection.cursor() as cursor:
            cursor.execute(before + sql + after, params)
            found = cursor.fetchall()
        return found if convert is None else map(convert, found)

    @staticmethod
    def _compile(query, using: str):
        """(the SQL before and after the WHERE clause's, the converter of a row or None), or False."""
        compiler = query.get_compiler(using)
        try:
            sql, params = compiler.as_sql()
            where, where_params = compiler.compile(compiler.where)
        except (EmptyResultSet, FullResultSet):
            return False
        clause = f"WHERE {where}"
        if (
            compiler.having is not None
            or compiler.qualify is not None
            or compiler.has_extra_select
            or compiler.col_count != len(query.values_select)
            or list(params) != list(where_params)  # the rest of the SQL has parameters of its own
            or sql.count(clause) != 1
        ):
            return False
        before, after = sql.split(clause)
        return before + "WHERE ", after, row_converter(compiler)


SHAPES = QueryShapes()


def _shape_key(value, outside=frozenset()):
    """A hashable copy of a query's attributes (a dict, but for the names in `outside`): plain
    values, containers, columns, joins, fields and models; Unsupported for anything else."""
    kind = type(value)
    if value is None or kind in (str, int, bool, float):
        return value
    if kind is dict:
        return ("{", *((name, _shape_key(item)) for name, item in value.items() if name not in outside))
    if kind is tuple or kind is list:
        return ("(", *map(_shape_key, value))
    if kind is set or kind is frozenset:
        return frozenset(map(_shape_key, value))
    if kind is Col:
        return ("col", value.alias, value.target, value.output_field)
    if kind is Join or kind is BaseTable:
        return (kind, _shape_key(value.__dict__))
    if isinstance(value, type | models.Field | ForeignObjectRel):
        return value
    raise Unsupported(f"{kind.__name__} in a query")


# One reader per (serializer class, list query shape), built on first use ------------------------

READERS: dict = {}


@receiver(setting_changed)
def _forget_readers(**kwargs) -> None:
    READERS.clear()
    SHAPES.selected.clear()
    SHAPES.compiled.clear()  # their converters were chosen under the settings of the time


def reader(serializer_class: type, shape: models.QuerySet, only: dict | None = None) -> Reader | None:
    """The reader of `serializer_class` for lists of `shape` (its Prefetch objects order the
    to-many relations), or None when DRF's own path must read it; `only`: the fields to read
    (Reader._compile)."""
    prefetches = {
        lookup.prefetch_through: lookup for lookup in shape._prefetch_related_lookups if isinstance(lookup, Prefetch)
    }
    key = (serializer_class, shape.model, tuple(sorted(prefetches)), repr(only))
    found = READERS.get(key, False)
    if found is False:
        try:
            found = Reader(serializer_class, prefetches=prefetches, only=only)
        except Unsupported:
            found = None
        READERS[key] = found
    return found


def timeline_readers(item_serializer, only: dict | None = None) -> tuple[dict, dict]:
    """({kind: its list query shape}, {kind: its reader or None}) of the timeline's records;
    `only`: {kind: the fields to read of its records} (an export's)."""
    from events.api import timeline  # noqa: PLC0415 (it imports the models)

    shapes = {
        timeline.EVENT: timeline.Event.objects.for_timeline(),
        timeline.STATEMENT: timeline.Statement.objects.for_timeline(),
    }
    # An item reads its record's date_from (TimelineItemSerializer.item) whatever else is left out.
    fields = {
        kind: None if not (only or {}).get(kind) else {**only[kind], "date_from": None} for kind in timeline.KINDS
    }
    readers = {
        kind: reader(item_serializer._declared_fields[kind].__class__, shapes[kind], fields[kind])
        for kind in timeline.KINDS
    }
    return shapes, readers


def timeline_items(keys: list, item_serializer, only: dict | None = None) -> list[dict]:
    """The rows of /api/timeline/ for a slice of keys (events.api.timeline.keys()), read as plain
    rows with the same queries as timeline.entries(); the item is TimelineItemSerializer.item().
    `only`: {kind: the fields to read of its records} (an export's)."""
    from events.api import timeline  # noqa: PLC0415 (it imports the models)

    shapes, readers = timeline_readers(item_serializer, only)
    if None in readers.values():
        return [item_serializer.to_representation(entry) for entry in timeline.entries(keys)]
    wanted = {kind: [key.id for key in keys if key.kind == kind] for kind in timeline.KINDS}
    found = {kind: readers[kind].by_id(shapes[kind], ids) if ids else {} for kind, ids in wanted.items()}
    item = item_serializer.item
    return [item(key.kind, *found[key.kind][key.id]) for key in keys if key.id in found[key.kind]]


def timeline_chunks(keys: list, item_serializer, *, chunk: int, only: dict | None = None) -> Iterator[dict]:
    """timeline_items() of `keys`, `chunk` keys at a time (exports: constant queries per chunk)."""
    for offset in range(0, len(keys), chunk):
        yield from timeline_items(keys[offset : offset + chunk], item_serializer, only)
