from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


def _unicode_upper_on_sqlite(sender, connection, **kwargs):
    """SQLite's UPPER() folds ASCII only; Python's folds "đồng" to "ĐỒNG" (see text_search)."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "UPPER", 1, lambda value: value.upper() if isinstance(value, str) else value, deterministic=True
        )


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Units and organisation")

    def ready(self):
        connection_created.connect(_unicode_upper_on_sqlite, dispatch_uid="communes_unicode_upper")
        # Every app's record kinds (communes/record_kinds.py), declared in its records.py.
        autodiscover_modules("records")
        from . import imports

        imports.autodiscover()  # every app's importers.py registers its import kinds
