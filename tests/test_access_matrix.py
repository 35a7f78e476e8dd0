"""Every URL the project defines, for every role, with GET and POST: the status each one must get.

Roles: anonymous, 研考承辦 (staff), 檢視者 (viewer), the head of 天母派出所 (unit A) and the head of 偵查隊
(unit B). A report and its evidence belong to unit A. The test fails when a URL pattern has no row here."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assessments.review_writes import review_open
from diagnosis.models import Unit
from measures.evidence_files import inspect_upload
from measures.models import Measure
from measures.report_writes import report_save

ROLES = ["anon", "staff", "viewer", "head_a", "head_b"]
USERS = {"staff": "secretariat", "viewer": "viewer", "head_a": "tianmu", "head_b": "investigation"}

# name: (kwargs key, GET statuses by role, POST statuses by role); "-" means the method is not checked.
#                                                    anon  staff viewer head_a head_b
MATRIX = {
    "home": ("none", "302 200 200 302 302", "302 405 405 405 405"),
    "login": ("none", "200 302 302 302 302", "-"),
    "logout": ("none", "405 405 405 405 405", "302 302 302 302 302"),
    "password_change": ("none", "302 200 200 200 200", "302 200 200 200 200"),
    "password_change_done": ("none", "302 200 200 200 200", "302 405 405 405 405"),
    "measures:plan": ("year", "302 200 200 200 200", "302 405 405 405 405"),
    "measures:plan_reports": ("year", "302 200 200 403 403", "302 405 405 405 405"),
    # 核可所選: 研考承辦 only; an empty selection is refused with a message and back to the list (302).
    "measures:reports_batch_review": ("year", "302 405 405 405 405", "302 302 403 403 403"),
    # 計畫設定: 研考承辦 only; an empty POST is answered with the form's errors (200), nothing saved.
    "measures:plan_settings": ("year", "302 200 403 403 403", "302 200 403 403 403"),
    "measures:form_download": ("form", "302 200 200 200 200", "302 405 405 405 405"),
    "measures:import": ("year", "302 200 403 403 403", "302 400 403 403 403"),
    "measures:import_template": ("year", "302 200 403 403 403", "302 405 405 405 405"),
    "measures:measure_new": ("year", "302 200 403 403 403", "302 200 403 403 403"),
    "measures:measure": ("measure", "302 200 200 200 200", "302 405 405 405 405"),
    "measures:measure_edit": ("measure", "302 200 403 403 403", "302 200 403 403 403"),
    "measures:measure_move": ("measure", "302 405 405 405 405", "302 302 403 403 403"),
    "measures:measure_retire": ("measure", "302 405 405 405 405", "302 302 403 403 403"),
    "measures:measure_planned": ("measure", "302 200 403 403 403", "302 302 403 403 403"),
    "measures:measure_history": ("measure", "302 200 200 200 200", "302 405 405 405 405"),
    "measures:indicator_new": ("measure", "302 200 403 403 403", "302 200 403 403 403"),
    "measures:indicator_edit": ("indicator", "302 200 403 403 403", "302 200 403 403 403"),
    "measures:indicator_retire": ("indicator", "302 405 405 405 405", "302 302 403 403 403"),
    "measures:report_new": ("measure", "302 403 403 200 200", "302 403 403 200 200"),
    # A draft of unit A: only unit A sees it; to everyone else it does not exist.
    "measures:report": ("draft", "302 404 404 200 404", "302 405 405 405 405"),
    "measures:report_edit": ("draft", "302 404 404 200 404", "302 404 404 200 404"),
    "measures:report_delete": ("draft", "302 404 404 200 404", "302 404 404 302 404"),
    "measures:evidence": ("draft_evidence", "302 404 404 200 404", "302 405 405 405 405"),
    "measures:evidence_preview": ("draft_evidence", "302 404 404 200 404", "302 405 405 405 405"),
    "measures:evidence_delete": ("draft_evidence", "302 405 405 405 405", "302 404 404 302 404"),
    # A report unit A sent: staff and viewers read it, unit B still does not see it.
    "measures:report_withdraw": ("sent", "302 405 405 405 405", "302 403 403 302 404"),
    "measures:report_review": ("sent", "302 405 405 405 405", "302 400 403 403 404"),
    "measures:open_data_json": ("year", "200 200 200 200 200", "405 405 405 405 405"),
    "measures:open_data_csv": ("year", "200 200 200 200 200", "405 405 405 405 405"),
    "assessments:plan_dashboard": ("year", "302 200 200 200 200", "302 405 405 405 405"),
    # A unit head lists only the reviews concerning their unit (none here: an empty list) and changes nothing.
    "assessments:reviews": ("year", "302 200 200 200 200", "302 200 403 403 403"),
    "assessments:review": ("review", "302 200 200 404 404", "302 400 403 404 404"),
    "assessments:review_close": ("review", "302 200 403 404 404", "302 302 403 404 404"),
    "assessments:review_export": ("review", "302 200 200 404 404", "302 405 405 405 405"),
    "assessments:review_export_ods": ("review", "302 200 200 404 404", "302 405 405 405 405"),
    # 列管追蹤: a closed review kept a measure under control with unit A as 追蹤單位. Staff and viewers read it,
    # unit A answers it (an empty POST: the form's errors, 400), unit B does not see it.
    "assessments:follow_up_answer": ("follow_up", "302 200 200 200 404", "302 403 403 400 404"),
    "assessments:follow_up_file": ("follow_up_file", "302 200 200 200 404", "302 405 405 405 405"),
    # Unit A's 電話禮貌測試 kept under control by the same review: unit A (the unit tested) answers it.
    "assessments:courtesy_follow_up_answer": ("courtesy_follow_up", "302 200 200 200 404", "302 403 403 400 404"),
    # Removing a file of the answer: unit A only (GET asks to confirm); readers 403, unit B does not see it.
    "assessments:follow_up_file_remove": ("follow_up_file", "302 403 403 200 404", "302 403 403 302 404"),
    "assessments:unit": ("unit_a", "302 200 200 200 404", "302 405 405 405 405"),
    # --- 組織診斷 ---
    "diagnosis:rounds": ("year", "302 200 200 200 200", "302 400 403 403 403"),
    "diagnosis:allotment": ("year", "302 200 403 403 403", "302 400 403 403 403"),
    "diagnosis:round": ("diag_round", "302 200 200 200 200", "302 405 405 405 405"),
    "diagnosis:round_close": ("diag_round", "302 200 403 403 403", "302 302 403 403 403"),
    "diagnosis:results": ("diag_round", "302 200 200 200 200", "302 405 405 405 405"),
    # Unit A's draft self-check: only unit A's head sees it; staff see only that it is not yet submitted.
    "diagnosis:unit": ("diag_draft", "302 404 404 200 404", "302 404 404 302 404"),
    # 送出自評's confirmation: unit A's own head only; a POST without the confirmation leads back to it (302).
    "diagnosis:unit_submit": ("diag_draft", "302 404 404 200 404", "302 404 404 302 404"),
    "measures:draft_propose": ("diag_draft_answer", "302 404 404 200 404", "302 404 404 400 404"),
    # 退回 unit B's submitted self-check: staff only (a blank reason is refused with a message, 302); unit B's
    # own head 403, unit A (who does not see it) 404.
    "diagnosis:unit_return": ("diag_sent", "302 405 405 405 405", "302 302 403 404 403"),
    "measures:drafts": ("year", "302 200 200 200 200", "302 405 405 405 405"),
    # 採行／不採行: GET without ?action= leads back to the list (302) with a message; staff only.
    "measures:draft_decide": ("diag_measure_draft", "302 302 403 403 404", "302 302 403 403 404"),
    # --- 創意提案 ---
    # A proposal unit A's head filed (已提案): everyone who reads the plan reads it; the filer and staff edit it.
    "assessments:proposals": ("year", "302 200 200 200 200", "302 405 405 405 405"),
    "assessments:proposal_new": ("year", "302 200 403 200 200", "302 200 403 200 200"),
    "assessments:proposal": ("proposal", "302 200 200 200 200", "302 405 405 405 405"),
    "assessments:proposal_edit": ("proposal", "302 200 403 200 403", "302 200 403 200 403"),
    "assessments:proposal_decide": ("proposal", "302 405 405 405 405", "302 400 403 403 403"),
    # The filer and staff delete it while 已提案 (GET asks to confirm); other heads read it but may not (403).
    "assessments:proposal_delete": ("proposal", "302 200 403 200 403", "302 302 403 302 403"),
    # --- 電話禮貌測試 ---
    # A test of unit A: staff and viewers read it, unit A's head reads it, unit B's head does not see it.
    "assessments:courtesy_tests": ("year", "302 200 200 200 200", "302 405 405 405 405"),
    "assessments:courtesy_new": ("year", "302 200 403 403 403", "302 200 403 403 403"),
    "assessments:courtesy_test": ("courtesy_a", "302 200 200 200 404", "302 405 405 405 405"),
    "assessments:courtesy_edit": ("courtesy_a", "302 200 403 403 404", "302 200 403 403 404"),
    "assessments:courtesy_delete": ("courtesy_a", "302 200 403 403 404", "302 302 403 403 404"),
    # --- 獎懲 ---
    # A record of unit A: staff and unit A's head only; to viewers the 獎懲 do not exist.
    "assessments:commendations": ("year", "302 200 404 200 200", "302 405 405 405 405"),
    "assessments:commendation_new": ("year", "302 200 404 403 403", "302 200 404 403 403"),
    "assessments:commendation": ("commendation_a", "302 200 404 200 404", "302 405 405 405 405"),
    "assessments:commendation_edit": ("commendation_a", "302 200 404 403 404", "302 200 404 403 404"),
    "assessments:commendation_delete": ("commendation_a", "302 200 404 403 404", "302 302 404 403 404"),
    # --- 滿意度調查、陳情案件 ---
    "assessments:surveys": ("year", "302 200 200 200 200", "302 405 405 405 405"),
    "assessments:survey_new": ("year", "302 200 403 403 403", "302 400 403 403 403"),
    "assessments:survey_trend": ("year", "302 200 200 200 200", "302 405 405 405 405"),
    "assessments:survey_import_template": ("year", "302 200 403 403 403", "302 405 405 405 405"),
    "assessments:survey": ("survey", "302 200 200 200 200", "302 405 405 405 405"),
    "assessments:survey_edit": ("survey", "302 200 403 403 403", "302 400 403 403 403"),
    "assessments:survey_delete": ("survey", "302 200 403 403 403", "302 302 403 403 403"),
    # An empty POST is a valid "no results in any category" (the page shows all five): 302 for staff.
    "assessments:survey_results": ("survey", "302 200 403 403 403", "302 302 403 403 403"),
    "assessments:survey_import": ("survey", "302 200 403 403 403", "302 400 403 403 403"),
    "assessments:petitions": ("year", "302 200 200 200 200", "302 405 405 405 405"),
    "assessments:petition_entry": ("year", "302 200 403 403 403", "302 400 403 403 403"),
    # --- 教育訓練 ---
    # 教育訓練: everyone who reads the plan reads its sessions; staff change them; a unit head fills in only their
    # own unit's attendance (head_a and head_b both have a row); viewers change nothing.
    "assessments:training_list": ("year", "302 200 200 200 200", "302 405 405 405 405"),
    "assessments:training_new": ("year", "302 200 403 403 403", "302 400 403 403 403"),
    "assessments:training": ("training", "302 200 200 200 200", "302 405 405 405 405"),
    "assessments:training_edit": ("training", "302 200 403 403 403", "302 400 403 403 403"),
    "assessments:training_attendance": ("training", "302 200 403 200 200", "302 400 403 400 400"),  # a POST without the time its form was opened is refused
    "assessments:training_delete": ("training", "302 200 403 403 403", "302 302 403 403 403"),
    # --- 推動小組名冊、次年度計畫 ---
    # 推動小組名冊: everyone who reads the plan reads and exports it; staff change it. 次年度計畫: staff only.
    "assessments:team": ("year", "302 200 200 200 200", "302 405 405 405 405"),
    "assessments:team_new": ("year", "302 200 403 403 403", "302 400 403 403 403"),
    "assessments:team_edit": ("team_member", "302 200 403 403 403", "302 400 403 403 403"),
    "assessments:team_remove": ("team_member", "302 405 405 405 405", "302 302 403 403 403"),
    "assessments:team_move": ("team_member", "302 405 405 405 405", "302 302 403 403 403"),
    "assessments:team_export": ("team_xlsx", "302 200 200 200 200", "302 405 405 405 405"),
    "assessments:plan_copy": ("year", "302 200 403 403 403", "302 302 403 403 403"),
    # --- 佐證資料冊 ---
    # 研考承辦 choose, upload and build; viewers read and download; unit heads do not see it (404). An empty
    # choice is saved (302), an upload without a file is answered with the form's error (400).
    "assessments:binder": ("year", "302 200 200 404 404", "302 405 405 405 405"),
    "assessments:binder_build": ("year", "302 405 405 405 405", "302 302 403 404 404"),
    "assessments:binder_build_file": ("binder_build", "302 200 200 404 404", "302 405 405 405 405"),
    "assessments:binder_choose": ("binder_section", "302 405 405 405 405", "302 302 403 404 404"),
    "assessments:binder_upload": ("binder_section", "302 405 405 405 405", "302 400 403 404 404"),
    "assessments:binder_entry_file": ("binder_entry", "302 200 200 404 404", "302 405 405 405 405"),
    "assessments:binder_entry_remove": ("binder_entry", "302 405 405 405 405", "302 302 403 404 404"),
    # --- 單位的月填報、填報紀錄 ---
    # Unit A's month: its head reports (an empty POST saves nothing and says so, 302); staff and viewers read it
    # (403 on a POST); unit B's head does not see it.
    "measures:unit_months": ("unit_a", "302 302 302 302 404", "302 405 405 405 405"),
    "measures:unit_month": ("unit_a_month", "302 200 200 200 404", "302 403 403 302 404"),
    "measures:unit_reports": ("unit_a", "302 200 200 200 404", "302 405 405 405 405"),
    # --- 書面資料送審 ---
    # A pending submission of the plan: its staff and viewers read it, unit heads do not see it; only the
    # bureau's staff decide (tests/test_submissions_access.py has the bureau and another precinct). An empty 送審
    # POST is refused (400); staff's 送審 page shows why it may not be sent now (200).
    "assessments:submissions": ("year", "302 200 200 404 404", "302 405 405 405 405"),
    "assessments:submission_new": ("year", "302 200 403 404 404", "302 400 403 404 404"),
    "assessments:submission": ("submission", "302 200 200 404 404", "302 405 405 405 405"),
    "assessments:submission_decide": ("submission", "302 403 403 404 404", "302 403 403 404 404"),
    "assessments:submission_file": ("submission_file", "302 200 200 404 404", "302 405 405 405 405"),
    # 各機關書面資料送審: the same rule as 各機關進度比較 (PlanQuerySet.read_from_above); 士林分局's own list is above.
    "assessments:bureau_submissions": ("year", "302 404 404 404 404", "302 405 405 405 405"),
    # 各機關進度比較: the bureau's (研考承辦 and 檢視者 above the precincts); nobody of 士林分局 has a plan below them.
    "assessments:side_by_side": ("year", "302 404 404 404 404", "302 405 405 405 405"),
    "assessments:side_by_side_export": ("year_xlsx", "302 404 404 404 404", "302 405 405 405 405"),
    "assessments:side_by_side_refresh": ("year", "302 405 405 405 405", "302 404 404 404 404"),
    # --- 評分回合 ---
    # A published round of the bureau over 士林分局: none of these roles is the bureau's or a reviewer, so the
    # round does not exist for them (tests/test_scoring.py has the bureau and reviewers); 士林分局's 研考承辦
    # read their own precinct's result and turn a comment into a draft (an empty POST: the form's errors, 200).
    "assessments:scoring_rounds": ("none", "302 200 200 200 200", "302 404 404 404 404"),
    "assessments:scoring_round": ("scoring", "302 404 404 404 404", "302 405 405 405 405"),
    "assessments:scoring_precincts": ("scoring", "302 404 404 404 404", "302 404 404 404 404"),
    "assessments:scoring_assignments": ("scoring", "302 404 404 404 404", "302 404 404 404 404"),
    "assessments:scoring_assignment_remove": ("scoring_assignment", "302 405 405 405 405", "302 404 404 404 404"),
    "assessments:scoring_state": ("scoring_state", "302 404 404 404 404", "302 404 404 404 404"),
    "assessments:scoring_settle": ("scoring_point", "302 404 404 404 404", "302 404 404 404 404"),
    "assessments:scoring_sheet": ("scoring_sheet", "302 404 404 404 404", "302 404 404 404 404"),
    "assessments:scoring_results": ("scoring", "302 404 404 404 404", "302 405 405 405 405"),
    "assessments:scoring_export": ("scoring_export", "302 404 404 404 404", "302 405 405 405 405"),
    "assessments:scoring_submission_file": ("scoring_submission_file", "302 404 404 404 404", "302 405 405 405 405"),
    "assessments:scoring_precinct": ("scoring_precinct", "302 200 404 404 404", "302 405 405 405 405"),
    "assessments:scoring_comment_draft": ("scoring_comment", "302 200 404 404 404", "302 200 404 404 404"),
}
# The same views with other objects: the sent report and its evidence are readable by staff and viewers.
VARIANTS = {
    "measures:report@sent": ("measures:report", "sent", "302 200 200 200 404", "-"),
    "measures:evidence@sent": ("measures:evidence", "sent_evidence", "302 200 200 200 404", "-"),
    "measures:evidence_preview@sent": ("measures:evidence_preview", "sent_evidence", "302 200 200 200 404", "-"),
    "assessments:unit@unit_b": ("assessments:unit", "unit_b", "302 200 200 404 200", "-"),
    # --- 組織診斷 ---
    # Unit B's submitted self-check: staff and viewers read it (and may not change it), unit A does not see it.
    "diagnosis:unit@sent": ("diagnosis:unit", "diag_sent", "302 200 200 404 200", "302 403 403 404 302"),
    "diagnosis:unit_submit@sent": ("diagnosis:unit_submit", "diag_sent", "302 403 403 404 302", "302 403 403 404 302"),
    "measures:draft_propose@sent": ("measures:draft_propose", "diag_sent_answer", "302 403 403 404 200", "302 403 403 404 400"),
    # --- 創意提案 ---
    # A proposal staff started deciding is kept: the filer and staff are sent back to it with the reason.
    "assessments:proposal_delete@decided": ("assessments:proposal_delete", "proposal_decided", "302 302 403 302 403", "302 302 403 302 403"),
    # --- 電話禮貌測試 ---
    "assessments:courtesy_test@courtesy_b": ("assessments:courtesy_test", "courtesy_b", "302 200 200 404 200", "-"),
    "assessments:courtesy_delete@courtesy_b": ("assessments:courtesy_delete", "courtesy_b", "302 200 403 404 403", "302 302 403 404 403"),
    # A test a 獎懲 rests on is kept: staff see why (GET 200) and the POST is refused (400).
    "assessments:courtesy_delete@kept": ("assessments:courtesy_delete", "courtesy_kept", "302 200 403 403 404", "302 400 403 403 404"),
    # --- 獎懲 ---
    "assessments:commendation@commendation_b": ("assessments:commendation", "commendation_b", "302 200 404 404 200", "-"),
    "assessments:commendation_delete@commendation_b": ("assessments:commendation_delete", "commendation_b", "302 200 404 404 403", "302 302 404 404 403"),
    # --- 滿意度調查、陳情案件 ---
    # A survey of another organisation's plan, asked for under 士林分局's 106 plan: 404 to everyone.
    "assessments:survey@foreign": ("assessments:survey", "foreign_survey", "302 404 404 404 404", "-"),
    "assessments:survey_results@foreign": ("assessments:survey_results", "foreign_survey", "302 404 404 404 404", "302 404 404 404 404"),
    # --- 教育訓練 ---
    "assessments:training@other_plan": ("assessments:training", "training_other_plan", "302 404 404 404 404", "-"),
    # --- 推動小組名冊、次年度計畫 ---
    "assessments:team_export@ods": ("assessments:team_export", "team_ods", "302 200 200 200 200", "-"),
}


def all_pattern_names(patterns=None, namespace="") -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue  # the admin is for superusers only; see test_the_admin_is_for_superusers_only
            prefix = f"{pattern.namespace}:" if pattern.namespace else namespace
            names |= all_pattern_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_url_has_a_row():
    missing = all_pattern_names() - set(MATRIX)
    assert not missing, f"add these URLs to the access matrix: {sorted(missing)}"


@pytest.fixture(scope="module")
def objects(django_db_setup, django_db_blocker, tmp_path_factory):
    """The objects the rows name, built once for the module inside a transaction that is rolled back at its end.
    Each case runs in a savepoint of that transaction (pytest-django's `db`), so what a POST changes is undone
    before the next case."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction
    from django.test import override_settings

    from diagnosis.models import Plan

    from .conftest import PDF_BYTES

    storages = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path_factory.mktemp("evidence"), "base_url": None},
        },
    }
    with override_settings(STORAGES=storages), django_db_blocker.unblock(), transaction.atomic():
        yield build_objects(
            Plan.objects.get(organization__code="tcpd-shilin", year=106),
            lambda username: get_user_model().objects.get(username=username),
            lambda: SimpleUploadedFile("執行成果.pdf", PDF_BYTES, content_type="application/pdf"),
        )
        transaction.set_rollback(True)


