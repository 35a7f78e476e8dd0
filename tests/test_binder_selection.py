"""佐證資料冊的選擇頁: who sees and changes it, choosing and ordering the files, 研考承辦's own uploads with the
evidence checks, bad input (nothing written), the closed year, and a query count that does not grow with the data."""

from datetime import date

import pytest
import time_machine

from assessments.models import BinderBuild, BinderEntry
from diagnosis.models import Dimension, FocusPoint, Item, Plan
from measures.evidence_files import ACCEPT_ATTR
from measures.models import Measure

from .conftest import PDF_BYTES, copy_measures, count_queries
from .test_binder import IN_2017, pdf_bytes, points_with_measures, sent_file

pytestmark = pytest.mark.django_db
PAGE = "/plans/106/binder/"


@pytest.fixture
def staff(client, user):
    client.force_login(user("secretariat"))
    return user("secretariat")


@pytest.fixture
def travel():
    with time_machine.travel(IN_2017, tick=False):
        yield


@pytest.fixture
def point(plan_106):
    return points_with_measures(plan_106, 1)[0]


def section_url(point, action=""):
    return f"/plans/106/binder/sections/p{point.pk}/{action}"


def test_it_shows_measures_files_and_choices_to_staff(client, plan_106, staff, point, evidence_dir, travel):
    file = sent_file(point.measures.first(), staff, pdf_bytes(1), "成果.pdf", "application/pdf")
    response = client.get(PAGE)
    assert response.status_code == 200
    content = response.content.decode()
    assert point.name in content and "成果.pdf" in content and f'name="include" value="{file.pk}"' in content
    assert "製作資料冊" in content
    assert f'accept="{ACCEPT_ATTR}"' in content  # the evidence files' own list, stated once


@pytest.mark.parametrize(("username", "status"), [("viewer", 200), ("tianmu", 404), ("investigation", 404)])
def test_who_reads_the_page(client, user, plan_106, username, status):
    client.force_login(user(username))
    assert client.get(PAGE).status_code == status


def test_an_outsider_gets_404_everywhere(client, outsider, plan_106, point, evidence_dir):
    client.force_login(outsider)
    assert client.get(PAGE).status_code == 404
    assert client.post(section_url(point), {"include": []}).status_code == 404
    assert client.post("/plans/106/binder/build/").status_code == 404
    assert not BinderBuild.objects.exists()


def test_a_viewer_gets_403_on_every_change(client, user, plan_106, point, staff, evidence_dir, pdf_file, travel):
    file = sent_file(point.measures.first(), staff, pdf_bytes(1), "成果.pdf", "application/pdf")
    client.force_login(user("viewer"))
    assert client.post(section_url(point), {"include": [file.pk]}).status_code == 403
    assert client.post(section_url(point, "upload/"), {"file": pdf_file()}).status_code == 403
    assert client.post("/plans/106/binder/build/").status_code == 403
    assert not BinderEntry.objects.exists() and not BinderBuild.objects.exists()


def test_staff_choose_and_order_the_files(client, plan_106, staff, point, evidence_dir, travel):
    measure = point.measures.first()
    a = sent_file(measure, staff, pdf_bytes(1, "a"), "甲.pdf", "application/pdf")
    b = sent_file(measure, staff, pdf_bytes(1, "b"), "乙.pdf", "application/pdf", unit="wenlin")
    c = sent_file(measure, staff, pdf_bytes(1, "c"), "丙.pdf", "application/pdf", unit="lanya")
    response = client.post(
        section_url(point),
        {"include": [a.pk, b.pk, c.pk], f"position-e{a.pk}": "3", f"position-e{b.pk}": "1", f"position-e{c.pk}": "2"},
    )
    assert response.status_code == 302
    assert list(BinderEntry.objects.order_by("position").values_list("evidence_id", flat=True)) == [b.pk, c.pk, a.pk]
    client.post(section_url(point), {"include": [a.pk, c.pk], f"position-e{a.pk}": "1", f"position-e{c.pk}": "2"})
    assert list(BinderEntry.objects.order_by("position").values_list("evidence_id", "position")) == [
        (a.pk, 1),
        (c.pk, 2),
    ]


