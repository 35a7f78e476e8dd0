"""`setup_demo` and `load_plan`: idempotent, demo accounts only where DEBUG allows them."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from assessments.demo_year import DemoYearResult
from diagnosis.demo_accounts import ALL_DEMO_ACCOUNTS, DEMO_PASSWORD
from diagnosis.models import Membership, Plan, Unit
from measures.models import Measure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_current_year(monkeypatch):
    """These tests are about the 106 plan and the accounts; the current year's demo has its own (test_demo_year)."""
    monkeypatch.setattr(
        "assessments.management.commands.setup_demo.demo_year_create",
        lambda precinct: DemoYearResult(None, False, "（今年度示範計畫另有測試）"),
    )


def snapshot():
    User = get_user_model()
    return (
        Unit.objects.count(),
        Plan.objects.count(),
        Measure.objects.count(),
        list(Measure.objects.order_by("pk").values_list("pk", "name", "content", "responsible_text")),
        Measure.history.count(),
        list(User.objects.order_by("pk").values_list("username", "password")),
        Membership.objects.count(),
    )


def test_it_changes_nothing_when_run_twice(settings):
    settings.DEBUG = True
    call_command("setup_demo", stdout=StringIO())
    before = snapshot()
    out = StringIO()
    call_command("setup_demo", stdout=out)
    assert snapshot() == before
    assert "已存在，未變更" in out.getvalue()
    assert "（新增）" not in out.getvalue()


def test_it_loads_everything_into_an_empty_database(settings):
    settings.DEBUG = True
    Plan.objects.all().delete()
    get_user_model().objects.all().delete()
    out = StringIO()
    call_command("setup_demo", stdout=out)
    text = out.getvalue()
    assert "已載入「臺北市政府警察局士林分局 106 年度提升服務品質細部執行計畫」：37 項措施。" in text
    assert f"示範帳號（密碼皆為 {DEMO_PASSWORD}）" in text
    for account in ALL_DEMO_ACCOUNTS:
        assert account.username in text
        user = get_user_model().objects.get(username=account.username)
        assert user.check_password(DEMO_PASSWORD)
    assert Plan.objects.get(year=106).measures.count() == 37


def test_it_keeps_staff_edits_when_run_again(settings, plan_106):
    settings.DEBUG = True
    measure = plan_106.measures.get(name="主動服務", source=Measure.Source.FORM2)
    measure.content = "研考承辦修訂後的內容"
    measure.save()
    call_command("setup_demo", stdout=StringIO())
    measure.refresh_from_db()
    assert measure.content == "研考承辦修訂後的內容"


def test_it_refuses_demo_accounts_without_debug(settings):
    settings.DEBUG = False
    get_user_model().objects.all().delete()
    with pytest.raises(CommandError, match="DEBUG 未開啟：示範帳號的密碼是公開的"):
        call_command("setup_demo", stdout=StringIO())
    assert not get_user_model().objects.exists()


def test_it_creates_demo_accounts_with_force(settings):
    settings.DEBUG = False
    get_user_model().objects.all().delete()
    call_command("setup_demo", "--force", stdout=StringIO())
    assert get_user_model().objects.filter(username="secretariat").exists()


def test_it_gives_demo_accounts_their_roles(user):
    roles = {m.user.username: (m.unit.name, m.role) for m in Membership.objects.select_related("user", "unit")}
    assert roles == {
        "secretariat": ("士林分局", Membership.Role.STAFF),
        "tianmu": ("天母派出所", Membership.Role.HEAD),
        "investigation": ("偵查隊", Membership.Role.HEAD),
        "viewer": ("士林分局", Membership.Role.VIEWER),
    }
    assert user("admin").is_superuser
    assert not any(user(name).is_staff for name in ["secretariat", "tianmu", "investigation", "viewer"])


def test_it_gives_every_unit_of_the_precinct_a_head(settings):
    settings.DEBUG = True
    call_command("setup_demo", stdout=StringIO())
    heads = dict(
        Membership.objects.filter(role=Membership.Role.HEAD, unit__parent__code="tcpd-shilin").values_list(
            "unit__code", "user__username"
        )
    )
    units = Unit.objects.filter(parent__code="tcpd-shilin").values_list("code", flat=True)
    assert set(heads) == set(units)
    assert heads["shilin-wenlin"] == "wenlin" and heads["shilin-secretariat"] == "secretariat-head"
    assert heads["shilin-tianmu"] == "tianmu" and heads["shilin-investigation"] == "investigation"


def test_it_adds_two_precincts_with_units_heads_and_two_staff_each(settings):
    settings.DEBUG = True
    call_command("setup_demo", stdout=StringIO())
    for code, short in [("tcpd-datong", "datong"), ("tcpd-neihu", "neihu")]:
        precinct = Unit.objects.get(code=code)
        assert precinct.parent.code == "tcpd" and precinct.kind == Unit.Kind.PRECINCT
        units = set(Unit.objects.filter(parent=precinct).values_list("code", flat=True))
        assert len(units) >= 3
        members = Membership.objects.filter(unit__path__startswith=precinct.path)
        assert dict(members.filter(role=Membership.Role.HEAD).values_list("unit__code", "user__username")) == {
            unit: unit for unit in units
        }
        staff = members.filter(role=Membership.Role.STAFF, unit=precinct).values_list("user__username", flat=True)
        assert set(staff) == {f"{short}-staff", f"{short}-staff2"}
    # A second run adds no unit.
    before = Unit.objects.count()
    call_command("setup_demo", stdout=StringIO())
    assert Unit.objects.count() == before


def test_load_plan_creates_no_accounts(settings):
    settings.DEBUG = False
    get_user_model().objects.all().delete()
    Plan.objects.all().delete()
    call_command("load_plan", stdout=StringIO())
    assert Plan.objects.count() == 1
    assert not get_user_model().objects.exists()


def test_load_plan_rejects_an_unknown_folder():
    with pytest.raises(CommandError, match="找不到計畫資料夾"):
        call_command("load_plan", "no_such_plan", stdout=StringIO())
