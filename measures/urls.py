from django.urls import path

from .views import drafts, forms, imports, measure_pages, open_data, plans, reports, unit_months, workbench

app_name = "measures"

urlpatterns = [
    path("plans/<int:year>/", plans.plan_tree, name="plan"),
    path("plans/<int:year>/reports/", workbench.plan_reports, name="plan_reports"),
    path("plans/<int:year>/reports/approve/", workbench.reports_batch_review, name="reports_batch_review"),
    path("plans/<int:year>/settings/", plans.plan_settings, name="plan_settings"),
    path("plans/<int:year>/forms/<int:form>.<str:extension>", forms.form_download, name="form_download"),
    path("plans/<int:year>/import/", imports.import_page, name="import"),
    path("plans/<int:year>/import/template.xlsx", imports.import_template, name="import_template"),
    path("plans/<int:year>/measures/new/", measure_pages.measure_create_page, name="measure_new"),
    path("plans/<int:year>/measures/<int:pk>/", measure_pages.measure_detail, name="measure"),
    path("plans/<int:year>/measures/<int:pk>/edit/", measure_pages.measure_edit, name="measure_edit"),
    path("plans/<int:year>/measures/<int:pk>/move/", measure_pages.measure_move_page, name="measure_move"),
    path("plans/<int:year>/measures/<int:pk>/retire/", measure_pages.measure_retire_page, name="measure_retire"),
    path("plans/<int:year>/measures/<int:pk>/planned/", measure_pages.measure_planned, name="measure_planned"),
    path("plans/<int:year>/measures/<int:pk>/history/", measure_pages.measure_history, name="measure_history"),
    path("plans/<int:year>/measures/<int:pk>/indicators/new/", measure_pages.indicator_edit, name="indicator_new"),
    path(
        "plans/<int:year>/measures/<int:pk>/indicators/<int:indicator_pk>/edit/",
        measure_pages.indicator_edit,
        name="indicator_edit",
    ),
    path(
        "plans/<int:year>/measures/<int:pk>/indicators/<int:indicator_pk>/retire/",
        measure_pages.indicator_retire_page,
        name="indicator_retire",
    ),
    path("plans/<int:year>/measures/<int:pk>/reports/new/", reports.report_new, name="report_new"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report_edit"),
    path("reports/<int:pk>/withdraw/", reports.report_withdraw_page, name="report_withdraw"),
    path("reports/<int:pk>/delete/", reports.report_delete_page, name="report_delete"),
    path("reports/<int:pk>/review/", reports.report_review_page, name="report_review"),
    # a unit's month on one page, and its 填報紀錄 (unit_months.py)
    path("units/<slug:code>/months/", unit_months.unit_month_index, name="unit_months"),
    path("units/<slug:code>/months/<int:year>-<int:month>/", unit_months.unit_month, name="unit_month"),
    path("units/<slug:code>/reports/", unit_months.unit_reports, name="unit_reports"),
    path("evidence/<int:pk>/", reports.evidence_download, name="evidence"),
    path("evidence/<int:pk>/preview/", reports.evidence_preview, name="evidence_preview"),
    path("evidence/<int:pk>/delete/", reports.evidence_remove, name="evidence_delete"),
    path("open-data/plans/<int:year>/measures.json", open_data.measures_json, name="open_data_json"),
    path("open-data/plans/<int:year>/measures.csv", open_data.measures_csv, name="open_data_csv"),
    # measure drafts proposed from the 組織診斷 (the addresses stay under diagnosis/, where units find them)
    path("plans/<int:year>/diagnosis/answers/<int:pk>/propose/", drafts.draft_propose, name="draft_propose"),
    path("plans/<int:year>/diagnosis/drafts/", drafts.draft_list, name="drafts"),
    path("plans/<int:year>/diagnosis/drafts/<int:pk>/decide/", drafts.draft_decide, name="draft_decide"),
]
