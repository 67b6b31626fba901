from django.apps import AppConfig


class BasecurityConfig(AppConfig):
    name = "basecurity"
    verbose_name = "basecurity"

    def ready(self):
        from . import hygiene

        hygiene.install()