def build_objects(plan_106, user, pdf_file) -> dict:
    measure = plan_106.measures.prefetch_related("lead_units").get(source=Measure.Source.FORM2, name="主動服務")
    indicator = measure.indicators.create(name="指標", unit="件", target_value=10, position=1)
    tianmu = Unit.objects.get(code="shilin-tianmu")

    def report(month, submit):
        upload = pdf_file()
        return report_save(
            measure=measure, unit=tianmu, period=date(2017, month, 1), user=user("tianmu"), narrative="x",
            progress=10, actuals={}, files=[(upload, inspect_upload(upload))], submit=submit,
        )

    draft, sent = report(4, False), report(5, True)
    review = review_open(plan=plan_106, as_of=date(2017, 5, 31), meeting_date=date(2017, 6, 1), title="t", user=user("secretariat"))
    objects = {
        "none": {},
        "year": {"year": 106},
        "year_xlsx": {"year": 106, "extension": "xlsx"},
        "form": {"year": 106, "form": 2, "extension": "xlsx"},
        "measure": {"year": 106, "pk": measure.pk},
        "indicator": {"year": 106, "pk": measure.pk, "indicator_pk": indicator.pk},
        "draft": {"pk": draft.pk},
        "draft_evidence": {"pk": draft.evidence.get().pk},
        "sent": {"pk": sent.pk},
        "sent_evidence": {"pk": sent.evidence.get().pk},
        "review": {"year": 106, "pk": review.pk},
        "unit_a": {"code": "shilin-tianmu"},
        "unit_b": {"code": "shilin-investigation"},
        "unit_a_month": {"code": "shilin-tianmu", "year": 106, "month": "05"},
    }
    # Each area adds the objects its rows name (a function per area, below this one, called here).
    # --- 列管追蹤 ---
    objects.update(follow_up_objects(plan_106, measure, user, pdf_file))
    # --- 組織診斷 ---
    objects.update(diagnosis_objects(plan_106, user))
    # --- 創意提案 ---
    objects.update(proposal_objects(plan_106, user))
    # --- 電話禮貌測試 ---
    objects.update(courtesy_objects(plan_106, user))
    # --- 獎懲 ---
    objects.update(commendation_objects(plan_106, user))
    # --- 滿意度調查、陳情案件 ---
    objects.update(survey_objects(plan_106, user))
    # --- 教育訓練 ---
    objects.update(training_objects(plan_106, user))
    # --- 推動小組名冊、次年度計畫 ---
    objects.update(team_objects(plan_106, user))
    # --- 佐證資料冊 ---
    objects.update(binder_objects(plan_106, user))
    # --- 書面資料送審 ---
    objects.update(submission_objects(plan_106, user))
    # --- 評分回合 ---
    objects.update(scoring_objects(plan_106, user))
    return objects


