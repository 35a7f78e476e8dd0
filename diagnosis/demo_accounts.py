"""Demo accounts for a local trial: created only by `manage.py setup_demo`, never by migrations."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from .models import Membership, Unit
from .unit_tree import unit_save

DEMO_PASSWORD = "sq-demo-106"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    unit_code: str
    role: str | None  # Membership.Role value; None for the server administrator (or, with no unit, for no role at all)
    description: str


DEMO_ACCOUNTS = (
    DemoAccount(
        "secretariat", "研考承辦", "tcpd-shilin", Membership.Role.STAFF, "秘書室研考承辦（編修計畫、審核填報）"
    ),
    DemoAccount("tianmu", "天母所長", "shilin-tianmu", Membership.Role.HEAD, "天母派出所主管（填報本單位進度）"),
    DemoAccount(
        "investigation", "偵查隊長", "shilin-investigation", Membership.Role.HEAD, "偵查隊主管（填報本單位進度）"
    ),
    DemoAccount("viewer", "推動小組委員", "tcpd-shilin", Membership.Role.VIEWER, "推動小組委員（唯讀）"),
    DemoAccount("admin", "系統管理者", "tcpd-shilin", None, "系統管理者（Django 後台）"),
)


def _head(username: str, full_name: str, unit_name: str) -> DemoAccount:
    return DemoAccount(
        username,
        full_name,
        f"shilin-{username.removesuffix('-head')}",
        Membership.Role.HEAD,
        f"{unit_name}主管（填報本單位進度）",
    )


# The head of every other unit of 士林分局 that carries measures (附表2's 各單位 reach them all), so that each
# unit's reports in the current year's demo have a sender. Username: the unit's code without `shilin-`
# (秘書室's is `secretariat-head`: `secretariat` is 研考承辦).
UNIT_HEAD_ACCOUNTS = (
    _head("secretariat-head", "秘書室主任", "秘書室"),
    _head("administration", "行政組長", "行政組"),
    _head("inspection", "督察組長", "督察組"),
    _head("command", "勤指中心主任", "勤務指揮中心"),
    _head("wenlin", "文林所長", "文林派出所"),
    _head("zhishanyan", "芝山岩所長", "芝山岩派出所"),
    _head("lanya", "蘭雅所長", "蘭雅派出所"),
    _head("shezi", "社子所長", "社子派出所"),
    _head("hougang", "後港所長", "後港派出所"),
    _head("shanzaihou", "山仔后所長", "山仔后派出所"),
    _head("yongfu", "永福所長", "永福派出所"),
    _head("cuishan", "翠山所長", "翠山派出所"),
    _head("xishan", "溪山所長", "溪山派出所"),
)

# A second 研考承辦: nobody reviews a report they sent themselves, and 研考承辦 send the reports of the
# precinct itself (附表1's 各分局、大隊、隊); in the demo this colleague reviews those.
COLLEAGUE_ACCOUNT = DemoAccount(
    "secretariat2",
    "研考承辦（二）",
    "tcpd-shilin",
    Membership.Role.STAFF,
    "秘書室研考承辦（審核另一位研考承辦以分局名義送出的填報）",
)

# The bureau (臺北市政府警察局) above the precincts: its 研考承辦 receive the precincts' 書面資料送審 and run the
# scoring rounds, its 檢視者 read them; two outside reviewers of the scoring round (no unit, no role: they see only
# the precincts and dimensions the round assigns them).
BUREAU_ACCOUNTS = (
    DemoAccount(
        "bureau", "警察局研考承辦", "tcpd", Membership.Role.STAFF, "警察局研考承辦（審查各分局書面資料送審、評分回合）"
    ),
    DemoAccount("bureau-viewer", "警察局檢視者", "tcpd", Membership.Role.VIEWER, "警察局檢視者（唯讀）"),
)
REVIEWER_ACCOUNTS = (
    DemoAccount("reviewer1", "評審委員（一）", "", None, "評分回合評審委員（基礎服務、服務遞送、服務量能）"),
    DemoAccount("reviewer2", "評審委員（二）", "", None, "評分回合評審委員（基礎服務、服務評價、開放創新）"),
)


@dataclass(frozen=True)
class DemoPrecinct:
    """A precinct the demo adds under the bureau beside the seed's 士林分局, with a few of its units (code, name,
    Unit.Kind value): enough for a year of reports, a 組織診斷 and a 評分回合 to compare."""

    code: str
    name: str
    position: int
    units: tuple[tuple[str, str, str], ...]


BUREAU_CODE = "tcpd"
OTHER_PRECINCTS = (
    DemoPrecinct(
        "tcpd-datong",
        "大同分局",
        2,
        (
            ("datong-administration", "行政組", Unit.Kind.OFFICE),
            ("datong-ningxia", "寧夏派出所", Unit.Kind.STATION),
            ("datong-yanping", "延平派出所", Unit.Kind.STATION),
        ),
    ),
    DemoPrecinct(
        "tcpd-neihu",
        "內湖分局",
        3,
        (
            ("neihu-inspection", "督察組", Unit.Kind.OFFICE),
            ("neihu-xihu", "西湖派出所", Unit.Kind.STATION),
            ("neihu-donghu", "東湖派出所", Unit.Kind.STATION),
            ("neihu-kangning", "康寧派出所", Unit.Kind.STATION),
        ),
    ),
)


def _precinct_accounts(precinct: DemoPrecinct, short: str) -> tuple[DemoAccount, ...]:
    """Two 研考承辦 of `precinct` (`<short>-staff`, `<short>-staff2`: one reviews what the other sent for the
    precinct) and the head of each of its units (username: the unit's code)."""
    staff = (
        DemoAccount(
            f"{short}-staff",
            f"{precinct.name}研考承辦",
            precinct.code,
            Membership.Role.STAFF,
            f"{precinct.name}研考承辦（編修計畫、審核填報）",
        ),
        DemoAccount(
            f"{short}-staff2",
            f"{precinct.name}研考承辦（二）",
            precinct.code,
            Membership.Role.STAFF,
            f"{precinct.name}研考承辦（審核另一位研考承辦以分局名義送出的填報）",
        ),
    )
    heads = tuple(
        DemoAccount(
            code,
            f"{precinct.name}{name}主管",
            code,
            Membership.Role.HEAD,
            f"{precinct.name}{name}主管（填報本單位進度）",
        )
        for code, name, _kind in precinct.units
    )
    return staff + heads


OTHER_PRECINCT_ACCOUNTS = _precinct_accounts(OTHER_PRECINCTS[0], "datong") + _precinct_accounts(
    OTHER_PRECINCTS[1], "neihu"
)

ALL_DEMO_ACCOUNTS = (
    DEMO_ACCOUNTS
    + (COLLEAGUE_ACCOUNT,)
    + UNIT_HEAD_ACCOUNTS
    + OTHER_PRECINCT_ACCOUNTS
    + BUREAU_ACCOUNTS
    + REVIEWER_ACCOUNTS
)


@transaction.atomic
def demo_precincts_create() -> int:
    """Each of `OTHER_PRECINCTS` and its units that does not exist yet, under the bureau (none without the bureau,
    which the seed's unit tree gives); how many units were added. Existing units are left as they are."""
    bureau = Unit.objects.filter(code=BUREAU_CODE).first()
    if bureau is None:
        return 0
    codes = [p.code for p in OTHER_PRECINCTS] + [code for p in OTHER_PRECINCTS for code, _name, _kind in p.units]
    existing = Unit.objects.in_bulk(codes, field_name="code")
    added = 0
    for precinct in OTHER_PRECINCTS:
        organization = existing.get(precinct.code)
        if organization is None:
            organization = unit_save(
                Unit(
                    code=precinct.code,
                    name=precinct.name,
                    kind=Unit.Kind.PRECINCT,
                    parent=bureau,
                    position=precinct.position,
                )
            )
            added += 1
        for position, (code, name, kind) in enumerate(precinct.units, start=1):
            if code not in existing:
                unit_save(Unit(code=code, name=name, kind=kind, parent=organization, position=position))
                added += 1
    return added


@dataclass(frozen=True)
class DemoAccountResult:
    account: DemoAccount
    created: bool


@transaction.atomic
def demo_accounts_create(accounts: tuple[DemoAccount, ...] = DEMO_ACCOUNTS) -> list[DemoAccountResult]:
    """Create each of `accounts` that does not exist yet; existing accounts keep their password and roles.

    The password is hashed once for all of them (it is the same public password): hashing it per account
    cost a quarter of a second each."""
    User = get_user_model()
    hashed = None
    results = []
    for account in accounts:
        administrator = account.role is None and bool(account.unit_code)
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.full_name,
                "email": f"{account.username}@sq-demo.invalid",
                "is_staff": administrator,
                "is_superuser": administrator,
            },
        )
        if created:
            hashed = hashed or make_password(DEMO_PASSWORD)
            user.password = hashed
            user.save(update_fields=["password"])
            if account.role is not None:
                Membership.objects.create(user=user, unit=Unit.objects.get(code=account.unit_code), role=account.role)
        results.append(DemoAccountResult(account=account, created=created))
    return results
