from django.apps import AppConfig


class BasecurityConfig(AppConfig):
    name = "basecurity"
    verbose_name = "basecurity"

    def ready(self):
        from . import files, hygiene
        from .lib import collation

        hygiene.install()
        files.install()
        collation.install()
