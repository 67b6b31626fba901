"""One declaration per record kind: what lists, filters, exports, the menu, the period locks, the
querysets' unit and date and the dashboards' signals read about a kind of record.

Each app declares its kinds in its own `records.py` (`communes/records.py`, `incidents/records.py`,
...), discovered by `autodiscover_modules("records")` when the communes app is ready, so this
module imports none of the apps built on it:

    register(RecordKind(key="incident", model=Incident, url_prefix="incidents:incident",
                        place=Placement(date="occurred_on", figures=True), columns=(...), ...))

Rows that are not listed on their own (a tip's extensions, a person's statuses) declare where
and when they are with `place(Model, Placement(...))`. docs/architecture.md, "Adding a record
kind", lists what a declaration must hold.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.db.models import Model, QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from basecurity.lib import tabular
from basecurity.lib.collation import vi
from basecurity.lib.tabular import Column

from .forms import DateInput, VillageSelect, village_label
from .models import AdministrativeUnit, Level
from .permissions import Capability, has_capability, scope
from .querysets import UnitScopedQuerySet, text_search

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User
    from django_stubs_ext import StrOrPromise

# The records of a kind, whatever its model (their querysets are UnitScopedQuerySets).
Records = QuerySet[Any]

CHUNK_SIZE = 2000
# (read, write) capabilities of the kinds (communes/permissions.py).
RECORDS = (Capability.RECORDS_READ, Capability.RECORDS_WRITE)
PERSONS = (Capability.PERSONS_READ, Capability.PERSONS_WRITE)
ORGANISATION = (Capability.ORGANISATION_READ, Capability.ORGANISATION_WRITE)
REPORTS = (
    Capability.RECORD_COUNTS,
    Capability.RECORDS_WRITE,
)  # committees see the reports, officers write them  # an export of 100,000 rows is read in chunks: small in memory


@dataclass(frozen=True)
class Placement:
    """Where and when a row is: the one source of its unit and date lookups.

    `unit`: ORM lookup of its administrative unit (scope, `within`, the engine's folding).
    `date`: ORM lookup of the date that puts it in a period (`in_period`, the list's From/To,
    newest first); "" when undated.
    `lock_date`: ORM lookup of the day that decides whether a write is refused by a period lock
    (communes/locks.py, read on the unsaved instance) and which years of figures it changes;
    None = `date`, "" = never locked. It differs from `date` when the date is derived on save (a
    stay's arrival day from its time) or when the row belongs to its parent's period (a tip's
    extension).
    `figures`: the dashboards recompute the years of the lock date when such a row changes;
    `every_year`: a person counts in every year of the management, so undated years count too.
    `levels`: the levels the row's unit can be at (its model's clean() holds it to them; empty:
    any): the scope lists only the ids of these units (communes/permissions.scope_unit_ids), so
    a commune officer's list is one unit's stretch of the (unit, date, id) index.
    """

    unit: str = "unit"
    date: str = ""
    lock_date: str | None = None
    figures: bool = False
    every_year: bool = False
    levels: tuple[str, ...] = ()

    @property
    def lock_lookup(self) -> str:
        return self.date if self.lock_date is None else self.lock_date

    @property
    def lock_path(self) -> str:
        return self.lock_lookup.replace("__", ".")

    @property
    def unit_path(self) -> str:
        return self.unit.replace("__", ".")


PLACEMENTS: dict[type[Model], Placement] = {}
DEFAULT_PLACEMENT = Placement()
COMMUNE_ONLY = (Level.COMMUNE,)  # Placement.levels of the records a commune keeps


def place(model: type[Model], placement: Placement) -> None:
    PLACEMENTS[model] = placement


def placement(model: type[Model]) -> Placement:
    return PLACEMENTS.get(model, DEFAULT_PLACEMENT)


def lock_paths(model: type[Model]) -> tuple[str, str] | None:
    """(unit path, day path) of the rows of `model` that period locks guard, else None."""
    found = PLACEMENTS.get(model)
    if found is None or not found.lock_path:
        return None
    return found.unit_path, found.lock_path


@dataclass(frozen=True)
class ListColumn:
    """A column of a list: a field or attribute `name`, its heading (the field's verbose name by
    default), an optional cell template (given `record`), and whether a phone shows it."""

    name: str
    label: Any = None
    template: str = ""
    link: bool = False  # the cell links to the record's page


@dataclass(frozen=True)
class Export:
    """The rows of a list as a file (CSV or XLSX, basecurity/lib/tabular.py).

    For people (the default): `people` columns, titles in the user's language, names instead of
    codes, dates dd/mm/yyyy, under title rows (what, unit, period, when and by whom). The import
    layout (`?layout=import`, when `columns` is given): codes in the import's columns, `row` per
    record: what an importer reads back.
    """

    people: Sequence[Column]
    columns: Sequence[str] = ()
    row: Callable[[Any], list[Any]] | None = None
    prepare: Callable[[Records], Records] = lambda records: records
    rows_of: Callable[[Records], Records] = lambda records: records  # the list's rows → the file's
    title: Any = ""  # the first title row; the kind's plural name by default
    name: str = ""  # file name stem; the import kind, else the kind's key
    import_kind: str = ""  # the import kind with the same columns, if any

    def rows(self, records: Records, *, layout: str = "people") -> Iterable[list[Any]]:
        records = self.prepare(self.rows_of(records))
        for record in records.iterator(chunk_size=CHUNK_SIZE):
            if layout == "import" and self.row is not None:
                yield self.row(record)
            else:
                yield [column.value(record) for column in self.people]

    def write(
        self, records: Records, fmt: str, *, title: str, layout: str = "people", heading: Sequence[str] = ()
    ) -> bytes:
        """The records in `layout` ("people" under the `heading` lines, or "import")."""
        if layout == "import":
            columns, heading = self.columns, ()
        else:
            columns = tabular.people_headings(self.people)
        rows = self.rows(records, layout=layout)
        if fmt == "csv":
            return tabular.write_csv(columns, rows, heading=heading)
        return tabular.write_xlsx(columns, rows, title=title, heading=heading)

    def template(self) -> bytes:
        """The import layout with no rows: the file a commune fills in ("Tệp mẫu để nhập")."""
        return tabular.write_xlsx(self.columns, [], title=self.import_kind or "template")


@dataclass(frozen=True)
class MenuEntry:
    """The kind's entry in the menu: its section (organisation, records, reintegration, top), the
    label, its rank in the section, a divider before it; links shown after it (url name, label)."""

    section: str
    label: Any
    order: int = 0
    divider_before: bool = False
    links: tuple[tuple[str, Any], ...] = ()
    html_id: str = ""


@dataclass(frozen=True)
class RecordKind:
    key: str  # registry key and export URL segment: /export/<key>.csv
    model: type[Model]
    url_prefix: str  # "<namespace>:<name>": <prefix>_list, and with `pages` _detail (pk), _create
    access: tuple[Capability, Capability]  # (read, write): e.g. RECORDS, PERSONS below
    columns: tuple[ListColumn | str | tuple[Any, ...], ...]
    place: Placement = DEFAULT_PLACEMENT
    pages: bool = True  # the app has the record's page and a create page (else the list only)
    search_fields: tuple[str, ...] = ()
    search_label: Any = None
    filters: dict[str, django_filters.Filter] = field(default_factory=dict)
    unit_levels: tuple[str, ...] = (Level.COMMUNE,)  # the levels the unit filter offers
    unit_label: Any = None  # "Commune" by default
    village_filter: bool = True
    related: tuple[str, ...] = ()  # select_related of the list, the exports and the pages (no query per row)
    # What the list's table shows, when less than `related`: each join costs the database time
    # planning every page (a fifth relation doubled it, docs/benchmarks.md).
    list_related: tuple[str, ...] | None = None
    prefetch: tuple[str, ...] = ()
    prepare: Callable[[Records], Records] | None = None  # the list's annotations
    ordering: tuple[Any, ...] = ()  # newest first by the date when empty
    search: Callable[[Records, str, Any], Records] | None = None  # (records, term, user): a special search
    exports: dict[str, Export] = field(default_factory=dict)  # "" is the list's own; others /export/<key>-<name>
    import_url: str = ""  # the import page's URL name ("" = no import), with `import_args`
    import_args: tuple[Any, ...] = ()
    # The import format as the record's own fields (communes/imports.FieldImporter): "unit_code",
    # optionally "village", then field names; the import page, template and guide follow.
    import_columns: tuple[str, ...] = ()
    menu: MenuEntry | None = None
    icon: str = "bi-journal-text"
    title: Any = None  # the list's heading; the model's plural name by default
    empty: Any = None  # what the empty list says (what to do next)
    empty_template: str = ""  # or a template saying it, given the list's context (role-dependent words)
    header_extra: str = ""  # template of extra buttons beside "New" (given `kind`, `user`)
    list_extra: str = ""  # template included under the list
    list_context: Callable[[Any], dict[str, Any]] | None = None  # (user) -> what `list_extra` reads
    detail_extra: str = ""  # template included on the detail page
    create_label: Any = None
    can_create: Callable[[Any], bool] | None = None
    on_list: Callable[[Any, Any], None] | None = None  # (user, page): the read log of personal data
    on_export: Callable[[Any, Records, str], None] | None = None  # (user, records, what)
    extra: dict[str, Any] = field(default_factory=dict)  # what an app's own views need besides

    @property
    def read(self) -> Capability:
        return self.access[0]

    @property
    def write(self) -> Capability:
        return self.access[1]

    # --- names and URLs ---
    @property
    def verbose_name(self) -> StrOrPromise | None:
        return self.model._meta.verbose_name

    @property
    def verbose_name_plural(self) -> StrOrPromise | None:
        return self.model._meta.verbose_name_plural

    @property
    def heading(self) -> StrOrPromise | None:
        return self.title or self.verbose_name_plural

    @property
    def list_url(self) -> str:
        return f"{self.url_prefix}_list"

    @property
    def detail_url(self) -> str:
        return f"{self.url_prefix}_detail"

    @property
    def create_url(self) -> str:
        return f"{self.url_prefix}_create"

    @property
    def dated(self) -> bool:
        return bool(self.place.date)

    @property
    def list_columns(self) -> list[ListColumn]:
        return [_column(column, index == 0) for index, column in enumerate(self.columns)]

    def column_label(self, column: ListColumn) -> StrOrPromise:
        if column.label is not None:
            given: StrOrPromise = column.label
            return given
        label: StrOrPromise = getattr(self.model._meta.get_field(column.name), "verbose_name", column.name)
        return label

    # --- the rows ---
    def joined(self) -> Records:
        """Every record of this kind with what its pages show (no query per row)."""
        records = self.model._default_manager.select_related(*self.related)
        if self.prefetch:
            records = records.prefetch_related(*self.prefetch)
        return self.prepare(records) if self.prepare else records

    def records(self, user: User | AnonymousUser, capability: Capability | None = None) -> Records:
        """The records of this kind in the user's scope (communes/permissions.py)."""
        return scope(self.joined(), user, capability or self.read)

    def for_list(self, records: Records) -> Records:
        """The rows of the list page: joined to what the table shows only (`list_related`)."""
        if self.list_related is None:
            return records
        return records.select_related(None).select_related(*self.list_related)

    def ordered(self, records: Records) -> Records:
        if self.ordering:
            return records.order_by(*self.ordering)
        if self.dated:  # a queryset may say what "newest" means (a stay's arrival time)
            if hasattr(records, "newest_first"):
                newest: Records = records.newest_first()
                return newest
            return records.order_by(f"-{self.place.date}", "-id")
        return records.order_by("-created_at", "-id")

    def user_can_create(self, user: User | AnonymousUser) -> bool:
        if not self.pages:
            return False
        return self.can_create(user) if self.can_create else has_capability(user, self.write)

    def export(self, name: str = "") -> Export | None:
        return self.exports.get(name)

    @property
    def more_exports(self) -> list[tuple[str, Any]]:
        """(name, title) of the other exports of the list's rows."""
        return [(name, export.title) for name, export in self.exports.items() if name]

    @property
    def importable(self) -> bool:
        return bool(self.import_url or self.import_columns)

    def import_link(self) -> str:
        if self.import_url:
            return reverse(self.import_url, args=self.import_args)
        return reverse("imports:start", args=[self.key]) if self.import_columns else ""


def _column(column: ListColumn | str | tuple[Any, ...], first: bool) -> ListColumn:
    if isinstance(column, ListColumn):
        return column
    if isinstance(column, str):
        return ListColumn(column, link=first)
    return replace(ListColumn(*column), link=first)


KINDS: dict[str, RecordKind] = {}


def register(*kinds: RecordKind) -> None:
    for kind in kinds:
        if kind.key in KINDS and KINDS[kind.key] is not kind:
            raise ValueError(f"record kind {kind.key!r} is declared twice")
        KINDS[kind.key] = kind
        place(kind.model, kind.place)
        if kind.import_columns:
            from .imports import register_record_kind_import  # the imports build on the declarations

            register_record_kind_import(kind)


def export_target(key: str) -> tuple[RecordKind, Export] | None:
    """The kind and export named by the export URL's `key`: "incident", or "person-statuses"."""
    kind_key, _sep, name = key.partition("-")
    kind = KINDS.get(kind_key)
    if kind is None or (export := kind.export(name)) is None:
        return None
    return kind, export


# --- filters (django-filter) ---------------------------------------------------------------------


class RecordFilterForm(forms.Form):
    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if data and data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The end of the period is before its start."))
        return data


class _ChoicesOfOneQuery(django_filters.fields.ModelChoiceIterator):  # type: ignore[misc]
    """A drop-down's choices read by one plain query: the default `.iterator()` opens a server-side
    cursor on PostgreSQL (three round trips) on every render of a list's filters."""

    def __iter__(self) -> Iterable[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for instance in self.queryset.all():
            yield self.choice(instance)


_FORM_CLASSES: dict[type, type[forms.Form]] = {}


class RecordFilterSet(django_filters.FilterSet):  # type: ignore[misc]  # django-filter has no types
    """Search, period, unit and village, shared by every kind; `filterset_for` adds the kind's own.

    The unit and village choices are the user's units (`units`, a queryset) at the kind's levels."""

    record_kind: RecordKind

    def __init__(
        self,
        data: QueryDict | None = None,
        queryset: Records | None = None,
        *,
        units: QuerySet[AdministrativeUnit],
        user: User | AnonymousUser,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, queryset, **kwargs)
        self.user = user
        fields = self.form.fields
        for name in ("unit", "village"):
            if name in fields:
                fields[name].iterator = _ChoicesOfOneQuery
        if "unit" in fields:
            fields["unit"].queryset = units.filter(level__in=self.record_kind.unit_levels).order_by(vi("name"))
        if "village" in fields:
            villages = fields["village"]
            villages.widget = VillageSelect()
            villages.queryset = (
                units.filter(level=Level.VILLAGE).select_related("parent").order_by("parent__name", "name")
            )
            villages.label_from_instance = village_label

    def get_form_class(self) -> type[forms.Form]:
        """The form class of this FilterSet class, built once: django-filter builds the fields and a
        new class on every request, and they do not depend on it (the unit and village querysets
        are set on each form's own copies of the fields, above)."""
        form_class = _FORM_CLASSES.get(type(self))
        if form_class is None:
            form_class = _FORM_CLASSES[type(self)] = super().get_form_class()
        return form_class

    def search_records(self, records: Records, name: str, value: str) -> Records:
        term = value.strip()
        if not term:
            return records
        if self.record_kind.search:
            return self.record_kind.search(records, term, self.user)
        return records.filter(text_search(self.record_kind.search_fields, term))

    def from_day(self, records: Records, name: str, value: date) -> Records:
        return records.filter(**{f"{self.record_kind.place.date}__gte": value})

    def to_day(self, records: Records, name: str, value: date) -> Records:
        return records.filter(**{f"{self.record_kind.place.date}__lte": value})

    def in_unit(
        self, records: UnitScopedQuerySet[Any], name: str, value: AdministrativeUnit
    ) -> UnitScopedQuerySet[Any]:
        return records.within(value)


def filterset_for(kind: RecordKind) -> type[RecordFilterSet]:
    """The kind's FilterSet: q, start, end (dated kinds), unit, village, then the kind's own filters;
    the field names are those of the list's URLs."""
    attrs: dict[str, Any] = {}
    if kind.search_fields or kind.search:
        attrs["q"] = django_filters.CharFilter(label=kind.search_label or _("Search"), method="search_records")
    if kind.dated:
        attrs["start"] = django_filters.DateFilter(label=_("From"), method="from_day", widget=DateInput())
        attrs["end"] = django_filters.DateFilter(label=_("To"), method="to_day", widget=DateInput())
    attrs["unit"] = django_filters.ModelChoiceFilter(
        label=kind.unit_label or _("Commune"),
        queryset=AdministrativeUnit.objects.none(),
        method="in_unit",
        empty_label=_("All units") if kind.unit_label else _("All communes"),
    )
    if kind.village_filter:
        attrs["village"] = django_filters.ModelChoiceFilter(
            label=_("Village"), queryset=AdministrativeUnit.objects.none(), empty_label=_("All villages")
        )
    attrs |= kind.filters
    attrs["record_kind"] = kind
    attrs["Meta"] = type("Meta", (), {"model": kind.model, "fields": [], "form": RecordFilterForm})
    return type(f"{kind.model.__name__}FilterSet", (RecordFilterSet,), attrs)


_FILTERSETS: dict[str, type[RecordFilterSet]] = {}


def filtered(kind: RecordKind, user: User | AnonymousUser, data: QueryDict | None) -> tuple[RecordFilterSet, Records]:
    """The list's filters bound to `data` (request.GET) and its rows: the user's scope, the filters
    when they are all valid (else none, with the errors shown), in the kind's order. Lists and
    exports both call it, so a file holds exactly the rows of its list."""
    from .permissions import units_with

    filterset_class = _FILTERSETS.get(kind.key)
    if filterset_class is None:
        filterset_class = _FILTERSETS[kind.key] = filterset_for(kind)
    records = kind.records(user)
    filterset = filterset_class(data or None, records, units=units_with(user, kind.read), user=user)
    if filterset.is_bound and filterset.is_valid():
        records = filterset.qs
    return filterset, kind.ordered(records)


def choice_filter(label: StrOrPromise, choices: Any, **kwargs: Any) -> django_filters.ChoiceFilter:
    """A drop-down of the list whose empty option reads "All"."""
    return django_filters.ChoiceFilter(
        label=label, choices=choices, empty_label=kwargs.pop("empty_label", _("All")), **kwargs
    )


def export_heading(
    kind: RecordKind, export: Export, filterset: RecordFilterSet, user: User | AnonymousUser
) -> list[str]:
    """The title rows of an export for people: the list, its unit (filter or the user's), its period."""
    from django.utils.text import capfirst

    from .permissions import scope_label

    values = filterset.form.cleaned_data if filterset.is_bound and filterset.is_valid() else {}
    return tabular.heading_lines(
        str(capfirst(export.title or kind.verbose_name_plural)),
        units=scope_label(user, kind.read, values.get("unit")),
        user=user,
        start=values.get("start"),
        end=values.get("end"),
    )


def menu_of(capabilities: Collection[Capability]) -> dict[str, list[RecordKind]]:
    """The kinds each section of the menu lists for a user with `capabilities`, in order."""
    sections: dict[str, list[RecordKind]] = {}
    for kind in sorted(KINDS.values(), key=lambda kind: kind.menu.order if kind.menu else 0):
        if kind.menu and kind.read in capabilities:
            sections.setdefault(kind.menu.section, []).append(kind)
    return sections
