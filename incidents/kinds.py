"""What the record pages need to know about each kind of record, in one table (KINDS).

The generic views (views.py), the URLs (urls.py) and the shared templates read a `RecordKind`:
its model, form, service functions, list filters, search fields and columns. `filtered_records()`
is the list's query (scope, filters, search, newest first); exports reuse it so that a list and
its export always hold the same rows.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from communes.permissions import Capability, scope, units_with
from communes.querysets import text_search

from . import forms as record_forms
from . import services
from .models import (
    BusinessKind,
    BusinessStatus,
    CategoryGroup,
    ConditionalBusiness,
    CrimeTip,
    DoorToDoorCheck,
    ForeignerStay,
    Incident,
    IncidentCategory,
    IncidentStatus,
    Mediation,
    MediationOutcome,
    OutreachSession,
    Patrol,
    PatrolArea,
    TipDecision,
    TipKind,
    TrafficAccident,
    WeaponItemType,
    WeaponSurrender,
    WeaponSurrenderItem,
)


@dataclass(frozen=True)
class ChoiceFilter:
    """A drop-down of the list filter: `choices` (list or callable returning a queryset) and how it filters."""

    name: str
    label: str
    choices: Callable | list
    lookup: str = ""
    apply: Callable[[QuerySet, object], QuerySet] | None = None
    group: Callable[[forms.ModelChoiceField], None] | None = None  # arranges the options in <optgroup>s

    def form_field(self) -> forms.Field:
        choices = self.choices() if callable(self.choices) else self.choices
        if isinstance(choices, QuerySet):
            field = forms.ModelChoiceField(label=self.label, queryset=choices, required=False, empty_label=_("All"))
            if self.group:
                self.group(field)
            return field
        return forms.ChoiceField(label=self.label, choices=[("", _("All")), *choices], required=False)

    def filter(self, queryset: QuerySet, value) -> QuerySet:
        if self.apply:
            return self.apply(queryset, value)
        return queryset.filter(**{self.lookup or self.name: value})


@dataclass(frozen=True)
class RecordKind:
    kind: str  # short name in URL names: incidents:<kind>_list
    slug: str  # URL segment: /records/<slug>/
    model: type
    form: type
    service: str  # services.<service>_create / _update / _delete(<service>=...)
    columns: tuple  # list columns: field names or (attribute, label); the first links to the record
    search_fields: tuple
    filters: tuple[ChoiceFilter, ...] = ()
    related: tuple[str, ...] = ()  # extra select_related for the list
    prefetch: tuple[str, ...] = ()
    detail_extra: str = ""  # template included on the detail page (tip actions, inspections, items)
    icon: str = "bi-journal-text"
    detail_fields: tuple = field(default=())

    @property
    def dated(self) -> bool:
        return bool(getattr(self.model.objects.all(), "date_field", ""))

    @property
    def field_names(self) -> list[str]:
        """The form's fields, in order: the detail page shows them."""
        return self.form._meta.fields

    @property
    def verbose_name(self):
        return self.model._meta.verbose_name

    @property
    def verbose_name_plural(self):
        return self.model._meta.verbose_name_plural

    def service_call(self, action: str) -> Callable:
        return getattr(services, f"{self.service}_{action}")

    def joined(self) -> QuerySet:
        """Every record of this kind with what its pages show (no query per row)."""
        queryset = self.model.objects.select_related("unit", "village", "recorded_by", *self.related)
        return queryset.prefetch_related(*self.prefetch) if self.prefetch else queryset

    def records(self, user, capability: Capability = Capability.RECORDS_READ) -> QuerySet:
        """The records of this kind in the user's scope (communes/permissions.py)."""
        return scope(self.joined(), user, capability)


def _with_item_type(queryset, value):
    return queryset.filter(Exists(WeaponSurrenderItem.objects.filter(surrender=OuterRef("pk"), item_type=value)))


def _decision_state(queryset, value):
    if value == "pending":
        return queryset.filter(decision="")
    return queryset.filter(decision=value)


def _declaration_state(queryset, value):
    return queryset.declared_on_time() if value == "on_time" else queryset.late_or_undeclared()