# --- 佐證資料冊 ---
def binder_objects(plan, user) -> dict:
    """A focus point with 研考承辦's own file in the binder, and a finished build with its PDF stored."""
    from django.core.files.base import ContentFile

    from assessments.models import BinderBuild, BinderEntry
    from diagnosis.models import FocusPoint
    from measures.models.evidence import evidence_storage

    from .conftest import PDF_BYTES

    point = FocusPoint.objects.filter(item__dimension__plan=plan).order_by("pk").first()
    stored = evidence_storage().save(BinderEntry.storage_name("pdf"), ContentFile(PDF_BYTES))
    entry = BinderEntry.objects.create(
        plan=plan, item=point.item, focus_point=point, file=stored, original_name="簽呈.pdf",
        content_type="application/pdf", size=len(PDF_BYTES), sha256="0" * 64, added_by=user("secretariat"),
    )
    pdf = evidence_storage().save("binders/builds/matrix.pdf", ContentFile(PDF_BYTES))
    build = BinderBuild.objects.create(plan=plan, as_of=date(2017, 5, 31), requested_by=user("secretariat"), state="done", pdf=pdf)
    return {
        "binder_section": {"year": 106, "section": f"p{point.pk}"},
        "binder_entry": {"year": 106, "pk": entry.pk},
        "binder_build": {"year": 106, "pk": build.pk, "kind": "pdf"},
    }


