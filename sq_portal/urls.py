"""Root URL configuration."""

from django.contrib import admin
from django.urls import path

from diagnosis import views as diagnosis_views

admin.site.site_header = "服務品質管考平台 系統管理"
admin.site.site_title = "服務品質管考平台"
admin.site.index_title = "資料維護"

urlpatterns = [
    path("", diagnosis_views.home, name="home"),
    path("admin/", admin.site.urls),
]
