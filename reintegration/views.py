"""Pages of the reintegration app.

Persons' names and identities are for police roles only (Capability.PERSONS_READ): every person
URL scopes through communes/permissions.py, so a committee member or an officer of another commune
gets 404. Committees see the counts page (Capability.RECORD_COUNTS), which holds numbers only.
Every view of a person's page and every export is written to the read log.
"""

import re
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from basecurity.lib import periods, tabular
from basecurity.lib.collation import vi
from communes import submissions
from communes.models import Level
from communes.permissions import (
    Capability,
    can,
    get_scoped_or_404,
    has_capability,
    require,
    scope,
    scope_label,
    units_with,
)
from communes.querysets import text_search
from incidents.models import Incident

from . import importers, services
from .forms import ImportForm, PersonFilterForm, PersonForm, ReoffenceForm, StatusForm, SupportActionForm
from .models import Person, Status

PAGE_SIZE = 25
CITIZEN_ID_SEARCH = re.compile(r"\d{12}")
EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _persons(user, capability=Capability.PERSONS_READ):
    return scope(Person.objects.all(), user, capability)


def _filtered_persons(request):
    """The persons in the user's scope, filtered by the list's form, newest return first."""
    today = timezone.localdate()
    units = units_with(request.user, Capability.PERSONS_READ)
    persons = _persons(request.user).with_latest_status(today)
    form = PersonFilterForm(request.GET or None, units=units)
    if form.is_valid():
        data = form.cleaned_data
        if data["unit"]:
            persons = persons.within(data["unit"])
        if data["village"]:
            persons = persons.filter(village=data["village"])
        if data["category"]:
            persons = persons.filter(category=data["category"])
        status = data["status"]
        if status == "employed":
            persons = persons.filter(latest_has_job=True)
        elif status == "stable":
            persons = persons.filter(latest_stable_life=True)
        elif status == "employed_stable":
            persons = persons.filter(latest_has_job=True, latest_stable_life=True)
        elif status == "none":
            persons = persons.filter(latest_status_as_of__isnull=True)
        if term := data["q"]:
            if CITIZEN_ID_SEARCH.fullmatch(term):  # a citizen ID: an exact lookup, written to the read log
                found = services.citizen_id_lookup(user=request.user, citizen_ids=[term], via="person list search")
                persons = persons.filter(pk__in=[person.pk for person in found.values()])
            else:
                persons = persons.filter(text_search(["full_name", "ref"], term))
    return form, persons.order_by("-returned_on", "-pk")


@login_required
def person_list(request):
    require(request.user, Capability.PERSONS_READ)
    form, persons = _filtered_persons(request)
    page = Paginator(persons.select_related("unit", "village"), PAGE_SIZE).get_page(request.GET.get("page"))
    services.log_persons_listed(user=request.user, persons=page, what=f"person list page {page.number}")
    can_write = has_capability(request.user, Capability.PERSONS_WRITE)
    return render(
        request,
        "reintegration/person_list.html",
        {
            "page": page,
            "filter_form": form,
            "can_write": can_write,
            "import_form": ImportForm() if can_write else None,
            "import_guides": [(kind, importers.import_guide(kind)) for kind in importers.IMPORTERS]
            if can_write
            else [],
            "query": request.GET.urlencode(),
        },
    )


def _timeline(person):
    """Support actions, statuses and reoffences merged by date, newest first."""
    entries = [{"date": action.date, "kind": "support", "object": action} for action in person.support_actions.all()]
    entries += [{"date": status.as_of, "kind": "status", "object": status} for status in person.statuses.all()]
    entries += [
        {"date": reoffence.date, "kind": "reoffence", "object": reoffence}
        for reoffence in person.reoffences.select_related("incident", "incident__category")
    ]
    order = {"reoffence": 0, "status": 1, "support": 2}
    entries.sort(key=lambda entry: (entry["date"], -order[entry["kind"]], entry["object"].pk), reverse=True)
    return entries


def _unit_incidents(person):
    return Incident.objects.filter(unit=person.unit).select_related("category").order_by("-occurred_on", "-id")


def _render_detail(request, person, *, support_form=None, status_form=None, reoffence_form=None, status=200):
    can_write = can(request.user, Capability.PERSONS_WRITE, person.unit)
    if can_write:
        support_form = support_form or SupportActionForm(instance=None)
        status_form = status_form or StatusForm()
        reoffence_form = reoffence_form or ReoffenceForm(incidents=_unit_incidents(person))
    services.log_person_read(user=request.user, person=person, what="person page (all fields, timeline, history)")
    return render(
        request,
        "reintegration/person_detail.html",
        {
            "person": person,
            "timeline": _timeline(person),
            "history": person.history.select_related("history_user")[:50],
            "can_write": can_write,
            "support_form": support_form,
            "status_form": status_form,
            "reoffence_form": reoffence_form,
        },
        status=status,
    )