# --- 列管追蹤 ---
def follow_up_objects(plan, measure, user, pdf_file) -> dict:
    """A closed review (beside the open one) that kept `measure` under control with unit A as 追蹤單位, and unit
    A's answer with a file."""
    from assessments.follow_up_writes import follow_up_answer
    from assessments.models import ControlReview

    closed = ControlReview.objects.create(
        plan=plan, title="前次", as_of=date(2017, 4, 30), meeting_date=date(2017, 5, 2), state="closed", created_by=user("secretariat")
    )
    item = closed.items.create(
        measure=measure, origin="proposed", status_label="落後", decision="keep",
        follow_up_unit=Unit.objects.get(code="shilin-tianmu"), follow_up_due=date(2017, 6, 30),
    )
    upload = pdf_file()
    answer = follow_up_answer(item=item, user=user("tianmu"), text="已辦理", files=[(upload, inspect_upload(upload))])
    from assessments.models import CourtesyTest

    courtesy_test = CourtesyTest.objects.create(
        plan=plan, unit=item.follow_up_unit, tested_on=date(2017, 4, 10), score=60, tester="t", recorded_by=user("secretariat")
    )
    courtesy_item = closed.courtesy_items.create(
        unit=item.follow_up_unit, courtesy_test=courtesy_test, origin="proposed", pass_score=80, decision="keep",
        follow_up_due=date(2017, 6, 30),
    )
    return {
        "follow_up": {"year": 106, "pk": closed.pk, "item_pk": item.pk},
        "courtesy_follow_up": {"year": 106, "pk": closed.pk, "item_pk": courtesy_item.pk},
        "follow_up_file": {"year": 106, "pk": answer.files.get().pk},
    }


