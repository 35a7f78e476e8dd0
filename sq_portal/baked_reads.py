"""Reads whose SQL has the same shape on every request, compiled once per database connection.

A page asks the same questions of every plan: "the measures of plan 17 in plan order", "the reports of plan 17
sent by 115/05/31". Django builds each QuerySet (resolving every lookup and join) and compiles it to SQL on every
request, although only the parameters change; on the dashboards that took a fifth of the request (README, 效能).
SQLAlchemy caches compiled statements for this; Django has nothing like it (django-prepared-queries stopped at
Django 2.2). `baked_read` is the narrow version this project needs:

    @baked_read
    def plan_measure_rows(*, plan_id):
        return Measure.objects.filter(plan_id=plan_id).in_plan_order().values_list("pk", "name")

    plan_measure_rows(plan_id=plan.pk)  # → [(pk, name), …], as list(the QuerySet) gives them

The function builds a `values_list()` QuerySet from keyword parameters that are ints, strings, dates or datetimes
and uses each of them only as a lookup's value, as it is (never `month_start(as_of)`: pass the month). On the
first call on a connection it is built twice, once with the real parameters and once with unmistakable stand-ins
(negative ids, strings with a NUL, dates in 1900); the SQL must come out the same, and each parameter that changed
must be one of the stand-ins as the backend writes it. That finds where each parameter goes, and refuses
(`NotFixedShape`) a function whose SQL depends on its values or that computes a value from a parameter: such a
read would silently keep the first call's value. Later calls put the parameters in their places, run the SQL
through the connection's cursor (so query counting, execute wrappers and DEBUG logging see it as any query) and
convert the values with the same converters Django would apply (SQLite's dates and booleans come back as text
and integers). tests/test_baked_reads.py holds the rules and compares every read that uses it with its own
QuerySet, on two plans in turn (CI runs it on SQLite and on PostgreSQL).

The cache is per connection object, which Django keeps per thread: no lock, and a converter never runs with
another thread's connection."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import update_wrapper
from typing import NamedTuple
from weakref import WeakKeyDictionary

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ValuesListIterable


class NotFixedShape(TypeError):
    """The function does not build one SQL statement whose only variable parts are its parameters, as given."""


class _Slot(NamedTuple):
    position: int  # in the statement's parameters
    name: str  # the keyword parameter it takes
    adapt: Callable[[object], object]  # how the backend writes that parameter's value


class _Compiled(NamedTuple):
    sql: str
    params: tuple  # the statement's parameters, with the first call's values in the slots
    slots: tuple[_Slot, ...]
    converters: tuple[tuple[int, tuple[Callable, ...], object], ...]  # (column, converters, expression)
    width: int | None  # columns to keep of each row when the backend selects more (ordering); None for all


_STAND_IN_BASE = date(1900, 1, 1)


def _stand_in(value, number: int):
    """A value of `value`'s kind that no real parameter has, different for each parameter."""
    if isinstance(value, int) and not isinstance(value, bool):  # ids, and IntegerChoices
        return -1_000_000_007 - number
    if isinstance(value, str):  # and TextChoices
        return f"\x00baked-read-{number}"
    if isinstance(value, datetime):
        return datetime(1900, 1, 1, tzinfo=UTC if value.tzinfo else None) + timedelta(seconds=number + 1)
    if isinstance(value, date):
        return _STAND_IN_BASE + timedelta(days=number + 1)
    raise NotFixedShape(f"baked_read 的參數只能是整數、字串、日期或時間，不是 {type(value).__name__}")


def _identity(value):
    return value


def _adapters(value, connection) -> tuple[Callable[[object], object], ...]:
    """How a backend may write a parameter of `value`'s kind: as it is, or as the field adapter for its type."""
    if isinstance(value, datetime):
        return (_identity, connection.ops.adapt_datetimefield_value)
    if isinstance(value, date):
        return (_identity, connection.ops.adapt_datefield_value)
    return (_identity,)


class BakedRead:
    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._alias: str | None = None
        self._compiled: WeakKeyDictionary = WeakKeyDictionary()  # connection → _Compiled
        update_wrapper(self, build)

    def __call__(self, **params) -> list[tuple]:
        if self._alias is None:
            return self._run(self._bake(params), params)
        connection = connections[self._alias]
        compiled = self._compiled.get(connection)
        return self._run(compiled if compiled is not None else self._bake(params), params)

    def _bake(self, params: dict) -> _Compiled:
        name = self.build.__qualname__
        queryset = self.build(**params)
        if not isinstance(queryset, QuerySet) or queryset._iterable_class is not ValuesListIterable:  # noqa: SLF001
            raise NotFixedShape(f"{name} 必須傳回 values_list() 的 QuerySet（不是 flat 或 named）")
        alias = queryset.db
        connection = connections[alias]
        compiler = queryset.query.get_compiler(using=alias)
        stand_ins = {key: _stand_in(value, number) for number, (key, value) in enumerate(sorted(params.items()))}
        try:
            sql, real = compiler.as_sql()
            probe_sql, probe = self.build(**stand_ins).query.get_compiler(using=alias).as_sql()
        except EmptyResultSet as error:
            raise NotFixedShape(f"{name} 的查詢依參數可能不執行（EmptyResultSet）") from error
        if probe_sql != sql or len(probe) != len(real):
            raise NotFixedShape(f"{name} 的 SQL 隨參數的值而變")
        slots = []
        for position, (value, probed) in enumerate(zip(real, probe, strict=True)):
            if value == probed and type(value) is type(probed):
                continue  # a constant of the query
            slot = next(
                (
                    _Slot(position, key, adapt)
                    for key, given in params.items()
                    for adapt in _adapters(given, connection)
                    if adapt(stand_ins[key]) == probed and adapt(given) == value
                ),
                None,
            )
            if slot is None:
                raise NotFixedShape(f"{name} 的第 {position + 1} 個 SQL 參數不是原樣傳入的參數（是由參數算出的值？）")
            slots.append(slot)
        if compiler.has_composite_fields(fields := [column for column, *_ in compiler.select[: compiler.col_count]]):
            raise NotFixedShape(f"{name} 選了複合欄位")
        compiled = _Compiled(
            sql,
            tuple(real),
            tuple(slots),
            tuple((column, tuple(convs), expression) for column, (convs, expression) in compiler.get_converters(fields).items()),
            compiler.col_count if compiler.has_extra_select else None,
        )
        self._alias = alias
        self._compiled[connection] = compiled
        return compiled

    def _run(self, compiled: _Compiled, params: dict) -> list[tuple]:
        connection = connections[self._alias]
        values = list(compiled.params)
        for position, key, adapt in compiled.slots:
            values[position] = adapt(params[key])
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, values)
            rows = cursor.fetchall()
        if compiled.width is not None:
            rows = [row[: compiled.width] for row in rows]
        if not compiled.converters:
            return [tuple(row) for row in rows] if rows and type(rows[0]) is not tuple else rows
        converted = []
        for row in rows:
            row = list(row)
            for column, convs, expression in compiled.converters:
                value = row[column]
                for convert in convs:
                    value = convert(value, expression, connection)
                row[column] = value
            converted.append(tuple(row))
        return converted


def baked_read(build: Callable[..., QuerySet]) -> BakedRead:
    """`build`, a function of keyword parameters that returns a values_list() QuerySet, as a read that compiles
    its SQL once per connection and returns the rows as a list of tuples (the module's docstring has the rules)."""
    return BakedRead(build)
