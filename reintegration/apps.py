from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReintegrationConfig(AppConfig):
    name = "reintegration"
    verbose_name = _("Reintegration")

    def ready(self):
        from communes.services import unit_handed_over

        from .services import persons_follow_their_commune

        unit_handed_over.connect(
            persons_follow_their_commune, dispatch_uid="reintegration.persons_follow_their_commune"
        )
