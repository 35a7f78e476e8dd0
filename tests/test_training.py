"""教育訓練: sessions with their attendance by unit, the indicator they count toward, the pages and who may do what."""

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.indicators import indicator_actuals, training_summary
from assessments.models import TrainingAttendance, TrainingSession
from assessments.training_writes import training_attendance_save, training_session_save
from diagnosis.models import Unit
from measures.models import Indicator, IndicatorActual, Measure, ProgressReport

from .conftest import count_queries, unit

pytestmark = pytest.mark.django_db
LIST = "/plans/106/training/"
NEW = "/plans/106/training/new/"


@pytest.fixture
def lecture_indicator(plan_106) -> Indicator:
    """附表1 服務人員專業度: 辦理策略專業職能講習班期, 106 年目標值 20 場."""
    return Indicator.objects.select_related("measure").get(measure__plan=plan_106, name="辦理策略專業職能講習班期")


def session(plan, user, held_on=date(2017, 5, 10), indicator=None, hours="2", expert=True, attendance=None, topic="服務禮儀講習"):
    return training_session_save(
        plan=plan,
        user=user,
        values={
            "held_on": held_on, "topic": topic, "speaker": "王教授", "speaker_title": "國立臺北大學公共行政學系",
            "speaker_is_expert": expert, "hours": Decimal(hours), "place": "分局大禮堂",
            "organizer": unit("shilin-secretariat"), "indicator": indicator, "notes": "",
        },
        attendance=attendance or {},
    )


def form_data(plan, **changes):
    data = {
        "held_on": "106/05/10", "topic": "提升服務品質講習", "speaker": "陳老師", "speaker_title": "世新大學",
        "speaker_is_expert": "on", "hours": "2", "place": "分局大禮堂",
        "organizer": unit("shilin-secretariat").pk, "indicator": "", "notes": "",
    }
    for u in Unit.objects.filter(parent=plan.organization):
        data[f"unit_{u.pk}"] = ""
    data.update(changes)
    return data


# --- recording a session ---


