"""The benchmark: each page, export and import timed in one process, printed with its median time and its
query count (the import: its rows per second).

Everything runs in a transaction that is rolled back, so the data present is left as it was.

With `explain`, on PostgreSQL, every SELECT a page ran is also EXPLAINed, and a sequential scan of a table the
statistics put above LARGE_TABLE_ROWS rows is printed under the page: the pages must reach the reports,
planned progress and measures of one plan through indexes, whatever the size of the database."""

import gc
import io
import json
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client
from openpyxl import Workbook

from diagnosis.models import Plan
from measures.exporters import Form1Exporter, Form2Exporter
from measures.importers import TEMPLATE_HEADERS, import_measures
from measures.models import Measure
from measures.models.measures import MeasureLeadUnit, MeasureSupportUnit
from measures.progress import PlanProgress
from sq_portal.sheets import OdsRenderer, XlsxRenderer
from sq_portal.sheets.model import Row

LARGE_TABLE_ROWS = 10_000
BENCH_USERNAME = "bench-admin"


@dataclass(frozen=True)
class Case:
    name: str
    median_ms: float
    queries: int | None
    note: str = ""
    seq_scans: tuple[str, ...] = ()

    def line(self) -> str:
        queries = "—" if self.queries is None else str(self.queries)
        return f"{self.name:<10} 中位數 {self.median_ms:9.1f} ms  查詢 {queries:>4}  {self.note}".rstrip()


@contextmanager
def recording() -> Iterator[list[tuple[str, object]]]:
    """Every statement the database runs inside the block, with its parameters (through the public
    `connection.execute_wrapper`, so it works whatever DEBUG is)."""
    statements: list[tuple[str, object]] = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield statements


def selects(statements: list[tuple[str, object]]) -> list[tuple[str, object]]:
    return [(sql, params) for sql, params in statements if sql.lstrip().upper().startswith("SELECT")]


def median_ms(work: Callable[[], object], repeat: int) -> float:
    """The median time of `repeat` runs of `work`, in milliseconds. The garbage of the cases before is collected
    first, so that a full collection does not fall on whichever run happens to trigger it."""
    gc.collect()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(name: str, work: Callable[[], object], repeat: int, note: str = "") -> tuple[Case, list[tuple[str, object]]]:
    """`work` run once with its statements recorded (the query count, and a warm-up), then timed `repeat` times;
    the case and those statements."""
    with recording() as statements:
        work()
    return Case(name, median_ms(work, repeat), len(statements), note), statements


def seq_scans(statements: list[tuple[str, object]]) -> tuple[str, ...]:
    """The tables above LARGE_TABLE_ROWS rows that PostgreSQL would read by a sequential scan for any of
    `statements`, as 「table（n 列）」; () elsewhere."""
    if connection.vendor != "postgresql":
        return ()
    scanned: set[str] = set()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
            document = cursor.fetchone()[0]
            nodes = [(json.loads(document) if isinstance(document, str) else document)[0]["Plan"]]
            while nodes:
                node = nodes.pop()
                if node.get("Node Type") == "Seq Scan":
                    scanned.add(node["Relation Name"])
                nodes.extend(node.get("Plans", []))
        if not scanned:
            return ()
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s)", [sorted(scanned)])
        sizes = dict(cursor.fetchall())
    return tuple(f"{name}（{int(sizes[name]):,} 列）" for name in sorted(scanned) if sizes.get(name, 0) > LARGE_TABLE_ROWS)


def run_bench(*, plan: Plan, quick: bool, out: Callable[[str], None], explain: bool = False) -> list[Case]:
    """Every case on `plan`, each printed through `out` as it is measured, in a transaction rolled back at the end."""
    vacuum()
    with transaction.atomic():
        cases = all_cases(plan, quick, out, explain)
        transaction.set_rollback(True)
    vacuum()
    return cases


def written_tables() -> list[str]:
    """The tables a run writes to and rolls back: the 附表1 rows and the import's measures, their unit links
    and history rows, the bench's user and its session."""
    written = [Measure, Measure.history.model, MeasureLeadUnit, MeasureSupportUnit, get_user_model(), Session]
    return [model._meta.db_table for model in written]  # Django's documented Model _meta API


def vacuum() -> None:
    """On PostgreSQL (outside a transaction), VACUUM the tables a run writes to, before and after it.

    A rolled-back run leaves about 16,000 dead measure rows at the end of the measures' indexes. Where
    autovacuum is off (as on this project's development machines) they pile up run after run, and the
    planner, which reads the ends of an index to estimate a join, walked through them: after a dozen runs
    planning one plan's unit links took 2.1 ms instead of 0.45 ms, and every figure of the next run was off."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for table in written_tables():
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")


def bench_client() -> Client:
    """A test client logged in as the bench's user (a superuser, created if missing)."""
    user, _ = get_user_model().objects.get_or_create(
        username=BENCH_USERNAME, defaults={"is_superuser": True, "is_staff": True}
    )
    host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"), "localhost")
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def get_page(client: Client, url: str) -> None:
    response = client.get(url, secure=settings.SECURE_SSL_REDIRECT)
    if response.status_code != 200:
        raise RuntimeError(f"{url} 回應 {response.status_code}")


