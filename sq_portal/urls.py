"""Root URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from assessments.views.home import home

from .auth_forms import PortalAuthenticationForm

admin.site.site_header = "服務品質管考平台 系統管理"
admin.site.site_title = "服務品質管考平台"
admin.site.index_title = "資料維護"

handler500 = "sq_portal.errors.server_error"

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=PortalAuthenticationForm), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Everyone changes their own password; the other sessions of the account end (Django keeps only this one).
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("", include("measures.urls")),
    path("", include("assessments.urls")),
    path("", include("diagnosis.urls")),
    path("admin/", admin.site.urls),
]
