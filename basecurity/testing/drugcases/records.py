"""The whole declaration of the test kind: list, filters, exports, import and menu entry follow from it."""

from django.utils.translation import gettext_lazy as _

from basecurity.lib.tabular import field_column
from communes.record_kinds import RECORDS, Export, MenuEntry, Placement, RecordKind, choice_filter, register

from .models import DrugCase

register(
    RecordKind(
        key="drugcase",
        model=DrugCase,
        url_prefix="drugcases:drugcase",
        access=RECORDS,
        place=Placement(date="detected_on"),
        pages=False,
        columns=("detected_on", "substance", "place", "persons"),
        search_fields=("summary",),
        filters={"substance": choice_filter(_("Substance"), DrugCase._meta.get_field("substance").choices)},
        related=("unit", "village"),
        exports={
            "": Export(
                people=[
                    field_column(DrugCase, name)
                    for name in ("unit", "village", "detected_on", "substance", "persons", "summary")
                ]
            )
        },
        import_columns=("unit_code", "village", "detected_on", "substance", "persons", "summary"),
        menu=MenuEntry("records", _("Drug-related cases"), order=200),
        icon="bi-capsule",
    )
)
