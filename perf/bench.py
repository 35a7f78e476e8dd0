"""The benchmark: each page, export and import timed several times in one process, with its query count and
its ratio to a baseline measured in the same run, the two run in turn (page, baseline, page, …) so that a
slow moment of the machine falls on both.

- pages: the same SQL the page ran, executed bare through a cursor (what the ORM, the status logic and the
  templates add on top of the database);
- exports: a bare openpyxl (or odfpy) write of the same cell values;
- import: rows per second, and the ratio to a bare bulk_create of the same rows.
Everything runs in a transaction that is rolled back, so the data present is left as it was.

With `explain`, on PostgreSQL, every SELECT a page ran is also EXPLAINed, and a sequential scan of a table the
statistics put above LARGE_TABLE_ROWS rows is printed under the page: the pages must reach the reports,
planned progress and measures of one plan through indexes, whatever the size of the database."""

import gc
import io
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from openpyxl import Workbook

from diagnosis.models import Plan
from measures.exporters import Form1Exporter, Form2Exporter
from measures.importers import TEMPLATE_HEADERS, import_measures
from measures.models import Measure
from sq_portal.sheets import OdsRenderer, XlsxRenderer
from sq_portal.sheets.model import Row

LARGE_TABLE_ROWS = 10_000


@dataclass(frozen=True)
class Case:
    name: str
    median_ms: float
    queries: int | None
    baseline_ms: float
    note: str = ""
    seq_scans: tuple[str, ...] = ()

    @property
    def ratio(self) -> float:
        return self.median_ms / self.baseline_ms if self.baseline_ms else float("inf")


class _Recorder:
    """Every statement the database runs while active, with its parameters (works in any context)."""

    def __init__(self):
        self.statements: list[tuple[str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, params))
        return execute(sql, params, many, context)

    def __enter__(self):
        self._wrapper = connection.execute_wrapper(self)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)

    def selects(self) -> list[tuple[str, object]]:
        return [(sql, params) for sql, params in self.statements if sql.lstrip().upper().startswith("SELECT")]

    def replay(self) -> None:
        with connection.cursor() as cursor:
            for sql, params in self.selects():
                cursor.execute(sql, params)
                cursor.fetchall()


