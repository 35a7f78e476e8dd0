from django.urls import path

from .views import allotment, results, rounds, unit_forms

app_name = "diagnosis"

urlpatterns = [
    # 組織診斷 pages
    path("plans/<int:year>/diagnosis/", rounds.round_list, name="rounds"),
    path("plans/<int:year>/diagnosis/allotment/", allotment.allotment, name="allotment"),
    path("plans/<int:year>/diagnosis/<int:pk>/", rounds.round_detail, name="round"),
    path("plans/<int:year>/diagnosis/<int:pk>/close/", rounds.round_close_page, name="round_close"),
    path("plans/<int:year>/diagnosis/<int:pk>/results/", results.results, name="results"),
    path("plans/<int:year>/diagnosis/<int:pk>/units/<slug:code>/", unit_forms.unit_diagnosis, name="unit"),
    path("plans/<int:year>/diagnosis/<int:pk>/units/<slug:code>/submit/", unit_forms.unit_submit, name="unit_submit"),
    path("plans/<int:year>/diagnosis/<int:pk>/units/<slug:code>/return/", unit_forms.unit_return, name="unit_return"),
]
