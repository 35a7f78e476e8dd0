"""`/plans/106/`: the plan as a tree, for every role that may read it."""

from datetime import date

import pytest
from django.utils import timezone

from diagnosis.models import Plan
from measures.models import Measure

from .conftest import OPEN_UNTIL, count_queries
from .test_dashboards import grow_tenfold

pytestmark = pytest.mark.django_db
OPEN_PLAN = Plan(start_date=date(2017, 1, 1), end_date=date(2017, 12, 31), closing_date=OPEN_UNTIL)  # a year not closed
URL = "/plans/106/"


@pytest.mark.parametrize("username", ["secretariat", "viewer", "tianmu", "investigation"])
def test_it_shows_the_whole_tree(client, user, username):
    client.force_login(user(username))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "個別評核構面-基礎服務（200 分）",
        "整體評核構面-開放創新（100 分）",
        "1、服務一致及正確",
        "(2) 服務及時性",
        "A. 重視民眾申辦案件的處理效率，確保於處理時限內完成。",
        "提供友善服務設施",
        "行政組、秘書室、各單位",
        "賡續辦理",
        "共 37 項措施",
    ]:
        assert text in html
    assert ("新增措施" in html) == (username == "secretariat")
    assert ("上移" in html) == (username == "secretariat")


def test_it_hides_the_plan_from_outsiders_and_strangers(client, outsider):
    assert client.get(URL).status_code == 302
    client.force_login(outsider)
    assert client.get(URL).status_code == 404
    assert client.get("/plans/105/").status_code == 404


def test_it_lists_retired_measures_apart_for_staff(client, user, plan_106):
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="加強宣導市府 e 點通申辦服務")
    measure.retired_at = timezone.now()
    measure.save()
    client.force_login(user("secretariat"))
    html = client.get(URL).content.decode()
    assert "共 36 項措施" in html
    assert html.index("已停用的措施") < html.index("加強宣導市府 e 點通申辦服務")
    client.force_login(user("viewer"))
    assert "加強宣導市府 e 點通申辦服務" not in client.get(URL).content.decode()


def test_it_shows_text_escaped(client, user, plan_106):
    measure = plan_106.measures.get(source=Measure.Source.FORM2, name="主動服務")
    measure.name = '<img src=x onerror="alert(1)">'
    measure.save()
    client.force_login(user("viewer"))
    html = client.get(URL).content.decode()
    assert '<img src=x onerror="alert(1)">' not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html


def test_it_costs_the_same_queries_with_ten_times_the_measures(client, user, plan_106):
    client.force_login(user("secretariat"))
    before = count_queries(lambda: client.get(URL))
    grow_tenfold(plan_106)  # the copies with their lead and support units
    pages = []
    assert count_queries(lambda: pages.append(client.get(URL).content.decode())) == before
    assert "共 370 項措施" in pages[0]


def test_it_links_a_bounded_number_of_other_plans(client, user, plan_106):
    from datetime import date

    from diagnosis.access import OTHER_PLANS_SHOWN
    from diagnosis.models import Plan, Unit
    from diagnosis.unit_tree import unit_save

    bureau = Unit.objects.get(code="tcpd")
    for n in range(OTHER_PLANS_SHOWN + 5):
        precinct = unit_save(Unit(code=f"extra-{n}", name=f"測試{n}分局", kind=Unit.Kind.PRECINCT, parent=bureau))
        Plan.objects.create(organization=precinct, year=106, title=f"測試{n}", start_date=date(2017, 1, 1), end_date=date(2017, 12, 31))
    client.force_login(user("admin"))
    response = client.get("/plans/106/?org=tcpd-shilin")
    assert len(response.context["other_plans"]) == OTHER_PLANS_SHOWN


