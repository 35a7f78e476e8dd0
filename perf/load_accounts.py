"""Signed-in accounts for the load test, on data from generate_scale_data.

For the newest plan of the first precincts: one 研考承辦 per precinct and one 單位主管 per precinct (a
派出所 head), each with a server-side session made as `login()` would make it (no password hashing
during the test), and, for each head, the (measure, month) pairs their unit may still report on.
Besides them, the bureau's 研考承辦 and 檢視者 (members of the agency, alternately): the newest year of the
plans below it (各機關進度比較) and its newest 評分回合 (`generate_scale_data --scoring-round`), if any."""

import json
import secrets
from dataclasses import dataclass
from datetime import date
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db import transaction

from assessments.models import ScoringRound
from diagnosis.models import Membership, Plan, Unit
from measures.models import Measure, ProgressReport

from .scale_data import AGENCY_CODE

SLOTS_PER_HEAD = 120


class LoadAccountsError(Exception):
    """The accounts cannot be prepared; the message says why, in Chinese."""


@dataclass(frozen=True)
class LoadAccount:
    username: str
    role: str
    session_key: str
    year: int
    measures: list[int]
    slots: list[dict]
    unit_code: str = ""  # the unit the account belongs to (a head's month page: /units/<code>/months/…)

    def as_dict(self) -> dict:
        return self.__dict__.copy()


@dataclass(frozen=True)
class BureauAccount:
    username: str
    role: str
    session_key: str
    year: int
    round: int | None  # the newest 評分回合 of the agency (its page and results matrix), None without one

    def as_dict(self) -> dict:
        return self.__dict__.copy()


def _session_for(user) -> str:
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the one that checks passwords (axes' only refuses)
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def _free_slots(plan: Plan, unit: Unit) -> list[dict]:
    """Months of the plan on measures `unit` carries that it has not reported yet, as report form data."""
    measures = Measure.objects.filter(plan=plan, retired_at__isnull=True).prefetch_related("lead_units", "support_units")
    carried = [measure.pk for measure in measures if measure.is_carried_by(unit, plan.organization_id)]
    taken = set(ProgressReport.objects.filter(measure_id__in=carried, unit=unit).values_list("measure_id", "period"))
    slots = []
    for month in range(1, 13):
        period = date(plan.start_date.year, month, 1)
        slots += [{"measure": pk, "period": period.isoformat(), "unit": unit.pk} for pk in carried if (pk, period) not in taken]
    return slots[:SLOTS_PER_HEAD]


def bureau_accounts(count: int) -> list[BureauAccount]:
    """`count` members of the scale agency, 研考承辦 and 檢視者 alternately."""
    if count < 1:
        return []
    agency = Unit.objects.get(code=AGENCY_CODE)
    year = Plan.objects.filter(organization__parent=agency).order_by("-year").values_list("year", flat=True).first()
    scoring_round = ScoringRound.objects.filter(organization=agency).order_by("-year", "-pk").first()
    User = get_user_model()
    accounts = []
    for index in range(1, count + 1):
        role = Membership.Role.STAFF if index % 2 else Membership.Role.VIEWER
        user, _ = User.objects.get_or_create(username=f"load-bureau-{role}-{index:03d}")
        user.set_unusable_password()
        user.save()
        Membership.objects.get_or_create(user=user, unit=agency, role=role)
        accounts.append(BureauAccount(username=user.username, role=f"bureau-{role}", session_key=_session_for(user),
                                      year=year, round=scoring_round.pk if scoring_round else None))
    return accounts


@transaction.atomic
def prepare_load_accounts(*, users: int, output: Path, bureau_users: int = 0) -> tuple[list[LoadAccount], list[BureauAccount]]:
    """Half staff, half unit heads, one pair per precinct, and `bureau_users` members of the agency, written to
    `output` as JSON."""
    if users < 2:
        raise LoadAccountsError("至少需要 2 個使用者（研考承辦與單位主管各半）。")
    precincts = list(Unit.objects.filter(parent__code=AGENCY_CODE).order_by("position")[: (users + 1) // 2])
    if len(precincts) * 2 < users:
        raise LoadAccountsError("規模測試資料的分局不足；請先以 generate_scale_data 產生更多機關。")
    User = get_user_model()
    accounts = []
    for index, precinct in enumerate(precincts, start=1):
        plan = precinct.plans.order_by("-year").first()
        if plan is None:
            raise LoadAccountsError(f"{precinct.name}沒有計畫。")
        station = precinct.children.filter(kind=Unit.Kind.STATION).order_by("position").first()
        measure_ids = list(plan.measures.filter(retired_at__isnull=True).order_by("position").values_list("pk", flat=True)[:40])
        for role, unit in ((Membership.Role.STAFF, precinct), (Membership.Role.HEAD, station)):
            if len(accounts) == users:
                break
            user, _ = User.objects.get_or_create(username=f"load-{role}-{index:03d}")
            user.set_unusable_password()
            user.save()
            Membership.objects.get_or_create(user=user, unit=unit, role=role)
            accounts.append(LoadAccount(
                username=user.username, role=role, session_key=_session_for(user), year=plan.year,
                measures=measure_ids, slots=_free_slots(plan, unit) if role == Membership.Role.HEAD else [],
                unit_code=unit.code,
            ))
    bureau = bureau_accounts(bureau_users)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps({"nonce": secrets.token_hex(4), "accounts": [a.as_dict() for a in accounts],
                                  "bureau": [a.as_dict() for a in bureau]}, ensure_ascii=False, indent=1), encoding="utf-8")
    return accounts, bureau
