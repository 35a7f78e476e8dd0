"""`bench --quick` runs every case on the data present, prints figures, and leaves the data as it was."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from diagnosis.models import Plan
from measures.models import Measure

pytestmark = pytest.mark.django_db


CASES = ["計畫總覽", "單位頁", "計畫樹", "措施頁", "管制考核列表", "管制考核提列", "附表2 xlsx", "附表2 ods",
         "附表1 xlsx", "附表1 ods", "匯入試算", "匯入確認"]


def test_the_quick_bench_prints_every_case_and_changes_nothing(plan_106):
    from django.contrib.auth import get_user_model

    before = Measure.objects.count()
    out = StringIO()
    call_command("bench", "--quick", "--explain", stdout=out)
    text = out.getvalue()
    if connection.vendor == "postgresql":  # the pages reach the data through indexes (small tables aside)
        assert text.count("EXPLAIN：沒有超過 10,000 列的資料表被循序掃描") == 5, text
    else:
        assert "EXPLAIN 檢查只在 PostgreSQL 上執行。" in text
    for case in CASES:
        line = next(line for line in text.splitlines() if line.startswith(case))
        assert "中位數" in line and " ms  查詢 " in line, line
    assert "倍數" not in text and "基準" not in text
    dashboard = next(line for line in text.splitlines() if line.startswith("計畫總覽"))
    assert "每秒" in text and re.search(r"查詢\s+\d+ ", dashboard), dashboard
    # All in a transaction that is rolled back: the 附表1 rows added, the imported measures and the bench's user are gone.
    assert Measure.objects.count() == before
    assert not Measure.objects.filter(name__startswith="效能測試措施").exists()
    assert not get_user_model().objects.filter(username="bench-admin").exists()


def test_run_bench_returns_each_case_with_its_median_and_query_count(plan_106):
    from perf.bench import run_bench

    printed = []
    cases = run_bench(plan=plan_106, quick=True, out=printed.append)
    assert [case.name for case in cases] == CASES
    assert printed == [case.line() for case in cases]
    assert all(case.median_ms > 0 for case in cases)
    assert all(case.queries > 0 for case in cases[:-2]) and [case.queries for case in cases[-2:]] == [None, None]
    assert all(case.seq_scans == () for case in cases)  # no EXPLAIN asked for
    assert cases[-1].line().startswith("匯入確認") and "查詢    —  500 列，每秒 " in cases[-1].line()


def test_a_case_prints_its_median_and_query_count():
    from perf.bench import Case

    assert Case("計畫樹", 12.345, 9, "/plans/106/").line() == "計畫樹        中位數      12.3 ms  查詢    9  /plans/106/"


def test_the_bench_needs_a_plan(db):
    Plan.objects.all().delete()
    with pytest.raises(CommandError, match="沒有可量測的計畫"):
        call_command("bench", "--quick", stdout=StringIO())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN needs PostgreSQL (CI's second run)")
def test_it_names_a_large_table_read_by_a_sequential_scan(plan_106):
    from perf.bench import seq_scans

    with connection.cursor() as cursor:  # make the planner believe measures_measure is large
        cursor.execute("UPDATE pg_class SET reltuples = 1e6 WHERE relname = 'measures_measure'")
    assert seq_scans([("SELECT name FROM measures_measure WHERE content LIKE %s", ["%x%"])]) == ("measures_measure（1,000,000 列）",)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's (CI's second run)")
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_vacuums_the_tables_a_run_writes_to():
    from django.test.utils import CaptureQueriesContext

    from perf.bench import vacuum, written_tables

    with CaptureQueriesContext(connection) as captured:
        vacuum()
    assert [q["sql"] for q in captured.captured_queries] == [f'VACUUM ANALYZE "{table}"' for table in written_tables()]
    assert "measures_measure" in written_tables() and "measures_historicalmeasure" in written_tables()


def test_inside_a_transaction_or_on_sqlite_it_vacuums_nothing(db, django_assert_num_queries):
    from perf.bench import vacuum

    with django_assert_num_queries(0):
        vacuum()


def test_bench_requests_loops_over_a_page_and_changes_nothing(plan_106):
    from django.contrib.auth import get_user_model
    from django.test.utils import CaptureQueriesContext

    out = StringIO()
    with CaptureQueriesContext(connection) as captured:
        call_command("bench_requests", "/plans/106/", "--count", "2", stdout=out)
    # The plan tree reads its framework once per request: 3 warm-ups and the 2 asked for.
    assert sum('FROM "diagnosis_dimension"' in q["sql"] for q in captured.captured_queries) == 5
    assert "已請求 /plans/106/ 暖身 3 次、量測 2 次。" in out.getvalue()
    assert not get_user_model().objects.filter(username="bench-admin").exists()


def test_bench_requests_refuses_a_page_that_does_not_answer_200_and_a_negative_count(db):
    with pytest.raises(CommandError, match="回應 404"):
        call_command("bench_requests", "/plans/999/", stdout=StringIO())
    with pytest.raises(CommandError, match="不可為負數"):
        call_command("bench_requests", "/plans/106/", "--count", "-1", stdout=StringIO())
