"""The record kinds of the incidents app (communes/record_kinds.py): one declaration each.

The generic views (views.py), the URLs (urls.py), the lists and exports (communes/record_views.py)
and the menu read an `IncidentKind`: its model, where and when its records are (`Placement`), its
form and service functions, list columns, filters, search fields, export and import. Rows listed
only under their record (a tip's extensions, a business's inspections, a surrender's items)
declare their place here too.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from basecurity.lib.collation import vi
from communes.record_kinds import (
    COMMUNE_ONLY,
    RECORDS,
    MenuEntry,
    Placement,
    RecordKind,
    choice_filter,
    place,
    register,
)

from . import forms as record_forms
from . import models, services
from .exports import EXPORTS, IMPORT_KINDS


@dataclass(frozen=True)
class IncidentKind(RecordKind):
    """A record kind of this app: its pages also need a form, services and a URL segment."""

    slug: str = ""  # URL segment: /records/<slug>/
    form: type | None = None
    service: str = ""  # services.<service>_create / _update / _delete(<service>=...)
    detail_fields: tuple = ()

    @property
    def kind(self) -> str:
        return self.key

    @property
    def field_names(self) -> list[str]:
        """The form's fields, in order: the detail page shows them."""
        return self.form._meta.fields  # type: ignore[union-attr]  # every incident kind has a form

    def service_call(self, action: str) -> Callable:
        return getattr(services, f"{self.service}_{action}")


class GroupedCategoryField(forms.ModelChoiceField):
    """The categories under their group (crime, social evil, law violation) as <optgroup>s."""

    iterator = record_forms.CategoriesByGroup


class CategoryFilter(django_filters.ModelChoiceFilter):
    field_class = GroupedCategoryField


def _kind(key, slug, model, form, *, date, menu, menu_order, related=(), importable=False, **kwargs) -> IncidentKind:
    return IncidentKind(
        key=key,
        slug=slug,
        model=model,
        form=form,
        service=kwargs.pop("service", key),
        url_prefix=f"incidents:{key}",
        access=RECORDS,
        place=Placement(date=date, levels=COMMUNE_ONLY, **kwargs.pop("placement", {})),  # UnitRecord.clean
        related=("unit", "village", "recorded_by", *related),
        list_related=("unit", "village", *related),  # who recorded it: the exports and the record's page
        exports={"": replace(EXPORTS[key], name=EXPORTS[key].import_kind or slug)},
        import_url="imports:start" if importable else "",
        import_args=(IMPORT_KINDS[key],) if importable else (),
        menu=MenuEntry(
            "records",
            menu,
            order=menu_order,
            divider_before=kwargs.pop("divider", False),
            links=kwargs.pop("links", ()),
        ),
        **kwargs,
    )


def _with_item_type(queryset, name, value):
    return queryset.filter(Exists(models.WeaponSurrenderItem.objects.filter(surrender=OuterRef("pk"), item_type=value)))


def _decision_state(queryset, name, value):
    if value == "pending":
        return queryset.filter(decision="")
    return queryset.filter(decision=value)


def _declaration_state(queryset, name, value):
    return queryset.declared_on_time() if value == "on_time" else queryset.late_or_undeclared()


