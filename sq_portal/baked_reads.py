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

It may also return a QuerySet of model instances (with select_related and annotations): the call then gives the
instances Django would build, by the same steps as Django's ModelIterable (`Model.from_db`, the related
populators of select_related, the annotations), but not prefetch_related (more queries, each built per request)
nor a related manager's QuerySet (`measure.reports…`, which sets the measure on each report): filter by the id.

The function builds a `values_list()` (or model) QuerySet from keyword parameters that are ints, strings, dates or
datetimes, or lists of them, and uses each of them only as a lookup's value, as it is (never `month_start(as_of)`:
pass the month; a string may be a startswith, contains or endswith pattern). A list may also shape the query
(`pk__in=ids`, or a condition per element) as long as the SQL depends on its length only: each length is compiled
once, as SQLAlchemy's expanding parameters are (a list's values must differ from each other, as `__in` would drop
the repeats). A parameter is a list on every call or on none. On the first call on a connection it is built twice,
once with the real parameters and once with unmistakable stand-ins (negative ids, or for a small integer field
32000 and below; strings with a NUL, dates in 1900); the SQL must come out the same, and each parameter that
changed must be one of the stand-ins as the backend writes it. That finds where each parameter goes, and refuses
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
from itertools import count
from typing import NamedTuple
from weakref import WeakKeyDictionary

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators


class NotFixedShape(TypeError):
    """The function does not build one SQL statement whose only variable parts are its parameters, as given."""


class _Slot(NamedTuple):
    position: int  # in the statement's parameters
    name: str  # the keyword parameter it takes
    index: int | None  # the element of that parameter when it is a list, else None
    adapt: Callable[[object], object]  # how the backend writes that parameter's value


class _Instances(NamedTuple):
    """How Django's ModelIterable turns a row of this statement into a model instance (read off the compiler)."""

    alias: str
    model: type[Model]
    start: int  # the model's own columns: row[start:end]
    end: int
    attnames: tuple[str, ...]
    related: tuple  # select_related's RelatedPopulators (stateless: each call populates its own row and object)
    annotations: tuple[tuple[str, int], ...]  # (attribute, column)

    def build(self, row: tuple) -> Model:
        instance = self.model.from_db(self.alias, self.attnames, row[self.start : self.end])
        for populator in self.related:
            populator.populate(row, instance)
        for attribute, column in self.annotations:
            setattr(instance, attribute, row[column])
        return instance


def _instances(queryset: QuerySet, compiler, name: str) -> _Instances:
    if queryset._prefetch_related_lookups:  # noqa: SLF001
        raise NotFixedShape(f"{name} 不能 prefetch_related（每次要另外組查詢）")
    if queryset._known_related_objects:  # noqa: SLF001
        raise NotFixedShape(f"{name} 是關聯管理器的 QuerySet；請改以 id 篩選")
    klass_info, select = compiler.klass_info, compiler.select
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _Instances(
        queryset.db,
        klass_info["model"],
        start,
        end,
        tuple(column[0].target.attname for column in select[start:end]),
        tuple(get_related_populators(klass_info, select, queryset.db)),
        tuple((compiler.annotation_col_map or {}).items()),
    )


class _Compiled(NamedTuple):
    sql: str
    params: tuple  # the statement's parameters, with the first call's values in the slots
    slots: tuple[_Slot, ...]
    converters: tuple[tuple[int, tuple[Callable, ...], object], ...]  # (column, converters, expression)
    width: int | None  # columns to keep of each row when the backend selects more (ordering); None for all
    instances: _Instances | None  # None: the rows themselves (values_list)


_STAND_IN_BASE = date(1900, 1, 1)


