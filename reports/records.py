"""The reports app's record kind (communes/record_kinds.py): the periodic reports of the communes,
listed with their state, exported like every list."""

from django.utils.translation import gettext_lazy as _

from basecurity.lib.collation import vi
from basecurity.lib.tabular import Column, field_column
from communes.permissions import Capability, units_with
from communes.record_kinds import REPORTS, Export, ListColumn, MenuEntry, RecordKind, choice_filter, register

from .forms import SUPERIOR_LEVELS
from .models import Report, ReportState


def can_approve_anywhere(user) -> bool:
    return units_with(user, Capability.REPORTS_APPROVE).filter(level__in=SUPERIOR_LEVELS).exists()


def _can_create(user) -> bool:
    """A report is a commune's: its officers write one."""
    return units_with(user, Capability.RECORDS_WRITE).filter(level="commune").exists()


def _on_time(report):
    if report.on_time is None:
        return ""
    return _("on time") if report.on_time else _("late")


register(
    RecordKind(
        key="report",
        model=Report,
        url_prefix="reports:report",
        access=REPORTS,
        columns=(
            ListColumn("unit", _("Unit"), "records/cells/unit.html"),
            ListColumn("period", _("Period"), "reports/cells/period.html", link=True),
            "state",
            "due_on",
            ListColumn("submitted_at", _("Submitted"), "reports/cells/submitted.html"),
        ),
        filters={"state": choice_filter(_("State"), ReportState.choices, empty_label=_("All states"))},
        village_filter=False,
        related=("unit",),
        ordering=("-end", vi("unit__name")),
        exports={
            "": Export(
                people=[
                    Column(_("Unit"), lambda report: report.unit.name),
                    Column(_("Period"), lambda report: report.period.label),
                    field_column(Report, "state"),
                    field_column(Report, "due_on"),
                    field_column(Report, "submitted_at"),
                    Column(_("On time"), _on_time),
                ],
                name="reports",
            )
        },
        menu=MenuEntry("top", _("Reports"), html_id="nav-reports"),
        icon="bi-file-earmark-text",
        title=_("Periodic reports"),
        empty_template="reports/_empty.html",
        header_extra="reports/_list_buttons.html",
        list_context=lambda user: {"can_approve": can_approve_anywhere(user)},
        create_label=_("New report"),
        can_create=_can_create,
    ),
)
