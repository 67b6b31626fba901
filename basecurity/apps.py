import axes.apps
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BasecurityConfig(AppConfig):
    name = "basecurity"
    verbose_name = "basecurity"

    def ready(self):
        from . import files, hygiene, middleware  # noqa: F401  (middleware: the login signal's receiver)
        from .lib import collation

        hygiene.install()
        files.install()
        collation.install()


class AxesConfig(axes.apps.AppConfig):
    """django-axes under a name in the user's language (it has none: the admin showed "Axes")."""

    default = False  # "basecurity" in INSTALLED_APPS still means BasecurityConfig
    verbose_name = _("Login attempts")
