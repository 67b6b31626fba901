from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DrugCasesConfig(AppConfig):
    """A record kind that exists only in the tests (basecurity/settings_test.py): proof that a new
    kind is one model, one declaration (records.py), a migration and translations."""

    name = "basecurity.testing.drugcases"
    label = "drugcases"
    verbose_name = _("Drug-related cases")