def _median_ms(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _paired_medians(work: Callable[[], object], baseline: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The median times of `work` and of its `baseline`, run in turn (work, baseline, work, …) so that both
    meet the same moments of the machine: on a shared virtual machine a second of slowness, measured on one
    side only, moved a ratio by a third between two runs."""
    work_times, baseline_times = [], []
    # Each case starts with the garbage of the ones before collected: otherwise a full collection falls on whichever
    # run happens to trigger it. 附表1 ods (three runs of 0.6 s, each building tens of thousands of odfpy elements)
    # read 0.8–1.0× in one version and 1.1–1.3× in the next with its code unchanged; collected first, 0.8–0.9× in both.
    gc.collect()
    for _ in range(repeat):
        for task, times in ((work, work_times), (baseline, baseline_times)):
            started = time.perf_counter()
            task()
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(work_times), statistics.median(baseline_times)


class _Rollback(Exception):
    pass


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
    repeat = 3 if quick else 15
    cases: list[Case] = []
    _vacuum()
    try:
        with transaction.atomic():
            cases = _cases(plan, quick, repeat, out, explain)
            raise _Rollback
    except _Rollback:
        pass
    _vacuum()
    return cases


def _written_tables() -> list[str]:
    """The tables a run writes to and rolls back: the 附表1 rows and the import's measures, their unit links
    and history rows, the bench's user and its session."""
    from django.contrib.sessions.models import Session

    from measures.models.measures import MeasureLeadUnit, MeasureSupportUnit

    models = [Measure, Measure.history.model, MeasureLeadUnit, MeasureSupportUnit, get_user_model(), Session]
    return [model._meta.db_table for model in models]


def _vacuum() -> None:
    """On PostgreSQL (outside a transaction), VACUUM the tables a run writes to, before and after it.

    A rolled-back run leaves about 16,000 dead measure rows at the end of the measures' indexes. Where
    autovacuum is off (as on this project's development machines) they pile up run after run, and the
    planner, which reads the ends of an index to estimate a join, walked through them: after a dozen runs
    planning one plan's unit links took 2.1 ms instead of 0.45 ms, and every figure of the next run was off."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for table in _written_tables():
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")


def _client() -> Client:
    user, _ = get_user_model().objects.get_or_create(username="bench-admin", defaults={"is_superuser": True, "is_staff": True})
    host = next((h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"), "localhost")
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


def request_loop(url: str, count: int, warm_up: int = 3) -> None:
    """GET `url` as the bench's user `warm_up` times, then `count` times: the work a profiler or an instruction
    counter wrapped around the whole process measures (`manage.py bench_requests`); call it in a transaction
    that is rolled back (it creates the user and a session)."""
    client = _client()
    secure = settings.SECURE_SSL_REDIRECT
    for _ in range(warm_up):
        response = client.get(url, secure=secure)
        if response.status_code != 200:
            raise RuntimeError(f"{url} 回應 {response.status_code}")
    for _ in range(count):
        client.get(url, secure=secure)


def _page(client: Client, name: str, url: str, repeat: int, explain: bool) -> Case:
    secure = settings.SECURE_SSL_REDIRECT
    with _Recorder() as recorded:
        response = client.get(url, secure=secure)
    if response.status_code != 200:
        raise RuntimeError(f"{url} 回應 {response.status_code}")
    median, baseline = _paired_medians(lambda: client.get(url, secure=secure), recorded.replay, repeat)
    scans = seq_scans(recorded.selects()) if explain else ()
    return Case(name, median, len(recorded.statements), baseline, url, scans)


def _proposals(plan: Plan, repeat: int) -> Case:
    """What opening a 管制考核 proposes: every measure 逾期, 落後 or 待填報 as of the date."""
    from measures.progress import PlanProgress

    as_of = date(plan.start_date.year, 5, 31)

    def propose():
        progress = PlanProgress.counts(plan, as_of)
        return [m for m in progress.measures if progress.status.get(m.pk) and progress.status[m.pk].status.needs_control]

    with _Recorder() as recorded:
        proposed = propose()
    median, baseline = _paired_medians(propose, recorded.replay, repeat)
    return Case("管制考核提列", median, len(recorded.statements), baseline, f"提列 {len(proposed)} 項")


def _export(name: str, exporter_factory, renderer, repeat: int) -> Case:
    with _Recorder() as recorded:
        renderer.render(exporter_factory())
    values = [[c.value for c in row.cells] for row in exporter_factory().rows() if isinstance(row, Row)]

    def bare_xlsx():
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        for row in values:
            sheet.append(row)
        book.save(io.BytesIO())

    def bare_ods():
        from odf.opendocument import OpenDocumentSpreadsheet
        from odf.table import Table, TableCell, TableRow
        from odf.text import P

        document = OpenDocumentSpreadsheet()
        table = Table(name="t")
        for row in values:
            odf_row = TableRow()
            for value in row:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text="" if value is None else str(value)))
                odf_row.addElement(cell)
            table.addElement(odf_row)
        document.spreadsheet.addElement(table)
        document.write(io.BytesIO())

    median, baseline = _paired_medians(
        lambda: renderer.render(exporter_factory()), bare_xlsx if renderer.extension == "xlsx" else bare_ods, repeat
    )
    return Case(name, median, len(recorded.statements), baseline, f"{len(values)} 列")


def _cases(plan: Plan, quick: bool, repeat: int, out, explain: bool = False) -> list[Case]:
    client = _client()
    org = plan.organization.code
    measure = Measure.objects.filter(plan=plan).order_by("pk").first()
    unit = plan.organization.children.in_tree_order().first()
    as_of = f"{plan.year}/05/31"
    pages = [
        ("計畫總覽", f"/plans/{plan.year}/dashboard/?org={org}&as_of={as_of}"),
        ("單位頁", f"/units/{unit.code}/?as_of={as_of}" if unit else None),
        ("計畫樹", f"/plans/{plan.year}/?org={org}"),
        ("措施頁", f"/plans/{plan.year}/measures/{measure.pk}/?org={org}" if measure else None),
        ("管制考核列表", f"/plans/{plan.year}/reviews/?org={org}"),
    ]
    cases = []
    for name, url in pages:
        if url:
            cases.append(_page(client, name, url, repeat, explain))
            out(_line(cases[-1]))
            if explain and connection.vendor == "postgresql":
                scans = cases[-1].seq_scans
                out(f"  EXPLAIN：循序掃描 {'、'.join(scans)}" if scans else f"  EXPLAIN：沒有超過 {LARGE_TABLE_ROWS:,} 列的資料表被循序掃描")
    if explain and connection.vendor != "postgresql":
        out("EXPLAIN 檢查只在 PostgreSQL 上執行。")
    cases.append(_proposals(plan, repeat))
    out(_line(cases[-1]))
    for renderer in (XlsxRenderer(), OdsRenderer()):
        cases.append(_export(f"附表2 {renderer.extension}", lambda: Form2Exporter(plan), renderer, repeat))
        out(_line(cases[-1]))
    # 附表1 of 3,000 rows (300 with --quick): the plan's 附表1 rows repeated, inside the rolled-back transaction.
    target = 300 if quick else 3000
    template = list(Measure.objects.filter(plan=plan, source=Measure.Source.FORM1)[:50]) or list(Measure.objects.filter(plan=plan)[:50])
    extra, n = [], 0
    while template and len(extra) + len(template) < target:
        for m in template:
            n += 1
            extra.append(Measure(plan=plan, item_id=m.item_id, focus_point_id=m.focus_point_id, source=Measure.Source.FORM1,
                                 position=100_000 + n, name=m.name, content=m.content, ongoing=True, listed_on=plan.start_date))
    Measure.objects.bulk_create(extra, batch_size=2000)
    for renderer in (XlsxRenderer(), OdsRenderer()):
        cases.append(_export(f"附表1 {renderer.extension}", lambda: Form1Exporter(plan), renderer, 3))
        out(_line(cases[-1]))
    cases.extend(_import(plan, 500 if quick else 5000, out))
    return cases


def _import(plan: Plan, rows: int, out) -> list[Case]:
    item = plan.dimensions.order_by("position").first().items.order_by("position").first()
    book = Workbook()
    sheet = book.active
    sheet.append(TEMPLATE_HEADERS)
    for i in range(rows):
        sheet.append([item.dimension.name, item.name, "", f"效能測試措施{i}", "內容", "", f"{plan.year}/06/30"])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    user = get_user_model().objects.get(username="bench-admin")

    def bare():
        with transaction.atomic():
            Measure.objects.bulk_create(
                Measure(plan=plan, item=item, source="form2", position=200_000 + i, name=f"bare{i}", content="內容",
                        deadline=date(plan.start_date.year, 6, 30), listed_on=plan.start_date)
                for i in range(rows)
            )
            transaction.set_rollback(True)

    baseline = _median_ms(bare, 1)
    results = []
    for dry_run, name in ((True, "匯入試算"), (False, "匯入確認")):
        started = time.perf_counter()
        with transaction.atomic():
            report = import_measures(plan=plan, data=data, user=user, dry_run=dry_run)
            transaction.set_rollback(True)
        elapsed = (time.perf_counter() - started) * 1000
        if not report.ok:
            raise RuntimeError(report.errors[:3])
        case = Case(name, elapsed, None, baseline, f"{rows} 列，每秒 {rows / (elapsed / 1000):,.0f} 列")
        results.append(case)
        out(_line(case))
    return results


def _line(case: Case) -> str:
    queries = "—" if case.queries is None else str(case.queries)
    return f"{case.name:<10} 中位數 {case.median_ms:9.1f} ms  查詢 {queries:>4}  基準 {case.baseline_ms:8.1f} ms  倍數 {case.ratio:6.2f}×  {case.note}"
