from django.urls import path

from .views import (  # noqa: F401
    binders,
    commendations,
    courtesy,
    dashboard,
    follow_ups,
    plan_copy,
    proposals,
    reviews,
    submissions,
    surveys,
    team,
    training,
)

app_name = "assessments"

urlpatterns = [
    path("plans/<int:year>/dashboard/", dashboard.plan_dashboard, name="plan_dashboard"),
    path("plans/<int:year>/reviews/", reviews.review_list, name="reviews"),
    path("plans/<int:year>/reviews/<int:pk>/", reviews.review_detail, name="review"),
    path("plans/<int:year>/reviews/<int:pk>/items/<int:item_pk>/answer/", follow_ups.follow_up_answer_page, name="follow_up_answer"),
    path("plans/<int:year>/reviews/<int:pk>/courtesy/<int:item_pk>/answer/", follow_ups.follow_up_answer_page, {"kind": "courtesy"}, name="courtesy_follow_up_answer"),
    path("plans/<int:year>/follow-up-files/<int:pk>/", follow_ups.follow_up_file, name="follow_up_file"),
    path("plans/<int:year>/follow-up-files/<int:pk>/remove/", follow_ups.follow_up_file_remove, name="follow_up_file_remove"),
    path("plans/<int:year>/reviews/<int:pk>/close/", reviews.review_close_page, name="review_close"),
    path("plans/<int:year>/reviews/<int:pk>/export.xlsx", reviews.review_export, name="review_export"),
    path("plans/<int:year>/reviews/<int:pk>/export.ods", reviews.review_export, {"extension": "ods"}, name="review_export_ods"),
    path("units/<slug:code>/", dashboard.unit_dashboard, name="unit"),
    # 創意提案 (proposals.py)
    path("plans/<int:year>/proposals/", proposals.proposal_list, name="proposals"),
    path("plans/<int:year>/proposals/new/", proposals.proposal_new, name="proposal_new"),
    path("plans/<int:year>/proposals/<int:pk>/", proposals.proposal_detail, name="proposal"),
    path("plans/<int:year>/proposals/<int:pk>/edit/", proposals.proposal_edit, name="proposal_edit"),
    path("plans/<int:year>/proposals/<int:pk>/decide/", proposals.proposal_decide, name="proposal_decide"),
    path("plans/<int:year>/proposals/<int:pk>/delete/", proposals.proposal_delete_page, name="proposal_delete"),
    # 電話禮貌測試 (courtesy.py)
    path("plans/<int:year>/courtesy/", courtesy.courtesy_list, name="courtesy_tests"),
    path("plans/<int:year>/courtesy/new/", courtesy.courtesy_new, name="courtesy_new"),
    path("plans/<int:year>/courtesy/<int:pk>/", courtesy.courtesy_detail, name="courtesy_test"),
    path("plans/<int:year>/courtesy/<int:pk>/edit/", courtesy.courtesy_edit, name="courtesy_edit"),
    path("plans/<int:year>/courtesy/<int:pk>/delete/", courtesy.courtesy_delete_page, name="courtesy_delete"),
    # 獎懲 (commendations.py)
    path("plans/<int:year>/commendations/", commendations.commendation_list, name="commendations"),
    path("plans/<int:year>/commendations/new/", commendations.commendation_new, name="commendation_new"),
    path("plans/<int:year>/commendations/<int:pk>/", commendations.commendation_detail, name="commendation"),
    path("plans/<int:year>/commendations/<int:pk>/edit/", commendations.commendation_edit, name="commendation_edit"),
    path("plans/<int:year>/commendations/<int:pk>/delete/", commendations.commendation_delete_page, name="commendation_delete"),
    # 滿意度調查、陳情案件 (surveys.py)
    path("plans/<int:year>/surveys/", surveys.survey_list, name="surveys"),
    path("plans/<int:year>/surveys/new/", surveys.survey_create, name="survey_new"),
    path("plans/<int:year>/surveys/trend/", surveys.survey_trend_page, name="survey_trend"),
    path("plans/<int:year>/surveys/results-template.xlsx", surveys.survey_import_template, name="survey_import_template"),
    path("plans/<int:year>/surveys/<int:pk>/", surveys.survey_detail, name="survey"),
    path("plans/<int:year>/surveys/<int:pk>/edit/", surveys.survey_edit, name="survey_edit"),
    path("plans/<int:year>/surveys/<int:pk>/delete/", surveys.survey_delete_page, name="survey_delete"),
    path("plans/<int:year>/surveys/<int:pk>/results/", surveys.survey_results, name="survey_results"),
    path("plans/<int:year>/surveys/<int:pk>/import/", surveys.survey_import, name="survey_import"),
    path("plans/<int:year>/petitions/", surveys.petition_analysis_page, name="petitions"),
    path("plans/<int:year>/petitions/entry/", surveys.petition_entry, name="petition_entry"),
    # 教育訓練 (training.py)
    path("plans/<int:year>/training/", training.training_list, name="training_list"),
    path("plans/<int:year>/training/new/", training.training_create, name="training_new"),
    path("plans/<int:year>/training/<int:pk>/", training.training_detail, name="training"),
    path("plans/<int:year>/training/<int:pk>/edit/", training.training_edit, name="training_edit"),
    path("plans/<int:year>/training/<int:pk>/attendance/", training.training_attendance, name="training_attendance"),
    path("plans/<int:year>/training/<int:pk>/delete/", training.training_delete, name="training_delete"),
    # 推動小組名冊 (team.py)
    path("plans/<int:year>/team/", team.team_list, name="team"),
    path("plans/<int:year>/team/new/", team.team_member_new, name="team_new"),
    path("plans/<int:year>/team/<int:pk>/edit/", team.team_member_edit, name="team_edit"),
    path("plans/<int:year>/team/<int:pk>/remove/", team.team_member_remove_page, name="team_remove"),
    path("plans/<int:year>/team/<int:pk>/move/", team.team_member_move_page, name="team_move"),
    path("plans/<int:year>/team.<str:extension>", team.team_export, name="team_export"),
    # 書面資料送審 (submissions.py)
    path("plans/<int:year>/submissions/", submissions.submission_list, name="submissions"),
    path("plans/<int:year>/submissions/new/", submissions.submission_new, name="submission_new"),
    path("plans/<int:year>/submissions/<int:pk>/", submissions.submission_detail, name="submission"),
    path("plans/<int:year>/submissions/<int:pk>/decide/", submissions.submission_decide_page, name="submission_decide"),
    path("plans/<int:year>/submissions/<int:pk>/files/<slug:kind>", submissions.submission_file, name="submission_file"),
    path("submissions/<int:year>/", submissions.bureau_submission_list, name="bureau_submissions"),
    path("plans/<int:year>/copy/", plan_copy.plan_copy_page, name="plan_copy"),  # 次年度計畫
    # 佐證資料冊 (binders.py)
    path("plans/<int:year>/binder/", binders.binder_page, name="binder"),
    path("plans/<int:year>/binder/build/", binders.binder_build_start, name="binder_build"),
    path("plans/<int:year>/binder/builds/<int:pk>.<str:kind>", binders.binder_build_file, name="binder_build_file"),
    path("plans/<int:year>/binder/sections/<str:section>/", binders.binder_choose, name="binder_choose"),
    path("plans/<int:year>/binder/sections/<str:section>/upload/", binders.binder_upload_page, name="binder_upload"),
    path("plans/<int:year>/binder/files/<int:pk>/", binders.binder_entry_file, name="binder_entry_file"),
    path("plans/<int:year>/binder/files/<int:pk>/remove/", binders.binder_entry_remove_page, name="binder_entry_remove"),
]