def test_another_plans_or_sections_evidence_is_refused_and_nothing_is_written(
    client, plan_106, staff, evidence_dir, travel
):
    point, other_point = points_with_measures(plan_106, 2)
    mine = sent_file(point.measures.first(), staff, pdf_bytes(1), "本重點.pdf", "application/pdf")
    elsewhere = sent_file(
        other_point.measures.first(), staff, pdf_bytes(1), "他重點.pdf", "application/pdf", unit="wenlin"
    )
    response = client.post(section_url(point), {"include": [mine.pk, elsewhere.pk]}, follow=True)
    assert "不屬於此評核重點" in response.content.decode()
    assert not BinderEntry.objects.exists()
    response = client.post(section_url(point), {"include": ["abc"]}, follow=True)
    assert "整數" in response.content.decode() and not BinderEntry.objects.exists()
    other_plan = Plan.objects.create(
        organization=plan_106.organization,
        year=107,
        title="107 年度計畫",
        start_date=date(2018, 1, 1),
        end_date=date(2018, 12, 31),
    )
    dimension = Dimension.objects.create(plan=other_plan, position=1, name="基礎服務", points=200)
    item = Item.objects.create(dimension=dimension, position=1, name="服務一致及正確")
    foreign = FocusPoint.objects.create(item=item, position=1, name="他計畫的重點")
    assert client.post(f"/plans/106/binder/sections/p{foreign.pk}/", {"include": [mine.pk]}).status_code == 404
    other_measure = Measure.objects.create(
        plan=other_plan, item=item, focus_point=foreign, source="form2", name="他計畫措施"
    )
    theirs = sent_file(other_measure, staff, pdf_bytes(1), "他計畫.pdf", "application/pdf")
    response = client.post(section_url(point), {"include": [theirs.pk]}, follow=True)
    assert "不屬於此評核重點" in response.content.decode() and not BinderEntry.objects.exists()
    assert client.post("/plans/106/binder/sections/x1/", {"include": [mine.pk]}).status_code == 404


def test_a_draft_files_id_is_refused(client, plan_106, staff, point, evidence_dir, travel):
    from measures.models import ProgressReport

    draft = sent_file(
        point.measures.first(), staff, pdf_bytes(1), "草稿.pdf", "application/pdf", status=ProgressReport.Status.DRAFT
    )
    client.post(section_url(point), {"include": [draft.pk]})
    assert not BinderEntry.objects.exists()


def test_staff_upload_their_own_file_with_the_evidence_checks(
    client, plan_106, staff, point, evidence_dir, pdf_file, travel
):
    response = client.post(section_url(point, "upload/"), {"file": pdf_file("簽呈.pdf", pdf_bytes(1))})
    assert response.status_code == 302
    entry = BinderEntry.objects.get()
    assert entry.is_own and entry.original_name == "簽呈.pdf" and entry.focus_point == point
    assert client.get(f"/plans/106/binder/files/{entry.pk}/").status_code == 200
    client.post(f"/plans/106/binder/files/{entry.pk}/remove/")
    assert not BinderEntry.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("病毒.pdf", b"MZ\x90\x00 not a pdf at all", "不接受此檔案類型"),
        ("空白.pdf", b"", "空"),
        ("太大.pdf", PDF_BYTES + b" " * 3000, "超過上限"),
    ],
)
def test_a_bad_upload_is_refused_beside_the_field_and_nothing_is_written(
    client, plan_106, staff, point, evidence_dir, pdf_file, settings, travel, name, data, message
):
    settings.EVIDENCE_MAX_BYTES = 2000
    response = client.post(section_url(point, "upload/"), {"file": pdf_file(name, data)})
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content and f'id="upload-p{point.pk}-error"' in content
    assert not BinderEntry.objects.exists()
    assert not list(evidence_dir.rglob("*.pdf"))


def test_after_the_year_is_closed_nothing_changes(client, plan_106, staff, point, evidence_dir, pdf_file):
    with time_machine.travel(IN_2017, tick=False):
        file = sent_file(point.measures.first(), staff, pdf_bytes(1), "成果.pdf", "application/pdf")
    Plan.objects.filter(pk=plan_106.pk).update(closing_date=date(2018, 1, 10))  # today, 106 is long closed
    response = client.post(section_url(point), {"include": [file.pk]}, follow=True)
    assert "結算" in response.content.decode()
    client.post(section_url(point, "upload/"), {"file": pdf_file()})
    assert not BinderEntry.objects.exists()
    assert 'name="include"' not in client.get(PAGE).content.decode()


def test_the_page_costs_the_same_queries_with_ten_times_the_data(client, plan_106, staff, evidence_dir, travel):
    points = points_with_measures(plan_106, 3)

    def add_files(count):
        for n in range(count):
            for point in points:
                file = sent_file(
                    point.measures.first(),
                    staff,
                    b"%PDF-1.4 x %%EOF",
                    f"f{n}.pdf",
                    "application/pdf",
                    month=1 + n % 5,
                    unit=("tianmu", "wenlin", "lanya")[n % 3],
                )
                BinderEntry.objects.get_or_create(
                    plan=plan_106,
                    item=point.item,
                    focus_point=point,
                    evidence=file,
                    defaults={"position": n, "added_by": staff},
                )

    def count():
        return count_queries(lambda: client.get(PAGE))

    add_files(2)
    few = count()
    copy_measures(plan_106, 9)
    add_files(20)
    BinderBuild.objects.bulk_create(
        [BinderBuild(plan=plan_106, as_of=date(2017, 5, 31), requested_by=staff, state="done") for _ in range(12)]
    )
    assert count() == few


