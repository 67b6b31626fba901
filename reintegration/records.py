"""The reintegration app's record kind (communes/record_kinds.py): persons managed in the
community, with their statuses as a second export of the same rows, and where the persons' dated
rows belong (periods, locks, figures).

Persons are personal data: the list writes the read log for every page (naming the persons shown)
and every export; a 12-digit search is a citizen-ID lookup, logged with who asked.
"""

import re

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communes.permissions import Capability, has_capability
from communes.querysets import text_search
from communes.record_kinds import (
    COMMUNE_ONLY,
    PERSONS,
    Export,
    ListColumn,
    MenuEntry,
    Placement,
    RecordKind,
    choice_filter,
    place,
    register,
)

from . import importers, services
from .models import Category, Person, ReadLog, Reoffence, Status, SupportAction

CITIZEN_ID_SEARCH = re.compile(r"\d{12}")
STATUS_CHOICES = [
    ("employed", _("Has a job")),
    ("stable", _("Stable life")),
    ("employed_stable", _("Has a job and a stable life")),
    ("none", _("No status recorded")),
]


def _with_status(persons, name, value):
    if value == "employed":
        return persons.filter(latest_has_job=True)
    if value == "stable":
        return persons.filter(latest_stable_life=True)
    if value == "employed_stable":
        return persons.filter(latest_has_job=True, latest_stable_life=True)
    return persons.filter(latest_status_as_of__isnull=True)


def _search(persons, term, user):
    if CITIZEN_ID_SEARCH.fullmatch(term):  # a citizen ID: an exact lookup, written to the read log
        found = services.citizen_id_lookup(user=user, citizen_ids=[term], via="person list search")
        return persons.filter(pk__in=[person.pk for person in found.values()])
    return persons.filter(text_search(["full_name", "ref"], term))


def _log_page(user, page) -> None:
    services.log_persons_listed(user=user, persons=page, what=f"person list page {page.number}")


def _log_export(user, persons, what: str) -> None:
    services.log_persons_export(user=user, persons=Person.objects.filter(pk__in=persons.values("pk")), what=what)


def _with_todays_status(persons):
    return persons.with_latest_status(timezone.localdate())


def _import_context(user) -> dict:
    """The import links under the list (imports:start of each kind), for those who may write persons."""
    if not has_capability(user, Capability.PERSONS_WRITE):
        return {}
    return {"import_kinds": list(importers.IMPORTERS)}


def _person_row(p) -> list:
    return [
        p.unit.code,
        p.ref,
        p.full_name,
        p.date_of_birth,
        p.sex,
        p.citizen_id or "",
        p.category,
        p.returned_on,
        p.management_end,
        p.last_reoffence,
    ]


PERSON_FILE = Export(
    people=importers.PERSON_PEOPLE,
    columns=importers.PERSON_COLUMNS,
    row=_person_row,
    prepare=lambda persons: (
        persons.select_related("unit").annotate(last_reoffence=Max("reoffences__date")).order_by("unit__code", "ref")
    ),
    title=_("Persons managed in the community"),
    import_kind="reintegration_persons",
)
STATUS_FILE = Export(
    people=importers.STATUS_PEOPLE,
    columns=importers.STATUS_COLUMNS,
    row=lambda s: [s.person.unit.code, s.person.ref, s.as_of, s.has_job, s.stable_life, s.note],
    rows_of=lambda persons: Status.objects.filter(person__in=persons.values("pk")),
    prepare=lambda statuses: statuses.select_related("person__unit").order_by(
        "person__unit__code", "person__ref", "as_of"
    ),
    title=_("Statuses of the persons managed"),
    import_kind="reintegration_statuses",
)

register(
    RecordKind(
        key="person",
        model=Person,
        url_prefix="reintegration:person",
        access=PERSONS,
        # No date of its own: a person counts in every year of the management (dashboards).
        place=Placement(figures=True, every_year=True, levels=COMMUNE_ONLY),  # Person.clean: a commune's
        columns=(
            "ref",
            ListColumn("full_name", link=True),
            ListColumn("masked_citizen_id", _("Citizen ID"), "reintegration/cells/citizen_id.html"),
            ListColumn("unit", _("Commune"), "reintegration/cells/place.html"),
            ListColumn("category", pgettext_lazy("reintegration", "Category")),
            ListColumn("returned_on", pgettext_lazy("date of return to the locality", "Returned on")),
            ListColumn("latest_status_as_of", _("Latest status"), "reintegration/cells/latest_status.html"),
        ),
        search=_search,
        search_label=_("Search (name or file number)"),
        filters={
            "category": choice_filter(
                pgettext_lazy("reintegration", "Category"), Category.choices, empty_label=_("All categories")
            ),
            "status": choice_filter(_("Status"), STATUS_CHOICES, empty_label=_("Any status"), method=_with_status),
        },
        related=("unit", "village"),
        prepare=_with_todays_status,
        ordering=("-returned_on", "-pk"),
        exports={"": PERSON_FILE, "statuses": STATUS_FILE},
        import_url="imports:start",
        import_args=(importers.PersonsImporter.kind,),
        menu=MenuEntry(
            "reintegration",
            _("Persons"),
            links=(
                ("reintegration:needs_attention", _("Needs attention")),
                ("reintegration:counts", _("Reintegration in figures")),
            ),
        ),
        icon="bi-person-vcard",
        title=_("Reintegrated persons"),
        header_extra="reintegration/_list_buttons.html",
        list_extra="reintegration/_import.html",
        list_context=_import_context,
        create_label=_("Register a person"),
        on_list=_log_page,
        on_export=_log_export,
    ),
)
place(SupportAction, Placement(unit="person__unit", date="date", levels=COMMUNE_ONLY))
place(Status, Placement(unit="person__unit", date="as_of", figures=True, every_year=True, levels=COMMUNE_ONLY))
place(Reoffence, Placement(unit="person__unit", date="date", figures=True, every_year=True, levels=COMMUNE_ONLY))
place(ReadLog, Placement(unit="person__unit", levels=COMMUNE_ONLY))