def _person_or_404(request, pk, capability=Capability.PERSONS_READ):
    return get_scoped_or_404(
        Person.objects.select_related("unit", "village", "assigned_officer"), request.user, capability, pk=pk
    )


@login_required
def person_detail(request, pk):
    return _render_detail(request, _person_or_404(request, pk))


@login_required
def person_edit(request, pk=None):
    require(request.user, Capability.PERSONS_WRITE)
    if not pk and (earlier := submissions.already_created(request)) is not None:
        messages.success(request, submissions.already_saved_message())
        return redirect("reintegration:person_detail", pk=earlier.pk)
    person = _person_or_404(request, pk, Capability.PERSONS_WRITE) if pk else Person()
    units = units_with(request.user, Capability.PERSONS_WRITE)
    form = PersonForm(request.POST or None, instance=person, units=units, user=request.user)
    outcome = submissions.SaveOutcome()
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        if person.pk:
            save = partial(services.person_update, person=person, user=request.user, version=form.version, **fields)
            done = _("The person's record was saved.")
        else:
            save = partial(services.person_create, user=request.user, **fields)
            done = _("The person was registered.")
        outcome = submissions.save_outcome(request, form, save, create=not person.pk)
        if outcome.saved:
            messages.success(request, submissions.already_saved_message() if outcome.again else done)
            return redirect("reintegration:person_detail", pk=outcome.record.pk)
    if person.pk:  # the page shows every field, the full citizen ID included
        services.log_person_read(
            user=request.user, person=person, what="person edit page (all fields, full citizen ID)"
        )
    return render(
        request,
        "reintegration/person_form.html",
        {"form": form, "object": person if person.pk else None, "stale": outcome.stale},
        status=outcome.status,
    )


@login_required
@require_POST
def support_add(request, pk):
    person = _person_or_404(request, pk, Capability.PERSONS_WRITE)
    form = SupportActionForm(request.POST, instance=_new(person, "support"))
    return _add_to_person(
        request, person, form, "support_form", services.support_action_add, _("The support action was recorded.")
    )


@login_required
@require_POST
def status_add(request, pk):
    person = _person_or_404(request, pk, Capability.PERSONS_WRITE)
    form = StatusForm(request.POST, instance=_new(person, "status"))
    return _add_to_person(request, person, form, "status_form", services.status_record, _("The status was recorded."))


@login_required
@require_POST
def reoffence_add(request, pk):
    person = _person_or_404(request, pk, Capability.PERSONS_WRITE)
    form = ReoffenceForm(request.POST, instance=_new(person, "reoffence"), incidents=_unit_incidents(person))
    return _add_to_person(
        request, person, form, "reoffence_form", services.reoffence_record, _("The reoffence was recorded.")
    )


def _add_to_person(request, person, form, form_name: str, service, done: str):
    """Record a support action, a status or a reoffence from the person's page, once per form sent.

    A refusal of the service (e.g. a date in a locked period, communes/locks.py) or a failure of
    the database shows the page again with the form as typed."""
    if submissions.already_created(request) is not None:
        messages.success(request, submissions.already_saved_message())
        return redirect("reintegration:person_detail", pk=person.pk)
    outcome = submissions.SaveOutcome(status=400)
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form._meta.fields}
        outcome = submissions.save_outcome(
            request, form, partial(service, person=person, user=request.user, **fields), create=True
        )
        if outcome.saved:
            messages.success(request, submissions.already_saved_message() if outcome.again else done)
            return redirect("reintegration:person_detail", pk=person.pk)
    return _render_detail(request, person, status=outcome.status, **{form_name: form})


def _new(person, kind):
    from .models import Reoffence, SupportAction

    model = {"support": SupportAction, "status": Status, "reoffence": Reoffence}[kind]
    return model(person=person)


@login_required
def needs_attention(request):
    require(request.user, Capability.PERSONS_READ)
    today = timezone.localdate()
    persons = (
        _persons(request.user)
        .needs_attention(today)
        .select_related("unit", "village")
        .order_by("management_end", "-returned_on", "pk")
    )
    page = Paginator(persons, PAGE_SIZE).get_page(request.GET.get("page"))
    services.log_persons_listed(user=request.user, persons=page, what=f"needs attention page {page.number}")
    return render(request, "reintegration/needs_attention.html", {"page": page, "today": today})


