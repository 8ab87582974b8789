"""Queries a page runs on every request, compiled by the ORM once per process."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, models, router

# Stand-ins for the ids a statement is compiled with: no row has a negative id.
_FIRST_STAND_IN = -7_340_000_000_000
_NOTHING = object()  # what a statement's shape compiles to when it can match no row
MAX_SHAPES = 256  # compiled shapes kept per statement (a few kilobytes each)


class Statement[M: models.Model]:
    """A queryset whose SQL changes only with its ids, compiled once per shape.

    Building and compiling a page's claim or verdict query took longer than
    PostgreSQL took to run it (0.3-1.5 ms each, several per page). A statement is
    a function from ids (an id, or a list of ids) to a queryset. It is compiled
    once per shape (which of its arguments are lists, and how long), with stand-in
    ids, and then run with the real ids bound where the stand-ins were: the ORM
    stays the one definition of the query, and values are always bound, never
    formatted into SQL. For ``run()``, the queryset may not ``select_related`` (rows
    are made as ``raw()`` makes them, from the model's own columns); ``rows()`` gives
    the tuples of a ``values_list()`` queryset.
    """

    def __init__(self, build: Callable[..., models.QuerySet[M]]):
        self.build = build
        self.model: type[M] | None = None  # the queryset's, known once it is first built
        self._attnames: list[str] = []
        self._compiled: dict[tuple, tuple | object] = {}

    def run(self, *ids: int | Sequence[int]) -> list[M]:
        """The model instances the queryset would give for these ids."""
        statement = self._bound(ids)
        if statement is None:
            return []
        sql, params, whole_rows, _ = statement
        if not whole_rows:
            return list(self.model._default_manager.raw(sql, params))
        # The model's own columns in order, none to convert: rows are made as the ORM
        # makes them, without raw()'s reading of the columns and of each row in turn.
        using = router.db_for_read(self.model) or DEFAULT_DB_ALIAS
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if from_db_rows := getattr(self.model, "from_db_rows", None):  # a ListedModel
            return from_db_rows(using, rows)
        from_db, names = self.model.from_db, self._attnames
        return [from_db(using, names, row) for row in rows]

    def rows(self, *ids: int | Sequence[int]) -> list[tuple]:
        """The rows of a ``values_list()`` queryset, as tuples, for these ids."""
        statement = self._bound(ids)
        if statement is None:
            return []
        sql, params, _, converters = statement
        using = router.db_for_read(self.model) or DEFAULT_DB_ALIAS
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if not converters:
            return rows
        # As the ORM converts them (a count, a JSON document): in place, column by column.
        rows = [list(row) for row in rows]
        for position, (functions, expression) in converters.items():
            for row in rows:
                for convert in functions:
                    row[position] = convert(row[position], expression, connection)
        return [tuple(row) for row in rows]

    def _bound(self, ids: tuple) -> tuple[str, list, bool, dict] | None:
        """The SQL for this shape of ids, its parameters with these ids in place, whether
        its rows are the model's whole rows, and the ORM's converters for its columns."""
        shape = tuple(len(arg) if isinstance(arg, (list, tuple)) else None for arg in ids)
        compiled = self._compiled.get(shape)
        if compiled is None:
            if len(self._compiled) >= MAX_SHAPES:  # lengths come from requests: bounded
                self._compiled.clear()
            compiled = self._compiled[shape] = self._compile(shape)
        if compiled is _NOTHING:
            return None
        sql, constants, slots, whole_rows, converters = compiled
        values = [
            int(value)
            for arg in ids
            for value in (arg if isinstance(arg, (list, tuple)) else [arg])
        ]
        params = list(constants)
        for position, index in slots:
            params[position] = values[index]
        return sql, params, whole_rows, converters

    def _compile(
        self, shape: tuple
    ) -> tuple[str, list, list[tuple[int, int]], bool, dict] | object:
        stand_ins, args = iter(range(_FIRST_STAND_IN, _FIRST_STAND_IN - 10_000, -1)), []
        for length in shape:
            if length is None:
                args.append(next(stand_ins))
            else:
                args.append([next(stand_ins) for _ in range(length)])
        queryset = self.build(*args)
        if self.model is None:
            self.model = queryset.model
            self._attnames = [field.attname for field in self.model._meta.concrete_fields]
        if queryset.query.select_related:
            raise ImproperlyConfigured("A Statement's queryset may not select_related.")
        compiler = queryset.query.get_compiler(DEFAULT_DB_ALIAS)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # an empty list the query cannot match without
            return _NOTHING
        columns = [column for column, _, _ in compiler.select]
        converters = compiler.get_converters(columns)
        whole_rows = not converters and [
            getattr(column, "target", None) for column in columns
        ] == list(self.model._meta.concrete_fields)
        index_of = {
            stand_in: index
            for index, stand_in in enumerate(
                value for arg in args for value in (arg if isinstance(arg, list) else [arg])
            )
        }
        slots = [
            (position, index_of[param])
            for position, param in enumerate(params)
            if type(param) is int and param in index_of
        ]
        if {index for _, index in slots} != set(index_of.values()):
            raise ImproperlyConfigured(
                "Every id given to a Statement must be bound as a parameter of its query."
            )
        return sql, list(params), slots, whole_rows, converters