KINDS: dict[str, IncidentKind] = {
    kind.key: kind
    for kind in [
        _kind(
            "incident",
            "incidents",
            models.Incident,
            record_forms.IncidentForm,
            date="occurred_on",
            placement={"figures": True},
            columns=("occurred_on", "category", "place", "subjects", "status", "outcome"),
            search_fields=("description", "category__name", "village__name"),
            filters={
                "group": choice_filter(_("Group"), models.CategoryGroup.choices, field_name="category__group"),
                "category": CategoryFilter(
                    label=_("Category"),
                    queryset=models.IncidentCategory.objects.order_by("group", vi("name")),
                    empty_label=_("All"),
                ),
                "status": choice_filter(_("Handling status"), models.IncidentStatus.choices),
            },
            related=("category",),
            importable=True,
            icon="bi-exclamation-triangle",
            menu=_("Incidents"),
            menu_order=10,
        ),
        _kind(
            "tip",
            "tips",
            models.CrimeTip,
            record_forms.CrimeTipForm,
            date="received_on",
            placement={"figures": True},
            columns=("received_on", "kind", "place", "deadline", "decision", "summary"),
            search_fields=("summary",),
            filters={
                "kind": choice_filter(_("Kind"), models.TipKind.choices),
                "decision": choice_filter(
                    _("Decision"),
                    [("pending", _("No decision yet")), *models.TipDecision.choices],
                    method=_decision_state,
                ),
            },
            importable=True,
            detail_extra="incidents/_tip_actions.html",
            header_extra="incidents/_tip_list_buttons.html",
            detail_fields=("handover_due_at", "deadline"),
            icon="bi-megaphone",
            menu=_("Crime tips"),
            menu_order=20,
            links=(("incidents:tip_attention", _("Tips overdue and due soon")),),
        ),
        _kind(
            "accident",
            "accidents",
            models.TrafficAccident,
            record_forms.TrafficAccidentForm,
            date="occurred_on",
            placement={"figures": True},
            columns=("occurred_on", "place", "village", "deaths", "injuries", "vehicles"),
            search_fields=("place", "description"),
            importable=True,
            icon="bi-car-front",
            menu=_("Traffic accidents"),
            menu_order=30,
        ),
        _kind(
            "stay",
            "stays",
            models.ForeignerStay,
            record_forms.ForeignerStayForm,
            # The arrival day is derived from its time on save: locks read the time (communes/locks.py).
            date="arrived_on",
            placement={"lock_date": "arrived_at", "figures": True},
            columns=("full_name", "nationality", "arrived_at", ("declared_on_time", _("Declared on time")), "place"),
            search_fields=("full_name", "passport_number", "nationality", "host_address", "business__name"),
            filters={
                "declaration": choice_filter(
                    _("Declaration"),
                    [("on_time", _("Declared on time")), ("late", _("Late or not declared"))],
                    method=_declaration_state,
                ),
            },
            related=("business",),
            importable=True,
            detail_fields=("declaration_due_at", ("declared_on_time", _("Declared on time"))),
            icon="bi-passport",
            menu=_("Foreigners' stays"),
            menu_order=40,
        ),
        _kind(
            "business",
            "businesses",
            models.ConditionalBusiness,
            record_forms.ConditionalBusinessForm,
            date="",
            columns=("name", "kind", "place", "owner_name", "security_certificate_number", "status"),
            search_fields=("name", "owner_name", "address", "security_certificate_number"),
            filters={
                "kind": django_filters.ModelChoiceFilter(
                    label=_("Kind"), queryset=models.BusinessKind.objects.order_by(vi("name")), empty_label=_("All")
                ),
                "status": choice_filter(_("Status"), models.BusinessStatus.choices),
            },
            related=("kind",),
            detail_extra="incidents/_business_inspections.html",
            icon="bi-shop",
            menu=_("Conditional businesses"),
            menu_order=50,
        ),
        _kind(
            "surrender",
            "surrenders",
            models.WeaponSurrender,
            record_forms.WeaponSurrenderForm,
            date="surrendered_on",
            columns=("surrendered_on", "place", ("items", _("Items")), "surrendered_by"),
            search_fields=("surrendered_by", "notes"),
            filters={
                "item_type": choice_filter(_("Type of item"), models.WeaponItemType.choices, method=_with_item_type),
            },
            prefetch=("items",),
            detail_extra="incidents/_surrender_items.html",
            icon="bi-box-seam",
            menu=_("Weapon surrenders"),
            menu_order=60,
        ),
        _kind(
            "patrol",
            "patrols",
            models.Patrol,
            record_forms.PatrolForm,
            date="patrolled_on",
            columns=("patrolled_on", "area_kind", "place", "forces", "participants"),
            search_fields=("forces", "area", "results"),
            filters={"area_kind": choice_filter(_("Kind of area"), models.PatrolArea.choices)},
            icon="bi-signpost-split",
            menu=_("Patrols"),
            menu_order=70,
            divider=True,
        ),
        _kind(
            "outreach",
            "outreach",
            models.OutreachSession,
            record_forms.OutreachSessionForm,
            date="held_on",
            columns=("held_on", "topic", "place", "attendees"),
            search_fields=("topic", "notes"),
            icon="bi-people",
            menu=_("Legal-education sessions"),
            menu_order=80,
        ),
        _kind(
            "mediation",
            "mediations",
            models.Mediation,
            record_forms.MediationForm,
            date="mediated_on",
            columns=("mediated_on", "parties", "place", "outcome"),
            search_fields=("parties", "subject"),
            filters={"outcome": choice_filter(_("Outcome"), models.MediationOutcome.choices)},
            icon="bi-chat-square-text",
            menu=_("Mediations"),
            menu_order=90,
        ),
        _kind(
            "doorcheck",
            "door-checks",
            models.DoorToDoorCheck,
            record_forms.DoorToDoorCheckForm,
            date="checked_on",
            service="door_check",
            columns=("checked_on", "place", "households_checked", "violations_found"),
            search_fields=("findings",),
            icon="bi-house-door",
            menu=_("Door-to-door checks"),
            menu_order=100,
        ),
    ]
}
register(*KINDS.values())
# Rows shown under their record. An extension belongs to its tip's period (locks, figures); a
# surrender's items are written with their surrender, whose date the lock checks.
place(
    models.CrimeTipExtension,
    Placement(unit="tip__unit", date="extended_on", lock_date="tip__received_on", figures=True, levels=COMMUNE_ONLY),
)
place(models.BusinessInspection, Placement(unit="business__unit", date="inspected_on", levels=COMMUNE_ONLY))
place(
    models.WeaponSurrenderItem,
    Placement(unit="surrender__unit", date="surrender__surrendered_on", lock_date="", levels=COMMUNE_ONLY),
)