def request_loop(url: str, count: int, warm_up: int = 3) -> None:
    """GET `url` as the bench's user `warm_up` times, then `count` times: the work a profiler or an instruction
    counter wrapped around the whole process measures (`manage.py bench_requests`); call it in a transaction
    that is rolled back (it creates the user and a session)."""
    client = bench_client()
    for _ in range(warm_up):
        get_page(client, url)
    for _ in range(count):
        client.get(url, secure=settings.SECURE_SSL_REDIRECT)


def page_urls(plan: Plan) -> list[tuple[str, str]]:
    """The pages measured, as (name, url); a page the plan has nothing for (no unit, no measure) is left out."""
    org = plan.organization.code
    measure_pk = Measure.objects.filter(plan=plan).order_by("pk").values_list("pk", flat=True).first()
    unit = plan.organization.children.in_tree_order().first()
    as_of = f"{plan.year}/05/31"
    pages = [
        ("計畫總覽", f"/plans/{plan.year}/dashboard/?org={org}&as_of={as_of}"),
        ("單位頁", f"/units/{unit.code}/?as_of={as_of}" if unit else None),
        ("計畫樹", f"/plans/{plan.year}/?org={org}"),
        ("措施頁", f"/plans/{plan.year}/measures/{measure_pk}/?org={org}" if measure_pk else None),
        ("管制考核列表", f"/plans/{plan.year}/reviews/?org={org}"),
    ]
    return [(name, url) for name, url in pages if url]


def all_cases(plan: Plan, quick: bool, out: Callable[[str], None], explain: bool) -> list[Case]:
    repeat = 3 if quick else 15
    cases: list[Case] = []

    def add(case: Case) -> None:
        cases.append(case)
        out(case.line())

    client = bench_client()
    for name, url in page_urls(plan):
        case, statements = measure(name, lambda url=url: get_page(client, url), repeat, url)
        if explain and connection.vendor == "postgresql":
            scans = seq_scans(selects(statements))
            add(replace(case, seq_scans=scans))
            out(f"  EXPLAIN：循序掃描 {'、'.join(scans)}" if scans else f"  EXPLAIN：沒有超過 {LARGE_TABLE_ROWS:,} 列的資料表被循序掃描")
        else:
            add(case)
    if explain and connection.vendor != "postgresql":
        out("EXPLAIN 檢查只在 PostgreSQL 上執行。")
    add(proposals(plan, repeat))
    for renderer in (XlsxRenderer(), OdsRenderer()):
        add(export(f"附表2 {renderer.extension}", lambda: Form2Exporter(plan), renderer, repeat))
    add_form1_rows(plan, 300 if quick else 3000)
    for renderer in (XlsxRenderer(), OdsRenderer()):
        add(export(f"附表1 {renderer.extension}", lambda: Form1Exporter(plan), renderer, 3))
    for case in imports(plan, 500 if quick else 5000):
        add(case)
    return cases


def proposals(plan: Plan, repeat: int) -> Case:
    """What opening a 管制考核 proposes: every measure 逾期, 落後 or 待填報 as of the date."""
    as_of = date(plan.start_date.year, 5, 31)

    def propose():
        progress = PlanProgress.counts(plan, as_of)
        return [m for m in progress.measures if progress.status.get(m.pk) and progress.status[m.pk].status.needs_control]

    return measure("管制考核提列", propose, repeat, f"提列 {len(propose())} 項")[0]


def export(name: str, exporter_factory: Callable[[], object], renderer, repeat: int) -> Case:
    rows = sum(isinstance(row, Row) for row in exporter_factory().rows())
    return measure(name, lambda: renderer.render(exporter_factory()), repeat, f"{rows} 列")[0]


def add_form1_rows(plan: Plan, target: int) -> None:
    """附表1 grown to about `target` rows: the plan's 附表1 rows (or any 50 of its measures) repeated, inside the
    rolled-back transaction."""
    template = list(Measure.objects.filter(plan=plan, source=Measure.Source.FORM1)[:50]) or list(
        Measure.objects.filter(plan=plan)[:50]
    )
    extra: list[Measure] = []
    while template and len(extra) + len(template) < target:
        for m in template:
            extra.append(Measure(plan=plan, item_id=m.item_id, focus_point_id=m.focus_point_id, source=Measure.Source.FORM1,
                                 position=100_001 + len(extra), name=m.name, content=m.content, ongoing=True,
                                 listed_on=plan.start_date))
    Measure.objects.bulk_create(extra, batch_size=2000)


def imports(plan: Plan, rows: int) -> list[Case]:
    """An Excel file of `rows` new measures imported once as a dry run (匯入試算) and once for real (匯入確認),
    each rolled back; the figure is the one run's time, the note its rows per second."""
    item = plan.dimensions.order_by("position").first().items.order_by("position").first()
    book = Workbook()
    sheet = book.active
    sheet.append(TEMPLATE_HEADERS)
    for i in range(rows):
        sheet.append([item.dimension.name, item.name, "", f"效能測試措施{i}", "內容", "", f"{plan.year}/06/30"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    user = get_user_model().objects.get(username=BENCH_USERNAME)
    results = []
    for dry_run, name in ((True, "匯入試算"), (False, "匯入確認")):
        gc.collect()
        started = time.perf_counter()
        with transaction.atomic():
            report = import_measures(plan=plan, data=data, user=user, dry_run=dry_run)
            transaction.set_rollback(True)
        elapsed = (time.perf_counter() - started) * 1000
        if not report.ok:
            raise RuntimeError(report.errors[:3])
        results.append(Case(name, elapsed, None, f"{rows} 列，每秒 {rows / (elapsed / 1000):,.0f} 列"))
    return results
