"""`bench --quick` runs every case on the data present, prints figures, and leaves the data as it was."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from diagnosis.models import Plan
from measures.models import Measure

pytestmark = pytest.mark.django_db


def test_the_quick_bench_prints_every_case_and_changes_nothing(plan_106):
    before = Measure.objects.count()
    out = StringIO()
    call_command("bench", "--quick", "--explain", stdout=out)
    text = out.getvalue()
    if connection.vendor == "postgresql":  # the pages reach the data through indexes (small tables aside)
        assert text.count("EXPLAIN：沒有超過 10,000 列的資料表被循序掃描") == 5, text
    else:
        assert "EXPLAIN 檢查只在 PostgreSQL 上執行。" in text
    for case in ["計畫總覽", "單位頁", "計畫樹", "措施頁", "管制考核列表", "管制考核提列", "附表2 xlsx", "附表2 ods",
                 "附表1 xlsx", "附表1 ods", "匯入試算", "匯入確認"]:
        line = next(line for line in text.splitlines() if line.startswith(case))
        assert "中位數" in line and "倍數" in line and "×" in line, line
    dashboard = next(line for line in text.splitlines() if line.startswith("計畫總覽"))
    assert "每秒" in text and "查詢   15" in dashboard  # a superuser (no memberships to read), a plan with no diagnosis round and no survey
    assert Measure.objects.count() == before
    assert not Measure.objects.filter(name__startswith="效能測試措施").exists()


def test_the_bench_needs_a_plan(db):
    Plan.objects.all().delete()
    with pytest.raises(CommandError, match="沒有可量測的計畫"):
        call_command("bench", "--quick", stdout=StringIO())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN needs PostgreSQL (CI's second run)")
def test_it_names_a_large_table_read_by_a_sequential_scan(plan_106):
    from assessments.bench import seq_scans

    with connection.cursor() as cursor:  # make the planner believe measures_measure is large
        cursor.execute("UPDATE pg_class SET reltuples = 1e6 WHERE relname = 'measures_measure'")
    assert seq_scans([("SELECT name FROM measures_measure WHERE content LIKE %s", ["%x%"])]) == ("measures_measure（1,000,000 列）",)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM is PostgreSQL's (CI's second run)")
@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_vacuums_the_tables_a_run_writes_to():
    from django.test.utils import CaptureQueriesContext

    from assessments.bench import _vacuum, _written_tables

    with CaptureQueriesContext(connection) as captured:
        _vacuum()
    assert [q["sql"] for q in captured.captured_queries] == [f'VACUUM ANALYZE "{table}"' for table in _written_tables()]
    assert "measures_measure" in _written_tables() and "measures_historicalmeasure" in _written_tables()


def test_inside_a_transaction_or_on_sqlite_it_vacuums_nothing(db, django_assert_num_queries):
    from assessments.bench import _vacuum

    with django_assert_num_queries(0):
        _vacuum()


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