# --- 組織診斷 ---
def diagnosis_objects(plan, user) -> dict:
    """A round with unit A's draft (with a problem found) and unit B's submitted self-check, and a measure
    draft unit A proposed."""
    from measures.draft_writes import measure_draft_propose

    from .diagnosis_fixtures import fill, open_round

    diagnosis_round = open_round(plan, user("secretariat"))
    mine = diagnosis_round.unit_diagnoses.select_related("round")
    draft = fill(mine.get(unit__code="shilin-tianmu"), user("tianmu"), submit=False, problems=lambda fp: "問題")
    sent = fill(mine.get(unit__code="shilin-investigation"), user("investigation"), problems=lambda fp: "問題")
    draft_answer = draft.answers.select_related("unit_diagnosis__round", "focus_point").first()
    measure_draft = measure_draft_propose(answer=draft_answer, name="草案", content="", user=user("tianmu"))
    return {
        "diag_round": {"year": 106, "pk": diagnosis_round.pk},
        "diag_draft": {"year": 106, "pk": diagnosis_round.pk, "code": "shilin-tianmu"},
        "diag_sent": {"year": 106, "pk": diagnosis_round.pk, "code": "shilin-investigation"},
        "diag_draft_answer": {"year": 106, "pk": draft_answer.pk},
        "diag_sent_answer": {"year": 106, "pk": sent.answers.first().pk},
        "diag_measure_draft": {"year": 106, "pk": measure_draft.pk},
    }


