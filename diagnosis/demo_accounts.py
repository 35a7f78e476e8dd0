"""Demo accounts for a local trial: created only by `manage.py setup_demo`, never by migrations."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Membership, Unit

DEMO_PASSWORD = "sq-demo-106"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    unit_code: str
    role: str | None  # Membership.Role value; None for the server administrator
    description: str


DEMO_ACCOUNTS = (
    DemoAccount("secretariat", "研考承辦", "tcpd-shilin", Membership.Role.STAFF, "秘書室研考承辦（編修計畫、審核填報）"),
    DemoAccount("tianmu", "天母所長", "shilin-tianmu", Membership.Role.HEAD, "天母派出所主管（填報本單位進度）"),
    DemoAccount("investigation", "偵查隊長", "shilin-investigation", Membership.Role.HEAD, "偵查隊主管（填報本單位進度）"),
    DemoAccount("viewer", "推動小組委員", "tcpd-shilin", Membership.Role.VIEWER, "推動小組委員（唯讀）"),
    DemoAccount("admin", "系統管理者", "tcpd-shilin", None, "系統管理者（Django 後台）"),
)


@dataclass(frozen=True)
class DemoAccountResult:
    account: DemoAccount
    created: bool


@transaction.atomic
def demo_accounts_create() -> list[DemoAccountResult]:
    """Create each demo account that does not exist yet; existing accounts keep their password and roles."""
    User = get_user_model()
    results = []
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.full_name,
                "email": f"{account.username}@sq-demo.invalid",
                "is_staff": account.role is None,
                "is_superuser": account.role is None,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if account.role is not None:
                Membership.objects.create(user=user, unit=Unit.objects.get(code=account.unit_code), role=account.role)
        results.append(DemoAccountResult(account=account, created=created))
    return results