def _stand_ins(params: dict, *, small: bool = False) -> dict:
    """For each parameter, a value of its kind that no real parameter has (each element of a list too), no two alike."""
    numbers = count()
    stand_ins = {
        key: [_stand_in(element, next(numbers), small) for element in value]
        if type(value) is list
        else _stand_in(value, next(numbers), small)
        for key, value in sorted(params.items())
    }
    for key, value in params.items():  # a stand-in that is the real value would leave that value in the SQL
        pairs = zip(value, stand_ins[key], strict=True) if type(value) is list else [(value, stand_ins[key])]
        if any(real == stand_in for real, stand_in in pairs):
            raise NotFixedShape(f"baked_read 的參數 {key} 的值正是替身的值：{value!r}")
    return stand_ins


def _stand_in(value, number: int, small: bool = False):
    """A value of `value`'s kind that no real parameter has, different for each parameter. `small`: an integer
    that a small integer field takes (Django turns a lookup with a value out of the field's range, such as a
    negative year, into an empty result): 32000, 31987, …, moved by 7 where it is the real value."""
    if isinstance(value, int) and not isinstance(value, bool):  # ids, and IntegerChoices
        if small:
            return 32_000 - 13 * number - (7 if 32_000 - 13 * number == value else 0)
        return -1_000_000_007 - number
    if isinstance(value, str):  # and TextChoices
        return f"\x00baked-read-{number}"
    if isinstance(value, datetime):
        return datetime(1900, 1, 1, tzinfo=UTC if value.tzinfo else None) + timedelta(seconds=number + 1)
    if isinstance(value, date):
        return _STAND_IN_BASE + timedelta(days=number + 1)
    raise NotFixedShape(f"baked_read 的參數只能是整數、字串、日期或時間（或它們的 list），不是 {type(value).__name__}")


def _identity(value):
    return value


def _adapters(value, connection) -> tuple[Callable[[object], object], ...]:
    """How a backend may write a parameter of `value`'s kind: as it is, as the field adapter for its type, or
    (text) as the LIKE pattern of startswith, contains or endswith (Django's PatternLookup.param_pattern)."""
    if isinstance(value, datetime):
        return (_identity, connection.ops.adapt_datetimefield_value)
    if isinstance(value, date):
        return (_identity, connection.ops.adapt_datefield_value)
    if isinstance(value, str):
        escape = connection.ops.prep_for_like_query
        return (_identity, lambda text: f"{escape(text)}%", lambda text: f"%{escape(text)}%", lambda text: f"%{escape(text)}")
    return (_identity,)