@login_required
def counts(request):
    """Numbers only, per commune in scope, for the reporting year to date: no name, no ID."""
    require(request.user, Capability.RECORD_COUNTS)
    today = timezone.localdate()
    period = periods.period_of(today).cut_at(today)
    units = list(units_with(request.user, Capability.RECORD_COUNTS).filter(level=Level.COMMUNE).order_by(vi("name")))
    persons = scope(Person.objects.all(), request.user, Capability.RECORD_COUNTS)
    employment = {row["unit"]: row for row in persons.employment_counts_by_unit(period.end)}
    reoffending = {row["unit"]: row for row in persons.reoffending_counts_by_unit(period.start, period.end)}
    rows = []
    for unit in units:
        emp = employment.get(unit.pk, {"population": 0, "employed": 0})
        reo = reoffending.get(unit.pk, {"cohort": 0, "reoffended": 0})
        rows.append(
            {
                "unit": unit,
                "population": emp["population"],
                "employed": emp["employed"],
                "employment_rate": _rate(emp["employed"], emp["population"]),
                "cohort": reo["cohort"],
                "reoffended": reo["reoffended"],
                "reoffending_rate": _rate(reo["reoffended"], reo["cohort"]),
            }
        )
    return render(request, "reintegration/counts.html", {"rows": rows, "period": period})


def _rate(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


# --- export and import ---------------------------------------------------------------------------


@login_required
def export(request, kind, fmt):
    """The persons (or their statuses) of the list, with its filters, as CSV or XLSX; police only."""
    require(request.user, Capability.PERSONS_READ)
    if fmt not in EXPORT_FORMATS or kind not in importers.IMPORTERS:
        raise Http404
    layout = request.GET.get("layout", "people")
    if layout not in ("people", "import"):
        raise Http404
    form, persons = _filtered_persons(request)
    if kind == "reintegration_persons":
        columns, people, rows = importers.PERSON_COLUMNS, importers.PERSON_PEOPLE, importers.person_rows
        title = _("Persons managed in the community")
        records = persons
    else:
        columns, people, rows = importers.STATUS_COLUMNS, importers.STATUS_PEOPLE, importers.status_rows
        title = _("Statuses of the persons managed")
        records = Status.objects.filter(person__in=persons.values("pk"))
    heading = ()
    if layout == "people":  # for people: titles and names, under the title rows
        columns = tabular.people_headings(people)
        unit = form.cleaned_data.get("unit") if form.is_valid() else None
        heading = tabular.heading_lines(
            str(title), units=scope_label(request.user, Capability.PERSONS_READ, unit), user=request.user
        )
    services.log_persons_export(
        user=request.user, persons=Person.objects.filter(pk__in=persons.values("pk")), what=f"export {kind} ({fmt})"
    )
    if fmt == "csv":
        content = tabular.write_csv(columns, rows(records, layout=layout), heading=heading)
    else:
        content = tabular.write_xlsx(columns, rows(records, layout=layout), title=kind, heading=heading)
    response = HttpResponse(content, content_type=EXPORT_FORMATS[fmt])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{kind}-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def import_file(request):
    require(request.user, Capability.PERSONS_WRITE)
    if submissions.already_created(request) is not None:  # the same form sent again
        messages.success(request, submissions.already_saved_message())
        return redirect(reverse("reintegration:person_list"))
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    outcome = submissions.SaveOutcome()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        importer = importers.IMPORTERS[form.cleaned_data["kind"]](user=request.user)
        runs = []

        def run():
            runs.append(importer.run(upload.read(), upload.name))
            return runs[-1].imported_file

        outcome = submissions.save_outcome(request, form, run, create=True)
        result = runs[-1] if runs and not outcome.again else None
        if outcome.again:
            messages.success(request, submissions.already_saved_message())
            return redirect(reverse("reintegration:person_list"))
        if result is not None and result.ok:
            messages.success(
                request,
                _("%(count)d records were imported from %(name)s.") % {"count": result.written, "name": upload.name},
            )
            return redirect(reverse("reintegration:person_list"))
    return render(
        request,
        "reintegration/import.html",
        {"form": form, "result": result},
        status=outcome.status if outcome.status != 200 else (400 if result is not None or form.errors else 200),
    )


@login_required
def import_template(request, kind):
    """The import layout of `kind` with no rows ("Tệp mẫu để nhập"), to fill in and upload."""
    require(request.user, Capability.PERSONS_WRITE)
    if kind not in importers.IMPORTERS:
        raise Http404
    content = tabular.write_xlsx(importers.IMPORTERS[kind].columns, [], title=kind)
    response = HttpResponse(content, content_type=EXPORT_FORMATS["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-{kind}.xlsx"'
    return response