def done_build(plan, user) -> BinderBuild:
    """A finished build of `plan` with a stored PDF and zip."""
    from django.core.files.base import ContentFile

    from measures.models.evidence import evidence_storage

    storage = evidence_storage()
    return BinderBuild.objects.create(
        plan=plan,
        as_of=date(2017, 5, 31),
        requested_by=user,
        state=BinderBuild.State.DONE,
        pdf=storage.save(f"binders/builds/{plan.pk}/x.pdf", ContentFile(PDF_BYTES)),
        archive=storage.save(f"binders/builds/{plan.pk}/x.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18)),
    )


def test_downloads_of_another_plan_or_precinct_or_an_unfinished_build_are_404(
    client, outsider, plan_106, staff, point, evidence_dir, pdf_file, travel
):
    from diagnosis.models import Unit

    client.post(section_url(point, "upload/"), {"file": pdf_file()})
    mine_entry = BinderEntry.objects.get()
    mine = done_build(plan_106, staff)
    beitou = Unit.objects.get(code="tcpd-beitou")
    other_plan = Plan.objects.create(
        organization=beitou, year=106, title="北投 106", start_date=date(2017, 1, 1), end_date=date(2017, 12, 31)
    )
    item = Item.objects.create(
        dimension=Dimension.objects.create(plan=other_plan, position=1, name="基礎服務", points=200),
        position=1,
        name="服務一致及正確",
    )
    theirs = done_build(other_plan, staff)
    their_entry = BinderEntry.objects.create(
        plan=other_plan,
        item=item,
        position=1,
        added_by=staff,
        file=mine_entry.file.name,
        original_name="北投.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    assert client.get(f"/plans/106/binder/builds/{mine.pk}.pdf").status_code == 200
    assert client.get(f"/plans/106/binder/builds/{mine.pk}.zip").status_code == 200
    assert client.get(f"/plans/106/binder/builds/{mine.pk}.exe").status_code == 404
    assert client.get(f"/plans/106/binder/builds/{theirs.pk}.pdf").status_code == 404
    assert client.get(f"/plans/106/binder/builds/{theirs.pk}.pdf?org=tcpd-beitou").status_code == 404
    assert client.get(f"/plans/106/binder/files/{their_entry.pk}/").status_code == 404
    assert client.post(f"/plans/106/binder/files/{their_entry.pk}/remove/").status_code == 404
    BinderBuild.objects.filter(pk=mine.pk).update(state=BinderBuild.State.RUNNING)
    assert client.get(f"/plans/106/binder/builds/{mine.pk}.pdf").status_code == 404
    BinderBuild.objects.filter(pk=mine.pk).update(state=BinderBuild.State.DONE)
    client.force_login(outsider)
    assert client.get(f"/plans/106/binder/builds/{mine.pk}.pdf").status_code == 404
    assert client.get(f"/plans/106/binder/files/{mine_entry.pk}/").status_code == 404
    assert BinderEntry.objects.count() == 2


def test_bad_positions_and_ids_in_the_choice_are_refused_without_a_500(
    client, plan_106, staff, point, evidence_dir, travel
):
    file = sent_file(point.measures.first(), staff, pdf_bytes(1), "成果.pdf", "application/pdf")
    for data in (
        {"include": [file.pk], f"position-e{file.pk}": "一"},
        {"include": [file.pk], f"position-e{file.pk}": "1.5"},
        {"include": ["99999999999999999999999"]},
        {"include": [""]},
    ):
        response = client.post(section_url(point), data, follow=True)
        assert response.status_code == 200
        content = response.content.decode()
        assert "整數" in content or "不屬於此評核重點" in content
        assert not BinderEntry.objects.exists()
    assert client.post("/plans/106/binder/sections/p99999999999999999999999/", {"include": []}).status_code == 404
    assert client.post("/plans/106/binder/sections/p/", {"include": []}).status_code == 404
    assert client.post("/plans/106/binder/sections/q1/", {"include": []}).status_code == 404


def test_a_chosen_file_whose_measure_moved_to_another_focus_point_can_be_saved_there(
    client, plan_106, staff, evidence_dir, travel
):
    first, second = points_with_measures(plan_106, 2)
    measure = first.measures.first()
    file = sent_file(measure, staff, pdf_bytes(1), "成果.pdf", "application/pdf")
    client.post(section_url(first), {"include": [file.pk]})
    assert BinderEntry.objects.get().focus_point == first
    Measure.objects.filter(pk=measure.pk).update(item=second.item, focus_point=second)  # edited on its own page
    response = client.post(section_url(second), {"include": [file.pk], f"position-e{file.pk}": "1"}, follow=True)
    assert response.status_code == 200 and "已儲存" in response.content.decode()
    entry = BinderEntry.objects.get()
    assert (entry.evidence_id, entry.item_id, entry.focus_point, entry.position) == (file.pk, second.item_id, second, 1)
