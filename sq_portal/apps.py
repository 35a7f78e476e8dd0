from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sq_portal"
    verbose_name = "服務品質管考平台"