# --- 創意提案 ---
def proposal_objects(plan, user):
    from assessments.proposal_writes import proposal_file, proposal_transition

    def filed():
        return proposal_file(plan=plan, unit=Unit.objects.get(code="shilin-tianmu"), title="t", problem="p", suggestion="s", user=user("tianmu"))

    proposal, decided = filed(), filed()
    proposal_transition(proposal=decided, to_state="reviewing", reason="", expected_state="filed", user=user("secretariat"))
    return {"proposal": {"year": 106, "pk": proposal.pk}, "proposal_decided": {"year": 106, "pk": decided.pk}}


# --- 電話禮貌測試 ---
def courtesy_objects(plan, user):
    from decimal import Decimal

    from assessments.commendation_writes import commendation_record
    from assessments.courtesy_writes import courtesy_test_record

    def test(code):
        return courtesy_test_record(plan=plan, unit=Unit.objects.get(code=code), tested_on=date(2017, 5, 10), score=Decimal(70), tester="t", user=user("secretariat"))

    kept = test("shilin-tianmu")
    commendation_record(plan=plan, unit=kept.unit, kind="reprimand", reason="r", decided_on=date(2017, 6, 1), courtesy_test=kept, user=user("secretariat"))
    return {
        "courtesy_a": {"year": 106, "pk": test("shilin-tianmu").pk}, "courtesy_b": {"year": 106, "pk": test("shilin-investigation").pk},
        "courtesy_kept": {"year": 106, "pk": kept.pk},
    }


