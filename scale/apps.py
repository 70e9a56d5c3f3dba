from django.apps import AppConfig


class ScaleConfig(AppConfig):
    """The synthetic corpus and its command (generate_corpus); no models of its own."""

    name = "scale"
    verbose_name = "scale tooling"
