from django.apps import AppConfig


class PerfConfig(AppConfig):
    """Benchmark, scale data and load-test tooling: commands only; production code never imports this app."""

    name = "perf"
    verbose_name = "效能量測工具"
