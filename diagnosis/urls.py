from django.urls import path

from .views import allotment, drafts, results, rounds, unit_forms
from .views.plan_copy import plan_copy_page  # 次年度計畫

app_name = "diagnosis"

urlpatterns = [
    # 組織診斷 pages
    path("plans/<int:year>/diagnosis/", rounds.round_list, name="rounds"),
    path("plans/<int:year>/diagnosis/allotment/", allotment.allotment, name="allotment"),
    path("plans/<int:year>/diagnosis/<int:pk>/", rounds.round_detail, name="round"),
    path("plans/<int:year>/diagnosis/<int:pk>/close/", rounds.round_close_page, name="round_close"),
    path("plans/<int:year>/diagnosis/<int:pk>/results/", results.results, name="results"),
    path("plans/<int:year>/diagnosis/<int:pk>/units/<slug:code>/", unit_forms.unit_diagnosis, name="unit"),
    path("plans/<int:year>/diagnosis/<int:pk>/units/<slug:code>/return/", unit_forms.unit_return, name="unit_return"),
    path("plans/<int:year>/diagnosis/answers/<int:pk>/propose/", unit_forms.propose, name="propose"),
    path("plans/<int:year>/diagnosis/drafts/", drafts.draft_list, name="drafts"),
    path("plans/<int:year>/diagnosis/drafts/<int:pk>/decide/", drafts.draft_decide, name="draft_decide"),
    path("plans/<int:year>/copy/", plan_copy_page, name="plan_copy"),  # 次年度計畫 (views/plan_copy.py)
]
