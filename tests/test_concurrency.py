"""Twenty people at once on PostgreSQL: editing one measure and submitting reports for it.

Every write is either committed or refused with the conflict message; no update is lost; the history holds
every committed change."""

import io
import threading
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection, connections

from diagnosis.demo_accounts import demo_accounts_create
from diagnosis.models import Plan, Unit
from measures.measure_writes import EditConflict, measure_update
from measures.models import Measure, ProgressReport
from measures.report_writes import ReportStateError, report_save

from .conftest import OPEN_UNTIL

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL (CI runs it)"),
]
THREADS = 20


def run_at_once(work):
    """Run work(i) in THREADS threads released together; return what each returned or raised."""
    barrier = threading.Barrier(THREADS)
    results = [None] * THREADS

    def target(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # collected and checked by the test
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def measure():
    call_command("load_plan", stdout=io.StringIO())
    Plan.objects.filter(year=106).update(closing_date=OPEN_UNTIL)  # as tests/conftest.py keeps it: open
    demo_accounts_create()
    return Measure.objects.get(source="form2", name="主動服務")


def test_twenty_editors_of_one_measure(measure, django_user_model):
    staff = django_user_model.objects.get(username="secretariat")

    def edit(i):
        current = Measure.objects.prefetch_related("lead_units", "support_units").get(pk=measure.pk)
        return measure_update(
            measure=current, user=staff, expected_version=current.version,
            lead_units=list(current.lead_units.all()), support_units=list(current.support_units.all()),
            content=f"第 {i} 位的內容",
        )

    results = run_at_once(edit)
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, EditConflict)]
    assert not unexpected, unexpected
    committed = [r for r in results if isinstance(r, Measure)]
    refused = [r for r in results if isinstance(r, EditConflict)]
    assert committed and len(committed) + len(refused) == THREADS
    assert all("已被其他人修改" in str(r) for r in refused)
    final = Measure.objects.get(pk=measure.pk)
    assert final.version == 1 + len(committed)
    edits = list(final.history.filter(history_type="~").order_by("version"))
    assert [h.version for h in edits] == list(range(2, 2 + len(committed)))
    assert {h.content for h in edits} == {m.content for m in committed}
    assert final.content == edits[-1].content


def test_twenty_reports_at_once(measure, django_user_model):
    head = django_user_model.objects.get(username="tianmu")
    tianmu = Unit.objects.get(code="shilin-tianmu")

    def submit(i):
        # Half of them race for the same month; the others each report their own month.
        month = 5 if i % 2 else 1 + i // 2
        return report_save(
            measure=measure, unit=tianmu, period=date(2017, month, 1), user=head,
            narrative=f"第 {i} 份", progress=i, actuals={}, submit=True,
        )

    results = run_at_once(submit)
    unexpected = [r for r in results if isinstance(r, Exception) and not isinstance(r, ReportStateError)]
    assert not unexpected, unexpected
    refused = [r for r in results if isinstance(r, ReportStateError)]
    assert all("該月份已有填報" in str(r) for r in refused)
    saved = ProgressReport.objects.filter(measure=measure, unit=tianmu)
    assert saved.count() == THREADS - len(refused)
    assert saved.filter(period=date(2017, 5, 1)).count() == 1
    assert len(refused) >= THREADS // 2 - 1  # every racer for May but one (one even thread also reports May)
