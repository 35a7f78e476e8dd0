"""`send_deadline_reminders`: a day before a deadline, once when overdue, once when a report is missing."""

from datetime import date
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from assessments.models import ReminderLog
from assessments.reminders import send_reminders
from measures.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_tomorrow(plan_106):
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    measure.deadline = date(2017, 5, 31)
    measure.save()
    return measure


def test_it_reminds_a_day_before_a_deadline(plan_106, due_tomorrow):
    result = send_reminders(plan_106, date(2017, 5, 30))
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) >= {"secretariat@sq-demo.invalid", "tianmu@sq-demo.invalid", "investigation@sq-demo.invalid"}
    body = by_recipient["investigation@sq-demo.invalid"].body
    assert "「主動服務」明天（106/05/31）到期，目前進度 0%。" in body
    assert "【服務品質管考】106 年度計畫提醒" in by_recipient["investigation@sq-demo.invalid"].subject
    assert result.emails == len(mail.outbox)
    assert "viewer@sq-demo.invalid" not in by_recipient


def test_running_twice_sends_nothing_twice(plan_106, due_tomorrow):
    first = send_reminders(plan_106, date(2017, 5, 30))
    sent = len(mail.outbox)
    assert first.items > 0
    second = send_reminders(plan_106, date(2017, 5, 30))
    assert (second.emails, second.items, len(mail.outbox)) == (0, 0, sent)
    assert ReminderLog.objects.count() == first.items


def test_overdue_is_told_once_and_missing_reports_once_a_month(plan_106, due_tomorrow):
    send_reminders(plan_106, date(2017, 6, 1))
    staff = [m for m in mail.outbox if m.to == ["secretariat@sq-demo.invalid"]][0].body
    assert "「主動服務」已於 106/05/31 逾期，目前進度 0%。" in staff
    mail.outbox.clear()
    send_reminders(plan_106, date(2017, 6, 2))
    assert not any("逾期" in m.body for m in mail.outbox)
    # The April reports of the rows reported monthly were due on 5/5: each is reminded of once.
    assert ReminderLog.objects.filter(kind="missing", key_date=date(2017, 4, 1)).exists()
    assert not ReminderLog.objects.filter(kind="missing", key_date=date(2017, 5, 1)).exists()
    send_reminders(plan_106, date(2017, 6, 30))  # May's were due on 6/5
    assert ReminderLog.objects.filter(kind="missing", key_date=date(2017, 5, 1)).exists()


def test_the_command_takes_a_roc_date_and_says_what_it_did(plan_106, due_tomorrow):
    out = StringIO()
    call_command("send_deadline_reminders", "--as-of", "106/05/30", stdout=out)
    assert "已寄送" in out.getvalue() and "（106/05/30）" in out.getvalue()
    out = StringIO()
    call_command("send_deadline_reminders", "--as-of", "106/05/30", "--dry-run", stdout=out)
    assert "將寄送 0 封提醒，共 0 項" in out.getvalue()
    out = StringIO()
    call_command("send_deadline_reminders", "--as-of", "108/01/01", stdout=out)
    assert "108/01/01 沒有執行中的計畫" in out.getvalue()
    with pytest.raises(CommandError, match="106/02/29 不是有效的日期"):
        call_command("send_deadline_reminders", "--as-of", "106/02/29")


def test_a_failing_mail_server_records_nothing(plan_106, due_tomorrow, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("assessments.reminders.send_mail", refuse)
    with pytest.raises(ConnectionRefusedError):
        send_reminders(plan_106, date(2017, 5, 30))
    assert not ReminderLog.objects.exists()
