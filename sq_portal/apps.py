from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sq_portal"
    verbose_name = "服務品質管考平台"

    def ready(self):
        from . import session_renewal  # noqa: F401  (connects the sign-in stamp before any request)
