"""A queryset whose only varying part is its parameters, its SQL compiled once and kept.

Building and compiling a query often costs more than the database takes to run it: a reader's
query of 25 joined columns on a page of ids (IdListQuery below), the actor lookup of
every filter naming an actor (ActorQuerySet.referenced_rows(): three frequency subqueries). When
what changes from one call to the next is only some values, the query is built once per *shape*
(what the caller says decides its SQL) with stand-ins for those values, compiled, and the places
of the stand-ins among its parameters are noted; a call puts its values in those places and sends
the same statement, which SQLite's statement cache also keeps.

Compiled per connection (a thread's own: the converters of the columns belong to it). A query
whose stand-ins are not found as they are among its parameters (a value the ORM transforms:
`icontains` escapes and wraps it, a type it converts) or are written into its SQL, or whose rows
the ORM would make otherwise than `make` does (extra columns, reordered annotations), has no
compiled form: it is built by the ORM at every call.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence

from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, FullResultSet
from django.core.signals import setting_changed
from django.db import connections, models
from django.dispatch import receiver


class ParameterQuery:
    """`build(shape, values)` makes the queryset (a values_list) for a shape and its values;
    `make` makes a row of the tuple the database gives, as the queryset's own iterable would."""

    #: Stand-ins for the values while compiling, by their type: no id of this database is
    #: negative, and no reader's text holds a private-use character followed by this.
    STAND_IN_INT = -(2**62)
    STAND_IN_TEXT = "\U0010fffd stand-in {}"

    def __init__(self, build: Callable[[object, Sequence], models.QuerySet], make: Callable = tuple):
        self.build = build
        self.make = make
        self.compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        _EVERY_QUERY.add(self)

    def rows(self, using: str, shape, values: Sequence) -> list:
        """The rows of build(shape, values) on the database `using`."""
        found, compiled = self._run(using, shape, values)
        return list(map(self.make, found)) if compiled else found

    def tuples(self, using: str, shape, values: Sequence) -> list:
        """rows() before `make`: the compiled query's converted values (on the ORM's path, its rows)."""
        return self._run(using, shape, values)[0]

    def _run(self, using: str, shape, values: Sequence) -> tuple[list, bool]:
        """(the rows found, whether by the compiled SQL: its tuples; else the queryset's own rows)."""
        connection = connections[using]
        by_shape = self.compiled.get(connection)
        if by_shape is None:
            by_shape = self.compiled[connection] = {}
        types = tuple(map(type, values))
        compiled = by_shape.get((shape, types))
        if compiled is None:
            compiled = by_shape[shape, types] = self._compile(using, shape, types)
        if compiled is False:
            return list(self.build(shape, values).using(using)), False
        sql, template, places, convert = compiled
        params = list(template)
        for place, index in places:
            params[place] = values[index]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found = cursor.fetchall()
        if convert is not None:
            found = list(map(convert, found))
        return found, True

    def _stand_in(self, kind: type, index: int):
        if kind is int:
            return self.STAND_IN_INT - index
        if kind is str:
            return self.STAND_IN_TEXT.format(index)
        return None

    def _compile(self, using: str, shape, types: tuple):
        """(SQL, parameters, [(place in the parameters, index of the value)], converter of a row or None), or False."""
        stand_ins = [self._stand_in(kind, index) for index, kind in enumerate(types)]
        if None in stand_ins:
            return False
        try:
            queryset = self.build(shape, stand_ins).using(using)
            query = queryset.query
            compiler = query.get_compiler(using)
            sql, params = compiler.as_sql()
        except (EmptyResultSet, FullResultSet, ValueError, TypeError):
            return False  # a value the ORM refuses or that decides the SQL: built every time
        names = [*query.values_select, *query.annotation_select]
        if (
            query.extra_select
            or not queryset._fields
            or list(queryset._fields) != names
            or compiler.col_count != len(names)
            or any(str(stand_in) in sql for stand_in in stand_ins)
        ):
            return False
        index_of = {(type(stand_in), stand_in): index for index, stand_in in enumerate(stand_ins)}
        places = []
        for place, param in enumerate(params):
            index = index_of.get((type(param), param)) if type(param) in (int, str) else None
            if index is not None:
                places.append((place, index))
            elif type(param) is str and any(str(stand_in) in param for stand_in in stand_ins):
                return False  # a stand-in the ORM transformed (escaped, wrapped in %)
        if {index for _, index in places} != set(range(len(stand_ins))):
            return False
        return sql, tuple(params), places, row_converter(compiler)


def row_converter(compiler) -> Callable | None:
    """A function converting one row the database gives as `compiler.apply_converters()` does
    (the same converters of its selected columns, called in the same order on the same values),
    giving a tuple; None when no column has converters. Generated once per compiled query: the
    ORM's loops over each row's converters cost more than the converters themselves on a page of
    dates (a list page's 50 events, 150 participants and sources)."""
    converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
    if not converters:
        return None
    names = {"connection": compiler.connection}
    values = []
    for place in range(compiler.col_count):
        value = f"row[{place}]"
        convs, expression = converters.get(place, ((), None))
        if convs:
            names[f"e{place}"] = expression
        for step, converter in enumerate(convs):
            names[f"c{place}_{step}"] = converter
            value = f"c{place}_{step}({value}, e{place}, connection)"
        values.append(value)
    # Any column past the selected ones is kept as it is, as apply_converters() keeps it.
    code = f"def convert(row):\n    return ({', '.join(values)}, *row[{compiler.col_count}:])\n"
    # Our own code, of column positions only; nothing from a request is in it.
    exec(compile(code, "<row converter>", "exec"), names)  # noqa: S102
    return names["convert"]


