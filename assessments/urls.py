from django.urls import path

from .views import dashboard, reviews

app_name = "assessments"

urlpatterns = [
    path("plans/<int:year>/dashboard/", dashboard.plan_dashboard, name="plan_dashboard"),
    path("plans/<int:year>/reviews/", reviews.review_list, name="reviews"),
    path("plans/<int:year>/reviews/<int:pk>/", reviews.review_detail, name="review"),
    path("plans/<int:year>/reviews/<int:pk>/close/", reviews.review_close_page, name="review_close"),
    path("plans/<int:year>/reviews/<int:pk>/export.xlsx", reviews.review_export, name="review_export"),
    path("units/<slug:code>/", dashboard.unit_dashboard, name="unit"),
]