@pytest.mark.parametrize("can_edit", [True, False])
def test_a_measure_row_is_drawn_with_its_page_units_deadline_and_for_staff_its_moves(can_edit):
    from datetime import datetime

    from django.template import Context, Template

    from diagnosis.access import PlanAccess
    from measures.tree_measures import TreeMeasure

    def row(**changes):
        measure = TreeMeasure(1, 2, None, "<b>主動服務</b>", "附表2", "", "", None, "/plans/106/measures/1/", "/plans/106/measures/1/move/")
        context = Context({"m": measure._replace(**changes), "access": PlanAccess(plan=OPEN_PLAN, own_staff=can_edit), "csrf_token": "TOKEN"})
        return Template('{% include "measures/_tree_measure.html" %}').render(context)

    html = row()
    assert html.startswith('<li class="tree-measure ps-2 mb-2">\n  <a href="/plans/106/measures/1/">&lt;b&gt;主動服務&lt;/b&gt;</a>')
    assert '<span class="badge text-bg-light border unit-badge">附表2</span>' in html
    assert "承辦單位：（未指定）　完成期限：未訂" in html and html.endswith("</li>")
    moves = html.count('<form method="post" action="/plans/106/measures/1/move/"><input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">')
    assert moves == (2 if can_edit else 0)
    assert ('aria-label="將「&lt;b&gt;主動服務&lt;/b&gt;」上移"' in html) == can_edit
    assert "承辦單位：秘書室　完成期限：賡續辦理" in row(units_display="秘書室", deadline_display="賡續辦理")
    retired = row(retired_at=datetime(2017, 6, 1))
    assert retired.startswith('<li class="tree-measure ps-2 mb-2 retired">') and "<form" not in retired


@pytest.mark.parametrize("can_edit", [True, False])
def test_the_sections_number_items_and_focus_points_escape_text_and_offer_staff_a_new_measure(can_edit):
    from django.template import Context, Template

    from diagnosis.access import PlanAccess
    from diagnosis.framework_tree import FrameworkCriterion, FrameworkDimension, FrameworkFocusPoint, FrameworkItem
    from measures.tree_measures import TreeMeasure

    measure = TreeMeasure(9, 2, 3, "主動服務", "附表2", "秘書室", "賡續辦理", None, "/m/9/", "/m/9/move/")
    with_measure = FrameworkFocusPoint(3, "服務及時性", "", None, [FrameworkCriterion("A.", "<i>即時</i>")], [measure])
    empty = FrameworkFocusPoint(4, "<b>重點</b>", "說明", None)
    items = [FrameworkItem(1, "服務一致", "", None), FrameworkItem(2, "服務友善", "<script>", None, [with_measure, empty])]
    items[1].unlinked_measures = [measure._replace(pk=10, focus_point_id=None, page_url="/m/10/")]
    framework = [FrameworkDimension(7, "基礎服務", "individual", 200, items)]
    context = Context({"framework": framework, "access": PlanAccess(plan=OPEN_PLAN, own_staff=can_edit),
                       "new_measure_url": "/new/", "csrf_token": "T"})
    html = Template('{% include "measures/_tree_sections.html" %}').render(context)
    assert '<h2 class="h4 border-bottom pb-1" id="dimension-7">個別評核構面-基礎服務（200 分）</h2>' in html
    assert '<h3 class="h5" id="item-1">1、服務一致</h3>' in html and '<h3 class="h5" id="item-2">2、服務友善</h3>' in html
    assert '<p class="pre-line">&lt;script&gt;</p>' in html and "<script>" not in html
    assert '<h4 class="h6 mb-1">(1) 服務及時性</h4>' in html and '<h4 class="h6 mb-1">(2) &lt;b&gt;重點&lt;/b&gt;</h4>' in html
    assert "<li>A. &lt;i&gt;即時&lt;/i&gt;</li>" in html and '<p class="mb-1 small">說明</p>' in html
    assert html.count('<li class="tree-measure') == 2 and "分局措施（附表2）" in html and 'href="/m/10/"' in html
    link = '<a class="no-print" href="/new/?focus_point=4">新增措施<span class="visually-hidden">（服務友善／&lt;b&gt;重點&lt;/b&gt;）</span></a>'
    assert html.count("尚無措施。") == 1 and (link in html) == can_edit
    assert html.count("<section") == html.count("</section>") == 3 and html.count("<div") == html.count("</div>") == 3


def test_the_move_forms_share_one_csrf_field_that_the_server_accepts(user, plan_106):
    """The field is masked once per page, not once per form (each masking costs random bytes and a cipher)."""
    import re

    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(user("secretariat"))
    html = client.get(URL).content.decode()
    tokens = re.findall(r'action="/plans/106/measures/\d+/move/"><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert len(tokens) == 2 * plan_106.measures.filter(retired_at__isnull=True).count() and len(set(tokens)) == 1
    move = re.search(r'action="(/plans/106/measures/\d+/move/)"', html).group(1)
    response = client.post(move, {"csrfmiddlewaretoken": tokens[0], "direction": "down"})
    assert response.status_code == 302  # moved, not refused by the CSRF check (403)