class IdListQuery(ParameterQuery):
    """A reader's query (Reader.rows()), or any `values_list`, of the records whose `lookup`
    (`event__id__in`, `pk__in`) is in a list of ids, each row made by `make`, its SQL compiled
    once and kept: building and compiling a query of 25 joined columns costs ten times what
    SQLite takes to run it on a page of ids (an export's places: the ORM's IN of 500 ids). The
    API's readers (events/api/rows.py) and the timeline page's entries (events/views/entry_rows.py)
    read their pages through it.

    The SQL is compiled for lists of 1, 2, 4 … 1,024 ids (the shapes); a list of ids is padded
    to the next of these sizes with its last id (`IN (1, 2, 2, 2)` keeps what `IN (1, 2)`
    keeps). A longer list is built by the ORM each time.
    """

    LARGEST = 1024

    def __init__(self, queryset: models.QuerySet, lookup: str, make: Callable = tuple):
        super().__init__(lambda size, ids: queryset.filter(**{lookup: list(ids)}), make)
        self.queryset = queryset
        self.lookup = lookup

    def rows(self, ids: list) -> list:
        """The rows of the records with these ids (in the queryset's order)."""
        return self._read(ids, super().rows)

    def tuples(self, ids: list) -> list:
        """rows() before `make`: the query's converted values (tuples, or on the ORM's path its rows)."""
        return self._read(ids, super().tuples)

    def _read(self, ids: list, read: Callable) -> list:
        """read(database, size, ids padded to size) (ParameterQuery's rows or tuples); a longer
        list than LARGEST by the ORM."""
        if not ids:
            return []
        size = 1 << (len(ids) - 1).bit_length()
        if size > self.LARGEST:
            return list(self.queryset.filter(**{self.lookup: ids}))
        return read(self.queryset.db, size, [*ids, *[ids[-1]] * (size - len(ids))])


class _Records(ParameterQuery):
    """Records of `model` as the ORM makes them: Model.from_db of its concrete columns, read (and
    converted alike) by the compiled query `build` makes."""

    def __init__(self, model: type[models.Model], build: Callable[[object, Sequence], models.QuerySet]):
        self.model = model
        self.names = [column.attname for column in model._meta.concrete_fields]
        super().__init__(build)

    def records(self, using: str, values: Sequence) -> list[models.Model]:
        return [self.model.from_db(using, self.names, row) for row in self.tuples(using, None, values)]


class EveryRecord(_Records):
    """Every record of a model (`Model.objects.all()`, in its Meta ordering) as the ORM makes
    them, its SQL compiled once: the small table each reader page reads whole (the escalations:
    building and compiling the ORM's query cost more than reading its rows)."""

    def __init__(self, model: type[models.Model]):
        super().__init__(model, lambda shape, values: model._default_manager.values_list(*self.names))

    def all(self) -> list[models.Model]:
        return self.records(self.model._default_manager.db, ())


class RecordQuery(_Records):
    """`queryset.get(<field>=value)` of a unique field (a slug), its SQL compiled once: the record
    as the ORM makes it, or None when no
    record has the value. Every filter naming an escalation or an outlet by its slug asks for it
    (a ModelChoiceField's lookup: building and compiling the ORM's `.get()` cost more than the
    database takes to run it). For a plain queryset of the model (`Model.objects.all()`: no
    filter, join, deferred column, annotation...) only: `of()` answers None for any other."""

    def __init__(self, queryset: models.QuerySet, field: str):
        self.queryset = queryset
        super().__init__(
            queryset.model,
            lambda shape, values: queryset.filter(**{field: values[0]}).order_by().values_list(*self.names),
        )

    @classmethod
    def of(cls, queryset: models.QuerySet, field: str) -> RecordQuery | None:
        """The RecordQuery of `queryset` by `field`, kept per (model, field); None unless both qualify."""
        model, query = queryset.model, queryset.query
        try:
            unique = field == "pk" or model._meta.get_field(field).unique
        except FieldDoesNotExist:
            return None
        if not (
            unique
            and type(queryset) is type(model._default_manager.all())
            and queryset._iterable_class is models.query.ModelIterable
            and queryset._db is None
            and not queryset._prefetch_related_lookups
            and not query.where
            and not query.select_related
            and not query.annotations
            and not query.extra
            and not query.distinct
            and not query.combinator
            and not query.is_sliced
            and query.deferred_loading == (frozenset(), True)
            and len(query.alias_map) <= 1
        ):
            return None
        key = (model, field)
        found = _RECORD_QUERIES.get(key)
        if found is None:
            found = _RECORD_QUERIES[key] = cls(model._default_manager.all(), field)
        return found

    def get(self, value: str) -> models.Model | None:
        """The record whose field is `value` (a text), or None."""
        found = self.records(self.queryset.db, (value,))
        return found[0] if found else None


_RECORD_QUERIES: dict = {}
#: Every ParameterQuery made (module-level ones included), for _forget_compiled.
_EVERY_QUERY: weakref.WeakSet = weakref.WeakSet()


@receiver(setting_changed)
def _forget_compiled(**kwargs) -> None:
    # Their converters were chosen under the settings of the time (USE_TZ, the time zone).
    for query in list(_EVERY_QUERY):
        query.compiled.clear()