# --- 獎懲 ---
def commendation_objects(plan, user):
    from assessments.commendation_writes import commendation_record

    def record(code):
        return commendation_record(plan=plan, unit=Unit.objects.get(code=code), kind="commend", reason="r", decided_on=date(2017, 6, 1), finding="f", user=user("secretariat"))

    return {"commendation_a": {"year": 106, "pk": record("shilin-tianmu").pk}, "commendation_b": {"year": 106, "pk": record("shilin-investigation").pk}}


# --- 教育訓練 ---
def survey_objects(plan_106, user) -> dict:
    """A survey of the 106 plan with a result, and one of another organisation's plan (北投分局's)."""
    from assessments.survey_writes import ResultFigures, survey_results_set, survey_save
    from diagnosis.models import Plan

    staff = user("secretariat")
    survey = survey_save(
        plan=plan_106, user=staff, title="106年第1季滿意度調查", period_start=date(2017, 1, 1), period_end=date(2017, 3, 31),
        sampling_method="systematic",
    )
    survey_results_set(survey=survey, user=staff, results={"courtesy": ResultFigures(10, 9)})
    bureau = Unit.objects.get(code="tcpd")
    other = Unit.objects.filter(code="tcpd-beitou").first() or Unit(code="tcpd-beitou", name="北投分局", kind=Unit.Kind.PRECINCT, parent=bureau)
    if other.pk is None:
        from diagnosis.unit_tree import unit_save

        other = unit_save(other)
    foreign_plan = Plan.objects.create(
        organization=other, year=106, title="北投分局 106 年計畫", start_date=date(2017, 1, 1), end_date=date(2017, 12, 31)
    )
    foreign = survey_save(
        plan=foreign_plan, user=staff, title="他分局調查", period_start=date(2017, 1, 1), period_end=date(2017, 3, 31),
        sampling_method="census",
    )
    return {"survey": {"year": 106, "pk": survey.pk}, "foreign_survey": {"year": 106, "pk": foreign.pk}}


def training_objects(plan_106, user) -> dict:
    """A session of the 106 plan with unit A's attendance; a session of another organisation's plan (訓練科's),
    asked for under 士林分局's 106 plan (404 to everyone)."""
    from assessments.training_writes import training_session_save
    from diagnosis.models import Plan

    def session(plan, held_on):
        return training_session_save(
            plan=plan, user=user("secretariat"),
            values={"held_on": held_on, "topic": "服務禮儀講習", "speaker": "王教授", "hours": 2,
                    "organizer": plan.organization, "speaker_is_expert": True},
            attendance={Unit.objects.get(code="shilin-tianmu"): 5},
        )

    other_plan = Plan.objects.create(
        organization=Unit.objects.get(code="tcpd-training"), year=106, title="訓練科 106 年度計畫",
        start_date=date(2017, 1, 1), end_date=date(2017, 12, 31),
    )
    return {
        "training": {"year": 106, "pk": session(plan_106, date(2017, 5, 10)).pk},
        "training_other_plan": {"year": 106, "pk": session(other_plan, date(2017, 5, 10)).pk},
    }


