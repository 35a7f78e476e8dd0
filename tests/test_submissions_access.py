"""書面資料送審, who sees and decides what: a precinct never sees another's submissions (404), unit heads 404, the
bureau's viewers read but may not decide (403), nor may the precinct's own staff; the bureau's list of every
precinct's latest submission; pages whose queries do not grow with the data."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Submission
from diagnosis.models import Membership, Plan, Unit
from diagnosis.unit_tree import unit_save

from .conftest import OPEN_UNTIL
from .test_submissions import make_build, page, submitted

pytestmark = pytest.mark.django_db


def plan_of(unit: Unit, year: int = 106) -> Plan:
    return Plan.objects.create(
        organization=unit,
        year=year,
        title=f"{unit.name} {year} 年度計畫",
        start_date=date(2017, 1, 1),
        end_date=date(2017, 12, 31),
        closing_date=OPEN_UNTIL,
    )


def precinct(code: str, name: str) -> Plan:
    """Another precinct under the bureau with its 106 plan."""
    return plan_of(unit_save(Unit(code=code, name=name, kind=Unit.Kind.PRECINCT, parent=Unit.objects.get(code="tcpd"))))


def member(username: str, unit: Unit, role: str):
    person = get_user_model().objects.create_user(username, password="x-unused-9")
    Membership.objects.create(user=person, unit=unit, role=role)
    return person


@pytest.fixture
def people(db, user, bureau, outsider):
    """Everyone the rules name, by a short key; 北投分局 (the outsider's precinct) has its own plan and staff."""
    beitou = plan_of(Unit.objects.get(code="tcpd-beitou"))
    return {
        "staff": user("secretariat"),
        "viewer": user("viewer"),
        "head": user("tianmu"),
        "outsider": outsider,
        "other_staff": member("beitou-staff", beitou.organization, Membership.Role.STAFF),
        "bureau": bureau,
        "bureau_viewer": user("bureau-viewer"),
        "beitou": beitou,
    }


SHILIN = "?org=tcpd-shilin"
# (page, method) → the status for staff, viewer, head, outsider (another precinct's head), other precinct's staff,
# bureau staff, bureau viewer.
MATRIX = {
    ("submissions", "get"): "200 200 404 404 404 200 200",
    ("submission_new", "get"): "200 403 404 404 404 403 403",
    ("submission_new", "post"): "400 403 404 404 404 403 403",
    ("submission", "get"): "200 200 404 404 404 200 200",
    ("submission_file", "get"): "200 200 404 404 404 200 200",
    ("submission_decide", "get"): "403 403 404 404 404 200 403",
    ("submission_decide", "post"): "403 403 404 404 404 200 403",  # the bureau: its confirmation
}
WHO = ["staff", "viewer", "head", "outsider", "other_staff", "bureau", "bureau_viewer"]


@pytest.mark.parametrize(("name", "method"), list(MATRIX))
def test_who_may_open_which_submission_page(client, evidence_dir, plan_106, people, name, method):
    submission = submitted(plan_106, people["staff"])
    paths = {
        "submissions": page("submissions") + SHILIN,
        "submission_new": page("submission_new") + SHILIN,
        "submission": page("submission", submission),
        "submission_decide": page("submission_decide", submission),
        "submission_file": page("submission_file", submission, kind="form2-xlsx"),
    }
    for who, expected in zip(WHO, MATRIX[name, method].split(), strict=True):
        client.force_login(people[who])
        if method == "get":
            response = client.get(paths[name])
        else:
            response = client.post(paths[name], {"build": submission.build_id, "decision": "accept"})
        assert response.status_code == int(expected), (who, name, method)
        assert Submission.objects.get().is_pending  # nobody here decided anything
    assert Submission.objects.count() == 1


def test_a_precinct_never_sees_another_precincts_submissions(client, evidence_dir, plan_106, people):
    beitou = submitted(people["beitou"], people["other_staff"])
    ours = submitted(plan_106, people["staff"])
    client.force_login(people["staff"])
    for path in (
        page("submission", beitou),
        page("submission_file", beitou, kind="binder-pdf"),
        page("submission_decide", beitou),
        page("submissions") + "?org=tcpd-beitou",
    ):
        assert client.get(path).status_code == 404
    client.force_login(people["other_staff"])
    assert client.get(page("submission", ours)).status_code == 404
    assert client.get(page("submission", beitou)).status_code == 200
    assert client.get(page("submission_decide", beitou)).status_code == 403  # its own: not to decide


def test_the_bureau_lists_every_precincts_latest_submission_pending_first(client, evidence_dir, plan_106, people):
    first = submitted(plan_106, people["staff"])
    Submission.objects.filter(pk=first.pk).update(
        state="returned", decided_at=timezone.now(), decided_by=people["bureau"]
    )
    submitted(people["beitou"], people["other_staff"])
    precinct("tcpd-neihu", "內湖分局")  # a plan not yet sent
    client.force_login(people["bureau"])
    response = client.get(page("bureau_submissions"))
    rows = [(row.plan.organization.name, row.latest.state if row.latest else None) for row in response.context["rows"]]
    assert rows == [("北投分局", "submitted"), ("士林分局", "returned"), ("內湖分局", None)]
    assert "尚未送審" in response.content.decode()
    client.force_login(people["bureau_viewer"])
    assert len(client.get(page("bureau_submissions")).context["rows"]) == 3
    # The bureau's list, like 各機關進度比較, is for the roles above the precincts: a precinct's own staff and viewers
    # find their plan on its own list, not here.
    for who in ("staff", "viewer", "other_staff", "head", "outsider"):
        client.force_login(people[who])
        assert client.get(page("bureau_submissions")).status_code == 404


def test_the_navigation_links_each_side_to_its_list(client, evidence_dir, plan_106, people):
    client.force_login(people["staff"])
    html = client.get(page("submissions")).content.decode()
    assert 'href="/plans/106/submissions/">書面資料送審' in html and "各機關書面資料送審</a>" not in html
    # The list and its 送審 page name the plan they are about, as the detail page does (?org=).
    assert 'href="/plans/106/submissions/new/?org=tcpd-shilin">送審…' in html
    assert 'href="/plans/106/submissions/?org=tcpd-shilin">' in client.get(page("submission_new")).content.decode()
    client.force_login(people["bureau"])
    html = client.get(page("bureau_submissions")).content.decode()
    assert 'href="/submissions/106/">各機關書面資料送審' in html
    client.force_login(people["head"])
    assert "書面資料送審" not in client.get("/").content.decode()


# ---------------------------------------------------------------- queries that do not grow


def count(client, path) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def returned_submissions(plan, user, build, n: int) -> None:
    """`n` more submissions of the plan, each returned (rows written directly: the data of a query-count test)."""
    top = Submission.objects.filter(plan=plan).count()
    now = timezone.now()
    Submission.objects.bulk_create(
        Submission(
            plan=plan,
            number=top + k + 1,
            build=build,
            submitted_by=user,
            submitted_at=now,
            state="returned",
            decided_by=user,
            decided_at=now,
            comment="補正",
            measures=[],
            manifest=build.manifest,
            late=k % 2 == 0,
        )
        for k in range(n)
    )


def test_the_plans_list_costs_the_same_with_ten_times_the_submissions(client, evidence_dir, plan_106, people):
    staff = people["staff"]
    build = make_build(plan_106, staff)
    returned_submissions(plan_106, staff, build, 2)
    client.force_login(staff)
    few = count(client, page("submissions")), count(client, page("submission_new"))
    returned_submissions(plan_106, staff, build, 18)
    assert (count(client, page("submissions")), count(client, page("submission_new"))) == few


def test_the_bureau_list_costs_the_same_with_ten_times_the_precincts(client, evidence_dir, people):
    decider = people["bureau"]

    def precincts(start, n):
        for k in range(start, start + n):
            plan = precinct(f"tcpd-p{k}", f"第{k}分局")
            returned_submissions(plan, decider, make_build(plan, decider), 2)

    precincts(0, 2)
    client.force_login(decider)
    few = count(client, page("bureau_submissions"))
    precincts(2, 18)
    assert count(client, page("bureau_submissions")) == few


def test_a_submission_page_costs_the_same_with_ten_times_the_measures_and_files(client, evidence_dir, plan_106, people):
    staff = people["staff"]
    files = [(f"服務友善/照片{k}.png", f"png {k}".encode()) for k in range(30)]
    first = submitted(plan_106, staff, files=files[:3])
    Submission.objects.filter(pk=first.pk).update(
        state="returned", decided_at=timezone.now(), decided_by=people["bureau"]
    )
    small = submitted(plan_106, staff, files=files[1:4])
    client.force_login(people["bureau"])
    few = count(client, page("submission", small))
    rows = small.measures
    Submission.objects.filter(pk=small.pk).update(
        state="returned",
        decided_at=timezone.now(),
        decided_by=people["bureau"],
        measures=[
            {**row, "id": row["id"] + 100000 * k, "content": f"{row['content']} {k}"} for k in range(10) for row in rows
        ],
    )
    large = submitted(plan_106, staff, files=files)
    assert len(large.manifest) == 10 * len(small.manifest)
    assert count(client, page("submission", large)) == few