class BakedRead:
    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self._alias: str | None = None
        self._lists: tuple[str, ...] = ()  # the parameters that are lists, whose lengths shape the SQL
        self._compiled: WeakKeyDictionary = WeakKeyDictionary()  # connection → {the lists' lengths: _Compiled}
        update_wrapper(self, build)

    def __call__(self, **params) -> list:
        if self._alias is None:
            return self._run(self._bake(params), params)
        connection = connections[self._alias]
        shape = tuple(len(v) if type(v := params[key]) is list else -1 for key in self._lists) if self._lists else ()
        compiled = self._compiled.get(connection, {}).get(shape)
        return self._run(compiled if compiled is not None else self._bake(params), params)

    def _bake(self, params: dict) -> _Compiled:
        name = self.build.__qualname__
        stand_ins = _stand_ins(params)  # refuses a parameter of another kind before the function sees it
        queryset = self.build(**params)
        if not isinstance(queryset, QuerySet) or queryset._iterable_class not in (ValuesListIterable, ModelIterable):  # noqa: SLF001
            raise NotFixedShape(f"{name} 必須傳回 values_list() 或模型實例的 QuerySet（不是 flat、named 或 values()）")
        alias = queryset.db
        connection = connections[alias]
        compiler = queryset.query.get_compiler(using=alias)
        lists = tuple(sorted(key for key, value in params.items() if type(value) is list))
        if self._alias is not None and lists != self._lists:
            raise NotFixedShape(f"{name} 的參數 {', '.join(lists) or '（無）'} 是 list，前次是 {', '.join(self._lists) or '（無）'}")
        try:
            sql, real = compiler.as_sql()
        except EmptyResultSet as error:
            raise NotFixedShape(f"{name} 的查詢依參數可能不執行（EmptyResultSet）") from error
        try:
            probe_sql, probe = self.build(**stand_ins).query.get_compiler(using=alias).as_sql()
        except EmptyResultSet:  # a negative stand-in out of an integer field's range (a year, a month number)
            stand_ins = _stand_ins(params, small=True)
            try:
                probe_sql, probe = self.build(**stand_ins).query.get_compiler(using=alias).as_sql()
            except EmptyResultSet as error:
                raise NotFixedShape(f"{name} 的查詢依參數可能不執行（EmptyResultSet）") from error
        sources = [
            (key, index, element, stand_ins[key][index]) for key in lists for index, element in enumerate(params[key])
        ] + [(key, None, value, stand_ins[key]) for key, value in params.items() if key not in lists]
        if probe_sql != sql or len(probe) != len(real):
            raise NotFixedShape(f"{name} 的 SQL 隨參數的值而變")
        slots = []
        for position, (value, probed) in enumerate(zip(real, probe, strict=True)):
            if value == probed and type(value) is type(probed):
                continue  # a constant of the query
            slot = next(
                (
                    _Slot(position, key, index, adapt)
                    for key, index, given, stand_in in sources
                    for adapt in _adapters(given, connection)
                    if adapt(stand_in) == probed and adapt(given) == value
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
            _instances(queryset, compiler, name) if queryset._iterable_class is ModelIterable else None,  # noqa: SLF001
        )
        self._alias, self._lists = alias, lists
        self._compiled.setdefault(connection, {})[tuple(len(params[key]) for key in lists)] = compiled
        return compiled

    def _run(self, compiled: _Compiled, params: dict) -> list:
        connection = connections[self._alias]
        values = list(compiled.params)
        for position, key, index, adapt in compiled.slots:
            given = params[key] if index is None else params[key][index]
            if type(given) is list:
                raise NotFixedShape(f"{self.build.__qualname__} 的參數 {key} 前次不是 list")
            values[position] = adapt(given)
        try:
            with connection.cursor() as cursor:
                cursor.execute(compiled.sql, values)
                rows = cursor.fetchall()
        except OverflowError:
            # An integer too large for the database driver (SQLite's is 64 bits), such as an id typed into a
            # URL: Django's own QuerySet knows no row can match it (an empty result, without a query).
            return list(self.build(**params))
        if compiled.width is not None:
            rows = [row[: compiled.width] for row in rows]
        if compiled.converters:
            rows = self._convert(rows, compiled.converters, connection)
        elif rows and type(rows[0]) is not tuple:
            rows = [tuple(row) for row in rows]
        if compiled.instances is not None:
            return [compiled.instances.build(row) for row in rows]
        return rows

    @staticmethod
    def _convert(rows, converters, connection) -> list[tuple]:
        converted = []
        for row in rows:
            row = list(row)
            for column, convs, expression in converters:
                value = row[column]
                for convert in convs:
                    value = convert(value, expression, connection)
                row[column] = value
            converted.append(tuple(row))
        return converted


def as_prefetched(instance: Model, relation: str, objects: list) -> None:
    """Leave `objects` as `instance.<relation>.all()`, as prefetch_related(relation) leaves what it read (Django's
    prefetch_one_level does the same), for a to-many relation read with a baked read instead of a prefetch."""
    manager = getattr(instance, relation)
    queryset = manager.get_queryset()
    queryset._result_cache = objects  # noqa: SLF001
    queryset._prefetch_done = True  # noqa: SLF001
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}  # noqa: SLF001
    instance._prefetched_objects_cache[manager.prefetch_cache_name] = queryset  # noqa: SLF001


def baked_read(build: Callable[..., QuerySet]) -> BakedRead:
    """`build`, a function of keyword parameters that returns a values_list() or model QuerySet, as a read that
    compiles its SQL once per connection and returns the rows as a list of tuples, or of model instances (the
    module's docstring has the rules)."""
    return BakedRead(build)
