from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation and the ``seed_demo`` command; no models."""

    name = "demo"
