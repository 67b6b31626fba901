from django.apps import AppConfig


class BasecurityConfig(AppConfig):
    name = "basecurity"
    verbose_name = "basecurity"

    def ready(self):
        from . import files, hygiene

        hygiene.install()
        files.install()