# --- 推動小組名冊、次年度計畫 ---
def team_objects(plan_106, user) -> dict:
    """A member of the 106 plan's 推動小組 (a 委員 of 天母派出所)."""
    from assessments.models import TeamMember
    from assessments.team_writes import team_member_save

    member = team_member_save(
        member=TeamMember(plan=plan_106, role=TeamMember.Role.MEMBER, name="成員甲", title="所長",
                          unit=Unit.objects.get(code="shilin-tianmu")),
        user=user("secretariat"),
    )
    return {
        "team_member": {"year": 106, "pk": member.pk},
        "team_xlsx": {"year": 106, "extension": "xlsx"},
        "team_ods": {"year": 106, "extension": "ods"},
    }


CASES = [
    (row, name, key, method, role, int(statuses.split()[i]))
    for row, (name, key, get, post) in {
        **{n: (n, k, g, p) for n, (k, g, p) in MATRIX.items()},
        **VARIANTS,
    }.items()
    for method, statuses in (("GET", get), ("POST", post))
    if statuses != "-"
    for i, role in enumerate(ROLES)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "name", "key", "method", "role", "expected"), CASES, ids=[f"{c[0]}-{c[3]}-{c[4]}" for c in CASES])
def test_the_status_of_every_url_for_every_role(client, user, objects, row, name, key, method, role, expected):
    if role != "anon":
        client.force_login(user(USERS[role]))
    url = reverse(name, kwargs=objects[key])
    response = client.get(url) if method == "GET" else client.post(url, {})
    assert response.status_code == expected, f"{method} {url} as {role}: {response.status_code}, expected {expected}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_the_admin_is_for_superusers_only(client, user, role):
    if role != "anon":
        client.force_login(user(USERS[role]))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(user("admin"))
    assert client.get(reverse("admin:index")).status_code == 200


# --- 書面資料送審 ---
def submission_objects(plan, user) -> dict:
    """A pending submission of the plan, of a finished build."""
    from assessments.submission_writes import submission_create

    from .test_submissions import make_build

    submission = submission_create(plan=plan, build=make_build(plan, user("secretariat")), user=user("secretariat"))
    return {
        "submission": {"year": 106, "pk": submission.pk},
        "submission_file": {"year": 106, "pk": submission.pk, "kind": "form2-ods"},
    }


# --- 評分回合 ---
def scoring_objects(plan_106, user) -> dict:
    """A published round of the bureau over 士林分局's 106 plan (allotted by the 組織診斷's objects), one
    reviewer's sent sheet of its first dimension."""
    from decimal import Decimal

    from assessments.models import Score
    from assessments.scoring_writes import (
        assignment_add,
        round_close,
        round_create,
        round_precincts_set,
        round_publish,
        round_start,
    )
    from diagnosis.models import Membership

    from .scoring_fixtures import Scene, dimension, fill_sheet, person

    bureau = Unit.objects.get(code="tcpd")
    staff = person("matrix-bureau", bureau, Membership.Role.STAFF)
    reviewer = person("matrix-reviewer")
    scoring_round = round_create(organization=bureau, year=106, title="評分", spread_threshold=Decimal(3), user=staff)
    round_precincts_set(scoring_round=scoring_round, groups={plan_106.pk: ""}, user=staff)
    assignment = assignment_add(scoring_round=scoring_round, reviewer=reviewer, dimension=dimension(plan_106).name, user=staff)
    round_start(scoring_round=scoring_round, user=staff)
    scene = Scene(scoring_round, plan_106, None, staff, None, reviewer, None, None, [])
    fill_sheet(scene, reviewer, plan_106)
    round_close(scoring_round=scoring_round, user=staff)
    round_publish(scoring_round=scoring_round, user=staff)
    pk, precinct_pk = scoring_round.pk, scoring_round.precincts.get().pk
    score = Score.objects.filter(round=scoring_round).first()
    return {
        "scoring": {"pk": pk},
        "scoring_assignment": {"pk": pk, "assignment_pk": assignment.pk},
        "scoring_state": {"pk": pk, "action": "close"},
        "scoring_point": {"pk": pk, "precinct_pk": precinct_pk, "focus_point_pk": score.focus_point_id},
        "scoring_sheet": {"pk": pk, "precinct_pk": precinct_pk, "position": 1},
        "scoring_export": {"pk": pk, "extension": "xlsx"},
        "scoring_submission_file": {"pk": pk, "precinct_pk": precinct_pk, "kind": "binder-pdf"},
        "scoring_precinct": {"pk": pk, "precinct_pk": precinct_pk},
        "scoring_comment": {"pk": pk, "precinct_pk": precinct_pk, "score_pk": score.pk},
    }
