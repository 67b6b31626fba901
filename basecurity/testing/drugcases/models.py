from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit
from communes.querysets import UnitScopedQuerySet


class DrugCase(models.Model):
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    village = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("village")
    )
    detected_on = models.DateField(_("detected on"))
    substance = models.CharField(
        _("substance"), max_length=20, choices=[("heroin", "Heroin"), ("meth", "Methamphetamine")]
    )
    persons = models.PositiveIntegerField(_("persons involved"), default=1)
    summary = models.TextField(_("summary"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("drug-related case")
        verbose_name_plural = _("drug-related cases")

    def __str__(self) -> str:
        return f"{self.get_substance_display()} · {self.detected_on:%d/%m/%Y}"