def test_it_records_a_session_with_every_units_attendance_on_one_page(client, user, plan_106, lecture_indicator):
    client.force_login(user("secretariat"))
    page = client.get(NEW).content.decode()
    assert "辦理策略專業職能講習班期" in page and "天母派出所" in page and "例：106/05/31" in page
    tianmu, investigation = unit("shilin-tianmu"), unit("shilin-investigation")
    response = client.post(NEW, form_data(
        plan_106, indicator=lecture_indicator.pk, hours="1.5", **{f"unit_{tianmu.pk}": "12", f"unit_{investigation.pk}": "0"}
    ))
    saved = TrainingSession.objects.get()
    assert response["Location"] == reverse("assessments:training", kwargs={"year": 106, "pk": saved.pk})
    assert (saved.held_on, saved.hours, saved.indicator, saved.recorded_by.username) == (
        date(2017, 5, 10), Decimal("1.5"), lecture_indicator, "secretariat"
    )
    assert dict(saved.attendances.values_list("unit__code", "attendees")) == {"shilin-tianmu": 12, "shilin-investigation": 0}
    detail = client.get(response["Location"]).content.decode()
    assert "106年5月10日" in detail and "12 人次" in detail and "由教育訓練紀錄自動計算" in detail


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"held_on": "106/02/30"}, "106/02/30 不是有效的日期"),
        ({"held_on": "107/01/05"}, "辦理日期應在計畫執行期程內（106/01/01至106/12/31）。"),
        ({"hours": "0"}, "時數須大於 0。"),
        ({"hours": "兩小時"}, "時數請輸入數字"),
        ({"topic": "   "}, "請填寫主題。"),
        ({"unit_TIANMU": "-3"}, "天母派出所的參訓人數不可為負數。"),
        ({"unit_TIANMU": "三十"}, "天母派出所的參訓人數請輸入整數。"),
    ],
)
def test_bad_input_gets_a_chinese_error_and_writes_nothing(client, user, plan_106, changes, message):
    client.force_login(user("secretariat"))
    tianmu = unit("shilin-tianmu")
    changes = {key.replace("TIANMU", str(tianmu.pk)): value for key, value in changes.items()}
    valid_attendance = {f"unit_{unit('shilin-investigation').pk}": "8"}
    response = client.post(NEW, form_data(plan_106, **{**valid_attendance, **changes}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TrainingSession.objects.exists() and not TrainingAttendance.objects.exists()


def test_it_refuses_an_indicator_of_another_plan_or_one_not_counted_in_sessions(client, user, plan_106, lecture_indicator):
    percent = Indicator.objects.create(measure=lecture_indicator.measure, name="滿意度", unit="%", target_value=90, position=9)
    client.force_login(user("secretariat"))
    response = client.post(NEW, form_data(plan_106, indicator=percent.pk))
    assert response.status_code == 400 and "請選擇本計畫使用中、以場、人次或小時計的績效指標。" in response.content.decode()
    with pytest.raises(ValidationError) as error:
        session(plan_106, user("secretariat"), indicator=percent)
    assert "無法由教育訓練計算" in str(error.value)
    assert not TrainingSession.objects.exists()


def test_a_wrong_attendance_row_undoes_the_whole_session(plan_106, user):
    outside = Unit.objects.get(code="tcpd-training")
    with pytest.raises(ValidationError):
        session(plan_106, user("secretariat"), attendance={unit("shilin-tianmu"): 5, outside: None, unit("shilin-wenlin"): -1})
    assert not TrainingSession.objects.exists() and not TrainingAttendance.objects.exists()


def test_staff_edit_and_delete_a_session(client, user, plan_106):
    staff = user("secretariat")
    saved = session(plan_106, staff, attendance={unit("shilin-tianmu"): 5})
    client.force_login(staff)
    edit = reverse("assessments:training_edit", kwargs={"year": 106, "pk": saved.pk})
    page = client.get(edit).content.decode()
    assert 'value="106/05/10"' in page and f'name="unit_{unit("shilin-tianmu").pk}" value="5"' in page
    response = client.post(edit, form_data(
        plan_106, topic="服務禮儀講習（第二場）", opened_version=opened_version(page), **{f"unit_{unit('shilin-tianmu').pk}": ""}
    ))
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.topic == "服務禮儀講習（第二場）" and not saved.attendances.exists()
    delete = reverse("assessments:training_delete", kwargs={"year": 106, "pk": saved.pk})
    # Deleting asks first: the detail page links to a confirmation page, which deletes nothing by itself.
    assert f'href="{delete}"' in client.get(reverse("assessments:training", kwargs={"year": 106, "pk": saved.pk})).content.decode()
    confirm = client.get(delete).content.decode()
    assert "刪除教育訓練「服務禮儀講習（第二場）」" in confirm and "106年5月10日" in confirm and "確定刪除教育訓練" in confirm
    assert TrainingSession.objects.filter(pk=saved.pk).exists()
    assert client.post(delete)["Location"] == LIST
    assert not TrainingSession.objects.exists()


def opened_at(page: str) -> str:
    """When the attendance page was opened (its hidden field)."""
    return re.search(r'<input type="hidden" name="opened_at" value="([^"]+)"', page).group(1)


def opened_version(page: str) -> str:
    """The session's version the edit form was opened with (its hidden field)."""
    return re.search(r'<input type="hidden" name="opened_version" value="([^"]+)"', page).group(1)


def snapshot(saved):
    """What a refused save must leave alone: the session's fields and attendance, and every history entry."""
    saved.refresh_from_db()
    return (
        saved.topic, saved.updated_at, dict(saved.attendances.values_list("unit__code", "attendees")),
        TrainingSession.history.count(), TrainingAttendance.history.count(),
    )


def test_two_saves_from_the_same_opened_form_the_second_is_refused(client, user, plan_106):
    saved = session(plan_106, user("secretariat"), attendance={unit("shilin-tianmu"): 5})
    edit = reverse("assessments:training_edit", kwargs={"year": 106, "pk": saved.pk})
    client.force_login(user("secretariat"))
    version = opened_version(client.get(edit).content.decode())
    tianmu = f"unit_{unit('shilin-tianmu').pk}"
    assert client.post(edit, form_data(plan_106, topic="第一次儲存", opened_version=version, **{tianmu: "6"})).status_code == 302
    before = snapshot(saved)
    # The same opened form saved again (a second tab, a resubmission): it never showed the first save.
    again = client.post(edit, form_data(plan_106, topic="第二次儲存", opened_version=version, **{tianmu: "1"}))
    assert again.status_code == 400
    assert "此場次在您開啟表單後已被您（在其他視窗或分頁）修改，請重新載入後再儲存。" in again.content.decode()
    assert snapshot(saved) == before and before[0] == "第一次儲存" and before[2] == {"shilin-tianmu": 6}
    # Reloaded, the form saves.
    fresh = opened_version(client.get(edit).content.decode())
    assert fresh != version
    assert client.post(edit, form_data(plan_106, topic="第二次儲存", opened_version=fresh, **{tianmu: "1"})).status_code == 302
    saved.refresh_from_db()
    assert saved.topic == "第二次儲存" and saved.attendances.get().attendees == 1


def test_a_unit_heads_correction_is_not_overwritten_by_a_form_opened_before_it(client, user, plan_106):
    tianmu, investigation = unit("shilin-tianmu"), unit("shilin-investigation")
    saved = session(plan_106, user("secretariat"), attendance={tianmu: 5, investigation: 7})
    edit = reverse("assessments:training_edit", kwargs={"year": 106, "pk": saved.pk})
    client.force_login(user("secretariat"))
    version = opened_version(client.get(edit).content.decode())
    client.force_login(user("tianmu"))
    attendance_url = reverse("assessments:training_attendance", kwargs={"year": 106, "pk": saved.pk})
    page = client.get(attendance_url).content.decode()
    assert client.post(attendance_url, {f"unit_{tianmu.pk}": "9", "opened_at": opened_at(page)}).status_code == 302
    before = snapshot(saved)
    client.force_login(user("secretariat"))
    stale = client.post(edit, form_data(
        plan_106, topic="改主題", opened_version=version, **{f"unit_{tianmu.pk}": "5", f"unit_{investigation.pk}": "7"}
    ))
    assert stale.status_code == 400
    assert "此場次在您開啟表單後已被 天母所長 修改，請重新載入後再儲存。" in stale.content.decode()
    assert snapshot(saved) == before and before[2] == {"shilin-tianmu": 9, "shilin-investigation": 7}


def test_a_session_form_without_its_version_is_refused(client, user, plan_106):
    saved = session(plan_106, user("secretariat"))
    client.force_login(user("secretariat"))
    edit = reverse("assessments:training_edit", kwargs={"year": 106, "pk": saved.pk})
    for version in ["", "昨天", "2017-05-10T10:00:00"]:  # missing, not a time, without a time zone
        response = client.post(edit, form_data(plan_106, topic="改主題", opened_version=version))
        assert response.status_code == 400 and "此表單缺少開啟時的版本資訊，請重新載入後再儲存。" in response.content.decode()
    saved.refresh_from_db()
    assert saved.topic == "服務禮儀講習"


def test_only_a_real_attendance_change_touches_the_session(plan_106, user):
    tianmu = unit("shilin-tianmu")
    saved = session(plan_106, user("secretariat"), attendance={tianmu: 5})
    version = TrainingSession.objects.get(pk=saved.pk).updated_at
    training_attendance_save(session=saved, user=user("tianmu"), attendance={tianmu: 5}, allowed_units=[tianmu])
    assert TrainingSession.objects.get(pk=saved.pk).updated_at == version  # nothing changed: an open form stays good
    training_attendance_save(session=saved, user=user("tianmu"), attendance={tianmu: 6}, allowed_units=[tianmu])
    assert TrainingSession.objects.get(pk=saved.pk).updated_at > version
    assert TrainingSession.history.filter(id=saved.pk).count() == 1  # the touch adds no history entry of its own
    with pytest.raises(ValidationError, match="此場次在您開啟表單後已被 天母所長 修改，請重新載入後再儲存。"):
        training_session_save(plan=plan_106, user=user("secretariat"), session=saved, opened_version=version,
                              values={"topic": "改主題"}, attendance={tianmu: 1})
    assert TrainingSession.objects.get(pk=saved.pk).topic == "服務禮儀講習"
    assert saved.attendances.get().attendees == 6


# --- who may do what ---


def test_a_unit_head_changes_only_their_own_units_attendance(client, user, plan_106):
    tianmu, investigation = unit("shilin-tianmu"), unit("shilin-investigation")
    saved = session(plan_106, user("secretariat"), attendance={tianmu: 5, investigation: 7})
    url = reverse("assessments:training_attendance", kwargs={"year": 106, "pk": saved.pk})
    client.force_login(user("tianmu"))
    page = client.get(url).content.decode()
    assert "您只能填寫本單位的參訓人數" in page
    assert f'name="unit_{investigation.pk}" value="7"' in page and "disabled" in page
    # The other unit's value in the POST is ignored: a disabled field keeps its stored value.
    response = client.post(url, {f"unit_{tianmu.pk}": "9", f"unit_{investigation.pk}": "99", "opened_at": opened_at(page)})
    assert response.status_code == 302
    assert dict(saved.attendances.values_list("unit__code", "attendees")) == {"shilin-tianmu": 9, "shilin-investigation": 7}
    bad = client.post(url, {f"unit_{tianmu.pk}": "-1", "opened_at": opened_at(page)})
    assert bad.status_code == 400 and "天母派出所的參訓人數不可為負數。" in bad.content.decode()
    assert saved.attendances.get(unit=tianmu).attendees == 9
    # Neither the session nor any other unit's row is theirs to change.
    assert client.get(reverse("assessments:training_edit", kwargs={"year": 106, "pk": saved.pk})).status_code == 403
    with pytest.raises(Exception, match="只能填寫本單位"):
        training_attendance_save(session=saved, user=user("tianmu"), attendance={investigation: 1}, allowed_units=[tianmu])


def test_viewers_read_and_get_403_on_any_change(client, user, plan_106):
    saved = session(plan_106, user("secretariat"))
    client.force_login(user("viewer"))
    assert client.get(LIST).status_code == 200
    assert client.get(reverse("assessments:training", kwargs={"year": 106, "pk": saved.pk})).status_code == 200
    assert client.post(NEW, form_data(plan_106)).status_code == 403
    for name in ["training_edit", "training_attendance", "training_delete"]:
        assert client.post(reverse(f"assessments:{name}", kwargs={"year": 106, "pk": saved.pk})).status_code == 403
    assert TrainingSession.objects.count() == 1


def test_outsiders_get_404(client, user, plan_106, outsider):
    saved = session(plan_106, user("secretariat"))
    client.force_login(outsider)
    assert client.get(LIST).status_code == 404
    for name in ["training", "training_edit", "training_attendance", "training_delete"]:
        url = reverse(f"assessments:{name}", kwargs={"year": 106, "pk": saved.pk})
        assert client.post(url).status_code in (404, 405) and client.get(url).status_code in (404, 405)
    assert client.post(reverse("assessments:training_delete", kwargs={"year": 106, "pk": saved.pk})).status_code == 404


def test_a_session_of_another_plan_is_404(client, user, plan_106):
    other = plan_106.__class__.objects.create(
        organization=plan_106.organization, year=107, title="107", start_date=date(2018, 1, 1), end_date=date(2018, 12, 31)
    )
    saved = session(other, user("secretariat"), held_on=date(2018, 3, 1))
    client.force_login(user("secretariat"))
    assert client.get(reverse("assessments:training", kwargs={"year": 106, "pk": saved.pk})).status_code == 404


# --- the list ---


def test_the_list_filters_by_month_and_unit_with_totals(client, user, plan_106):
    staff = user("secretariat")
    tianmu, investigation = unit("shilin-tianmu"), unit("shilin-investigation")
    session(plan_106, staff, held_on=date(2017, 5, 10), hours="2", attendance={tianmu: 12, investigation: 8}, topic="五月講習")
    session(plan_106, staff, held_on=date(2017, 6, 2), hours="1.5", expert=False, attendance={investigation: 4}, topic="六月講習")
    client.force_login(user("viewer"))
    page = client.get(LIST).content.decode()
    assert "五月講習" in page and "六月講習" in page
    assert "2 場" in page and "3.5 小時" in page and "24 人次" in page and "登錄教育訓練" not in page
    may = client.get(LIST, {"month": "2017-05"}).content.decode()
    assert "五月講習" in may and "六月講習" not in may and "20 人次" in may
    own = client.get(LIST, {"unit": tianmu.pk}).content.decode()
    assert "五月講習" in own and "六月講習" not in own and "（天母派出所）" in own and "12 人次" in own
    bad = client.get(LIST, {"month": "2017-13"}).content.decode()
    assert "篩選條件無法使用" in bad and "六月講習" in bad


def test_the_list_costs_the_same_queries_with_more_sessions(client, user, plan_106):
    staff = user("secretariat")
    tianmu = unit("shilin-tianmu")
    session(plan_106, staff, attendance={tianmu: 3})
    client.force_login(user("tianmu"))
    before = count_queries(lambda: client.get(LIST, {"unit": tianmu.pk}))
    for day in range(1, 25):
        session(plan_106, staff, held_on=date(2017, 3, day), attendance={tianmu: day, unit("shilin-wenlin"): 1})
    pages = []
    assert count_queries(lambda: pages.append(client.get(LIST, {"unit": tianmu.pk}).content.decode())) == before
    assert "25 場" in pages[0]


def test_the_detail_and_form_pages_cost_the_same_queries_with_every_unit_attending_and_more_sessions(
    client, user, plan_106, lecture_indicator,
):
    staff = user("secretariat")
    client.force_login(staff)

    def counts(saved):
        return [count_queries(lambda: client.get(reverse(name, kwargs={"year": 106, "pk": saved.pk})))  # noqa: B023
                for name in ("assessments:training", "assessments:training_edit")]

    before = counts(session(plan_106, staff, indicator=lecture_indicator, attendance={unit("shilin-tianmu"): 3}))
    units = Unit.objects.filter(parent__code="tcpd-shilin")
    for day in range(1, 10):
        session(plan_106, staff, held_on=date(2017, 4, day), indicator=lecture_indicator, attendance={u: day for u in units})
    crowded = session(plan_106, staff, indicator=lecture_indicator, attendance={u: 2 for u in units})
    assert crowded.attendances.count() == units.count() >= 10
    assert counts(crowded) == before


# --- the indicator it counts toward ---


def reported(measure, indicator, unit_code, value, period=date(2017, 5, 1)):
    report = ProgressReport.objects.create(
        measure=measure, unit=unit(unit_code), period=period, narrative="x", progress=50,
        status=ProgressReport.Status.SUBMITTED, submitted_at=timezone.make_aware(datetime(2017, 5, 20, 10)),
    )
    IndicatorActual.objects.create(report=report, indicator=indicator, value=value)


def test_sessions_make_the_indicators_actual_value_and_reported_values_are_not_added(plan_106, user, lecture_indicator):
    staff = user("secretariat")
    measure = lecture_indicator.measure
    reported(measure, lecture_indicator, "shilin-tianmu", 7)
    before = {p.indicator.pk: p for p in indicator_actuals([measure], date(2017, 5, 31))}[lecture_indicator.pk]
    assert (before.actual, before.from_training) == (Decimal(7), False)
    for day in (3, 10, 24):
        session(plan_106, staff, held_on=date(2017, 5, day), indicator=lecture_indicator)
    session(plan_106, staff, held_on=date(2017, 7, 1), indicator=lecture_indicator)
    progress = {p.indicator.pk: p for p in indicator_actuals([measure], date(2017, 5, 31))}
    lecture = progress[lecture_indicator.pk]
    assert (lecture.actual, lecture.from_training, lecture.rate_display) == (Decimal(3), True, "15.0%")
    assert indicator_actuals([measure], date(2017, 12, 31))[0].actual == Decimal(4)
    # one aggregate of the training sessions, whatever their number
    before = count_queries(lambda: indicator_actuals([measure], date(2017, 5, 31)))
    for day in range(1, 31):
        session(plan_106, staff, held_on=date(2017, 4, day), indicator=lecture_indicator)
    assert count_queries(lambda: indicator_actuals([measure], date(2017, 5, 31))) == before
    assert indicator_actuals([measure], date(2017, 5, 31))[0].actual == Decimal(33)


def test_people_and_hours_indicators_sum_attendance_and_hours(plan_106, user, lecture_indicator):
    staff = user("secretariat")
    measure = lecture_indicator.measure
    people = Indicator.objects.create(measure=measure, name="參訓人次", unit="人次", target_value=400, position=8)
    hours = Indicator.objects.create(measure=measure, name="訓練時數", unit="小時", target_value=40, position=9)
    tianmu, wenlin = unit("shilin-tianmu"), unit("shilin-wenlin")
    session(plan_106, staff, indicator=people, attendance={tianmu: 30, wenlin: 20})
    session(plan_106, staff, indicator=people, attendance={tianmu: 10})
    session(plan_106, staff, indicator=hours, hours="2.5")
    session(plan_106, staff, indicator=hours, hours="1.5")
    progress = {p.indicator.pk: p for p in indicator_actuals([measure], date(2017, 5, 31))}
    assert progress[people.pk].actual == Decimal(60) and progress[hours.pk].actual == Decimal(4)
    # A unit's own share: its attendees; the sessions it organised.
    own = {p.indicator.pk: p for p in indicator_actuals([measure], date(2017, 5, 31), unit=tianmu)}
    assert own[people.pk].actual == Decimal(40) and own[hours.pk].actual == Decimal(0)
    secretariat = {p.indicator.pk: p for p in indicator_actuals([measure], date(2017, 5, 31), unit=unit("shilin-secretariat"))}
    assert secretariat[hours.pk].actual == Decimal(4)


def test_the_measure_page_says_so_and_the_report_form_does_not_ask_for_it(client, user, plan_106):
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")  # 各單位 report on it
    trained = measure.indicators.create(name="服務禮儀講習", unit="場", target_value=4, position=1)
    typed = measure.indicators.create(name="慰問簡訊", unit="件", target_value=40, position=2)
    measure_url = reverse("measures:measure", kwargs={"year": 106, "pk": measure.pk})
    report_url = reverse("measures:report_new", kwargs={"year": 106, "pk": measure.pk})
    client.force_login(user("tianmu"))
    assert "由教育訓練紀錄自動計算" not in client.get(measure_url).content.decode()
    assert f"indicator_{trained.pk}" in client.get(report_url).content.decode()
    session(plan_106, user("secretariat"), indicator=trained)
    assert "實際值由教育訓練紀錄自動計算" in client.get(measure_url).content.decode()
    form = client.get(report_url).content.decode()
    assert f"indicator_{typed.pk}" in form and f"indicator_{trained.pk}" not in form


def test_the_unit_dashboard_shows_the_trained_value_in_the_same_queries_with_ten_times_the_sessions(client, user, plan_106):
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    people = measure.indicators.create(name="服務禮儀講習參訓人次", unit="人次", target_value=40, position=1)
    tianmu = unit("shilin-tianmu")
    session(plan_106, user("secretariat"), held_on=date(2017, 5, 3), indicator=people, attendance={tianmu: 10})
    client.force_login(user("tianmu"))
    url = reverse("assessments:unit", kwargs={"code": "shilin-tianmu"}) + "?as_of=106/05/31"
    pages = []
    before = count_queries(lambda: pages.append(client.get(url).content.decode()))
    assert "服務禮儀講習參訓人次" in pages[0] and "25.0%" in pages[0] and "由教育訓練紀錄自動計算" in pages[0]
    for day in range(1, 10):
        session(plan_106, user("secretariat"), held_on=date(2017, 4, day), indicator=people, attendance={tianmu: 1})
    assert count_queries(lambda: pages.append(client.get(url).content.decode())) == before
    assert "47.5%" in pages[1]


def test_the_training_summary_for_the_dashboard(plan_106, user, lecture_indicator):
    staff = user("secretariat")
    session(plan_106, staff, held_on=date(2017, 4, 1), indicator=lecture_indicator, hours="2", attendance={unit("shilin-tianmu"): 10})
    session(plan_106, staff, held_on=date(2017, 5, 1), hours="3", expert=False, attendance={unit("shilin-wenlin"): 5})
    session(plan_106, staff, held_on=date(2017, 8, 1), indicator=lecture_indicator)
    summary = training_summary(plan_106, date(2017, 5, 31))
    assert (summary.sessions, summary.hours, summary.attendance, summary.expert_sessions) == (2, Decimal(5), 15, 1)
    assert [(i.name, i.actual, i.target, i.rate_display) for i in summary.indicators] == [
        ("辦理策略專業職能講習班期", Decimal(1), Decimal(20), "5.0%")
    ]
    from django.template.loader import render_to_string

    card = render_to_string("assessments/_training_card.html", {"summary": summary, "plan": plan_106})
    assert "2 場" in card and "5 小時" in card and "15 人次" in card and "1／20 場" in card
    # one aggregate of the sessions, whatever their number
    before = count_queries(lambda: training_summary(plan_106, date(2017, 5, 31)))
    for day in range(1, 28):
        session(plan_106, staff, held_on=date(2017, 3, day), indicator=lecture_indicator if day % 2 else None, attendance={unit("shilin-wenlin"): 1})
    assert count_queries(lambda: training_summary(plan_106, date(2017, 5, 31))) == before
    assert training_summary(plan_106, date(2017, 5, 31)).sessions == 29


def test_the_summary_counts_sessions_of_retired_indicators_but_lists_only_current_ones_in_plan_order(plan_106, user, lecture_indicator):
    staff = user("secretariat")
    measure = lecture_indicator.measure
    people = measure.indicators.create(name="參訓人次指標", unit="人次", target_value=100, position=lecture_indicator.position + 1)
    retired = measure.indicators.create(name="停用的指標", unit="場", target_value=4, position=lecture_indicator.position + 2)
    session(plan_106, staff, held_on=date(2017, 3, 1), indicator=people, hours="2", attendance={unit("shilin-tianmu"): 30})
    session(plan_106, staff, held_on=date(2017, 3, 2), indicator=lecture_indicator, hours="1.5", attendance={unit("shilin-tianmu"): 4})
    session(plan_106, staff, held_on=date(2017, 3, 3), indicator=retired, hours="1", attendance={unit("shilin-wenlin"): 6})
    session(plan_106, staff, held_on=date(2017, 12, 1), indicator=people, hours="8", attendance={unit("shilin-wenlin"): 50})
    Indicator.objects.filter(pk=retired.pk).update(retired_at=timezone.now())  # retired after its session was held
    summary = training_summary(plan_106, date(2017, 5, 31))
    # The retired indicator's session counts in the totals; the December one is after the date.
    assert (summary.sessions, summary.hours, summary.attendance, summary.expert_sessions) == (3, Decimal("4.5"), 40, 3)
    assert [(i.name, i.actual) for i in summary.indicators] == [(lecture_indicator.name, Decimal(1)), ("參訓人次指標", Decimal(30))]
    empty = training_summary(plan_106, date(2017, 1, 31))  # before any session: zeros, the indicators at 0
    assert (empty.sessions, empty.hours, empty.attendance, empty.expert_sessions) == (0, Decimal(0), 0, 0)
    assert [(i.name, i.actual) for i in empty.indicators] == [(lecture_indicator.name, Decimal(0)), ("參訓人次指標", Decimal(0))]


# --- hostile input and the admin ---

HOSTILE = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["<script>alert(1)</script>", "=1+1", "\x00", "長" * 10_000, "1e400", "-0", "0.05", "106/13/01", "NaN"]),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(topic=HOSTILE, held_on=HOSTILE, hours=HOSTILE, attendees=HOSTILE)
def test_hostile_input_never_breaks_the_form(client, user, plan_106, topic, held_on, hours, attendees):
    client.force_login(user("secretariat"))
    before = TrainingSession.objects.count(), TrainingAttendance.objects.count()
    data = form_data(plan_106, topic=topic, held_on=held_on, hours=hours, **{f"unit_{unit('shilin-tianmu').pk}": attendees})
    response = client.post(NEW, data)
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert (TrainingSession.objects.count(), TrainingAttendance.objects.count()) == before
        assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_admin_lists_and_opens_a_session(client, user, plan_106):
    saved = session(plan_106, user("secretariat"), attendance={unit("shilin-tianmu"): 4})
    client.force_login(user("admin"))
    assert "服務禮儀講習" in client.get(reverse("admin:assessments_trainingsession_changelist")).content.decode()
    page = client.get(reverse("admin:assessments_trainingsession_change", args=[saved.pk]))
    assert page.status_code == 200 and "參訓人數" in page.content.decode()


def test_an_attendance_form_opened_before_another_change_to_its_units_is_refused(client, user, plan_106):
    """The attendance page: staff overwrite every unit, so any later change refuses their form; a head writes
    only their own unit, so another unit's correction does not get in their way, but staff's change to theirs does."""
    tianmu, investigation = unit("shilin-tianmu"), unit("shilin-investigation")
    saved = session(plan_106, user("secretariat"), attendance={tianmu: 5, investigation: 7})
    url = reverse("assessments:training_attendance", kwargs={"year": 106, "pk": saved.pk})
    client.force_login(user("secretariat"))
    staff_opened = opened_at(client.get(url).content.decode())
    client.force_login(user("tianmu"))
    tianmu_opened = opened_at(client.get(url).content.decode())
    client.force_login(user("investigation"))
    assert client.post(url, {f"unit_{investigation.pk}": "8", "opened_at": opened_at(client.get(url).content.decode())}).status_code == 302
    client.force_login(user("tianmu"))  # 偵查隊's correction is not 天母's: saved
    assert client.post(url, {f"unit_{tianmu.pk}": "9", "opened_at": tianmu_opened}).status_code == 302
    before = snapshot(saved)
    client.force_login(user("secretariat"))  # staff's form showed neither correction: refused, nothing written
    stale = client.post(url, {f"unit_{tianmu.pk}": "5", f"unit_{investigation.pk}": "7", "opened_at": staff_opened})
    assert stale.status_code == 400
    assert "此場次在您開啟表單後已被 天母所長 修改，請重新載入後再儲存。" in stale.content.decode()
    assert snapshot(saved) == before and before[2] == {"shilin-tianmu": 9, "shilin-investigation": 8}
    # Reloaded, staff save; a head's form opened before that is then refused.
    client.force_login(user("tianmu"))
    tianmu_opened = opened_at(client.get(url).content.decode())
    client.force_login(user("secretariat"))
    assert client.post(url, {f"unit_{tianmu.pk}": "4", f"unit_{investigation.pk}": "8", "opened_at": opened_at(client.get(url).content.decode())}).status_code == 302
    client.force_login(user("tianmu"))
    assert client.post(url, {f"unit_{tianmu.pk}": "10", "opened_at": tianmu_opened}).status_code == 400
    assert snapshot(saved)[2] == {"shilin-tianmu": 4, "shilin-investigation": 8}
    # A form without the time it was opened (or with a time without its zone) is refused too.
    for value in ["", "昨天", "2017-05-10T10:00:00"]:
        response = client.post(url, {f"unit_{tianmu.pk}": "10", "opened_at": value})
        assert response.status_code == 400 and "此表單缺少開啟時的版本資訊，請重新載入後再儲存。" in response.content.decode()
    assert snapshot(saved)[2] == {"shilin-tianmu": 4, "shilin-investigation": 8}