KINDS: dict[str, RecordKind] = {
    kind.kind: kind
    for kind in [
        RecordKind(
            kind="incident",
            slug="incidents",
            model=Incident,
            form=record_forms.IncidentForm,
            service="incident",
            columns=("occurred_on", "category", "place", "subjects", "status", "outcome"),
            search_fields=("description", "category__name", "village__name"),
            filters=(
                ChoiceFilter("group", _("Group"), list(CategoryGroup.choices), "category__group"),
                ChoiceFilter(
                    "category",
                    _("Category"),
                    lambda: IncidentCategory.objects.order_by("group", "name"),
                    group=record_forms.group_categories,
                ),
                ChoiceFilter("status", _("Handling status"), list(IncidentStatus.choices)),
            ),
            related=("category",),
            icon="bi-exclamation-triangle",
        ),
        RecordKind(
            kind="tip",
            slug="tips",
            model=CrimeTip,
            form=record_forms.CrimeTipForm,
            service="tip",
            columns=("received_on", "kind", "place", "deadline", "decision", "summary"),
            search_fields=("summary",),
            filters=(
                ChoiceFilter("kind", _("Kind"), list(TipKind.choices)),
                ChoiceFilter(
                    "decision",
                    _("Decision"),
                    [("pending", _("No decision yet")), *TipDecision.choices],
                    apply=_decision_state,
                ),
            ),
            detail_extra="incidents/_tip_actions.html",
            detail_fields=("handover_due_at", "deadline"),
            icon="bi-megaphone",
        ),
        RecordKind(
            kind="accident",
            slug="accidents",
            model=TrafficAccident,
            form=record_forms.TrafficAccidentForm,
            service="accident",
            columns=("occurred_on", "place", "village", "deaths", "injuries", "vehicles"),
            search_fields=("place", "description"),
            icon="bi-car-front",
        ),
        RecordKind(
            kind="stay",
            slug="stays",
            model=ForeignerStay,
            form=record_forms.ForeignerStayForm,
            service="stay",
            columns=("full_name", "nationality", "arrived_at", ("declared_on_time", _("Declared on time")), "place"),
            search_fields=("full_name", "passport_number", "nationality", "host_address", "business__name"),
            filters=(
                ChoiceFilter(
                    "declaration",
                    _("Declaration"),
                    [("on_time", _("Declared on time")), ("late", _("Late or not declared"))],
                    apply=_declaration_state,
                ),
            ),
            related=("business",),
            detail_fields=("declaration_due_at", ("declared_on_time", _("Declared on time"))),
            icon="bi-passport",
        ),
        RecordKind(
            kind="business",
            slug="businesses",
            model=ConditionalBusiness,
            form=record_forms.ConditionalBusinessForm,
            service="business",
            columns=("name", "kind", "place", "owner_name", "security_certificate_number", "status"),
            search_fields=("name", "owner_name", "address", "security_certificate_number"),
            filters=(
                ChoiceFilter("kind", _("Kind"), lambda: BusinessKind.objects.order_by("name")),
                ChoiceFilter("status", _("Status"), list(BusinessStatus.choices)),
            ),
            related=("kind",),
            detail_extra="incidents/_business_inspections.html",
            icon="bi-shop",
        ),
        RecordKind(
            kind="surrender",
            slug="surrenders",
            model=WeaponSurrender,
            form=record_forms.WeaponSurrenderForm,
            service="surrender",
            columns=("surrendered_on", "place", ("items", _("Items")), "surrendered_by"),
            search_fields=("surrendered_by", "notes"),
            filters=(
                ChoiceFilter("item_type", _("Type of item"), list(WeaponItemType.choices), apply=_with_item_type),
            ),
            prefetch=("items",),
            detail_extra="incidents/_surrender_items.html",
            icon="bi-box-seam",
        ),
        RecordKind(
            kind="patrol",
            slug="patrols",
            model=Patrol,
            form=record_forms.PatrolForm,
            service="patrol",
            columns=("patrolled_on", "area_kind", "place", "forces", "participants"),
            search_fields=("forces", "area", "results"),
            filters=(ChoiceFilter("area_kind", _("Kind of area"), list(PatrolArea.choices)),),
            icon="bi-signpost-split",
        ),
        RecordKind(
            kind="outreach",
            slug="outreach",
            model=OutreachSession,
            form=record_forms.OutreachSessionForm,
            service="outreach",
            columns=("held_on", "topic", "place", "attendees"),
            search_fields=("topic", "notes"),
            icon="bi-people",
        ),
        RecordKind(
            kind="mediation",
            slug="mediations",
            model=Mediation,
            form=record_forms.MediationForm,
            service="mediation",
            columns=("mediated_on", "parties", "place", "outcome"),
            search_fields=("parties", "subject"),
            filters=(ChoiceFilter("outcome", _("Outcome"), list(MediationOutcome.choices)),),
            icon="bi-chat-square-text",
        ),
        RecordKind(
            kind="doorcheck",
            slug="door-checks",
            model=DoorToDoorCheck,
            form=record_forms.DoorToDoorCheckForm,
            service="door_check",
            columns=("checked_on", "place", "households_checked", "violations_found"),
            search_fields=("findings",),
            icon="bi-house-door",
        ),
    ]
}


def filter_form(kind: RecordKind, user, data=None) -> record_forms.RecordFilterForm:
    return record_forms.RecordFilterForm(
        data, units=units_with(user, Capability.RECORDS_READ), choice_filters=kind.filters, dated=kind.dated
    )


def filtered_records(kind: RecordKind, user, data) -> tuple[record_forms.RecordFilterForm, QuerySet]:
    """The list's filter form bound to `data` (request.GET) and the matching records, newest first."""
    form = filter_form(kind, user, data or None)
    records = kind.records(user)
    if form.is_valid():
        values = form.cleaned_data
        if kind.dated and (values["start"] or values["end"]):
            records = _in_period(records, values["start"], values["end"])
        if values["unit"]:
            records = records.within(values["unit"])
        if values["village"]:
            records = records.filter(village=values["village"])
        for choice_filter in kind.filters:
            if (value := values.get(choice_filter.name)) not in (None, ""):
                records = choice_filter.filter(records, value)
        if term := values["q"].strip():
            records = records.filter(text_search(kind.search_fields, term))
    if kind.dated:
        return form, records.newest_first()
    return form, records.order_by("-created_at", "-id")


def _in_period(records, start, end):
    date_field = records.date_field
    if start:
        records = records.filter(**{f"{date_field}__gte": start})
    if end:
        records = records.filter(**{f"{date_field}__lte": end})
    return records
